import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExternalSecretsOperator, ExternalSecretsOperatorProps, GitOpsFlavor } from '../lib';

function synth(props: ExternalSecretsOperatorProps = {}): { operator: ExternalSecretsOperator; docs: any[] } {
  const chart = Testing.chart();
  const operator = new ExternalSecretsOperator(chart, 'eso', props);
  return { operator, docs: chart.toJson() };
}

const byKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);

describe('ExternalSecretsOperator defaults', () => {
  const { operator, docs } = synth();
  const release = byKind(docs, 'HelmRelease')[0];
  const values = release.spec.values;

  test('the output matches the snapshot', () => {
    expect(docs).toMatchSnapshot();
  });

  test('public fields', () => {
    expect(operator.chartVersion).toBe('2.9.0');
    expect(ExternalSecretsOperator.DEFAULT_CHART_VERSION).toBe('2.9.0');
    expect(operator.chartRepository).toBe('https://charts.external-secrets.io');
    expect(operator.namespaceName).toBe('external-secrets-system');
    expect(operator.releaseName).toBe('external-secrets');
    expect(operator.deploymentName).toBe('external-secrets');
    expect(operator.gitops).toBe(GitOpsFlavor.FLUX);
    expect(operator.replicas).toBe(1);
    expect(operator.leaderElect).toBe(false);
    expect(operator.installCrds).toBe(true);
    expect(operator.imageTag).toBe('v2.9.0');
  });

  test('a Namespace, a HelmRepository and a HelmRelease, in that order', () => {
    expect(docs.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace ?? '-'}/${d.metadata.name}`)).toEqual([
      'v1 Namespace -/external-secrets-system',
      'source.toolkit.fluxcd.io/v1 HelmRepository external-secrets-system/external-secrets',
      'helm.toolkit.fluxcd.io/v2 HelmRelease external-secrets-system/external-secrets',
    ]);
  });

  test('the namespace enforces Pod Security restricted', () => {
    expect(docs[0].metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('the HelmRepository is ESO\'s', () => {
    expect(byKind(docs, 'HelmRepository')[0].spec).toEqual({ interval: '24h', url: 'https://charts.external-secrets.io' });
  });

  test('the HelmRelease pins the chart and names the release', () => {
    expect(release.spec.chart.spec).toEqual({
      chart: 'external-secrets',
      version: '2.9.0',
      sourceRef: { kind: 'HelmRepository', name: 'external-secrets', namespace: 'external-secrets-system' },
    });
    expect(release.spec.releaseName).toBe('external-secrets');
    expect(release.spec.interval).toBe('1h');
    expect(release.spec.install).toEqual({ remediation: { retries: 3 } });
    expect(release.spec.upgrade).toEqual({ remediation: { retries: 3 } });
  });

  test('values: deployment name, CRDs, replicas, leader election, metrics, pinned images', () => {
    expect(values.fullnameOverride).toBe('external-secrets');
    expect(values.installCRDs).toBe(true);
    expect(values.replicaCount).toBe(1);
    expect(values.leaderElect).toBe(false);
    expect(values.metrics).toEqual({ service: { enabled: false } });
    expect(values.serviceMonitor).toEqual({ enabled: false });
    for (const v of [values, values.webhook, values.certController]) {
      expect(v.image).toEqual({ repository: 'ghcr.io/external-secrets/external-secrets', tag: 'v2.9.0' });
    }
  });

  test('values: every deployment has requests and limits', () => {
    expect(values.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    for (const component of [values.webhook, values.certController]) {
      expect(component.create).toBe(true);
      expect(component.replicaCount).toBe(1);
      expect(component.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
      expect(component.metrics).toEqual({ service: { enabled: false } });
    }
  });

  test('values: every deployment passes Pod Security restricted with a read-only root file system', () => {
    for (const v of [values, values.webhook, values.certController]) {
      expect(v.podSecurityContext).toEqual({ enabled: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(v.securityContext).toEqual({
        enabled: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('helmValues() is what the HelmRelease carries', () => {
    expect(operator.helmValues()).toEqual(values);
  });
});

describe('ExternalSecretsOperator props', () => {
  test('chartVersion pins the chart and the images', () => {
    const { docs } = synth({ chartVersion: '2.10.1' });
    const release = byKind(docs, 'HelmRelease')[0];
    expect(release.spec.chart.spec.version).toBe('2.10.1');
    expect(release.spec.values.image.tag).toBe('v2.10.1');
  });

  test('chartRepository (oci) sets the repository type', () => {
    const { docs } = synth({ chartRepository: 'oci://ghcr.io/external-secrets/charts' });
    expect(byKind(docs, 'HelmRepository')[0].spec).toEqual({ interval: '24h', url: 'oci://ghcr.io/external-secrets/charts', type: 'oci' });
  });

  test('namespace and releaseName', () => {
    const { operator, docs } = synth({ namespace: 'eso', releaseName: 'eso-main' });
    expect(operator.deploymentName).toBe('eso-main');
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace ?? '-'}/${d.metadata.name}`)).toEqual([
      'Namespace -/eso', 'HelmRepository eso/eso-main', 'HelmRelease eso/eso-main',
    ]);
    expect(byKind(docs, 'HelmRelease')[0].spec.values.fullnameOverride).toBe('eso-main');
  });

  test('createNamespace false leaves the namespace to someone else', () => {
    const { operator, docs } = synth({ createNamespace: false });
    expect(operator.namespace).toBeUndefined();
    expect(docs.map((d) => d.kind)).toEqual(['HelmRepository', 'HelmRelease']);
  });

  test('replicas above 1 turn leader election on', () => {
    const { operator, docs } = synth({ replicas: 2 });
    expect(operator.leaderElect).toBe(true);
    expect(byKind(docs, 'HelmRelease')[0].spec.values).toMatchObject({ replicaCount: 2, leaderElect: true });
  });

  test('leaderElect true with one replica', () => {
    expect(synth({ leaderElect: true }).operator.helmValues().leaderElect).toBe(true);
  });

  test('resources', () => {
    const values = synth({
      resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
    }).operator.helmValues();
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1024Mi' } });
  });

  test('installCrds false', () => {
    expect(synth({ installCrds: false }).operator.helmValues().installCRDs).toBe(false);
  });

  test('webhook and certController options', () => {
    const values = synth({
      webhook: { replicas: 2, resources: { cpu: { request: kplus.Cpu.millis(20), limit: kplus.Cpu.millis(200) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) } } },
      certController: { replicas: 3 },
    }).operator.helmValues() as any;
    expect(values.webhook).toMatchObject({ create: true, replicaCount: 2, resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } } });
    expect(values.certController).toMatchObject({ create: true, replicaCount: 3 });
  });

  test('webhook and cert controller disabled together', () => {
    const values = synth({ webhook: { enabled: false }, certController: { enabled: false } }).operator.helmValues() as any;
    expect(values.webhook.create).toBe(false);
    expect(values.certController.create).toBe(false);
  });

  test('metrics', () => {
    const values = synth({ metrics: { service: true, serviceMonitor: true } }).operator.helmValues() as any;
    expect(values.metrics).toEqual({ service: { enabled: true } });
    expect(values.webhook.metrics).toEqual({ service: { enabled: true } });
    expect(values.certController.metrics).toEqual({ service: { enabled: true } });
    expect(values.serviceMonitor).toEqual({ enabled: true });
  });

  test('interval', () => {
    expect(byKind(synth({ interval: Duration.minutes(90) }).docs, 'HelmRelease')[0].spec.interval).toBe('1h30m');
  });

  test('labels go on every object', () => {
    const { docs } = synth({ labels: { team: 'platform' } });
    for (const d of docs) expect(d.metadata.labels.team).toBe('platform');
  });

  test('gitops Argo CD: one Application with the chart, pinned, and the same values', () => {
    const { operator, docs } = synth({ gitops: GitOpsFlavor.ARGO_CD, argoCdNamespace: 'gitops', argoCdProject: 'platform' });
    expect(docs.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace ?? '-'}/${d.metadata.name}`)).toEqual([
      'v1 Namespace -/external-secrets-system',
      'argoproj.io/v1alpha1 Application gitops/external-secrets',
    ]);
    expect(docs[1].spec).toEqual({
      project: 'platform',
      source: {
        repoURL: 'https://charts.external-secrets.io',
        chart: 'external-secrets',
        targetRevision: '2.9.0',
        helm: { releaseName: 'external-secrets', valuesObject: operator.helmValues() },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'external-secrets-system' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'] },
    });
  });

  test('gitops Argo CD defaults: namespace argocd, project default', () => {
    const app = byKind(synth({ gitops: GitOpsFlavor.ARGO_CD }).docs, 'Application')[0];
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec.project).toBe('default');
  });
});

const cpu = (request: number, limit: number) => ({ request: kplus.Cpu.millis(request), limit: kplus.Cpu.millis(limit) });
const mem = (request: number, limit: number) => ({ request: Size.mebibytes(request), limit: Size.mebibytes(limit) });

describe('ExternalSecretsOperator errors', () => {
  test.each<[string, ExternalSecretsOperatorProps, string]>([
    ['latest', { chartVersion: 'latest' }, `[test/eso]: 'chartVersion' must be a pinned chart version such as 2.9.0 (an exact semantic version without 'v'; never 'latest' or a range such as ^2.9 or 2.x). The value passed is: "latest"`],
    ['a caret range', { chartVersion: '^2.9.0' }, `[test/eso]: 'chartVersion' must be a pinned chart version such as 2.9.0 (an exact semantic version without 'v'; never 'latest' or a range such as ^2.9 or 2.x). The value passed is: "^2.9.0"`],
    ['an x range', { chartVersion: '2.x' }, `[test/eso]: 'chartVersion' must be a pinned chart version such as 2.9.0 (an exact semantic version without 'v'; never 'latest' or a range such as ^2.9 or 2.x). The value passed is: "2.x"`],
    ['a v prefix', { chartVersion: 'v2.9.0' }, `[test/eso]: 'chartVersion' must be a pinned chart version such as 2.9.0 (an exact semantic version without 'v'; never 'latest' or a range such as ^2.9 or 2.x). The value passed is: "v2.9.0"`],
    ['a comparison', { chartVersion: '>=2.9.0' }, `[test/eso]: 'chartVersion' must be a pinned chart version such as 2.9.0 (an exact semantic version without 'v'; never 'latest' or a range such as ^2.9 or 2.x). The value passed is: ">=2.9.0"`],
    ['an http repository', { chartRepository: 'http://charts.example.com' }, `[test/eso]: 'chartRepository' must be an https:// or oci:// URL. The value passed is: "http://charts.example.com"`],
    ['a bad namespace', { namespace: 'External_Secrets' }, `[test/eso]: 'namespace' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: "External_Secrets"`],
    ['a long release name', { releaseName: 'e'.repeat(48) }, `[test/eso]: 'releaseName' must be at most 47 characters (the chart appends '-cert-controller'). The value passed is: "${'e'.repeat(48)}"`],
    ['an unknown flavor', { gitops: 'kustomize' as GitOpsFlavor }, `[test/eso]: 'gitops' must be one of flux, argocd, helm. The value passed is: "kustomize"`],
    ['replicas 0', { replicas: 0 }, `[test/eso]: 'replicas' must be a whole number of at least 1. The value passed is: 0`],
    ['replicas 1.5', { replicas: 1.5 }, `[test/eso]: 'replicas' must be a whole number of at least 1. The value passed is: 1.5`],
    ['webhook replicas 0', { webhook: { replicas: 0 } }, `[test/eso]: 'webhook.replicas' must be a whole number of at least 1. The value passed is: 0`],
    ['certController replicas -1', { certController: { replicas: -1 } }, `[test/eso]: 'certController.replicas' must be a whole number of at least 1. The value passed is: -1`],
    ['two replicas without leader election', { replicas: 2, leaderElect: false }, `[test/eso]: 'leaderElect' must be true with more than one replica (two controllers would reconcile the same ExternalSecrets). The value passed is: false with replicas 2`],
    ['a CPU limit below the request', { resources: { cpu: cpu(500, 100), memory: mem(64, 128) } }, `[test/eso]: 'resources.cpu.limit' must be at least the request. The value passed is: 100m below the request 500m`],
    ['a memory limit below the request', { webhook: { resources: { cpu: cpu(10, 100), memory: mem(256, 128) } } }, `[test/eso]: 'webhook.resources.memory.limit' must be at least the request. The value passed is: 128Mi below the request 256Mi`],
    ['a zero memory request', { certController: { resources: { cpu: cpu(10, 100), memory: mem(0, 128) } } }, `[test/eso]: 'certController.resources.memory.request' must be above 0. The value passed is: 0Mi`],
    ['the webhook without its cert controller', { certController: { enabled: false } }, `[test/eso]: 'certController.enabled' must be true while the webhook is enabled (the cert controller issues the webhook's certificate). The value passed is: false`],
    ['an interval under a minute', { interval: Duration.seconds(30) }, `[test/eso]: 'interval' must be a whole number of seconds, at least 60. The value passed is: 30s`],
    ['an interval of fractional seconds', { interval: Duration.millis(60500) }, `[test/eso]: 'interval' must be a whole number of seconds, at least 60. The value passed is: 60.5s`],
    ['a bad Argo CD namespace', { argoCdNamespace: 'Argo CD' }, `[test/eso]: 'argoCdNamespace' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: "Argo CD"`],
  ])('%s', (_name, props, message) => {
    // An Error argument: the whole message must be equal, not merely contained.
    expect(() => new ExternalSecretsOperator(Testing.chart(), 'eso', props)).toThrow(new Error(message));
  });

  test('the construct path names where it is', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'cluster');
    expect(() => new ExternalSecretsOperator(chart, 'operator', { replicas: 0 })).toThrow(/^\[cluster\/operator\]: 'replicas'/);
  });
});

