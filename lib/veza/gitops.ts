import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ConfigError, dnsLabel, FieldReader, goDuration, oneOf, text, url, readYamlFile } from '../config/field-reader';
import { kustomizationDocument } from '../output/deployment-unit';
import { ExternalSecretsOperator } from '../eso/external-secrets-operator';
import { toGoDuration } from '../eso/go-duration';
import { where } from '../eso/names';
import { ManifestFile, YamlFile } from '../output/files';
import { CLUSTER_LABELS, EnvironmentCluster, LAYOUT, SHARED_CLUSTER } from './layout';
import type { RunbookSection } from './runbook';
import type { VezaCluster } from './veza-cluster';
import type { VezaEnvironment } from './veza-environment';
import { gitRevision } from '../rules';

/** The GitOps configuration file, at the top of the project (not in environments/, where every file is an environment). */
export const GITOPS_FILE = 'gitops.yaml';

/** How environments map onto clusters. */
export enum GitOpsTopology {
  /** One cluster runs every environment: one operator, every environment's namespace beside it. */
  SINGLE_CLUSTER = 'single-cluster',
  /** Each environment has its own cluster, with its own operator. */
  CLUSTER_PER_ENVIRONMENT = 'cluster-per-environment',
}

/**
 * The cluster `env` runs in under `config`'s topology (the shared one without gitops.yaml).
 * @internal
 */
export function environmentCluster(config: GitOpsConfig | undefined, env: string): EnvironmentCluster {
  return config?.topology === GitOpsTopology.CLUSTER_PER_ENVIRONMENT ? { name: env, dedicated: true } : SHARED_CLUSTER;
}

/**
 * Argo CD sync waves (`argocd.argoproj.io/sync-wave`). Applications: the operator and its CRDs
 * before the environments. Inside an environment: the namespace, then what the store needs to log
 * in (Vault's token reviewer and CA), then the store (and the service account it logs in as); the
 * ExternalSecret and everything else (workloads, RBAC, rotation) in the default, last wave 0.
 * Negative waves so nobody else's objects move.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 * @internal
 */
export const SYNC_WAVES = {
  operatorApplication: 0,
  environmentApplication: 1,
  namespace: -4,
  /** What a store needs before it can log in: Vault's token reviewer (`vault-integration.yaml`) and CA (`vault-ca.yaml`). */
  storePrerequisites: -3,
  store: -2,
  /**
   * The last wave, with the rotation jobs: Argo CD stops a sync at a wave whose objects are
   * Degraded, but finishes the last wave whatever their health. The ExternalSecret reads what the
   * first rotation run creates (the generated keys' own secret), so it is not Ready before the
   * CronJob exists: in an earlier wave it would block the very sync that creates the CronJob.
   */
  externalSecret: 0,
} as const;

/**
 * The annotation Argo CD orders by.
 * @internal
 */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** `gitops.yaml`, checked. */
export interface GitOpsConfig {
  /** The file it was read from, for messages. */
  readonly file: string;
  /** The Git repository holding `dist/`, as Argo CD and Flux clone it. */
  readonly repoUrl: string;
  /** A branch, a full ref (`refs/tags/v1.2.0`) or a 40-hex commit. */
  readonly revision: string;
  /** One cluster for every environment, or one per environment. */
  readonly topology: GitOpsTopology;
  /** Where `dist/` is in the repository. */
  readonly distPath: string;
  /** Argo CD destination server of each environment (cluster-per-environment); in-cluster otherwise. */
  readonly clusters: Readonly<Record<string, string>>;
  /** Where the Argo CD Applications live, and their AppProject. */
  readonly argocd: { readonly namespace: string; readonly project: string };
  /** Where the Flux objects live, and how often Flux re-applies each Kustomization. */
  readonly flux: { readonly namespace: string; readonly interval: Duration };
}

/**
 * Argo CD's name for the cluster it runs in.
 * @internal
 */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

