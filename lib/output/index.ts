export { ManifestFile, TextFile, YamlFile, type ManifestFileProps, type TextFileProps, type YamlFileProps } from './files';
export { renderApp, SynthError, type RenderedFile, type RenderOptions } from './synthesize';
export { DeploymentUnit, Kustomization, type KustomizationProps } from './deployment-unit';
export { type SwapStep } from './swap';
