import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { toGoDuration } from './go-duration';
import { checkDnsLabel, where } from './names';

/**
 * How the operator's Helm chart reaches the cluster. Both are GitOps-native: the controller in the
 * cluster fetches the chart, so synthesizing them needs neither `helm` nor network access.
 */
export enum GitOpsFlavor {
  /** A Flux `HelmRepository` (`source.toolkit.fluxcd.io/v1`) and `HelmRelease` (`helm.toolkit.fluxcd.io/v2`). */
  FLUX = 'flux',
  /** An Argo CD `Application` (`argoproj.io/v1alpha1`) whose source is the chart. */
  ARGO_CD = 'argocd',
  /**
   * No GitOps object: a person runs `helm upgrade --install` (`helmInstallCommand`) with
   * `helmValues()` in a file. Only the namespace is emitted.
   */
  HELM = 'helm',
}

/**
 * Requests and limits of one of the operator's containers. Every pod declares both, for CPU and
 * memory: no field may be left out.
 */
export interface OperatorResources {
  /** CPU requested and the limit. */
  readonly cpu: { readonly request: kplus.Cpu; readonly limit: kplus.Cpu };
  /** Memory requested and the limit. */
  readonly memory: { readonly request: Size; readonly limit: Size };
}

/** Options of the webhook and the cert controller, the operator's two other deployments. */
export interface OperatorComponentOptions {
  /** Whether the deployment is created. @default true */
  readonly enabled?: boolean;
  /** `replicaCount`. @default 1 */
  readonly replicas?: number;
  /** @default - 10m/64Mi requested, 100m/128Mi limit */
  readonly resources?: OperatorResources;
}

/** Prometheus metrics of the three deployments. */
export interface OperatorMetricsOptions {
  /** A metrics Service per deployment (`metrics.service.enabled`). @default false */
  readonly service?: boolean;
  /** A Prometheus Operator `ServiceMonitor` (`serviceMonitor.enabled`); needs its CRD. @default false */
  readonly serviceMonitor?: boolean;
}

/** Props of {@link ExternalSecretsOperator}. */
export interface ExternalSecretsOperatorProps {
  /**
   * The chart's version, pinned: an exact semantic version, never `latest` or a range. ESO's chart
   * and application versions are the same.
   * @default ExternalSecretsOperator.DEFAULT_CHART_VERSION ('2.9.0')
   */
  readonly chartVersion?: string;
  /** The Helm repository serving the chart. @default 'https://charts.external-secrets.io' */
  readonly chartRepository?: string;
  /**
   * The namespace the operator runs in: a contract, the runbooks name it.
   * @default 'external-secrets-system'
   */
  readonly namespace?: string;
  /**
   * The Helm release name, and the chart's `fullnameOverride`: the controller Deployment is
   * named after it (`kubectl logs deployment/external-secrets`), the webhook and cert controller
   * get `-webhook` and `-cert-controller`.
   * @default 'external-secrets'
   */
  readonly releaseName?: string;
  /** Create the namespace, labelled for Pod Security 'restricted'. @default true */
  readonly createNamespace?: boolean;
  /** How the chart reaches the cluster. @default GitOpsFlavor.FLUX */
  readonly gitops?: GitOpsFlavor;
  /** The controller's `replicaCount`. @default 1 */
  readonly replicas?: number;
  /**
   * Leader election between controller replicas (`leaderElect`); required with more than one.
   * @default - true when `replicas` is above 1
   */
  readonly leaderElect?: boolean;
  /** The controller's requests and limits. @default - 50m/128Mi requested, 500m/512Mi limit */
  readonly resources?: OperatorResources;
  /** Install and upgrade ESO's CRDs with the chart (`installCRDs`). @default true */
  readonly installCrds?: boolean;
  /**
   * Keep the CRDs when the release goes (`crds.annotations`): ESO's CRDs are chart templates, so
   * `helm uninstall` (a HelmRelease deleted, or moved from Flux to Argo CD) and an Argo CD
   * Application deleted with its resources finalizer would delete them, and with them every
   * ExternalSecret and store of the cluster. Annotates them `helm.sh/resource-policy: keep` (Helm,
   * Flux's helm-controller) and `argocd.argoproj.io/sync-options: Delete=false,Prune=false` (Argo CD).
   * @default true
   */
  readonly keepCrds?: boolean;
  /** @default - webhook created, 1 replica, default resources */
  readonly webhook?: OperatorComponentOptions;
  /** @default - cert controller created, 1 replica, default resources */
  readonly certController?: OperatorComponentOptions;
  /** @default - no metrics Service, no ServiceMonitor */
  readonly metrics?: OperatorMetricsOptions;
  /** How often Flux reconciles the release (`HelmRelease.spec.interval`). @default Duration.hours(1) */
  readonly interval?: Duration;
  /** The namespace Argo CD runs in, where the `Application` goes. @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** The Argo CD project of the `Application`. @default 'default' */
  readonly argoCdProject?: string;
  /** Labels on every object this construct emits. @default - none */
  readonly labels?: Record<string, string>;
}

