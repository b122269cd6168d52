import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Chart, Duration, Testing } from 'cdk8s';
import { renderApp, RenderedFile, VaultAuth, VaultKubernetesAuthIntegration, VaultSecretStore } from '../lib';
import { parseEnvironment, VezaApp } from '../lib/veza';
import { generatedHeader } from '../lib/veza/veza-app';
import { loadEnvironments } from '../lib/veza/environment-file';
import { LAYOUT } from '../lib/veza/layout';
import { CONFIGURE_STUB_CA, CONFIGURE_STUB_KUBERNETES_HOST, ConfigureCall, ConfigureRun, freshVault, runConfigure } from './configure-vault-stub';
import { testWith, toolPath } from './support/tools';

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

/** Production as committed, with a real database host (rendered once for the file: tests only read it). */
function productionWithDatabase(): RenderedFile[] {
  productionRendered ??= renderProductionWithDatabase();
  return productionRendered;
}
let productionRendered: RenderedFile[] | undefined;

function renderProductionWithDatabase(): RenderedFile[] {
  const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', 'production.yaml'), 'utf8')) as any;
  doc.providers.vault.database = { host: 'pg.veza.internal' };
  const environments = [parseEnvironment(doc, 'environments/production.yaml')];
  return renderApp(new VezaApp({ environments }), { header: generatedHeader });
}

const PASSWORD = 'DB-PASSWORD-FROM-ENV';

/**
 * The first run on a fresh Vault of production's script (with a database host) and
 * VAULT_DB_PASSWORD: the start of most tests below, run once for the file (a copy each time, so no
 * test changes what another reads).
 */
function firstRun(): ConfigureRun {
  firstRunResult ??= runConfigure(vaultFolder(productionWithDatabase(), 'production'), freshVault(), { env: { VAULT_DB_PASSWORD: PASSWORD } });
  return structuredClone(firstRunResult);
}
let firstRunResult: ConfigureRun | undefined;

