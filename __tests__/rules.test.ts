/**
 * The rules of lib/rules against the edge cases of the programs that read the values: Go's
 * time.ParseDuration and net.ParseCIDR, `git check-ref-format`, Kubernetes' name and label
 * validation, Go's url.Parse. Each rule is the one constructs, environment files and the policy
 * pass use.
 */
import {
  cidr, dnsLabel, dnsSubdomain, GO_MAX_DURATION_NANOS, gitRevision, goDuration, isCidr, isGitRefName, isHttpUrl, labelKey, labelValue, mustBe,
  parseGoDurationNanos, secretDataKey, url,
} from '../lib/rules';

describe('Go durations (time.ParseDuration)', () => {
  test.each<[string, bigint]>([
    ['0', 0n], ['+0', 0n], ['-0', 0n], ['1ns', 1n], ['1us', 1_000n], ['1µs', 1_000n], ['1μs', 1_000n], ['1ms', 1_000_000n],
    ['1.5h', 5_400_000_000_000n], ['.5s', 500_000_000n], ['5.s', 5_000_000_000n], ['1h1m1s', 3_661_000_000_000n], ['1s1h', 3_601_000_000_000n],
    ['-1.5h', -5_400_000_000_000n], ['2562047h47m16.854775807s', GO_MAX_DURATION_NANOS], ['9223372036854775807ns', GO_MAX_DURATION_NANOS],
    ['0.000000001s', 1n], ['100ms', 100_000_000n],
  ])('%s is %d ns', (text, nanos) => {
    expect(parseGoDurationNanos(text)).toBe(nanos);
  });
  test.each(['', '1', '00', '1d', '1w', '1 h', ' 1h', '1h ', '.s', '.', 's', '1.h.5', '1H', '1hh', '2562047h47m16.854775808s', '9223372036854775808ns', '2562048h', '--1s', '1e3s', '0x10s'])(
    '%j is not a Go duration', (text) => {
      expect(parseGoDurationNanos(text)).toBeUndefined();
    });
  test.each<[string, number | undefined]>([
    ['1.5h', 5400], ['90m', 5400], ['1m1h', 3660], ['2562047h47m16s', 9223372036], ['1.5s', undefined], ['0s', undefined], ['-1h', undefined], ['2562047h47m17s', undefined],
  ])('goDuration(%s): %s seconds (whole seconds above 0, what ESO and Flux are given)', (text, seconds) => {
    expect(goDuration.parse(text)?.toSeconds()).toBe(seconds);
  });
});

describe('CIDRs (net.ParseCIDR)', () => {
  test.each(['10.0.0.0/8', '0.0.0.0/0', '255.255.255.255/32', '10.0.0.1/8', 'fd00::/8', '::/0', '2001:db8::/128', '::ffff:10.0.0.0/104', '2001:0db8:0000:0000:0000:0000:0000:0000/32'])(
    '%s is a CIDR', (value) => {
      expect(isCidr(value)).toBe(true);
      expect(cidr.parse(value)).toBe(value);
    });
  test.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '010.0.0.0/8', '10.0.0.0/-1', '10.0.0.0/8 ', ' 10.0.0.0/8', 'fd00::/129', 'fd00::/', 'fe80::1%eth0/64', 'fd00:::/8', 'g::/8', '10.0.0.0/08x', 'fd00::/1234', 'vault.example/32'])(
    '%j is not a CIDR', (value) => {
      expect(isCidr(value)).toBe(false);
    });
});

describe('git ref names (git check-ref-format --allow-onelevel)', () => {
  test.each(['main', 'HEAD', 'refs/tags/v1.2.0', 'release/2026.12', 'feature+x', 'user@host', 'a-b_c', 'v1.0', '0123456789abcdef0123456789abcdef01234567', 'ünïcode'])(
    '%s is a ref name', (name) => {
      expect(isGitRefName(name)).toBe(true);
      expect(gitRevision.parse(name)).toBe(name);
    });
  test.each(['', '@', '/main', 'main/', 'a//b', 'a..b', '../main', '.hidden', 'refs/.hidden', 'main.lock', 'refs/heads/x.lock/y', 'main.', 'a@{1}', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a\tb', 'a\u007fb'])(
    '%j is not a ref name', (name) => {
      expect(isGitRefName(name)).toBe(false);
    });
});

describe('Kubernetes names and labels (k8s.io/apimachinery validation)', () => {
  test.each<[string, boolean]>([
    ['a', true], ['veza-production', true], ['0abc', true], ['a'.repeat(63), true], ['a'.repeat(64), false], ['Veza', false], ['-a', false], ['a-', false], ['a.b', false], ['a_b', false], ['', false],
  ])('DNS label %j: %s', (value, ok) => {
    expect(dnsLabel.parse(value) !== undefined).toBe(ok);
  });
  test.each<[string, boolean]>([
    ['a.b.c', true], ['veza-secrets', true], [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true], [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
    ['a..b', false], ['.a', false], ['a.', false], ['A.b', false],
  ])('DNS subdomain %j: %s', (value, ok) => {
    expect(dnsSubdomain.parse(value) !== undefined).toBe(ok);
  });
  test.each<[string, boolean]>([
    ['', true], ['a', true], ['A_b.c-d', true], ['a'.repeat(63), true], ['a'.repeat(64), false], ['-a', false], ['a_', false], ['a b', false], ['a/b', false],
  ])('label value %j: %s', (value, ok) => {
    expect(labelValue.parse(value) !== undefined).toBe(ok);
  });
  test.each<[string, boolean]>([
    ['team', true], ['veza.io/team', true], ['app.kubernetes.io/name', true], ['a/b/c', false], ['/team', false], ['Veza.io/team', false], ['veza.io/', false], [`x/${'a'.repeat(64)}`, false],
  ])('label key %j: %s', (value, ok) => {
    expect(labelKey.parse(value) !== undefined).toBe(ok);
  });
  test.each<[string, boolean]>([['jwt-secret', true], ['JWT_SECRET.v2', true], ['a b', false], ['a/b', false], ['', false]])('Secret data key %j: %s', (value, ok) => {
    expect(secretDataKey.parse(value) !== undefined).toBe(ok);
  });
});

describe('URLs (Go url.Parse, http clients)', () => {
  test.each<[string, boolean, boolean]>([
    ['https://vault.veza.internal:8200', true, true], ['http://vault:8200', true, false], ['https://[fd00::1]:8200/', true, true],
    ['https://vault:8200 ', false, false], [' https://vault:8200', false, false], ['https://user:pw@vault:8200', false, false], ['https://token@vault:8200', false, false],
    ['ftp://vault:8200', false, false], ['vault:8200', false, false], ['https://', false, false], ['https://vault:99999', false, false], ['https://va ult', false, false], [`https://${'a'.repeat(64)}.example`, false, false], [`https://${'a.'.repeat(127)}aa`, false, false],
  ])('%j: http(s) %s, https only %s', (value, http, https) => {
    expect(isHttpUrl(value)).toBe(http);
    expect(isHttpUrl(value, true)).toBe(https);
    expect(url(false).parse(value) !== undefined).toBe(http);
  });
});

test('mustBe: the construct-style message of a rule, with a short excerpt of a long value', () => {
  expect(() => mustBe('[x/y]', 'namespace', dnsLabel, 'Veza')).toThrow(new Error(`[x/y]: 'namespace' must be ${dnsLabel.allowed}. The value passed is: "Veza"`));
  expect(() => mustBe('[x/y]', 'namespace', dnsLabel, 'A'.repeat(10_000))).toThrow(`The value passed is: "${'A'.repeat(199)}... (10002 characters)`);
});
