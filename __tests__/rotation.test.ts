import * as fs from 'fs';
import * as path from 'path';
import { App, Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { ExternalSecret, generatedRotations, ManifestFile, RotationClass, RotationMethod, SecretRotation, SecretRotationProps, AwsSecretStore, VaultSecretStore, renderApp, VaultKubernetesAuthIntegration, generatedRotations as catalogRotations, PREVIOUS_SUFFIX, PINNED_IMAGE_ALLOWED } from '../lib';
import { ROTATION_IMAGES, ROTATION_SCHEDULE } from '../lib/eso/secret-rotation';
import { RotationCronJob, rotationScriptPath, ROTATION_SCRIPT_FILE } from '../lib/eso/secret-rotation';
import { validateTree } from '../lib/output/synthesize';
import { renderVeza, ROTATION_CLASSES, VEZA_CATALOG, parseEnvironment, VezaApp } from '../lib/veza';
import { podSpecsOf, restrictedViolations } from './support/pod-security';

const root = path.join(__dirname, '..');
const rendered = renderVeza(path.join(root, 'environments'));
const ENVS = ['development', 'staging', 'production'];

function docsOf(file: string): any[] {
  const f = rendered.find((r) => r.path === file);
  if (!f) throw new Error(`not rendered: ${file}`);
  return yaml.loadAll(f.content) as any[];
}

const dep = SecretRotation.deploymentFromName;
const SIGNING: RotationClass = { name: 'signing', method: RotationMethod.GENERATE, interval: Duration.days(30), description: 'test' };
const DB: RotationClass = { name: 'db', method: RotationMethod.DATABASE_ENGINE, interval: Duration.days(60), description: 'test' };

/**
 * A chart in namespace `ns` with a Vault store, its integration (with a database engine), and an
 * ExternalSecret reading `jwt-secret` (and its previous value) from the class's own secret
 * `shop/prod/signing`, `api-key` from the store's, and `db-url` rendered from the engine.
 */
function fixture(options: { ns?: string; provider?: 'vault' | 'aws' } = {}) {
  const app = Testing.app();
  const chart = new ManifestFile(app, 'rotation', { path: 'x/secrets-rotation.yaml', namespace: options.ns ?? 'shop-prod' });
  const vaultStore = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'shop/prod' });
  const vault = new VaultKubernetesAuthIntegration(chart, 'vault-integration', {
    store: vaultStore,
    database: { host: 'pg.example', database: 'shop', username: 'vault', staticUsername: 'shop', rotationPeriod: Duration.days(90) },
  });
  const store = options.provider === 'aws' ? new AwsSecretStore(chart, 'aws-store', { region: 'eu-west-3', namePrefix: 'shop/' }) : vaultStore;
  const externalSecret = new ExternalSecret(chart, 'shop-secrets', {
    store,
    data: store === vaultStore
      ? [
        { secretKey: 'jwt-secret', remoteRef: vaultStore.remoteRefAt('signing', 'jwt-secret') },
        { secretKey: `jwt-secret${PREVIOUS_SUFFIX}`, remoteRef: vaultStore.remoteRefAt('signing', `jwt-secret${PREVIOUS_SUFFIX}`) },
        { secretKey: 'api-key' },
      ]
      : [{ secretKey: 'jwt-secret' }, { secretKey: 'api-key' }],
  });
  externalSecret.addTemplatedKey({ secretKey: 'db-url', template: 'postgresql://{{ index . "api-key" }}@db' });
  return { app, chart, externalSecret, vault };
}

function objects(chart: ManifestFile, kind: string): any[] {
  return chart.toJson().filter((o) => o.kind === kind);
}

