export * from './files';
export * from './synthesize';
export * from './deployment-unit';