testWith('shellcheck')('shellcheck passes on every committed configure-vault.sh', () => {
  const scripts = distScripts();
  expect(scripts.map((s) => path.relative(dist, s))).toEqual(expect.arrayContaining(['development/vault/configure-vault.sh', 'staging/vault/configure-vault.sh', 'production/vault/configure-vault.sh']));
  const result = spawnSync(toolPath('shellcheck'), ['--shell=bash', '--severity=style', ...scripts], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

const PRE_FLIGHT = [
  ['vault', 'read', 'database/config/veza-production'],
  ['vault', 'read', '-field=rotation_period', 'database/static-roles/veza-production-app'],
];

test('configure-vault.sh runs exactly these commands on a fresh Vault, secrets only on stdin', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const run = firstRun();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const reviewerSecret = ['get', 'secret', 'vault-token-reviewer-token', '--namespace', 'veza-production', '-o'];
  expect(run.calls.map((c) => [c.cmd, ...c.argv])).toEqual([
    ...PRE_FLIGHT,
    ['vault', 'read', 'sys/mounts/secret'],
    ['vault', 'secrets', 'enable', '-path=secret', 'kv-v2'],
    ['vault', 'policy', 'write', 'veza-production-read', expect.stringMatching(/\/vault\/veza-production-read\.hcl$/)],
    ['vault', 'policy', 'write', 'veza-production-rotation-database-credential', expect.stringMatching(/\/vault\/veza-production-rotation-database-credential\.hcl$/)],
    ['vault', 'policy', 'write', 'veza-production-rotation-signing-secret', expect.stringMatching(/\/vault\/veza-production-rotation-signing-secret\.hcl$/)],
    ['vault', 'read', 'sys/auth/kubernetes'],
    ['vault', 'auth', 'enable', '-path=kubernetes', 'kubernetes'],
    ['kubectl', ...reviewerSecret, 'jsonpath={.data.token}'],
    ['kubectl', ...reviewerSecret, 'jsonpath={.data.ca\\.crt}'],
    ['kubectl', 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'],
    ['vault', 'write', 'auth/kubernetes/config', `kubernetes_host=${CONFIGURE_STUB_KUBERNETES_HOST}`, `kubernetes_ca_cert=${CONFIGURE_STUB_CA}`, 'token_reviewer_jwt=-'],
    ['vault', 'write', 'auth/kubernetes/role/veza-production', 'bound_service_account_names=vault-store-auth', 'bound_service_account_namespaces=veza-production', 'audience=vault', 'token_policies=veza-production-read', 'token_ttl=1h'],
    ['vault', 'write', 'auth/kubernetes/role/veza-production-rotation-database-credential', 'bound_service_account_names=secrets-rotation-database-credential', 'bound_service_account_namespaces=veza-production', 'audience=vault', 'token_policies=veza-production-rotation-database-credential', 'token_ttl=1h'],
    ['vault', 'write', 'auth/kubernetes/role/veza-production-rotation-signing-secret', 'bound_service_account_names=secrets-rotation-signing-secret', 'bound_service_account_namespaces=veza-production', 'audience=vault', 'token_policies=veza-production-rotation-signing-secret', 'token_ttl=1h'],
    // The one rotation role of earlier versions, which held both policies.
    ['vault', 'delete', 'auth/kubernetes/role/veza-production-rotation'],
    ['vault', 'read', 'sys/mounts/database'],
    ['vault', 'secrets', 'enable', '-path=database', 'database'],
    ['vault', 'write', 'database/config/veza-production', 'plugin_name=postgresql-database-plugin', 'allowed_roles=veza-production-app', 'connection_url=postgresql://{{username}}:{{password}}@pg.veza.internal:5432/veza', 'username=vault', 'password=-'],
    ['vault', 'write', 'database/static-roles/veza-production-app', 'db_name=veza-production', 'username=veza', 'rotation_period=5040h'],
  ]);
  // The policies written are exactly the generated HCL files.
  expect(run.state.policies).toEqual({
    'veza-production-read': files['veza-production-read.hcl'],
    'veza-production-rotation-database-credential': files['veza-production-rotation-database-credential.hcl'],
    'veza-production-rotation-signing-secret': files['veza-production-rotation-signing-secret.hcl'],
  });
  // The store's role gets read on the static role the script creates (the generator of database-url reads it).
  expect(files['veza-production-read.hcl']).toContain('path "database/static-creds/veza-production-app" {\n  capabilities = ["read"]\n}\n');
  // The reviewer's token and the database password go through stdin, never argv.
  const stdin = (p: string) => run.calls.find((c: ConfigureCall) => c.argv[0] === 'write' && c.argv[1] === p)!.stdin;
  expect(stdin('auth/kubernetes/config')).toBe('REVIEWER-JWT');
  expect(stdin('database/config/veza-production')).toBe(PASSWORD);
  const argv = JSON.stringify(run.calls.map((c) => c.argv));
  expect(argv).not.toContain('REVIEWER-JWT');
  expect(argv).not.toContain(PASSWORD);
  expect(run.stdout).not.toContain(PASSWORD);
  // Community Edition: creating the static role set a new password, and the script says so.
  expect(run.state.rotations).toEqual({ 'database/static-roles/veza-production-app': 1 });
  expect(run.stdout).toContain('note: Vault set a new password for veza on creating the static role: pods still using the old one are refused new connections until the Secret is re-synced from database/static-creds/veza-production-app and they restart.\n');
});

test('a second run leaves the same state: it enables nothing, writes no database connection and rotates nothing, without any password', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const first = firstRun();
  expect(first.status).toBe(0);
  const again = runConfigure(files, first.state);
  expect(again.stderr).toBe('');
  expect(again.status).toBe(0);
  expect(again.calls.filter((c) => c.argv[1] === 'enable')).toEqual([]);
  expect(again.calls.filter((c) => c.argv[0] === 'write' && c.argv[1].startsWith('database/'))).toEqual([]);
  const { writes: firstWrites, ...firstState } = first.state;
  const { writes: againWrites, ...againState } = again.state;
  expect(againState).toEqual(firstState);
  expect(again.state.rotations).toEqual({ 'database/static-roles/veza-production-app': 1 });
  // What a re-run rewrites: the policies, the auth config and the roles (same values), nothing of the database.
  expect(Object.keys(againWrites).filter((p) => againWrites[p] !== firstWrites[p])).toEqual(['auth/kubernetes/config', 'auth/kubernetes/role/veza-production', 'auth/kubernetes/role/veza-production-rotation-database-credential', 'auth/kubernetes/role/veza-production-rotation-signing-secret']);
  expect(again.stdout).toContain('secret/ is already enabled\nkubernetes/ is already enabled\n');
  expect(again.stdout).toContain('database/ is already enabled\n'
    + 'database/config/veza-production exists: not rewritten (RECONFIGURE_DATABASE=1 rewrites it, with VAULT_DB_PASSWORD)\n'
    + 'database/static-roles/veza-production-app exists, rotation_period 5040h: unchanged\n');
});

test('on a Vault an earlier version configured, the one rotation role that held every rotation\'s policy is deleted; each job\'s own role stays', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const earlier = firstRun().state;
  const legacy = 'auth/kubernetes/role/veza-production-rotation';
  earlier.data[legacy] = {
    bound_service_account_names: 'secrets-rotation', bound_service_account_namespaces: 'veza-production', audience: 'vault',
    token_policies: 'veza-production-rotation-database-credential,veza-production-rotation-signing-secret', token_ttl: '1h',
  };
  earlier.writes[legacy] = 1;
  const run = runConfigure(files, earlier);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(`Success! Data deleted (if it existed) at: ${legacy}\n`);
  const roles = Object.keys(run.state.data).filter((p) => p.startsWith('auth/kubernetes/role/')).sort();
  expect(roles).toEqual(['auth/kubernetes/role/veza-production', 'auth/kubernetes/role/veza-production-rotation-database-credential', 'auth/kubernetes/role/veza-production-rotation-signing-secret']);
  for (const role of roles.slice(1)) expect(run.state.data[role].token_policies).toBe(role.slice('auth/kubernetes/role/'.length));
});

test('after database/rotate-root (only Vault knows the password of vault) the script still runs', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const first = firstRun();
  const rotatedRoot = { ...first.state, databasePasswords: { vault: 'ONLY-VAULT-KNOWS' } };
  const again = runConfigure(files, rotatedRoot, { env: { VAULT_DB_PASSWORD: PASSWORD } });
  expect(again.stderr).toBe('');
  expect(again.status).toBe(0);
  expect(again.state.writes['database/config/veza-production']).toBe(1);
  // Asked to rewrite the connection with the stale password, Vault refuses (it verifies the connection).
  const forced = runConfigure(files, rotatedRoot, { env: { VAULT_DB_PASSWORD: PASSWORD, RECONFIGURE_DATABASE: '1' } });
  expect(forced.status).not.toBe(0);
  expect(forced.stderr).toContain('password authentication failed for user "vault"');
});

