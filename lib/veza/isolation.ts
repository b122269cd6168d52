/**
 * Veza's store isolation, written once: a store (its location), a generator (its Vault path) and
 * every remote key of an environment name that environment as a whole word (`production` in
 * `veza/production`, `aws:SecretsManager:eu-west-3:veza/production/`), so no environment reads
 * another's secrets. The environment's constructs (at synth) and the policy pass's
 * `environment-isolation` (on the files) both ask {@link namesEnvironment}.
 */

/**
 * Whether `value` holds `environment` as a whole word: not inside a longer word (`production2`, `preproduction`).
 * @internal
 */
export function namesEnvironment(value: string, environment: string): boolean {
  return new RegExp(`(^|[^a-z0-9])${escape(environment)}([^a-z0-9]|$)`).test(value);
}

/**
 * The "allowed: ..." text of a location that must name `environment`.
 * @internal
 */
export function environmentLocationAllowed(environment: string, what = 'a location'): string {
  return `${what} of environment ${JSON.stringify(environment)} (a store must not read another environment's secrets)`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
