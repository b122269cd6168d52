export * from './files';
export * from './synthesize';