test('RECONFIGURE_DATABASE=1 rewrites the connection, and then needs VAULT_DB_PASSWORD', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const first = firstRun();
  const noPassword = runConfigure(files, first.state, { env: { RECONFIGURE_DATABASE: '1' } });
  expect(noPassword.status).not.toBe(0);
  expect(noPassword.stderr).toContain('VAULT_DB_PASSWORD: set VAULT_DB_PASSWORD to the password of the database login vault (database/config/veza-production is written: it does not exist yet, or RECONFIGURE_DATABASE=1)\n');
  expect(noPassword.calls.map((c) => [c.cmd, ...c.argv])).toEqual([]);
  const rewritten = runConfigure(files, first.state, { env: { RECONFIGURE_DATABASE: '1', VAULT_DB_PASSWORD: PASSWORD } });
  expect(rewritten.status).toBe(0);
  expect(rewritten.state.writes['database/config/veza-production']).toBe(2);
  expect(rewritten.state.rotations).toEqual({ 'database/static-roles/veza-production-app': 1 });
});

test.each([
  ['yes', "error: RECONFIGURE_DATABASE is 'yes'; allowed: 1 (rewrite database/config/veza-production) or 0\n"],
  ['true', "error: RECONFIGURE_DATABASE is 'true'; allowed: 1 (rewrite database/config/veza-production) or 0\n"],
])('RECONFIGURE_DATABASE=%s stops before any call', (value, message) => {
  const run = runConfigure(vaultFolder(productionWithDatabase(), 'production'), freshVault(), { env: { VAULT_DB_PASSWORD: PASSWORD, RECONFIGURE_DATABASE: value } });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(message);
  expect(run.calls).toEqual([]);
});