describe('SecretRotation defaults', () => {
  const { chart, externalSecret, vault } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret, vault });
  const job = rotation.addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });
  const env = () => objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec.containers[0].env;

  test('names: secrets-rotation for the NetworkPolicy; <name>-script; <name>-<class> for each job\'s service account, Role, RoleBinding and CronJob', () => {
    expect(chart.toJson().map((o) => `${o.kind}/${o.metadata.name}`).filter((n) => n.includes('rotation'))).toEqual([
      'ConfigMap/secrets-rotation-script', 'NetworkPolicy/secrets-rotation',
      'ServiceAccount/secrets-rotation-signing', 'Role/secrets-rotation-signing', 'RoleBinding/secrets-rotation-signing', 'CronJob/secrets-rotation-signing',
    ]);
    expect(job.name).toBe('secrets-rotation-signing');
    expect([job.serviceAccount.name, job.role.name, job.roleBinding.name]).toEqual([job.name, job.name, job.name]);
  });

  test('Vault by reference: the role, mount and audience grantRotation returned; the class\'s own KV secret', () => {
    expect(job.grant).toBe(vault.rotationGrants[0]);
    expect(job.grant.role.serviceAccountName).toBe(job.serviceAccount.name);
    const values = Object.fromEntries(env().map((e: any) => [e.name, e.value]));
    expect(values).toMatchObject({
      VAULT_ADDR: 'https://vault.example:8200',
      ROTATION_KV_MOUNT: job.grant.kvMount, ROTATION_KV_PATH: job.grant.kvPath,
      ROTATION_VAULT_ROLE: job.grant.role.name, ROTATION_VAULT_AUTH_MOUNT: job.grant.authMountPath,
    });
    expect(values.ROTATION_KV_PATH).toBe('shop/prod/signing');
    const token = objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec.volumes.find((v: any) => v.name === 'vault-token');
    expect(token.projected.sources[0].serviceAccountToken.audience).toBe(job.grant.role.audience);
    expect(env().map((e: any) => e.name)).not.toContain('VAULT_CACERT');
  });

  test('the script\'s inputs, exactly the contract\'s (generate)', () => {
    const values = Object.fromEntries(env().map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(Object.keys(values).filter((n) => n.startsWith('ROTATION_')).sort()).toEqual([
      'ROTATION_CLASS', 'ROTATION_DEPLOYMENTS', 'ROTATION_EXTERNAL_SECRET', 'ROTATION_GRACE_SECONDS', 'ROTATION_INTERVAL_DAYS',
      'ROTATION_JOB_UID', 'ROTATION_KEYS', 'ROTATION_KV_MOUNT', 'ROTATION_KV_PATH', 'ROTATION_METHOD', 'ROTATION_NAMESPACE',
      'ROTATION_OFFSET_DAYS', 'ROTATION_PREVIOUS_SUFFIX', 'ROTATION_VAULT_AUTH_MOUNT', 'ROTATION_VAULT_ROLE', 'ROTATION_VAULT_TOKEN_FILE', 'ROTATION_WORK_DIR',
    ]);
    expect(values).toMatchObject({
      ROTATION_METHOD: 'generate', ROTATION_CLASS: 'signing', ROTATION_KEYS: 'jwt-secret', ROTATION_DEPLOYMENTS: 'shop-api',
      ROTATION_EXTERNAL_SECRET: 'shop-secrets', ROTATION_NAMESPACE: 'shop-prod', ROTATION_PREVIOUS_SUFFIX: '-previous',
      ROTATION_INTERVAL_DAYS: String(SIGNING.interval!.toDays()), ROTATION_OFFSET_DAYS: '0', ROTATION_GRACE_SECONDS: String(24 * 3600),
      ROTATION_JOB_UID: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } },
    });
  });

  test('daily at 03:00 UTC (cdk8s Cron); retries safe (backoffLimit 3); the class label is the generic default', () => {
    const cronJob = objects(chart, 'CronJob')[0];
    expect(cronJob.spec.schedule).toBe(ROTATION_SCHEDULE.expressionString);
    expect(cronJob.spec.schedule).toBe('0 3 * * *');
    expect(cronJob.spec.jobTemplate.spec.backoffLimit).toBe(3);
    expect(cronJob.metadata.labels['rotation-class']).toBe('signing');
    expect(Object.keys(cronJob.metadata.labels).filter((l) => l.startsWith('veza.io/'))).toEqual([]);
  });

  test('images: ROTATION_IMAGES; the vault-cli copy has room for the binary\'s page cache', () => {
    const pod = objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers[0].image).toBe(ROTATION_IMAGES.vault);
    expect(pod.containers[0].image).toBe(ROTATION_IMAGES.runner);
    expect(pod.initContainers[0].resources.limits.memory).toBe('256Mi');
  });

  test('NetworkPolicy: no ingress; egress to kube-dns, and to Vault\'s port and the API server ports at any destination (no `to`, not an ipBlock, which Cilium never matches to the API server)', () => {
    const np = objects(chart, 'NetworkPolicy')[0];
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress.map((e: any) => e.ports.map((p: any) => `${p.protocol}/${p.port}`).join(','))).toEqual(['UDP/53,TCP/53', 'TCP/8200', 'TCP/443,TCP/6443']);
    expect(np.spec.egress[1]).not.toHaveProperty('to');
    expect(np.spec.egress[2]).not.toHaveProperty('to');
  });

  test('no CA mounted; labels: app.kubernetes.io/name, and the class on the job\'s objects; the script this package ships beside its module', () => {
    const pod = objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['script', 'tools', 'work', 'home', 'vault-token', 'kube-api-access']);
    expect(objects(chart, 'NetworkPolicy')[0].metadata.labels).toEqual({ 'app.kubernetes.io/name': 'secrets-rotation' });
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob']) {
      expect(objects(chart, kind).find((o) => o.metadata.name === job.name).metadata.labels).toEqual({ 'app.kubernetes.io/name': 'secrets-rotation', 'rotation-class': 'signing' });
    }
    expect(rotationScriptPath()).toBe(path.join(root, ROTATION_SCRIPT_FILE));
    expect(objects(chart, 'ConfigMap')[0].data['rotate-secrets.sh']).toBe(fs.readFileSync(path.join(root, ROTATION_SCRIPT_FILE), 'utf8'));
  });

  test('snapshot', () => {
    expect(chart.toJson().filter((o) => o.kind !== 'ConfigMap' && o.metadata.labels?.['app.kubernetes.io/name'] === 'secrets-rotation')).toMatchSnapshot();
  });
});

