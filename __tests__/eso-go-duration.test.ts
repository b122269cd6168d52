import { Duration } from 'cdk8s';
import { parseGoDuration, toGoDuration } from '../lib/eso/go-duration';

describe('Go durations', () => {
  test.each<[string, number]>([
    ['30s', 30], ['15m', 900], ['1h', 3600], ['1h30m', 5400], ['2h0m5s', 7205], ['0s', 0],
    // Go's time.ParseDuration: fractions, any order, a lone 0.
    ['1.5h', 5400], ['1m1h', 3660], ['0', 0], ['.5m', 30], ['+1s', 1],
  ])('parseGoDuration(%s) is %d seconds', (text, seconds) => {
    expect(parseGoDuration(text)?.toSeconds()).toBe(seconds);
  });

  test.each(['', '1d', '30', 'm', '-1h', ' 1h', '.s', '1h ', '2562048h'])('parseGoDuration(%j) is undefined', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  test.each<[Duration, string]>([
    [Duration.seconds(0), '0s'], [Duration.seconds(45), '45s'], [Duration.minutes(90), '1h30m'], [Duration.days(1), '24h'], [Duration.seconds(3601), '1h1s'],
  ])('toGoDuration(%s) is %s', (duration, text) => {
    expect(toGoDuration(duration)).toBe(text);
  });

  test('toGoDuration refuses a fraction of a second', () => {
    expect(() => toGoDuration(Duration.millis(1500))).toThrow(new Error('A duration must be a whole, non-negative number of seconds. The value passed is: 1.5s'));
  });
});
