import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AwsSecretStore, CreationPolicy, DeletionPolicy, DeploymentUnit, ExternalSecret, ExternalSecretProps, ManifestFile, renderApp, SynthError, VaultSecretStore } from '../lib';
import { kindsAndNames, Manifest, only, synthValid, testApp, testChart } from './support/charts';

function vaultStore(chart: Chart) {
  return new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'veza/test' });
}

/** An ExternalSecret `veza-secrets` reading jwt-secret from a Vault store, plus `props`. */
function build(props: Partial<ExternalSecretProps> = {}, id = 'veza-secrets') {
  const chart = testChart();
  const store = vaultStore(chart);
  const es = new ExternalSecret(chart, id, { store, data: [{ secretKey: 'jwt-secret' }], ...props });
  const objects = synthValid(chart);
  return { chart, store, es, objects, resource: only(objects, 'ExternalSecret') as Manifest };
}

describe('ExternalSecret', () => {
  test('defaults: named after its id, refreshed hourly, owns its Secret and retains it', () => {
    const { es, store, objects, resource } = build();
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount/vault-store-auth', 'SecretStore/vault-store', 'ExternalSecret/veza-secrets']);
    expect(resource).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'veza-secrets', namespace: 'veza-test' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'vault-store' },
        target: { name: 'veza-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: 'jwt-secret', remoteRef: { key: 'veza/test', property: 'jwt-secret' } }],
      },
    });
    expect(es.name).toBe('veza-secrets');
    expect(es.targetName).toBe('veza-secrets');
    expect(es.namespace).toBe('veza-test');
    expect(es.store).toBe(store);
    expect(es.refreshInterval.toSeconds()).toBe(3600);
    expect(es.creationPolicy).toBe(CreationPolicy.OWNER);
    expect(es.deletionPolicy).toBe(DeletionPolicy.RETAIN);
    expect(es.keys).toEqual([{ secretKey: 'jwt-secret', remoteName: 'jwt-secret', remoteRef: { key: 'veza/test', property: 'jwt-secret' } }]);
    expect(es.apiObject.kind).toBe('ExternalSecret');
    expect(resource).toMatchSnapshot();
  });

  test.each<[Duration, string]>([
    [Duration.minutes(5), '5m'],
    [Duration.minutes(90), '1h30m'],
    [Duration.seconds(30), '30s'],
    [Duration.hours(24), '24h'],
    [Duration.seconds(3661), '1h1m1s'],
  ])('refreshInterval %s renders as a Go duration %s', (refreshInterval, expected) => {
    const { es, resource } = build({ refreshInterval });
    expect(resource.spec.refreshInterval).toBe(expected);
    expect(es.refreshInterval).toBe(refreshInterval);
  });

  test.each(Object.values(CreationPolicy).filter((c) => c !== CreationPolicy.NONE))('creationPolicy %s', (creationPolicy) => {
    expect(build({ creationPolicy }).resource.spec.target.creationPolicy).toBe(creationPolicy);
  });

  test('creationPolicy None (with deletionPolicy Retain)', () => {
    expect(build({ creationPolicy: CreationPolicy.NONE }).resource.spec.target).toEqual({ name: 'veza-secrets', creationPolicy: 'None', deletionPolicy: 'Retain' });
  });

  test.each<[DeletionPolicy, CreationPolicy]>([
    [DeletionPolicy.DELETE, CreationPolicy.OWNER],
    [DeletionPolicy.DELETE, CreationPolicy.ORPHAN],
    [DeletionPolicy.MERGE, CreationPolicy.MERGE],
    [DeletionPolicy.MERGE, CreationPolicy.OWNER],
    [DeletionPolicy.RETAIN, CreationPolicy.MERGE],
  ])('deletionPolicy %s with creationPolicy %s', (deletionPolicy, creationPolicy) => {
    const { resource } = build({ deletionPolicy, creationPolicy });
    expect(resource.spec.target.deletionPolicy).toBe(deletionPolicy);
    expect(resource.spec.target.creationPolicy).toBe(creationPolicy);
  });

  test('targetName: the Secret\'s name; the ExternalSecret is named after it', () => {
    const { es, resource } = build({ targetName: 'backend-secrets' }, 'Secrets');
    expect(resource.metadata.name).toBe('backend-secrets');
    expect(resource.spec.target.name).toBe('backend-secrets');
    expect(es.targetName).toBe('backend-secrets');
  });

  test('name: the ExternalSecret\'s own name, the Secret keeps the default', () => {
    const { es, resource } = build({ name: 'veza-secrets-vault' });
    expect(resource.metadata.name).toBe('veza-secrets-vault');
    expect(resource.spec.target.name).toBe('veza-secrets');
    expect(es.name).toBe('veza-secrets-vault');
  });

  test('labels on the ExternalSecret, targetLabels on the Secret it creates', () => {
    const { resource } = build({ labels: { tier: 'secrets' }, targetLabels: { 'app.kubernetes.io/part-of': 'veza' } });
    expect(resource.metadata.labels).toEqual({ tier: 'secrets' });
    expect(resource.spec.target.template).toEqual({ metadata: { labels: { 'app.kubernetes.io/part-of': 'veza' } } });
  });

  test('data: remoteName mapped by the store', () => {
    const chart = testChart();
    const store = new AwsSecretStore(chart, 'aws-store', { region: 'eu-west-3', namePrefix: 'veza/test/' });
    new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'database-url' }, { secretKey: 'db-password', remoteName: 'database-password' }] });
    expect(only(synthValid(chart), 'ExternalSecret').spec.data).toEqual([
      { secretKey: 'database-url', remoteRef: { key: 'veza/test/database-url' } },
      { secretKey: 'db-password', remoteRef: { key: 'veza/test/database-password' } },
    ]);
  });

  test('addData after construction returns the key and appears in the output, in order', () => {
    const chart = testChart();
    const es = new ExternalSecret(chart, 'veza-secrets', { store: vaultStore(chart) });
    const key = es.addData({ secretKey: 'redis-url' });
    expect(key).toEqual({ secretKey: 'redis-url', remoteName: 'redis-url', remoteRef: { key: 'veza/test', property: 'redis-url' } });
    expect(es.addData({ secretKey: 'jwt', remoteName: 'jwt-secret' })).toEqual({ secretKey: 'jwt', remoteName: 'jwt-secret', remoteRef: { key: 'veza/test', property: 'jwt-secret' } });
    // remoteRef: where exactly, instead of the store's mapping (a property of another KV secret of the store).
    expect(es.addData({ secretKey: 'signing', remoteRef: { key: 'veza/test/signing', property: 'signing' } }).remoteRef).toEqual({ key: 'veza/test/signing', property: 'signing' });
    expect(es.keys.map((k) => k.secretKey)).toEqual(['redis-url', 'jwt', 'signing']);
    expect(only(synthValid(chart), 'ExternalSecret').spec.data).toEqual([
      { secretKey: 'redis-url', remoteRef: { key: 'veza/test', property: 'redis-url' } },
      { secretKey: 'jwt', remoteRef: { key: 'veza/test', property: 'jwt-secret' } },
      { secretKey: 'signing', remoteRef: { key: 'veza/test/signing', property: 'signing' } },
    ]);
  });

  const DELETE_NEEDS = (c: string) => `[test/veza-secrets]: 'deletionPolicy' Delete requires 'creationPolicy' Owner or Orphan (ESO's webhook rejects it). The value passed is: creationPolicy ${c}`;
  test.each<[string, Partial<ExternalSecretProps>, string]>([
    ['an invalid targetName', { targetName: 'Veza_Secrets' }, "[test/veza-secrets]: 'targetName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"Veza_Secrets\""],
    ['an invalid name', { name: 'veza secrets' }, "[test/veza-secrets]: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"veza secrets\""],
    ['an invalid secretKey', { data: [{ secretKey: 'jwt secret' }] }, "[test/veza-secrets]: 'secretKey' must be a Secret data key (letters, digits, '-', '_' and '.'). The value passed is: \"jwt secret\""],
    ['a duplicate secretKey', { data: [{ secretKey: 'jwt-secret' }, { secretKey: 'jwt-secret', remoteName: 'other' }] },
      "[test/veza-secrets]: 'secretKey' \"jwt-secret\" is already read by this ExternalSecret (ESO's webhook rejects duplicate keys)."],
    ['Delete with Merge', { deletionPolicy: DeletionPolicy.DELETE, creationPolicy: CreationPolicy.MERGE }, DELETE_NEEDS('Merge')],
    ['Delete with None', { deletionPolicy: DeletionPolicy.DELETE, creationPolicy: CreationPolicy.NONE }, DELETE_NEEDS('None')],
    ['Delete with CreateOrMerge', { deletionPolicy: DeletionPolicy.DELETE, creationPolicy: CreationPolicy.CREATE_OR_MERGE }, DELETE_NEEDS('CreateOrMerge')],
    ['Merge with None', { deletionPolicy: DeletionPolicy.MERGE, creationPolicy: CreationPolicy.NONE }, "[test/veza-secrets]: 'deletionPolicy' Merge cannot be used with 'creationPolicy' None (ESO's webhook rejects it)."],
    ['a label key that is not one', { labels: { 'veza secrets': 'x' } },
      "[test/veza-secrets]: 'labels' has the key \"veza secrets\"; allowed: a label key, an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit"],
    ['a target label value that is not one', { targetLabels: { 'veza.io/environment': 'production/eu' } },
      "[test/veza-secrets]: 'targetLabels.veza.io/environment' is \"production/eu\"; allowed: a label value, at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or empty"],
    ['a zero refreshInterval', { refreshInterval: Duration.seconds(0) },
      "[test/veza-secrets]: 'refreshInterval' must be a whole number of seconds above 0 (with 0 ESO never refreshes and force-sync does nothing). The value passed is: 0s"],
    ['a fractional refreshInterval', { refreshInterval: Duration.millis(1500) },
      "[test/veza-secrets]: 'refreshInterval' must be a whole number of seconds above 0 (with 0 ESO never refreshes and force-sync does nothing). The value passed is: 1.5s"],
  ])('%s is refused', (_case, props, message) => {
    expect(() => build(props)).toThrow(new Error(message));
  });

  test('addData of a key already read is refused', () => {
    const { es } = build();
    expect(() => es.addData({ secretKey: 'jwt-secret' })).toThrow(new Error(
      "[test/veza-secrets]: 'secretKey' \"jwt-secret\" is already read by this ExternalSecret (ESO's webhook rejects duplicate keys).",
    ));
  });

  test('a SecretStore of another namespace is refused', () => {
    const app = testApp();
    const store = vaultStore(new Chart(app, 'stores', { namespace: 'veza-staging' }));
    const chart = new Chart(app, 'test', { namespace: 'veza-production' });
    expect(() => new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }] })).toThrow(new Error(
      '[test/veza-secrets]: \'store\' vault-store is a SecretStore of namespace "veza-staging"; an ExternalSecret in "veza-production" cannot use it. Put both in one namespace or use a ClusterSecretStore.',
    ));
  });

  describe('checked at synth (renderApp)', () => {
    function fileIn(scope: Construct, id: string, path: string): ManifestFile {
      return new ManifestFile(scope, id, { path, namespace: 'veza-test' });
    }

    test('an ExternalSecret without data', () => {
      const app = testApp();
      const file = fileIn(app, 'f', 'test/external-secrets/veza-secrets.yaml');
      new ExternalSecret(file, 'veza-secrets', { store: vaultStore(file) });
      expect(() => renderApp(app)).toThrow(SynthError);
      expect(() => renderApp(app)).toThrow(new Error("[f/veza-secrets]: an ExternalSecret needs at least one key (ESO's webhook rejects one without data); call addData()."));
    });

    test('two owning ExternalSecrets of one Secret in one DeploymentUnit', () => {
      const app = testApp();
      const unit = new DeploymentUnit(app, 'applied');
      const a = fileIn(unit, 'a', 'test/a.yaml');
      const b = fileIn(unit, 'b', 'test/b.yaml');
      new ExternalSecret(a, 'veza-secrets', { store: vaultStore(a), data: [{ secretKey: 'jwt-secret' }] });
      new ExternalSecret(b, 'veza-secrets', { store: vaultStore(b), data: [{ secretKey: 'redis-url' }], creationPolicy: CreationPolicy.ORPHAN });
      let error: unknown;
      try {
        renderApp(app);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SynthError);
      expect((error as SynthError).messages).toEqual([
        '[applied/a/veza-secrets]: the Secret "veza-secrets" in namespace "veza-test" has 2 owning ExternalSecrets (applied/a/veza-secrets, applied/b/veza-secrets); exactly one may create it, the others must use creationPolicy Merge.',
      ]);
    });

    test('owners are listed in tree order, whatever order they were created in; one removed from the tree owns nothing', () => {
      const app = testApp();
      const unit = new DeploymentUnit(app, 'applied');
      const a = fileIn(unit, 'a', 'test/a.yaml');
      const b = fileIn(unit, 'b', 'test/b.yaml');
      const c = fileIn(unit, 'c', 'test/c.yaml');
      new ExternalSecret(c, 'veza-secrets', { store: vaultStore(c), data: [{ secretKey: 'jwt-secret' }] });
      new ExternalSecret(b, 'veza-secrets', { store: vaultStore(b), data: [{ secretKey: 'redis-url' }], creationPolicy: CreationPolicy.ORPHAN });
      new ExternalSecret(a, 'veza-secrets', { store: vaultStore(a), data: [{ secretKey: 'jwt-secret' }] });
      expect(c.node.tryRemoveChild('veza-secrets')).toBe(true);
      expect(() => renderApp(app)).toThrow(new Error(
        '[applied/a/veza-secrets]: the Secret "veza-secrets" in namespace "veza-test" has 2 owning ExternalSecrets (applied/a/veza-secrets, applied/b/veza-secrets); exactly one may create it, the others must use creationPolicy Merge.',
      ));
      expect(a.node.tryRemoveChild('veza-secrets')).toBe(true);
      expect(renderApp(app).map((f) => f.path)).toEqual(['test/a.yaml', 'test/b.yaml', 'test/c.yaml']);
    });

    test('two owning ExternalSecrets of one Secret in two DeploymentUnits are not an error (alternatives)', () => {
      const app = testApp();
      const a = fileIn(new DeploymentUnit(app, 'applied'), 'a', 'test/a.yaml');
      const b = fileIn(new DeploymentUnit(app, 'alternative'), 'b', 'alternatives/test/b.yaml');
      new ExternalSecret(a, 'veza-secrets', { store: vaultStore(a), data: [{ secretKey: 'jwt-secret' }] });
      new ExternalSecret(b, 'veza-secrets', { store: vaultStore(b), data: [{ secretKey: 'jwt-secret' }] });
      expect(renderApp(app).map((f) => f.path)).toEqual(['alternatives/test/b.yaml', 'test/a.yaml']);
    });

    test('one owner and one Merge of the same Secret in one unit are not an error', () => {
      const app = testApp();
      const a = fileIn(app, 'a', 'test/a.yaml');
      const b = fileIn(app, 'b', 'test/b.yaml');
      new ExternalSecret(a, 'veza-secrets', { store: vaultStore(a), data: [{ secretKey: 'jwt-secret' }] });
      new ExternalSecret(b, 'extra', { store: vaultStore(b), targetName: 'veza-secrets', creationPolicy: CreationPolicy.MERGE, data: [{ secretKey: 'redis-url' }] });
      expect(renderApp(app).map((f) => f.path)).toEqual(['test/a.yaml', 'test/b.yaml']);
    });

    test('owners of one Secret name in two namespaces are not an error', () => {
      const app = testApp();
      const a = new ManifestFile(app, 'a', { path: 'staging/a.yaml', namespace: 'veza-staging' });
      const b = new ManifestFile(app, 'b', { path: 'production/b.yaml', namespace: 'veza-production' });
      new ExternalSecret(a, 'veza-secrets', { store: vaultStore(a), data: [{ secretKey: 'jwt-secret' }] });
      new ExternalSecret(b, 'veza-secrets', { store: vaultStore(b), data: [{ secretKey: 'jwt-secret' }] });
      expect(renderApp(app).map((f) => f.path)).toEqual(['production/b.yaml', 'staging/a.yaml']);
    });
  });
});
