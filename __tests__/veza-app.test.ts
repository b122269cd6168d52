/**
 * The whole app per environment: what dist/<env>/ holds and what its objects say, the seed's
 * remote names for every provider, every provider as the applied one, and kustomize builds.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ManifestFile, PREVIOUS_SUFFIX, renderApp, RenderedFile } from '../lib';
import { keepsPreviousValue } from '../lib/eso/secret-catalog';
import { loadEnvironments, renderVeza, VEZA_CATALOG, VezaApp } from '../lib/veza';
import { objectsOf, validateManifestText } from './support/schema';
import type { Manifest } from './support/charts';
import { testWith, toolPath } from './support/tools';

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
/** The environments of environments/, as a user may add one: every expectation below derives from them. */
const ENVS = loadEnvironments(path.join(root, 'environments')).map((e) => e.name);
const PROVIDERS = ['vault', 'aws', 'gcp', 'azure'] as const;
type Provider = (typeof PROVIDERS)[number];

/** The 9 keys of the seed's "Secret Structure", in catalog order (a user may add more). */
const SEED_KEYS = ['database-url', 'redis-url', 'jwt-secret', 'stripe-api-key', 'stripe-webhook-secret', 'smtp-password', 's3-access-key', 's3-secret-key', 'stream-server-secret'];
/** The catalog's keys, in catalog order: what every ExternalSecret writes. */
const KEYS: readonly string[] = VEZA_CATALOG.keys;

/** The seed's file names per provider. */
const STORE_FILE: Record<Provider, string> = {
  vault: 'secret-stores/vault-store.yaml', aws: 'secret-stores/aws-store.yaml', gcp: 'secret-stores/gcp-store.yaml', azure: 'secret-stores/azure-store.yaml',
};
const ES_FILE: Record<Provider, string> = {
  vault: 'external-secrets/veza-secrets.yaml', aws: 'external-secrets/veza-secrets-aws.yaml', gcp: 'external-secrets/veza-secrets-gcp.yaml', azure: 'external-secrets/veza-secrets-azure.yaml',
};

/** The seed's remote name of `key` in `env` for each provider (the store's remoteRef in the ExternalSecret). */
/** The keys of veza-secrets: each catalog key, then `<key>-previous` after each key whose class keeps a previous value (issue 11). */
function withPrevious(keys: readonly string[]): string[] {
  return keys.flatMap((k) => (keepsPreviousValue(VEZA_CATALOG.entry(k as never).rotation) ? [k, `${k}${PREVIOUS_SUFFIX}`] : [k]));
}

/**
 * Where a key is read. `<key>-previous` is read from the same remote as its key, except on the
 * active Vault store (`classSecrets`): there both live in the class's own KV secret, written by its rotation job.
 */
function expectedRemoteRef(provider: Provider, env: string, key: string, classSecrets = false): Record<string, string> {
  const base = key.endsWith(PREVIOUS_SUFFIX) && VEZA_CATALOG.has(key.slice(0, -PREVIOUS_SUFFIX.length)) ? key.slice(0, -PREVIOUS_SUFFIX.length) : key;
  const rotation = VEZA_CATALOG.entry(base as never).rotation;
  switch (provider) {
    case 'vault': return classSecrets && keepsPreviousValue(rotation)
      ? { key: `veza/${env}/${rotation.name}`, property: key } // secret/veza/<env>/<class>, the rotation job's own
      : { key: `veza/${env}`, property: base }; // secret/veza/<env>, one property per key
    case 'aws': return { key: `veza/${env}/${base}` };
    case 'gcp': return { key: `veza-${base}` }; // in project veza-<env>
    case 'azure': return { key: `veza-${base}` }; // in vault https://veza-<env>.vault.azure.net
  }
}

function filesBelow(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesBelow(dir, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]))
    .sort();
}

function readObjects(file: string): Manifest[] {
  return objectsOf(fs.readFileSync(file, 'utf8'));
}

function one(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`${kind}/${name}`]);
  return found[0];
}

