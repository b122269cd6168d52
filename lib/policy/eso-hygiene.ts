import { parseGoDuration } from '../eso/go-duration';
import { storeOf } from './environment-isolation';
import { PolicyRule } from './policy';

/**
 * ExternalSecrets that keep working and keep the live Secret: a refresh interval above 0 (with 0
 * `force-sync` does nothing), keys to read, a store that exists where it is applied, and outside
 * development `deletionPolicy: Retain` with `creationPolicy: Orphan`, so neither a missing
 * provider entry nor deleting the ExternalSecret (an Argo CD prune, a provider switch) removes the
 * Secret running pods read.
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 */
export const esoHygiene: PolicyRule = {
  name: 'eso-hygiene',
  description: "Every ExternalSecret has a refreshInterval above 0 and data, its secretStoreRef resolves in the same folder (or to a ClusterSecretStore), and outside development it uses deletionPolicy Retain and creationPolicy Orphan.",
  check: (object, context) => {
    const { doc } = object;
    if (doc.kind !== 'ExternalSecret') return [];
    const spec = (doc.spec ?? {}) as any;
    const problems: string[] = [];
    const interval = spec.refreshInterval;
    const parsed = typeof interval === 'string' ? parseGoDuration(interval) : undefined;
    if (!parsed || parsed.toSeconds() <= 0) {
      problems.push(`'spec.refreshInterval' is ${interval === undefined ? 'unset' : JSON.stringify(interval)}; allowed: a Go duration above 0 such as 1h (with 0 ESO never refreshes and force-sync does nothing)`);
    }
    if ((spec.data ?? []).length === 0 && (spec.dataFrom ?? []).length === 0) problems.push(`'spec.data' is empty; allowed: at least one key`);
    const ref = spec.secretStoreRef ?? {};
    if (!storeOf(object, context)) {
      const kind = ref.kind ?? 'SecretStore';
      problems.push(`'spec.secretStoreRef' is ${kind} ${JSON.stringify(ref.name ?? '')}, which is not written ${kind === 'ClusterSecretStore' ? 'anywhere' : `in dist/${object.unit}/ in namespace ${JSON.stringify(doc.metadata?.namespace ?? '')}`}; allowed: a store applied with it`);
    }
    const env = context.environments.find((e) => e.name === object.environment);
    if (env?.production) {
      const target = spec.target ?? {};
      const deletion = target.deletionPolicy ?? 'Retain';
      const creation = target.creationPolicy ?? 'Owner';
      if (deletion !== 'Retain') problems.push(`'spec.target.deletionPolicy' is ${JSON.stringify(deletion)}; allowed: Retain outside development (a missing provider entry must not drop the live Secret)`);
      if (creation !== 'Orphan') problems.push(`'spec.target.creationPolicy' is ${JSON.stringify(creation)}; allowed: Orphan outside development (deleting the ExternalSecret must not delete the live Secret)`);
    }
    return problems;
  },
};
