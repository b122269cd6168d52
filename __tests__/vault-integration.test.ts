import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { ExternalSecret, ManifestFile, renderApp, RenderedFile, RotationMethod, SecretCatalog, VaultAuth, VaultKubernetesAuthIntegration, VaultKubernetesAuthIntegrationProps, VaultPolicy, VaultSecretStore, VaultSecretStoreProps, SynthError } from '../lib';
import { ConfigError } from '../lib/config/field-reader';
import { parseEnvironment, VEZA_CATALOG, VezaApp, VezaCatalog } from '../lib/veza';
import { generatedHeader } from '../lib/veza/veza-app';
import { VezaDatabaseCredentials, VezaVaultIntegration } from '../lib/veza/vault-integration';
import { loadEnvironments } from '../lib/veza/environment-file';
import { parseGitOps } from '../lib/veza/gitops';
import { LAYOUT } from '../lib/veza/layout';

const ENVS = ['development', 'staging', 'production'] as const;
const root = path.join(__dirname, '..');

/** A store and its integration in one chart of namespace `veza-production`. */
function build(storeProps: Partial<VaultSecretStoreProps> = {}, props: Partial<VaultKubernetesAuthIntegrationProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'veza-production', { namespace: 'veza-production' });
  const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'veza/production', ...storeProps });
  const integration = new VaultKubernetesAuthIntegration(chart, 'vault-integration', { store, ...props });
  const manifests = chart.toJson();
  return { chart, store, integration, manifests, storeSpec: manifests.find((m) => m.kind === 'SecretStore').spec.provider.vault };
}

function rawEnvironment(env: string): any {
  return yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8'));
}

function render(docs: Record<string, any>, catalog?: VezaCatalog): RenderedFile[] {
  const environments = Object.entries(docs).map(([env, doc]) => parseEnvironment(doc, `environments/${env}.yaml`));
  return renderApp(new VezaApp({ environments, catalog }), { header: generatedHeader });
}

function file(files: RenderedFile[], p: string): string {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`no file ${p}; have ${files.map((f) => f.path).join(', ')}`);
  return found.content;
}

/** The `path "..."` blocks of an HCL policy, as { path: capabilities }. */
function hclRules(hcl: string): Record<string, string[]> {
  const rules: Record<string, string[]> = {};
  for (const m of hcl.matchAll(/^path "([^"]+)" \{\n {2}capabilities = \[([^\]]*)\]\n\}$/gm)) {
    rules[m[1]] = m[2].split(', ').map((c) => JSON.parse(c));
  }
  return rules;
}

describe('VaultPolicy', () => {
  test('renders each rule as an HCL block, its comment above it', () => {
    const policy = new VaultPolicy({
      name: 'app-read',
      description: 'What the app reads.',
      rules: [
        { path: 'secret/data/app', capabilities: ['read'], comment: 'The values.' },
        { path: 'secret/metadata/app', capabilities: ['read', 'list'] },
      ],
    });
    expect(policy.fileName).toBe('app-read.hcl');
    expect(policy.toHcl()).toBe([
      '# What the app reads.',
      '',
      '# The values.',
      'path "secret/data/app" {',
      '  capabilities = ["read"]',
      '}',
      '',
      'path "secret/metadata/app" {',
      '  capabilities = ["read", "list"]',
      '}',
      '',
    ].join('\n'));
  });

  test.each([
    [{ name: 'App', rules: [{ path: 'a', capabilities: ['read'] }] }, "VaultPolicy: 'name' must be lower-case letters, digits, '-' and '_'. The value passed is: \"App\""],
    [{ name: 'app', rules: [] }, "VaultPolicy app: 'rules' is empty; a policy must grant something."],
    [{ name: 'app', rules: [{ path: 'secret/data/*', capabilities: ['read'] }] }, "VaultPolicy app: 'rules[].path' must be an exact Vault path (segments of letters, digits, '_', '.' and '-'; no globs). The value passed is: \"secret/data/*\""],
    [{ name: 'app', rules: [{ path: 'secret/data/+/x', capabilities: ['read'] }] }, "VaultPolicy app: 'rules[].path' must be an exact Vault path (segments of letters, digits, '_', '.' and '-'; no globs). The value passed is: \"secret/data/+/x\""],
    [{ name: 'app', rules: [{ path: 'a', capabilities: ['read'] }, { path: 'a', capabilities: ['list'] }] }, 'VaultPolicy app: the path "a" appears twice in \'rules\'.'],
    [{ name: 'app', rules: [{ path: 'a', capabilities: [] }] }, "VaultPolicy app: 'rules[].capabilities' of \"a\" is empty."],
  ])('rejects %j', (props, message) => {
    expect(() => new VaultPolicy(props as any)).toThrow(message);
  });
});

