import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ManifestFile, renderApp, RotationMethod, SecretCatalog } from '../lib';

const rotation = { name: 'manual', method: RotationMethod.MANUAL, description: 'by hand' };
const catalog = SecretCatalog.define({
  services: ['api', 'worker'],
  secrets: {
    'a-key': { description: 'a', placeholder: 'A', consumers: ['api', 'worker'], rotation },
    'b-key': { description: 'b', placeholder: 'B', consumers: ['worker'], rotation },
    'c-key': { description: 'c', placeholder: 'C', consumers: ['api', 'api'], rotation },
  },
});

test.each([
  ['api', ['a-key', 'c-key']],
  ['worker', ['a-key', 'b-key']],
] as const)('keysFor(%s) lists its keys once each, in definition order', (service, keys) => {
  expect(catalog.keysFor(service)).toEqual(keys);
});

test('keysFor returns a copy: changing it does not change the catalog', () => {
  (catalog.keysFor('api') as string[]).push('b-key');
  expect(catalog.keysFor('api')).toEqual(['a-key', 'c-key']);
});

test('keysFor names the services the catalog knows when given another', () => {
  expect(() => catalog.keysFor('web' as 'api')).toThrow('SecretCatalog: no service "web"; the catalog knows api, worker.');
});

test('renderApp renders each file with its own objects only, in construct order, nested charts apart', () => {
  const app = new App();
  new kplus.Namespace(new ManifestFile(app, 'Namespace', { path: 'namespace.yaml' }), 'Resource', { metadata: { name: 'ns' } });
  const outer = new ManifestFile(app, 'Outer', { path: 'outer.yaml' });
  new kplus.ServiceAccount(outer, 'First', { metadata: { name: 'first' } });
  const inner = new ManifestFile(outer, 'Inner', { path: 'inner.yaml' });
  new kplus.ServiceAccount(inner, 'Nested', { metadata: { name: 'nested' } });
  new kplus.ServiceAccount(outer, 'Second', { metadata: { name: 'second' } });
  const files = renderApp(app);
  const names = (path: string) => [...files.find((f) => f.path === path)!.content.matchAll(/^  name: (\S+)$/gm)].map((m) => m[1]);
  expect(files.map((f) => f.path)).toEqual(['inner.yaml', 'namespace.yaml', 'outer.yaml']);
  expect(names('outer.yaml')).toEqual(['first', 'second']);
  expect(names('inner.yaml')).toEqual(['nested']);
});

test.each<[string, boolean]>([
  ['', true], ['/abs.yaml', true], ['a//b.yaml', true], ['a/./b.yaml', true], ['a/../b.yaml', true], ['a/', true], ['.', true], ['..', true], ['./a.yaml', true], ['a/..', true],
  ['a.yaml', false], ['a/..b.yaml', false], ['a/.../b.yaml', false], ['.a/b..yaml', false], ['a/b.c/d.yaml', false],
])('an output path %j is refused: %s', (path, refused) => {
  const make = () => new ManifestFile(new App(), 'File', { path });
  if (refused) expect(make).toThrow(`[File]: 'path' must be relative, without '.', '..' or empty parts. The value passed is: ${JSON.stringify(path)}`);
  else expect(make().path).toBe(path);
});
