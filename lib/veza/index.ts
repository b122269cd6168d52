// `veza-secrets/veza`: the Veza application on top of the generic kit: its catalog, environment files, layout
// contracts, the app and its constructs. Internals (README and runbook helpers, policy and GitOps internals, rules)
// are imported from their modules.
export { ROTATION_CLASSES, VEZA_CATALOG, VEZA_SERVICES } from './catalog';
export { type VezaCatalog, type VezaSecretKey, type VezaService } from './catalog';
// The environment files, `environments/<name>.yaml`, parsed.
export {
  loadEnvironment, loadEnvironments, parseEnvironment, PROVIDERS, TIERS, type AwsAuthConfig, type AwsConfig,
  type AzureAuthConfig, type AzureConfig, type EnvironmentConfig, type GcpAuthConfig, type GcpConfig,
  type ParseEnvironmentOptions, type ProviderName, type SecretKeyRefConfig, type Tier, type VaultAuthConfig,
  type VaultCaCertificate, type VaultConfig, type VaultDatabaseConfig,
} from './environment-file';
// Names other teams and the seed's commands rely on: files, objects, labels.
export {
  CLUSTER_LABELS, CLUSTER_LAYOUT, commonLabels, DATABASE_CREDENTIALS_GENERATOR, LAYOUT, ROTATION_CLASS_LABEL,
  ROTATION_FILE, SECRETS_EXAMPLE_FILE, SHARED_CLUSTER, STORE_NAMES, TARGET_SECRET, type EnvironmentCluster,
} from './layout';
// The app, and the constructs it is made of.
export { renderVeza, synthVeza, VezaApp, type SynthOptions, type VezaAppProps } from './veza-app';
export { VezaCluster, type VezaClusterProps } from './veza-cluster';
export { VezaEnvironment, type VezaEnvironmentProps } from './veza-environment';
export { VezaNamespace, type VezaNamespaceProps } from './veza-namespace';
export { VezaProviderSecrets, type VezaProviderSecretsProps } from './provider-secrets';
export { VEZA_SECRETS_HASH_ANNOTATION, VezaConsumers, type VezaConsumersProps } from './veza-consumers';
export {
  VezaDatabaseCredentials, VezaVaultIntegration, type VezaDatabaseCredentialsProps, type VezaVaultIntegrationProps,
} from './vault-integration';
export { VezaRotation, type VezaRotationProps } from './rotation';
export { EnvironmentReadme, type EnvironmentReadmeProps, type ReadmeContributions } from './environment-readme';
export { type RunbookCommand, type RunbookSection } from './runbook';
export {
  GITOPS_FILE, GitOpsTopology, GitOpsWiring, loadGitOps, parseGitOps, type GitOpsConfig, type GitOpsWiringProps,
} from './gitops';
// The policy pass with Veza's rules: the generic ones and environment isolation.
export { POLICY_RULES } from './veza-policy';