describe('VaultKubernetesAuthIntegration', () => {
  test('defaults: a token reviewer bound to system:auth-delegator, its token, the store\'s read policy and role', () => {
    const { integration, manifests } = build();
    expect(manifests.filter((m) => m.metadata.name !== 'vault-store' && m.metadata.name !== 'vault-store-auth')).toEqual([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault-token-reviewer', namespace: 'veza-production' }, automountServiceAccountToken: false },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'veza-production-vault-token-reviewer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: 'vault-token-reviewer', namespace: 'veza-production' }],
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'vault-token-reviewer-token', namespace: 'veza-production', annotations: { 'kubernetes.io/service-account.name': 'vault-token-reviewer' } },
        type: 'kubernetes.io/service-account-token',
      },
    ]);
    expect(integration.namespace).toBe('veza-production');
    expect(integration.authMountPath).toBe('kubernetes');
    expect(integration.readPolicy.name).toBe('veza-production-read');
    expect(integration.readPolicy.rules.map((r) => [r.path, r.capabilities])).toEqual([
      ['secret/data/veza/production', ['read']],
    ]);
    expect(integration.roles).toEqual([{
      name: 'veza-production',
      serviceAccountName: 'vault-store-auth',
      namespace: 'veza-production',
      audience: 'vault',
      policies: [integration.readPolicy],
      tokenTtl: Duration.hours(1),
    }]);
    // No rotation granted: no Vault role for one.
    expect(integration.rotationGrants).toEqual([]);
    expect(integration.database).toBeUndefined();
    expect(integration.policies).toEqual([integration.readPolicy]);
    const script = integration.configureScript();
    expect(script).toContain("kubernetes_host=${KUBERNETES_HOST:-$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')}");
    expect(script).not.toContain('database');
    expect(script).toContain(': "${VAULT_ADDR:=https://vault.example:8200}"');
  });

  test('the ClusterRoleBinding binds exactly the reviewer, and the reviewer nothing else', () => {
    const { integration, manifests } = build();
    const bindings = manifests.filter((m) => m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: integration.reviewer.name, namespace: 'veza-production' }]);
    expect(bindings[0].roleRef.name).toBe('system:auth-delegator');
    expect(integration.reviewerBinding.subjects).toEqual([integration.reviewer]);
    expect(manifests.find((m) => m.kind === 'Secret')).not.toHaveProperty('data');
    expect(manifests.find((m) => m.kind === 'Secret')).not.toHaveProperty('stringData');
  });

  test('reviewerName, clusterRoleBindingName, tokenTtl and kubernetesHost', () => {
    const { integration, manifests } = build({}, { reviewerName: 'reviewer', clusterRoleBindingName: 'prod-reviewer', tokenTtl: Duration.minutes(20), kubernetesHost: 'https://kubernetes.default.svc' });
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(expect.arrayContaining(['ServiceAccount/reviewer', 'ClusterRoleBinding/prod-reviewer', 'Secret/reviewer-token']));
    expect(manifests.find((m) => m.kind === 'Secret').metadata.annotations).toEqual({ 'kubernetes.io/service-account.name': 'reviewer' });
    expect(integration.roles[0].tokenTtl.toMinutes()).toBe(20);
    const script = integration.configureScript();
    expect(script).toContain('kubernetes_host=${KUBERNETES_HOST:-https://kubernetes.default.svc}');
    expect(script).toContain("kubectl get secret reviewer-token --namespace veza-production -o jsonpath='{.data.token}'");
    expect(script).toContain('  token_ttl=20m');
  });

  const DATABASE = { host: 'pg.example', database: 'veza', username: 'vault', staticUsername: 'veza', rotationPeriod: Duration.days(210) };

  test('grantRotation (generate): role <role>-rotation-<name>, the store\'s audience, a 15-minute token, a policy of exactly the class\'s own KV secret', () => {
    const { chart, integration } = build();
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'rotation-sa', 'secrets-rotation', { namespaceName: 'veza-production' });
    const grant = integration.grantRotation(sa, { method: RotationMethod.GENERATE, name: 'signing-secret' });
    expect(grant.policy.name).toBe('veza-production-rotation-signing-secret');
    expect(grant.policy.rules.map((r) => [r.path, r.capabilities])).toEqual([
      ['secret/data/veza/production/signing-secret', ['create', 'read', 'update']],
      ['secret/metadata/veza/production/signing-secret', ['read', 'patch']],
    ]);
    expect(grant).toMatchObject({ authMountPath: 'kubernetes', kvMount: 'secret', kvPath: 'veza/production/signing-secret' });
    expect(grant.role).toEqual({
      name: 'veza-production-rotation-signing-secret',
      serviceAccountName: 'secrets-rotation',
      namespace: 'veza-production',
      audience: 'vault',
      policies: [grant.policy],
      tokenTtl: Duration.minutes(15),
    });
    expect(integration.roles[1]).toBe(grant.role);
    // The store reads the class's own secret too (the ExternalSecret does), read only.
    expect(integration.readPolicy.rules.map((r) => [r.path, r.capabilities])).toContainEqual(['secret/data/veza/production/signing-secret', ['read']]);
    expect(integration.policies.map((p) => p.name)).toEqual(['veza-production-read', 'veza-production-rotation-signing-secret']);
    // Nothing of the store's own secret, where the other keys live.
    expect(grant.policy.rules.map((r) => r.path).filter((p) => p.endsWith('/veza/production'))).toEqual([]);
  });

  test('grantRotation (database-engine): read the static role, update rotate-role; a second grant to the same service account adds a policy to its role', () => {
    const { chart, integration } = build({}, { database: DATABASE });
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'rotation-sa', 'secrets-rotation', { namespaceName: 'veza-production' });
    const signing = integration.grantRotation(sa, { method: RotationMethod.GENERATE, name: 'signing-secret' });
    const db = integration.grantRotation(sa, { method: RotationMethod.DATABASE_ENGINE, name: 'database-credential' });
    expect(db.policy.rules.map((r) => [r.path, r.capabilities])).toEqual([
      ['database/static-roles/veza-production-app', ['read']],
      ['database/rotate-role/veza-production-app', ['update']],
    ]);
    expect(db).toMatchObject({ databaseMount: 'database', staticRoleName: 'veza-production-app' });
    expect(db.role).toBe(signing.role);
    expect(db.role.policies).toEqual([signing.policy, db.policy]);
    expect(integration.roles).toHaveLength(2);
    expect(integration.configureScript()).toContain('token_policies=veza-production-rotation-signing-secret,veza-production-rotation-database-credential');
  });

  test('retireRole: the script deletes each retired role (once) after writing the current ones; retiring a current role fails validation', () => {
    const { integration } = build();
    integration.retireRole('veza-production-rotation');
    integration.retireRole('veza-production-rotation');
    expect(integration.retiredRoles).toEqual(['veza-production-rotation']);
    const script = integration.configureScript();
    expect(script.match(/^vault delete .*$/gm)).toEqual(['vault delete auth/kubernetes/role/veza-production-rotation']);
    expect(script.indexOf('vault delete')).toBeGreaterThan(script.lastIndexOf('vault write auth/kubernetes/role/'));
    // The header says what the operator's token needs besides writing.
    expect(script).toContain('\n# The token also deletes the roles this setup no longer has: auth/kubernetes/role/veza-production-rotation.\n');
    expect(integration.node.validate()).toEqual([]);
    integration.retireRole('veza-production');
    expect(integration.node.validate()).toEqual(['[veza-production/vault-integration]: retireRole("veza-production") names a role the integration defines; the script would delete it after writing it. Retire only roles it no longer has.']);
    expect(() => integration.retireRole('a/b')).toThrow(/'retireRole'/);
  });

  test('a rotation role named by default retires the default of earlier versions, <store role>-rotation; roles all named by the caller do not', () => {
    const byDefault = build();
    byDefault.integration.grantRotation(kplus.ServiceAccount.fromServiceAccountName(byDefault.chart, 'sa', 'rotator', { namespaceName: 'veza-production' }), { method: RotationMethod.GENERATE, name: 'signing' });
    expect(byDefault.integration.retiredRoles).toEqual(['veza-production-rotation']);
    expect(byDefault.integration.configureScript()).toContain('\nvault delete auth/kubernetes/role/veza-production-rotation\n');
    const named = build();
    named.integration.grantRotation(kplus.ServiceAccount.fromServiceAccountName(named.chart, 'sa', 'rotator', { namespaceName: 'veza-production' }), { method: RotationMethod.GENERATE, name: 'signing', role: 'veza-production-rotation' });
    expect(named.integration.retiredRoles).toEqual([]);
    expect(named.integration.configureScript()).not.toContain('vault delete');
  });

  test('no retired role, no delete', () => {
    const script = build().integration.configureScript();
    expect(script).not.toContain('vault delete');
    expect(script).not.toContain('The token also deletes');
  });

  test('grantRotation: role, audience and tokenTtl', () => {
    const { chart, integration } = build();
    const sa = new kplus.ServiceAccount(chart, 'rotation-sa', { metadata: { name: 'rotator' } });
    const grant = integration.grantRotation(sa, { method: RotationMethod.GENERATE, name: 'signing', role: 'rotator', audience: 'rotation', tokenTtl: Duration.minutes(5) });
    expect(integration.roles[1]).toMatchObject({ name: 'rotator', serviceAccountName: 'rotator', namespace: 'veza-production', audience: 'rotation', tokenTtl: Duration.minutes(5) });
    expect(grant.policy.name).toBe('veza-production-rotation-signing');
  });

  test.each<[string, (i: VaultKubernetesAuthIntegration, c: Chart) => unknown, string]>([
    ['an account of another namespace', (i, c) => i.grantRotation(kplus.ServiceAccount.fromServiceAccountName(c, 'r', 'r', { namespaceName: 'other' }), { method: RotationMethod.GENERATE, name: 'signing' }),
      "[veza-production/vault-integration]: 'serviceAccount' of grantRotation must be in the store's namespace \"veza-production\". The value passed is in: \"other\""],
    ['a role equal to the store\'s', (i, c) => i.grantRotation(kplus.ServiceAccount.fromServiceAccountName(c, 'r', 'r', { namespaceName: 'veza-production' }), { method: RotationMethod.GENERATE, name: 'signing', role: 'veza-production' }),
      "[veza-production/vault-integration]: the Vault role \"veza-production\" is already taken; 'role' of grantRotation must differ."],
    ['the same rotation twice', (i, c) => {
      const sa = kplus.ServiceAccount.fromServiceAccountName(c, 'r', 'r', { namespaceName: 'veza-production' });
      i.grantRotation(sa, { method: RotationMethod.GENERATE, name: 'signing' });
      i.grantRotation(sa, { method: RotationMethod.GENERATE, name: 'signing' });
    }, '[veza-production/vault-integration]: the rotation "signing" is already granted (policy veza-production-rotation-signing).'],
    ['a database rotation without database', (i, c) => i.grantRotation(kplus.ServiceAccount.fromServiceAccountName(c, 'r', 'r', { namespaceName: 'veza-production' }), { method: RotationMethod.DATABASE_ENGINE, name: 'db' }),
      "[veza-production/vault-integration]: grantRotation of db (database-engine) needs 'database' set on the integration."],
    ['a name that is not one path segment', (i, c) => i.grantRotation(kplus.ServiceAccount.fromServiceAccountName(c, 'r', 'r', { namespaceName: 'veza-production' }), { method: RotationMethod.GENERATE, name: 'a/b' }),
      "[veza-production/vault-integration]: 'name' must be one Vault path segment (letters, digits, '_', '.' and '-'). The value passed is: \"a/b\""],
  ])('grantRotation rejects %s', (_what, grant, message) => {
    const { chart, integration } = build();
    expect(() => grant(integration, chart)).toThrow(new Error(message));
  });

  test('database: defaults', () => {
    const { integration } = build({}, { database: { host: 'pg.example', database: 'veza', username: 'vault', staticUsername: 'veza', rotationPeriod: Duration.days(180) } });
    expect(integration.database).toEqual({
      mount: 'database',
      connectionName: 'veza-production',
      staticRoleName: 'veza-production-app',
      host: 'pg.example',
      port: 5432,
      database: 'veza',
      username: 'vault',
      staticUsername: 'veza',
      rotationPeriod: Duration.days(180),
      passwordVariable: 'VAULT_DB_PASSWORD',
      appPasswordVariable: 'VAULT_APP_DB_PASSWORD',
      staticCredentialsPath: 'database/static-creds/veza-production-app',
    });
    // The store reads the static role's current credentials, read only; nothing else of the engine.
    expect(integration.readPolicy.rules.map((r) => [r.path, r.capabilities])).toEqual([
      ['secret/data/veza/production', ['read']],
      ['database/static-creds/veza-production-app', ['read']],
    ]);
    expect(integration.readPolicy.description).toBe('Read-only access of the SecretStore vault-store (namespace veza-production) to secret/veza/production and database/static-creds/veza-production-app, and nothing else.');
    const script = integration.configureScript();
    expect(script).toContain("connection_url='postgresql://{{username}}:{{password}}@pg.example:5432/veza'");
    expect(script).toContain('rotation_period=4320h');
    expect(script).toContain('  : "${VAULT_DB_PASSWORD:?set VAULT_DB_PASSWORD to the password of the database login vault (database/config/veza-production is written: it does not exist yet, or RECONFIGURE_DATABASE=1)}"');
    expect(script).toContain('printf \'%s\' "$VAULT_APP_DB_PASSWORD" | vault write database/static-roles/veza-production-app \\');
  });

  test('database: every option', () => {
    const { integration } = build({}, {
      database: {
        host: 'pg.example', port: 6432, database: 'app', username: 'admin', staticUsername: 'app_user', rotationPeriod: Duration.days(30),
        connectionName: 'pg', staticRoleName: 'pg-app', mount: 'db', passwordVariable: 'PG_ADMIN_PASSWORD', appPasswordVariable: 'PG_APP_PASSWORD',
      },
    });
    const script = integration.configureScript();
    expect(script).toContain('  printf \'%s\' "$PG_ADMIN_PASSWORD" | vault write db/config/pg \\');
    expect(script).toContain('  printf \'%s\' "$PG_APP_PASSWORD" | vault write db/static-roles/pg-app \\');
    expect(script).toContain("connection_url='postgresql://{{username}}:{{password}}@pg.example:6432/app'");
    expect(script).toContain('  vault write db/static-roles/pg-app \\\n    db_name=pg \\\n    username=app_user \\\n    rotation_period=720h');
    expect(script).toContain('  vault secrets enable -path=db database');
    expect(integration.database!.staticCredentialsPath).toBe('db/static-creds/pg-app');
    expect(integration.readPolicy.rules.map((r) => r.path)).toContain('db/static-creds/pg-app');
  });

  test.each<[string, VaultAuth, string, string | undefined]>([
    ['kubernetes', VaultAuth.kubernetes(), 'kubernetes', 'kubernetes'],
    ['jwt', VaultAuth.jwt({ role: 'r' }), 'jwt', 'jwt'],
    ['appRole', VaultAuth.appRole({ roleId: 'id', secretId: { name: 's', key: 'k' } }), 'appRole', 'approle'],
    ['token', VaultAuth.token({ token: { name: 's', key: 'k' } }), 'token', undefined],
  ])('VaultSecretStore tells its auth method (%s), auth mount and KV version', (_name, auth, method, mountPath) => {
    const chart = new Chart(Testing.app(), 'ns', { namespace: 'ns' });
    const store = new VaultSecretStore(chart, 's', { server: 'https://v.example', path: 'p', auth });
    expect([store.authMethod, store.authMountPath, store.kvVersion]).toEqual([method, mountPath, 'v2']);
  });

  // No drift: each value the store is built from reaches the store's manifest and the Vault side.
  test.each<[string, Partial<VaultSecretStoreProps>, (s: ReturnType<typeof build>) => void]>([
    ['path', { path: 'veza/elsewhere' }, ({ store, integration }) => {
      expect(store.remoteRef('jwt-secret').key).toBe('veza/elsewhere');
      expect(integration.readPolicy.rules.map((r) => r.path)).toEqual(['secret/data/veza/elsewhere']);
    }],
    ['mount', { mount: 'kv' }, ({ storeSpec, integration }) => {
      expect(storeSpec.path).toBe('kv');
      expect(integration.readPolicy.rules.map((r) => r.path)).toEqual(['kv/data/veza/production']);
      expect(integration.configureScript()).toContain('  vault secrets enable -path=kv kv-v2');
    }],
    ['role', { auth: VaultAuth.kubernetes({ role: 'veza-prod' }) }, ({ storeSpec, integration }) => {
      expect(storeSpec.auth.kubernetes.role).toBe('veza-prod');
      expect(integration.roles[0].name).toBe('veza-prod');
      expect(integration.readPolicy.name).toBe('veza-prod-read');
      expect(integration.configureScript()).toContain('vault write auth/kubernetes/role/veza-prod \\\n  bound_service_account_names=vault-store-auth \\\n  bound_service_account_namespaces=veza-production \\\n  audience=vault \\\n  token_policies=veza-prod-read \\\n  token_ttl=1h');
    }],
    ['audience', { auth: VaultAuth.kubernetes({ audience: 'vault.veza.internal' }) }, ({ storeSpec, integration }) => {
      expect(storeSpec.auth.kubernetes.serviceAccountRef.audiences).toEqual(['vault.veza.internal']);
      expect(integration.roles[0].audience).toBe('vault.veza.internal');
      expect(integration.configureScript()).toContain('  audience=vault.veza.internal \\');
    }],
    ['auth mount', { auth: VaultAuth.kubernetes({ mountPath: 'kubernetes-production' }) }, ({ storeSpec, integration }) => {
      expect(storeSpec.auth.kubernetes.mountPath).toBe('kubernetes-production');
      const script = integration.configureScript();
      expect(script).toContain('  vault auth enable -path=kubernetes-production kubernetes');
      expect(script).toContain('vault write auth/kubernetes-production/config ');
      expect(script).toContain('vault write auth/kubernetes-production/role/veza-production \\');
    }],
    ['name', { name: 'vault-backend' }, ({ storeSpec, integration }) => {
      expect(storeSpec.auth.kubernetes.serviceAccountRef.name).toBe('vault-backend-auth');
      expect(integration.roles[0].serviceAccountName).toBe('vault-backend-auth');
    }],
  ])('changing the store\'s %s changes both sides', (_name, storeProps, check) => {
    check(build(storeProps));
  });

  test.each<[string, (chart: Chart) => VaultKubernetesAuthIntegrationProps, string]>([
    ['jwt auth', (c) => ({ store: new VaultSecretStore(c, 's', { server: 'https://v.example', path: 'p', auth: VaultAuth.jwt({ role: 'r' }) }) }),
      "[ns/integration]: 'store' must log in with VaultAuth.kubernetes(); ns/s uses jwt auth."],
    ['KV v1', (c) => ({ store: new VaultSecretStore(c, 's', { server: 'https://v.example', path: 'p', kvVersion: 'v1' }) }),
      "[ns/integration]: 'store' must read a KV v2 engine (the policies name its data/ and metadata/ paths); ns/s reads KV v1."],
    ['a ClusterSecretStore', (c) => ({ store: new VaultSecretStore(c, 's', { server: 'https://v.example', path: 'p', clusterWide: true, auth: VaultAuth.kubernetes({ role: 'r', serviceAccount: kplus.ServiceAccount.fromServiceAccountName(c, 'sa', 'sa', { namespaceName: 'ns' }) }) }) }),
      "[ns/integration]: 'store' must be a namespaced SecretStore; ns/s is a ClusterSecretStore, whose role would be bound to no namespace."],
    ['a store of another namespace', (c) => ({ store: new VaultSecretStore(new Chart(c.node.root, 'other', { namespace: 'other' }), 's', { server: 'https://v.example', path: 'p' }) }),
      '[ns/integration]: must be in a chart of the store\'s namespace "other" (the reviewer lives next to the store); its chart\'s namespace is "ns".'],
    ['a bad reviewerName', (c) => ({ store: new VaultSecretStore(c, 's', { server: 'https://v.example', path: 'p' }), reviewerName: 'Reviewer' }),
      "[ns/integration]: 'reviewerName' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: \"Reviewer\""],
    ['an http kubernetesHost', (c) => ({ store: new VaultSecretStore(c, 's', { server: 'https://v.example', path: 'p' }), kubernetesHost: 'http://k8s' }),
      "[ns/integration]: 'kubernetesHost' must be an https:// URL such as https://kubernetes.default.svc. The value passed is: \"http://k8s\""],
  ])('rejects %s', (_name, props, message) => {
    const app = Testing.app();
    const chart = new Chart(app, 'ns', { namespace: 'ns' });
    expect(() => new VaultKubernetesAuthIntegration(chart, 'integration', props(chart))).toThrow(message);
  });

  const DB = { host: 'pg.example', database: 'veza', username: 'vault', staticUsername: 'veza', rotationPeriod: Duration.days(180) };
  test.each<[Record<string, unknown>, string]>([
    [{ port: 0 }, "[veza-production/vault-integration]: 'database.port' must be a whole number from 1 to 65535. The value passed is: 0"],
    [{ passwordVariable: 'db-password' }, "[veza-production/vault-integration]: 'database.passwordVariable' must be an environment variable name (upper-case letters, digits and '_'). The value passed is: \"db-password\""],
    [{ database: 'Veza' }, "[veza-production/vault-integration]: 'database.database' must be a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters). The value passed is: \"Veza\""],
    [{ username: 'va ult' }, "[veza-production/vault-integration]: 'database.username' must be a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters). The value passed is: \"va ult\""],
    [{ staticUsername: "x'y" }, "[veza-production/vault-integration]: 'database.staticUsername' must be a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters). The value passed is: \"x'y\""],
    [{ rotationPeriod: Duration.hours(1) }, "[veza-production/vault-integration]: 'database.rotationPeriod' must be at least 24 hours. The value passed is: 1h"],
    [{ host: 'pg.example:5432' }, "[veza-production/vault-integration]: 'database.host' must be a host name such as postgres.example.internal. The value passed is: \"pg.example:5432\""],
    [{ mount: 'a/b' }, "[veza-production/vault-integration]: 'database.mount' must be one Vault path segment (letters, digits, '_', '.' and '-'). The value passed is: \"a/b\""],
  ])('rejects database %j', (change, message) => {
    expect(() => build({}, { database: { ...DB, ...change } as any })).toThrow(message);
  });
});

