import { ProviderName } from './environment';

/**
 * Where every file goes in `dist/`: the seed's `k8s/secrets` layout, per environment.
 *
 *   dist/cluster/                          cluster-wide objects, applied once per cluster
 *   dist/<env>/                            what GitOps applies for <env> (kustomization.yaml lists it)
 *   dist/alternatives/<env>/               the providers <env> does not use, under the seed's
 *                                          file names, applied by no GitOps path
 */
export const LAYOUT = {
  clusterFolder: 'cluster',
  alternativesFolder: 'alternatives',
  /** The applied folder of an environment. */
  appliedFolder: (env: string) => env,
  /** The folder holding an environment's files for one provider. */
  providerFolder: (env: string, provider: ProviderName, active: ProviderName) =>
    (provider === active ? env : `alternatives/${env}`),
  /** `secret-stores/vault-store.yaml`, ... */
  storeFile: (provider: ProviderName) => `secret-stores/${provider}-store.yaml`,
  /** The seed's ExternalSecret file names: `veza-secrets.yaml` for Vault, `veza-secrets-<provider>.yaml` otherwise. */
  externalSecretFile: (provider: ProviderName) =>
    `external-secrets/${provider === 'vault' ? 'veza-secrets.yaml' : `veza-secrets-${provider}.yaml`}`,
  namespaceFile: 'namespace.yaml',
  /** The consuming services' accounts and the `secrets-reader` Role. */
  rbacFile: 'rbac.yaml',
  /** The Kubernetes side of Vault's Kubernetes auth method, and the folder of its Vault side. */
  vaultIntegrationFile: 'vault-integration.yaml',
  /** The ConfigMap of Vault's CA, when the environment file gives the CA (`caFile`/`caBundle`). */
  vaultCaFile: 'vault-ca.yaml',
  vaultFolder: 'vault',
  vaultScriptFile: 'configure-vault.sh',
  kustomizationFile: 'kustomization.yaml',
} as const;

/** The cluster an environment runs in, as gitops.yaml's topology says (`environmentCluster`); passed to each environment as data. */
export interface EnvironmentCluster {
  /** `veza` (the one cluster of single-cluster) or the environment's name (cluster-per-environment). */
  readonly name: string;
  /** Whether the environment has the cluster to itself (cluster-per-environment). */
  readonly dedicated: boolean;
}

/** One cluster for every environment: the default without gitops.yaml. */
export const SHARED_CLUSTER: EnvironmentCluster = { name: 'veza', dedicated: false };

/** The store names the seed's commands use (`kubectl describe secretstore vault-store`). */
export const STORE_NAMES: Record<ProviderName, string> = {
  vault: 'vault-store',
  aws: 'aws-store',
  gcp: 'gcp-store',
  azure: 'azure-store',
};

/** The Secret every provider materializes, and the ExternalSecret's name in the seed's commands. */
export const TARGET_SECRET = 'veza-secrets';