function kustomizeResources(dir: string): string[] {
  return (yaml.load(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
}

/** `kubectl kustomize <dir>`: the objects Argo CD / Flux would apply. */
function kustomize(dir: string): Manifest[] {
  return objectsOf(execFileSync(toolPath('kubectl'), ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

const commonLabels = (env: string) => ({ 'app.kubernetes.io/part-of': 'veza', 'app.kubernetes.io/managed-by': 'veza-secrets', 'veza.io/environment': env });

describe('the catalog', () => {
  test('holds the seed\'s 9 keys for veza-backend-api and veza-stream-server (no front end)', () => {
    expect(KEYS.filter((k) => SEED_KEYS.includes(k))).toEqual(SEED_KEYS);
    expect(VEZA_CATALOG.services).toEqual(['veza-backend-api', 'veza-stream-server']);
    expect(VEZA_CATALOG.keysFor('veza-backend-api')).toEqual(expect.arrayContaining(SEED_KEYS.filter((k) => k !== 'stream-server-secret')));
    expect(VEZA_CATALOG.keysFor('veza-backend-api')).not.toContain('stream-server-secret');
    expect(VEZA_CATALOG.keysFor('veza-stream-server').filter((k) => SEED_KEYS.includes(k))).toEqual(['database-url', 'redis-url', 'jwt-secret', 'stream-server-secret']);
    for (const service of VEZA_CATALOG.services) {
      expect(VEZA_CATALOG.keysFor(service)).toEqual(VEZA_CATALOG.all.filter((e) => (e.consumers as readonly string[]).includes(service)).map((e) => e.key));
    }
    expect(VEZA_CATALOG.all.every((e) => e.remoteName === e.key)).toBe(true);
  });

  test('rotation classes: signing secrets every 90 days, database credentials every 180 (Redis by hand), provider keys by hand', () => {
    expect(VEZA_CATALOG.rotationClasses.map((r) => [r.name, r.method, r.interval?.toDays()])).toEqual([
      ['database-credential', 'database-engine', 180],
      ['cache-credential', 'manual', 180],
      ['signing-secret', 'generate', 90],
      ['provider-api-key', 'manual', undefined],
    ]);
    expect(VEZA_CATALOG.entry('jwt-secret').rotation.name).toBe('signing-secret');
    expect(VEZA_CATALOG.entry('database-url').rotation.name).toBe('database-credential');
    expect(VEZA_CATALOG.entry('redis-url').rotation.name).toBe('cache-credential');
    expect(VEZA_CATALOG.entry('stripe-api-key').rotation.name).toBe('provider-api-key');
  });
});

describe.each(ENVS)('dist/%s (the committed app)', (env) => {
  const applied = path.join(dist, env);
  const namespace = `veza-${env}`;
  const config = loadEnvironments(path.join(root, 'environments')).find((e) => e.name === env)!;

  test('holds the namespace, the vault store and the ExternalSecret, all listed in kustomization.yaml', () => {
    const files = filesBelow(applied);
    expect(files).toEqual(expect.arrayContaining(['kustomization.yaml', 'namespace.yaml', STORE_FILE.vault, ES_FILE.vault]));
    const resources = kustomizeResources(applied);
    expect(resources.slice(0, 3)).toEqual(['namespace.yaml', STORE_FILE.vault, ES_FILE.vault]);
    // Every manifest of the folder is applied, and every listed file exists.
    expect([...resources].sort()).toEqual(files.filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml'));
  });

  test('the namespace enforces Pod Security "restricted"', () => {
    const ns = one(readObjects(path.join(applied, 'namespace.yaml')), 'Namespace', namespace);
    expect(ns.metadata.labels).toEqual({
      ...commonLabels(env),
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(ns.metadata.namespace).toBeUndefined();
  });

  test('the vault store logs in with Kubernetes auth as vault-store-auth, role veza-<env>, audience vault', () => {
    const objects = readObjects(path.join(applied, STORE_FILE.vault));
    const sa = one(objects, 'ServiceAccount', 'vault-store-auth');
    expect(sa.metadata.namespace).toBe(namespace);
    expect(sa.automountServiceAccountToken).toBe(false);
    const store = one(objects, 'SecretStore', 'vault-store');
    expect(store.apiVersion).toBe('external-secrets.io/v1');
    expect(store.metadata).toMatchObject({ name: 'vault-store', namespace, labels: commonLabels(env) });
    expect(store.spec.provider.vault).toMatchObject({
      server: config.providers.vault.server,
      path: 'secret',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'kubernetes', role: namespace, serviceAccountRef: { name: 'vault-store-auth', audiences: ['vault'] } } },
    });
    if (env === 'development') {
      expect(store.spec.provider.vault.caProvider).toBeUndefined();
    } else {
      expect(store.spec.provider.vault.server).toMatch(/^https:\/\//);
      expect(store.spec.provider.vault.caProvider).toEqual({ type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' });
    }
  });

  test('the ExternalSecret veza-secrets writes every catalog key: database-url from the database engine, the others from secret/veza/<env>', () => {
    const objects = readObjects(path.join(applied, ES_FILE.vault));
    const es = one(objects, 'ExternalSecret', 'veza-secrets');
    expect(es.metadata).toMatchObject({ name: 'veza-secrets', namespace, labels: commonLabels(env) });
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault-store' });
    const fromKv = withPrevious(KEYS.filter((k) => k !== 'database-url'));
    expect(es.spec.data).toEqual(fromKv.map((key) => ({ secretKey: key, remoteRef: expectedRemoteRef('vault', env, key, true) })));
    expect(es.spec.dataFrom).toEqual([{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', name: 'veza-database-credentials' } } }]);
    // As written in environments/<env>.yaml (the seed's 5m, 15m and 1h for its three environments).
    const file = yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8')) as { externalSecret: { refreshInterval: string } };
    expect(es.spec.refreshInterval).toBe(file.externalSecret.refreshInterval);
    const seed: Record<string, string> = { development: '5m', staging: '15m', production: '1h' };
    if (env in seed) expect(es.spec.refreshInterval).toBe(seed[env]);
    const host = config.providers.vault.database.appHost; // as the pods reach it
    expect(es.spec.target).toEqual({
      name: 'veza-secrets',
      creationPolicy: config.externalSecret.creationPolicy,
      deletionPolicy: config.externalSecret.deletionPolicy,
      template: {
        engineVersion: 'v2',
        // Replace: the Secret holds exactly the catalog's templated keys, never the generator's username or password.
        mergePolicy: 'Replace',
        metadata: { labels: commonLabels(env) },
        data: {
          ...Object.fromEntries(fromKv.map((k) => [k, `{{ index . "${k}" }}`])),
          'database-url': `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${host}:5432/veza?sslmode=require`,
        },
      },
    });
    expect(Object.keys(es.spec.target.template.data).sort()).toEqual(withPrevious(KEYS).sort());

    // The generator reads the static role's credentials as the store logs in: same server, CA and auth.
    const store = one(readObjects(path.join(applied, STORE_FILE.vault)), 'SecretStore', 'vault-store');
    const generator = one(objects, 'VaultDynamicSecret', 'veza-database-credentials');
    expect(generator.metadata).toMatchObject({ namespace, labels: commonLabels(env) });
    const { path: _kvMount, version: _kvVersion, ...connection } = store.spec.provider.vault;
    expect(generator.spec).toEqual({ method: 'GET', path: `database/static-creds/veza-${env}-app`, resultType: 'Data', provider: connection });
    expect(connection.auth.kubernetes).toEqual({ mountPath: 'kubernetes', role: `veza-${env}`, serviceAccountRef: { name: 'vault-store-auth', audiences: ['vault'] } });
  });

  test.each(['aws', 'gcp', 'azure'] as const)('alternatives/%s: the store and the ExternalSecret under the seed\'s names and remote names', (provider) => {
    const folder = path.join(dist, 'alternatives', env);
    const storeObjects = readObjects(path.join(folder, STORE_FILE[provider]));
    const store = one(storeObjects, 'SecretStore', `${provider}-store`);
    expect(store.metadata.namespace).toBe(namespace);
    one(storeObjects, 'ServiceAccount', `${provider}-store-auth`);
    const es = one(readObjects(path.join(folder, ES_FILE[provider])), 'ExternalSecret', 'veza-secrets');
    expect(es.metadata.namespace).toBe(namespace);
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: `${provider}-store` });
    expect(es.spec.target.name).toBe('veza-secrets');
    expect(es.spec.data).toEqual(withPrevious(KEYS).map((key) => ({ secretKey: key, remoteRef: expectedRemoteRef(provider, env, key) })));
    if (provider === 'aws') expect(store.spec.provider.aws).toMatchObject({ service: 'SecretsManager', region: 'eu-west-3' });
    if (provider === 'gcp') expect(store.spec.provider.gcpsm.projectID).toBe(`veza-${env}`);
    if (provider === 'azure') expect(store.spec.provider.azurekv.vaultUrl).toBe(`https://veza-${env}.vault.azure.net`);
  });

  test('alternatives/ holds only the three other providers and is listed by no kustomization', () => {
    const files = filesBelow(path.join(dist, 'alternatives', env));
    expect(files).toEqual(expect.arrayContaining(['aws', 'gcp', 'azure'].flatMap((p) => [STORE_FILE[p as Provider], ES_FILE[p as Provider]])));
    expect(files).not.toContain(STORE_FILE.vault);
    expect(files).not.toContain(ES_FILE.vault);
    expect(fs.existsSync(path.join(dist, 'alternatives', env, 'kustomization.yaml'))).toBe(false);
  });

  testWith('kubectl')('kubectl kustomize builds it: exactly the objects of the listed files, one ExternalSecret owning veza-secrets', () => {
    const built = kustomize(applied);
    const listed = kustomizeResources(applied).flatMap((f) => readObjects(path.join(applied, f)));
    expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(listed.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    expect(built.filter((o) => o.kind === 'ExternalSecret' && o.spec.target?.name === 'veza-secrets' && o.spec.target.creationPolicy !== 'Merge')).toHaveLength(1);
    expect(built.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([namespace]);
  });
});

describe('no secret value reaches dist/', () => {
  test('no object in dist/ is a Secret with data or stringData', () => {
    const secrets = filesBelow(dist).filter((f) => f.endsWith('.yaml')).flatMap((f) => readObjects(path.join(dist, f)).map((o) => ({ f, o })))
      .filter(({ o }) => o.kind === 'Secret' && (o.data !== undefined || o.stringData !== undefined))
      .map(({ f, o }) => `${f}: Secret/${o.metadata?.name}`);
    expect(secrets).toEqual([]);
  });
});

describe('every provider can be the applied one, in every environment', () => {
  /** Renders a copy of environments/ where `env` uses `provider`. */
  function renderWith(env: string, provider: Provider): RenderedFile[] {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-envs-'));
    const dir = path.join(project, 'environments');
    try {
      // environments/ and, beside it, gitops.yaml: the synth's inputs.
      fs.cpSync(path.join(root, 'environments'), dir, { recursive: true });
      if (fs.existsSync(path.join(root, 'gitops.yaml'))) fs.copyFileSync(path.join(root, 'gitops.yaml'), path.join(project, 'gitops.yaml'));
      const file = path.join(dir, `${env}.yaml`);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toMatch(/^provider: vault$/m);
      fs.writeFileSync(file, text.replace(/^provider: vault$/m, `provider: ${provider}`));
      return renderVeza(dir);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }

  const cases = ENVS.flatMap((env) => PROVIDERS.filter((p) => p !== 'vault').map((p) => [env, p] as [string, Provider]));
  testWith('kubectl').each(cases)('%s with provider %s', (env, provider) => {
    const files = renderWith(env, provider);
    const paths = files.map((f) => f.path);
    const content = (p: string) => files.find((f) => f.path === p)!.content;

    // The applied folder holds this provider's files under the seed's names; vault moved to alternatives/.
    expect(paths).toEqual(expect.arrayContaining([`${env}/${STORE_FILE[provider]}`, `${env}/${ES_FILE[provider]}`, `alternatives/${env}/${STORE_FILE.vault}`, `alternatives/${env}/${ES_FILE.vault}`]));
    expect(paths).not.toContain(`${env}/${STORE_FILE.vault}`);
    expect(paths).not.toContain(`alternatives/${env}/${STORE_FILE[provider]}`);
    const resources = (yaml.load(content(`${env}/kustomization.yaml`)) as { resources: string[] }).resources;
    expect(resources.slice(0, 3)).toEqual(['namespace.yaml', STORE_FILE[provider], ES_FILE[provider]]);

    const es = one(objectsOf(content(`${env}/${ES_FILE[provider]}`)), 'ExternalSecret', 'veza-secrets');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: `${provider}-store` });
    expect(es.spec.data).toEqual(withPrevious(KEYS).map((key) => ({ secretKey: key, remoteRef: expectedRemoteRef(provider, env, key) })));
    const vaultEs = one(objectsOf(content(`alternatives/${env}/${ES_FILE.vault}`)), 'ExternalSecret', 'veza-secrets');
    expect(vaultEs.spec.data[0].remoteRef).toEqual({ key: `veza/${env}`, property: 'redis-url' });
    expect(vaultEs.spec.target.template.data['database-url']).toMatch(/^postgresql:\/\/\{\{ \.username \| urlquery \}\}:\{\{ \.password \| urlquery \}\}@/);

    // The other environments are untouched.
    for (const other of ENVS.filter((e) => e !== env)) {
      expect(content(`${other}/${ES_FILE.vault}`)).toBe(fs.readFileSync(path.join(dist, other, ES_FILE.vault), 'utf8'));
    }

    // Every object validates, and the applied folder builds with kustomize.
    for (const f of files.filter((x) => x.path.endsWith('.yaml') && !x.path.endsWith('kustomization.yaml'))) {
      expect(validateManifestText(f.content)).toEqual([]);
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-dist-'));
    try {
      for (const f of files.filter((x) => x.path.startsWith(`${env}/`))) {
        fs.mkdirSync(path.dirname(path.join(out, f.path)), { recursive: true });
        fs.writeFileSync(path.join(out, f.path), f.content);
      }
      const built = kustomize(path.join(out, env));
      expect(built.filter((o) => o.kind === 'SecretStore').map((o) => o.metadata.name)).toEqual([`${provider}-store`]);
      expect(built.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.secretStoreRef.name)).toEqual([`${provider}-store`]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('VezaApp', () => {
  test('kustomization.yaml lists every file written below the applied unit, and only those', () => {
    const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) });
    const development = app.environments.find((e) => e.config.name === 'development')!;
    // A file that ends up without objects is not written, so it must not be listed either.
    new ManifestFile(development.applied, 'Empty', { path: 'development/empty.yaml' });
    const files = renderApp(app);
    const resources = (yaml.load(files.find((f) => f.path === 'development/kustomization.yaml')!.content) as { resources: string[] }).resources;
    const written = files.map((f) => f.path).filter((p) => p.startsWith('development/') && p.endsWith('.yaml') && p !== 'development/kustomization.yaml');
    expect(resources.map((r) => `development/${r}`).sort()).toEqual(written.sort());
    expect(resources).not.toContain('empty.yaml');
  });

  test('one VezaEnvironment per environment, the active provider first', () => {
    const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) });
    const files = fs.readdirSync(path.join(root, 'environments')).filter((f) => f.endsWith('.yaml')).sort();
    expect(app.environments.map((e) => `${e.config.name}.yaml`)).toEqual(files);
    for (const env of app.environments) {
      expect(env.active.provider).toBe('vault');
      expect(env.active.active).toBe(true);
      expect(env.providers.map((p) => [p.provider, p.active])).toEqual([['vault', true], ['aws', false], ['gcp', false], ['azure', false]]);
      expect(env.providers.map((p) => p.store.storeName)).toEqual(['vault-store', 'aws-store', 'gcp-store', 'azure-store']);
      // The templated key comes after the keys read from the store.
      expect(env.active.externalSecret.keys.map((k) => k.secretKey)).toEqual([...withPrevious(KEYS.filter((k) => k !== 'database-url')), 'database-url']);
      expect(env.namespace.name).toBe(`veza-${env.config.name}`);
    }
  });
});
