import { ApiObject, App, Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { renderedYamlFile } from './rendered-objects';
import type { RenderedFile } from './synthesize';

/** Props of {@link ManifestFile}. */
export interface ManifestFileProps extends ChartProps {
  /** The file's path below the output folder: `production/secret-stores/vault-store.yaml`. */
  readonly path: string;
}

/**
 * One YAML file of the output: a chart whose objects are written, in order, to `path`.
 * Where cdk8s writes one file per chart at the top level, this project lays files out like the
 * seed's directory.
 *
 * @see https://cdk8s.io/docs/latest/basics/chart/
 */
export class ManifestFile extends Chart {
  /** Whether `x` is a {@link ManifestFile}. */
  public static isManifestFile(x: unknown): x is ManifestFile {
    return x instanceof ManifestFile;
  }

  /** The file's path below the output folder. */
  public readonly path: string;

  public constructor(scope: Construct, id: string, props: ManifestFileProps) {
    // Object.assign, not `{ ...props, disableResourceNameHashes: true }`: V8's spread with another field is several times slower.
    super(scope, id, Object.assign({}, props, { disableResourceNameHashes: true }));
    this.path = checkOutputPath(this, props.path);
  }
}

/** Props of {@link TextFile}. */
export interface TextFileProps {
  /** The file's path below the output folder. */
  readonly path: string;
  /** The content, produced at synth so it can describe the finished tree. */
  readonly content: () => string;
  /** Mark the file executable (a script). @default false */
  readonly executable?: boolean;
}

/**
 * A non-manifest file of the output: a README, a kustomization, a Vault policy, a script.
 *
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
export class TextFile extends Construct {
  /** The file's path below the output folder. */
  public readonly path: string;
  /** Whether the file is written executable (mode 0755). */
  public readonly executable: boolean;
  private readonly produce: () => string;

  public constructor(scope: Construct, id: string, props: TextFileProps) {
    super(scope, id);
    this.path = checkOutputPath(this, props.path);
    this.produce = props.content;
    this.executable = props.executable ?? false;
  }

  /** Produces the content: called by `renderApp` once the tree is complete. */
  public render(): string {
    return this.produce();
  }

  /** The file as `renderApp` writes it. @internal */
  public renderFile(): RenderedFile {
    return { path: this.path, content: this.render(), executable: this.executable };
  }
}

/** Props of {@link YamlFile}. */
export interface YamlFileProps {
  /** The file's path below the output folder. */
  readonly path: string;
  /** The documents, in order, produced at synth so they can describe the finished tree. */
  readonly objects: () => readonly object[];
  /** Text before the first document (comment lines, each ending in a line break). @default '' */
  readonly header?: string;
}

/**
 * A YAML file of the output that is not a manifest: a kustomization, a control-plane
 * configuration. Its documents are written as every manifest is (`---` between them), and the
 * policy pass reads them as rendered, without parsing the file back.
 *
 * @see https://yaml.org/spec/1.2.2/#22-structures
 */
export class YamlFile extends TextFile {
  private readonly header: string;
  private readonly produceObjects: () => readonly object[];

  public constructor(scope: Construct, id: string, props: YamlFileProps) {
    super(scope, id, { path: props.path, content: () => this.renderFile().content });
    this.header = props.header ?? '';
    this.produceObjects = props.objects;
  }

  /** The file as `renderApp` writes it, its documents kept for the policy pass. @internal */
  public override renderFile(): RenderedFile {
    return renderedYamlFile(this.path, this.header, this.produceObjects());
  }
}

/** Every manifest file below `scope`, in construct order. */
export function manifestFilesOf(scope: IConstruct): ManifestFile[] {
  return scope.node.findAll().filter(ManifestFile.isManifestFile);
}

/**
 * Whether `file` renders at least one object, as `file.toJson().length > 0` says, without rendering:
 * an API object whose closest chart it is. (`toJson()` prepares and validates the whole app on each
 * call.)
 */
export function hasObjects(file: Chart): boolean {
  return file.node.findAll().some((c) => ApiObject.isApiObject(c) && Chart.of(c) === file);
}

/** Every text file below `scope`, in construct order. */
export function textFilesOf(scope: IConstruct): TextFile[] {
  return scope.node.findAll().filter((c): c is TextFile => c instanceof TextFile);
}

/** The app as the synthesizer sees it. */
export function appOf(scope: IConstruct): App {
  return scope.node.root as App;
}

/** An empty, `.` or `..` part of a path (a leading `/` makes an empty first part): one scan, no split. */
const UNSAFE_PATH_PART = /(^|\/)\.{0,2}(\/|$)/;

function checkOutputPath(scope: IConstruct, path: string): string {
  if (UNSAFE_PATH_PART.test(path)) {
    throw new Error(`[${scope.node.path}]: 'path' must be relative, without '.', '..' or empty parts. The value passed is: ${JSON.stringify(path)}`);
  }
  return path;
}
