import { GcpAuth, GcpSecretStore, GcpSecretStoreProps, SecretProvider, SecretStoreKind } from '../lib';
import { kindsAndNames, Manifest, only, synthValid, testChart } from './support/charts';

const GSA = 'veza-external-secrets@veza-test.iam.gserviceaccount.com';

function build(props: Partial<GcpSecretStoreProps> = {}) {
  const chart = testChart();
  const store = new GcpSecretStore(chart, 'gcp-store', { projectId: 'veza-test', ...props });
  const objects = synthValid(chart);
  return { store, objects, resource: only(objects, 'SecretStore'), gcpsm: only(objects, 'SecretStore').spec.provider.gcpsm as Manifest };
}

describe('GcpSecretStore', () => {
  test('defaults: global secrets of the project, Workload Identity as a dedicated account, no prefix', () => {
    const { store, objects, resource, gcpsm } = build();
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount/gcp-store-auth', 'SecretStore/gcp-store']);
    expect(only(objects, 'ServiceAccount')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'gcp-store-auth', namespace: 'veza-test' },
      automountServiceAccountToken: false,
    });
    expect(resource.metadata).toEqual({ name: 'gcp-store', namespace: 'veza-test' });
    // ESO spells it projectID (and clusterProjectID, accessKeyIDSecretRef).
    expect(gcpsm).toEqual({ projectID: 'veza-test', auth: { workloadIdentity: { serviceAccountRef: { name: 'gcp-store-auth' } } } });
    expect(store.storeName).toBe('gcp-store');
    expect(store.kind).toBe(SecretStoreKind.SECRET_STORE);
    expect(store.provider).toBe(SecretProvider.GCP);
    expect(store.projectId).toBe('veza-test');
    expect(store.namePrefix).toBe('');
    expect(store.location).toBe('gcp:veza-test/');
    expect(store.remoteRef('jwt-secret')).toEqual({ key: 'jwt-secret' });
    expect(objects).toMatchSnapshot();
  });

  test('name', () => {
    const { resource, objects } = build({ name: 'gcp-main' });
    expect(resource.metadata.name).toBe('gcp-main');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('gcp-main-auth');
  });

  test('workloadIdentity with a Google service account annotates the dedicated account', () => {
    const { objects, gcpsm } = build({ auth: GcpAuth.workloadIdentity({ gcpServiceAccount: GSA }) });
    expect(only(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': GSA });
    expect(gcpsm.auth).toEqual({ workloadIdentity: { serviceAccountRef: { name: 'gcp-store-auth' } } });
  });

  test('workloadIdentity with the cluster\'s location, name and project', () => {
    const { gcpsm } = build({ auth: GcpAuth.workloadIdentity({ clusterLocation: 'europe-west9', clusterName: 'veza', clusterProjectId: 'veza-platform' }) });
    expect(gcpsm.auth.workloadIdentity).toEqual({
      serviceAccountRef: { name: 'gcp-store-auth' }, clusterLocation: 'europe-west9', clusterName: 'veza', clusterProjectID: 'veza-platform',
    });
  });

  test('serviceAccountKey: by reference, no service account', () => {
    const { store, objects, gcpsm } = build({ auth: GcpAuth.serviceAccountKey({ key: { name: 'gcp-key', key: 'key.json' } }) });
    expect(gcpsm.auth).toEqual({ secretRef: { secretAccessKeySecretRef: { name: 'gcp-key', key: 'key.json' } } });
    expect(kindsAndNames(objects)).toEqual(['SecretStore/gcp-store']);
    expect(store.serviceAccount).toBeUndefined();
  });

  test('location: regional secrets', () => {
    expect(build({ location: 'europe-west9' }).gcpsm.location).toBe('europe-west9');
  });

  test('namePrefix: the seed\'s veza-<key>', () => {
    const { store } = build({ namePrefix: 'veza-' });
    expect(store.remoteRef('database-url')).toEqual({ key: 'veza-database-url' });
    expect(store.location).toBe('gcp:veza-test/veza-');
  });

  const PROJECT = (v: string) => `[test/gcp-store]: 'projectId' must be a Google Cloud project ID (6 to 30 lower-case letters, digits and '-', starting with a letter). The value passed is: ${JSON.stringify(v)}`;
  test.each<[string, Partial<GcpSecretStoreProps>, string]>([
    ['an invalid name', { name: 'gcp_store' }, "[test/gcp-store]: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"gcp_store\""],
    ['an upper-case projectId', { projectId: 'Veza-Test' }, PROJECT('Veza-Test')],
    ['a projectId too short', { projectId: 'veza' }, PROJECT('veza')],
    ['a projectId starting with a digit', { projectId: '1veza-test' }, PROJECT('1veza-test')],
    ['a projectId ending with -', { projectId: 'veza-test-' }, PROJECT('veza-test-')],
    ['a namePrefix with /', { namePrefix: 'veza/' }, "[test/gcp-store]: 'namePrefix' may hold only letters, digits, '-' and '_' (Secret Manager names). The value passed is: \"veza/\""],
    ['a Google service account that is not an email', { auth: GcpAuth.workloadIdentity({ gcpServiceAccount: 'veza-external-secrets' }) },
      "[test/gcp-store]: 'auth.gcpServiceAccount' must be a Google service account email such as name@project.iam.gserviceaccount.com. The value passed is: \"veza-external-secrets\""],
    ['a key Secret in another namespace', { auth: GcpAuth.serviceAccountKey({ key: { name: 'gcp-key', key: 'key.json', namespace: 'default' } }) },
      "[test/gcp-store]: 'auth.key.namespace' must be the store's own namespace \"veza-test\": a SecretStore cannot read other namespaces. The value passed is: \"default\""],
  ])('%s is refused', (_case, props, message) => {
    expect(() => build(props)).toThrow(new Error(message));
  });
});
