import * as kplus from 'cdk8s-plus-28';
import { AzureAuth, AzureKeyVaultStore, AzureKeyVaultStoreProps, SecretProvider, SecretStoreKind } from '../lib';
import { AZURE_CLIENT_ID_ANNOTATION, AZURE_TOKEN_AUDIENCE } from '../lib/eso/azure-key-vault-store';
import { kindsAndNames, Manifest, only, synthValid, testChart } from './support/charts';

const VAULT_URL = 'https://veza-test.vault.azure.net';
const GUID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const TENANT = '11111111-2222-3333-4444-555555555555';

/** Workload identity on the dedicated account needs both IDs (what ESO reads, see the test below). */
const WORKLOAD = { tenantId: TENANT, auth: AzureAuth.workloadIdentity({ clientId: GUID }) };

function build(props: Partial<AzureKeyVaultStoreProps> = {}) {
  const chart = testChart();
  const store = new AzureKeyVaultStore(chart, 'azure-store', { vaultUrl: VAULT_URL, ...props });
  const objects = synthValid(chart);
  return { store, objects, resource: only(objects, 'SecretStore'), azurekv: only(objects, 'SecretStore').spec.provider.azurekv as Manifest };
}

describe('AzureKeyVaultStore', () => {
  test('defaults: workload identity as a dedicated account (given its client ID and the tenant), no prefix', () => {
    const { store, objects, resource, azurekv } = build({ tenantId: TENANT, auth: AzureAuth.workloadIdentity({ clientId: GUID }) });
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount/azure-store-auth', 'SecretStore/azure-store']);
    expect(resource.metadata).toEqual({ name: 'azure-store', namespace: 'veza-test' });
    expect(azurekv.authType).toBe('WorkloadIdentity');
    expect(store.storeName).toBe('azure-store');
    expect(store.kind).toBe(SecretStoreKind.SECRET_STORE);
    expect(store.provider).toBe(SecretProvider.AZURE);
    expect(store.vaultUrl).toBe(VAULT_URL);
    expect(store.tenantId).toBe(TENANT);
    expect(store.namePrefix).toBe('');
    expect(store.location).toBe(`azure:${VAULT_URL}/`);
    expect(store.remoteRef('jwt-secret')).toEqual({ key: 'jwt-secret' });
    expect(objects).toMatchSnapshot();
  });

  // What ESO v2.9's Key Vault provider reads with WorkloadIdentity and a serviceAccountRef
  // (providers/v1/azure/keyvault, authorizerForWorkloadIdentity):
  // - the client ID from authSecretRef.clientId or the service account's annotation
  //   azure.workload.identity/client-id, else "missing clientID: either serviceAccountRef or service
  //   account annotation 'azure.workload.identity/client-id' is missing";
  // - the tenant from authSecretRef.tenantId, spec.provider.azurekv.tenantId or the annotation
  //   azure.workload.identity/tenant-id (set in two places: "multiple tenantID found"), else the
  //   controller's AZURE_TENANT_ID, else "missing tenantID in store config";
  // - a token requested for the service account with the audience api://AzureADTokenExchange.
  test('workload identity: the account carries the client ID annotation only, the store the tenant (exact output)', () => {
    const { objects } = build(WORKLOAD);
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'azure-store-auth', namespace: 'veza-test', annotations: { 'azure.workload.identity/client-id': GUID } },
        automountServiceAccountToken: false,
      },
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: 'azure-store', namespace: 'veza-test' },
        spec: { provider: { azurekv: { vaultUrl: VAULT_URL, tenantId: TENANT, authType: 'WorkloadIdentity', serviceAccountRef: { name: 'azure-store-auth' } } } },
      },
    ]);
    // The tenant in one place only, or ESO refuses it.
    expect(only(objects, 'ServiceAccount').metadata.annotations).not.toHaveProperty('azure.workload.identity/tenant-id');
    expect(AZURE_CLIENT_ID_ANNOTATION).toBe('azure.workload.identity/client-id');
    expect(AZURE_TOKEN_AUDIENCE).toBe('api://AzureADTokenExchange');
  });

  test('workload identity with an account owned by someone else: neither ID is required here', () => {
    const chart = testChart();
    const serviceAccount = kplus.ServiceAccount.fromServiceAccountName(chart, 'Theirs', 'platform-azure', { namespaceName: 'veza-test' });
    const store = new AzureKeyVaultStore(chart, 'azure-store', { vaultUrl: VAULT_URL, auth: AzureAuth.workloadIdentity({ serviceAccount }) });
    const objects = synthValid(chart);
    expect(kindsAndNames(objects)).toEqual(['SecretStore/azure-store']);
    expect(only(objects, 'SecretStore').spec.provider.azurekv).toEqual({ vaultUrl: VAULT_URL, authType: 'WorkloadIdentity', serviceAccountRef: { name: 'platform-azure' } });
    expect(store.serviceAccount).toBe(serviceAccount);
  });

  test('name', () => {
    const { resource, objects } = build({ name: 'azure-main', ...WORKLOAD });
    expect(resource.metadata.name).toBe('azure-main');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('azure-main-auth');
  });

  test('tenantId', () => {
    const { store, azurekv } = build({ ...WORKLOAD, tenantId: TENANT });
    expect(azurekv.tenantId).toBe(TENANT);
    expect(store.tenantId).toBe(TENANT);
  });

  test('a trailing / on vaultUrl is kept in the store and dropped from the location', () => {
    const { store, azurekv } = build({ vaultUrl: `${VAULT_URL}/`, ...WORKLOAD });
    expect(azurekv.vaultUrl).toBe(`${VAULT_URL}/`);
    expect(store.location).toBe(`azure:${VAULT_URL}/`);
  });

  test('managedIdentity, with and without an identity ID: no service account', () => {
    const plain = build({ auth: AzureAuth.managedIdentity() });
    expect(plain.azurekv).toEqual({ vaultUrl: VAULT_URL, authType: 'ManagedIdentity' });
    expect(kindsAndNames(plain.objects)).toEqual(['SecretStore/azure-store']);
    expect(plain.store.serviceAccount).toBeUndefined();
    expect(build({ auth: AzureAuth.managedIdentity({ identityId: GUID }) }).azurekv.identityId).toBe(GUID);
  });

  test('servicePrincipal: client ID and secret by reference, with the tenant', () => {
    const { objects, azurekv } = build({
      tenantId: TENANT,
      auth: AzureAuth.servicePrincipal({ clientId: { name: 'azure-sp', key: 'client-id' }, clientSecret: { name: 'azure-sp', key: 'client-secret' } }),
    });
    expect(azurekv).toEqual({
      vaultUrl: VAULT_URL,
      tenantId: TENANT,
      authType: 'ServicePrincipal',
      authSecretRef: { clientId: { name: 'azure-sp', key: 'client-id' }, clientSecret: { name: 'azure-sp', key: 'client-secret' } },
    });
    expect(kindsAndNames(objects)).toEqual(['SecretStore/azure-store']);
  });

  test('namePrefix: the seed\'s veza-<key>', () => {
    const { store } = build({ namePrefix: 'veza-', ...WORKLOAD });
    expect(store.remoteRef('database-url')).toEqual({ key: 'veza-database-url' });
    expect(store.location).toBe(`azure:${VAULT_URL}/veza-`);
  });

  test.each(['https://veza-test.vault.azure.net', 'https://veza.vault.azure.cn', 'https://veza-gov.vault.usgovcloudapi.net'])('vaultUrl %s is accepted', (vaultUrl) => {
    expect(build({ vaultUrl, ...WORKLOAD }).azurekv.vaultUrl).toBe(vaultUrl);
  });

  const URL_MESSAGE = (v: string) => `[test/azure-store]: 'vaultUrl' must be a Key Vault URL such as https://my-vault.vault.azure.net. The value passed is: ${JSON.stringify(v)}`;
  const GUID_MESSAGE = (field: string, v: string) => `[test/azure-store]: '${field}' must be a GUID such as 00000000-0000-0000-0000-000000000000. The value passed is: ${JSON.stringify(v)}`;
  test.each<[string, Partial<AzureKeyVaultStoreProps>, string]>([
    ['an invalid name', { name: 'Azure' }, "[test/azure-store]: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"Azure\""],
    ['an http vaultUrl', { vaultUrl: 'http://veza-test.vault.azure.net' }, URL_MESSAGE('http://veza-test.vault.azure.net')],
    ['a vaultUrl of another service', { vaultUrl: 'https://veza-test.example.com' }, URL_MESSAGE('https://veza-test.example.com')],
    ['a vault name too short', { vaultUrl: 'https://vz.vault.azure.net' }, URL_MESSAGE('https://vz.vault.azure.net')],
    ['a vaultUrl with a path', { vaultUrl: 'https://veza-test.vault.azure.net/secrets' }, URL_MESSAGE('https://veza-test.vault.azure.net/secrets')],
    ['a tenantId that is not a GUID', { tenantId: 'veza.onmicrosoft.com' }, GUID_MESSAGE('tenantId', 'veza.onmicrosoft.com')],
    ['a workload identity clientId that is not a GUID', { tenantId: TENANT, auth: AzureAuth.workloadIdentity({ clientId: '1234' }) }, GUID_MESSAGE('auth.clientId', '1234')],
    ['workload identity (the default) without a client ID', { tenantId: TENANT },
      "[test/azure-store]: 'auth.clientId' is required with workload identity on the dedicated service account (ESO reads the client ID from its azure.workload.identity/client-id annotation; without it: \"missing clientID\")."],
    ['workload identity without a tenant', { auth: AzureAuth.workloadIdentity({ clientId: GUID }) },
      "[test/azure-store]: 'tenantId' is required with workload identity on the dedicated service account (ESO reads the tenant from spec.provider.azurekv.tenantId; without it: \"missing tenantID in store config\")."],
    ['a managed identityId that is not a GUID', { auth: AzureAuth.managedIdentity({ identityId: '0f1e2d3c-4b5a-6978-8796' }) }, GUID_MESSAGE('auth.identityId', '0f1e2d3c-4b5a-6978-8796')],
    ['servicePrincipal without tenantId', { auth: AzureAuth.servicePrincipal({ clientId: { name: 'sp', key: 'id' }, clientSecret: { name: 'sp', key: 'secret' } }) },
      "[test/azure-store]: 'tenantId' is required with service-principal auth."],
    ['a namePrefix with _', { namePrefix: 'veza_' }, "[test/azure-store]: 'namePrefix' may hold only letters, digits and '-' (Key Vault names). The value passed is: \"veza_\""],
  ])('%s is refused', (_case, props, message) => {
    expect(() => build(props)).toThrow(new Error(message));
  });

  test.each<[string, string]>([
    ['s3_access_key', '[test/azure-store]: the Key Vault secret name "veza-s3_access_key" is not allowed: letters, digits and \'-\' only, at most 127 characters.'],
    ['x'.repeat(123), `[test/azure-store]: the Key Vault secret name "veza-${'x'.repeat(123)}" is not allowed: letters, digits and '-' only, at most 127 characters.`],
  ])('remote name %s is refused when mapped', (remoteName, message) => {
    const { store } = build({ namePrefix: 'veza-', ...WORKLOAD });
    expect(() => store.remoteRef(remoteName)).toThrow(new Error(message));
  });
});
