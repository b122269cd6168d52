import { parseGoDuration } from '../eso/go-duration';
import { objectsReachable, PolicyRule, storeOf } from './policy';

/**
 * ExternalSecrets that keep working: a refresh interval above 0 (with 0 `force-sync` does
 * nothing), keys to read, and a store and generators that exist where it is applied. Generic: any
 * cdk8s app using ESO. (Veza's rule of the same name adds that outside development the live
 * Secret is kept: `vezaEsoHygiene`.)
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export const esoHygiene: PolicyRule = {
  name: 'eso-hygiene',
  description: "Every ExternalSecret has a refreshInterval above 0 and data, and its secretStoreRef and generatorRefs resolve in the same folder (or to a ClusterSecretStore, a ClusterGenerator).",
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
    ((spec.dataFrom ?? []) as { sourceRef?: { generatorRef?: { kind?: string; name?: string } } }[]).forEach((from, i) => {
      const generator = from.sourceRef?.generatorRef;
      if (!generator) return;
      if (objectsReachable(context, object, generator.kind, generator.name, generator.kind === 'ClusterGenerator').length === 0) {
        problems.push(`'spec.dataFrom[${i}].sourceRef.generatorRef' is ${generator.kind ?? ''} ${JSON.stringify(generator.name ?? '')}, which is not written ${generator.kind === 'ClusterGenerator' ? 'anywhere' : `in dist/${object.unit}/ in namespace ${JSON.stringify(doc.metadata?.namespace ?? '')}`}; allowed: a generator applied with it`);
      }
    });
    return problems;
  },
};
