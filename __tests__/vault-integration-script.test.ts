import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Chart, Testing } from 'cdk8s';
import { generatedHeader, parseEnvironment, renderApp, RenderedFile, VaultAuth, VaultKubernetesAuthIntegration, VaultSecretStore, VezaApp } from '../lib';
import { testWith, toolPath } from './support/tools';
import { runConfigureScript, STUB_CA, STUB_KUBERNETES_HOST, StubCall } from './vault-stub';

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

/** Every committed configure script, `dist/<env>/vault/*.sh` and `dist/alternatives/<env>/vault/*.sh`. */
function distScripts(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sh') && path.basename(dir) === 'vault') found.push(full);
    }
  };
  walk(dist);
  return found.sort();
}

/** The files of `dist/<folder>/vault/`, by name. */
function vaultFolder(files: RenderedFile[], folder: string): Record<string, string> {
  const prefix = `${folder}/vault/`;
  return Object.fromEntries(files.filter((f) => f.path.startsWith(prefix)).map((f) => [f.path.slice(prefix.length), f.content]));
}

/** Production as committed, with a real database host. */
function productionWithDatabase(): RenderedFile[] {
  const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', 'production.yaml'), 'utf8')) as any;
  doc.providers.vault.database = { host: 'pg.veza.internal' };
  const environments = [parseEnvironment(doc, 'environments/production.yaml')];
  return renderApp(new VezaApp({ environments }), { header: generatedHeader });
}

const PASSWORD = 'DB-PASSWORD-FROM-ENV';

