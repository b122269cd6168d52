// The package root, `veza-secrets`: the generic ESO construct kit any team can use with its own
// catalog (stores, ExternalSecret, catalog, rotation, Vault integration), the output writer, the
// control-plane files and the generic policy pass. Veza's app on top: `veza-secrets/veza`.
export * from './eso';
export * from './output';
export * from './rules';
export * from './control-plane';
export * from './policy';
