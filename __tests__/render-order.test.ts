import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ManifestFile, renderApp } from '../lib';
import { hasObjects } from '../lib/output/files';
import { renderedObjectsOf } from '../lib/output/rendered-objects';
import { loadEnvironments, loadGitOps, VezaApp } from '../lib/veza';

// renderApp prepares the app once and takes each chart's objects in construct order unless a
// dependency inside the chart calls for cdk8s's dependency graph: the objects and their order
// must be exactly what cdk8s's own Chart.toJson() renders, chart by chart.

/** Every manifest file of the app: renderApp's objects, then cdk8s's Chart.toJson() of the same file. */
function bothWays(app: App): { path: string; rendered: unknown[]; cdk8s: unknown[] }[] {
  const files = renderApp(app);
  return app.node.findAll().filter(ManifestFile.isManifestFile).map((file) => ({
    path: file.path,
    rendered: [...(renderedObjectsOf(files.find((f) => f.path === file.path) ?? { content: '' }) ?? [])],
    cdk8s: file.toJson(),
  }));
}

function names(docs: unknown[]): string[] {
  return docs.map((d) => `${(d as { kind: string }).kind}/${(d as { metadata: { name: string } }).metadata.name}`);
}

test('the Veza app: every file holds the objects cdk8s renders for it, in its order; hasObjects agrees with Chart.toJson()', () => {
  const root = path.join(__dirname, '..');
  const environments = loadEnvironments(path.join(root, 'environments'));
  const gitopsFile = path.join(root, 'gitops.yaml');
  const gitops = fs.existsSync(gitopsFile) ? loadGitOps(gitopsFile, environments.map((e) => e.name), 'gitops.yaml') : undefined;
  const app = new VezaApp({ environments, gitops });
  // Files without objects of their own: only nested files, an object-less construct.
  const extra = new ManifestFile(app, 'Extra', { path: 'extra.yaml' });
  new ManifestFile(extra, 'OnlyNested', { path: 'only-nested.yaml' });
  new kplus.ServiceAccount(new ManifestFile(extra, 'Inner', { path: 'inner.yaml' }), 'A', { metadata: { name: 'a' } });
  new Construct(new ManifestFile(app, 'Empty', { path: 'empty.yaml' }), 'NoObject');
  const files = bothWays(app);
  expect(files.length).toBeGreaterThan(environments.length);
  for (const file of files) expect({ path: file.path, docs: file.rendered }).toEqual({ path: file.path, docs: file.cdk8s });
  const manifests = app.node.findAll().filter(ManifestFile.isManifestFile);
  const answers = manifests.map((f) => ({ path: f.path, has: hasObjects(f) }));
  expect(answers).toEqual(files.map((f) => ({ path: f.path, has: f.cdk8s.length > 0 })));
  expect(answers.filter((a) => a.has).length).toBeGreaterThan(environments.length);
  expect(answers.filter((a) => !a.has).map((a) => a.path)).toEqual(expect.arrayContaining(['extra.yaml', 'only-nested.yaml', 'empty.yaml']));
});

test('dependencies inside a chart, across charts and from nested charts order the objects as cdk8s does', () => {
  const app = new App();
  const base = new ManifestFile(app, 'Base', { path: 'base.yaml', namespace: 'ns' });
  const baseAccount = new kplus.ServiceAccount(base, 'Account', { metadata: { name: 'base-account' } });
  const main = new ManifestFile(app, 'Main', { path: 'main.yaml', namespace: 'ns' });
  // Declared first, depends on objects declared after it: cdk8s puts those first.
  const late = new kplus.ServiceAccount(main, 'Late', { metadata: { name: 'late' } });
  const group = new Construct(main, 'Group');
  new kplus.ServiceAccount(group, 'One', { metadata: { name: 'one' } });
  new kplus.ServiceAccount(group, 'Two', { metadata: { name: 'two' } });
  late.node.addDependency(group);
  new kplus.ServiceAccount(main, 'Plain', { metadata: { name: 'plain' } }).node.addDependency(baseAccount);
  const nested = new ManifestFile(main, 'Nested', { path: 'nested.yaml', namespace: 'ns' });
  new kplus.ServiceAccount(nested, 'Inner', { metadata: { name: 'inner' } });
  new kplus.ServiceAccount(main, 'After', { metadata: { name: 'after' } });
  const quiet = new ManifestFile(app, 'Quiet', { path: 'quiet.yaml', namespace: 'ns' });
  for (const n of ['c', 'a', 'b']) new kplus.ServiceAccount(quiet, n, { metadata: { name: n } });
  const files = bothWays(app);
  for (const file of files) expect({ path: file.path, docs: file.rendered }).toEqual({ path: file.path, docs: file.cdk8s });
  expect(names(files.find((f) => f.path === 'main.yaml')!.rendered)).toEqual([
    'ServiceAccount/one', 'ServiceAccount/two', 'ServiceAccount/late', 'ServiceAccount/plain', 'ServiceAccount/after',
  ]);
  expect(names(files.find((f) => f.path === 'quiet.yaml')!.rendered)).toEqual(['ServiceAccount/c', 'ServiceAccount/a', 'ServiceAccount/b']);
});

test('a dependency cycle inside a chart fails as in cdk8s', () => {
  const app = new App();
  const file = new ManifestFile(app, 'File', { path: 'file.yaml' });
  const a = new ApiObject(file, 'A', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
  const b = new ApiObject(file, 'B', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
  a.node.addDependency(b);
  b.node.addDependency(a);
  expect(() => renderApp(app)).toThrow('Dependency cycle detected: File/A => File/B => File/A');
  expect(() => Chart.of(a).toJson()).toThrow('Dependency cycle detected');
});
