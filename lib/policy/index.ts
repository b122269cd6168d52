// The policy pass: every rule the synth enforces on what it is about to write.
export * from './policy';
export * from './pod-security';
export * from './rbac';
export * from './secret-material';
export * from './environment-isolation';
export * from './eso-hygiene';
export * from './veza-policy';
