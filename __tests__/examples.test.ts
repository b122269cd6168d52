import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendApiChart } from '../examples/backend-api';
import { BILLING_CATALOG, otherTeamStack, synthOtherTeam } from '../examples/other-team';
import { checkPinned } from '../examples/restricted';
import { STREAM_SECRETS_DIR, streamServerChart } from '../examples/stream-server';
import { enforcePolicy, PolicyError, PREVIOUS_SUFFIX, SecretCatalog } from '../lib';
import { envName } from '../lib/eso/catalog-secret';
import { keepsPreviousValue } from '../lib/eso/secret-catalog';
import { loadEnvironments, VEZA_CATALOG, VezaApp, VezaCatalog, VezaEnvironment, VezaSecretKey } from '../lib/veza';

const configs = loadEnvironments(path.join(__dirname, '..', 'environments'));

function vezaApp(): VezaApp {
  return new VezaApp({ environments: configs });
}

function deploymentOf(objects: any[]): any {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  expect(deployments).toHaveLength(1);
  return deployments[0];
}

function rbacSubjects(env: VezaEnvironment): string[] {
  return env.consumers.readGrant.binding.subjects.map((s) => s.toSubjectConfiguration().name);
}

/** The checks of Pod Security 'restricted' (v1.28) that a pod template can fail, plus the brief's own. */
function expectRestricted(d: any): void {
  const pod = d.spec.template.spec;
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.hostNetwork ?? false).toBe(false);
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  for (const c of pod.containers) {
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.image).toMatch(/:[\w][\w.-]*$|@sha256:[0-9a-f]{64}$/);
    expect(c.image).not.toMatch(/:latest$/);
  }
  for (const v of pod.volumes ?? []) expect(v.hostPath).toBeUndefined();
}

describe.each(configs.map((c) => c.name))('examples in %s', (envName_) => {
  test('backend-api: its keys as env vars, no other, the content hash and Reloader on the pod template', () => {
    const app = vezaApp();
    const env = app.environments.find((e) => e.config.name === envName_)!;
    const d = deploymentOf(Testing.synth(backendApiChart(app, env)));
    expect(d.metadata).toMatchObject({ name: 'veza-backend-api', namespace: `veza-${envName_}` });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('veza-backend-api');
    expect(rbacSubjects(env)).toContain('veza-backend-api');
    const keys = VEZA_CATALOG.keysFor('veza-backend-api');
    expect(pod.containers[0].envFrom).toBeUndefined();
    // Each key, and beside each key whose class keeps a previous value its <key>-previous.
    const withPrevious = keys.flatMap((key) => (keepsPreviousValue(VEZA_CATALOG.entry(key).rotation) ? [key, `${key}${PREVIOUS_SUFFIX}`] : [key]));
    expect(pod.containers[0].env).toEqual(withPrevious.map((key) => ({ name: envName(key), valueFrom: { secretKeyRef: { name: 'veza-secrets', key } } })));
    expect(JSON.stringify(d)).not.toContain('stream-server-secret');
    expect(d.spec.template.metadata.annotations).toEqual({
      'veza.io/secrets-hash': env.consumers.secrets.forService('veza-backend-api').contentHash,
      'secret.reloader.stakater.com/reload': 'veza-secrets',
    });
    expectRestricted(d);
  });

  test('stream-server: connection strings as env vars, signing secrets as files, nothing of the backend', () => {
    const app = vezaApp();
    const env = app.environments.find((e) => e.config.name === envName_)!;
    const d = deploymentOf(Testing.synth(streamServerChart(app, env)));
    expect(d.metadata).toMatchObject({ name: 'veza-stream-server', namespace: `veza-${envName_}` });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('veza-stream-server');
    expect(rbacSubjects(env)).toContain('veza-stream-server');
    const container = pod.containers[0];
    expect(container.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef])).toEqual([
      ['DATABASE_URL', { name: 'veza-secrets', key: 'database-url' }],
      ['REDIS_URL', { name: 'veza-secrets', key: 'redis-url' }],
    ]);
    const secretVolume = pod.volumes.find((v: any) => v.secret);
    expect(secretVolume.secret).toEqual({
      secretName: 'veza-secrets',
      defaultMode: 0o440,
      items: ['jwt-secret', 'jwt-secret-previous', 'stream-server-secret', 'stream-server-secret-previous'].map((key) => ({ key, path: key })),
    });
    expect(container.volumeMounts).toContainEqual({ name: secretVolume.name, mountPath: STREAM_SECRETS_DIR, readOnly: true });
    expect(pod.securityContext.fsGroup).toBe(container.securityContext.runAsUser);
    for (const key of VEZA_CATALOG.keysFor('veza-backend-api').filter((k) => !VEZA_CATALOG.entry(k).consumers.includes('veza-stream-server'))) {
      expect(JSON.stringify(d)).not.toContain(key);
    }
    expect(d.spec.template.metadata.annotations['veza.io/secrets-hash']).toBe(env.consumers.secrets.forService('veza-stream-server').contentHash);
    expectRestricted(d);
  });
});