test('a new rotation_period from the caller updates the static role without rotating it', () => {
  const first = firstRun();
  const chart = new Chart(Testing.app(), 'veza-production', { namespace: 'veza-production' });
  const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.veza.internal:8200', path: 'veza/production', auth: VaultAuth.kubernetes({ role: 'veza-production' }) });
  const integration = new VaultKubernetesAuthIntegration(chart, 'integration', {
    store,
    database: { host: 'pg.veza.internal', database: 'veza', username: 'vault', staticUsername: 'veza', rotationPeriod: Duration.days(240), staticRoleName: 'veza-production-app' },
  });
  const files = Object.fromEntries([...integration.policies.map((p) => [p.fileName, p.toHcl()]), ['configure-vault.sh', integration.configureScript()]]);
  const run = runConfigure(files, first.state);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.calls.filter((c) => c.argv[1] === 'database/static-roles/veza-production-app' && c.argv[0] === 'write').map((c) => c.argv))
    .toEqual([['write', 'database/static-roles/veza-production-app', 'db_name=veza-production', 'username=veza', 'rotation_period=5760h']]);
  expect(run.state.data['database/static-roles/veza-production-app'].rotation_period).toBe('5760h');
  expect(run.state.rotations).toEqual({ 'database/static-roles/veza-production-app': 1 });
});