describe('Veza: dist/<env>/vault-integration.yaml and dist/<env>/vault/', () => {
  const files = render(Object.fromEntries(ENVS.map((env) => [env, rawEnvironment(env)])));

  test.each(ENVS)('%s: the read policy grants read on exactly the paths ESO GETs for veza-secrets, nothing of metadata/', (env) => {
    const hcl = file(files, `${env}/vault/veza-${env}-read.hcl`);
    // What ESO's Vault provider reads: for each data[].remoteRef (no metadataPolicy Fetch, no
    // dataFrom.find) a GET of <mount>/data/<key> (KV v2); for the VaultDynamicSecret, its path.
    const docs = yaml.loadAll(file(files, `${env}/external-secrets/veza-secrets.yaml`)) as any[];
    const es = docs.find((o) => o.kind === 'ExternalSecret');
    const store = (yaml.loadAll(file(files, `${env}/secret-stores/vault-store.yaml`)) as any[]).find((d) => d.kind === 'SecretStore').spec.provider.vault;
    expect(es.spec.data.every((d: any) => d.remoteRef.metadataPolicy === undefined)).toBe(true);
    expect(es.spec.dataFrom.every((d: any) => d.find === undefined && d.extract === undefined)).toBe(true);
    const reads = [...new Set(es.spec.data.map((d: any) => `${store.path}/data/${d.remoteRef.key}`)), ...docs.filter((o) => o.kind === 'VaultDynamicSecret').map((g) => g.spec.path)];
    expect(hclRules(hcl)).toEqual(Object.fromEntries(reads.map((p) => [p, ['read']])));
    expect(hclRules(hcl)).toEqual({
      [`secret/data/veza/${env}`]: ['read'],
      // The generator of veza-secrets reads the app login's current credentials.
      [`database/static-creds/veza-${env}-app`]: ['read'],
      // The generated keys and their previous values, in their class's own secret.
      [`secret/data/veza/${env}/signing-secret`]: ['read'],
    });
    const generator = (yaml.loadAll(file(files, `${env}/external-secrets/veza-secrets.yaml`)) as any[]).find((o) => o.kind === 'VaultDynamicSecret');
    expect(generator.spec.path).toBe(`database/static-creds/veza-${env}-app`);
    expect(file(files, `${env}/vault/configure-vault.sh`)).toContain(`vault write database/static-roles/veza-${env}-app \\\n`);
    // issue 10.9: the rotation policies never read the environment's secret, where Stripe, SMTP and S3 live.
    const rotation = Object.fromEntries(files.filter((f) => f.path.startsWith(`${env}/vault/veza-${env}-rotation-`)).map((f) => [f.path, hclRules(f.content)]));
    expect(rotation).toEqual({
      [`${env}/vault/veza-${env}-rotation-signing-secret.hcl`]: {
        [`secret/data/veza/${env}/signing-secret`]: ['create', 'read', 'update'],
        [`secret/metadata/veza/${env}/signing-secret`]: ['read', 'patch'],
      },
      [`${env}/vault/veza-${env}-rotation-database-credential.hcl`]: {
        [`database/static-roles/veza-${env}-app`]: ['read'],
        [`database/rotate-role/veza-${env}-app`]: ['update'],
      },
    });
    for (const f of files.filter((x) => x.path.startsWith(`${env}/vault/`) || x.path === `${env}/vault-integration.yaml`)) {
      // Comments may name the environments sharing the auth mount; nothing else may.
      const code = f.content.split('\n').filter((line) => !line.startsWith('#')).join('\n');
      for (const other of ENVS.filter((o) => o !== env)) expect(code).not.toContain(other);
      expect(code).not.toMatch(/path "[^"]*[*+]/);
    }
  });

  test.each(ENVS)('%s: the roles are bound to exactly the store\'s service account, namespace and audience', (env) => {
    const store = (yaml.loadAll(file(files, `${env}/secret-stores/vault-store.yaml`)) as any[]).find((d) => d.kind === 'SecretStore');
    const k8s = store.spec.provider.vault.auth.kubernetes;
    const script = file(files, `${env}/vault/configure-vault.sh`);
    expect(script).toContain([
      `vault write auth/${k8s.mountPath}/role/${k8s.role}`,
      `  bound_service_account_names=${k8s.serviceAccountRef.name}`,
      `  bound_service_account_namespaces=${store.metadata.namespace}`,
      `  audience=${k8s.serviceAccountRef.audiences[0]}`,
      `  token_policies=veza-${env}-read`,
      '  token_ttl=1h',
    ].join(' \\\n'));
    // Each rotation job logs in as its own role, bound to its own service account, with only its class's policy.
    const jobs = (yaml.loadAll(file(files, `${env}/secrets-rotation.yaml`)) as any[]).filter((d) => d.kind === 'CronJob');
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const pod = job.spec.jobTemplate.spec.template.spec;
      const envOf = (name: string) => pod.containers[0].env.find((e: any) => e.name === name).value;
      expect(script).toContain([
        `vault write auth/${envOf('ROTATION_VAULT_AUTH_MOUNT')}/role/${envOf('ROTATION_VAULT_ROLE')}`,
        `  bound_service_account_names=${pod.serviceAccountName}`,
        `  bound_service_account_namespaces=veza-${env}`,
        '  audience=vault',
        `  token_policies=veza-${env}-rotation-${envOf('ROTATION_CLASS')}`,
        '  token_ttl=1h',
      ].join(' \\\n'));
    }
    expect(new Set(jobs.map((j) => j.spec.jobTemplate.spec.template.spec.serviceAccountName)).size).toBe(jobs.length);
    expect(script.match(/vault write auth\/kubernetes\/role\//g)).toHaveLength(1 + jobs.length);
  });

  test.each(ENVS)('%s: vault-integration.yaml is applied with the store; its binding is named after the namespace', (env) => {
    expect(yaml.load(file(files, `${env}/kustomization.yaml`))).toMatchObject({ resources: expect.arrayContaining(['vault-integration.yaml']) });
    const docs = yaml.loadAll(file(files, `${env}/vault-integration.yaml`)) as any[];
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ServiceAccount/vault-token-reviewer', `ClusterRoleBinding/veza-${env}-vault-token-reviewer`, 'Secret/vault-token-reviewer-token']);
    expect(docs[1].subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'vault-token-reviewer', namespace: `veza-${env}` }]);
    expect(files.find((f) => f.path === `${env}/vault/configure-vault.sh`)!.executable).toBe(true);
  });

  test('a script names the other environments configuring the same auth mount of the same Vault', () => {
    const note = (env: string) => file(files, `${env}/vault/configure-vault.sh`).split('\n').filter((l) => l.startsWith('# The mount '));
    expect(note('production')).toEqual(['# The mount kubernetes/ of this Vault is also configured by the script of veza-staging (reviewer vault-token-reviewer).']);
    expect(note('staging')).toEqual(['# The mount kubernetes/ of this Vault is also configured by the script of veza-production (reviewer vault-token-reviewer).']);
    // development has a Vault of its own.
    expect(note('development')).toEqual([]);
    const own = rawEnvironment('production');
    own.providers.vault.auth.mountPath = 'kubernetes-production';
    const separate = render({ staging: rawEnvironment('staging'), production: own });
    expect(file(separate, 'production/vault/configure-vault.sh')).not.toContain('# The mount ');
    expect(file(separate, 'production/vault/configure-vault.sh')).toContain('vault write auth/kubernetes-production/role/veza-production \\\n');
    expect(file(separate, 'production/secret-stores/vault-store.yaml')).toContain('mountPath: kubernetes-production\n');
  });

  test('Vault\'s rotation period is a backstop: the catalog\'s database-engine interval plus 30 days', () => {
    expect(file(files, 'production/vault/configure-vault.sh')).toContain('    rotation_period=5040h\n');
    const monthly = SecretCatalog.define({
      services: ['veza-backend-api', 'veza-stream-server'],
      secrets: {
        'database-url': { description: 'd', placeholder: 'p', consumers: ['veza-backend-api'], rotation: { name: 'db', method: RotationMethod.DATABASE_ENGINE, interval: Duration.days(30), description: 'd' } },
      },
    }) as unknown as VezaCatalog;
    expect(file(render({ production: rawEnvironment('production') }, monthly), 'production/vault/configure-vault.sh')).toContain('    rotation_period=1440h\n');
    const manualOnly = SecretCatalog.define({
      services: ['veza-backend-api', 'veza-stream-server'],
      secrets: { 'stripe-api-key': { description: 'd', placeholder: 'p', consumers: ['veza-backend-api'], rotation: { name: 'manual', method: RotationMethod.MANUAL, description: 'd' } } },
    }) as unknown as VezaCatalog;
    const script = file(render({ production: rawEnvironment('production') }, manualOnly), 'production/vault/configure-vault.sh');
    expect(script).not.toContain('database');
    expect(script).not.toContain('VAULT_DB_PASSWORD');
    expect(VEZA_CATALOG.rotationClasses.find((c) => c.method === RotationMethod.DATABASE_ENGINE)!.interval!.toHours()).toBe(4320);
  });

  test('another active provider: the Vault integration goes to alternatives/<env>/, applied by nobody', () => {
    const out = render({ staging: { ...rawEnvironment('staging'), provider: 'aws' } });
    expect(out.map((f) => f.path).filter((p) => p.includes('vault'))).toEqual([
      'alternatives/staging/secret-stores/vault-store.yaml',
      'alternatives/staging/vault-integration.yaml',
      'alternatives/staging/vault/configure-vault.sh',
      'alternatives/staging/vault/veza-staging-read.hcl',
    ]);
    // No rotation runs there: Vault grants no rotation role.
    expect(file(out, 'alternatives/staging/vault/configure-vault.sh').match(/vault write auth\/kubernetes\/role\/[^ ]+/g)).toEqual(['vault write auth/kubernetes/role/veza-staging']);
    expect(file(out, 'staging/kustomization.yaml')).not.toContain('vault');
  });

  test('a Vault store that does not use Kubernetes auth gets no integration', () => {
    const doc = rawEnvironment('staging');
    doc.providers.vault.auth = { method: 'token', token: { name: 'vault-token', key: 'token' } };
    expect(render({ staging: doc }).map((f) => f.path).filter((p) => p.includes('vault-integration') || p.includes('/vault/'))).toEqual([]);
  });

  test('providers.vault.database: placeholder defaults, and every field', () => {
    const bare = rawEnvironment('production');
    delete bare.providers.vault.database;
    const production = parseEnvironment(bare, 'environments/production.yaml');
    expect(production.providers.vault.database).toEqual({ host: 'veza-production-postgres.replace-me.invalid', appHost: 'veza-production-postgres.replace-me.invalid', port: 5432, name: 'veza', username: 'vault', appUsername: 'veza' });
    const hostOnly = rawEnvironment('production');
    hostOnly.providers.vault.database = { host: 'pg.veza.internal' };
    expect(parseEnvironment(hostOnly, 'environments/production.yaml').providers.vault.database.appHost).toBe('pg.veza.internal');
    const doc = rawEnvironment('production');
    doc.providers.vault.database = { host: 'pg.veza.internal', appHost: 'pg.veza-production.svc.cluster.local', port: 6432, name: 'veza_prod', username: 'vault_admin', appUsername: 'veza_app' };
    const out = render({ production: doc });
    expect(file(out, 'production/vault/configure-vault.sh')).toContain([
      "    connection_url='postgresql://{{username}}:{{password}}@pg.veza.internal:6432/veza_prod' \\",
      '    username=vault_admin \\',
    ].join('\n'));
    expect(file(out, 'production/vault/configure-vault.sh')).toContain('    username=veza_app \\\n    rotation_period=5040h');
    // Vault connects to host; the pods' database-url names appHost, and neither names the other.
    const es = file(out, 'production/external-secrets/veza-secrets.yaml');
    expect(es).toContain('@pg.veza-production.svc.cluster.local:6432/veza_prod?sslmode=require');
    expect(es).not.toContain('pg.veza.internal');
    expect(file(out, 'production/vault/configure-vault.sh')).not.toContain('svc.cluster.local');
  });

  test.each<[Record<string, unknown>, string]>([
    [{ host: 'http://pg' }, "environments/production.yaml: 'providers.vault.database.host' is \"http://pg\"; allowed: a host name such as postgres.veza.internal"],
    [{ port: '5432' }, "environments/production.yaml: 'providers.vault.database.port' is \"5432\"; allowed: a TCP port, a whole number from 1 to 65535"],
    [{ port: 70000 }, "environments/production.yaml: 'providers.vault.database.port' is 70000 (a number); allowed: a TCP port, a whole number from 1 to 65535"],
    [{ name: 'Veza' }, "environments/production.yaml: 'providers.vault.database.name' is \"Veza\"; allowed: a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters)"],
    [{ username: 'va-ult' }, "environments/production.yaml: 'providers.vault.database.username' is \"va-ult\"; allowed: a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters)"],
    [{ appUsername: 1 }, "environments/production.yaml: 'providers.vault.database.appUsername' is 1 (a number); allowed: a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters)"],
    [{ appHost: 'pg_1' }, "environments/production.yaml: 'providers.vault.database.appHost' is \"pg_1\"; allowed: a host name such as postgres.veza-production.svc.cluster.local"],
    [{ host: 'postgres.veza-production.svc.cluster.local' }, "environments/production.yaml: 'providers.vault.database.host' is \"postgres.veza-production.svc.cluster.local\"; allowed: a host name Vault reaches where it runs (its server https://vault.veza.internal:8200 is outside the cluster, where cluster DNS names do not resolve), such as postgres.production.veza.internal; the in-cluster name goes in appHost"],
    [{ host: 'postgres.veza-production.svc' }, "environments/production.yaml: 'providers.vault.database.host' is \"postgres.veza-production.svc\"; allowed: a host name Vault reaches where it runs (its server https://vault.veza.internal:8200 is outside the cluster, where cluster DNS names do not resolve), such as postgres.production.veza.internal; the in-cluster name goes in appHost"],
    [{ host: 'postgres' }, "environments/production.yaml: 'providers.vault.database.host' is \"postgres\"; allowed: a host name Vault reaches where it runs (its server https://vault.veza.internal:8200 is outside the cluster, where cluster DNS names do not resolve), such as postgres.production.veza.internal; the in-cluster name goes in appHost"],
    [{ password: 'x' }, "environments/production.yaml: 'providers.vault.database.password' is not a known field; allowed: host, appHost, port, name, username, appUsername"],
  ])('rejects providers.vault.database %j', (database, message) => {
    const doc = rawEnvironment('production');
    doc.providers.vault.database = database;
    let error: unknown;
    try {
      parseEnvironment(doc, 'environments/production.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).messages).toEqual([message]);
  });
});

