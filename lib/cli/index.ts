// The veza-secrets command line: synth, diff, migrate, doctor (bin/veza-secrets.js).
export * from './io';
export * from './diff';
export * from './migrate';
export * from './doctor';
export * from './cli';
