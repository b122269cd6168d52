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

test('the reference lists every export of the package root', () => {
  const lib = require(path.join(buildDir, 'lib')) as Record<string, unknown>;
  const headings = new Set([...reference.markdown.matchAll(/^### [a-z ]+ `([A-Za-z0-9_]+)`$/gm)].map((m) => m[1]));
  expect(Object.keys(lib).filter((name) => !headings.has(name))).toEqual([]);
});
