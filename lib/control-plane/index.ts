// Files the Kubernetes API server reads from its node's disk: not manifests to apply.
export * from './encryption-configuration';
export * from './audit-policy';
