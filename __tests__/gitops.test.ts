import { execFileSync } from 'child_process';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderApp } from '../lib';
import { ConfigError } from '../lib/config/field-reader';
import { GitOpsTopology, GitOpsWiring, loadEnvironments, parseGitOps, renderVeza, VezaApp } from '../lib/veza';
import { IN_CLUSTER, SYNC_WAVE_ANNOTATION } from '../lib/veza/gitops';
import { setSyncWave } from '../lib/veza/gitops';

const root = path.join(__dirname, '..');
const files = renderVeza(path.join(root, 'environments'));
/** The environments of environments/ (a user may add one). */
const ENVS = loadEnvironments(path.join(root, 'environments')).map((e) => e.name);

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: any;
}

const docsUnder = (list: { path: string; content: string }[], folder: string): Doc[] =>
  list.filter((f) => f.path.startsWith(folder) && f.path.endsWith('.yaml') && !f.path.endsWith('/kustomization.yaml'))
    .flatMap((f) => yaml.loadAll(f.content) as Doc[]);

/** Validates objects with the Argo CD and Flux schemas (an ES-module script, run by node). */
function validate(docs: unknown[]): { kind: string; name: string; error: string | null }[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'validate-gitops.mjs')], { input: JSON.stringify(docs), cwd: root });
  return JSON.parse(out.toString());
}

const gitopsDocs = docsUnder(files, 'gitops/');
const wave = (d: Doc) => Number(d.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? '0');

test('every Argo CD and Flux object validates against its schema, and the schemas do reject', () => {
  const broken = [
    { ...gitopsDocs.find((d) => d.kind === 'Kustomization')!, spec: { ...gitopsDocs.find((d) => d.kind === 'Kustomization')!.spec, prune: 'yes' } },
    { ...gitopsDocs.find((d) => d.kind === 'Application')!, spec: { ...gitopsDocs.find((d) => d.kind === 'Application')!.spec, syncPolicy: { automated: { prune: 'always' } } } },
    { ...gitopsDocs.find((d) => d.kind === 'GitRepository')!, spec: { interval: '1m' } },
  ];
  const results = validate([...gitopsDocs, ...broken]);
  expect(results.slice(0, gitopsDocs.length).filter((r) => r.error !== null)).toEqual([]);
  expect(results.slice(gitopsDocs.length).map((r) => r.error)).toEqual([
    'data/spec/prune must be boolean',
    'data/spec/syncPolicy/automated/prune must be boolean',
    'data/spec must have required property url',
  ]);
  expect(gitopsDocs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
    'Application/veza-secrets',
    ...ENVS.map((env) => `Application/veza-secrets-${env}`),
    'Application/veza-secrets-operator',
    'GitRepository/veza-secrets',
    ...ENVS.map((env) => `Kustomization/veza-secrets-${env}`),
    'Kustomization/veza-secrets-gitops',
    'Kustomization/veza-secrets-operator',
  ].sort());
});

