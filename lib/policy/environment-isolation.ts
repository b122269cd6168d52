import { KubeObject, PolicyContext, PolicyEnvironment, PolicyObject, PolicyRule, stringsOf } from './policy';

/** Kinds without a namespace; in an environment's folder only its Namespace and objects named after it may be one. */
export const CLUSTER_SCOPED_KINDS = [
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterSecretStore', 'ClusterExternalSecret',
  'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'PriorityClass', 'StorageClass', 'PersistentVolume', 'APIService',
];

/** A mention of another environment's namespace, Vault path, AWS prefix, GCP project or Key Vault. */
function otherEnvironmentIn(value: string, self: PolicyEnvironment, context: PolicyContext): PolicyEnvironment | undefined {
  return context.environments.find((other) => other.name !== self.name && (
    new RegExp(`(^|[^a-z0-9])veza[-/.]${other.name}([^a-z0-9]|$)`).test(value) ||
    (other.namespace !== `veza-${other.name}` && new RegExp(`(^|[^a-z0-9-])${other.namespace}([^a-z0-9-]|$)`).test(value))));
}

/** The store an ExternalSecret reads, looked up where it is applied: its own folder, or a ClusterSecretStore anywhere. */
export function storeOf(es: PolicyObject, context: PolicyContext): PolicyObject | undefined {
  const ref = ((es.doc.spec as any)?.secretStoreRef ?? {}) as { kind?: string; name?: string };
  const kind = ref.kind ?? 'SecretStore';
  return context.objects.find((o) => o.doc.kind === kind && o.doc.metadata?.name === ref.name &&
    (kind === 'ClusterSecretStore' || (o.unit === es.unit && o.doc.metadata?.namespace === es.doc.metadata?.namespace)));
}

/** The provider block's name of a store: `vault`, `aws`, `gcpsm`, `azurekv`, ... */
export function providerOf(store: KubeObject): string | undefined {
  return Object.keys(((store.spec as any)?.provider ?? {}) as object)[0];
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
 */
export const environmentIsolation: PolicyRule = {
  name: 'environment-isolation',
  description: "Every object of an environment's folder is in its namespace, reads its own store location, and names no other environment's namespace, Vault path, AWS prefix, GCP project or Key Vault.",
  check: (object, context) => {
    const env = context.environments.find((e) => e.name === object.environment);
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
    for (const { path, value } of stringsOf(doc)) {
      const other = otherEnvironmentIn(value, env, context);
      if (other) problems.push(`'${path}' is ${JSON.stringify(value)}, which names environment ${other.name}; allowed: this environment's own (${env.name})`);
    }
    if (doc.kind === 'SecretStore' || doc.kind === 'ClusterSecretStore') {
      const location = STORE_LOCATION[providerOf(doc) ?? ''];
      const value = location?.read((doc.spec as any).provider);
      if (location && (typeof value !== 'string' || !value.includes(env.name))) {
        problems.push(`'${location.field}' is ${JSON.stringify(value ?? null)}; allowed: a location holding ${JSON.stringify(env.name)}`);
      }
    }
    if (doc.kind === 'ExternalSecret') {
      const store = storeOf(object, context);
      const provider = store && providerOf(store.doc);
      if (provider === 'vault' || provider === 'aws') {
        const data = ((doc.spec as any)?.data ?? []) as { secretKey?: string; remoteRef?: { key?: string } }[];
        data.forEach((d, i) => {
          const key = d.remoteRef?.key ?? '';
          if (!new RegExp(`(^|/)${env.name}(/|$)`).test(key)) problems.push(`'spec.data[${i}].remoteRef.key' is ${JSON.stringify(key)}; allowed: a ${provider} key below this environment's path (holding /${env.name}/)`);
        });
      }
    }
    return problems;
  },
  // Scripts, policies and templates act on what they name; prose (Markdown, comment lines) may
  // mention another environment, as configure-vault.sh does for a shared auth mount.
  checkText: (file, context) => {
    const parts = file.path.split('/');
    const env = context.environments.find((e) => e.name === (parts[0] === 'alternatives' ? parts[1] : parts[0]));
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
