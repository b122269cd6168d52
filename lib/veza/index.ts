// The Veza application on top of the generic layer: its catalog, environments and layout.
export * from './catalog';
export * from './environment';
export * from './layout';
export * from './live-secret';
export * from './isolation';
export * from './veza-environment';
export * from './veza-cluster';
export * from './veza-app';
export * from './veza-consumers';
export * from './vault-integration';
export * from './rotation';
export * from './environment-readme';
export * from './runbook';
export * from './gitops';
export * from './cloud-prerequisites';
export * from './veza-policy';
