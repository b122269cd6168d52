// docs/API.md is generated from the TSDoc of lib/ (scripts/api-reference.js): it must match the
// code, and every public item must be documented (optional props with @default, classes with @see).
import * as fs from 'fs';
import * as path from 'path';
import { sharedBuild } from './support/project';

const root = path.join(__dirname, '..');
const { generate } = require('../scripts/api-reference') as { generate: (root: string, buildDir: string) => { markdown: string; missing: string[] } };

let buildDir: string;
let reference: { markdown: string; missing: string[] };

beforeAll(() => {
  // The reference is read from the declaration files of the run's shared build of the current
  // sources (support/project.ts), in a folder of its own: never racing another test that builds
  // build/ itself, never reading a stale one.
  buildDir = sharedBuild();
  reference = generate(root, buildDir);
}, 60_000);

test('every public item of lib/ has TSDoc: optional props a @default, classes a @see link', () => {
  expect(reference.missing).toEqual([]);
});

test('docs/API.md is what the TSDoc of lib/ generates', () => {
  // Run `npm run api-reference` and commit docs/API.md with the change that caused the difference.
  expect(fs.readFileSync(path.join(root, 'docs', 'API.md'), 'utf8')).toBe(reference.markdown);
});

test.each(['lib', 'lib/veza'])('the reference lists every export of the entry point %s', (entry) => {
  const lib = require(path.join(buildDir, entry)) as Record<string, unknown>;
  const headings = new Set([...reference.markdown.matchAll(/^### [a-z ]+ `([A-Za-z0-9_]+)`$/gm)].map((m) => m[1]));
  expect(Object.keys(lib).filter((name) => !headings.has(name))).toEqual([]);
});

test('package.json exports the two entry points the reference documents, and the generic one loads nothing of Veza', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(Object.keys(pkg.exports)).toEqual(['.', './veza', './package.json']);
  expect(pkg.exports['./veza']).toEqual({ types: './build/lib/veza/index.d.ts', default: './build/lib/veza/index.js' });
  const generic = require(path.join(buildDir, 'lib')) as Record<string, unknown>;
  const veza = require(path.join(buildDir, 'lib', 'veza')) as Record<string, unknown>;
  expect(Object.keys(generic).filter((name) => name in veza)).toEqual([]);
  expect(['VezaApp', 'VEZA_CATALOG', 'synthVeza', 'loadEnvironments'].filter((name) => name in generic)).toEqual([]);
  expect(['ExternalSecret', 'VaultSecretStore', 'renderApp', 'enforcePolicy'].filter((name) => !(name in generic))).toEqual([]);
});

test('public signatures are free of the generated imports/: no declaration file of lib/ loads them, so the package ships only their JavaScript', () => {
  const declarations = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? declarations(path.join(dir, e.name)) : e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []));
  const files = declarations(path.join(buildDir, 'lib'));
  expect(files.length).toBeGreaterThan(20);
  expect(files.filter((f) => /from '(\.\.\/)+imports\//.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(buildDir, f))).toEqual([]);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.files.filter((f: string) => f.startsWith('build/imports/'))).toEqual(['build/imports/external-secrets.io.js', 'build/imports/generators.external-secrets.io.js']);
});
