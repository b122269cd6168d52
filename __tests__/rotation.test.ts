import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import {
  ExternalSecret,
  generatedRotations,
  ManifestFile,
  renderVeza,
  ROTATION_CLASSES,
  ROTATION_IMAGES,
  RotationClass,
  RotationMethod,
  SecretRotation,
  SecretRotationProps,
  AwsSecretStore,
  VaultSecretStore,
  VEZA_CATALOG,
  validateTree,
  parseEnvironment,
  renderApp,
  VezaApp,
} from '../lib';
import { podSpecsOf, restrictedViolations } from './support/pod-security';

const root = path.join(__dirname, '..');
const rendered = renderVeza(path.join(root, 'environments'));
const ENVS = ['development', 'staging', 'production'];

function docsOf(file: string): any[] {
  const f = rendered.find((r) => r.path === file);
  if (!f) throw new Error(`not rendered: ${file}`);
  return yaml.loadAll(f.content) as any[];
}

/** A chart in namespace `ns` with a Vault store and an ExternalSecret reading `jwt-secret` and `api-key`. */
function fixture(options: { ns?: string; provider?: 'vault' | 'aws' } = {}) {
  const app = Testing.app();
  const chart = new ManifestFile(app, 'rotation', { path: 'x/secrets-rotation.yaml', namespace: options.ns ?? 'shop-prod' });
  const store = options.provider === 'aws'
    ? new AwsSecretStore(chart, 'aws-store', { region: 'eu-west-3', namePrefix: 'shop/' })
    : new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'shop/prod' });
  const externalSecret = new ExternalSecret(chart, 'shop-secrets', { store, data: [{ secretKey: 'jwt-secret' }, { secretKey: 'api-key' }] });
  return { app, chart, externalSecret };
}

const dep = SecretRotation.deploymentFromName;
const SIGNING: RotationClass = { name: 'signing', method: RotationMethod.GENERATE, interval: Duration.days(30), schedule: '0 2 1 * *', description: 'test' };

function objects(chart: ManifestFile, kind: string): any[] {
  return chart.toJson().filter((o) => o.kind === kind);
}

describe('SecretRotation defaults', () => {
  const { chart, externalSecret } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret });
  const job = rotation.addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });

  test('names: secrets-rotation for the service account, Role, RoleBinding, NetworkPolicy; <name>-script; <name>-<class>', () => {
    expect(chart.toJson().map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/vault-store-auth', 'SecretStore/vault-store', 'ExternalSecret/shop-secrets',
      'ServiceAccount/secrets-rotation', 'Role/secrets-rotation', 'RoleBinding/secrets-rotation',
      'ConfigMap/secrets-rotation-script', 'NetworkPolicy/secrets-rotation', 'CronJob/secrets-rotation-signing',
    ]);
    expect(job.name).toBe('secrets-rotation-signing');
  });

  test('Vault: role <namespace>-rotation, audience vault, auth mount kubernetes, the store\'s mount and path', () => {
    expect(rotation.vaultRole).toBe('shop-prod-rotation');
    expect(rotation.vaultAudience).toBe('vault');
    expect(rotation.vaultAuthMountPath).toBe('kubernetes');
    const env = objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(Object.fromEntries(env.map((e: any) => [e.name, e.value]))).toMatchObject({
      VAULT_ADDR: 'https://vault.example:8200', ROTATION_KV_MOUNT: 'secret', ROTATION_KV_PATH: 'shop/prod',
      ROTATION_VAULT_ROLE: 'shop-prod-rotation', ROTATION_VAULT_AUTH_MOUNT: 'kubernetes', ROTATION_KEYS: 'jwt-secret',
      ROTATION_DEPLOYMENTS: 'shop-api', ROTATION_EXTERNAL_SECRET: 'shop-secrets', ROTATION_NAMESPACE: 'shop-prod',
    });
    expect(env.map((e: any) => e.name)).not.toContain('VAULT_CACERT');
  });

  test('images: ROTATION_IMAGES', () => {
    const pod = objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers[0].image).toBe(ROTATION_IMAGES.vault);
    expect(pod.containers[0].image).toBe(ROTATION_IMAGES.runner);
  });

  test('NetworkPolicy: no ingress; egress to kube-dns, Vault\'s port and the API server ports, any address', () => {
    const np = objects(chart, 'NetworkPolicy')[0];
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress.map((e: any) => e.ports.map((p: any) => `${p.protocol}/${p.port}`).join(','))).toEqual(['UDP/53,TCP/53', 'TCP/8200', 'TCP/443,TCP/6443']);
    expect(np.spec.egress[1].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
    expect(np.spec.egress[2].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
  });

  test('token audience vault; no CA mounted; labels: app.kubernetes.io/name only; the script from the repository', () => {
    const pod = objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'vault-token').projected.sources[0].serviceAccountToken.audience).toBe('vault');
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['script', 'tools', 'work', 'home', 'vault-token', 'kube-api-access']);
    expect(objects(chart, 'Role')[0].metadata.labels).toEqual({ 'app.kubernetes.io/name': 'secrets-rotation' });
    expect(objects(chart, 'ConfigMap')[0].data['rotate-secrets.sh']).toBe(fs.readFileSync(path.join(root, 'scripts/rotation/rotate-secrets.sh'), 'utf8'));
  });

  test('snapshot', () => {
    expect(chart.toJson().filter((o) => o.kind !== 'ConfigMap')).toMatchSnapshot();
  });
});