describe('a DATABASE_ENGINE class: the same daily path, rotating the static role', () => {
  const { chart, externalSecret, vault } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret, vault });
  const job = rotation.addRotation(DB, { keys: ['db-url'], deployments: [dep('shop-api')] });

  test('ROTATION_METHOD database-engine, the engine\'s mount and static role from the grant; no KV inputs', () => {
    const env = Object.fromEntries(objects(chart, 'CronJob')[0].spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ ROTATION_METHOD: 'database-engine', ROTATION_CLASS: 'db', ROTATION_DB_MOUNT: job.grant.databaseMount, ROTATION_DB_ROLE: job.grant.staticRoleName, ROTATION_INTERVAL_DAYS: '60' });
    expect(job.grant.staticRoleName).toBe(vault.database!.staticRoleName);
    for (const name of ['ROTATION_KEYS', 'ROTATION_KV_MOUNT', 'ROTATION_KV_PATH', 'ROTATION_PREVIOUS_SUFFIX', 'ROTATION_GRACE_SECONDS']) expect(env).not.toHaveProperty(name);
    expect(job.grant.policy.rules.map((r) => [r.path, r.capabilities])).toEqual([
      [`database/static-roles/${vault.database!.staticRoleName}`, ['read']],
      [`database/rotate-role/${vault.database!.staticRoleName}`, ['update']],
    ]);
  });

  test('its runbook: the rule, rotate now, last run; no roll back of a password', () => {
    const commands = job.runbook().commands.map((c) => c.command);
    expect(commands).toContain(`vault read database/static-roles/${vault.database!.staticRoleName}`);
    expect(commands).toContain('kubectl create job --from=cronjob/secrets-rotation-db rotate-now-$(date +%s) -n shop-prod');
    expect(commands.filter((c) => c.includes('rollback'))).toEqual([]);
  });
});

test('a RotationCronJob built directly still widens the Role and gets its Vault grant (the invariant lives in the construct)', () => {
  const { chart, externalSecret, vault } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret, vault });
  const job = new RotationCronJob(chart, 'direct', { rotation, rotationClass: SIGNING, keys: ['jwt-secret'], deployments: [dep('shop-api')] });
  expect(rotation.rotations).toEqual([job]);
  expect(vault.rotationGrants).toEqual([job.grant]);
  expect(objects(chart, 'Role')[0].rules.map((r: any) => r.resourceNames[0])).toEqual(['shop-secrets', 'shop-api']);
});

test('no rotation, no Vault role for one', () => {
  const { vault } = fixture();
  expect(vault.roles.map((r) => r.name)).toEqual(['shop-prod']);
});