const CONTROLLER_RESOURCES: OperatorResources = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
};
const COMPONENT_RESOURCES: OperatorResources = {
  cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
};

/** A pinned chart version: `2.9.0`, `2.9.0-rc.1`; not `v2.9.0`, `latest`, `^2.9`, `2.x`, `>=2.9.0`. */
const PINNED_SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/**
 * External Secrets Operator, installed declaratively from its Helm chart: the namespace, labelled
 * for Pod Security 'restricted', and the GitOps objects that install the pinned chart with typed
 * values (replicas, requests and limits, a 'restricted' security context with a read-only root
 * file system, CRDs, metrics). Nothing is rendered with `helm`: Flux's helm-controller or Argo CD
 * fetches the chart in the cluster.
 *
 * @see https://external-secrets.io/latest/introduction/getting-started/
 * @see https://github.com/external-secrets/external-secrets/blob/main/deploy/charts/external-secrets/values.yaml
 * @see https://fluxcd.io/flux/components/helm/helmreleases/
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/helm/
 */
export class ExternalSecretsOperator extends Construct {
  /** The ESO release this project is written against. */
  public static readonly DEFAULT_CHART_VERSION = '2.9.0';
  /** ESO's Helm repository. */
  public static readonly DEFAULT_CHART_REPOSITORY = 'https://charts.external-secrets.io';
  /** The chart's name in that repository. */
  public static readonly CHART_NAME = 'external-secrets';

  public readonly chartVersion: string;
  public readonly chartRepository: string;
  /** The namespace's name. */
  public readonly namespaceName: string;
  /** The namespace, when this construct created it. */
  public readonly namespace?: kplus.Namespace;
  public readonly releaseName: string;
  /** The controller Deployment's name (`kubectl logs -n <namespace> deployment/<name>`). */
  public readonly deploymentName: string;
  /** The webhook Deployment's name (`<releaseName>-webhook`); `undefined` when it is not created. */
  public readonly webhookDeploymentName?: string;
  /** The cert controller Deployment's name (`<releaseName>-cert-controller`); `undefined` when it is not created. */
  public readonly certControllerDeploymentName?: string;
  public readonly gitops: GitOpsFlavor;
  public readonly replicas: number;
  public readonly leaderElect: boolean;
  public readonly installCrds: boolean;
  /** Whether the CRDs survive the release's removal (`keepCrds`). */
  public readonly keepCrds: boolean;
  /** The image tag every deployment runs: `v<chartVersion>`. */
  public readonly imageTag: string;
  /** The emitted GitOps objects, in order. */
  public readonly apiObjects: ApiObject[];

  private readonly props: ExternalSecretsOperatorProps;

