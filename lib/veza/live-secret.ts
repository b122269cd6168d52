import { CreationPolicy, DeletionPolicy } from '../eso/external-secret';

/**
 * Veza's rule on the live Secret outside development, written once: `deletionPolicy: Retain` and
 * `creationPolicy: Orphan`, so neither a missing provider entry nor deleting the ExternalSecret
 * (an Argo CD prune, a provider switch) removes the Secret running pods read. The environment
 * file's reader and the policy pass's `eso-hygiene` both ask {@link liveSecretProblems}.
 *
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 * @internal
 */
export const LIVE_SECRET_POLICIES = {
  deletionPolicy: {
    required: DeletionPolicy.RETAIN,
    allowed: 'Retain outside development (the live Secret must never be dropped because a provider entry went missing)',
  },
  creationPolicy: {
    required: CreationPolicy.ORPHAN,
    allowed: 'Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)',
  },
} as const;

/**
 * One field of an ExternalSecret's target that breaks the rule: its name, value and what is allowed.
 * @internal
 */
export interface LiveSecretProblem {
  /** `deletionPolicy` or `creationPolicy`. */
  readonly field: keyof typeof LIVE_SECRET_POLICIES;
  /** The value given. */
  readonly value: string;
  /** The "allowed: ..." text. */
  readonly allowed: string;
}

/**
 * What breaks the rule in `policies` of an environment that is (`production`) or is not past
 * development; a field left `undefined` is not checked (the caller says what its default is).
 * @internal
 */
export function liveSecretProblems(production: boolean, policies: { readonly deletionPolicy?: string; readonly creationPolicy?: string }): LiveSecretProblem[] {
  if (!production) return [];
  return (['deletionPolicy', 'creationPolicy'] as const).flatMap((field) => {
    const value = policies[field];
    const rule = LIVE_SECRET_POLICIES[field];
    return value !== undefined && value !== rule.required ? [{ field, value, allowed: rule.allowed }] : [];
  });
}
