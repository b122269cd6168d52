// The generic ESO construct layer: any team can use it with its own catalog.
export * from './go-duration';
export * from './names';
export * from './image-reference';
export * from './secret-store';
export * from './vault-secret-store';
export * from './vault-dynamic-secret';
export * from './aws-secret-store';
export * from './gcp-secret-store';
export * from './azure-key-vault-store';
export * from './external-secret';
export * from './secret-catalog';
export * from './catalog-secret';
export * from './external-secrets-operator';
export * from './secret-template-file';
export * from './vault-policy';
export * from './vault-kubernetes-auth-integration';
export * from './secret-rotation';