const PATH = text("a relative folder of the repository such as dist or deploy/dist (no '.', '..' or leading '/')", /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/);
const REPO_URL = text('an https://, ssh:// or git@host:path Git URL', /^(https:\/\/|ssh:\/\/|git@)[^\s]+$/);
const REVISION = gitRevision;

/** Reads and checks `gitops.yaml`; `environments` are the names of the loaded environments. */
export function loadGitOps(file: string, environments: readonly string[], displayName: string = file): GitOpsConfig {
  const doc = readYamlFile(file, displayName);
  return parseGitOps(doc, environments, displayName);
}

/** Checks a parsed `gitops.yaml`. */
export function parseGitOps(doc: unknown, environments: readonly string[], file: string): GitOpsConfig {
  const errors: string[] = [];
  const root = FieldReader.root(file, doc, errors);
  if (!root) throw new ConfigError(errors);
  const repoUrl = root.required('repoUrl', REPO_URL);
  const revision = root.required('revision', REVISION);
  const topology = root.optional('topology', oneOf(Object.values(GitOpsTopology)), GitOpsTopology.SINGLE_CLUSTER);
  const distPath = root.optional('distPath', PATH, 'dist');
  const clusters: Record<string, string> = {};
  const c = root.object('clusters', { optional: true, allowed: 'a mapping of environment name to Argo CD destination server URL' });
  for (const env of environments) {
    if (topology === GitOpsTopology.CLUSTER_PER_ENVIRONMENT) {
      const server = c ? c.required(env, url(true)) : root.fail(`clusters.${env}`, undefined, 'an https:// URL (cluster-per-environment needs a destination server per environment)');
      if (server) clusters[env] = server;
    } else {
      c?.optional(env, url(true));
      clusters[env] = IN_CLUSTER;
    }
  }
  if (topology === GitOpsTopology.SINGLE_CLUSTER && c && environments.some((e) => c.has(e))) {
    root.fail('clusters', 'a mapping', `nothing with topology single-cluster (every environment runs in-cluster); set topology: cluster-per-environment to use it`);
  }
  c?.finish();
  const a = root.object('argocd', { optional: true });
  const argocd = {
    namespace: a?.optional('namespace', dnsLabel, 'argocd') ?? 'argocd',
    project: a?.optional('project', dnsLabel, 'default') ?? 'default',
  };
  a?.finish();
  const f = root.object('flux', { optional: true });
  const flux = {
    namespace: f?.optional('namespace', dnsLabel, 'flux-system') ?? 'flux-system',
    interval: f?.optional('interval', goDuration, Duration.minutes(10)) ?? Duration.minutes(10),
  };
  f?.finish();
  root.finish();
  if (errors.length > 0) throw new ConfigError(errors);
  return { file, repoUrl: repoUrl!, revision: revision!, topology, distPath, clusters, argocd, flux };
}

/** Props of {@link GitOpsWiring}. */
export interface GitOpsWiringProps {
  /** `gitops.yaml`, checked (`loadGitOps`). */
  readonly config: GitOpsConfig;
  /** The environments to deploy, each after its cluster's operator. */
  readonly environments: readonly VezaEnvironment[];
  /**
   * The cluster-wide objects: Flux applies its folder (`dist/cluster`); Argo CD installs the same
   * operator's chart, version and values (`operator`) on each cluster.
   */
  readonly cluster: VezaCluster;
  /** The folder below dist/. @default 'gitops' */
  readonly folder?: string;
}

/** One cluster the wiring deploys to: its operator, and the environments it runs. */
interface ClusterPlan {
  /** `veza` for the single cluster, else the environment's name. */
  readonly name: string;
  readonly server: string;
  readonly environments: readonly VezaEnvironment[];
}