describe('SecretRotation props', () => {
  test.each<[string, Partial<SecretRotationProps>, (chart: ManifestFile) => unknown, unknown]>([
    ['name', { name: 'rotator' }, (c) => objects(c, 'CronJob')[0].metadata.name, 'rotator-signing'],
    ['scriptConfigMapName', { scriptConfigMapName: 'rotate-sh' }, (c) => objects(c, 'ConfigMap')[0].metadata.name, 'rotate-sh'],
    ['script', { script: '#!/bin/sh\necho hi\n' }, (c) => objects(c, 'ConfigMap')[0].data['rotate-secrets.sh'], '#!/bin/sh\necho hi\n'],
    ['vaultRole', { vaultRole: 'shop-rotator' }, (c) => env(c).ROTATION_VAULT_ROLE, 'shop-rotator'],
    ['vaultAuthMountPath', { vaultAuthMountPath: 'k8s-prod' }, (c) => env(c).ROTATION_VAULT_AUTH_MOUNT, 'k8s-prod'],
    ['vaultAudience', { vaultAudience: 'https://vault.example' }, (c) => pod(c).volumes.find((v: any) => v.name === 'vault-token').projected.sources[0].serviceAccountToken.audience, 'https://vault.example'],
    ['vaultCa', { vaultCa: { type: 'Secret', name: 'vault-tls', key: 'ca.pem' } }, (c) => [env(c).VAULT_CACERT, pod(c).volumes.find((v: any) => v.name === 'vault-ca').secret], ['/etc/vault-ca/ca.crt', { secretName: 'vault-tls', items: [{ key: 'ca.pem', path: 'ca.crt' }] }]],
    ['images', { images: { runner: 'example/kubectl:1.2.3', vault: `hashicorp/vault@sha256:${'a'.repeat(64)}` } }, (c) => [pod(c).containers[0].image, pod(c).initContainers[0].image], ['example/kubectl:1.2.3', `hashicorp/vault@sha256:${'a'.repeat(64)}`]],
    ['vaultCidrs', { vaultCidrs: ['10.1.0.0/16'] }, (c) => objects(c, 'NetworkPolicy')[0].spec.egress[1].to, [{ ipBlock: { cidr: '10.1.0.0/16' } }]],
    ['apiServerCidrs', { apiServerCidrs: ['172.20.0.1/32'] }, (c) => objects(c, 'NetworkPolicy')[0].spec.egress[2].to, [{ ipBlock: { cidr: '172.20.0.1/32' } }]],
    ['labels', { labels: { team: 'shop' } }, (c) => objects(c, 'Role')[0].metadata.labels, { team: 'shop', 'app.kubernetes.io/name': 'secrets-rotation' }],
  ])('%s', (_prop, props, read, expected) => {
    const { chart, externalSecret } = fixture();
    new SecretRotation(chart, 'rotation', { externalSecret, ...props }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });
    expect(read(chart)).toEqual(expected);
  });

  function pod(c: ManifestFile): any {
    return objects(c, 'CronJob')[0].spec.jobTemplate.spec.template.spec;
  }
  function env(c: ManifestFile): Record<string, string> {
    return Object.fromEntries(pod(c).containers[0].env.map((e: any) => [e.name, e.value]));
  }
});

