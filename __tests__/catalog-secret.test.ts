import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnySecretCatalog, AwsSecretStore, PREVIOUS_SUFFIX, CatalogSecret, ExternalSecret, RotationClass, RotationMethod, SecretCatalog, VaultSecretStore } from '../lib';
import { catalogData, envName } from '../lib/eso/catalog-secret';

const SIGNING: RotationClass = { name: 'signing', method: RotationMethod.GENERATE, interval: Duration.days(30), description: 'generated' };
const MANUAL: RotationClass = { name: 'manual', method: RotationMethod.MANUAL, description: 'by hand' };

function catalog(overrides: { apiTokenRemoteName?: string; apiTokenRotation?: RotationClass; reportKeyRemoteName?: string } = {}) {
  return SecretCatalog.define({
    services: ['api', 'worker'] as const,
    secrets: {
      'api-token': { description: 'token', placeholder: 'X', consumers: ['api', 'worker'] as const, rotation: overrides.apiTokenRotation ?? SIGNING, remoteName: overrides.apiTokenRemoteName },
      'db.password': { description: 'db', placeholder: 'X', consumers: ['api'] as const, rotation: MANUAL },
      'report-key': { description: 'reports', placeholder: 'X', consumers: ['worker'] as const, rotation: MANUAL, remoteName: overrides.reportKeyRemoteName },
    },
  });
}
type TestCatalog = ReturnType<typeof catalog>;

function setup(cat: TestCatalog = catalog(), hashAnnotation?: string) {
  const app = new App();
  const chart = new Chart(app, 'team', { namespace: 'team-a' });
  const store = new VaultSecretStore(chart, 'store', { server: 'https://vault.example:8200', path: 'team/a' });
  const secrets = CatalogSecret.create(chart, 'app-secrets', { store, catalog: cat, hashAnnotation });
  return { app, chart, store, secrets };
}

function objects(chart: Chart, kind: string): any[] {
  return Testing.synth(chart).filter((o) => o.kind === kind);
}

describe('ExternalSecret.grantRead', () => {
  test('defaults: a secrets-reader Role with get on the target Secret only, bound to the account', () => {
    const { chart, secrets } = setup();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'api' } });
    const grant = secrets.externalSecret.grantRead(sa);
    expect(grant.role.name).toBe('secrets-reader');
    expect(grant.binding.name).toBe('secrets-reader');
    const [role] = objects(chart, 'Role');
    expect(role.metadata).toMatchObject({ name: 'secrets-reader', namespace: 'team-a' });
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['app-secrets'], verbs: ['get'] }]);
    const [binding] = objects(chart, 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets-reader' });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'api', namespace: 'team-a' }]);
  });

  test('later grants add subjects to the same Role and RoleBinding, each account once', () => {
    const { chart, secrets } = setup();
    const api = new kplus.ServiceAccount(chart, 'api', { metadata: { name: 'api' } });
    const worker = new kplus.ServiceAccount(chart, 'worker', { metadata: { name: 'worker' } });
    const first = secrets.externalSecret.grantRead(api);
    const second = secrets.externalSecret.grantRead(worker);
    secrets.externalSecret.grantRead(api);
    expect(second.role).toBe(first.role);
    expect(second.binding).toBe(first.binding);
    expect(objects(chart, 'Role')).toHaveLength(1);
    expect(objects(chart, 'RoleBinding')[0].subjects.map((s: any) => s.name)).toEqual(['api', 'worker']);
  });

  test("'scope' and 'roleName' place and name the Role", () => {
    const { app, secrets } = setup();
    const rbac = new Chart(app, 'rbac', { namespace: 'team-a' });
    const sa = new kplus.ServiceAccount(rbac, 'sa', { metadata: { name: 'api' } });
    const first = secrets.externalSecret.grantRead(sa, { scope: rbac, roleName: 'app-secrets-reader' });
    expect(objects(rbac, 'Role').map((r) => r.metadata.name)).toEqual(['app-secrets-reader']);
    expect(objects(rbac, 'RoleBinding').map((r) => r.metadata.name)).toEqual(['app-secrets-reader']);
    // A later grant without options (another stack's) extends the same Role, where it is.
    const other = new kplus.ServiceAccount(new Chart(app, 'other-stack', { namespace: 'team-a' }), 'sa', { metadata: { name: 'reporter' } });
    expect(secrets.externalSecret.grantRead(other)).toEqual(first);
    expect(objects(rbac, 'RoleBinding')[0].subjects.map((s: any) => s.name)).toEqual(['api', 'reporter']);
  });

  test.each([
    ['a scope in another namespace', (es: ExternalSecret, app: App) => es.grantRead(kplus.ServiceAccount.fromServiceAccountName(app, 'x', 'x', { namespaceName: 'team-a' }), { scope: new Chart(app, 'other', { namespace: 'team-b' }) }),
      "[team/app-secrets]: 'scope' other is in namespace \"team-b\"; the Role reading app-secrets must be in the Secret's namespace \"team-a\"."],
    ['a second grant with another role name', (es: ExternalSecret, app: App) => {
      const sa = kplus.ServiceAccount.fromServiceAccountName(app, 'x', 'x', { namespaceName: 'team-a' });
      es.grantRead(sa);
      es.grantRead(sa, { roleName: 'other' });
    }, "[team/app-secrets]: 'grantRead' options differ from the first grant's (scope team/app-secrets, roleName secrets-reader); one Role reads this Secret, later grants only add subjects. The value passed is: scope team/app-secrets, roleName other"],
    ['a role name that is not a DNS subdomain', (es: ExternalSecret, app: App) => es.grantRead(kplus.ServiceAccount.fromServiceAccountName(app, 'x', 'x'), { roleName: 'Secrets_Reader' }),
      "[team/app-secrets]: 'roleName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"Secrets_Reader\""],
  ])('rejects %s', (_name, act, message) => {
    const { app, secrets } = setup();
    expect(() => act(secrets.externalSecret, app)).toThrow(message);
  });
});

