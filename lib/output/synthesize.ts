import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { manifestFilesOf, textFilesOf } from './files';
import { recordRenderedObjects } from './rendered-objects';
import { dumpYaml } from './yaml';

/** One file of the output, rendered. */
export interface RenderedFile {
  /** The path below the output folder, with '/' separators. */
  readonly path: string;
  /** The whole content, UTF-8. */
  readonly content: string;
  /** Written with mode 0755 instead of 0644. */
  readonly executable: boolean;
}

/**
 * Thrown when the app does not validate: every message, one per line.
 *
 * @see https://cdk8s.io/docs/latest/basics/constructs/
 */
export class SynthError extends Error {
  public constructor(
    /** Every problem found, one line each, prefixed with its construct path. */
    public readonly messages: string[],
  ) {
    super(messages.join('\n'));
    this.name = 'SynthError';
  }
}

/** Options of {@link renderApp}. */
export interface RenderOptions {
  /** A comment put at the top of every YAML file. @default - none */
  readonly header?: (filePath: string) => string;
}

/**
 * Serializes one object the same way on every run: block style, no line folding, no anchors;
 * byte for byte js-yaml's `dump(doc, { noRefs: true, lineWidth: -1 })`.
 */
export function toYaml(doc: unknown): string {
  return dumpYaml(doc);
}

/**
 * Validates the whole app, then renders every manifest and text file in memory, sorted by path.
 * Nothing is written: a failure leaves the output folder as it was.
 */
export function renderApp(app: App, options: RenderOptions = {}): RenderedFile[] {
  const errors = validateTree(app);
  if (errors.length > 0) throw new SynthError(errors);
  const files: RenderedFile[] = [];
  const manifests = manifestFilesOf(app);
  // Chart.toJson() prepares the whole app (dependencies, validation) for every chart it renders:
  // quadratic in the number of files. The first call prepares it once; the others take their
  // chart's objects in the same dependency order without preparing it again.
  for (const [i, file] of manifests.entries()) {
    const docs = i === 0 ? file.toJson() : chartObjects(file).map((o) => o.toJson());
    if (docs.length === 0) continue;
    const header = options.header ? options.header(file.path) : '';
    const rendered = { path: file.path, content: header + docs.map(toYaml).join('---\n'), executable: false };
    recordRenderedObjects(rendered, rendered.content, docs);
    files.push(rendered);
  }
  for (const file of textFilesOf(app)) {
    files.push({ path: file.path, content: file.render(), executable: file.executable });
  }
  const seen = new Set<string>();
  const clashes = files.filter((f) => (seen.has(f.path) ? true : (seen.add(f.path), false))).map((f) => `two constructs write ${f.path}`);
  if (clashes.length > 0) throw new SynthError(clashes);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The objects `chart.toJson()` renders, in the same order: its own, not those of nested charts. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

/** Every validation message of the tree, each prefixed with its construct path. */
export function validateTree(root: IConstruct): string[] {
  const messages: string[] = [];
  for (const c of root.node.findAll()) {
    for (const message of c.node.validate()) {
      messages.push(message.startsWith('[') ? message : `[${c.node.path || '<app>'}]: ${message}`);
    }
  }
  return messages;
}
