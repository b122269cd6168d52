// The policy pass: generic rules any cdk8s app using ESO can run on what it is about to write.
export * from './policy';
export * from './pod-security';
export * from './rbac';
export * from './secret-material';
export * from './eso-hygiene';
export * from './rules';
