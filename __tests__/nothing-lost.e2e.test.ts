/**
 * Nothing lost: a synth that fails, by the README's command or by `cdk8s synth`, leaves the
 * committed dist/ byte for byte as it was (contents, modes, no leftover staging folder).
 */
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, ROOT, run, snapshot, tempDir } from './support/project';

const BROKEN = `error: environments/production.yaml: 'provider' is "hashicorp"; allowed: vault, aws, gcp, azure
synth failed: 1 problem(s); dist was left unchanged.
`;

let project: string;
let before: string[];

beforeAll(() => {
  project = copyProject(tempDir('veza-nothing-lost-'), { build: true });
  const file = path.join(project, 'environments', 'production.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^provider: vault$/m, 'provider: hashicorp'));
  before = snapshot(path.join(project, 'dist'));
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

const ENTRY_POINTS: [string, string, string[]][] = [
  ['npm run synth (the README)', 'npm', ['run', '--silent', 'synth']],
  ['cdk8s synth', path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade=false']],
];

test.each(ENTRY_POINTS)('%s fails with the message and leaves dist/ byte-identical', (_name, command, args) => {
  const result = run(command, args, project);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(BROKEN);
  expect(snapshot(path.join(project, 'dist'))).toEqual(before);
  // No staging folder, old tree or lock left beside dist/.
  expect(fs.readdirSync(project).filter((f) => f.startsWith('.dist'))).toEqual([]);
});

test('the copy is a real project: once fixed, the synth writes it', () => {
  const file = path.join(project, 'environments', 'production.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^provider: hashicorp$/m, 'provider: aws'));
  // The entry points above built build/; the app alone is enough here.
  if (!fs.existsSync(path.join(project, 'build', 'main.js'))) expect(run('npm', ['run', '--silent', 'build'], project).status).toBe(0);
  const result = run(process.execPath, ['build/main.js'], project);
  // No error; AWS rotates nothing automatically, which the synth says in one warning line.
  expect(result.stderr).toMatch(/^warning: environments\/production\.yaml: provider aws rotates nothing automatically: [^\n]+\n$/);
  expect(result.status).toBe(0);
  expect(snapshot(path.join(project, 'dist'))).not.toEqual(before);
  expect(fs.existsSync(path.join(project, 'dist', 'production', 'secret-stores', 'aws-store.yaml'))).toBe(true);
});
