// The Veza application on top of the generic layer: its catalog, environments and layout.
export { ROTATION_CLASSES, VEZA_CATALOG, VEZA_SERVICES, type VezaCatalog, type VezaSecretKey, type VezaService } from './catalog';
export { DEFAULT_ROTATION_OFFSET_DAYS, loadEnvironment, loadEnvironments, parseEnvironment, PROVIDERS, TIERS, VAULT_CA_CONFIG_MAP, type AwsAuthConfig, type AwsConfig, type AzureAuthConfig, type AzureConfig, type EnvironmentConfig, type GcpAuthConfig, type GcpConfig, type ParseEnvironmentOptions, type ProviderName, type SecretKeyRefConfig, type Tier, type VaultAuthConfig, type VaultCaCertificate, type VaultConfig, type VaultDatabaseConfig } from './environment-file';
export { CLUSTER_LABELS, CLUSTER_LAYOUT, commonLabels, DATABASE_CREDENTIALS_GENERATOR, ESO_DEPLOYMENT, ESO_NAMESPACE, LAYOUT, ROTATION_CLASS_LABEL, ROTATION_FILE, SECRETS_EXAMPLE_FILE, SHARED_CLUSTER, STORE_NAMES, TARGET_SECRET, type EnvironmentCluster } from './layout';
export { LIVE_SECRET_POLICIES, liveSecretProblems, type LiveSecretProblem } from './live-secret';
export { namesEnvironment } from './isolation';
export { VezaEnvironment, type ProviderSecrets, type VezaEnvironmentProps } from './veza-environment';
export { VezaCluster, type VezaClusterProps } from './veza-cluster';
export { generatedHeader, renderVeza, synthVeza, VezaApp, type SynthOptions, type VezaAppProps } from './veza-app';
export { VEZA_SECRETS_HASH_ANNOTATION, VezaConsumers, type VezaConsumersProps } from './veza-consumers';
export { DATABASE_BACKSTOP_MARGIN, VezaDatabaseCredentials, VezaVaultIntegration, type VezaDatabaseCredentialsProps, type VezaVaultIntegrationProps } from './vault-integration';
export { addVezaRotation, type VezaRotationProps } from './rotation';
export { EnvironmentReadme, README_FILE, type EnvironmentReadmeProps, type ReadmeContributions } from './environment-readme';
export { type RunbookCommand, type RunbookSection } from './runbook';
export { GITOPS_FILE, GitOpsTopology, GitOpsWiring, IN_CLUSTER, loadGitOps, parseGitOps, SYNC_WAVE_ANNOTATION, SYNC_WAVES, type GitOpsConfig, type GitOpsWiringProps } from './gitops';
export { AWS_ROLE_ARN_ANNOTATION, AWS_TOKEN_AUDIENCE, cloudPrerequisites, GCP_SERVICE_ACCOUNT_ANNOTATION, serviceAccountSubject } from './cloud-prerequisites';
export { environmentIsolation, POLICY_RULES, vezaEsoHygiene } from './veza-policy';