describe('VAULT_APP_DB_PASSWORD: the static role keeps the current password (skip_import_rotation)', () => {
  test('Vault Enterprise: created with skip_import_rotation=true, the password on stdin; nothing rotates', () => {
    const run = runConfigure(vaultFolder(productionWithDatabase(), 'production'), freshVault({ edition: 'ent' }), { env: { VAULT_DB_PASSWORD: PASSWORD, VAULT_APP_DB_PASSWORD: 'APP-PASSWORD' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const create = run.calls.find((c) => c.argv[0] === 'write' && c.argv[1] === 'database/static-roles/veza-production-app')!;
    expect(create.argv).toEqual(['write', 'database/static-roles/veza-production-app', 'db_name=veza-production', 'username=veza', 'rotation_period=5040h', 'skip_import_rotation=true', 'password=-']);
    expect(create.stdin).toBe('APP-PASSWORD');
    expect(JSON.stringify(run.calls.map((c) => c.argv))).not.toContain('APP-PASSWORD');
    expect(run.state.rotations).toEqual({});
    expect(run.stdout).not.toContain('note: Vault set a new password');
  });

  test('Community Edition ignores skip_import_rotation: the script refuses before writing anything', () => {
    const run = runConfigure(vaultFolder(productionWithDatabase(), 'production'), freshVault({ edition: 'ce' }), { env: { VAULT_DB_PASSWORD: PASSWORD, VAULT_APP_DB_PASSWORD: 'APP-PASSWORD' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('error: VAULT_APP_DB_PASSWORD is set, but skip_import_rotation needs Vault Enterprise 1.18 or later; unset it (Vault then sets a new password for veza when it creates the static role)\n');
    expect(run.calls.map((c) => c.argv)).toEqual([...PRE_FLIGHT.map((c) => c.slice(1)), ['status', '-format=json']]);
  });

  test('an existing static role is not re-created: the variable is not used', () => {
    const first = firstRun();
    const again = runConfigure(vaultFolder(productionWithDatabase(), 'production'), first.state, { env: { VAULT_APP_DB_PASSWORD: 'APP-PASSWORD' } });
    expect(again.status).toBe(0);
    expect(again.calls.filter((c) => c.stdin === 'APP-PASSWORD')).toEqual([]);
  });
});

test('a failure half way stops the script; the re-run completes and ends in the state of a clean run', () => {
  const files = vaultFolder(productionWithDatabase(), 'production');
  const broken = runConfigure(files, freshVault(), { env: { VAULT_DB_PASSWORD: PASSWORD }, failOn: ['write auth/kubernetes/role/veza-production-rotation-signing-secret'] });
  expect(broken.status).toBe(2);
  expect(broken.stderr).toBe('stub: failing on demand: write auth/kubernetes/role/veza-production-rotation-signing-secret bound_service_account_names=secrets-rotation-signing-secret bound_service_account_namespaces=veza-production audience=vault token_policies=veza-production-rotation-signing-secret token_ttl=1h\n');
  expect(Object.keys(broken.state.data).filter((p) => p.startsWith('database/'))).toEqual([]);
  const resumed = runConfigure(files, broken.state, { env: { VAULT_DB_PASSWORD: PASSWORD } });
  expect(resumed.status).toBe(0);
  const clean = firstRun();
  const { writes: _resumedWrites, ...resumedState } = resumed.state;
  const { writes: _cleanWrites, ...cleanState } = clean.state;
  expect(resumedState).toEqual(cleanState);
});

test('KUBERNETES_HOST overrides the kubectl context\'s server', () => {
  const run = runConfigure(vaultFolder(productionWithDatabase(), 'production'), freshVault(), { env: { VAULT_DB_PASSWORD: PASSWORD, KUBERNETES_HOST: 'https://kubernetes.default.svc' } });
  expect(run.status).toBe(0);
  expect(run.calls.filter((c) => c.argv[0] === 'config')).toEqual([]);
  expect(run.calls.find((c) => c.argv[1] === 'auth/kubernetes/config')!.argv[2]).toBe('kubernetes_host=https://kubernetes.default.svc');
});

test('the first run stops before writing anything without VAULT_DB_PASSWORD', () => {
  const run = runConfigure(vaultFolder(productionWithDatabase(), 'production'));
  expect(run.status).not.toBe(0);
  expect(run.stderr).toContain('VAULT_DB_PASSWORD: set VAULT_DB_PASSWORD to the password of the database login vault (database/config/veza-production is written: it does not exist yet, or RECONFIGURE_DATABASE=1)\n');
  expect(run.calls.map((c) => [c.cmd, ...c.argv])).toEqual([PRE_FLIGHT[0]]);
});

/** An environment file without `providers.vault.database`: the host is the placeholder default. */
function withoutDatabase(env: string): RenderedFile[] {
  const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8')) as any;
  delete doc.providers.vault.database;
  return renderApp(new VezaApp({ environments: [parseEnvironment(doc, `environments/${env}.yaml`)] }), { header: generatedHeader });
}

test('a script generated without database settings stops before any call: the host is a placeholder', () => {
  for (const env of ['development', 'staging', 'production']) {
    const run = runConfigure(vaultFolder(withoutDatabase(env), env), freshVault(), { env: { VAULT_DB_PASSWORD: PASSWORD } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: the database host veza-${env}-postgres.replace-me.invalid is a placeholder (.invalid never resolves); set the real host and generate this script again.\n`);
    expect(run.calls).toEqual([]);
  }
});

test('the committed scripts configure the database host each environment file gives Vault', () => {
  for (const config of loadEnvironments(path.join(root, 'environments'))) {
    const script = fs.readFileSync(path.join(dist, LAYOUT.providerFolder(config.name, 'vault', config.provider), 'vault', 'configure-vault.sh'), 'utf8');
    const db = config.providers.vault.database;
    expect(script).toContain(`db_host=${db.host}\n`);
    expect(script).toContain(`@${db.host}:${db.port}/${db.name}' \\\n`);
  }
});

test('a Vault in the cluster reaches the in-cluster host: the loader accepts it, host and appHost are one name', () => {
  const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', 'production.yaml'), 'utf8')) as any;
  doc.providers.vault.server = 'https://vault.vault-system.svc:8200';
  doc.providers.vault.database = { host: 'postgres.veza-production.svc.cluster.local' };
  const db = parseEnvironment(doc, 'environments/production.yaml').providers.vault.database;
  expect([db.host, db.appHost]).toEqual(['postgres.veza-production.svc.cluster.local', 'postgres.veza-production.svc.cluster.local']);
});

test('configure-vault.sh stops before configuring the auth method when the reviewer\'s Secret holds no token yet', () => {
  const run = runConfigure(vaultFolder(productionWithDatabase(), 'production'), freshVault(), { env: { VAULT_DB_PASSWORD: PASSWORD }, jwt: '' });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe('error: the Secret vault-token-reviewer-token in veza-production holds no token yet; apply vault-integration.yaml and retry.\n');
  expect(run.calls.filter((c) => c.argv[0] === 'write')).toEqual([]);
});

test('values are quoted for bash: an audience with a space and a quote reaches vault as one argument', () => {
  const chart = new Chart(Testing.app(), 'ns', { namespace: 'ns' });
  const store = new VaultSecretStore(chart, 'store', { server: 'https://vault.example:8200', path: 'app', auth: VaultAuth.kubernetes({ audience: "it's vault" }) });
  const integration = new VaultKubernetesAuthIntegration(chart, 'integration', { store });
  const files = Object.fromEntries([...integration.policies.map((p) => [p.fileName, p.toHcl()]), ['configure-vault.sh', integration.configureScript()]]);
  const run = runConfigure(files);
  expect(run.status).toBe(0);
  expect(run.calls.find((c) => c.argv[1] === 'auth/kubernetes/role/ns')!.argv).toContain("audience=it's vault");
  expect(run.calls.filter((c) => c.argv.join(' ').includes('database'))).toEqual([]);
});
