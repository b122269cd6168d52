import * as kplus from 'cdk8s-plus-28';
import { AwsAuth, AwsSecretStore, AzureAuth, AzureKeyVaultStore, ExternalSecret, GcpAuth, GcpSecretStore, SecretStoreKind, VaultAuth, VaultSecretStore } from '../lib';
import { only, synthValid, testChart } from './support/charts';

// clusterWide: true turns any store into a ClusterSecretStore; every reference it holds to a
// namespaced object (service account, Secret, CA) must then name the namespace.

describe('clusterWide', () => {
  test('emits a ClusterSecretStore without metadata.namespace, even in a chart that has one', () => {
    const chart = testChart('veza-test');
    const store = new VaultSecretStore(chart, 'vault-store', {
      server: 'https://vault.example:8200',
      path: 'veza/shared',
      clusterWide: true,
      auth: VaultAuth.kubernetes({ role: 'veza-shared' }),
    });
    const objects = synthValid(chart);
    const resource = only(objects, 'ClusterSecretStore', 'vault-store');
    expect(resource.apiVersion).toBe('external-secrets.io/v1');
    expect(resource.metadata).toEqual({ name: 'vault-store' });
    expect(resource.spec.conditions).toBeUndefined();
    expect(store.kind).toBe(SecretStoreKind.CLUSTER_SECRET_STORE);
    expect(store.namespace).toBeUndefined();
    // The dedicated service account stays namespaced, and the store names its namespace.
    expect(only(objects, 'ServiceAccount', 'vault-store-auth').metadata.namespace).toBe('veza-test');
    expect(resource.spec.provider.vault.auth.kubernetes.serviceAccountRef).toEqual({ name: 'vault-store-auth', namespace: 'veza-test', audiences: ['vault'] });
  });

  test('in a chart without a namespace the ClusterSecretStore has none either', () => {
    const chart = testChart(null);
    new VaultSecretStore(chart, 'vault-store', {
      server: 'https://vault.example:8200',
      path: 'veza/shared',
      clusterWide: true,
      auth: VaultAuth.token({ token: { name: 'vault-token', key: 'token', namespace: 'vault-system' } }),
    });
    const resource = only(synthValid(chart), 'ClusterSecretStore');
    expect(resource.metadata).toEqual({ name: 'vault-store' });
    expect(resource.spec.provider.vault.auth).toEqual({ tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'vault-system' } });
  });

  test('allowedNamespaces becomes spec.conditions[].namespaces', () => {
    const chart = testChart();
    new AwsSecretStore(chart, 'aws-store', { region: 'eu-west-3', clusterWide: true, allowedNamespaces: ['veza-staging', 'veza-production'] });
    expect(only(synthValid(chart), 'ClusterSecretStore').spec.conditions).toEqual([{ namespaces: ['veza-staging', 'veza-production'] }]);
  });

  test('an ExternalSecret of any namespace refers to it with kind ClusterSecretStore', () => {
    const shared = testChart(null);
    const store = new GcpSecretStore(shared, 'gcp-store', {
      projectId: 'veza-shared',
      clusterWide: true,
      auth: GcpAuth.serviceAccountKey({ key: { name: 'gcp-key', key: 'key.json', namespace: 'external-secrets-system' } }),
    });
    const chart = testChart('veza-other');
    new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }] });
    expect(only(synthValid(chart), 'ExternalSecret').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'gcp-store' });
  });

  test.each<[string, () => void, string]>([
    ['Vault token without a namespace', () => new VaultSecretStore(testChart(), 'vault-store', {
      server: 'https://vault.example:8200', path: 'veza/shared', clusterWide: true, auth: VaultAuth.token({ token: { name: 'vault-token', key: 'token' } }),
    }), "[test/vault-store]: 'auth.token.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['Vault AppRole secret ID without a namespace', () => new VaultSecretStore(testChart(), 'vault-store', {
      server: 'https://vault.example:8200', path: 'veza/shared', clusterWide: true, auth: VaultAuth.appRole({ roleId: 'r', secretId: { name: 'approle', key: 'secret-id' } }),
    }), "[test/vault-store]: 'auth.secretId.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['Vault caProvider without a namespace', () => new VaultSecretStore(testChart(), 'vault-store', {
      server: 'https://vault.example:8200', path: 'veza/shared', clusterWide: true, auth: VaultAuth.kubernetes({ role: 'veza-shared' }),
      caProvider: { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' },
    }), "[test/vault-store]: 'caProvider.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['Vault Kubernetes auth without a role', () => new VaultSecretStore(testChart(), 'vault-store', {
      server: 'https://vault.example:8200', path: 'veza/shared', clusterWide: true,
    }), "[test/vault-store]: 'auth.role' is required for a ClusterSecretStore (it has no namespace to name the role after)."],
    ['a dedicated service account in a chart without a namespace', () => new VaultSecretStore(testChart(null), 'vault-store', {
      server: 'https://vault.example:8200', path: 'veza/shared', clusterWide: true, auth: VaultAuth.kubernetes({ role: 'veza-shared' }),
    }), "[test/vault-store]: 'auth.serviceAccount.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['AWS access keys without a namespace', () => new AwsSecretStore(testChart(), 'aws-store', {
      region: 'eu-west-3', clusterWide: true,
      auth: AwsAuth.accessKeys({ accessKeyId: { name: 'aws', key: 'id' }, secretAccessKey: { name: 'aws', key: 'secret' } }),
    }), "[test/aws-store]: 'auth.accessKeyId.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['GCP key without a namespace', () => new GcpSecretStore(testChart(), 'gcp-store', {
      projectId: 'veza-shared', clusterWide: true, auth: GcpAuth.serviceAccountKey({ key: { name: 'gcp', key: 'key.json' } }),
    }), "[test/gcp-store]: 'auth.key.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['Azure service principal without a namespace', () => new AzureKeyVaultStore(testChart(), 'azure-store', {
      vaultUrl: 'https://veza-shared.vault.azure.net', tenantId: '11111111-2222-3333-4444-555555555555', clusterWide: true,
      auth: AzureAuth.servicePrincipal({ clientId: { name: 'azure', key: 'id' }, clientSecret: { name: 'azure', key: 'secret' } }),
    }), "[test/azure-store]: 'auth.clientId.namespace' is required for a ClusterSecretStore (it has no namespace of its own)."],
    ['allowedNamespaces on a namespaced store', () => new AwsSecretStore(testChart(), 'aws-store', {
      region: 'eu-west-3', allowedNamespaces: ['veza-staging'],
    }), '[test/aws-store]: \'allowedNamespaces\' applies to a ClusterSecretStore only; set \'clusterWide: true\' or remove it. The value passed is: ["veza-staging"]'],
    ['an allowed namespace that is not a DNS label', () => new AwsSecretStore(testChart(), 'aws-store', {
      region: 'eu-west-3', clusterWide: true, allowedNamespaces: ['Veza_Staging'],
    }), "[test/aws-store]: 'allowedNamespaces' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: \"Veza_Staging\""],
  ])('%s is refused', (_case, build, message) => {
    expect(build).toThrow(new Error(message));
  });

  test('references that name their namespace are rendered with it', () => {
    const chart = testChart();
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'external-secrets', { namespaceName: 'external-secrets-system' });
    new AzureKeyVaultStore(chart, 'azure-store', {
      vaultUrl: 'https://veza-shared.vault.azure.net', clusterWide: true, auth: AzureAuth.workloadIdentity({ serviceAccount: sa }),
    });
    const resource = only(synthValid(chart), 'ClusterSecretStore');
    expect(resource.spec.provider.azurekv.serviceAccountRef).toEqual({ name: 'external-secrets', namespace: 'external-secrets-system' });
  });
});
