import * as kplus from 'cdk8s-plus-28';
import { AwsAuth, AwsSecretService, AwsSecretStore, AwsSecretStoreProps, SecretProvider, SecretStoreKind } from '../lib';
import { kindsAndNames, Manifest, only, synthValid, testChart } from './support/charts';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/veza-test-external-secrets';

function build(props: Partial<AwsSecretStoreProps> = {}) {
  const chart = testChart();
  const store = new AwsSecretStore(chart, 'aws-store', { region: 'eu-west-3', ...props });
  const objects = synthValid(chart);
  return { store, objects, resource: only(objects, 'SecretStore'), aws: only(objects, 'SecretStore').spec.provider.aws as Manifest };
}

describe('AwsSecretStore', () => {
  test('defaults: Secrets Manager, service-account (IRSA) auth as a dedicated account without annotation, no prefix', () => {
    const { store, objects, resource, aws } = build();
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount/aws-store-auth', 'SecretStore/aws-store']);
    expect(only(objects, 'ServiceAccount')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'aws-store-auth', namespace: 'veza-test' },
      automountServiceAccountToken: false,
    });
    expect(resource.metadata).toEqual({ name: 'aws-store', namespace: 'veza-test' });
    expect(aws).toEqual({ service: 'SecretsManager', region: 'eu-west-3', auth: { jwt: { serviceAccountRef: { name: 'aws-store-auth' } } } });
    expect(store.storeName).toBe('aws-store');
    expect(store.kind).toBe(SecretStoreKind.SECRET_STORE);
    expect(store.provider).toBe(SecretProvider.AWS);
    expect(store.region).toBe('eu-west-3');
    expect(store.namePrefix).toBe('');
    expect(store.location).toBe('aws:SecretsManager:eu-west-3:');
    expect(store.serviceAccount?.name).toBe('aws-store-auth');
    expect(store.remoteRef('jwt-secret')).toEqual({ key: 'jwt-secret' });
    expect(objects).toMatchSnapshot();
  });

  test('name', () => {
    const { resource, objects } = build({ name: 'aws-eu' });
    expect(resource.metadata.name).toBe('aws-eu');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('aws-eu-auth');
  });

  test('serviceAccount auth with roleArn annotates the dedicated account (IRSA)', () => {
    const { objects, aws } = build({ auth: AwsAuth.serviceAccount({ roleArn: ROLE_ARN }) });
    expect(only(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    expect(aws.auth).toEqual({ jwt: { serviceAccountRef: { name: 'aws-store-auth' } } });
  });

  test('serviceAccount auth without roleArn: no annotation', () => {
    expect(only(build({ auth: AwsAuth.serviceAccount() }).objects, 'ServiceAccount').metadata.annotations).toBeUndefined();
  });

  test('serviceAccount auth with the caller\'s service account', () => {
    const chart = testChart();
    const sa = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'external-secrets', { namespaceName: 'veza-test' });
    const store = new AwsSecretStore(chart, 'aws-store', { region: 'eu-west-3', auth: AwsAuth.serviceAccount({ serviceAccount: sa }) });
    const objects = synthValid(chart);
    expect(kindsAndNames(objects)).toEqual(['SecretStore/aws-store']);
    expect(objects[0].spec.provider.aws.auth).toEqual({ jwt: { serviceAccountRef: { name: 'external-secrets' } } });
    expect(store.serviceAccount).toBe(sa);
  });

  test('accessKeys: by reference, no service account', () => {
    const { store, objects, aws } = build({
      auth: AwsAuth.accessKeys({ accessKeyId: { name: 'aws-credentials', key: 'access-key-id' }, secretAccessKey: { name: 'aws-credentials', key: 'secret-access-key' } }),
    });
    expect(aws.auth).toEqual({
      secretRef: {
        accessKeyIDSecretRef: { name: 'aws-credentials', key: 'access-key-id' },
        secretAccessKeySecretRef: { name: 'aws-credentials', key: 'secret-access-key' },
      },
    });
    expect(kindsAndNames(objects)).toEqual(['SecretStore/aws-store']);
    expect(store.serviceAccount).toBeUndefined();
  });

  test('accessKeys with a session token', () => {
    const { aws } = build({
      auth: AwsAuth.accessKeys({ accessKeyId: { name: 'a', key: 'id' }, secretAccessKey: { name: 'a', key: 'secret' }, sessionToken: { name: 'a', key: 'session' } }),
    });
    expect(aws.auth.secretRef.sessionTokenSecretRef).toEqual({ name: 'a', key: 'session' });
  });

  test('ParameterStore', () => {
    const { store, aws } = build({ service: AwsSecretService.PARAMETER_STORE, namePrefix: '/veza/test/' });
    expect(aws.service).toBe('ParameterStore');
    expect(store.location).toBe('aws:ParameterStore:eu-west-3:/veza/test/');
    expect(store.remoteRef('jwt-secret')).toEqual({ key: '/veza/test/jwt-secret' });
  });

  test('role to assume', () => {
    expect(build({ role: ROLE_ARN }).aws.role).toBe(ROLE_ARN);
  });

  test('namePrefix: the seed\'s veza/<env>/<key>', () => {
    const { store } = build({ namePrefix: 'veza/test/' });
    expect(store.remoteRef('database-url')).toEqual({ key: 'veza/test/database-url' });
    expect(store.location).toBe('aws:SecretsManager:eu-west-3:veza/test/');
  });

  test.each(['us-east-1', 'eu-west-3', 'us-gov-west-1', 'ap-southeast-2'])('region %s is accepted', (region) => {
    expect(build({ region }).aws.region).toBe(region);
  });

  const REGION = (v: string) => `[test/aws-store]: 'region' must be an AWS region such as eu-west-3. The value passed is: ${JSON.stringify(v)}`;
  const ARN = (field: string, v: string) => `[test/aws-store]: '${field}' must be an IAM role ARN such as arn:aws:iam::123456789012:role/name. The value passed is: ${JSON.stringify(v)}`;
  test.each<[string, Partial<AwsSecretStoreProps>, string]>([
    ['an invalid name', { name: 'AWS' }, "[test/aws-store]: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"AWS\""],
    ['a region without its number', { region: 'eu-west' }, REGION('eu-west')],
    ['an upper-case region', { region: 'EU-WEST-3' }, REGION('EU-WEST-3')],
    ['an availability zone', { region: 'eu-west-3a' }, REGION('eu-west-3a')],
    ['a role that is not an ARN', { role: 'veza-reader' }, ARN('role', 'veza-reader')],
    ['a roleArn with a short account', { auth: AwsAuth.serviceAccount({ roleArn: 'arn:aws:iam::1234:role/x' }) }, ARN('auth.roleArn', 'arn:aws:iam::1234:role/x')],
    ['a roleArn of a user', { auth: AwsAuth.serviceAccount({ roleArn: 'arn:aws:iam::123456789012:user/x' }) }, ARN('auth.roleArn', 'arn:aws:iam::123456789012:user/x')],
    ['access keys in another namespace', { auth: AwsAuth.accessKeys({ accessKeyId: { name: 'a', key: 'id', namespace: 'kube-system' }, secretAccessKey: { name: 'a', key: 's' } }) },
      "[test/aws-store]: 'auth.accessKeyId.namespace' must be the store's own namespace \"veza-test\": a SecretStore cannot read other namespaces. The value passed is: \"kube-system\""],
    ['access keys with an invalid Secret name', { auth: AwsAuth.accessKeys({ accessKeyId: { name: 'a', key: 'id' }, secretAccessKey: { name: 'AWS keys', key: 's' } }) },
      "[test/aws-store]: 'auth.secretAccessKey.name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: \"AWS keys\""],
  ])('%s is refused', (_case, props, message) => {
    expect(() => build(props)).toThrow(new Error(message));
  });
});
