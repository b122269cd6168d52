import { spawnSync } from 'child_process';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { readDirectory } from '../lib/output/swap';
import { podSpecsOf, restrictedViolations } from './support/pod-security';

/** Every manifest of the committed dist/, with the file it came from. */
const docs = readDirectory(path.join(__dirname, '..', 'dist'))
  .filter((f) => f.path.endsWith('.yaml'))
  .flatMap((f) => yaml.loadAll(f.content).filter((d) => d !== null && typeof d === 'object').map((doc) => ({ file: f.path, doc: doc as any })));
const roles = docs.filter((d) => d.doc.kind === 'Role');
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

test('dist/ holds Roles and pod templates to check (the checks below cannot pass on nothing)', () => {
  // Each environment's rotation jobs, each with a Role of its own (secrets-rotation-<class>).
  const rotationFiles = [...new Set(docs.map((d) => d.file).filter((f) => f.endsWith('/secrets-rotation.yaml')))];
  expect(rotationFiles.length).toBeGreaterThanOrEqual(3);
  for (const f of rotationFiles) expect(roles.filter((r) => r.file === f && r.doc.metadata.name.startsWith('secrets-rotation-')).length).toBeGreaterThan(0);
  expect(docs.flatMap((d) => podSpecsOf(d.doc)).length).toBeGreaterThanOrEqual(3);
});

test('no Role of dist/ has a wildcard', () => {
  const wild = roles.flatMap((r) => (r.doc.rules ?? [])
    .filter((rule: any) => ['apiGroups', 'resources', 'verbs', 'resourceNames'].some((f) => (rule[f] ?? []).includes('*')))
    .map(() => `${r.file}: Role ${r.doc.metadata.name}`));
  expect(wild).toEqual([]);
});

test('no Role of dist/ can list or watch secrets', () => {
  const bad = roles.flatMap((r) => (r.doc.rules ?? [])
    .filter((rule: any) => (rule.apiGroups ?? []).includes('') && (rule.resources ?? []).includes('secrets') && (rule.verbs ?? []).some((v: string) => v === 'list' || v === 'watch'))
    .map(() => `${r.file}: Role ${r.doc.metadata.name}`));
  expect(bad).toEqual([]);
});

test('every write verb of every Role of dist/ is scoped by resourceNames', () => {
  const bad = roles.flatMap((r) => (r.doc.rules ?? [])
    .filter((rule: any) => (rule.verbs ?? []).some((v: string) => WRITE_VERBS.includes(v)) && (rule.resourceNames ?? []).length === 0)
    .map((rule: any) => `${r.file}: Role ${r.doc.metadata.name} may ${rule.verbs.join(',')} any ${rule.resources.join(',')}`));
  expect(bad).toEqual([]);
});

test("every pod template of dist/ passes Pod Security 'restricted' with a read-only root filesystem", () => {
  const bad = docs.flatMap((d) => podSpecsOf(d.doc).flatMap((spec) => restrictedViolations(spec).map((v) => `${d.file}: ${d.doc.kind} ${d.doc.metadata.name}: ${v}`)));
  expect(bad).toEqual([]);
});

test('every object of dist/<env>/secrets-rotation.yaml is valid against the Kubernetes schemas (kubernetes-models)', () => {
  const rotationFiles = docs.filter((d) => d.file.endsWith('/secrets-rotation.yaml') && !d.file.startsWith('alternatives/'));
  const files = [...new Set(rotationFiles.map((d) => d.file))].map((f) => path.join(__dirname, '..', 'dist', f));
  expect(files.length).toBeGreaterThan(0);
  const r = spawnSync(process.execPath, [path.join(__dirname, 'support', 'validate-rotation.mjs'), ...files], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout.trim().split('\n').filter((l) => l.endsWith(': valid'))).toHaveLength(rotationFiles.length);
});
