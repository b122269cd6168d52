import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, ApiObjectProps, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalSecret as ExternalSecretResource } from '../imports/external-secrets.io';
import * as yaml from 'js-yaml';
import { CreationPolicy, ExternalSecret, exemptFromPolicy, ManifestFile, renderApp, VaultDynamicSecret, VaultSecretStore, YamlFile } from '../lib';
import { DUMP_OPTIONS } from '../lib/output/yaml';
import { resolvedApiObjectJson } from '../lib/output/resolved-json';
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

/**
 * An ExternalSecret rendered by its one-pass toJson, and as cdk8s renders the generated class
 * (resolve, then sanitizeValue): the same JSON text, key order included.
 */
function bothJson(es: ExternalSecret): { rendered: string; cdk8s: string } {
  return { rendered: JSON.stringify(es.apiObject.toJson()), cdk8s: JSON.stringify(ExternalSecretResource.prototype.toJson.call(es.apiObject)) };
}

/** A plain ApiObject with `props`: resolvedApiObjectJson of it, and cdk8s's toJson(). */
function plainObject(scope: Construct, props: ApiObjectProps): { rendered: string; cdk8s: string } {
  const obj = new ApiObject(scope, `Plain${scope.node.children.length}`, props);
  return { rendered: JSON.stringify(resolvedApiObjectJson(obj, props)), cdk8s: JSON.stringify(obj.toJson()) };
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
  const externalSecrets = app.node.findAll().filter((c): c is ExternalSecret => c instanceof ExternalSecret);
  expect(externalSecrets.length).toBeGreaterThan(environments.length);
  for (const es of externalSecrets) {
    const both = bothJson(es);
    expect({ path: es.node.path, json: both.rendered }).toEqual({ path: es.node.path, json: both.cdk8s });
  }
  for (const file of files) expect({ path: file.path, docs: file.rendered }).toEqual({ path: file.path, docs: file.cdk8s });
  const manifests = app.node.findAll().filter(ManifestFile.isManifestFile);
  const answers = manifests.map((f) => ({ path: f.path, has: hasObjects(f) }));
  expect(answers).toEqual(files.map((f) => ({ path: f.path, has: f.cdk8s.length > 0 })));
  expect(answers.filter((a) => a.has).length).toBeGreaterThan(environments.length);
  expect(answers.filter((a) => !a.has).map((a) => a.path)).toEqual(expect.arrayContaining(['extra.yaml', 'only-nested.yaml', 'empty.yaml']));
});

test('a YamlFile is its header, then its documents written as js-yaml writes them, --- between them; renderApp keeps the documents', () => {
  const app = new App();
  const docs = [{ apiVersion: 'v1', kind: 'List', items: [] }, { a: "it's", b: [1, 'x\ny\n', { c: null }] }];
  new YamlFile(app, 'Y', { path: 'dir/y.yaml', header: '# head\n', objects: () => docs });
  const [file, ...others] = renderApp(app);
  expect(others).toEqual([]);
  expect(file).toEqual({ path: 'dir/y.yaml', content: `# head\n${docs.map((d) => yaml.dump(d, DUMP_OPTIONS)).join('---\n')}`, executable: false });
  expect(renderedObjectsOf(file)).toEqual(docs);
  // Edited after rendering: the policy reads its content.
  expect(renderedObjectsOf(Object.assign(file, { content: `${file.content}# more\n` }))).toBeUndefined();
});

