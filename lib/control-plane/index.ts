// Files the Kubernetes API server reads from its node's disk: not manifests to apply.
export { EncryptionConfigurationFile, type EncryptionConfigurationFileProps, type KmsProviderOptions } from './encryption-configuration';
export { AuditLevel, AuditPolicyFile, type AuditPolicyFileProps, type AuditResources } from './audit-policy';
