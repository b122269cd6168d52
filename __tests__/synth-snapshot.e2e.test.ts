/**
 * `npm run synth` starts from a V8 startup snapshot (scripts/synth/): these tests run it as people
 * do, in a copy of the project, and check what can break: the output is the committed dist/ byte
 * for byte; an edit to the sources is built (and type-checked) before the synth uses it; files read
 * at run time (environments/, the rotation script) are read at run time, never built in; a
 * snapshot from another Node.js is rebuilt.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, ROOT, run, RunResult, snapshot, tempDir } from './support/project';

jest.setTimeout(300_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { tscCommand } = require('../scripts/tsc') as { tscCommand: (root?: string) => [string, string[]] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OUT, STALE_EXIT_CODE } = require('../scripts/synth/sources.js') as { OUT: Record<'blob' | 'bundle' | 'inputs', string>; STALE_EXIT_CODE: number };

let project: string;
let committed: string[];
const file = (rel: string) => path.join(project, rel);
const synth = (): RunResult => run('npm', ['run', '--silent', 'synth'], project);
/** The snapshot's identity: a rebuild replaces the file (a new inode), a plain run leaves it. */
const blobId = () => {
  const stat = fs.statSync(file(OUT.blob));
  return `${stat.ino} ${stat.mtimeMs}`;
};
/** Replaces `from` by `to` in a project file, failing when `from` is not there. */
const edit = (rel: string, from: string | RegExp, to: string) => {
  const text = fs.readFileSync(file(rel), 'utf8');
  if (!(typeof from === 'string' ? text.includes(from) : from.test(text))) throw new Error(`${rel} has no ${from}`);
  fs.writeFileSync(file(rel), text.replace(from, to));
};
const restore = (rel: string) => fs.copyFileSync(path.join(ROOT, rel), file(rel));