describe('example props', () => {
  const app = vezaApp();
  const env = app.environments[0];

  test('defaults: two replicas, the pinned 1.0.4 images', () => {
    const backend = deploymentOf(Testing.synth(backendApiChart(app, env)));
    const stream = deploymentOf(Testing.synth(streamServerChart(app, env)));
    expect([backend.spec.replicas, stream.spec.replicas]).toEqual([2, 2]);
    expect(backend.spec.template.spec.containers[0].image).toBe('registry.example.com/veza/veza-backend-api:1.0.4');
    expect(stream.spec.template.spec.containers[0].image).toBe('registry.example.com/veza/veza-stream-server:1.0.4');
  });

  test("'image' and 'replicas'", () => {
    const image = `registry.example.com/veza/veza-backend-api@sha256:${'b'.repeat(64)}`;
    const backend = deploymentOf(Testing.synth(backendApiChart(new App(), env, { image, replicas: 3 })));
    expect(backend.spec.replicas).toBe(3);
    expect(backend.spec.template.spec.containers[0].image).toBe(image);
    const stream = deploymentOf(Testing.synth(streamServerChart(new App(), env, { image: 'registry.example.com/s:2.0.0', replicas: 1 })));
    expect([stream.spec.replicas, stream.spec.template.spec.containers[0].image]).toEqual([1, 'registry.example.com/s:2.0.0']);
    const billing = deploymentOf(Testing.synth(otherTeamStack(new App(), { namespace: 'payments', image: 'registry.example.com/b:9.9.9' }).team));
    expect([billing.metadata.namespace, billing.spec.template.spec.containers[0].image]).toEqual(['payments', 'registry.example.com/b:9.9.9']);
  });

  test.each([
    ['backend-api', () => backendApiChart(new App(), env, { image: 'registry.example.com/veza/veza-backend-api:latest' })],
    ['stream-server', () => streamServerChart(new App(), env, { image: 'registry.example.com/veza/veza-stream-server' })],
    ['other-team', () => otherTeamStack(new App(), { image: 'billing-worker' })],
  ])('%s refuses an unpinned image', (_name, act) => {
    expect(act).toThrow(/^'image' is ".*"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com\/hashicorp\/vault:1.21.4$/);
  });
});

describe('restart on a change of the model', () => {
  /** Veza's catalog with one entry's remote name or rotation interval changed. */
  function variant(key: VezaSecretKey, change: { remoteName?: string; intervalDays?: number }): VezaCatalog {
    const secrets = Object.fromEntries(VEZA_CATALOG.all.map((e) => [e.key, e.key !== key ? e : {
      ...e,
      remoteName: change.remoteName ?? e.remoteName,
      rotation: change.intervalDays === undefined ? e.rotation : { ...e.rotation, interval: Duration.days(change.intervalDays) },
    }]));
    // Same keys and services as Veza's: only the literal types are lost on the way.
    return new SecretCatalog({ services: VEZA_CATALOG.services, secrets }) as unknown as VezaCatalog;
  }

  function hashes(catalog = VEZA_CATALOG): { backend: string; stream: string } {
    const app = new VezaApp({ environments: configs.filter((c) => c.name === 'production'), catalog });
    const env = app.environments[0];
    const annotation = (objects: any[]) => deploymentOf(objects).spec.template.metadata.annotations['veza.io/secrets-hash'];
    return {
      backend: annotation(Testing.synth(backendApiChart(app, env))),
      stream: annotation(Testing.synth(streamServerChart(app, env))),
    };
  }

  const before = hashes();

  test.each([
    ['the remote name of a key both read (jwt-secret)', 'jwt-secret', { remoteName: 'jwt-signing-secret' }, true, true],
    ['the rotation of a key both read (database-url)', 'database-url', { intervalDays: 90 }, true, true],
    ['the remote name of a key only the backend reads (stripe-api-key)', 'stripe-api-key', { remoteName: 'stripe-key' }, true, false],
    ['the rotation of a key only the stream server reads (stream-server-secret)', 'stream-server-secret', { intervalDays: 30 }, false, true],
  ] as const)('changing %s rolls exactly its consumers', (_name, key, change, backendRolls, streamRolls) => {
    const after = hashes(variant(key, change));
    expect(after.backend !== before.backend).toBe(backendRolls);
    expect(after.stream !== before.stream).toBe(streamRolls);
  });

  test('the same model gives the same pod templates', () => {
    expect(hashes()).toEqual(before);
  });
});