test('the generate runbook names this rotation\'s objects', () => {
  const { chart, externalSecret, vault } = fixture();
  const job = new SecretRotation(chart, 'rotation', { externalSecret, vault, offsetDays: 7 }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });
  const runbook = job.runbook();
  expect(runbook.title).toBe('Rotation of signing: jwt-secret');
  expect(runbook.commands[0].why).toContain('due 30 days after its last rotation');
  expect(runbook.commands[0].why).toContain('37 days');
  expect(runbook.commands[0].why).toContain('accept jwt-secret or jwt-secret-previous');
  expect(runbook.commands.map((c) => c.command)).toEqual([
    'vault kv metadata get -mount=secret shop/prod/signing',
    'kubectl create job --from=cronjob/secrets-rotation-signing rotate-now-$(date +%s) -n shop-prod',
    'vault kv metadata patch -mount=secret -custom-metadata=rotation-requested=true shop/prod/signing',
    'kubectl get jobs -n shop-prod -l rotation-class=signing --sort-by=.metadata.creationTimestamp',
    'kubectl logs -n shop-prod -l rotation-class=signing --tail=-1 --prefix',
    'vault kv rollback -mount=secret -version=<n> shop/prod/signing',
    'kubectl annotate externalsecret shop-secrets force-sync=$(date +%s) --overwrite -n shop-prod',
    'kubectl rollout restart deployment/shop-api -n shop-prod',
  ]);
});

describe('SecretRotation props', () => {
  test.each<[string, Partial<SecretRotationProps>, (chart: ManifestFile) => unknown, unknown]>([
    ['name', { name: 'rotator' }, (c) => objects(c, 'CronJob')[0].metadata.name, 'rotator-signing'],
    ['scriptConfigMapName', { scriptConfigMapName: 'rotate-sh' }, (c) => objects(c, 'ConfigMap')[0].metadata.name, 'rotate-sh'],
    ['script', { script: '#!/bin/sh\necho hi\n' }, (c) => objects(c, 'ConfigMap')[0].data['rotate-secrets.sh'], '#!/bin/sh\necho hi\n'],
    ['schedule', { schedule: Cron.schedule({ minute: '30', hour: '1' }) }, (c) => objects(c, 'CronJob')[0].spec.schedule, '30 1 * * *'],
    ['offsetDays', { offsetDays: 14 }, (c) => env(c).ROTATION_OFFSET_DAYS, '14'],
    ['rotationClassLabel', { rotationClassLabel: 'example.com/rotation-class' }, (c) => objects(c, 'CronJob')[0].spec.jobTemplate.spec.template.metadata.labels['example.com/rotation-class'], 'signing'],
    ['vaultCa', { vaultCa: { type: 'Secret', name: 'vault-tls', key: 'ca.pem' } }, (c) => [env(c).VAULT_CACERT, pod(c).volumes.find((v: any) => v.name === 'vault-ca').secret], ['/etc/vault-ca/ca.crt', { secretName: 'vault-tls', items: [{ key: 'ca.pem', path: 'ca.crt' }] }]],
    ['images', { images: { runner: 'example/kubectl:1.2.3', vault: `hashicorp/vault@sha256:${'a'.repeat(64)}` } }, (c) => [pod(c).containers[0].image, pod(c).initContainers[0].image], ['example/kubectl:1.2.3', `hashicorp/vault@sha256:${'a'.repeat(64)}`]],
    ['vaultCidrs', { vaultCidrs: ['10.1.0.0/16'] }, (c) => objects(c, 'NetworkPolicy')[0].spec.egress[1].to, [{ ipBlock: { cidr: '10.1.0.0/16' } }]],
    ['apiServerCidrs', { apiServerCidrs: ['172.20.0.1/32'] }, (c) => objects(c, 'NetworkPolicy')[0].spec.egress[2].to, [{ ipBlock: { cidr: '172.20.0.1/32' } }]],
    ['labels', { labels: { team: 'shop' } }, (c) => objects(c, 'Role')[0].metadata.labels, { team: 'shop', 'app.kubernetes.io/name': 'secrets-rotation', 'rotation-class': 'signing' }],
  ])('%s', (_prop, props, read, expected) => {
    const { chart, externalSecret, vault } = fixture();
    new SecretRotation(chart, 'rotation', { externalSecret, vault, ...props }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });
    expect(read(chart)).toEqual(expected);
  });

  function pod(c: ManifestFile): any {
    return objects(c, 'CronJob')[0].spec.jobTemplate.spec.template.spec;
  }
  function env(c: ManifestFile): Record<string, string> {
    return Object.fromEntries(pod(c).containers[0].env.map((e: any) => [e.name, e.value]));
  }
});