test('a YamlFile without a header starts with its first document (header: default \'\')', () => {
  const app = new App();
  const doc = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['a.yaml'] };
  new YamlFile(app, 'Y', { path: 'kustomization.yaml', objects: () => [doc] });
  expect(renderApp(app).map((f) => f.content)).toEqual([yaml.dump(doc, DUMP_OPTIONS)]);
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

describe('an ExternalSecret renders in one pass exactly what cdk8s renders', () => {
  function secretIn(app: App, id = 'File') {
    const file = new ManifestFile(app, id, { path: `${id}.yaml`, namespace: 'ns', labels: { team: 'a' } });
    const store = new VaultSecretStore(file, 'vault-store', { server: 'https://vault.example:8200', path: 'veza/test' });
    const es = new ExternalSecret(file, 'secrets', {
      store,
      creationPolicy: CreationPolicy.ORPHAN,
      labels: { 'app.kubernetes.io/name': 'b', a: 'z' },
      targetLabels: { z: '1', b: '2' },
      data: [{ secretKey: 'jwt-secret' }, { secretKey: 'api-key', remoteName: 'provider-key' }],
    });
    return { file, store, es };
  }

  test('labels, target labels, a templated key from a generator, an annotation', () => {
    const app = new App();
    const { file, store, es } = secretIn(app);
    es.addGeneratorSource(new VaultDynamicSecret(file, 'db', { store, path: 'database/creds/veza', outputKeys: ['username', 'password'] }));
    es.addTemplatedKey({ secretKey: 'DATABASE_URL', template: 'postgresql://{{ .username }}:{{ .password }}@db:5432/veza' });
    exemptFromPolicy(es, ['no-secret-material'], 'a test');
    const both = bothJson(es);
    expect(both.rendered).toBe(both.cdk8s);
    expect(both.rendered).toContain('"dataFrom":[{"sourceRef"');
    expect(both.rendered).toContain('"template":{"data":{');
    expect(renderApp(app).find((f) => f.path === 'File.yaml')!.content).toContain('veza.io/policy-exempt: no-secret-material');
  });

  test('with CDK8S_DISABLE_SORT set, keys stay in insertion order as cdk8s leaves them', () => {
    const { es } = secretIn(new App());
    const before = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const both = bothJson(es);
      expect(both.rendered).toBe(both.cdk8s);
      const plain = plainObject(es.node.scope!, { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' }, spec: { z: 1, a: [], m: { y: 2, b: 3 } } });
      expect(plain.rendered).toBe(plain.cdk8s);
      expect(plain.rendered).toContain('"spec":{"z":1,"a":[],"m":{"y":2,"b":3}}');
    } finally {
      if (before === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = before;
    }
  });

  test('a JSON patch, resolvers of the app and values that are not plain data are left to cdk8s', () => {
    const patched = secretIn(new App()).es;
    ApiObject.of(patched).addJsonPatch(JsonPatch.add('/spec/refreshInterval', '5m'));
    expect(bothJson(patched).rendered).toBe(bothJson(patched).cdk8s);
    expect(bothJson(patched).rendered).toContain('"refreshInterval":"5m"');

    const upper: IResolver = { resolve: (c: ResolutionContext) => { if (c.value === 'jwt-secret') c.replaceValue('JWT-SECRET'); } };
    const resolved = secretIn(new App({ resolvers: [upper] })).es;
    expect(resolvedApiObjectJson(resolved.apiObject, { apiVersion: 'v1', kind: 'X' })).toBeUndefined();
    expect(bothJson(resolved).rendered).toBe(bothJson(resolved).cdk8s);
    expect(bothJson(resolved).rendered).toContain('"secretKey":"JWT-SECRET"');

    const { es } = secretIn(new App());
    const plain = plainObject(es.node.scope!, { apiVersion: 'v1', kind: 'X', spec: { b: [1, null, 'x', { d: undefined, c: Lazy.any({ produce: () => ({ y: true, x: null }) }) }], a: null, '10': 0, '9': false } });
    expect(plain.rendered).toBe(plain.cdk8s);
    expect(plain.rendered).toContain('"spec":{"9":false,"10":0,"b":[1,null,"x",{"c":{"y":true}}]}');
    for (const value of [new Date(0), () => 1, { resolve: () => 'x' }, [1, , 2], Object.create(null)]) {
      expect(resolvedApiObjectJson(es.apiObject, { apiVersion: 'v1', kind: 'X', spec: { value } })).toBeUndefined();
    }
  });
});