describe('CatalogSecret', () => {
  test('create: the ExternalSecret reads every catalog key under its remote name', () => {
    const { chart } = setup(catalog({ reportKeyRemoteName: 'reports/key' }));
    const [es] = objects(chart, 'ExternalSecret');
    expect(es.metadata.name).toBe('app-secrets');
    expect(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key, d.remoteRef.property])).toEqual([
      // A key whose class keeps a previous value: both from the class's own KV secret.
      ['api-token', 'team/a/signing', 'api-token'], [`api-token${PREVIOUS_SUFFIX}`, 'team/a/signing', `api-token${PREVIOUS_SUFFIX}`],
      ['db.password', 'team/a', 'db.password'], ['report-key', 'team/a', 'reports/key'],
    ]);
  });

  test('catalogData: on a store that is not Vault (or classSecrets false), <key>-previous is read from the same remote as the key', () => {
    const chart = new Chart(new App(), 'team', { namespace: 'team-a' });
    const aws = new AwsSecretStore(chart, 'aws', { region: 'eu-west-3', namePrefix: 'team/' });
    const vault = new VaultSecretStore(chart, 'vault', { server: 'https://vault.example:8200', path: 'team/a' });
    for (const [store, options] of [[aws, {}], [vault, { classSecrets: false }]] as const) {
      const data = catalogData(catalog(), store, options);
      const ref = (k: string) => data.find((d) => d.secretKey === k)!.remoteRef;
      expect(data.map((d) => d.secretKey)).toEqual(['api-token', `api-token${PREVIOUS_SUFFIX}`, 'db.password', 'report-key']);
      expect(ref(`api-token${PREVIOUS_SUFFIX}`)).toEqual(store.remoteRef('api-token'));
      expect(ref('api-token')).toEqual(store.remoteRef('api-token'));
    }
    expect(catalogData(catalog(), vault, { exclude: ['api-token'] }).map((d) => d.secretKey)).toEqual(['db.password', 'report-key']);
  });

  test('hashAnnotation defaults to checksum/secret-<Secret name>', () => {
    expect(setup().secrets.hashAnnotation).toBe('checksum/secret-app-secrets');
    expect(setup(catalog(), 'team.io/secrets-hash').secrets.hashAnnotation).toBe('team.io/secrets-hash');
  });

  test.each([
    ['an ExternalSecret missing a catalog key', (chart: Chart, store: VaultSecretStore) =>
      new CatalogSecret({ catalog: catalog(), externalSecret: new ExternalSecret(chart, 'partial', { store, data: [{ secretKey: 'api-token' }] }) }),
    '[team/partial]: the catalog\'s key "db.password" is not read by this ExternalSecret (it reads api-token); a consumer of it would find no value.'],
    ['an ExternalSecret missing the previous value of a key whose class keeps one', (chart: Chart, store: VaultSecretStore) =>
      new CatalogSecret({ catalog: catalog(), externalSecret: new ExternalSecret(chart, 'no-previous', { store, data: [{ secretKey: 'api-token' }, { secretKey: 'db.password' }, { secretKey: 'report-key' }] }) }),
    '[team/no-previous]: the catalog\'s key "api-token" keeps its previous value (rotation class signing) but this ExternalSecret does not read "api-token-previous"; build its data with catalogData().'],
    ['an ExternalSecret reading a key under another remote name', (chart: Chart, store: VaultSecretStore) =>
      new CatalogSecret({ catalog: catalog(), externalSecret: new ExternalSecret(chart, 'renamed', { store, data: [{ secretKey: 'api-token', remoteName: 'token' }, { secretKey: 'api-token-previous' }, { secretKey: 'db.password' }, { secretKey: 'report-key' }] }) }),
    '[team/renamed]: the catalog\'s key "api-token" has remoteName "api-token" but this ExternalSecret reads it from "token".'],
    ['a hashAnnotation that is not an annotation key', (chart: Chart, store: VaultSecretStore) =>
      CatalogSecret.create(chart, 'bad', { store, catalog: catalog(), hashAnnotation: 'team.io/secrets hash' }),
    "[team/bad]: 'hashAnnotation' must be an annotation key ([prefix/]name, the name at most 63 letters, digits, '-', '_' and '.'). The value passed is: \"team.io/secrets hash\""],
  ])('rejects %s', (_name, act, message) => {
    const { chart, store } = setup();
    expect(() => act(chart, store)).toThrow(message);
  });
});