test('addRotation widens the Role to the union of the Deployments, each named once, in order', () => {
  const { chart, externalSecret } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret });
  rotation.addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api'), dep('shop-worker')] });
  rotation.addRotation({ ...SIGNING, name: 'api' }, { keys: ['api-key'], deployments: [dep('shop-worker'), dep('shop-cron')] });
  expect(objects(chart, 'Role')[0].rules).toEqual([
    { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], resourceNames: ['shop-secrets'], verbs: ['get', 'patch'] },
    { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['shop-api', 'shop-worker', 'shop-cron'], verbs: ['get', 'patch'] },
  ]);
  expect(rotation.rotations.map((r) => r.name)).toEqual(['secrets-rotation-signing', 'secrets-rotation-api']);
});

test('a kplus.Deployment is a typed reference addRotation accepts', () => {
  const { chart, externalSecret } = fixture();
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'shop-api' }, containers: [{ image: 'shop/api:1.0.0' }] });
  new SecretRotation(chart, 'rotation', { externalSecret }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [api] });
  expect(objects(chart, 'Role')[0].rules[1].resourceNames).toEqual(['shop-api']);
  expect(() => SecretRotation.deploymentFromName('Shop')).toThrow(`SecretRotation.deploymentFromName: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: "Shop"`);
});

describe('errors', () => {
  const P = '[rotation/rotation';
  test.each<[string, (f: ReturnType<typeof fixture>) => void, string]>([
    ['a store that is not Vault', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: fixture({ provider: 'aws' }).externalSecret }),
      `${P}]: 'externalSecret' must read from a VaultSecretStore (rotation writes to Vault KV v2; other providers are rotated as docs/rotation.md says). The value passed reads from: aws-store (aws)`],
    ['an image tagged latest', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, images: { runner: 'alpine/k8s:latest' } }),
      `${P}]: 'images.runner' must be an image pinned by a tag other than latest or by a sha256 digest, such as hashicorp/vault:1.21.4. The value passed is: "alpine/k8s:latest"`],
    ['an untagged image', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, images: { vault: 'registry.example:5000/hashicorp/vault' } }),
      `${P}]: 'images.vault' must be an image pinned by a tag other than latest or by a sha256 digest, such as hashicorp/vault:1.21.4. The value passed is: "registry.example:5000/hashicorp/vault"`],
    ['a bad CIDR', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vaultCidrs: ['vault.example'] }),
      `${P}]: 'vaultCidrs' must hold CIDRs such as 10.0.0.0/8. The value passed is: "vault.example"`],
    ['a name that is not a DNS label', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, name: 'Rotation' }),
      `${P}]: 'name' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: "Rotation"`],
    ['a DATABASE_ENGINE class', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation(ROTATION_CLASSES.databaseCredential, { keys: ['jwt-secret'], deployments: [dep('shop-api')] }),
      `${P}/database-credential]: 'rotationClass' database-credential rotates by database-engine; a CronJob rotates only the GENERATE method (database-engine is Vault's job, manual is a person's). The value passed is: "database-engine"`],
    ['a MANUAL class', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation(ROTATION_CLASSES.providerApiKey, { keys: ['api-key'], deployments: [dep('shop-api')] }),
      `${P}/provider-api-key]: 'rotationClass' provider-api-key rotates by manual; a CronJob rotates only the GENERATE method (database-engine is Vault's job, manual is a person's). The value passed is: "manual"`],
    ['a key the ExternalSecret does not read', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation(SIGNING, { keys: ['jwt'], deployments: [dep('shop-api')] }),
      `${P}/signing]: 'keys' names "jwt", which ExternalSecret shop-secrets does not read; allowed: jwt-secret, api-key.`],
    ['no keys', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation(SIGNING, { keys: [], deployments: [dep('shop-api')] }),
      `${P}/signing]: 'keys' is empty; allowed: one or more keys of ExternalSecret shop-secrets.`],
    ['a resource that is not a named Deployment', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [kplus.ApiResource.SECRETS] }),
      `${P}/signing]: 'deployments' must hold named Deployments (apps/deployments); allowed: a kplus.Deployment or SecretRotation.deploymentFromName(name). The value passed is: {"apiGroup":"","resourceType":"secrets"}`],
    ['no deployments', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [] }),
      `${P}/signing]: 'deployments' is empty; allowed: the Deployments that read jwt-secret.`],
    ['a CronJob name over 52 characters', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret }).addRotation({ ...SIGNING, name: 'a-very-long-rotation-class-name-indeed' }, { keys: ['jwt-secret'], deployments: [dep('shop-api')] }),
      `${P}/a-very-long-rotation-class-name-indeed]: the CronJob name "secrets-rotation-a-very-long-rotation-class-name-indeed" is 55 characters; allowed: at most 52 (Kubernetes appends 11 to name its Jobs).`],
  ])('%s', (_what, build, message) => {
    const f = fixture();
    expect(() => build(f)).toThrow(message);
  });

  test('a SecretRotation without any rotation does not validate', () => {
    const { app, chart, externalSecret } = fixture();
    new SecretRotation(chart, 'rotation', { externalSecret });
    expect(validateTree(app as App)).toEqual([`${P}]: a SecretRotation needs at least one rotation (a Role without rules is useless); call addRotation().`]);
  });
});

