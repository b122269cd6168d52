export { ManifestFile, TextFile, type ManifestFileProps, type TextFileProps } from './files';
export { renderApp, SynthError, type RenderedFile, type RenderOptions } from './synthesize';
export { DeploymentUnit, kustomization } from './deployment-unit';
export { readDirectory, replaceDirectory, withOutputLock, type SwapStep } from './swap';
