import * as kplus from 'cdk8s-plus-28';
import { SecretProvider, SecretStoreKind, VaultAuth, VaultSecretStore, VaultSecretStoreProps } from '../lib';
import { kindsAndNames, Manifest, only, synthValid, testChart } from './support/charts';

const SERVER = 'https://vault.example:8200';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n';

/** Builds a store in a fresh chart `test` (namespace veza-test) and returns it with its objects. */
function build(props: Partial<VaultSecretStoreProps> = {}) {
  const chart = testChart();
  const store = new VaultSecretStore(chart, 'vault-store', { server: SERVER, path: 'veza/test', ...props });
  const objects = synthValid(chart);
  return { chart, store, objects, resource: only(objects, 'SecretStore'), vault: only(objects, 'SecretStore').spec.provider.vault as Manifest };
}

describe('VaultSecretStore', () => {
  test('defaults: a SecretStore vault-store on KV v2 mount secret, Kubernetes auth as a dedicated service account', () => {
    const { store, objects, resource, vault } = build();
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount/vault-store-auth', 'SecretStore/vault-store']);
    expect(only(objects, 'ServiceAccount')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'vault-store-auth', namespace: 'veza-test' },
      automountServiceAccountToken: false,
    });
    expect(resource.apiVersion).toBe('external-secrets.io/v1');
    expect(resource.metadata).toEqual({ name: 'vault-store', namespace: 'veza-test' });
    expect(resource.spec.conditions).toBeUndefined();
    expect(vault.server).toBe(SERVER);
    expect(vault.path).toBe('secret');
    expect(vault.version).toBe('v2');
    expect(vault.namespace).toBeUndefined();
    expect(vault.caBundle).toBeUndefined();
    expect(vault.caProvider).toBeUndefined();
    // Role named after the namespace, audience 'vault' (the Vault role checks it), no namespace on the ref.
    expect(vault.auth).toEqual({
      kubernetes: { mountPath: 'kubernetes', role: 'veza-test', serviceAccountRef: { name: 'vault-store-auth', audiences: ['vault'] } },
    });
    expect(store.storeName).toBe('vault-store');
    expect(store.kind).toBe(SecretStoreKind.SECRET_STORE);
    expect(store.namespace).toBe('veza-test');
    expect(store.provider).toBe(SecretProvider.VAULT);
    expect(store.location).toBe('secret/veza/test');
    expect(store.mount).toBe('secret');
    expect(store.path).toBe('veza/test');
    expect(store.authRole).toBe('veza-test');
    expect(store.authAudience).toBe('vault');
    expect(store.serviceAccount?.name).toBe('vault-store-auth');
    expect(store.apiObject.kind).toBe('SecretStore');
    // One KV secret per environment, one property per key: the seed's `vault kv put secret/veza/<env> jwt-secret=...`.
    expect(store.remoteRef('jwt-secret')).toEqual({ key: 'veza/test', property: 'jwt-secret' });
    expect(objects).toMatchSnapshot();
  });

  test('name', () => {
    const { store, resource, objects } = build({ name: 'team-vault' });
    expect(resource.metadata.name).toBe('team-vault');
    expect(store.storeName).toBe('team-vault');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('team-vault-auth');
  });

  test('labels', () => {
    expect(build({ labels: { tier: 'secrets' } }).resource.metadata.labels).toEqual({ tier: 'secrets' });
  });

  test('mount', () => {
    const { store, vault } = build({ mount: 'kv' });
    expect(vault.path).toBe('kv');
    expect(store.location).toBe('kv/veza/test');
  });

  test('kvVersion v1', () => {
    expect(build({ kvVersion: 'v1' }).vault.version).toBe('v1');
    expect(build({ kvVersion: 'v2' }).vault.version).toBe('v2');
  });

  test('vaultNamespace (Vault Enterprise)', () => {
    expect(build({ vaultNamespace: 'veza' }).vault.namespace).toBe('veza');
  });

  test('caBundle is rendered base64-encoded', () => {
    const { vault } = build({ caBundle: PEM });
    expect(Buffer.from(vault.caBundle, 'base64').toString()).toBe(PEM);
    expect(vault.caProvider).toBeUndefined();
  });

  test.each(['ConfigMap', 'Secret'] as const)('caProvider of type %s', (type) => {
    const { vault } = build({ caProvider: { type, name: 'vault-ca', key: 'ca.crt' } });
    expect(vault.caProvider).toEqual({ type, name: 'vault-ca', key: 'ca.crt' });
    expect(vault.caBundle).toBeUndefined();
  });

  test('caProvider in the store\'s own namespace is accepted (and not repeated)', () => {
    expect(build({ caProvider: { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt', namespace: 'veza-test' } }).vault.caProvider)
      .toEqual({ type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' });
  });

  describe('auth', () => {
    test('kubernetes with role, mountPath and audience', () => {
      const { store, vault } = build({ auth: VaultAuth.kubernetes({ role: 'veza-test-reader', mountPath: 'k8s-prod', audience: 'vault.example' }) });
      expect(vault.auth).toEqual({
        kubernetes: { mountPath: 'k8s-prod', role: 'veza-test-reader', serviceAccountRef: { name: 'vault-store-auth', audiences: ['vault.example'] } },
      });
      expect(store.authRole).toBe('veza-test-reader');
      expect(store.authAudience).toBe('vault.example');
      // What the Vault side must match, every field known: the integration reads it, no assertion.
      expect(store.kubernetesAuth).toEqual({ role: 'veza-test-reader', audience: 'vault.example', mountPath: 'k8s-prod', serviceAccount: store.serviceAccount });
    });

    test('kubernetes with a service account of the caller: no dedicated one is created', () => {
      const chart = testChart();
      const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'external-secrets-reader' }, automountToken: false });
      const store = new VaultSecretStore(chart, 'vault-store', { server: SERVER, path: 'veza/test', auth: VaultAuth.kubernetes({ serviceAccount: sa }) });
      const objects = synthValid(chart);
      expect(kindsAndNames(objects)).toEqual(['ServiceAccount/external-secrets-reader', 'SecretStore/vault-store']);
      expect(only(objects, 'SecretStore').spec.provider.vault.auth.kubernetes.serviceAccountRef).toEqual({ name: 'external-secrets-reader', audiences: ['vault'] });
      expect(store.serviceAccount).toBe(sa);
    });

    test('jwt with a projected service-account token', () => {
      const { store, objects, vault } = build({ auth: VaultAuth.jwt({ role: 'veza-test' }) });
      expect(vault.auth).toEqual({
        jwt: { path: 'jwt', role: 'veza-test', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'vault-store-auth' }, audiences: ['vault'] } },
      });
      expect(kindsAndNames(objects)).toEqual(['ServiceAccount/vault-store-auth', 'SecretStore/vault-store']);
      expect(store.authRole).toBe('veza-test');
      expect(store.authAudience).toBe('vault');
      expect(store.kubernetesAuth).toBeUndefined();
    });

    test('jwt with path and audience', () => {
      const { vault } = build({ auth: VaultAuth.jwt({ role: 'r', path: 'oidc', audience: 'https://vault.example' }) });
      expect(vault.auth.jwt.path).toBe('oidc');
      expect(vault.auth.jwt.kubernetesServiceAccountToken.audiences).toEqual(['https://vault.example']);
    });

    test('appRole: role ID inline, secret ID by reference, no service account', () => {
      const { store, objects, vault } = build({ auth: VaultAuth.appRole({ roleId: 'c0ffee', secretId: { name: 'vault-approle', key: 'secret-id' } }) });
      expect(vault.auth).toEqual({ appRole: { path: 'approle', roleId: 'c0ffee', secretRef: { name: 'vault-approle', key: 'secret-id' } } });
      expect(kindsAndNames(objects)).toEqual(['SecretStore/vault-store']);
      expect(store.serviceAccount).toBeUndefined();
      expect(store.authRole).toBeUndefined();
    });

    test('appRole with path', () => {
      expect(build({ auth: VaultAuth.appRole({ roleId: 'r', secretId: { name: 's', key: 'k' }, path: 'approle-veza' }) }).vault.auth.appRole.path).toBe('approle-veza');
    });

    test('token: by reference, no service account', () => {
      const { objects, vault } = build({ auth: VaultAuth.token({ token: { name: 'vault-token', key: 'token' } }) });
      expect(vault.auth).toEqual({ tokenSecretRef: { name: 'vault-token', key: 'token' } });
      expect(kindsAndNames(objects)).toEqual(['SecretStore/vault-store']);
    });
  });

  const BAD_NAME = "must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters).";
  test.each<[string, Partial<VaultSecretStoreProps> | (() => Partial<VaultSecretStoreProps>), string]>([
    ['an invalid name', { name: 'Vault_Store' }, `[test/vault-store]: 'name' ${BAD_NAME} The value passed is: "Vault_Store"`],
    ['a label value too long', { labels: { tier: 'x'.repeat(64) } },
      `[test/vault-store]: 'labels.tier' is "${'x'.repeat(64)}"; allowed: a label value, at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or empty`],
    ['a server without a scheme', { server: 'vault.example:8200' }, "[test/vault-store]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: \"vault.example:8200\""],
    ['a server that is not http(s)', { server: 'ftp://vault.example' }, "[test/vault-store]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: \"ftp://vault.example\""],
    ['a server that is no URL', { server: 'not a url' }, "[test/vault-store]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: \"not a url\""],
    ['a path with a leading /', { path: '/veza/test' }, "[test/vault-store]: 'path' must be a Vault path of segments separated by '/', without leading or trailing '/'. The value passed is: \"/veza/test\""],
    ['a path with a trailing /', { path: 'veza/test/' }, "[test/vault-store]: 'path' must be a Vault path of segments separated by '/', without leading or trailing '/'. The value passed is: \"veza/test/\""],
    ['an empty mount', { mount: '' }, "[test/vault-store]: 'mount' must be a Vault path of segments separated by '/', without leading or trailing '/'. The value passed is: \"\""],
    ['caBundle and caProvider together', { caBundle: PEM, caProvider: { type: 'Secret', name: 'ca', key: 'ca.crt' } }, "[test/vault-store]: set 'caBundle' or 'caProvider', not both."],
    ['a caBundle that is not PEM', { caBundle: 'MIIBszCCAVmgAwIBAgIUQ' }, "[test/vault-store]: 'caBundle' must be a PEM certificate bundle ('-----BEGIN CERTIFICATE-----'). The value passed starts with: \"MIIBszCCAVmgAwIBAgIU\""],
    ['a caProvider with an invalid name', { caProvider: { type: 'ConfigMap', name: 'Vault CA', key: 'ca.crt' } }, `[test/vault-store]: 'caProvider.name' ${BAD_NAME} The value passed is: "Vault CA"`],
    ['a caProvider in another namespace', { caProvider: { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt', namespace: 'vault-system' } },
      "[test/vault-store]: 'caProvider.namespace' must be the store's own namespace \"veza-test\": a SecretStore cannot read other namespaces. The value passed is: \"vault-system\""],
    ['a token Secret in another namespace', { auth: VaultAuth.token({ token: { name: 'vault-token', key: 'token', namespace: 'vault-system' } }) },
      "[test/vault-store]: 'auth.token.namespace' must be the store's own namespace \"veza-test\": a SecretStore cannot read other namespaces. The value passed is: \"vault-system\""],
    ['an AppRole secret with an invalid name', { auth: VaultAuth.appRole({ roleId: 'r', secretId: { name: 'AppRole', key: 'k' } }) }, `[test/vault-store]: 'auth.secretId.name' ${BAD_NAME} The value passed is: "AppRole"`],
  ])('%s is refused', (_case, props, message) => {
    expect(() => build(typeof props === 'function' ? props() : props)).toThrow(new Error(message));
  });

  test('a service account of another namespace is refused', () => {
    const chart = testChart();
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'reader', { namespaceName: 'other' });
    expect(() => new VaultSecretStore(chart, 'vault-store', { server: SERVER, path: 'veza/test', auth: VaultAuth.kubernetes({ serviceAccount: sa }) })).toThrow(new Error(
      "[test/vault-store]: 'auth.serviceAccount.namespace' must be the store's own namespace \"veza-test\": a SecretStore cannot read other namespaces. The value passed is: \"other\"",
    ));
  });

  test('http is accepted by the construct (the environment file decides whether TLS is required)', () => {
    expect(build({ server: 'http://vault.vault-system.svc:8200' }).vault.server).toBe('http://vault.vault-system.svc:8200');
  });
});