test('each rotation has its own service account, Role (the ExternalSecret and only its own Deployments, in order) and Vault role with only its policy', () => {
  const { chart, externalSecret, vault } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret, vault });
  const signing = rotation.addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api'), dep('shop-worker')] });
  const db = rotation.addRotation(DB, { keys: ['db-url'], deployments: [dep('shop-worker'), dep('shop-cron')] });
  const rules = (deployments: string[]) => [
    { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], resourceNames: ['shop-secrets'], verbs: ['get', 'patch'] },
    ...deployments.map((d) => ({ apiGroups: ['apps'], resources: ['deployments'], resourceNames: [d], verbs: ['get', 'patch', 'list', 'watch'] })),
  ];
  expect(objects(chart, 'Role').find((r) => r.metadata.name === signing.name).rules).toEqual(rules(['shop-api', 'shop-worker']));
  expect(objects(chart, 'Role').find((r) => r.metadata.name === db.name).rules).toEqual(rules(['shop-worker', 'shop-cron']));
  expect(rotation.rotations.map((r) => r.name)).toEqual(['secrets-rotation-signing', 'secrets-rotation-db']);
  expect(signing.serviceAccount.name).not.toBe(db.serviceAccount.name);
  expect([signing.grant.role.serviceAccountName, db.grant.role.serviceAccountName]).toEqual([signing.serviceAccount.name, db.serviceAccount.name]);
  expect(signing.grant.role.name).not.toBe(db.grant.role.name);
  expect(signing.grant.role.policies).toEqual([signing.grant.policy]);
  expect(db.grant.role.policies).toEqual([db.grant.policy]);
});

test('a kplus.Deployment is a typed reference addRotation accepts', () => {
  const { chart, externalSecret, vault } = fixture();
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'shop-api' }, containers: [{ image: 'shop/api:1.0.0' }] });
  new SecretRotation(chart, 'rotation', { externalSecret, vault }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [api] });
  expect(objects(chart, 'Role')[0].rules[1].resourceNames).toEqual(['shop-api']);
  expect(() => SecretRotation.deploymentFromName('Shop')).toThrow(`SecretRotation.deploymentFromName: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: "Shop"`);
});

