// Veza's policy rules on top of the generic ones: environments never touch each other, and outside
// development the live Secret is kept. They know Veza's layout (`dist/<env>/`, `veza-<env>`).
import { defaultNamespace, isProductionTier, type Tier } from './environment-file';
import { environmentLocationAllowed, namesEnvironment } from './isolation';
import { liveSecretProblems } from './live-secret';
import { esoHygiene, GENERIC_POLICY_RULES, PolicyContext, PolicyEnvironment, PolicyObject, PolicyRule } from '../policy';
import { forEachString, providerOf, storeOf } from '../policy/policy';

/**
 * Kinds without a namespace; in an environment's folder only its Namespace and objects named after it may be one.
 * @internal
 */
export const CLUSTER_SCOPED_KINDS = [
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterSecretStore', 'ClusterExternalSecret',
  'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'PriorityClass', 'StorageClass', 'PersistentVolume', 'APIService',
];

/**
 * The environments the pass was given, or else Veza's: each top-level folder of the output
 * (`dist/<env>/`, `alternatives/<env>/`) is an environment in namespace `veza-<env>`, production
 * outside development.
 * @internal
 */
export function vezaEnvironments(context: PolicyContext): PolicyEnvironment[] {
  if (context.environments.length > 0) return context.environments;
  let found = derivedEnvironments.get(context);
  if (!found) {
    found = [...new Set(context.objects.map((o) => o.environment).filter((e): e is string => e !== undefined))]
      .sort()
      // A folder's name stands for its tier here: production's rules unless it is development.
      .map((name) => ({ name, namespace: defaultNamespace(name), production: isProductionTier(name as Tier) }));
    derivedEnvironments.set(context, found);
  }
  return found;
}

/** The environments derived from each context's folders, once per context (every object asks). */
const derivedEnvironments = new WeakMap<PolicyContext, PolicyEnvironment[]>();

/** What names an environment, compiled once per environment: its Vault path or prefix, and its namespace when not `veza-<env>`. */
const mentionPatterns = new WeakMap<PolicyEnvironment, RegExp[]>();

function mentionsOf(env: PolicyEnvironment): RegExp[] {
  let patterns = mentionPatterns.get(env);
  if (!patterns) {
    patterns = [new RegExp(`(^|[^a-z0-9])veza[-/.]${env.name}([^a-z0-9]|$)`)];
    if (env.namespace !== defaultNamespace(env.name)) patterns.push(new RegExp(`(^|[^a-z0-9-])${env.namespace}([^a-z0-9-]|$)`));
    mentionPatterns.set(env, patterns);
  }
  return patterns;
}

/** A mention of another environment's namespace, Vault path, AWS prefix, GCP project or Key Vault. */
function otherEnvironmentIn(value: string, self: PolicyEnvironment, context: PolicyContext): PolicyEnvironment | undefined {
  // Called for every string of every object: plain loops, no callback per call.
  for (const other of vezaEnvironments(context)) {
    if (other.name === self.name) continue;
    for (const pattern of mentionsOf(other)) if (pattern.test(value)) return other;
  }
  return undefined;
}

/** `(^|/)<env>(/|$)`: a key below environment `name`'s path, compiled once per name. */
const keyPatterns = new Map<string, RegExp>();

function keyBelow(name: string): RegExp {
  let pattern = keyPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`(^|/)${name}(/|$)`);
    keyPatterns.set(name, pattern);
  }
  return pattern;
}

/** Where a store of each provider names the environment itself (the others name it in every remote key). */
const STORE_LOCATION: Record<string, { field: string; read: (p: any) => unknown }> = {
  gcpsm: { field: 'spec.provider.gcpsm.projectID', read: (p) => p.gcpsm?.projectID },
  azurekv: { field: 'spec.provider.azurekv.vaultUrl', read: (p) => p.azurekv?.vaultUrl },
  vault: { field: 'spec.provider.vault.auth.*.role', read: (p) => Object.values(p.vault?.auth ?? {}).map((a: any) => a?.role).find((r) => r !== undefined) },
};

/**
 * Environments never touch each other: every object of `dist/<env>/` (and `alternatives/<env>/`)
 * is in `veza-<env>`, every store reads a location of `<env>`, and nothing names another
 * environment's namespace, path, prefix, project or vault.
 * @internal
 */
