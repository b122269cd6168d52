import { Duration } from 'cdk8s';

// Go's duration grammar is a rule of lib/rules, shared with the environment files and the policy pass.
export { parseGoDuration } from '../rules';

/**
 * Renders a duration the way Go prints it, without zero parts: `1h`, `90m` becomes `1h30m`.
 * @internal
 */
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
