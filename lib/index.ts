// The public API: the generic ESO construct layer, the output writer, and Veza's app on top.
export * from './eso';
export * from './output';
export * from './config/field-reader';
export * from './rules';
export * from './control-plane';
export * from './policy';
export * from './veza';
export * from './cli';
