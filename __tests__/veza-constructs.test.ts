// The constructs a VezaEnvironment is made of, each with props and wired by reference:
// VezaProviderSecrets, VezaRotation, and the README reading names from the operator it is given.
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { ExternalSecret, ExternalSecretsOperator, ManifestFile, RotationMethod, SecretCatalog, VaultKubernetesAuthIntegration, VaultSecretStore } from '../lib';
import { loadEnvironments, PROVIDERS, STORE_NAMES, VEZA_CATALOG, VezaCatalog, VezaCluster, VezaEnvironment, VezaProviderSecrets, VezaRotation } from '../lib/veza';

const root = path.join(__dirname, '..');
const environments = loadEnvironments(path.join(root, 'environments'));
const vaultEnvironments = environments.filter((e) => e.provider === 'vault' && e.providers.vault.auth.method === 'kubernetes');

function environment(config = environments[0], operator?: (app: App) => ExternalSecretsOperator) {
  const app = new App();
  return new VezaEnvironment(app, config.name, { config, catalog: VEZA_CATALOG, operator: operator ? operator(app) : new VezaCluster(app, 'cluster').operator });
}

describe('VezaProviderSecrets', () => {
  test.each(environments.map((e) => [e.name, e] as const))('%s: one per provider, the active one first, each ExternalSecret reading its own store', (_name, config) => {
    const env = environment(config);
    expect(env.providers.map((p) => p.provider)).toEqual([config.provider, ...PROVIDERS.filter((p) => p !== config.provider)]);
    for (const p of env.providers) {
      expect(p).toBeInstanceOf(VezaProviderSecrets);
      expect(p.store.storeName).toBe(STORE_NAMES[p.provider]);
      expect(p.externalSecret.store).toBe(p.store);
      expect(p.active).toBe(p.provider === config.provider);
      expect(env.isApplied(p.store)).toBe(p.active);
      if (p.provider !== 'vault') expect(p.vaultCa).toBeUndefined();
    }
    expect(env.vaultCa).toBe(env.providers.find((p) => p.provider === 'vault')!.vaultCa);
  });

  test('with the CA in the environment file, the Vault store reads the ConfigMap the construct synthesizes, by reference', () => {
    const config = environments[0];
    const vault = { ...config.providers.vault, caProvider: { type: 'ConfigMap' as const, name: 'vault-ca', key: 'ca.crt' }, caCertificate: { pem: '-----BEGIN CERTIFICATE-----\n', source: 'test', certificates: [] } };
    const env = environment({ ...config, providers: { ...config.providers, vault } });
    const provider = env.providers.find((p) => p.provider === 'vault')!;
    expect(provider.vaultCa).toBeDefined();
    expect(env.vaultCa).toBe(provider.vaultCa);
    expect((provider.store as VaultSecretStore).caProvider).toEqual({ type: 'ConfigMap', name: provider.vaultCa!.name, key: 'ca.crt' });
    expect(env.isApplied(provider.vaultCa)).toBe(provider.active);
  });

  test('addVaultIntegration adds nothing for a store that is not Vault\'s', () => {
    const env = environment();
    for (const p of env.providers.filter((x) => x.provider !== 'vault')) expect(p.addVaultIntegration()).toBeUndefined();
  });
});

describe('VezaRotation', () => {
  test.each(environments.map((e) => [e.name, e] as const))('%s: the environment creates it in its applied folder, from the integration of the active Vault store', (_name, config) => {
    const env = environment(config);
    if (!vaultEnvironments.includes(config)) {
      expect(env.rotation).toBeUndefined();
      return;
    }
    expect(env.rotation).toBeInstanceOf(VezaRotation);
    expect(env.isApplied(env.rotation)).toBe(true);
    expect(env.rotation!.rotation.vault).toBe(env.vaultIntegration);
    expect(env.rotation!.rotation.externalSecret).toBe(env.active.externalSecret);
    expect(env.rotation!.rotations.map((r) => r.rotationClass.name))
      .toEqual(VezaRotation.rotationsOf({ catalog: VEZA_CATALOG, externalSecret: env.active.externalSecret, vault: env.vaultIntegration! }).map((p) => p.rotationClass.name));
  });

  const MANUAL_ONLY = SecretCatalog.define({
    services: ['veza-backend-api'],
    secrets: { 'jwt-secret': { description: 'd', placeholder: 'p', consumers: ['veza-backend-api'], rotation: { name: 'by-hand', method: RotationMethod.MANUAL, description: 'd' } } },
  }) as unknown as VezaCatalog;

  test.each<[string, (chart: Chart) => { externalSecret: ExternalSecret; vault: VaultKubernetesAuthIntegration }, VezaCatalog, string]>([
    ['an ExternalSecret of another store than the integration\'s', (chart) => {
      const other = new VaultSecretStore(chart, 'other-store', { name: 'other-store', server: 'https://vault.example:8200', path: 'veza/production' });
      const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'veza/production' });
      return { externalSecret: new ExternalSecret(chart, 'veza-secrets', { store: other, data: [{ secretKey: 'jwt-secret' }] }), vault: new VaultKubernetesAuthIntegration(chart, 'vault', { store }) };
    }, VEZA_CATALOG,
    `[production/SecretsRotation]: 'externalSecret' reads from "other-store", of which the catalog rotates no class automatically through 'vault' ("vault-store"); allowed: the ExternalSecret of the integration's store and a catalog with a GENERATE class, or a DATABASE_ENGINE class rendered from the engine.`],
    ['a catalog without an automatic class', (chart) => {
      const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'veza/production' });
      return { externalSecret: new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }] }), vault: new VaultKubernetesAuthIntegration(chart, 'vault', { store }) };
    }, MANUAL_ONLY,
    `[production/SecretsRotation]: 'externalSecret' reads from "vault-store", of which the catalog rotates no class automatically through 'vault' ("vault-store"); allowed: the ExternalSecret of the integration's store and a catalog with a GENERATE class, or a DATABASE_ENGINE class rendered from the engine.`],
  ])('refuses %s', (_what, build, catalog, message) => {
    const app = Testing.app();
    const { externalSecret, vault } = build(new Chart(app, 'stores', { namespace: 'veza-production' }));
    const config = environments.find((e) => e.name === 'production') ?? environments[0];
    expect(VezaRotation.rotationsOf({ catalog, externalSecret, vault })).toEqual([]);
    const scope = new Chart(app, 'production');
    expect(() => new VezaRotation(scope, 'SecretsRotation', { config, catalog, externalSecret, vault })).toThrow(message);
  });
});

test('the README names the operator it is given (its Deployment and namespace), not constants that happen to match', () => {
  const env = environment(environments[0], (app) => new ExternalSecretsOperator(new ManifestFile(app, 'eso', { path: 'eso/operator.yaml' }), 'Operator', { namespace: 'eso-system', releaseName: 'eso-controller' }));
  expect(env.operator.deploymentName).toBe('eso-controller');
  const text = env.readme.file.render();
  expect(text).toContain('kubectl logs -n eso-system deployment/eso-controller');
  expect(text).toContain('External Secrets Operator<br/>deployment/eso-controller in eso-system');
  expect(text).not.toContain('external-secrets-system');
});