/**
 * Argo CD Applications and Flux Kustomizations that deploy `dist/`: the operator (`dist/cluster`)
 * first, then each environment (`dist/<env>`), on one cluster or one cluster per environment.
 * Also puts Argo CD sync waves on each environment's namespace, store and ExternalSecret.
 *
 *   dist/gitops/argocd/root.yaml             the app of apps, applied once by hand
 *   dist/gitops/argocd/apps/                 one Application per operator and environment
 *   dist/gitops/flux/<cluster>/              GitRepository + Kustomizations for one cluster
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/cluster-bootstrapping/
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export class GitOpsWiring extends Construct {
  /** The configuration it was built from. */
  public readonly config: GitOpsConfig;
  /** The operator and environment Applications, in wave order. */
  public readonly argoApplications: ApiObject[] = [];
  /** Every Flux Kustomization, per cluster. */
  public readonly fluxKustomizations: ApiObject[] = [];

  public constructor(scope: Construct, id: string, props: GitOpsWiringProps) {
    super(scope, id);
    const config = props.config;
    this.config = config;
    const folder = props.folder ?? 'gitops';
    const labels = CLUSTER_LABELS;

    for (const env of props.environments) {
      annotateSyncWaves(env);
      protectNamespace(env.namespace);
      env.readme.addSection(gitopsCommands(env, config));
    }

    if (props.environments.length === 0) {
      throw new Error(`${where(this)}: 'environments' is empty; the wiring deploys at least one environment.`);
    }
    const clusters: ClusterPlan[] = config.topology === GitOpsTopology.SINGLE_CLUSTER
      ? [{ name: 'veza', server: IN_CLUSTER, environments: props.environments }]
      : props.environments.map((env) => {
        const server = config.clusters[env.config.name];
        if (server === undefined) {
          throw new Error(`${where(this)}: 'config.clusters' has no destination server for environment ${JSON.stringify(env.config.name)}; cluster-per-environment needs one per environment. It has: ${JSON.stringify(Object.keys(config.clusters))}`);
        }
        return { name: env.config.name, server, environments: [env] };
      });
    const repoPath = (p: string) => `${config.distPath}/${p}`;

    // Argo CD: an app of apps. Child Applications sync in wave order (operator, then environments).
    const appsFolder = `${folder}/argocd/apps`;
    const argoFiles: string[] = [];
    const application = (name: string, wave: number, source: Record<string, unknown>, server: string, namespace: string, extraSyncOptions: string[] = [], managedNamespaceMetadata?: Record<string, unknown>) => {
      const file = new ManifestFile(this, `argocd-${name}`, { path: `${appsFolder}/${name}.yaml`, namespace: config.argocd.namespace, labels });
      argoFiles.push(file.path);
      const app = new ApiObject(file, 'Resource', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name,
          annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) },
          // Deleting the Application deletes what it deployed, in reverse wave order.
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: config.argocd.project,
          source,
          destination: { server, namespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // The operator's CRDs are too large for client-side apply's annotation.
            syncOptions: ['ServerSideApply=true', 'PruneLast=true', ...extraSyncOptions],
            managedNamespaceMetadata,
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      });
      this.argoApplications.push(app);
      return app;
    };
    // The operator: ESO's Helm chart with the cluster's chart, version and values (those of the
    // HelmRelease in dist/cluster), sent to each cluster's own server, its namespace created by Argo CD
    // with the same Pod Security labels. The only Argo CD Application installing ESO: one per cluster.
    const operator = props.cluster.operator;
    // Removing or renaming the operator's Application or Kustomization must not delete its namespace
    // (and ESO with it): pruned objects would be, with Flux's prune: true or Argo CD's finalizer.
    // The by-hand install's namespace file stays the same object as the applied one.
    for (const o of [operator, props.cluster.operatorByHand]) if (o.namespace) protectNamespace(o.namespace);
    const operatorSource = {
      repoURL: operator.chartRepository.replace(/^oci:\/\//, ''),
      chart: ExternalSecretsOperator.CHART_NAME,
      targetRevision: operator.chartVersion,
      helm: { releaseName: operator.releaseName, valuesObject: operator.helmValues() },
    };
    const operatorNamespaceLabels = operator.namespace ? (ApiObject.of(operator.namespace).toJson().metadata?.labels as Record<string, string> | undefined) : undefined;
    for (const cluster of clusters) {
      const suffix = config.topology === GitOpsTopology.SINGLE_CLUSTER ? '' : `-${cluster.name}`;
      application(`${gitopsName('operator')}${suffix}`, SYNC_WAVES.operatorApplication, operatorSource, cluster.server, operator.namespaceName,
        ['CreateNamespace=true'], operatorNamespaceLabels && { labels: operatorNamespaceLabels });
    }
    for (const cluster of clusters) {
      for (const env of cluster.environments) {
        const source = { repoURL: config.repoUrl, targetRevision: config.revision, path: repoPath(env.kustomization.folder) };
        application(gitopsName(env.config.name), SYNC_WAVES.environmentApplication, source, cluster.server, env.config.namespace);
      }
    }
    new YamlFile(this, 'argocd-kustomization', { path: `${appsFolder}/${LAYOUT.kustomizationFile}`, objects: () => [kustomizationDocument(appsFolder, argoFiles)] });
    const rootFile = new ManifestFile(this, 'argocd-root', { path: `${folder}/argocd/root.yaml`, namespace: config.argocd.namespace, labels });
    new ApiObject(rootFile, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'veza-secrets' },
      spec: {
        project: config.argocd.project,
        source: { repoURL: config.repoUrl, targetRevision: config.revision, path: repoPath(appsFolder) },
        destination: { server: IN_CLUSTER, namespace: config.argocd.namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });

    // Flux: per cluster, a GitRepository and Kustomizations ordered by dependsOn.
    for (const cluster of clusters) {
      const clusterFolder = `${folder}/flux/${cluster.name}`;
      const fluxFiles: string[] = [];
      const fluxFile = (name: string) => {
        const file = new ManifestFile(this, `flux-${cluster.name}-${name}`, { path: `${clusterFolder}/${name}.yaml`, namespace: config.flux.namespace, labels });
        fluxFiles.push(file.path);
        return file;
      };
      const repository = new ApiObject(fluxFile(gitopsName('source')), 'Resource', {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'veza-secrets' },
        spec: { interval: '1m', url: config.repoUrl, ref: fluxRef(config.revision) },
      });
      const fluxKustomization = (name: string, sourcePath: string, dependsOn: string[]) => {
        const k = new ApiObject(fluxFile(name), 'Resource', {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name },
          spec: {
            interval: toGoDuration(config.flux.interval),
            retryInterval: '1m',
            timeout: '5m',
            path: `./${sourcePath}`,
            prune: true,
            wait: true,
            sourceRef: { kind: repository.kind, name: repository.name },
            dependsOn: dependsOn.length > 0 ? dependsOn.map((d) => ({ name: d })) : undefined,
          },
        });
        this.fluxKustomizations.push(k);
        return k;
      };
      // This folder, so Flux keeps its own wiring in sync after a one-time `kubectl apply -k`.
      fluxKustomization(gitopsName('gitops'), repoPath(clusterFolder), []);
      const operatorKustomization = fluxKustomization(gitopsName('operator'), repoPath(props.cluster.kustomization.folder), []);
      for (const env of cluster.environments) {
        fluxKustomization(gitopsName(env.config.name), repoPath(env.kustomization.folder), [operatorKustomization.name]);
      }
      new YamlFile(this, `flux-${cluster.name}-kustomization`, { path: `${clusterFolder}/${LAYOUT.kustomizationFile}`, objects: () => [kustomizationDocument(clusterFolder, fluxFiles)] });
    }
  }
}

