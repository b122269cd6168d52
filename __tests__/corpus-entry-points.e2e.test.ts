/**
 * The corpus through the synth entry points: every class of fault (hostile YAML, duplicate keys,
 * field rules, lifecycle policies, violations traced to the environment file, file-system errors,
 * catalog errors) run through `synthVeza`, the function the README's `node build/main.js` runs
 * (main.ts: the one-line error handler, then `process.exitCode = synthVeza(...)`), all cases in one
 * Node.js process, each in its own copy of the synth's inputs; and one case per class as the
 * processes `node build/main.js` and `cdk8s synth`. Each ends with exit code 1, its exact one-line
 * messages, no stack trace, a short stderr (never a whole value) and dist/ byte for byte as it
 * was, with no leftover.
 */
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, ROOT, run, snapshot, synthInOneProcess, tempDir } from './support/project';

jest.setTimeout(300_000);

let project: string;
/** Where the case being set up writes (the project, or a case's own folder). */
let target: string;
let pristine: string[];
const P = 'environments/production.yaml';
const D = 'environments/development.yaml';
const file = (rel: string) => path.join(target, rel);
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
/** The committed file `rel` with `from` (a regex on one line) replaced by `to`. */
const edit = (rel: string, from: RegExp, to: string) => () => {
  const text = read(rel);
  if (!from.test(text)) throw new Error(`${rel} has no line matching ${from}`);
  fs.writeFileSync(file(rel), text.replace(from, to));
};
const write = (rel: string, text: string) => () => fs.writeFileSync(file(rel), text);

/** Nine levels of nine aliases: 9^9 values once expanded (the "billion laughs" shape). */
const LAUGHS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n';
const BIG = 'x'.repeat(10 * 1024 * 1024);
const LONG = 'v'.repeat(300_000);

const TOO_BIG = (name: string, bytes: number) => `${name}: the file is ${bytes} bytes; allowed: at most 1048576 bytes (1 MiB) for a configuration file`;
const LAUGHS_LINE = (name: string) => `${name}: the YAML expands to more than 100000 values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)`;