export const environmentIsolation: PolicyRule = {
  name: 'environment-isolation',
  description: "Every object of an environment's folder is in its namespace, reads its own store location (and its generators their own Vault paths), and names no other environment's namespace, Vault path, AWS prefix, GCP project or Key Vault.",
  check: (object, context) => {
    const env = vezaEnvironments(context).find((e) => e.name === object.environment);
    if (!env) return [];
    const { doc } = object;
    const problems: string[] = [];
    const name = doc.metadata?.name ?? '';
    if (doc.kind === 'Namespace') {
      if (name !== env.namespace) problems.push(`'metadata.name' is ${JSON.stringify(name)}; allowed: ${JSON.stringify(env.namespace)}, this environment's namespace`);
    } else if (CLUSTER_SCOPED_KINDS.includes(doc.kind ?? '')) {
      if (!name.includes(env.namespace)) problems.push(`a cluster-scoped ${doc.kind} in an environment's folder; allowed: a name holding ${JSON.stringify(env.namespace)}, or the object in dist/cluster/`);
    } else if (doc.metadata?.namespace !== env.namespace) {
      problems.push(`'metadata.namespace' is ${doc.metadata?.namespace === undefined ? 'unset' : JSON.stringify(doc.metadata.namespace)}; allowed: ${JSON.stringify(env.namespace)}`);
    }
    forEachString(doc, (value, place) => {
      const other = otherEnvironmentIn(value, env, context);
      if (other) problems.push(`'${place.path}' is ${JSON.stringify(value)}, which names environment ${other.name}; allowed: this environment's own (${env.name})`);
    });
    if (doc.kind === 'SecretStore' || doc.kind === 'ClusterSecretStore') {
      const location = STORE_LOCATION[providerOf(doc) ?? ''];
      const value = location?.read((doc.spec as any).provider);
      if (location && (typeof value !== 'string' || !namesEnvironment(value, env.name))) {
        problems.push(`'${location.field}' is ${JSON.stringify(value ?? null)}; allowed: ${environmentLocationAllowed(env.name)}`);
      }
    }
    if (doc.kind === 'VaultDynamicSecret') {
      // A generator reads Vault as the store does: a path of this environment only.
      const path = String((doc.spec as any)?.path ?? '');
      if (!namesEnvironment(path, env.name)) problems.push(`'spec.path' is ${JSON.stringify(path)}; allowed: ${environmentLocationAllowed(env.name, 'a Vault path')}`);
    }
    if (doc.kind === 'ExternalSecret') {
      const store = storeOf(object, context);
      const provider = store && providerOf(store.doc);
      if (provider === 'vault' || provider === 'aws') {
        const data = ((doc.spec as any)?.data ?? []) as { secretKey?: string; remoteRef?: { key?: string } }[];
        data.forEach((d, i) => {
          const key = d.remoteRef?.key ?? '';
          if (!keyBelow(env.name).test(key)) problems.push(`'spec.data[${i}].remoteRef.key' is ${JSON.stringify(key)}; allowed: a ${provider} key below this environment's path (holding /${env.name}/)`);
        });
      }
    }
    return problems;
  },
  // Scripts, policies and templates act on what they name; prose (Markdown, comment lines) may
  // mention another environment, as configure-vault.sh does for a shared auth mount.
  checkText: (file, context) => {
    const parts = file.path.split('/');
    const env = vezaEnvironments(context).find((e) => e.name === (parts[0] === 'alternatives' ? parts[1] : parts[0]));
    if (!env || file.path.endsWith('.md')) return [];
    const problems: string[] = [];
    file.content.split('\n').forEach((line, i) => {
      if (/^\s*(#|\/\/)/.test(line)) return;
      const other = otherEnvironmentIn(line, env, context);
      if (other) problems.push(`line ${i + 1} names environment ${other.name}; allowed: this environment's own (${env.name})`);
    });
    return problems;
  },
};

/** The live Secret outlives what feeds it outside development: Retain and Orphan. */
function keepsLiveSecret(object: PolicyObject, context: PolicyContext): string[] {
  if (object.doc.kind !== 'ExternalSecret') return [];
  const env = vezaEnvironments(context).find((e) => e.name === object.environment);
  if (!env?.production) return [];
  const target = ((object.doc.spec as any)?.target ?? {}) as { deletionPolicy?: string; creationPolicy?: string };
  // ESO's defaults where the manifest says nothing: Retain and Owner.
  return liveSecretProblems(true, { deletionPolicy: target.deletionPolicy ?? 'Retain', creationPolicy: target.creationPolicy ?? 'Owner' })
    .map((p) => `'spec.target.${p.field}' is ${JSON.stringify(p.value)}; allowed: ${p.allowed}`);
}

/**
 * The generic `eso-hygiene`, and outside development `deletionPolicy: Retain` with
 * `creationPolicy: Orphan`, so neither a missing provider entry nor deleting the ExternalSecret
 * (an Argo CD prune, a provider switch) removes the Secret running pods read.
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 * @internal
 */
export const vezaEsoHygiene: PolicyRule = {
  name: esoHygiene.name,
  description: `${esoHygiene.description.replace(/\.$/, '')}, and outside development it uses deletionPolicy Retain and creationPolicy Orphan.`,
  check: (object, context) => [...esoHygiene.check(object, context), ...keepsLiveSecret(object, context)],
};

/** Every rule Veza's synth enforces, in the order violations are listed: the generic ones, with Veza's eso-hygiene and environment isolation. */
export const POLICY_RULES: readonly PolicyRule[] = [
  ...GENERIC_POLICY_RULES.filter((r) => r !== esoHygiene),
  environmentIsolation,
  vezaEsoHygiene,
];
