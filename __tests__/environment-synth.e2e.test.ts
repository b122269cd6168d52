/**
 * The synth command as people run it (`npm run synth` = build, then `node build/main.js`), on a
 * temporary copy of the project's environments/ and dist/: a broken environment file stops it
 * with the file and field named on stderr, and dist/ is left byte for byte as it was.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDirectory } from '../lib/output/swap';
import { sharedBuild, synthInOneProcess, SynthResult } from './support/project';

const root = path.join(__dirname, '..');
let buildDir: string;
let project: string;

beforeAll(() => {
  // The run's shared build of tsconfig.build.json (as `npm run build`, in a folder of its own), so a
  // concurrent `npm run synth` is not disturbed.
  buildDir = sharedBuild();
}, 60_000);

/** The synth's inputs: environments/ and, beside it, gitops.yaml; and the committed dist/. */
function copyInputs(dir = project) {
  fs.cpSync(path.join(root, 'environments'), path.join(dir, 'environments'), { recursive: true });
  if (fs.existsSync(path.join(root, 'gitops.yaml'))) fs.copyFileSync(path.join(root, 'gitops.yaml'), path.join(dir, 'gitops.yaml'));
  fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
}

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-synth-'));
  copyInputs();
});

afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

/** Runs the built entry point in the temporary project, as `npm run synth` runs it. */
function synth() {
  const env: NodeJS.ProcessEnv = { ...process.env, VEZA_PROJECT_DIR: project };
  delete env.CDK8S_OUTDIR;
  const result = spawnSync(process.execPath, [path.join(buildDir, 'main.js')], { cwd: project, env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file of dist/ with its bytes and mode. */
function distState(dir = project) {
  return readDirectory(path.join(dir, 'dist'));
}

function editEnvironment(env: string, edit: (text: string) => string, dir = project) {
  const file = path.join(dir, 'environments', `${env}.yaml`);
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  fs.writeFileSync(file, after);
}

test('an unchanged project synthesizes exactly the committed dist/', () => {
  const before = distState();
  const { status, stdout, stderr } = synth();
  expect(stderr).toBe('');
  expect(status).toBe(0);
  expect(stdout.split('\n').filter((l) => l.startsWith('synthesized '))).toEqual([`synthesized ${before.length} files into dist (0 changed)`]);
  expect(distState()).toEqual(before);
});

const BROKEN: [string, string, (text: string) => string, string][] = [
  ['plain http for Vault in production', 'production', (t) => t.replace('server: https://vault.veza.internal:8200', 'server: http://vault.veza.internal:8200'),
    "error: environments/production.yaml: 'providers.vault.server' is \"http://vault.veza.internal:8200\"; allowed: an https:// URL without a password (TLS is required outside development)"],
  ['a typo in a field name', 'staging', (t) => t.replace('refreshInterval: 15m', 'refreshIntervl: 15m'),
    "error: environments/staging.yaml: 'externalSecret.refreshInterval' is missing; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m\n" +
    "error: environments/staging.yaml: 'externalSecret.refreshIntervl' is not a known field; allowed: refreshInterval, creationPolicy, deletionPolicy"],
  ['an unknown provider', 'development', (t) => t.replace('provider: vault', 'provider: openbao'),
    'error: environments/development.yaml: \'provider\' is "openbao"; allowed: vault, aws, gcp, azure'],
  ['a file that is not YAML', 'production', (t) => t.replace('name: production', 'name: [production'),
    'error: environments/production.yaml: not readable YAML: deficient indentation (4:1)'],
];

describe('a broken environment file', () => {
  // Each case in a project folder of its own, all synthesized by the shared build's synthVeza (what
  // main.js runs: main.ts) in one Node.js process; the other tests run main.js itself.
  const cases = new Map<string, { dir: string; before: ReturnType<typeof distState>; entries: string[]; result?: SynthResult }>();
  beforeAll(() => {
    for (const [name, env, edit] of BROKEN) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-synth-'));
      copyInputs(dir);
      const before = distState(dir);
      expect(before.length).toBeGreaterThan(0);
      const entries = fs.readdirSync(dir).sort();
      editEnvironment(env, edit, dir);
      cases.set(name, { dir, before, entries });
    }
    const results = synthInOneProcess(buildDir, [...cases.values()].map((c) => ({ projectDir: c.dir })));
    [...cases.values()].forEach((c, i) => { c.result = results[i]; });
  });
  afterAll(() => {
    for (const c of cases.values()) fs.rmSync(c.dir, { recursive: true, force: true });
  });

  test.each(BROKEN)('%s: exit code 1, the message on stderr, dist/ byte-identical', (name, _env, _edit, message) => {
    const { dir, before, entries, result } = cases.get(name)!;
    expect(result!.status).toBe(1);
    expect(result!.stdout).toBe('');
    const problems = message.split('\n').length;
    expect(result!.stderr).toBe(`${message}\nsynth failed: ${problems} problem(s); dist was left unchanged.\n`);
    expect(distState(dir)).toEqual(before);
    // No staging folder is left behind next to dist/.
    expect(fs.readdirSync(dir).sort()).toEqual(entries);
  });
});

test('a change to an environment rewrites dist/ and says how many files changed', () => {
  const before = new Map(distState().map((f) => [f.path, f.content]));
  editEnvironment('staging', (t) => t.replace('refreshInterval: 15m', 'refreshInterval: 20m'));
  const { status, stdout } = synth();
  expect(status).toBe(0);
  const changed = distState().filter((f) => before.get(f.path) !== f.content).map((f) => f.path);
  // The applied ExternalSecret and the three alternatives of staging, at least; nothing of another environment.
  expect(changed).toEqual(expect.arrayContaining([
    'staging/external-secrets/veza-secrets.yaml',
    'alternatives/staging/external-secrets/veza-secrets-aws.yaml',
    'alternatives/staging/external-secrets/veza-secrets-gcp.yaml',
    'alternatives/staging/external-secrets/veza-secrets-azure.yaml',
  ]));
  expect(changed.filter((p) => !/^(alternatives\/)?staging\//.test(p))).toEqual([]);
  expect(stdout.split('\n').filter((l) => l.startsWith('synthesized '))).toEqual([`synthesized ${before.size} files into dist (${changed.length} changed)`]);
  expect(fs.readFileSync(path.join(project, 'dist', 'staging', 'external-secrets', 'veza-secrets.yaml'), 'utf8')).toContain('refreshInterval: 20m\n');
});

test('a provider without automatic rotation: exit 0, one warning line on stderr, and the README says it', () => {
  editEnvironment('production', (t) => t.replace(/^provider: \w+$/m, 'provider: aws'));
  const { status, stdout, stderr } = synth();
  expect(status).toBe(0);
  expect(stdout).toMatch(/^synthesized \d+ files into dist \(\d+ changed\)$/m);
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^warning: environments\/production\.yaml: provider aws rotates nothing automatically: .+ must be rotated by hand \(dist\/production\/README\.md, "Rotation"\)$/);
  const readme = fs.readFileSync(path.join(project, 'dist', 'production', 'README.md'), 'utf8');
  expect(fs.existsSync(path.join(project, 'dist', 'production', 'secrets-rotation.yaml'))).toBe(false);
  expect(readme).not.toContain('CronJob `');
  expect(readme).toContain('Nothing in this folder rotates a secret automatically (provider **AWS**).');
});