describe('ExternalSecretsOperator keepCrds', () => {
  test('defaults to true: the chart annotates its CRDs for Helm and Argo CD', () => {
    const { operator, docs } = synth();
    expect(operator.keepCrds).toBe(true);
    expect(byKind(docs, 'HelmRelease')[0].spec.values.crds).toEqual({ annotations: { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' } });
  });
  test('false leaves crds unset', () => {
    const { operator, docs } = synth({ keepCrds: false });
    expect(operator.keepCrds).toBe(false);
    expect(byKind(docs, 'HelmRelease')[0].spec.values.crds).toBeUndefined();
  });
});

describe('ExternalSecretsOperator by hand (GitOpsFlavor.HELM)', () => {
  test('only the namespace; helmInstallCommand installs the pinned chart with the values file', () => {
    const { operator, docs } = synth({ gitops: GitOpsFlavor.HELM });
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Namespace/external-secrets-system']);
    expect(operator.apiObjects).toEqual([]);
    expect(operator.helmInstallCommand('values.yaml')).toBe(
      'helm upgrade --install external-secrets external-secrets --repo https://charts.external-secrets.io --version 2.9.0 --namespace external-secrets-system --values values.yaml --wait --timeout 5m');
  });
  test('an oci:// repository is named with the chart', () => {
    const { operator } = synth({ gitops: GitOpsFlavor.HELM, chartRepository: 'oci://registry.example.com/charts' });
    expect(operator.helmInstallCommand('v.yaml')).toBe('helm upgrade --install external-secrets oci://registry.example.com/charts/external-secrets --version 2.9.0 --namespace external-secrets-system --values v.yaml --wait --timeout 5m');
  });
  test('the webhook and cert controller Deployment names, undefined when not created', () => {
    expect(synth().operator).toMatchObject({ webhookDeploymentName: 'external-secrets-webhook', certControllerDeploymentName: 'external-secrets-cert-controller' });
    const without = synth({ webhook: { enabled: false }, certController: { enabled: false } }).operator;
    expect(without.webhookDeploymentName).toBeUndefined();
    expect(without.certControllerDeploymentName).toBeUndefined();
  });
});