describe('errors', () => {
  const P = '[rotation/rotation';
  test.each<[string, (f: ReturnType<typeof fixture>) => void, string]>([
    ['a store that is not Vault', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: fixture({ provider: 'aws' }).externalSecret, vault: f.vault }),
      `${P}]: 'externalSecret' must read from a VaultSecretStore (rotation writes to Vault KV v2; other providers are rotated as docs/rotation.md says). The value passed reads from: aws-store (aws)`],
    ['an image tagged latest', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault, images: { runner: 'alpine/k8s:latest' } }),
      `${P}]: 'images.runner' is "alpine/k8s:latest"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`],
    ['an untagged image', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault, images: { vault: 'registry.example:5000/hashicorp/vault' } }),
      `${P}]: 'images.vault' is "registry.example:5000/hashicorp/vault"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`],
    ['a bad CIDR', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault, vaultCidrs: ['vault.example'] }),
      `${P}]: 'vaultCidrs' must hold CIDRs such as 10.0.0.0/8. The value passed is: "vault.example"`],
    ['a name that is not a DNS label', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault, name: 'Rotation' }),
      `${P}]: 'name' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: "Rotation"`],
    ['a DATABASE_ENGINE class on a key read from KV', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(DB, { keys: ['api-key'], deployments: [dep('shop-api')] }),
      `${P}/db]: key "api-key" is read from secret/shop/prod, not rendered from the database engine's credentials; a database-engine rotation would not change it.`],
    ['a MANUAL class', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(ROTATION_CLASSES.providerApiKey, { keys: ['api-key'], deployments: [dep('shop-api')] }),
      `${P}/provider-api-key]: 'rotationClass' provider-api-key rotates by manual; a CronJob rotates the generate and database-engine methods only (manual is a person's). The value passed is: "manual"`],
    ['a key of the store\'s own secret (not the class\'s)', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(SIGNING, { keys: ['api-key'], deployments: [dep('shop-api')] }),
      `${P}/signing]: key "api-key" is not a property of secret/shop/prod/signing, the KV secret the script writes (the class's own); read it from there (catalogData does).`],
    ['a generated key without its previous value', (f) => {
      const es = new ExternalSecret(f.chart, 'other', { store: f.externalSecret.store, data: [{ secretKey: 'jwt-secret', remoteRef: (f.externalSecret.store as VaultSecretStore).remoteRefAt('signing', 'jwt-secret') }] });
      new SecretRotation(f.chart, 'rotation', { externalSecret: es, vault: f.vault }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });
    }, `${P}/signing]: key "jwt-secret" needs "jwt-secret-previous" read from property jwt-secret-previous of secret/shop/prod/signing (the value a rotation replaced); ExternalSecret other does not read it so.`],
    ['an integration of another store', (f) => {
      const other = fixture();
      new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: other.vault });
    }, `${P}]: 'vault' must be the integration of the ExternalSecret's store rotation/vault-store. The value passed configures: rotation/vault-store`],
    ['a negative offset', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault, offsetDays: -1 }),
      `${P}]: 'offsetDays' must be a whole number of days, 0 or more. The value passed is: -1`],
    ['the same class twice', (f) => {
      const r = new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault });
      r.addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [dep('shop-api')] });
      new RotationCronJob(f.chart, 'again', { rotation: r, rotationClass: SIGNING, keys: ['jwt-secret'], deployments: [dep('shop-api')] });
    }, `[rotation/again]: the rotation class signing already has a CronJob in ${P}].`],
    ['a key the ExternalSecret does not read', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(SIGNING, { keys: ['jwt'], deployments: [dep('shop-api')] }),
      `${P}/signing]: 'keys' names "jwt", which ExternalSecret shop-secrets does not read; allowed: jwt-secret, jwt-secret-previous, api-key, db-url.`],
    ['a key rendered from a template', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(SIGNING, { keys: ['db-url'], deployments: [dep('shop-api')] }),
      `${P}/signing]: key "db-url" is rendered from a template by ExternalSecret shop-secrets, not read from secret/shop/prod/signing; a value the script writes there would never reach the Secret.`],
    ['no keys', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(SIGNING, { keys: [], deployments: [dep('shop-api')] }),
      `${P}/signing]: 'keys' is empty; allowed: one or more keys of ExternalSecret shop-secrets.`],
    ['a resource that is not a named Deployment', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [kplus.ApiResource.SECRETS] }),
      `${P}/signing]: 'deployments' must hold named Deployments (apps/deployments); allowed: a kplus.Deployment or SecretRotation.deploymentFromName(name). The value passed is: {"apiGroup":"","resourceType":"secrets"}`],
    ['no deployments', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation(SIGNING, { keys: ['jwt-secret'], deployments: [] }),
      `${P}/signing]: 'deployments' is empty; allowed: the Deployments that read jwt-secret.`],
    ['a CronJob name over 52 characters', (f) => new SecretRotation(f.chart, 'rotation', { externalSecret: f.externalSecret, vault: f.vault }).addRotation({ ...SIGNING, name: 'a-very-long-rotation-class-name-indeed' }, { keys: ['jwt-secret'], deployments: [dep('shop-api')] }),
      `${P}/a-very-long-rotation-class-name-indeed]: 'name' must be a CronJob name (a DNS label of at most 52 characters: its Jobs add 11). The value passed is: "secrets-rotation-a-very-long-rotation-class-name-indeed" (55 characters)`],
  ])('%s', (_what, build, message) => {
    const f = fixture();
    expect(() => build(f)).toThrow(message);
  });

  test('a SecretRotation without any rotation does not validate', () => {
    const { app, chart, externalSecret, vault } = fixture();
    new SecretRotation(chart, 'rotation', { externalSecret, vault });
    expect(validateTree(app as App)).toEqual([`${P}]: a SecretRotation needs at least one rotation (alone it is a script and a NetworkPolicy that nothing uses); call addRotation().`]);
  });
});

