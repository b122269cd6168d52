import { Duration } from 'cdk8s';

/**
 * Go's duration syntax, as ESO's `refreshInterval` and Vault's `rotation_period` take it:
 * one or more `<number><unit>` with unit `h`, `m` or `s` (`1h`, `15m`, `1h30m`).
 */
export const GO_DURATION_PATTERN = /^(\d+h)?(\d+m)?(\d+s)?$/;

/** Parses a Go duration (`1h30m`); returns `undefined` when the text is not one. */
export function parseGoDuration(text: string): Duration | undefined {
  const match = GO_DURATION_PATTERN.exec(text);
  if (!match || text === '') return undefined;
  const [hours, minutes, seconds] = match.slice(1).map((part) => (part ? parseInt(part, 10) : 0));
  return Duration.seconds(hours * 3600 + minutes * 60 + seconds);
}

/** Renders a duration the way Go prints it, without zero parts: `1h`, `90m` becomes `1h30m`. */
export function toGoDuration(duration: Duration): string {
  const total = duration.toSeconds({ integral: false });
  if (!Number.isInteger(total) || total < 0) {
    throw new Error(`A duration must be a whole, non-negative number of seconds. The value passed is: ${total}s`);
  }
  if (total === 0) return '0s';
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}
