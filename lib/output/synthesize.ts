import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ManifestFile, TextFile } from './files';
import { renderedYamlFile } from './rendered-objects';
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
  // One walk of the tree, in construct order, serves every step below.
  const tree = walkTree(app);
  const errors = validateConstructs(tree.constructs);
  if (errors.length > 0) throw new SynthError(errors);
  const withDependencies = prepareDependencies(tree.constructs) ? chartsWithDependencies(tree) : new Set<IConstruct>();
  const files: RenderedFile[] = [];
  const texts: TextFile[] = [];
  for (let i = 0; i < tree.constructs.length; i++) {
    const c = tree.constructs[i];
    // A manifest file is a chart: the walk knows which constructs are charts.
    if (tree.charts[i] !== c) {
      if (c instanceof TextFile) texts.push(c);
      continue;
    }
    if (!ManifestFile.isManifestFile(c)) continue;
    const docs = chartObjects(tree, i, withDependencies.has(c)).map((o) => o.toJson());
    if (docs.length === 0) continue;
    files.push(renderedYamlFile(c.path, options.header ? options.header(c.path) : '', docs));
  }
  for (const file of texts) files.push(file.renderFile());
  const seen = new Set<string>();
  const clashes = files.filter((f) => (seen.has(f.path) ? true : (seen.add(f.path), false))).map((f) => `two constructs write ${f.path}`);
  if (clashes.length > 0) throw new SynthError(clashes);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The tree in construct order (what `findAll()` lists), each construct's closest chart, each chart's extent. */
interface Tree {
  readonly constructs: IConstruct[];
  /** For each construct (same index): the closest chart at or above it, as `Chart.of` finds it. */
  readonly charts: (Chart | undefined)[];
  /** For each chart: the index after the last construct of its subtree. */
  readonly ends: Map<IConstruct, number>;
}

function walkTree(root: IConstruct): Tree {
  const tree: Tree = { constructs: [], charts: [], ends: new Map() };
  const visit = (c: IConstruct, parentChart: Chart | undefined) => {
    const chart = Chart.isChart(c) ? c : parentChart;
    tree.constructs.push(c);
    tree.charts.push(chart);
    for (const child of c.node.children) visit(child, chart);
    if (chart === c) tree.ends.set(c, tree.constructs.length);
  };
  visit(root, undefined);
  return tree;
}

/**
 * What cdk8s's `Chart.toJson()` does before rendering (`resolveDependencies` in cdk8s's app.ts), once
 * for the whole app: a chart depends on the charts nested in it and on the charts its constructs
 * depend on, and each API object on the API objects of the constructs its construct depends on.
 * The same steps in the same order, so every chart's objects come out in the same order.
 * (cdk8s then validates the app again: done once, before, by renderApp.)
 * Returns whether the app has any dependency (then some chart may need a dependency graph).
 */
function prepareDependencies(all: readonly IConstruct[]): boolean {
  for (const parent of all) {
    if (!Chart.isChart(parent)) continue;
    for (const child of parent.node.children) if (Chart.isChart(child)) parent.node.addDependency(child);
  }
  const dependencies = dependenciesOf(all);
  // Without any, the steps below add none (and no chart needs a dependency graph): one scan, not three.
  if (dependencies.length === 0) return false;
  for (const { source, target } of dependencies) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  for (const { source, target } of dependenciesOf(all)) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targetObjects = target.node.findAll().filter((c) => ApiObject.isApiObject(c) && Chart.of(c) === targetChart);
    const sourceObjects = source.node.findAll().filter((c) => ApiObject.isApiObject(c) && Chart.of(c) === sourceChart);
    for (const t of targetObjects) for (const s of sourceObjects) if (t !== s) s.node.addDependency(t);
  }
  return true;
}

function dependenciesOf(all: readonly IConstruct[]): { source: IConstruct; target: IConstruct }[] {
  const deps: { source: IConstruct; target: IConstruct }[] = [];
  for (const source of all) for (const target of source.node.dependencies) deps.push({ source, target });
  return deps;
}

/** The charts with a dependency inside their subtree: only their objects need a dependency graph. */
function chartsWithDependencies(tree: Tree): Set<IConstruct> {
  const charts = new Set<IConstruct>();
  for (const c of tree.constructs) {
    if (c.node.dependencies.length === 0) continue;
    for (let scope: IConstruct | undefined = c; scope; scope = scope.node.scope) if (Chart.isChart(scope)) charts.add(scope);
  }
  return charts;
}

/**
 * The objects `chart.toJson()` renders, in the same order: its own, not those of nested charts.
 * Without a dependency in the chart, that order is construct order: cdk8s's dependency graph of
 * a chart without edges lists its constructs as `findAll()` does.
 */
function chartObjects(tree: Tree, index: number, withDependencies: boolean): ApiObject[] {
  const chart = tree.constructs[index] as Chart;
  if (withDependencies) {
    return new DependencyGraph(chart.node).topology().filter((x): x is ApiObject => ApiObject.isApiObject(x) && Chart.of(x) === chart);
  }
  const objects: ApiObject[] = [];
  const end = tree.ends.get(chart)!;
  for (let i = index; i < end; i++) {
    const c = tree.constructs[i];
    if (tree.charts[i] === chart && ApiObject.isApiObject(c)) objects.push(c);
  }
  return objects;
}

/** Every validation message of the tree, each prefixed with its construct path. */
export function validateTree(root: IConstruct): string[] {
  return validateConstructs(root.node.findAll());
}

function validateConstructs(constructs: readonly IConstruct[]): string[] {
  const messages: string[] = [];
  for (const c of constructs) {
    for (const message of c.node.validate()) {
      messages.push(message.startsWith('[') ? message : `[${c.node.path || '<app>'}]: ${message}`);
    }
  }
  return messages;
}