testWith('shellcheck')('shellcheck passes on every committed configure-vault.sh', () => {
  const scripts = distScripts();
  expect(scripts.map((s) => path.relative(dist, s))).toEqual(expect.arrayContaining(['development/vault/configure-vault.sh', 'staging/vault/configure-vault.sh', 'production/vault/configure-vault.sh']));
  const result = spawnSync(toolPath('shellcheck'), ['--shell=bash', '--severity=style', ...scripts], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('configure-vault.sh runs exactly these commands, secrets only on stdin', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const run = runConfigureScript(files, { env: { VAULT_DB_PASSWORD: PASSWORD } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const reviewerSecret = ['get', 'secret', 'vault-token-reviewer-token', '--namespace', 'veza-production', '-o'];
  expect(run.calls.map((c) => [c.cmd, ...c.argv])).toEqual([
    ['vault', 'read', 'sys/mounts/secret'],
    ['vault', 'secrets', 'enable', '-path=secret', 'kv-v2'],
    ['vault', 'policy', 'write', 'veza-production-read', expect.stringMatching(/\/vault\/veza-production-read\.hcl$/)],
    ['vault', 'policy', 'write', 'veza-production-rotation', expect.stringMatching(/\/vault\/veza-production-rotation\.hcl$/)],
    ['vault', 'read', 'sys/auth/kubernetes'],
    ['vault', 'auth', 'enable', '-path=kubernetes', 'kubernetes'],
    ['kubectl', ...reviewerSecret, 'jsonpath={.data.token}'],
    ['kubectl', ...reviewerSecret, 'jsonpath={.data.ca\\.crt}'],
    ['kubectl', 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'],
    ['vault', 'write', 'auth/kubernetes/config', `kubernetes_host=${STUB_KUBERNETES_HOST}`, `kubernetes_ca_cert=${STUB_CA}`, 'token_reviewer_jwt=-'],
    ['vault', 'write', 'auth/kubernetes/role/veza-production', 'bound_service_account_names=vault-store-auth', 'bound_service_account_namespaces=veza-production', 'audience=vault', 'policies=veza-production-read', 'ttl=1h'],
    ['vault', 'write', 'auth/kubernetes/role/veza-production-rotation', 'bound_service_account_names=secrets-rotation', 'bound_service_account_namespaces=veza-production', 'audience=vault', 'policies=veza-production-rotation', 'ttl=15m'],
    ['vault', 'read', 'sys/mounts/database'],
    ['vault', 'secrets', 'enable', '-path=database', 'database'],
    ['vault', 'write', 'database/config/veza-production', 'plugin_name=postgresql-database-plugin', 'allowed_roles=veza-production-app', 'connection_url=postgresql://{{username}}:{{password}}@pg.veza.internal:5432/veza', 'username=vault', 'password=-'],
    ['vault', 'write', 'database/static-roles/veza-production-app', 'db_name=veza-production', 'username=veza', 'rotation_period=4320h'],
  ]);
  // The policies written are exactly the generated HCL files.
  const policies = run.calls.filter((c) => c.policy !== undefined).map((c) => [c.argv[2], c.policy]);
  expect(policies).toEqual([
    ['veza-production-read', files['veza-production-read.hcl']],
    ['veza-production-rotation', files['veza-production-rotation.hcl']],
  ]);
  // The store's role gets read on the static role the script creates (the generator of database-url reads it).
  expect(files['veza-production-read.hcl']).toContain('path "database/static-creds/veza-production-app" {\n  capabilities = ["read"]\n}\n');
  // The reviewer's token and the database password go through stdin, never argv.
  const stdin = (p: string) => run.calls.find((c: StubCall) => c.argv[1] === p)!.stdin;
  expect(stdin('auth/kubernetes/config')).toBe('REVIEWER-JWT');
  expect(stdin('database/config/veza-production')).toBe(PASSWORD);
  const argv = JSON.stringify(run.calls.map((c) => c.argv));
  expect(argv).not.toContain('REVIEWER-JWT');
  expect(argv).not.toContain(PASSWORD);
  expect(run.stdout).not.toContain(PASSWORD);
});

test('configure-vault.sh is idempotent: a second run enables nothing and writes the same', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const first = runConfigureScript(files, { env: { VAULT_DB_PASSWORD: PASSWORD } });
  const again = runConfigureScript(files, { env: { VAULT_DB_PASSWORD: PASSWORD }, mounted: ['sys/mounts/secret', 'sys/auth/kubernetes', 'sys/mounts/database'] });
  expect(again.status).toBe(0);
  expect(again.calls.filter((c) => c.argv[1] === 'enable')).toEqual([]);
  const notEnable = (calls: StubCall[]) => calls.filter((c) => c.argv[1] !== 'enable').map((c) => ({ ...c, argv: c.argv.map((a) => a.replace(/^.*\/vault\//, '')) }));
  expect(notEnable(again.calls)).toEqual(notEnable(first.calls));
  expect(again.stdout).toContain('secret/ is already enabled\nkubernetes/ is already enabled\ndatabase/ is already enabled\n');
});

test('KUBERNETES_HOST overrides the kubectl context\'s server', () => {
  const run = runConfigureScript(vaultFolder(productionWithDatabase(), 'production'), { env: { VAULT_DB_PASSWORD: PASSWORD, KUBERNETES_HOST: 'https://kubernetes.default.svc' } });
  expect(run.status).toBe(0);
  expect(run.calls.filter((c) => c.argv[0] === 'config')).toEqual([]);
  expect(run.calls.find((c) => c.argv[1] === 'auth/kubernetes/config')!.argv[2]).toBe('kubernetes_host=https://kubernetes.default.svc');
});

test('configure-vault.sh stops before any call without VAULT_DB_PASSWORD', () => {
  const run = runConfigureScript(vaultFolder(productionWithDatabase(), 'production'));
  expect(run.status).not.toBe(0);
  expect(run.stderr).toContain('VAULT_DB_PASSWORD: set VAULT_DB_PASSWORD to the password of the database login vault');
  expect(run.calls).toEqual([]);
});

/** An environment file without `providers.vault.database`: the host is the placeholder default. */
function withoutDatabase(env: string): RenderedFile[] {
  const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8')) as any;
  delete doc.providers.vault.database;
  return renderApp(new VezaApp({ environments: [parseEnvironment(doc, `environments/${env}.yaml`)] }), { header: generatedHeader });
}

test('a script generated without database settings stops before any call: the host is a placeholder', () => {
  for (const env of ['development', 'staging', 'production']) {
    const run = runConfigureScript(vaultFolder(withoutDatabase(env), env), { env: { VAULT_DB_PASSWORD: PASSWORD } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: the database host veza-${env}-postgres.replace-me.invalid is a placeholder (.invalid never resolves); set the real host and generate this script again.\n`);
    expect(run.calls).toEqual([]);
  }
});

test('the committed scripts configure the database each environment file names', () => {
  for (const env of ['development', 'staging', 'production']) {
    const script = fs.readFileSync(path.join(dist, env, 'vault', 'configure-vault.sh'), 'utf8');
    expect(script).toContain(`db_host=postgres.veza-${env}.svc.cluster.local\n`);
  }
});

test('configure-vault.sh stops before configuring the auth method when the reviewer\'s Secret holds no token yet', () => {
  const run = runConfigureScript(vaultFolder(productionWithDatabase(), 'production'), { env: { VAULT_DB_PASSWORD: PASSWORD }, jwt: '' });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe('error: the Secret vault-token-reviewer-token in veza-production holds no token yet; apply vault-integration.yaml and retry.\n');
  expect(run.calls.filter((c) => c.argv[0] === 'write')).toEqual([]);
});

test('values are quoted for bash: an audience with a space and a quote reaches vault as one argument', () => {
  const chart = new Chart(Testing.app(), 'ns', { namespace: 'ns' });
  const store = new VaultSecretStore(chart, 'store', { server: 'https://vault.example:8200', path: 'app', auth: VaultAuth.kubernetes({ audience: "it's vault" }) });
  const integration = new VaultKubernetesAuthIntegration(chart, 'integration', { store });
  const files = Object.fromEntries([...integration.policies.map((p) => [p.fileName, p.toHcl()]), ['configure-vault.sh', integration.configureScript()]]);
  const run = runConfigureScript(files);
  expect(run.status).toBe(0);
  expect(run.calls.find((c) => c.argv[1] === 'auth/kubernetes/role/ns')!.argv).toContain("audience=it's vault");
  expect(run.calls.filter((c) => c.argv.join(' ').includes('database'))).toEqual([]);
});