  public constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps = {}) {
    super(scope, id);
    this.props = props;
    const w = where(this);
    this.chartVersion = props.chartVersion ?? ExternalSecretsOperator.DEFAULT_CHART_VERSION;
    if (!PINNED_SEMVER.test(this.chartVersion)) {
      throw new Error(`${w}: 'chartVersion' must be a pinned chart version such as 2.9.0 (an exact semantic version without 'v'; never 'latest' or a range such as ^2.9 or 2.x). The value passed is: ${JSON.stringify(this.chartVersion)}`);
    }
    this.chartRepository = props.chartRepository ?? ExternalSecretsOperator.DEFAULT_CHART_REPOSITORY;
    if (!/^(https|oci):\/\/[^\s/]+(\/\S*)?$/.test(this.chartRepository)) {
      throw new Error(`${w}: 'chartRepository' must be an https:// or oci:// URL. The value passed is: ${JSON.stringify(this.chartRepository)}`);
    }
    this.namespaceName = checkDnsLabel(w, 'namespace', props.namespace ?? 'external-secrets-system');
    // The chart appends '-cert-controller' (16 characters) to the full name, itself a DNS label.
    this.releaseName = checkDnsLabel(w, 'releaseName', props.releaseName ?? 'external-secrets');
    if (this.releaseName.length > 47) {
      throw new Error(`${w}: 'releaseName' must be at most 47 characters (the chart appends '-cert-controller'). The value passed is: ${JSON.stringify(this.releaseName)}`);
    }
    this.deploymentName = this.releaseName;
    this.webhookDeploymentName = props.webhook?.enabled === false ? undefined : `${this.releaseName}-webhook`;
    this.certControllerDeploymentName = props.certController?.enabled === false ? undefined : `${this.releaseName}-cert-controller`;
    this.gitops = props.gitops ?? GitOpsFlavor.FLUX;
    if (!Object.values(GitOpsFlavor).includes(this.gitops)) {
      throw new Error(`${w}: 'gitops' must be one of ${Object.values(GitOpsFlavor).join(', ')}. The value passed is: ${JSON.stringify(this.gitops)}`);
    }
    this.replicas = checkReplicas(w, 'replicas', props.replicas ?? 1);
    this.leaderElect = props.leaderElect ?? this.replicas > 1;
    if (this.replicas > 1 && !this.leaderElect) {
      throw new Error(`${w}: 'leaderElect' must be true with more than one replica (two controllers would reconcile the same ExternalSecrets). The value passed is: false with replicas ${this.replicas}`);
    }
    this.installCrds = props.installCrds ?? true;
    this.keepCrds = props.keepCrds ?? true;
    this.imageTag = `v${this.chartVersion}`;
    checkResources(w, 'resources', props.resources ?? CONTROLLER_RESOURCES);
    for (const component of ['webhook', 'certController'] as const) {
      checkReplicas(w, `${component}.replicas`, props[component]?.replicas ?? 1);
      checkResources(w, `${component}.resources`, props[component]?.resources ?? COMPONENT_RESOURCES);
    }
    if (props.certController?.enabled === false && props.webhook?.enabled !== false) {
      throw new Error(`${w}: 'certController.enabled' must be true while the webhook is enabled (the cert controller issues the webhook's certificate). The value passed is: false`);
    }
    const interval = props.interval ?? Duration.hours(1);
    const intervalSeconds = interval.toSeconds({ integral: false });
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < 60) {
      throw new Error(`${w}: 'interval' must be a whole number of seconds, at least 60. The value passed is: ${intervalSeconds}s`);
    }
    const argoCdNamespace = checkDnsLabel(w, 'argoCdNamespace', props.argoCdNamespace ?? 'argocd');
    const argoCdProject = checkDnsLabel(w, 'argoCdProject', props.argoCdProject ?? 'default');
    const labels = props.labels;

    if (props.createNamespace ?? true) {
      this.namespace = new kplus.Namespace(this, 'Namespace', {
        metadata: {
          name: this.namespaceName,
          labels: {
            ...labels,
            // The chart's pods run as non-root, without privilege escalation or capabilities, with
            // a RuntimeDefault seccomp profile and a read-only root file system (see helmValues).
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'v1.28',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      });
    }

    const values = this.helmValues();
    const chart = ExternalSecretsOperator.CHART_NAME;
    if (this.gitops === GitOpsFlavor.FLUX) {
      const repository = new ApiObject(this, 'HelmRepository', {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: this.releaseName, namespace: this.namespaceName, labels },
        spec: {
          interval: '24h',
          url: this.chartRepository,
          ...(this.chartRepository.startsWith('oci://') ? { type: 'oci' } : {}),
        },
      });
      const release = new ApiObject(this, 'HelmRelease', {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: this.releaseName, namespace: this.namespaceName, labels },
        spec: {
          releaseName: this.releaseName,
          interval: toGoDuration(interval),
          chart: {
            spec: {
              chart,
              version: this.chartVersion,
              sourceRef: { kind: 'HelmRepository', name: this.releaseName, namespace: this.namespaceName },
            },
          },
          install: { remediation: { retries: 3 } },
          upgrade: { remediation: { retries: 3 } },
          values,
        },
      });
      this.apiObjects = [repository, release];
    } else if (this.gitops === GitOpsFlavor.HELM) {
      this.apiObjects = [];
    } else {
      const application = new ApiObject(this, 'Application', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: this.releaseName, namespace: argoCdNamespace, labels },
        spec: {
          project: argoCdProject,
          source: {
            repoURL: this.chartRepository.replace(/^oci:\/\//, ''),
            chart,
            targetRevision: this.chartVersion,
            helm: { releaseName: this.releaseName, valuesObject: values },
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: this.namespaceName },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // ESO's CRDs are larger than the last-applied annotation allows.
            syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
          },
        },
      });
      this.apiObjects = [application];
    }
  }

  /**
   * The `helm` command installing or upgrading the release by hand with the same chart, version and
   * values as the GitOps forms: `valuesFile` holds `helmValues()`. `--wait` returns once every
   * Deployment is ready.
   * @see https://helm.sh/docs/helm/helm_upgrade/
   */
  public helmInstallCommand(valuesFile: string): string {
    const chart = ExternalSecretsOperator.CHART_NAME;
    const source = this.chartRepository.startsWith('oci://')
      ? `${this.chartRepository.replace(/\/$/, '')}/${chart}`
      : `${chart} --repo ${this.chartRepository}`;
    return `helm upgrade --install ${this.releaseName} ${source} --version ${this.chartVersion} --namespace ${this.namespaceName} --values ${valuesFile} --wait --timeout 5m`;
  }

  /** The chart values this construct sets, as the HelmRelease and the Application carry them. */
  public helmValues(): Record<string, unknown> {
    const props = this.props;
    const metricsService = props.metrics?.service ?? false;
    const image = { repository: 'ghcr.io/external-secrets/external-secrets', tag: this.imageTag };
    const component = (options: OperatorComponentOptions | undefined) => ({
      create: options?.enabled ?? true,
      replicaCount: options?.replicas ?? 1,
      image,
      podSecurityContext: POD_SECURITY_CONTEXT,
      securityContext: CONTAINER_SECURITY_CONTEXT,
      resources: renderResources(options?.resources ?? COMPONENT_RESOURCES),
      metrics: { service: { enabled: metricsService } },
    });
    return {
      fullnameOverride: this.releaseName,
      installCRDs: this.installCrds,
      // The chart puts crds.annotations on every CRD it templates (deploy/charts/external-secrets).
      ...(this.keepCrds ? { crds: { annotations: { ...KEEP_CRD_ANNOTATIONS } } } : {}),
      replicaCount: this.replicas,
      leaderElect: this.leaderElect,
      image,
      podSecurityContext: POD_SECURITY_CONTEXT,
      securityContext: CONTAINER_SECURITY_CONTEXT,
      resources: renderResources(props.resources ?? CONTROLLER_RESOURCES),
      metrics: { service: { enabled: metricsService } },
      serviceMonitor: { enabled: props.metrics?.serviceMonitor ?? false },
      webhook: component(props.webhook),
      certController: component(props.certController),
    };
  }
}