describe.each(ENVS)('dist/%s/secrets-rotation.yaml', (env) => {
  const docs = docsOf(`${env}/secrets-rotation.yaml`);
  const cronJobs = docs.filter((d) => d.kind === 'CronJob');
  const podEnv = (job: any) => Object.fromEntries(job.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));

  test('is listed in the kustomization', () => {
    expect((yaml.load(rendered.find((f) => f.path === `${env}/kustomization.yaml`)!.content) as any).resources).toContain('secrets-rotation.yaml');
  });

  test('signing-secret (GENERATE): one CronJob on the class\'s schedule, for jwt-secret and stream-server-secret, restarting their consumers', () => {
    expect(cronJobs.map((j) => j.metadata.name)).toEqual(['secrets-rotation-signing-secret']);
    const job = cronJobs[0];
    expect(job.spec.schedule).toBe('0 3 1 1,4,7,10 *');
    expect(job.spec.schedule).toBe(ROTATION_CLASSES.signingSecret.schedule);
    expect(job.spec.timeZone).toBe('Etc/UTC');
    expect(podEnv(job)).toMatchObject({
      ROTATION_KEYS: 'jwt-secret stream-server-secret',
      ROTATION_DEPLOYMENTS: 'veza-backend-api veza-stream-server',
      ROTATION_NAMESPACE: `veza-${env}`,
      ROTATION_EXTERNAL_SECRET: 'veza-secrets',
      ROTATION_KV_MOUNT: 'secret',
      ROTATION_KV_PATH: `veza/${env}`,
      ROTATION_VAULT_ROLE: `veza-${env}-rotation`,
    });
  });

  test.each([
    ['database-credential (DATABASE_ENGINE)', ['database-url', 'redis-url']],
    ['provider-api-key (MANUAL)', ['stripe-api-key', 'stripe-webhook-secret', 'smtp-password', 's3-access-key', 's3-secret-key']],
  ])('%s: no CronJob, no schedule, no command and no permission touches its keys', (_cls, keys) => {
    const rotated = cronJobs.flatMap((j) => podEnv(j).ROTATION_KEYS.split(' '));
    for (const key of keys) expect(rotated).not.toContain(key);
    expect(cronJobs.map((j) => j.metadata.name).filter((n) => !n.endsWith('signing-secret'))).toEqual([]);
  });

  test('the Role names exactly veza-secrets and the two consumers, get and patch; bound to secrets-rotation only', () => {
    expect(docs.find((d) => d.kind === 'Role').rules).toEqual([
      { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], resourceNames: ['veza-secrets'], verbs: ['get', 'patch'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['veza-backend-api', 'veza-stream-server'], verbs: ['get', 'patch'] },
    ]);
    const binding = docs.find((d) => d.kind === 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets-rotation' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'secrets-rotation', namespace: `veza-${env}` }]);
    expect(docs.find((d) => d.kind === 'ServiceAccount')).toMatchObject({ metadata: { name: 'secrets-rotation' }, automountServiceAccountToken: false });
  });

  test('the CronJob is safe: Forbid, bounded deadlines and retries, failed runs kept, never restarted in place', () => {
    const spec = cronJobs[0].spec;
    expect(spec).toMatchObject({ concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 3600, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 3 });
    expect(spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 900 });
    expect(spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  test("the pod passes Pod Security 'restricted', read-only root, pinned images, requests and limits, projected tokens only", () => {
    const pod = cronJobs[0].spec.jobTemplate.spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('secrets-rotation');
    const vaultToken = pod.volumes.find((v: any) => v.name === 'vault-token').projected.sources;
    expect(vaultToken).toEqual([{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } }]);
    expect(pod.volumes.find((v: any) => v.name === 'work').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
  });

  test('the NetworkPolicy selects the rotation pods and allows egress to DNS, Vault (8200) and the API server only', () => {
    const np = docs.find((d) => d.kind === 'NetworkPolicy');
    expect(np.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'secrets-rotation' });
    expect(cronJobs[0].spec.jobTemplate.spec.template.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port))).toEqual([53, 53, 8200, 443, 6443]);
  });
});