describe.each(ENVS)('dist/%s/secrets-rotation.yaml', (env) => {
  const docs = docsOf(`${env}/secrets-rotation.yaml`);
  const cronJobs = docs.filter((d) => d.kind === 'CronJob');
  const podEnv = (job: any) => Object.fromEntries(job.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));

  test('is listed in the kustomization', () => {
    expect((yaml.load(rendered.find((f) => f.path === `${env}/kustomization.yaml`)!.content) as any).resources).toContain('secrets-rotation.yaml');
  });

  const automatic = catalogRotations(VEZA_CATALOG, [RotationMethod.GENERATE, RotationMethod.DATABASE_ENGINE]);
  const jobOf = (cls: string) => cronJobs.find((j) => j.metadata.name === `secrets-rotation-${cls}`);

  test('one daily CronJob per GENERATE and DATABASE_ENGINE class of the catalog, restarting the class\'s consumers', () => {
    expect(cronJobs.map((j) => j.metadata.name).sort()).toEqual(automatic.map((r) => `secrets-rotation-${r.rotationClass.name}`).sort());
    for (const r of automatic) {
      const job = jobOf(r.rotationClass.name);
      expect(job.spec.schedule).toBe(ROTATION_SCHEDULE.expressionString);
      expect(job.spec.timeZone).toBe('Etc/UTC');
      expect(job.metadata.labels['veza.io/rotation-class']).toBe(r.rotationClass.name);
      expect(podEnv(job)).toMatchObject({
        ROTATION_METHOD: r.rotationClass.method,
        ROTATION_CLASS: r.rotationClass.name,
        ROTATION_DEPLOYMENTS: r.consumers.join(' '),
        ROTATION_NAMESPACE: `veza-${env}`,
        ROTATION_EXTERNAL_SECRET: 'veza-secrets',
        ROTATION_INTERVAL_DAYS: String(r.rotationClass.interval!.toDays()),
        ROTATION_VAULT_ROLE: `veza-${env}-rotation-${r.rotationClass.name}`,
      });
    }
  });

  test('GENERATE: the keys, written to the class\'s own KV secret, whose <key>-previous the ExternalSecret reads beside each key', () => {
    const es = docsOf(`${env}/external-secrets/veza-secrets.yaml`).find((d) => d.kind === 'ExternalSecret');
    for (const r of automatic.filter((x) => x.rotationClass.method === RotationMethod.GENERATE)) {
      const job = jobOf(r.rotationClass.name);
      expect(podEnv(job)).toMatchObject({ ROTATION_KEYS: r.keys.join(' '), ROTATION_KV_MOUNT: 'secret', ROTATION_KV_PATH: `veza/${env}/${r.rotationClass.name}`, ROTATION_PREVIOUS_SUFFIX: PREVIOUS_SUFFIX });
      for (const key of r.keys) {
        for (const k of [key, `${key}${PREVIOUS_SUFFIX}`]) {
          expect(es.spec.data.find((d: any) => d.secretKey === k).remoteRef).toEqual({ key: `veza/${env}/${r.rotationClass.name}`, property: k });
        }
      }
    }
  });

  test('DATABASE_ENGINE: the static role of the store\'s database engine', () => {
    for (const r of automatic.filter((x) => x.rotationClass.method === RotationMethod.DATABASE_ENGINE)) {
      expect(podEnv(jobOf(r.rotationClass.name))).toMatchObject({ ROTATION_DB_MOUNT: 'database', ROTATION_DB_ROLE: `veza-${env}-app` });
    }
  });

  test('MANUAL classes: no CronJob, no command and no permission touches their keys', () => {
    const rotated = cronJobs.flatMap((j) => (podEnv(j).ROTATION_KEYS ?? '').split(' '));
    for (const entry of VEZA_CATALOG.all.filter((e) => e.rotation.method === RotationMethod.MANUAL)) {
      expect(rotated).not.toContain(entry.key);
      expect(jobOf(entry.rotation.name)).toBeUndefined();
    }
  });

  test.each(automatic.map((r) => [r.rotationClass.name, r.consumers] as const))('the job of %s has its own service account, and a Role of exactly veza-secrets and its own consumers (get and patch; list and watch of the Deployments, for rollout status), bound to that account only', (cls, consumers) => {
    const name = `secrets-rotation-${cls}`;
    const role = docs.find((d) => d.kind === 'Role' && d.metadata.name === name);
    expect(role.rules).toEqual([
      { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], resourceNames: ['veza-secrets'], verbs: ['get', 'patch'] },
      ...consumers.map((d) => ({ apiGroups: ['apps'], resources: ['deployments'], resourceNames: [d], verbs: ['get', 'patch', 'list', 'watch'] })),
    ]);
    const binding = docs.find((d) => d.kind === 'RoleBinding' && d.metadata.name === name);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name, namespace: `veza-${env}` }]);
    expect(docs.find((d) => d.kind === 'ServiceAccount' && d.metadata.name === name)).toMatchObject({ automountServiceAccountToken: false });
    expect(jobOf(cls).spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(name);
  });

  test('one service account, Role and RoleBinding per job, and no other', () => {
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) {
      expect(docs.filter((d) => d.kind === kind).map((d) => d.metadata.name).sort()).toEqual(automatic.map((r) => `secrets-rotation-${r.rotationClass.name}`).sort());
    }
  });

  test.each(automatic.map((r) => r.rotationClass.name))('CronJob %s is safe: Forbid, bounded deadlines and retries, failed runs kept, never restarted in place', (cls) => {
    const spec = jobOf(cls).spec;
    expect(spec).toMatchObject({ concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 3600, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 3 });
    expect(spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600 });
    expect(spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(spec.jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'ROTATION_JOB_UID').valueFrom)
      .toEqual({ fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } });
  });

  test("the pod passes Pod Security 'restricted', read-only root, pinned images, requests and limits, projected tokens only", () => {
    const pod = cronJobs[0].spec.jobTemplate.spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe(cronJobs[0].metadata.name);
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

test('generatedRotations: the classes of the given methods, each with its catalog keys and their consumers', () => {
  for (const r of generatedRotations(VEZA_CATALOG)) {
    expect(r.rotationClass.method).toBe(RotationMethod.GENERATE);
    expect(r.keys).toEqual(VEZA_CATALOG.all.filter((e) => e.rotation.name === r.rotationClass.name).map((e) => e.key));
    expect(r.consumers).toEqual(VEZA_CATALOG.services.filter((s) => r.keys.some((k) => (VEZA_CATALOG.entry(k).consumers as readonly string[]).includes(s))));
  }
  expect(generatedRotations(VEZA_CATALOG).map((r) => r.rotationClass.name)).toEqual(VEZA_CATALOG.rotationClasses.filter((c) => c.method === RotationMethod.GENERATE).map((c) => c.name));
});

describe('the shipped Pod Security check (the policy pass\'s rules) catches what it looks for', () => {
  const pod = docsOf('production/secrets-rotation.yaml').find((d) => d.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
  test.each<[string, (p: any) => void, string]>([
    ['privilege escalation', (p) => { p.containers[0].securityContext.allowPrivilegeEscalation = true; }, `pod-security-restricted: 'spec.containers["rotate"].securityContext.allowPrivilegeEscalation' is true; allowed: false`],
    ['root', (p) => { p.securityContext.runAsUser = 0; }, "pod-security-restricted: 'spec.securityContext.runAsUser' is 0; allowed: a non-zero user"],
    ['a writable root', (p) => { delete p.initContainers[0].securityContext.readOnlyRootFilesystem; }, `pod-security-restricted: 'spec.initContainers["vault-cli"].securityContext.readOnlyRootFilesystem' is unset; allowed: true`],
    ['a latest image', (p) => { p.containers[0].image = 'alpine/k8s:latest'; }, `pinned-images: 'spec.containers["rotate"].image' is "alpine/k8s:latest"; allowed: ${PINNED_IMAGE_ALLOWED}`],
    ['a hostPath volume', (p) => { p.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, "pod-security-restricted: 'spec.volumes' holds hostPath volume \"h\"; allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret"],
    ['an added capability', (p) => { p.containers[0].securityContext.capabilities.add = ['NET_ADMIN']; }, `pod-security-restricted: 'spec.containers["rotate"].securityContext.capabilities.add' is ["NET_ADMIN"]; allowed: NET_BIND_SERVICE only`],
    ['no limits', (p) => { delete p.containers[0].resources.limits; }, `container-resources: 'spec.containers["rotate"].resources.limits.memory' is unset; allowed: a quantity such as 64Mi`],
    ['a mounted token', (p) => { delete p.automountServiceAccountToken; }, "pod-security-restricted: 'spec.automountServiceAccountToken' is unset; allowed: false (mount a projected token where the API is called)"],
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
  expect(vaultApp.environments[0].rotation?.rotations.map((r) => r.rotationClass.name).sort())
    .toEqual(VEZA_CATALOG.rotationClasses.filter((c) => c.method !== RotationMethod.MANUAL).map((c) => c.name).sort());
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
  const { chart, externalSecret, vault } = fixture();
  const rotation = new SecretRotation(chart, 'rotation', { externalSecret, vault, images: { runner: image, vault: image } });
  expect(rotation.images).toEqual({ runner: image, vault: image });
});