/**
 * What keeps a CRD when its release goes: Helm's resource policy (honoured by `helm uninstall` and
 * Flux's helm-controller; `spec.install.crds`/`upgrade.crds` of a HelmRelease cover only a chart's
 * `crds/` folder, not ESO's templated CRDs) and Argo CD's sync options (Argo CD renders the chart
 * itself and ignores Helm's policy).
 * @internal
 */
export const KEEP_CRD_ANNOTATIONS: Readonly<Record<string, string>> = {
  'helm.sh/resource-policy': 'keep',
  'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
};

/** Pod-level security context: Pod Security 'restricted'. The chart drops `enabled` when rendering. */
const POD_SECURITY_CONTEXT = {
  enabled: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Container-level security context: Pod Security 'restricted' and a read-only root file system. */
const CONTAINER_SECURITY_CONTEXT = {
  enabled: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

function checkReplicas(w: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${w}: '${field}' must be a whole number of at least 1. The value passed is: ${value}`);
  }
  return value;
}

function millicores(cpu: kplus.Cpu): number {
  return cpu.amount.endsWith('m') ? parseFloat(cpu.amount) : parseFloat(cpu.amount) * 1000;
}

function checkResources(w: string, field: string, resources: OperatorResources): void {
  for (const [kind, request, limit] of [
    ['cpu', millicores(resources.cpu.request), millicores(resources.cpu.limit)],
    ['memory', resources.memory.request.toKibibytes(), resources.memory.limit.toKibibytes()],
  ] as const) {
    if (!(request > 0)) {
      throw new Error(`${w}: '${field}.${kind}.request' must be above 0. The value passed is: ${kind === 'cpu' ? resources.cpu.request.amount : renderSize(resources.memory.request)}`);
    }
    if (limit < request) {
      const shown = kind === 'cpu'
        ? `${resources.cpu.limit.amount} below the request ${resources.cpu.request.amount}`
        : `${renderSize(resources.memory.limit)} below the request ${renderSize(resources.memory.request)}`;
      throw new Error(`${w}: '${field}.${kind}.limit' must be at least the request. The value passed is: ${shown}`);
    }
  }
}

function renderSize(size: Size): string {
  const kib = size.toKibibytes();
  return Number.isInteger(kib / 1024) ? `${kib / 1024}Mi` : `${kib}Ki`;
}

function renderResources(resources: OperatorResources): Record<string, Record<string, string>> {
  return {
    requests: { cpu: resources.cpu.request.amount, memory: renderSize(resources.memory.request) },
    limits: { cpu: resources.cpu.limit.amount, memory: renderSize(resources.memory.limit) },
  };
}