/**
 * The name of the Argo CD Application and Flux Kustomization deploying `part` (an environment, the
 * operator, the wiring itself), and of Flux's GitRepository (`source`) beside them.
 */
function gitopsName(part: string): string {
  return `veza-secrets-${part}`;
}

/**
 * How to watch and nudge an environment's Argo CD Application and Flux Kustomization.
 * @internal
 */
export function gitopsCommands(env: VezaEnvironment, config: GitOpsConfig): RunbookSection {
  const name = gitopsName(env.config.name);
  return {
    title: 'GitOps',
    commands: [
      { why: `Argo CD: the Application deploying dist/${env.kustomization.folder} (wave ${SYNC_WAVES.environmentApplication}, after the operator)`, command: `kubectl get application ${name} -n ${config.argocd.namespace}` },
      { why: 'Argo CD: sync it now', command: `argocd app sync ${name}` },
      { why: `Flux: the Kustomization (dependsOn ${gitopsName('operator')})`, command: `flux get kustomizations ${name} -n ${config.flux.namespace}` },
      { why: 'Flux: fetch the repository and apply now', command: `flux reconcile kustomization ${name} -n ${config.flux.namespace} --with-source` },
    ],
  };
}

/**
 * Annotations that keep a namespace when the GitOps object that applied it goes or stops listing it:
 * Argo CD neither deletes it with its Application (`resources-finalizer`) nor prunes it, Flux
 * neither prunes nor garbage-collects it (`prune: true`). An environment removed or renamed in
 * gitops.yaml or environments/ then leaves `veza-<env>` and what runs in it (the workloads, the
 * Secret `veza-secrets` that creationPolicy Orphan left) in place, to be deleted by a person.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-resource-deletion
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
 * @internal
 */
