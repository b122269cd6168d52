import { App, Chart, Testing } from 'cdk8s';
import { Duration } from 'cdk8s';
import { CatalogSecret, ExternalSecret, RotationMethod, SecretCatalog, renderApp, SynthError, VaultAuth, VaultDynamicSecret, VaultDynamicSecretProps, VaultDynamicSecretResultType, VaultSecretStore, VaultSecretStoreProps } from '../lib';
import { kindsAndNames, Manifest, only, synthValid, testApp, testChart } from './support/charts';

const CREDS = 'database/static-creds/app';

function store(chart: Chart, props: Partial<VaultSecretStoreProps> = {}) {
  return new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'veza/test', ...props });
}

/** A generator `db-creds` reading CREDS as `vault-store`, plus `props`. */
function build(props: Partial<VaultDynamicSecretProps> = {}, storeProps: Partial<VaultSecretStoreProps> = {}) {
  const chart = testChart();
  const s = store(chart, storeProps);
  const generator = new VaultDynamicSecret(chart, 'db-creds', { store: s, path: CREDS, outputKeys: ['username', 'password'], ...props });
  const objects = synthValid(chart);
  return { chart, store: s, generator, objects, resource: only(objects, 'VaultDynamicSecret') as Manifest };
}

/** An ExternalSecret reading jwt-secret from the store, with the generator as a source and database-url templated. */
function withDatabaseUrl(template = 'postgresql://{{ .username }}:{{ .password }}@db:5432/app') {
  const chart = testChart();
  const s = store(chart);
  const es = new ExternalSecret(chart, 'veza-secrets', { store: s, data: [{ secretKey: 'jwt-secret' }], targetLabels: { team: 'veza' } });
  const generator = new VaultDynamicSecret(chart, 'db-creds', { store: s, path: CREDS, outputKeys: ['username', 'password'] });
  expect(es.addGeneratorSource(generator)).toBe(generator);
  const key = es.addTemplatedKey({ secretKey: 'database-url', template });
  return { chart, store: s, es, generator, key };
}