// [case, class, what is changed, the exact error lines, also through cdk8s synth]
const CASES: [string, string, () => void, string[], boolean?][] = [
  // 3. hostile YAML
  ['an environment file of nested aliases', 'hostile YAML', write(P, LAUGHS), [LAUGHS_LINE(P)], true],
  ['gitops.yaml of nested aliases', 'hostile YAML', write('gitops.yaml', LAUGHS), [LAUGHS_LINE('gitops.yaml')]],
  ['a 10 MB value in an environment file', 'hostile YAML', edit(P, /^name: production$/m, `name: production\nnote: ${BIG}`), [TOO_BIG(P, read(P).length + BIG.length + 7)], true],
  ['a 10 MB gitops.yaml', 'hostile YAML', write('gitops.yaml', `repoUrl: ${BIG}\n`), [TOO_BIG('gitops.yaml', BIG.length + 10)]],
  ['a 300 kB namespace is shown as an excerpt', 'hostile YAML', edit(P, /^namespace: .*$/m, `namespace: ${LONG}`),
    [`${P}: 'namespace' is "${'v'.repeat(100)}"... (300000 characters); allowed: a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`]],
  ['a 300 kB unknown field name', 'hostile YAML', edit(P, /^name: production$/m, `name: production\n${LONG}: 1`),
    [`${P}: '${LONG}' is not a known field; allowed: name, namespace, tier, provider, externalSecret, rotation, providers`.slice(0, 600) + `... (${`${P}: '${LONG}' is not a known field; allowed: name, namespace, tier, provider, externalSecret, rotation, providers`.length} characters)`]],
  ['a recursive alias', 'hostile YAML', edit(P, /^name: production$/m, 'name: production\nloop: &loop [*loop]'), [LAUGHS_LINE(P)]],
  // 6. duplicate keys
  ['a top-level key twice', 'duplicate keys', edit(P, /^provider: vault$/m, 'provider: vault\nprovider: aws'), [`${P}: 'provider' is given twice, on lines ${read(P).split('\n').indexOf('provider: vault') + 1} and ${read(P).split('\n').indexOf('provider: vault') + 2}; allowed: each key once in a mapping`], true],
  ['a nested key twice', 'duplicate keys', edit(P, /^(\s+)appHost: (.*)$/m, '$1appHost: $2\n$1appHost: other.example'),
    [`${P}: 'providers.vault.database.appHost' is given twice, on lines ${read(P).split('\n').findIndex((l) => /^\s+appHost: /.test(l)) + 1} and ${read(P).split('\n').findIndex((l) => /^\s+appHost: /.test(l)) + 2}; allowed: each key once in a mapping`]],
  ['a key twice in gitops.yaml', 'duplicate keys', edit('gitops.yaml', /^revision: main/m, 'revision: main\nrevision: dev'),
    [`gitops.yaml: 'revision' is given twice, on lines ${read('gitops.yaml').split('\n').findIndex((l) => l.startsWith('revision:')) + 1} and ${read('gitops.yaml').split('\n').findIndex((l) => l.startsWith('revision:')) + 2}; allowed: each key once in a mapping`]],
  // 4. field rules
  ['a refreshInterval of a fraction of a second', 'field rules', edit(P, /refreshInterval: \S+/, 'refreshInterval: 1.5s'),
    [`${P}: 'externalSecret.refreshInterval' is "1.5s"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`], true],
  ['a refreshInterval beyond Go\'s maximum', 'field rules', edit(P, /refreshInterval: \S+/, 'refreshInterval: 2562048h'),
    [`${P}: 'externalSecret.refreshInterval' is "2562048h"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['an IPv4 prefix over 32', 'field rules', edit(P, /^rotation:$/m, 'rotation:\n  egress:\n    vaultCidrs: [10.0.0.0/33]'),
    [`${P}: 'rotation.egress.vaultCidrs' is the list ["10.0.0.0/33"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['an IPv6 prefix over 128', 'field rules', edit(P, /^rotation:$/m, 'rotation:\n  egress:\n    apiServerCidrs: ["fd00::/129"]'),
    [`${P}: 'rotation.egress.apiServerCidrs' is the list ["fd00::/129"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['a revision git refuses', 'field rules', edit('gitops.yaml', /^revision: main/m, 'revision: main.lock'),
    ["gitops.yaml: 'revision' is \"main.lock\"; allowed: a branch such as main, a full ref such as refs/tags/v1.2.0 or a 40-hex commit (a name `git check-ref-format --allow-onelevel` accepts)"]],
  ['a Vault URL with a password', 'field rules', edit(P, /server: https:\/\/(\S+)/, 'server: https://admin:hunter22@$1'),
    [`${P}: 'providers.vault.server' is "https://admin:hunter22@vault.veza.internal:8200"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a Vault URL with a trailing space', 'field rules', edit(P, /server: (https:\/\/\S+)/, 'server: "$1 "'),
    [`${P}: 'providers.vault.server' is "https://vault.veza.internal:8200 "; allowed: an https:// URL without a password (TLS is required outside development)`]],
  // 7. lifecycle policies
  ['creationPolicy None in development', 'allowed values', edit(D, /creationPolicy: \S+/, 'creationPolicy: None'), [`${D}: 'externalSecret.creationPolicy' is "None"; allowed: Owner, Orphan`], true],
  ['deletionPolicy Merge in development', 'allowed values', edit(D, /deletionPolicy: \S+/, 'deletionPolicy: Merge'), [`${D}: 'externalSecret.deletionPolicy' is "Merge"; allowed: Retain, Delete`]],
  // 5. violations traced back to the environment file
  ['a database host of another environment', 'traced violations', edit(P, /^(\s+)appHost: .*$/m, '$1appHost: postgres.veza-staging.internal'), [
    `${P}: 'providers.vault.database.appHost' is "postgres.veza-staging.internal" -> policy environment-isolation: dist/production/external-secrets/veza-secrets.yaml: ExternalSecret veza-production/veza-secrets: 'spec.target.template.data.database-url' is "postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@postgres.veza-staging.internal:5432/veza?sslmode=require", which names environment staging; allowed: this environment's own (production)`,
    ...fs.readFileSync(path.join(ROOT, 'dist', 'production', 'vault', 'configure-vault.sh'), 'utf8').split('\n').flatMap((l, i) => (l.includes('postgres.veza-production.svc.cluster.local') ? [
      `${P}: 'providers.vault.database.appHost' is "postgres.veza-staging.internal" -> policy environment-isolation: dist/production/vault/configure-vault.sh: line ${i + 1} names environment staging; allowed: this environment's own (production)`] : [])),
  ], true],
  // 2. file-system errors
  ['environments/ is a file', 'file-system errors', () => {
    fs.rmSync(file('environments'), { recursive: true });
    fs.writeFileSync(file('environments'), '');
  }, ['environments: is a file; allowed: a folder of environment files (*.yaml)'], true],
  ['an environment file that is a folder', 'file-system errors', () => fs.mkdirSync(file('environments/qa.yaml')), ['environments/qa.yaml: cannot be read (EISDIR)']],
];

function reset() {
  for (const entry of ['environments', 'gitops.yaml', 'dist']) {
    fs.rmSync(file(entry), { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, entry), file(entry), { recursive: true });
  }
}

/** Each case's own folder (its synth inputs and dist/), and what `synthVeza` did there. */
const cases = new Map<string, { dir: string; status: number; stdout: string; stderr: string }>();

beforeAll(() => {
  project = copyProject(tempDir('veza-corpus-cli-'), { build: true });
  target = project;
  expect(run('npm', ['run', '--silent', 'build'], project).status).toBe(0);
  pristine = snapshot(file('dist'));
  // Every case in a folder of its own: the synth's inputs (environments/, gitops.yaml) and dist/.
  const root = tempDir('veza-corpus-cases-');
  CASES.forEach(([name, , change], i) => {
    target = path.join(root, String(i));
    fs.mkdirSync(target);
    reset();
    change();
    cases.set(name, { dir: target, status: -1, stdout: '', stderr: '' });
  });
  target = project;
  const results = synthInOneProcess(path.join(project, 'build'), [...cases.values()].map((c) => ({ projectDir: c.dir })));
  [...cases.values()].forEach((c, i) => Object.assign(c, results[i]));
});

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
  const dirs = [...cases.values()].map((c) => path.dirname(c.dir));
  for (const dir of new Set(dirs)) fs.rmSync(dir, { recursive: true, force: true });
});

function expectRefused(stderr: string, expected: string[], dir = project) {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.length).toBeLessThan(2000 * expected.length);
  expect(snapshot(path.join(dir, 'dist'))).toEqual(pristine);
  expect(fs.readdirSync(dir).filter((f) => f.startsWith('.dist'))).toEqual([]);
}

test.each(CASES)('%s (%s): synthVeza, as node build/main.js runs it', (name, _class, _change, expected) => {
  const result = cases.get(name)!;
  expect(result.stderr).toBe([...expected.map((l) => `error: ${l}`), `synth failed: ${expected.length} problem(s); dist was left unchanged.`, ''].join('\n'));
  expect(result.status).toBe(1);
  expectRefused(result.stderr, expected, result.dir);
});

test.each(CASES.filter((c) => c[4]))('%s (%s): node build/main.js', (_case, _class, change, expected) => {
  reset();
  change();
  const result = run(process.execPath, ['build/main.js'], project);
  expect(result.stderr).toBe([...expected.map((l) => `error: ${l}`), `synth failed: ${expected.length} problem(s); dist was left unchanged.`, ''].join('\n'));
  expect(result.status).toBe(1);
  expectRefused(result.stderr, expected);
});

test.each(CASES.filter((c) => c[4]))('%s (%s): cdk8s synth', (_case, _class, change, expected) => {
  reset();
  change();
  const result = run(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade=false'], project);
  // cdk8s-cli reports the failed command after our lines, with its own trace: ours have none.
  const ours = result.stderr.split('Error: command ')[0];
  expect(ours).toBe([...expected.map((l) => `error: ${l}`), `synth failed: ${expected.length} problem(s); dist was left unchanged.`, ''].join('\n'));
  expect(result.status).toBe(1);
  expectRefused(ours, expected);
});

test('every class of the issue is in the corpus, through both entry points', () => {
  const classes = new Set(CASES.map((c) => c[1]));
  expect([...classes].sort()).toEqual(['allowed values', 'duplicate keys', 'field rules', 'file-system errors', 'hostile YAML', 'traced violations']);
  for (const c of classes) expect(CASES.some((x) => x[1] === c && x[4])).toBe(true);
});

test('an error thrown while the catalog loads is one line (the entry points install the handler first)', () => {
  reset();
  const script = `
    require('./build/lib/cli/one-line-errors');
    require('./build/lib').SecretCatalog.define({ services: ['api'], secrets: { 'jwt secret': { description: 'd', placeholder: 'p', consumers: ['api'] } } });`;
  const result = run(process.execPath, ['-e', script], project);
  expect(result.stderr).toBe(`error: SecretCatalog: 'secrets.jwt secret' must be a Secret data key (letters, digits, '-', '_' and '.'). The value passed is: "jwt secret"\n`);
  expect(result.status).toBe(1);
  expect(fs.readFileSync(path.join(ROOT, 'main.ts'), 'utf8')).toMatch(/^import '\.\/lib\/cli\/one-line-errors';$/m);
});