test('generatedRotations: the GENERATE classes of the Veza catalog with their keys and consumers', () => {
  expect(generatedRotations(VEZA_CATALOG).map((r) => ({ name: r.rotationClass.name, keys: r.keys, consumers: r.consumers }))).toEqual([
    { name: 'signing-secret', keys: ['jwt-secret', 'stream-server-secret'], consumers: ['veza-backend-api', 'veza-stream-server'] },
  ]);
});

describe('the Pod Security checker catches what it looks for', () => {
  const pod = docsOf('production/secrets-rotation.yaml').find((d) => d.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
  test.each<[string, (p: any) => void, string]>([
    ['privilege escalation', (p) => { p.containers[0].securityContext.allowPrivilegeEscalation = true; }, 'container rotate: allowPrivilegeEscalation is not false'],
    ['root', (p) => { p.securityContext.runAsUser = 0; }, 'pod runAsUser is 0'],
    ['a writable root', (p) => { delete p.initContainers[0].securityContext.readOnlyRootFilesystem; }, 'container vault-cli: readOnlyRootFilesystem is not true'],
    ['a latest image', (p) => { p.containers[0].image = 'alpine/k8s:latest'; }, 'container rotate: image alpine/k8s:latest is not pinned by tag or digest'],
    ['a hostPath volume', (p) => { p.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, 'volume h is of type hostPath'],
    ['an added capability', (p) => { p.containers[0].securityContext.capabilities.add = ['NET_ADMIN']; }, 'container rotate: adds capability NET_ADMIN'],
    ['no limits', (p) => { delete p.containers[0].resources.limits; }, 'container rotate: no cpu limit'],
    ['a mounted token', (p) => { delete p.automountServiceAccountToken; }, 'automountServiceAccountToken is not false'],
  ])('%s', (_what, mutate, violation) => {
    const copy = JSON.parse(JSON.stringify(pod));
    mutate(copy);
    expect(restrictedViolations(copy)).toContain(violation);
    expect(podSpecsOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: copy } } } } })).toEqual([copy]);
  });
});

test('an environment whose active provider is not Vault gets no secrets-rotation.yaml (docs/rotation.md: manual)', () => {
  const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', 'production.yaml'), 'utf8')) as Record<string, unknown>;
  const vaultApp = new VezaApp({ environments: [parseEnvironment(doc, 'environments/production.yaml')] });
  const awsApp = new VezaApp({ environments: [parseEnvironment({ ...doc, provider: 'aws' }, 'environments/production.yaml')] });
  expect(vaultApp.environments[0].rotation?.rotations.map((r) => r.name)).toEqual(['secrets-rotation-signing-secret']);
  expect(awsApp.environments[0].rotation).toBeUndefined();
  const paths = renderApp(awsApp).map((f) => f.path);
  expect(paths.filter((p) => p.includes('secrets-rotation'))).toEqual([]);
  expect(paths).toContain('production/kustomization.yaml');
});

test.each([
  'registry.example:5000/hashicorp/vault:1.21.4',
  'vault:1.21.4',
  `ghcr.io/example/kubectl@sha256:${'b'.repeat(64)}`,
  `example/kubectl:1.28.15@sha256:${'b'.repeat(64)}`,
])('images: %s is pinned and accepted', (image) => {
  const { chart, externalSecret } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret, images: { runner: image, vault: image } });
  expect(rotation.images).toEqual({ runner: image, vault: image });
});