describe('VaultDynamicSecret', () => {
  test('defaults: named after its id, GET, Data, the store\'s server and login', () => {
    const { generator, resource, objects, store: s } = build();
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount/vault-store-auth', 'SecretStore/vault-store', 'VaultDynamicSecret/db-creds']);
    expect(resource).toEqual({
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      kind: 'VaultDynamicSecret',
      metadata: { name: 'db-creds', namespace: 'veza-test' },
      spec: {
        path: CREDS,
        method: 'GET',
        resultType: 'Data',
        provider: {
          server: 'https://vault.example:8200',
          auth: { kubernetes: { mountPath: 'kubernetes', role: 'veza-test', serviceAccountRef: { name: 'vault-store-auth', audiences: ['vault'] } } },
        },
      },
    });
    expect(generator.generatorKind).toBe('VaultDynamicSecret');
    expect(generator.generatorName).toBe('db-creds');
    expect(generator.namespace).toBe('veza-test');
    expect(generator.method).toBe('GET');
    expect(generator.resultType).toBe(VaultDynamicSecretResultType.DATA);
    expect(generator.outputKeys).toEqual(['username', 'password']);
    expect(generator.store).toBe(s);
    expect(generator.path).toBe(CREDS);
    expect(resource).toMatchSnapshot();
  });

  test('the provider is the store\'s provider.vault without its KV mount and version', () => {
    const { objects } = build();
    const storeVault = only(objects, 'SecretStore').spec.provider.vault;
    const { path: _mount, version: _version, ...connection } = storeVault;
    expect(only(objects, 'VaultDynamicSecret').spec.provider).toEqual(connection);
  });

  test('the store\'s CA, Vault namespace and other auth methods follow', () => {
    const { resource } = build({}, {
      caProvider: { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' },
      vaultNamespace: 'team',
      auth: VaultAuth.appRole({ roleId: 'id', secretId: { name: 'approle', key: 'secret-id' } }),
    });
    expect(resource.spec.provider).toEqual({
      server: 'https://vault.example:8200',
      namespace: 'team',
      caProvider: { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' },
      auth: { appRole: { path: 'approle', roleId: 'id', secretRef: { name: 'approle', key: 'secret-id' } } },
    });
  });

  test('name, method, resultType and labels', () => {
    const { resource, generator } = build({ name: 'pki', method: 'POST', resultType: VaultDynamicSecretResultType.RAW, path: 'pki/issue/app', labels: { team: 'veza' } });
    expect(resource.metadata).toEqual({ name: 'pki', namespace: 'veza-test', labels: { team: 'veza' } });
    expect(resource.spec).toMatchObject({ path: 'pki/issue/app', method: 'POST', resultType: 'Raw' });
    expect(generator.generatorName).toBe('pki');
  });

  test.each<[string, Partial<VaultDynamicSecretProps>, string]>([
    ['a leading slash', { path: '/database/creds/app' }, `[test/db-creds]: 'path' must be a Vault API path of segments separated by '/', without leading or trailing '/', such as database/static-creds/app. The value passed is: "/database/creds/app"`],
    ['a glob', { path: 'database/creds/*' }, `[test/db-creds]: 'path' must be a Vault API path of segments separated by '/', without leading or trailing '/', such as database/static-creds/app. The value passed is: "database/creds/*"`],
    ['a method', { method: 'DELETE' as never }, `[test/db-creds]: 'method' must be GET, POST or PUT. The value passed is: "DELETE"`],
    ['no output key', { outputKeys: [] }, `[test/db-creds]: 'outputKeys' is empty; allowed: the keys Vault returns that templates use, such as username and password.`],
    ['an output key twice', { outputKeys: ['password', 'password'] }, `[test/db-creds]: 'outputKeys' names "password" twice.`],
    ['a bad output key', { outputKeys: ['pass word'] }, `[test/db-creds]: 'outputKeys' must be a Secret data key`],
    ['a bad name', { name: 'DB' }, `[test/db-creds]: 'name' must be`],
  ])('refuses %s', (_case, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('refuses a store of another namespace, and a ClusterSecretStore', () => {
    const app = testApp();
    const other = store(new Chart(app, 'other', { namespace: 'other' }));
    expect(() => new VaultDynamicSecret(new Chart(app, 'here', { namespace: 'here' }), 'g', { store: other, path: CREDS, outputKeys: ['password'] }))
      .toThrow(`[here/g]: 'store' vault-store is in namespace "other"; the generator is in "here". Put both in one namespace.`);
    const cluster = new VaultSecretStore(new Chart(app, 'cluster', { namespace: 'ns' }), 'vault-store', { server: 'https://vault.example:8200', path: 'p', clusterWide: true, auth: VaultAuth.kubernetes({ role: 'r' }) });
    expect(() => new VaultDynamicSecret(new Chart(app, 'ns', { namespace: 'ns' }), 'g', { store: cluster, path: CREDS, outputKeys: ['password'] }))
      .toThrow(`[ns/g]: 'store' must be a namespaced SecretStore; cluster/vault-store is a ClusterSecretStore, whose service-account references a namespaced generator cannot follow.`);
  });
});

describe('ExternalSecret: generator sources and templated keys', () => {
  test('the generator is a dataFrom source; the template writes exactly the keys: store keys passed through, templated keys rendered', () => {
    const { chart, es, key } = withDatabaseUrl();
    const resource = only(synthValid(chart), 'ExternalSecret');
    expect(resource.spec.data).toEqual([{ secretKey: 'jwt-secret', remoteRef: { key: 'veza/test', property: 'jwt-secret' } }]);
    expect(resource.spec.dataFrom).toEqual([{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', name: 'db-creds' } } }]);
    expect(resource.spec.target.template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Replace',
      metadata: { labels: { team: 'veza' } },
      data: {
        'jwt-secret': '{{ index . "jwt-secret" }}',
        'database-url': 'postgresql://{{ .username }}:{{ .password }}@db:5432/app',
      },
    });
    // username and password are template inputs, never keys of the Secret.
    expect(Object.keys(resource.spec.target.template.data)).not.toContain('password');
    expect(key).toEqual({ secretKey: 'database-url', remoteName: 'database-url', template: 'postgresql://{{ .username }}:{{ .password }}@db:5432/app' });
    expect(es.keys.map((k) => k.secretKey)).toEqual(['jwt-secret', 'database-url']);
    expect(es.generatorSources.map((g) => g.generatorName)).toEqual(['db-creds']);
  });

  test('without a generator or a templated key nothing changes: no dataFrom, the template holds only the labels', () => {
    const chart = testChart();
    new ExternalSecret(chart, 'veza-secrets', { store: store(chart), data: [{ secretKey: 'jwt-secret' }], targetLabels: { team: 'veza' } });
    const resource = only(synthValid(chart), 'ExternalSecret');
    expect(resource.spec.dataFrom).toBeUndefined();
    expect(resource.spec.target.template).toEqual({ metadata: { labels: { team: 'veza' } } });
  });

  test('a templated key over store keys only needs no generator; without target labels the template has no metadata', () => {
    const chart = testChart();
    const es = new ExternalSecret(chart, 'app', { store: store(chart), data: [{ secretKey: 'user' }, { secretKey: 'db-password' }] });
    es.addTemplatedKey({ secretKey: 'url', template: 'postgresql://{{ .user }}:{{ index . "db-password" }}@db/app' });
    const resource = only(synthValid(chart), 'ExternalSecret');
    expect(resource.spec.target.template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Replace',
      data: { 'user': '{{ index . "user" }}', 'db-password': '{{ index . "db-password" }}', 'url': 'postgresql://{{ .user }}:{{ index . "db-password" }}@db/app' },
    });
  });

  test('only generator-rendered keys: valid without store data (dataFrom is enough for ESO)', () => {
    const chart = testChart();
    const s = store(chart);
    const es = new ExternalSecret(chart, 'db', { store: s });
    es.addGeneratorSource(new VaultDynamicSecret(chart, 'db-creds', { store: s, path: CREDS, outputKeys: ['username', 'password'] }));
    es.addTemplatedKey({ secretKey: 'password', template: 'pw={{ .password }}' });
    expect(() => renderApp(chart.node.root as App)).not.toThrow();
  });

  test.each<[string, (es: ExternalSecret, g: VaultDynamicSecret) => unknown, string]>([
    ['a templated key that exists', (es) => es.addTemplatedKey({ secretKey: 'jwt-secret', template: '{{ .username }}' }), `[test/veza-secrets]: 'secretKey' "jwt-secret" is already a key of this ExternalSecret.`],
    ['a constant template', (es) => es.addTemplatedKey({ secretKey: 'host', template: 'db.example' }), `[test/veza-secrets]: 'template' of host must use at least one value ({{ .name }} or {{ index . "name" }}); a constant does not belong in an ExternalSecret. The value passed is: "db.example"`],
    ['a bad secret key', (es) => es.addTemplatedKey({ secretKey: 'data url', template: '{{ .username }}' }), `[test/veza-secrets]: 'secretKey' must be a Secret data key`],
    ['the same generator twice', (es, g) => es.addGeneratorSource(g), `[test/veza-secrets]: 'generator' VaultDynamicSecret db-creds is already a source of this ExternalSecret.`],
    ['a store key named like an output', (es) => es.addData({ secretKey: 'password' }), `[test/veza-secrets]: 'secretKey' "password" is also an output of VaultDynamicSecret db-creds; a template could not tell them apart.`],
  ])('refuses %s', (_case, act, message) => {
    const { es, generator } = withDatabaseUrl();
    expect(() => act(es, generator)).toThrow(message);
  });

  test('refuses a generator whose output is already a store key, and one of another namespace', () => {
    const app = testApp();
    const chart = new Chart(app, 'test', { namespace: 'veza-test' });
    const s = store(chart);
    const es = new ExternalSecret(chart, 'es', { store: s, data: [{ secretKey: 'password' }] });
    expect(() => es.addGeneratorSource(new VaultDynamicSecret(chart, 'g', { store: s, path: CREDS, outputKeys: ['password'] })))
      .toThrow(`[test/es]: the output "password" of VaultDynamicSecret g is already a value of this ExternalSecret (from the store); a template could not tell them apart.`);
    const other = new Chart(app, 'other', { namespace: 'other' });
    const elsewhere = new VaultDynamicSecret(other, 'g', { store: store(other), path: CREDS, outputKeys: ['username'] });
    expect(() => es.addGeneratorSource(elsewhere))
      .toThrow(`[test/es]: 'generator' VaultDynamicSecret g is in namespace "other"; an ExternalSecret in "veza-test" cannot reference it. Put both in one namespace.`);
  });

  test.each<[string, (chart: Chart, es: ExternalSecret) => void, string]>([
    [
      'a generator but no templated key (its outputs would become keys)',
      (chart, es) => { es.addGeneratorSource(new VaultDynamicSecret(chart, 'db-creds', { store: es.store as VaultSecretStore, path: CREDS, outputKeys: ['username', 'password'] })); },
      '[test/veza-secrets]: it takes values from VaultDynamicSecret db-creds but renders no key from them; without a templated key ESO would write every output (username, password, ...) into the Secret. Call addTemplatedKey().',
    ],
    [
      'a template using a value nobody fetches',
      (_chart, es) => { es.addTemplatedKey({ secretKey: 'url', template: 'postgresql://{{ .username }}:{{ index . "pass-word" }}@db/app' }); },
      '[test/veza-secrets]: the template of url uses "username", "pass-word", which this ExternalSecret does not fetch; allowed: jwt-secret.',
    ],
  ])('at synth: %s', (_case, act, message) => {
    const chart = testChart();
    const es = new ExternalSecret(chart, 'veza-secrets', { store: store(chart), data: [{ secretKey: 'jwt-secret' }] });
    act(chart, es);
    let error: unknown;
    try {
      renderApp(chart.node.root as App);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as Error).message).toContain(message);
  });

  test('a template may use pipelines and quoted text without its words counting as values', () => {
    const chart = testChart();
    const s = store(chart);
    const es = new ExternalSecret(chart, 'es', { store: s, data: [{ secretKey: 'jwt-secret' }] });
    es.addGeneratorSource(new VaultDynamicSecret(chart, 'g', { store: s, path: CREDS, outputKeys: ['username', 'password'] }));
    es.addTemplatedKey({ secretKey: 'url', template: 'postgresql://{{ .username | lower }}:{{ .password | urlquery }}@db/app?{{ "a.b" }}' });
    expect(() => renderApp(chart.node.root as App)).not.toThrow();
    expect(Testing.synth(chart).some((o) => o.kind === 'VaultDynamicSecret')).toBe(true);
  });
});

describe('CatalogSecret over a templated key', () => {
  const catalog = SecretCatalog.define({
    services: ['api'],
    secrets: {
      'jwt-secret': { description: 'd', placeholder: 'p', consumers: ['api'], rotation: { name: 'manual', method: RotationMethod.MANUAL, description: 'd' } },
      'database-url': { description: 'd', placeholder: 'p', consumers: ['api'], rotation: { name: 'db', method: RotationMethod.DATABASE_ENGINE, interval: Duration.days(180), description: 'd' } },
    },
  });
  const hash = (template: string) => new CatalogSecret({ catalog, externalSecret: withDatabaseUrl(template).es }).forService('api').contentHash;

  test('accepts the templated key as the catalog key, and its content hash follows the template (a new database host rolls the consumers)', () => {
    expect(hash('postgresql://{{ .username }}:{{ .password }}@db:5432/app')).toMatch(/^[0-9a-f]{64}$/);
    expect(hash('postgresql://{{ .username }}:{{ .password }}@db:5432/app')).toBe(hash('postgresql://{{ .username }}:{{ .password }}@db:5432/app'));
    expect(hash('postgresql://{{ .username }}:{{ .password }}@db:5432/app')).not.toBe(hash('postgresql://{{ .username }}:{{ .password }}@db2:5432/app'));
  });
});