test('Argo CD: the operator Application syncs in an earlier wave than every environment', () => {
  const apps = docsUnder(files, 'gitops/argocd/apps/');
  const operator = apps.find((a) => a.metadata.name === 'veza-secrets-operator')!;
  // The operator: the same chart, version and values as the HelmRelease Flux applies.
  const release = docsUnder(files, 'cluster/').find((d) => d.kind === 'HelmRelease')!;
  expect(operator.spec.source).toEqual({ repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', targetRevision: release.spec.chart.spec.version, helm: { releaseName: release.spec.releaseName, valuesObject: release.spec.values } });
  expect(operator.spec.source).toMatchObject({ chart: 'external-secrets', targetRevision: '2.9.0' });
  expect(operator.spec.destination).toEqual({ server: IN_CLUSTER, namespace: 'external-secrets-system' });
  const esoNamespace = docsUnder(files, 'cluster/').find((d) => d.kind === 'Namespace')! as Doc & { metadata: { labels: Record<string, string> } };
  expect(operator.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  expect(operator.spec.syncPolicy.managedNamespaceMetadata).toEqual({ labels: esoNamespace.metadata.labels });
  for (const env of ENVS) {
    const app = apps.find((a) => a.metadata.name === `veza-secrets-${env}`)!;
    expect(app.spec.source.path).toBe(`dist/${env}`);
    expect(app.spec.destination).toEqual({ server: IN_CLUSTER, namespace: `veza-${env}` });
    expect(wave(app)).toBeGreaterThan(wave(operator));
    expect(files.some((f) => f.path === `${env}/kustomization.yaml`)).toBe(true);
  }
  const kustomization = yaml.load(files.find((f) => f.path === 'gitops/argocd/apps/kustomization.yaml')!.content) as { resources: string[] };
  expect(kustomization.resources).toHaveLength(apps.length);
  const rootApp = docsUnder(files, 'gitops/argocd/root.yaml')[0];
  expect(rootApp.spec.source.path).toBe('dist/gitops/argocd/apps');
});

test.each(ENVS)('Argo CD waves inside %s: namespace, then store, then ExternalSecret, then the rest', (env) => {
  const kustomization = yaml.load(files.find((f) => f.path === `${env}/kustomization.yaml`)!.content) as { resources: string[] };
  const objects = kustomization.resources.flatMap((r) => yaml.loadAll(files.find((f) => f.path === `${env}/${r}`)!.content) as Doc[]);
  const waveOf = (kind: string) => objects.filter((o) => o.kind === kind).map(wave);
  expect(waveOf('Namespace')).toEqual([-4]);
  // What the Vault store needs to log in: Vault's token reviewer, before the store.
  expect(objects.filter((o) => o.metadata.name.includes('vault-token-reviewer')).map(wave)).toEqual([-3, -3, -3]);
  expect(waveOf('SecretStore')).toEqual([-2]);
  // The store's own service account comes with it.
  expect(objects.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'vault-store-auth').map(wave)).toEqual([-2]);
  // The last wave: it is not Ready before the first rotation run creates the generated keys (SYNC_WAVES).
  expect(waveOf('ExternalSecret')).toEqual([0]);
  // The ExternalSecret's generator is in its file, hence its wave.
  expect(objects.filter((o) => o.kind === 'VaultDynamicSecret').map(wave)).toEqual([0]);
  const early = (o: Doc) => ['Namespace', 'SecretStore', 'ExternalSecret', 'VaultDynamicSecret'].includes(o.kind) || o.metadata.name === 'vault-store-auth' || o.metadata.name.includes('vault-token-reviewer');
  expect(objects.filter((o) => !early(o)).map((o) => `${o.kind}/${o.metadata.name} ${wave(o)}`).filter((x) => !x.endsWith(' 0'))).toEqual([]);
  expect(objects.filter((o) => !early(o)).length).toBeGreaterThan(0);
});

test('Flux: every environment depends on the operator, pruned and waited for', () => {
  const ks = docsUnder(files, 'gitops/flux/veza/').filter((d) => d.kind === 'Kustomization');
  const operator = ks.find((k) => k.metadata.name === 'veza-secrets-operator')!;
  expect(operator.spec).toMatchObject({ path: './dist/cluster', prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'veza-secrets' } });
  expect(operator.spec.dependsOn).toBeUndefined();
  for (const env of ENVS) {
    const k = ks.find((x) => x.metadata.name === `veza-secrets-${env}`)!;
    expect(k.spec).toMatchObject({ path: `./dist/${env}`, prune: true, wait: true, dependsOn: [{ name: 'veza-secrets-operator' }], interval: '10m' });
    expect(k.metadata.namespace).toBe('flux-system');
  }
  const source = docsUnder(files, 'gitops/flux/veza/').find((d) => d.kind === 'GitRepository')!;
  expect(source.spec).toEqual({ interval: '1m', url: 'https://git.veza.internal/veza/veza-secrets.git', ref: { branch: 'main' } });
});

const CONFIG = { repoUrl: 'https://git.example.com/veza.git', revision: 'main' };
/** parseGitOps's input in the tests of the reader itself: three environments, whatever environments/ holds. */
const THREE = ['development', 'production', 'staging'];

test('parseGitOps: defaults', () => {
  const c = parseGitOps(CONFIG, THREE, 'gitops.yaml');
  expect(c.topology).toBe(GitOpsTopology.SINGLE_CLUSTER);
  expect(c.distPath).toBe('dist');
  expect(c.argocd).toEqual({ namespace: 'argocd', project: 'default' });
  expect(c.flux.namespace).toBe('flux-system');
  expect(c.flux.interval.toMinutes()).toBe(10);
  expect(c.clusters).toEqual({ development: IN_CLUSTER, production: IN_CLUSTER, staging: IN_CLUSTER });
});

test.each([
  [{ revision: 'main' }, "gitops.yaml: 'repoUrl' is missing; allowed: an https://, ssh:// or git@host:path Git URL"],
  [{ ...CONFIG, revision: '../main' }, "gitops.yaml: 'revision' is \"../main\"; allowed: a branch such as main, a full ref such as refs/tags/v1.2.0 or a 40-hex commit (a name `git check-ref-format --allow-onelevel` accepts)"],
  [{ ...CONFIG, topology: 'multi' }, "gitops.yaml: 'topology' is \"multi\"; allowed: single-cluster, cluster-per-environment"],
  [{ ...CONFIG, topology: 'cluster-per-environment', clusters: { development: 'https://d', staging: 'http://s' } },
    "gitops.yaml: 'clusters.production' is missing; allowed: an https:// URL without a password (TLS is required outside development)\n" +
    "gitops.yaml: 'clusters.staging' is \"http://s\"; allowed: an https:// URL without a password (TLS is required outside development)"],
  [{ ...CONFIG, topology: 'cluster-per-environment' }, THREE.map((e) => `gitops.yaml: 'clusters.${e}' is missing; allowed: an https:// URL (cluster-per-environment needs a destination server per environment)`).join('\n')],
  [{ ...CONFIG, clusters: { production: 'https://p' } }, "gitops.yaml: 'clusters' is \"a mapping\"; allowed: nothing with topology single-cluster (every environment runs in-cluster); set topology: cluster-per-environment to use it"],
  [{ ...CONFIG, distPath: '../dist' }, "gitops.yaml: 'distPath' is \"../dist\"; allowed: a relative folder of the repository such as dist or deploy/dist (no '.', '..' or leading '/')"],
  [{ ...CONFIG, flux: { interval: '0s' } }, "gitops.yaml: 'flux.interval' is \"0s\"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m"],
  [{ ...CONFIG, argocd: { project: 'Veza' } }, "gitops.yaml: 'argocd.project' is \"Veza\"; allowed: a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)"],
  [{ ...CONFIG, branch: 'main' }, "gitops.yaml: 'branch' is not a known field; allowed: repoUrl, revision, topology, distPath, clusters, argocd, flux"],
])('parseGitOps rejects %j', (doc, message) => {
  let error: unknown;
  try {
    parseGitOps(doc, THREE, 'gitops.yaml');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toBe(message);
});

test('cluster-per-environment: one operator per cluster, each environment after its own', () => {
  const environments = loadEnvironments(path.join(root, 'environments'));
  const config = parseGitOps({
    ...CONFIG,
    revision: 'refs/tags/v1.2.0',
    distPath: 'deploy/dist',
    topology: 'cluster-per-environment',
    clusters: Object.fromEntries(ENVS.map((env) => [env, `https://${env}:6443`])),
  }, ENVS, 'gitops.yaml');
  const app = new VezaApp({ environments, gitops: config });
  const wiring = app.node.findChild('GitOps') as GitOpsWiring;
  expect(wiring).toBeInstanceOf(GitOpsWiring);
  const out = renderApp(app);
  const apps = docsUnder(out, 'gitops/argocd/apps/');
  for (const env of ENVS) {
    const server = config.clusters[env];
    const operator = apps.find((a) => a.metadata.name === `veza-secrets-operator-${env}`)!;
    const envApp = apps.find((a) => a.metadata.name === `veza-secrets-${env}`)!;
    expect(operator.spec.destination).toEqual({ server, namespace: 'external-secrets-system' });
    expect(operator.spec.source.chart).toBe('external-secrets');
    expect(envApp.spec.source).toEqual({ repoURL: CONFIG.repoUrl, targetRevision: 'refs/tags/v1.2.0', path: `deploy/dist/${env}` });
    expect(envApp.spec.destination).toEqual({ server, namespace: `veza-${env}` });
    expect(wave(envApp)).toBeGreaterThan(wave(operator));
    const flux = docsUnder(out, `gitops/flux/${env}/`);
    const byName = (kind: string, name: string) => flux.find((d) => d.kind === kind && d.metadata.name === name)!;
    expect(flux.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'GitRepository/veza-secrets',
      `Kustomization/veza-secrets-${env}`,
      'Kustomization/veza-secrets-gitops',
      'Kustomization/veza-secrets-operator',
    ].sort());
    expect(byName('GitRepository', 'veza-secrets').spec.ref).toEqual({ name: 'refs/tags/v1.2.0' });
    expect(byName('Kustomization', 'veza-secrets-gitops').spec.path).toBe(`./deploy/dist/gitops/flux/${env}`);
    expect(byName('Kustomization', `veza-secrets-${env}`).spec.dependsOn).toEqual([{ name: 'veza-secrets-operator' }]);
  }
  expect(out.some((f) => f.path.startsWith('gitops/flux/veza/'))).toBe(false);
  expect(validate(docsUnder(out, 'gitops/')).filter((r) => r.error !== null)).toEqual([]);
});

test('without gitops.yaml there is no GitOps wiring and no sync wave', () => {
  const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) });
  const out = renderApp(app);
  expect(out.some((f) => f.path.startsWith('gitops/'))).toBe(false);
  expect(out.some((f) => f.content.includes(SYNC_WAVE_ANNOTATION))).toBe(false);
});