beforeAll(() => {
  project = copyProject(tempDir('veza-snapshot-'));
  committed = snapshot(file('dist'));
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test('a fresh copy (no build/) builds the snapshot, and its synth writes the committed dist/ byte for byte', () => {
  expect(fs.existsSync(file('build'))).toBe(false);
  const result = synth();
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^synthesized \d+ files into dist \(0 changed\)\n$/);
  expect(result.status).toBe(0);
  expect(snapshot(file('dist'))).toEqual(committed);
  // tsc -b built build/ too (build/main.js, the package's build/lib).
  expect(fs.existsSync(file('build/main.js'))).toBe(true);
  expect(fs.existsSync(file(OUT.blob))).toBe(true);
});

test('a second synth starts from the same snapshot, and writes the same dist/', () => {
  const before = blobId();
  const result = synth();
  expect(result.status).toBe(0);
  expect(blobId()).toBe(before);
  expect(snapshot(file('dist'))).toEqual(committed);
});

test('the snapshot holds code only: an environment file edited after the build is read by the next synth, with no rebuild', () => {
  const env = fs.readdirSync(file('environments')).sort().find((f) => /^provider: vault$/m.test(fs.readFileSync(file(`environments/${f}`), 'utf8')));
  if (!env) throw new Error('no environment file with provider: vault');
  const name = path.basename(env, '.yaml');
  const marker = `snapshot-marker-${process.pid}`;
  const before = blobId();
  fs.appendFileSync(file(`environments/${env}`), `# ${marker}\n`);
  edit(`environments/${env}`, /^provider: vault$/m, 'provider: aws');
  try {
    const result = synth();
    expect(result.status).toBe(0);
    expect(fs.existsSync(file(`dist/${name}/secret-stores/aws-store.yaml`))).toBe(true);
    expect(blobId()).toBe(before);
    // What the synth read at run time is not in what was built.
    for (const built of [OUT.blob, OUT.bundle]) expect(fs.readFileSync(file(built)).includes(marker)).toBe(false);
  } finally {
    restore(`environments/${env}`);
  }
  expect(synth().status).toBe(0);
  expect(snapshot(file('dist'))).toEqual(committed);
});

test('the rotation script the package ships is read from the project at run time, not from the snapshot', () => {
  const rel = 'scripts/rotation/rotate-secrets.sh';
  const holders = committed.map((line) => line.split(' ')[0]).filter((f) => !f.endsWith('/'))
    .filter((f) => fs.readFileSync(file(`dist/${f}`), 'utf8').includes('rotate-secrets.sh:'));
  expect(holders.length).toBeGreaterThan(0);
  const before = blobId();
  fs.appendFileSync(file(rel), '# rotation-script-marker\n');
  try {
    expect(synth().status).toBe(0);
    expect(blobId()).toBe(before);
    for (const f of holders) expect(fs.readFileSync(file(`dist/${f}`), 'utf8')).toContain('rotation-script-marker');
  } finally {
    restore(rel);
  }
  expect(synth().status).toBe(0);
  expect(snapshot(file('dist'))).toEqual(committed);
});

test('an edit to lib/ is built before the synth uses it', () => {
  const rel = 'lib/veza/veza-app.ts';
  const before = blobId();
  edit(rel, 'do not edit.', 'do not edit (edited).');
  try {
    const result = synth();
    expect(result.status).toBe(0);
    expect(blobId()).not.toBe(before);
    // generatedHeader's line, on every file made from an environment file or gitops.yaml.
    const headers = snapshot(file('dist')).map((line) => line.split(' ')[0]).filter((f) => f.endsWith('.yaml'))
      .map((f) => fs.readFileSync(file(`dist/${f}`), 'utf8').split('\n')[0]).filter((line) => /^# Generated by veza-secrets from (environments\/|gitops\.yaml)/.test(line));
    expect(headers.length).toBeGreaterThan(0);
    for (const line of headers) expect(line).toContain('do not edit (edited).');
  } finally {
    // Built again by the next test's synth.
    restore(rel);
  }
});

test('a type error stops the synth with tsc\'s message, and dist/ stays as it was', () => {
  const rel = 'main.ts';
  const before = snapshot(file('dist'));
  fs.appendFileSync(file(rel), 'export const notANumber: number = "text";\n');
  try {
    const result = synth();
    expect(result.stdout).toMatch(/main\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\./);
    expect(result.status).not.toBe(0);
    expect(snapshot(file('dist'))).toEqual(before);
    // Still refused on the next run: the failed build recorded nothing.
    expect(synth().stdout).toContain('error TS2322');
  } finally {
    restore(rel);
  }
  // With main.ts and lib/ (the test above) restored: built again, the committed dist/.
  expect(synth().status).toBe(0);
  expect(snapshot(file('dist'))).toEqual(committed);
});

test('an error thrown while the modules load (when the snapshot is built) is one line, as from build/main.js', () => {
  const rel = 'main.ts';
  const before = snapshot(file('dist'));
  fs.appendFileSync(file(rel), "if (Date.now() > 0) throw new Error('thrown while the modules load');\n");
  try {
    const result = synth();
    expect([result.status, result.stderr]).toEqual([1, 'error: thrown while the modules load\n']);
    expect(snapshot(file('dist'))).toEqual(before);
    expect(run(process.execPath, ['build/main.js'], project).stderr).toBe('error: thrown while the modules load\n');
  } finally {
    // Built again by the next test's synth.
    restore(rel);
  }
});

test.each([
  ['stringify', 'cdk8s Yaml.stringify needs the yaml package, which the synth\'s bundle leaves out (scripts/synth/build.js); the synth renders with js-yaml'],
  ['parseAllDocuments', 'cdk8s Yaml.load needs the yaml package, which the synth\'s bundle leaves out (scripts/synth/build.js); the synth renders with js-yaml'],
])('the bundle holds, in place of the yaml package cdk8s loads, a module whose %s says it was left out', (name, message) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const leftOut = require('../scripts/synth/left-out-yaml.js') as Record<string, () => never>;
  expect(() => leftOut[name]()).toThrow(new Error(message));
  expect(fs.readFileSync(file(OUT.bundle), 'utf8')).toContain("which the synth's bundle leaves out");
  expect(fs.readFileSync(file(OUT.bundle), 'utf8')).not.toMatch(/function parseAllDocuments\(source,\s*options/);
});

test('a snapshot built by another Node.js version is rebuilt (Node.js refuses to load it, exit 14)', () => {
  // The blob's header names the Node.js version that built it: make it another one.
  const blob = fs.readFileSync(file(OUT.blob));
  const version = Buffer.from(process.versions.node);
  const at = blob.subarray(0, 256).indexOf(version);
  expect(at).toBeGreaterThan(0);
  Buffer.from(process.versions.node.replace(/\d/g, (d) => String((Number(d) + 1) % 10))).copy(blob, at);
  fs.writeFileSync(file(OUT.blob), blob);
  const refused = spawnSync(process.execPath, ['--snapshot-blob', file(OUT.blob), file(OUT.bundle)], { cwd: project, encoding: 'utf8' });
  expect(refused.status).toBe(14);
  const result = synth();
  expect(result.stderr).toMatch(/^Failed to load the startup snapshot because it was built with\s*Node\.js version [\d.]+ and the current Node\.js version is v[\d.]+\.\n$/);
  expect(result.status).toBe(0);
  expect(snapshot(file('dist'))).toEqual(committed);
  expect(fs.readFileSync(file(OUT.blob)).subarray(0, 256).indexOf(version)).toBe(at);
});

test('a snapshot recorded for another Node.js binary, or for the project in another place, tells the launcher to rebuild (its own check)', () => {
  const inputs = fs.readFileSync(file(OUT.inputs), 'utf8');
  const cases = [[/^node .*$/m, `node v0.0.0 ${process.platform}-${process.arch} /elsewhere/node 1 1`], [/^root .*$/m, 'root /elsewhere']] as const;
  try {
    for (const [line, other] of cases) {
      fs.writeFileSync(file(OUT.inputs), inputs.replace(line, other));
      const stale = spawnSync(process.execPath, ['--snapshot-blob', file(OUT.blob), file(OUT.bundle)], { cwd: project, encoding: 'utf8' });
      // Silent: the launcher rebuilds on this code (as after the edits above), and nothing was written.
      expect([stale.status, stale.stdout, stale.stderr]).toEqual([STALE_EXIT_CODE, '', '']);
      expect(snapshot(file('dist'))).toEqual(committed);
    }
  } finally {
    fs.writeFileSync(file(OUT.inputs), inputs);
  }
  const current = spawnSync(process.execPath, ['--snapshot-blob', file(OUT.blob), file(OUT.bundle)], { cwd: project, encoding: 'utf8' });
  expect(current.status).toBe(0);
});

test('tsc is the native binary of the typescript package, found through it; the Node.js launcher where there is none', () => {
  const [exe, args] = tscCommand();
  const tsDir = path.dirname(require.resolve('typescript/package.json', { paths: [ROOT] }));
  expect(args).toEqual([]);
  expect(exe).toBe(path.join(path.dirname(require.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`, { paths: [tsDir] })), 'lib', 'tsc'));
  expect(spawnSync(exe, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^Version \d+\./);
  // A typescript package without its platform binary.
  const dir = tempDir('veza-no-tsc-binary-');
  try {
    fs.mkdirSync(path.join(dir, 'node_modules', 'typescript', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), '{"name":"typescript","version":"7.0.0"}');
    expect(tscCommand(dir)).toEqual([process.execPath, [path.join(fs.realpathSync(dir), 'node_modules', 'typescript', 'bin', 'tsc')]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('npm run synth is the launcher, and no partly built snapshot is left behind', () => {
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth).toBe('sh scripts/synth/synth.sh');
  expect(fs.readdirSync(path.dirname(file(OUT.blob))).sort()).toEqual([OUT.blob, OUT.bundle, OUT.inputs].map((f) => path.basename(f)).sort());
});

test('the synth (a rebuild included) starts Node.js without NODE_EXTRA_CA_CERTS: it opens no connection, and the certificates cost its start', () => {
  // Node.js warns at start when the file it names cannot be loaded: the warning shows whether it was read.
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: file('no-such-ca-bundle.pem') };
  expect(run(process.execPath, ['-e', '0'], project, env).stderr).toMatch(/Ignoring extra certs from/);
  // No record of what the snapshot was built from: the first run rebuilds it.
  fs.rmSync(file(OUT.inputs), { force: true });
  for (const expected of ['a rebuild', 'the snapshot up to date']) {
    const result = run('sh', ['scripts/synth/synth.sh'], project, env);
    expect({ expected, stderr: result.stderr, status: result.status }).toEqual({ expected, stderr: '', status: 0 });
  }
  expect(snapshot(file('dist'))).toEqual(committed);
});