describe('other-team: its own catalog, a ClusterSecretStore, its own ExternalSecret', () => {
  const stack = otherTeamStack(new App());
  const cluster = Testing.synth(stack.cluster);
  const team = Testing.synth(stack.team);

  test('the ClusterSecretStore is cluster-scoped and allows the team namespace only', () => {
    const [store] = cluster;
    expect(cluster).toHaveLength(1);
    expect(store.kind).toBe('ClusterSecretStore');
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec.conditions).toEqual([{ namespaces: ['billing'] }]);
    expect(store.spec.provider.aws.auth.jwt.serviceAccountRef).toEqual({ name: 'billing-store-auth', namespace: 'billing' });
  });

  test('the ExternalSecret reads the catalog through the ClusterSecretStore', () => {
    const es = team.find((o) => o.kind === 'ExternalSecret');
    expect(es.metadata).toMatchObject({ name: 'billing-secrets', namespace: 'billing' });
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'billing-store' });
    expect(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([
      ['ledger-database-url', 'billing/ledger-database-url'],
      ['invoice-signing-key', 'billing/invoices/signing-key'],
      // Not Vault: nothing keeps a previous value, so it is read from the same remote as the key.
      ['invoice-signing-key-previous', 'billing/invoices/signing-key'],
      ['psp-api-key', 'billing/psp-api-key'],
    ]);
  });

  test("the worker reads its keys only, with its own Role and hash annotation", () => {
    const role = team.find((o) => o.kind === 'Role');
    expect(role.metadata.name).toBe('billing-secrets-reader');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['billing-secrets'], verbs: ['get'] }]);
    expect(team.find((o) => o.kind === 'RoleBinding').subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'billing-worker', namespace: 'billing' }]);
    const d = deploymentOf(team);
    expect(d.spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['BILLING_LEDGER_DATABASE_URL', 'BILLING_INVOICE_SIGNING_KEY', 'BILLING_INVOICE_SIGNING_KEY_PREVIOUS']);
    expect(JSON.stringify(d)).not.toContain('psp-api-key');
    expect(d.spec.template.metadata.annotations).toEqual({ 'billing.example.com/secrets-hash': stack.secrets.forService('billing-worker').contentHash });
    expect(BILLING_CATALOG.keysFor('billing-api')).toEqual(['ledger-database-url', 'psp-api-key']);
    expectRestricted(d);
  });

  test('no object of Veza', () => {
    expect(JSON.stringify([...cluster, ...team])).not.toMatch(/veza/);
  });
});

test.each([
  ['registry.example.com/veza/api', true],
  ['registry.example.com/veza/api:latest', true],
  ['registry.example.com:5000/veza/api', true],
  ['registry.example.com/veza/api:1.0.4', false],
  [`registry.example.com/veza/api@sha256:${'a'.repeat(64)}`, false],
])('checkPinned(%s) throws: %s', (image, throws) => {
  const act = () => checkPinned('image', image);
  if (throws) expect(act).toThrow(`'image' is ${JSON.stringify(image)}; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`);
  else expect(act()).toBe(image);
});

describe('other-team: the generic guardrails on another team\'s cdk8s app', () => {
  test('enforcePolicy(app) passes its charts (creationPolicy Owner, namespace billing are its own business), and app.synth() writes them', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-other-team-'));
    try {
      const report = synthOtherTeam(outdir);
      expect(report).toEqual({ violations: [], exemptions: [] });
      expect(fs.readdirSync(outdir).sort()).toEqual(['billing-cluster.k8s.yaml', 'billing.k8s.yaml']);
      expect(fs.readFileSync(path.join(outdir, 'billing.k8s.yaml'), 'utf8')).toContain('creationPolicy: Owner');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('a workload that breaks the generic rules is refused with one line per violation, naming the chart\'s file', () => {
    const app = new App();
    const { team } = otherTeamStack(app);
    new kplus.Deployment(team, 'Web', { metadata: { name: 'web' }, containers: [{ name: 'web', image: 'nginx', portNumber: 8080, securityContext: { ensureNonRoot: true } }] });
    let messages: string[] = [];
    try {
      enforcePolicy(app);
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      messages = (e as PolicyError).messages;
    }
    expect(messages).toContain('policy pinned-images: dist/billing.k8s.yaml: Deployment billing/web: \'spec.template.spec.containers["web"].image\' is "nginx"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4');
    expect(messages.filter((m) => !m.includes(': dist/billing.k8s.yaml: Deployment billing/web: '))).toEqual([]);
  });

  test('enforcePolicy on a plain chart, and a wrong argument, say what they need instead of crashing', () => {
    const chart = new Chart(new App(), 'plain', { namespace: 'shop' });
    new kplus.ConfigMap(chart, 'Settings', { data: { mode: 'fast' } });
    expect(enforcePolicy(chart)).toEqual({ violations: [], exemptions: [] });
    expect(() => enforcePolicy(Testing.synth(chart) as never)).toThrow(/^enforcePolicy: files\[0\] is \{"apiVersion":"v1","kind":"ConfigMap".*; allowed: a rendered file \{ path, content \} \(renderApp\(app\)\), or pass the App or Chart itself$/);
  });
});