export const PROTECTED_NAMESPACE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/**
 * Puts {@link PROTECTED_NAMESPACE_ANNOTATIONS} on a namespace: an environment's, or the operator's.
 * @internal
 */
export function protectNamespace(namespace: { readonly metadata: ApiObject['metadata'] }): void {
  for (const [key, value] of Object.entries(PROTECTED_NAMESPACE_ANNOTATIONS)) namespace.metadata.addAnnotation(key, value);
}

/**
 * Flux's `ref` for a revision: a commit, a full ref, or a branch.
 * @internal
 */
export function fluxRef(revision: string): { commit?: string; name?: string; branch?: string } {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith('refs/')) return { name: revision };
  return { branch: revision };
}

/**
 * Puts Argo CD sync waves on every object of the files holding an environment's namespace, Vault's
 * token reviewer (when the active store is Vault's), its active store (with the service account the
 * store logs in as) and its ExternalSecret.
 * @internal
 */
export function annotateSyncWaves(env: VezaEnvironment): void {
  setSyncWave(env.namespace, SYNC_WAVES.namespace);
  if (env.vaultIntegration && env.isApplied(env.vaultIntegration)) {
    setSyncWave(env.vaultIntegration, SYNC_WAVES.storePrerequisites);
  }
  // Vault's CA, when synthesized: the store, the generator and the rotation job read it.
  if (env.vaultCa && env.isApplied(env.vaultCa)) setSyncWave(env.vaultCa, SYNC_WAVES.storePrerequisites);
  setSyncWave(env.active.store, SYNC_WAVES.store);
  setSyncWave(env.active.externalSecret, SYNC_WAVES.externalSecret);
}

/**
 * Puts the Argo CD sync wave `wave` on every object of the file (chart) holding `construct`, and
 * returns those objects. For objects another file holds that a store needs before it can log in,
 * use a wave below `SYNC_WAVES.store`.
 * @internal
 */
export function setSyncWave(construct: IConstruct, wave: number): ApiObject[] {
  if (!Number.isInteger(wave)) {
    throw new Error(`${where(construct)}: 'wave' must be a whole number (Argo CD parses it as an integer). The value passed is: ${wave}`);
  }
  const objects = Chart.of(construct).node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  for (const o of objects) o.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
  return objects;
}