describe('gitops.yaml topology cluster-per-environment: an auth mount per environment', () => {
  const environments = () => loadEnvironments(path.join(root, 'environments'));
  const perEnvironment = (names: string[]) => parseGitOps({
    repoUrl: 'https://git.example.com/veza.git',
    revision: 'main',
    topology: 'cluster-per-environment',
    clusters: Object.fromEntries(names.map((n) => [n, `https://${n}.k8s.example:6443`])),
  }, names, 'gitops.yaml');

  test('each environment\'s store, script and rotation job use kubernetes-<env>', () => {
    const envs = environments();
    const out = renderApp(new VezaApp({ environments: envs, gitops: perEnvironment(envs.map((e) => e.name)) }), { header: generatedHeader });
    for (const config of envs) {
      const mount = `kubernetes-${config.name}`;
      const folder = LAYOUT.providerFolder(config.name, 'vault', config.provider);
      const store = (yaml.loadAll(file(out, `${folder}/secret-stores/vault-store.yaml`)) as any[]).find((d) => d.kind === 'SecretStore');
      expect(store.spec.provider.vault.auth.kubernetes.mountPath).toBe(mount);
      const script = file(out, `${folder}/vault/configure-vault.sh`);
      expect(script).toContain(`  vault auth enable -path=${mount} kubernetes\n`);
      expect(script).toContain(`| vault write auth/${mount}/config kubernetes_host=`);
      // The store's role and one per rotation job, all at this environment's mount.
      const roles = script.match(/vault write auth\/[^/]+\/role\//g) ?? [];
      expect(roles.length).toBeGreaterThanOrEqual(2);
      expect(new Set(roles)).toEqual(new Set([`vault write auth/${mount}/role/`]));
      expect(script).not.toContain('# The mount ');
      if (config.provider === 'vault') {
        const jobs = (yaml.loadAll(file(out, `${config.name}/secrets-rotation.yaml`)) as any[]).filter((d) => d.kind === 'CronJob');
        expect(roles).toHaveLength(1 + jobs.length);
        for (const job of jobs) {
          const env = job.spec.jobTemplate.spec.template.spec.containers[0].env;
          expect(env.find((e: any) => e.name === 'ROTATION_VAULT_AUTH_MOUNT').value).toBe(mount);
        }
      }
    }
  });

  test('single-cluster (or no gitops.yaml) keeps the one mount kubernetes', () => {
    const envs = environments();
    const out = renderApp(new VezaApp({ environments: envs }), { header: generatedHeader });
    for (const config of envs) {
      const store = (yaml.loadAll(file(out, `${LAYOUT.providerFolder(config.name, 'vault', config.provider)}/secret-stores/vault-store.yaml`)) as any[]).find((d) => d.kind === 'SecretStore');
      expect(store.spec.provider.vault.auth.kubernetes.mountPath).toBe('kubernetes');
    }
  });

  test('the synth refuses environments of different clusters that name one mount of one Vault', () => {
    const shared = ['staging', 'production'].map((env) => {
      const doc = rawEnvironment(env);
      doc.providers.vault.auth.mountPath = 'kubernetes';
      return parseEnvironment(doc, `environments/${env}.yaml`);
    });
    let error: unknown;
    try {
      renderApp(new VezaApp({ environments: shared, gitops: perEnvironment(['staging', 'production']) }), { header: generatedHeader });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).messages).toEqual([
      '[production/Applied/vault-integration/Resource]: the auth mount kubernetes/ of https://vault.veza.internal:8200 is also the mount of staging/Applied/vault-integration/Resource (cluster staging), but this integration\'s cluster is production: a Kubernetes auth mount reviews the tokens of one cluster (one kubernetes_host, CA and reviewer token); give each cluster its own mount, such as kubernetes-production',
    ]);
    // One cluster: sharing the mount is what single-cluster does.
    expect(() => renderApp(new VezaApp({ environments: shared }), { header: generatedHeader })).not.toThrow();
  });

  test('VaultKubernetesAuthIntegration: cluster defaults to one for all; different clusters on one mount fail validation, once', () => {
    const app = Testing.app();
    const integration = (ns: string, cluster?: string, mountPath?: string) => {
      const chart = new Chart(app, ns, { namespace: ns });
      const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: ns, auth: VaultAuth.kubernetes({ role: ns, mountPath }) });
      return new VaultKubernetesAuthIntegration(chart, 'integration', { store, cluster });
    };
    const a = integration('a', 'one');
    const b = integration('b', 'two');
    const c = integration('c', 'three', 'kubernetes-three');
    const d = integration('d');
    expect(a.cluster).toBe('one');
    expect(d.cluster).toBeUndefined();
    expect(a.node.validate()).toEqual([]);
    expect(b.node.validate()).toEqual(['the auth mount kubernetes/ of https://vault.example:8200 is also the mount of a/integration (cluster one), but this integration\'s cluster is two: a Kubernetes auth mount reviews the tokens of one cluster (one kubernetes_host, CA and reviewer token); give each cluster its own mount, such as kubernetes-two']);
    expect(c.node.validate()).toEqual([]);
    expect(d.node.validate()).toEqual(['the auth mount kubernetes/ of https://vault.example:8200 is also the mount of a/integration (cluster one), but this integration\'s cluster is (default): a Kubernetes auth mount reviews the tokens of one cluster (one kubernetes_host, CA and reviewer token); give each cluster its own mount, such as kubernetes-<cluster>']);
  });
});

