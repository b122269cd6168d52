// The generic ESO construct layer: any team can use it with its own catalog.
export { isPinnedImage, PINNED_IMAGE_ALLOWED } from './image-reference';
export { SecretProvider, SecretStoreBase, SecretStoreKind, type ISecretStore, type RemoteRef, type SecretKeyReference, type SecretStoreProps } from './secret-store';
export { VaultAuth, VaultSecretStore, type VaultAppRoleAuthOptions, type VaultAuthMethod, type VaultCaProvider, type VaultJwtAuthOptions, type VaultKubernetesAuthOptions, type VaultKubernetesLogin, type VaultSecretStoreProps, type VaultTokenAuthOptions } from './vault-secret-store';
export { VaultDynamicSecret, VaultDynamicSecretResultType, type IGenerator, type VaultDynamicSecretProps } from './vault-dynamic-secret';
export { AwsAuth, AwsSecretService, AwsSecretStore, type AwsAccessKeyAuthOptions, type AwsSecretStoreProps, type AwsServiceAccountAuthOptions } from './aws-secret-store';
export { GcpAuth, GcpSecretStore, type GcpSecretStoreProps, type GcpWorkloadIdentityAuthOptions } from './gcp-secret-store';
export { AzureAuth, AzureKeyVaultStore, type AzureKeyVaultStoreProps, type AzureServicePrincipalAuthOptions, type AzureWorkloadIdentityAuthOptions } from './azure-key-vault-store';
export { CreationPolicy, DeletionPolicy, ExternalSecret, type ExternalSecretDataOptions, type ExternalSecretKey, type ExternalSecretProps, type GrantReadOptions, type SecretReadGrant, type TemplatedKeyOptions } from './external-secret';
export { PREVIOUS_SUFFIX, RotationMethod, SecretCatalog, type KeysOf, type PreviousKeysOf, type RotationClass, type SecretCatalogProps, type SecretDefinition, type SecretEntry } from './secret-catalog';
export { CatalogSecret, RELOADER_ANNOTATION, ServiceSecrets, type AnySecretCatalog, type BoundWorkload, type CatalogExternalSecretProps, type CatalogKey, type CatalogSecretProps, type CatalogService, type RestartOptions, type ServiceEnvOptions, type ServiceVolumeOptions } from './catalog-secret';
export { ExternalSecretsOperator, GitOpsFlavor, type ExternalSecretsOperatorProps, type OperatorComponentOptions, type OperatorMetricsOptions, type OperatorResources } from './external-secrets-operator';
export { SecretTemplateFile, type SecretTemplateFileProps } from './secret-template-file';
export { VaultPolicy, type VaultCapability, type VaultPolicyProps, type VaultPolicyRule } from './vault-policy';
export { VaultKubernetesAuthIntegration, type ConfigureScriptOptions, type VaultDatabaseConnection, type VaultDatabaseOptions, type VaultKubernetesAuthIntegrationProps, type VaultKubernetesRole, type VaultRotationGrant, type VaultRotationGrantOptions, type VaultRotationMethod } from './vault-kubernetes-auth-integration';
export { generatedRotations, RotationCronJob, SecretRotation, type CatalogRotation, type RotationCronJobProps, type RotationImages, type RotationOptions, type RotationRunbook, type RotationRunbookCommand, type SecretRotationProps } from './secret-rotation';
// Internal (imported from their modules, not part of the API): ./go-duration, ./names, ./image-reference, ./scope.