test('a commit revision becomes a Flux commit ref', () => {
  const commit = 'a'.repeat(40);
  const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')), gitops: parseGitOps({ ...CONFIG, revision: commit }, ENVS, 'gitops.yaml') });
  const source = docsUnder(renderApp(app), 'gitops/flux/veza/').find((d) => d.kind === 'GitRepository')!;
  expect(source.spec.ref).toEqual({ commit });
});

describe('GitOpsWiring props', () => {
  const environments = () => new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) });

  test("'folder' defaults to gitops and can be set", () => {
    const app = environments();
    new GitOpsWiring(app, 'Wiring', { config: parseGitOps(CONFIG, ENVS, 'gitops.yaml'), environments: app.environments, cluster: app.cluster, folder: 'deploy' });
    const paths = renderApp(app).map((f) => f.path).filter((p) => p.startsWith('deploy/'));
    expect(paths).toContain('deploy/argocd/root.yaml');
    expect(paths).toContain('deploy/flux/veza/veza-secrets-operator.yaml');
    const source = docsUnder(renderApp(app), 'deploy/argocd/root.yaml')[0].spec.source;
    expect(source.path).toBe('dist/deploy/argocd/apps');
  });

  test.each([
    ['no environment', (app: VezaApp) => new GitOpsWiring(app, 'Wiring', { config: parseGitOps(CONFIG, ENVS, 'gitops.yaml'), environments: [], cluster: app.cluster }),
      "[Wiring]: 'environments' is empty; the wiring deploys at least one environment."],
    ['a cluster missing', (app: VezaApp) => new GitOpsWiring(app, 'Wiring', {
      config: { ...parseGitOps({ ...CONFIG, topology: 'cluster-per-environment', clusters: Object.fromEntries(ENVS.map((env) => [env, `https://${env}`])) }, ENVS, 'gitops.yaml'), clusters: { development: 'https://d' } },
      environments: app.environments,
      cluster: app.cluster,
    }), "[Wiring]: 'config.clusters' has no destination server for environment \"production\"; cluster-per-environment needs one per environment. It has: [\"development\"]"],
    ['a fractional wave', (app: VezaApp) => setSyncWave(app.environments[0].namespace, 1.5),
      "[development/Applied/Namespace/Resource]: 'wave' must be a whole number (Argo CD parses it as an integer). The value passed is: 1.5"],
  ])('%s throws', (_, build, message) => {
    expect(() => build(environments())).toThrow(message);
  });

  test('setSyncWave returns the objects it annotated', () => {
    const app = environments();
    const objects = setSyncWave(app.environments[0].active.store, -5);
    expect(objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['ServiceAccount/vault-store-auth', 'SecretStore/vault-store']);
    expect(objects.every((o) => o.toJson().metadata.annotations[SYNC_WAVE_ANNOTATION] === '-5')).toBe(true);
  });
});

