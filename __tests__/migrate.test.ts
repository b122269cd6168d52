import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { catalogSpelling, CliIo, compareWithCatalog, ExitCode, formatOf, readKeyNames, runCli } from '../lib/cli';
import { VEZA_CATALOG } from '../lib/veza';

const root = path.join(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-migrate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Values that must never reach the output, in every form the input holds them.
/** The environments of environments/, as the CLI lists them (a user may add one). */
const ALLOWED_ENVS = fs.readdirSync(path.join(root, 'environments')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort().join(', ');
const VALUES = ['sk_live_abcdef123456', 'super-secret-password', 'postgresql://veza:hunter2-db-pass@db:5432/veza'];
const FORBIDDEN = [...VALUES, ...VALUES.map((v) => Buffer.from(v).toString('base64')), 'hunter2'];

function write(name: string, content: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

function run(argv: string[], isTTY = false): { code: ExitCode; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY, env: {}, projectDir: root };
  const code = runCli(argv, io);
  return { code, stdout, stderr };
}

function expectNoValue(out: { stdout: string; stderr: string }): void {
  for (const v of FORBIDDEN) {
    expect(out.stdout).not.toContain(v);
    expect(out.stderr).not.toContain(v);
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const MANIFEST = write('secret.yaml', `apiVersion: v1
kind: Secret
metadata:
  name: veza-secrets
  namespace: veza-production
type: Opaque
data:
  database-url: ${b64(VALUES[2])}
  jwt-secret: ${b64(VALUES[1])}
stringData:
  stripe-api-key: ${VALUES[0]}
  legacy-chat-token: ${VALUES[1]}
`);

test('migrate on a Secret manifest prints the missing keys and entries to add, never a value', () => {
  const out = run(['migrate', MANIFEST, '--env', 'production']);
  expectNoValue(out);
  expect(out.code).toBe(ExitCode.PROBLEMS);
  expect(out.stderr).toBe('');
  expect(out.stdout).toContain(`${MANIFEST}: Secret manifest (Secret veza-secrets), 4 key(s).`);
  expect(out.stdout).toContain('In the catalog (3):\n  = database-url\n  = jwt-secret\n  = stripe-api-key\n');
  expect(out.stdout).toContain([
    `In the catalog, missing from ${MANIFEST} (${VEZA_CATALOG.keys.length - 3}):`,
    // Every catalog key but the three the manifest holds, in catalog order (a user may add keys).
    ...VEZA_CATALOG.all.filter((e) => !['database-url', 'jwt-secret', 'stripe-api-key'].includes(e.key)).map((e) => `  - ${e.key} (read by ${e.consumers.join(', ')})`),
  ].join('\n'));
  expect(out.stdout).toContain('  - redis-url (read by veza-backend-api, veza-stream-server)\n');
  expect(out.stdout).toContain('  - stream-server-secret (read by veza-stream-server)\n');
  expect(out.stdout).toContain('Missing from the catalog (1):\n  + legacy-chat-token\n');
  expect(out.stdout).toContain("    'legacy-chat-token': {\n      description: 'TODO: what this value is',\n      placeholder: 'REPLACE_ME',\n");
  // Then the verification commands of that environment.
  expect(out.stdout).toContain('kubectl get externalsecret veza-secrets -n veza-production\n');
  expect(out.stdout).toContain('kubectl get secretstore vault-store -n veza-production\n');
  expect(out.stdout).not.toContain('veza-staging');
});

test('migrate on a .env file reads the names left of =, never a value, even across quoted lines', () => {
  const file = write('app.env', [
    '# the old chat server',
    `DATABASE_URL=${VALUES[2]}`,
    `export STRIPE_API_KEY="${VALUES[0]}"`,
    '',
    `CHAT_JWT_SECRET='first line`,
    `${VALUES[1]}'`,
    `jwt_secret = ${VALUES[1]}`,
  ].join('\n'));
  const out = run(['migrate', file, '--env', 'staging']);
  expectNoValue(out);
  expect(out.code).toBe(ExitCode.PROBLEMS);
  expect(out.stdout).toContain(`${file}: .env file, 4 key(s).`);
  expect(out.stdout).toContain('In the catalog (3):\n  = DATABASE_URL -> database-url\n  = STRIPE_API_KEY -> stripe-api-key\n  = jwt_secret -> jwt-secret\n');
  expect(out.stdout).toContain('Missing from the catalog (1):\n  + CHAT_JWT_SECRET -> chat-jwt-secret\n');
  expect(out.stdout).toContain("    'chat-jwt-secret': { // CHAT_JWT_SECRET in the input\n");
  expect(out.stdout).toContain('kubectl get secret veza-secrets -n veza-staging');
});

test('migrate exits 0 when the keys are exactly the catalog', () => {
  const file = write('complete.yaml', `kind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: veza-secrets\n    stringData:\n${VEZA_CATALOG.keys.map((k) => `      ${k}: ${VALUES[1]}`).join('\n')}\n`);
  const out = run(['migrate', file, '--env', 'development']);
  expectNoValue(out);
  expect(out.code).toBe(ExitCode.OK);
  expect(out.stdout).toContain('Missing from the catalog (0):');
  expect(out.stdout).not.toContain('Catalog entries to add');
});

test.each([
  ['bad.yaml', `kind: Secret\nstringData:\n  a: ${VALUES[0]}\n  b: "${VALUES[1]}\n`, [], 'bad.yaml: not readable YAML (near line 5); the parser\'s excerpt is not shown: it may hold a value'],
  ['bad.env', `GOOD=1\n${VALUES[0]}\n`, [], 'bad.env: line 2 is not KEY=VALUE (the line is not shown: it may hold a value)'],
  ['open.env', `A="${VALUES[1]}\n`, [], 'open.env: a quoted value is not closed before the end of the file'],
  ['cm.yaml', `kind: ConfigMap\ndata:\n  a: ${VALUES[0]}\n`, [], 'cm.yaml: holds no Secret (kind: Secret); give a Secret manifest (kubectl get secret NAME -o yaml) or a .env file'],
  ['list.yaml', `kind: Secret\nmetadata:\n  name: s\ndata: [${VALUES[0]}]\n`, [], "list.yaml: Secret \"s\": 'data' must be a mapping of key names to values"],
  // Hostile input: nested aliases, a key twice, a file over 1 MiB (the same reader as environment files).
  ['laughs.yaml', `kind: Secret\nstringData:\n  a: &a ["${VALUES[0]}","x","x","x","x","x","x","x","x","x"]\n${'bcdefg'.split('').map((c, i) => `  ${c}: &${c} [${Array(10).fill(`*${'abcdefg'[i]}`).join(',')}]`).join('\n')}\n`, [],
    'laughs.yaml: the YAML expands to more than 100000 values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)'],
  ['twice.yaml', `kind: Secret\nstringData:\n  a: ${VALUES[0]}\n  a: ${VALUES[1]}\n`, [], "twice.yaml: 'stringData.a' is given twice, on lines 3 and 4; allowed: each key once in a mapping"],
  ['huge.yaml', `kind: Secret\nstringData:\n  a: ${VALUES[0]}${'x'.repeat(1024 * 1024)}\n`, [], `huge.yaml: the file is ${31 + VALUES[0].length + 1024 * 1024} bytes; allowed: at most 1048576 bytes (1 MiB) for a configuration file`],
  ['huge.env', `A=${VALUES[0]}${'x'.repeat(1024 * 1024)}\n`, [], `huge.env: the file is ${3 + VALUES[0].length + 1024 * 1024} bytes; allowed: at most 1048576 bytes (1 MiB) for a configuration file`],
  ['ok.yaml', 'kind: Secret\n', ['--env', 'no-such-env'], `--env is "no-such-env"; allowed: ${ALLOWED_ENVS}`],
  ['ok.yaml', 'kind: Secret\n', ['--format', 'json'], '--format is "json"; allowed: secret-manifest, dotenv'],
])('migrate %s exits 2 without quoting the input', (name, content, extra, message) => {
  const file = write(name, content);
  const out = run(['migrate', file, '--env', 'production', ...extra]);
  expectNoValue(out);
  expect(out.code).toBe(ExitCode.USAGE);
  expect(out.stdout).toBe('');
  expect(out.stderr.split('\n')[0]).toBe(`veza-secrets: ${message.startsWith("--") ? message : `${tmp}/${message}`}`);
});

test.each([
  [['migrate', '--env', 'production'], 'veza-secrets: migrate takes one file (a Secret manifest or a .env file); got 0'],
  [['migrate', 'x.yaml'], `veza-secrets: --env is required; allowed: ${ALLOWED_ENVS}`],
  [['migrate', '/nonexistent/secret.yaml', '--env', 'production'], 'veza-secrets: /nonexistent/secret.yaml: cannot be read (ENOENT)'],
])('migrate %j is a usage error', (argv, message) => {
  const out = run(argv);
  expect(out.code).toBe(ExitCode.USAGE);
  expect(out.stderr.split('\n')).toEqual([message, 'Usage: veza-secrets migrate <file> --env <environment> [--format secret-manifest|dotenv] [--project <dir>]', 'Run `veza-secrets migrate --help` for help.', '']);
});

test('--format overrides the file name', () => {
  const file = write('secrets.txt', `JWT_SECRET=${VALUES[1]}\n`);
  expect(run(['migrate', file, '--env', 'production']).code).toBe(ExitCode.USAGE);
  const out = run(['migrate', file, '--env', 'production', '--format', 'dotenv']);
  expectNoValue(out);
  expect(out.stdout).toContain('  = JWT_SECRET -> jwt-secret\n');
});

test('readKeyNames, formatOf and catalogSpelling', () => {
  expect(formatOf('.env')).toBe('dotenv');
  expect(formatOf('/x/.env.production')).toBe('dotenv');
  expect(formatOf('prod.env')).toBe('dotenv');
  expect(formatOf('secret.yaml')).toBe('secret-manifest');
  expect(catalogSpelling('STRIPE_WEBHOOK_SECRET')).toBe('stripe-webhook-secret');
  const source = readKeyNames('x.env', 'A_B=1\nA_B=2\nexport C=3\n');
  expect(source).toEqual({ file: 'x.env', format: 'dotenv', secretNames: [], keys: [{ name: 'A_B', catalogKey: 'a-b' }, { name: 'C', catalogKey: 'c' }] });
  expect(JSON.stringify(source)).not.toMatch(/[123]/);
  const report = compareWithCatalog(readKeyNames('s.env', 'JWT_SECRET=x\nNEW=y\n'), VEZA_CATALOG);
  expect(report.present.map((k) => k.catalogKey)).toEqual(['jwt-secret']);
  expect(report.extra.map((k) => k.catalogKey)).toEqual(['new']);
  expect(report.missing).toEqual(VEZA_CATALOG.keys.filter((k) => k !== 'jwt-secret'));
});

test.each(['development', 'staging', 'production'])("the catalog's own template dist/%s/secrets.yaml.example migrates with nothing missing, and its placeholders are not printed", (env) => {
  const file = path.join(root, 'dist', env, 'secrets.yaml.example');
  const out = run(['migrate', file, '--env', env, '--format', 'secret-manifest']);
  expect(out.code).toBe(ExitCode.OK);
  expect(out.stdout).toContain(`In the catalog (${VEZA_CATALOG.keys.length}):`);
  for (const entry of VEZA_CATALOG.all) expect(out.stdout).not.toContain(entry.placeholder);
  expect(out.stdout).toContain(`kubectl get secret veza-secrets -n veza-${env}`);
});