test('nothing claims Vault 1.21 requires a role\'s audience (it logs a warning; the requirement was dropped)', () => {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });
  const texts = [...walk(path.join(root, 'lib')), ...walk(path.join(root, 'environments')), ...walk(path.join(root, 'docs')), path.join(root, 'README.md')]
    .filter((f) => /\.(ts|ya?ml|md)$/.test(f));
  const claims = texts.filter((f) => /required (from|by) Vault 1\.21|requires the same audience \(Vault 1\.21/.test(fs.readFileSync(f, 'utf8')));
  expect(claims.map((f) => path.relative(root, f))).toEqual([]);
});

describe('Veza constructs over the Vault store: VezaDatabaseCredentials and VezaVaultIntegration', () => {
  const config = loadEnvironments(path.join(root, 'environments'))[0];
  const engineKeys = VEZA_CATALOG.all.filter((e) => e.rotation.method === RotationMethod.DATABASE_ENGINE && e.rotation.interval !== undefined).map((e) => e.key);

  function storeIn(chart: Chart, auth: VaultAuth = VaultAuth.kubernetes({ role: `veza-${config.name}` })) {
    return new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: `veza/${config.name}`, auth });
  }

  test('VezaDatabaseCredentials: the generator (child Resource) is a source of the ExternalSecret, each engine key a URL over its credentials', () => {
    const chart = new Chart(Testing.app(), 'env', { namespace: config.namespace });
    const store = storeIn(chart);
    const externalSecret = new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }] });
    const credentials = new VezaDatabaseCredentials(chart, 'DatabaseCredentials', { store, externalSecret, catalog: VEZA_CATALOG, database: config.providers.vault.database });
    expect(credentials.keys).toEqual(engineKeys);
    expect(credentials.generator.node.id).toBe('Resource');
    expect(credentials.generator.generatorName).toBe('veza-database-credentials');
    expect(externalSecret.generatorSources).toEqual([credentials.generator]);
    expect(externalSecret.keys.filter((k) => k.template !== undefined).map((k) => k.secretKey)).toEqual(engineKeys);
    const generator = chart.toJson().find((o) => o.kind === 'VaultDynamicSecret');
    expect(generator.metadata.labels).toBeUndefined();
    expect(generator.spec.path).toBe(`database/static-creds/veza-${config.name}-app`);
  });

  test.each<[string, VaultAuth | undefined, VezaCatalog, string]>([
    ['a store without Kubernetes auth', VaultAuth.token({ token: { name: 'vault-token', key: 'token' } }), VEZA_CATALOG,
      "[env/DatabaseCredentials]: 'store' is \"vault-store\", which gives no key of the catalog from Vault's database engine; allowed: a Vault store with Kubernetes auth and a catalog with a DATABASE_ENGINE class that has an interval."],
    ['a catalog without a database engine class', undefined, SecretCatalog.define({ services: ['api'], secrets: { 'jwt-secret': { description: 'JWT', placeholder: 'JWT', consumers: ['api'], rotation: { name: 'by-hand', method: RotationMethod.MANUAL, description: 'by hand' } } } }) as unknown as VezaCatalog,
      "[env/DatabaseCredentials]: 'store' is \"vault-store\", which gives no key of the catalog from Vault's database engine; allowed: a Vault store with Kubernetes auth and a catalog with a DATABASE_ENGINE class that has an interval."],
  ])('VezaDatabaseCredentials refuses %s', (_what, auth, catalog, message) => {
    const chart = new Chart(Testing.app(), 'env', { namespace: config.namespace });
    const store = storeIn(chart, auth);
    const externalSecret = new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }] });
    expect(() => new VezaDatabaseCredentials(chart, 'DatabaseCredentials', { store, externalSecret, catalog, database: config.providers.vault.database })).toThrow(message);
  });

  test('VezaVaultIntegration: the file vault-integration.yaml holding the integration (child Resource), configure-vault.sh, and one HCL file per policy once asked', () => {
    const app = Testing.app();
    const store = storeIn(new ManifestFile(app, 'stores', { path: `${config.name}/stores.yaml`, namespace: config.namespace }));
    const files = new VezaVaultIntegration(app, 'vault-integration', { store, config, catalog: VEZA_CATALOG, cluster: { name: 'veza', dedicated: false } });
    const folder = LAYOUT.providerFolder(config.name, 'vault', config.provider);
    expect(files.path).toBe(`${folder}/${LAYOUT.vaultIntegrationFile}`);
    expect(files.integration.node.id).toBe('Resource');
    expect(files.integration.store).toBe(store);
    const policyFiles = files.addPolicyFiles();
    expect(policyFiles.map((f) => f.path)).toEqual(files.integration.policies.map((p) => `${folder}/${LAYOUT.vaultFolder}/${p.fileName}`));
    const rendered = renderApp(app, { header: generatedHeader });
    expect(file(rendered, `${folder}/${LAYOUT.vaultFolder}/${LAYOUT.vaultScriptFile}`)).toContain(`Generated by veza-secrets from environments/${config.name}.yaml`);
    for (const f of policyFiles) expect(file(rendered, f.path)).toMatch(new RegExp(`^# Generated by veza-secrets from environments/${config.name}\\.yaml: do not edit`));
  });
});