describe('ServiceSecrets', () => {
  function workload() {
    const s = setup();
    const deployment = new kplus.Deployment(s.chart, 'api', { containers: [{ name: 'api', image: 'example/api:1.0.0' }] });
    return { ...s, deployment, container: deployment.containers[0] };
  }

  test('defaults: every helper with its defaults (snapshot)', () => {
    const { chart, secrets, deployment, container } = workload();
    const api = secrets.forService('api');
    api.addEnvTo(container);
    container.mount('/etc/secrets', api.volume(deployment, 'files'), { readOnly: true });
    api.grantRead(new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'api' }, automountToken: false }));
    api.bindRestart(deployment);
    // Only what the helpers produce: the store's rendering is another test's concern.
    expect(Testing.synth(chart).filter((o) => ['Deployment', 'Role', 'RoleBinding'].includes(o.kind))).toMatchSnapshot();
  });

  test('keys are the service\'s own, in catalog order', () => {
    const { secrets } = setup();
    expect(secrets.forService('api').keys).toEqual(['api-token', 'db.password']);
    expect(secrets.forService('worker').keys).toEqual(['api-token', 'report-key']);
  });

  test('envValue: a secretKeyRef to one key', () => {
    const { chart, secrets, container } = workload();
    container.env.addVariable('TOKEN', secrets.forService('api').envValue('api-token'));
    const [d] = objects(chart, 'Deployment');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'api-token' } } }]);
  });

  test("envFrom and addEnvTo: one variable per key of the service, env-style names, no other service's key", () => {
    const { chart, secrets, container } = workload();
    const api = secrets.forService('api');
    // A key whose class keeps a previous value comes with it (derived from the catalog: api-token is SIGNING).
    expect(api.previousKeys).toEqual(api.keys.filter((k) => catalog().entry(k).rotation.method === RotationMethod.GENERATE));
    expect(Object.keys(api.envFrom({ prefix: 'APP_' }))).toEqual(['APP_API_TOKEN', 'APP_API_TOKEN_PREVIOUS', 'APP_DB_PASSWORD']);
    expect(api.addEnvTo(container)).toEqual(['API_TOKEN', 'API_TOKEN_PREVIOUS', 'DB_PASSWORD']);
    const [d] = objects(chart, 'Deployment');
    const c = d.spec.template.spec.containers[0];
    expect(c.envFrom).toBeUndefined();
    expect(c.env.map((e: any) => [e.name, e.valueFrom.secretKeyRef.key])).toEqual([['API_TOKEN', 'api-token'], ['API_TOKEN_PREVIOUS', 'api-token-previous'], ['DB_PASSWORD', 'db.password']]);
  });

  test('previousEnvValue: the previous value of a key whose class keeps one', () => {
    const { chart, secrets, container } = workload();
    container.env.addVariable('TOKEN_PREVIOUS', secrets.forService('worker').previousEnvValue('api-token'));
    const [d] = objects(chart, 'Deployment');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'TOKEN_PREVIOUS', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'api-token-previous' } } }]);
    const untyped = secrets.forService('api') as unknown as { previousEnvValue(k: string): unknown };
    expect(() => untyped.previousEnvValue('db.password')).toThrow(new Error("[team/app-secrets]: 'key' names \"db.password\", whose rotation class keeps no previous value; allowed: api-token."));
  });

  test('envName', () => {
    expect(envName('jwt-secret')).toBe('JWT_SECRET');
    expect(envName('db.password')).toBe('DB_PASSWORD');
  });

  test('volume: the service\'s keys only, read-only modes by default; options.keys narrows it', () => {
    const { chart, secrets, deployment, container } = workload();
    const worker = secrets.forService('worker');
    container.mount('/etc/secrets', worker.volume(deployment, 'all'), { readOnly: true });
    container.mount('/etc/report', worker.volume(deployment, 'one', { keys: ['report-key'], name: 'report', defaultMode: 0o400 }), { readOnly: true });
    const [d] = objects(chart, 'Deployment');
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'secret-app-secrets', secret: { secretName: 'app-secrets', defaultMode: 0o440, items: [{ key: 'api-token', path: 'api-token' }, { key: 'api-token-previous', path: 'api-token-previous' }, { key: 'report-key', path: 'report-key' }] } },
      { name: 'report', secret: { secretName: 'app-secrets', defaultMode: 0o400, items: [{ key: 'report-key', path: 'report-key' }] } },
    ]);
  });

  test.each([
    ['envValue of a key the service does not hold', (s: CatalogSecret<TestCatalog>) => (s.forService('worker').envValue as (k: string) => unknown)('db.password'),
      "[team/app-secrets]: 'key' names \"db.password\", not a key of worker; allowed: api-token, report-key."],
    ['envFrom of a key the service does not hold', (s: CatalogSecret<TestCatalog>) => s.forService('api').envFrom({ keys: ['report-key' as 'api-token'] }),
      "[team/app-secrets]: 'keys' names \"report-key\", not a key of api; allowed: api-token, db.password."],
    ['a service the catalog does not know', (s: CatalogSecret<TestCatalog>) => s.forService('web' as 'api'),
      'SecretCatalog: no service "web"; the catalog knows api, worker.'],
  ])('rejects %s', (_name, act, message) => {
    expect(() => act(setup().secrets)).toThrow(message);
  });

  test('envFrom rejects two keys that make one variable name', () => {
    const cat = SecretCatalog.define({
      services: ['api'] as const,
      secrets: {
        'a-b': { description: 'x', placeholder: 'X', consumers: ['api'] as const, rotation: MANUAL },
        'a.b': { description: 'x', placeholder: 'X', consumers: ['api'] as const, rotation: MANUAL },
      },
    });
    const chart = new Chart(new App(), 'c', { namespace: 'n' });
    const store = new VaultSecretStore(chart, 'store', { server: 'https://vault.example:8200', path: 'p' });
    const secrets = CatalogSecret.create(chart, 's', { store, catalog: cat });
    expect(() => secrets.forService('api').envFrom()).toThrow('[c/s]: keys "a-b" and "a.b" both become the env var A_B; use envValue() for one of them.');
  });

  test('grantRead: the service account reads the Secret through ExternalSecret.grantRead', () => {
    const { chart, secrets } = setup();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'api' } });
    const grant = secrets.forService('api').grantRead(sa);
    expect(grant).toEqual(secrets.externalSecret.grantRead(sa));
    expect(objects(chart, 'RoleBinding')[0].subjects).toHaveLength(1);
  });

  test('bindRestart puts the content hash on the pod template; reloader adds the Reloader annotation', () => {
    const { chart, secrets, deployment } = workload();
    const api = secrets.forService('api');
    const added = api.bindRestart(deployment, { reloader: true });
    expect(added).toEqual({ 'checksum/secret-app-secrets': api.contentHash, 'secret.reloader.stakater.com/reload': 'app-secrets' });
    expect(api.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const [d] = objects(chart, 'Deployment');
    expect(d.spec.template.metadata.annotations).toEqual(added);
    expect(api.restartAnnotations()).toEqual({ 'checksum/secret-app-secrets': api.contentHash });
  });

  test('two Secrets bound with reloader are both listed', () => {
    const { chart, store, secrets, deployment } = workload();
    const other = CatalogSecret.create(chart, 'other-secrets', { store, catalog: catalog() });
    secrets.forService('api').bindRestart(deployment, { reloader: true });
    other.forService('api').bindRestart(deployment, { reloader: true });
    other.forService('api').bindRestart(deployment, { reloader: true });
    const [d] = objects(chart, 'Deployment');
    expect(d.spec.template.metadata.annotations['secret.reloader.stakater.com/reload']).toBe('app-secrets,other-secrets');
  });

  test('boundWorkloads: the restart list of a key is who reads it', () => {
    const { chart, secrets, deployment } = workload();
    const worker = new kplus.Deployment(chart, 'worker', { containers: [{ name: 'worker', image: 'example/worker:1.0.0' }] });
    secrets.forService('api').bindRestart(deployment);
    secrets.forService('worker').bindRestart(worker);
    expect(secrets.boundWorkloads('api-token').map((b) => b.service)).toEqual(['api', 'worker']);
    expect(secrets.boundWorkloads('db.password').map((b) => b.workload)).toEqual([deployment]);
    expect(secrets.boundWorkloads('report-key').map((b) => b.workload)).toEqual([worker]);
    expect(secrets.boundWorkloads()).toHaveLength(2);
  });

  test('contentHash follows where <key>-previous is read: the class\'s own secret or the same remote', () => {
    const chart = new Chart(new App(), 'team', { namespace: 'team-a' });
    const store = new VaultSecretStore(chart, 'store', { server: 'https://vault.example:8200', path: 'team/a' });
    const own = CatalogSecret.create(chart, 'own', { store, catalog: catalog(), targetName: 'app-secrets' });
    const same = CatalogSecret.create(new Chart(chart.node.root, 'other', { namespace: 'team-a' }), 'same', { store, catalog: catalog(), targetName: 'app-secrets', classSecrets: false });
    // api reads api-token, whose class keeps a previous value: where that is read is part of its model.
    expect(own.forService('api').contentHash).not.toBe(same.forService('api').contentHash);
  });

  describe('contentHash changes with the model of what the service reads, and only then', () => {
    const hash = (cat: AnySecretCatalog, service: 'api' | 'worker') => setup(cat as TestCatalog).secrets.forService(service).contentHash;
    const base = { api: hash(catalog(), 'api'), worker: hash(catalog(), 'worker') };

    test('is stable', () => {
      expect(hash(catalog(), 'api')).toBe(base.api);
      expect(base.api).not.toBe(base.worker);
    });
    test.each([
      ['a remote name of a key both read', { apiTokenRemoteName: 'token-v2' }, true, true],
      ['a rotation class of a key both read', { apiTokenRotation: { ...SIGNING, interval: Duration.days(60) } }, true, true],
      ['the grace period of a key both read', { apiTokenRotation: { ...SIGNING, gracePeriod: Duration.hours(2) } }, true, true],
      ['a remote name of a key only the worker reads', { reportKeyRemoteName: 'reports/key' }, false, true],
    ])('changing %s', (_name, overrides, apiChanges, workerChanges) => {
      expect(hash(catalog(overrides), 'api') !== base.api).toBe(apiChanges);
      expect(hash(catalog(overrides), 'worker') !== base.worker).toBe(workerChanges);
    });
  });
});
