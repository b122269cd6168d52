import type { ProviderName } from './environment-file';

// The names other teams and the seed's commands rely on: file names, object names, labels.
// Every module of lib/veza reads them from here.

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

/**
 * The namespace ESO runs in: the seed's `kubectl logs -n external-secrets-system ...`.
 * @internal
 */
export const ESO_NAMESPACE = 'external-secrets-system';
/**
 * ESO's controller Deployment: the seed's `deployment/external-secrets`.
 * @internal
 */
export const ESO_DEPLOYMENT = 'external-secrets';

/** Where the cluster-wide files go in `dist/`. */
export const CLUSTER_LAYOUT = {
  /** ESO's install, applied (Flux). */
  operatorFile: `${LAYOUT.clusterFolder}/external-secrets-operator.yaml`,
  /** The install by hand (no Flux, no Argo CD): the namespace, applied with kubectl... */
  operatorNamespaceFile: `${LAYOUT.alternativesFolder}/${LAYOUT.clusterFolder}/external-secrets-namespace.yaml`,
  /** ...and the chart's values, given to `helm upgrade --install`. */
  operatorValuesFile: `${LAYOUT.alternativesFolder}/${LAYOUT.clusterFolder}/external-secrets-values.json`,
  kustomizationFile: `${LAYOUT.clusterFolder}/${LAYOUT.kustomizationFile}`,
  /** Files kube-apiserver reads from disk: listed in no kustomization. */
  controlPlaneFolder: `${LAYOUT.clusterFolder}/control-plane`,
  encryptionConfigurationFile: `${LAYOUT.clusterFolder}/control-plane/encryption-configuration.yaml`,
  auditPolicyFile: `${LAYOUT.clusterFolder}/control-plane/audit-policy.yaml`,
} as const;

/** Labels on every cluster-wide object; an environment's objects carry them too ({@link commonLabels}). */
export const CLUSTER_LABELS: Record<string, string> = {
  'app.kubernetes.io/part-of': 'veza',
  'app.kubernetes.io/managed-by': 'veza-secrets',
};

/** Labels on every object, so `kubectl get -l` finds what this project manages. */
export function commonLabels(env: string): Record<string, string> {
  return { ...CLUSTER_LABELS, 'veza.io/environment': env };
}

/** The template of the seed's option 1, next to the environment's kustomization (listed by none). */
export const SECRETS_EXAMPLE_FILE = 'secrets.yaml.example';

/** The file of an environment's rotation objects, in its applied folder. */
export const ROTATION_FILE = 'secrets-rotation.yaml';

/** The label carrying the rotation class on each rotation CronJob, Job and pod. */
export const ROTATION_CLASS_LABEL = 'veza.io/rotation-class';

/** The VaultDynamicSecret that reads the app login's current credentials, next to `veza-secrets`. */
export const DATABASE_CREDENTIALS_GENERATOR = 'veza-database-credentials';
