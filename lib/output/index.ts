export * from './files';
export * from './swap';
export * from './synthesize';