describe('cascading deletions (issue 10.8)', () => {
  // Argo CD deletes what an Application deployed when the Application goes (resources-finalizer) and
  // prunes what its source stops listing; Flux prunes and garbage-collects (prune: true). A resource
  // opts out with these annotations (Argo CD sync options, Flux's prune annotation).
  test('each environment\'s namespace survives its Application or Kustomization going away', () => {
    const envNames = loadEnvironments(path.join(root, 'environments')).map((e) => e.name);
    expect(envNames.length).toBeGreaterThan(0);
    for (const env of envNames) {
      const [namespace] = docsUnder(files, `${env}/namespace.yaml`);
      expect(namespace.kind).toBe('Namespace');
      expect(namespace.metadata.annotations).toMatchObject({
        'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
      // What deploys that folder is what these annotations protect against.
      const app = docsUnder(files, 'gitops/argocd/apps/').find((a) => a.spec.source.path === `dist/${env}`)!;
      expect(app.metadata).toMatchObject({ finalizers: ['resources-finalizer.argocd.argoproj.io'] });
      const k = docsUnder(files, 'gitops/flux/').find((d) => d.kind === 'Kustomization' && d.spec.path === `./dist/${env}`)!;
      expect(k.spec.prune).toBe(true);
    }
  });

  test('the operator\'s namespace survives the operator\'s Kustomization going away (Flux prunes it with prune: true)', () => {
    const namespace = docsUnder(files, 'cluster/').find((d) => d.kind === 'Namespace')!;
    expect(namespace.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    const operator = docsUnder(files, 'gitops/flux/').find((d) => d.kind === 'Kustomization' && d.spec.path === './dist/cluster')!;
    expect(operator.spec.prune).toBe(true);
  });

  test('every ESO install keeps its CRDs (templated by the chart) when the release is uninstalled or its Application deleted', () => {
    const helmRelease = docsUnder(files, 'cluster/').find((d) => d.kind === 'HelmRelease')!;
    const argoOperators = docsUnder(files, 'gitops/argocd/apps/').filter((a) => a.spec.source.chart === 'external-secrets');
    expect(argoOperators.length).toBeGreaterThan(0);
    const everyValues = [helmRelease.spec.values, ...argoOperators.map((a) => a.spec.source.helm.valuesObject)];
    for (const values of everyValues) {
      expect(values.installCRDs).toBe(true);
      expect(values.crds).toEqual({ annotations: { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' } });
    }
    // install.crds / upgrade.crds act on a chart's crds/ folder only: ESO's CRDs are templates.
    expect(helmRelease.spec.install.crds).toBeUndefined();
  });
});
