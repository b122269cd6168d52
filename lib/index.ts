// `veza-secrets`: the generic ESO construct kit any team can use with its own catalog. Veza's app: `veza-secrets/veza`.
// Internals (helpers, rules, the CLI) are imported from their modules, where their TSDoc marks them internal.
// Stores and their auth, ExternalSecret, generators, the catalog and its typed consumer view, the operator,
// Vault's Kubernetes auth and policies, rotation.
export {
  SecretProvider, SecretStoreBase, SecretStoreKind, type ISecretStore, type RemoteRef, type SecretKeyReference,
  type SecretStoreProps, VaultAuth, VaultSecretStore, type VaultAppRoleAuthOptions, type VaultAuthMethod,
  type VaultCaProvider, type VaultJwtAuthOptions, type VaultKubernetesAuthOptions, type VaultKubernetesLogin,
  type VaultSecretStoreProps, type VaultTokenAuthOptions, AwsAuth, AwsSecretService, AwsSecretStore,
  type AwsAccessKeyAuthOptions, type AwsSecretStoreProps, type AwsServiceAccountAuthOptions, GcpAuth, GcpSecretStore,
  type GcpSecretStoreProps, type GcpWorkloadIdentityAuthOptions, AzureAuth, AzureKeyVaultStore,
  type AzureKeyVaultStoreProps, type AzureServicePrincipalAuthOptions, type AzureWorkloadIdentityAuthOptions,
  VaultDynamicSecret, VaultDynamicSecretResultType, type IGenerator, type VaultDynamicSecretProps, CreationPolicy,
  DeletionPolicy, ExternalSecret, type ExternalSecretDataOptions, type ExternalSecretKey, type ExternalSecretProps,
  type GrantReadOptions, type SecretReadGrant, type TemplatedKeyOptions, PREVIOUS_SUFFIX, RotationMethod, SecretCatalog,
  type KeysOf, type PreviousKeysOf, type RotationClass, type SecretCatalogProps, type SecretDefinition,
  type SecretEntry, CatalogSecret, RELOADER_ANNOTATION, ServiceSecrets, type AnySecretCatalog, type BoundWorkload,
  type CatalogKey, type CatalogSecretProps, type CatalogService, type RestartOptions, type ServiceEnvOptions,
  type ServiceVolumeOptions, SecretTemplateFile, type SecretTemplateFileProps, ExternalSecretsOperator, GitOpsFlavor,
  type ExternalSecretsOperatorProps, type OperatorComponentOptions, type OperatorMetricsOptions, type OperatorResources,
  VaultPolicy, type VaultCapability, type VaultPolicyProps, type VaultPolicyRule, VaultKubernetesAuthIntegration,
  type ConfigureScriptOptions, type VaultDatabaseConnection, type VaultDatabaseOptions,
  type VaultKubernetesAuthIntegrationProps, type VaultKubernetesRole, type VaultRotationGrant,
  type VaultRotationGrantOptions, type VaultRotationMethod, generatedRotations, RotationCronJob, SecretRotation,
  type CatalogRotation, type RotationImages, type RotationOptions, type RotationRunbook, type RotationRunbookCommand,
  type SecretRotationProps, type RotationCronJobProps, type CatalogExternalSecretProps, isPinnedImage,
  PINNED_IMAGE_ALLOWED,
} from './eso';
// Output: files laid out like a repository folder, rendered in memory.
export {
  DeploymentUnit, Kustomization, ManifestFile, renderApp, SynthError, TextFile, YamlFile, type KustomizationProps,
  type ManifestFileProps, type RenderedFile, type RenderOptions, type TextFileProps, type YamlFileProps, type SwapStep,
} from './output';
// Files the Kubernetes API server reads from its node's disk: not manifests to apply.
export {
  EncryptionConfigurationFile, type EncryptionConfigurationFileProps, type KmsProviderOptions, AuditLevel,
  AuditPolicyFile, type AuditPolicyFileProps, type AuditResources,
} from './control-plane';
// The policy pass: generic rules any cdk8s app using ESO can run on what it is about to write.
export {
  checkPolicy, enforcePolicy, GENERIC_POLICY_RULES, PolicyError, type EnforcePolicyOptions, exemptFromPolicy,
  formatExemption, formatViolation, POLICY_EXEMPT_ANNOTATION, POLICY_EXEMPT_REASON_ANNOTATION, type KubeObject,
  type PolicyContext, type PolicyEnvironment, type PolicyExemption, type PolicyObject, type PolicyReport,
  type PolicyRule, type PolicyViolation, containerResources, cronJobNameLength, esoHygiene, noSecretMaterial,
  pinnedImages, podSecurityRestricted, rbacLeastPrivilege,
} from './policy';
