// A second team on the generic layer: its own catalog, a ClusterSecretStore that only its
// namespace may use, its own ExternalSecret, and a workload consuming it. Nothing of Veza's.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AwsAuth, AwsSecretStore, CatalogSecret, enforcePolicy, PolicyReport, RotationMethod, SecretCatalog } from '../lib';
import { checkPinned, RESOURCES, RESTRICTED_CONTAINER, RESTRICTED_POD } from './restricted';

/** The billing team's secrets. */
export const BILLING_CATALOG = SecretCatalog.define({
  services: ['billing-api', 'billing-worker'],
  secrets: {
    'ledger-database-url': {
      description: 'PostgreSQL connection string of the ledger',
      placeholder: 'postgresql://USER:PASSWORD@HOST:5432/ledger',
      consumers: ['billing-api', 'billing-worker'],
      rotation: { name: 'database-credential', method: RotationMethod.DATABASE_ENGINE, interval: Duration.days(180), description: 'Rotated by the database engine.' },
    },
    'invoice-signing-key': {
      description: 'Signs invoice PDFs',
      placeholder: 'RANDOM-64-CHARACTERS',
      consumers: ['billing-worker'],
      rotation: { name: 'signing-key', method: RotationMethod.GENERATE, interval: Duration.days(30), description: 'Generated monthly.' },
      remoteName: 'invoices/signing-key',
    },
    'psp-api-key': {
      description: 'Payment service provider API key',
      placeholder: 'pk_REPLACE_ME',
      consumers: ['billing-api'],
      rotation: { name: 'provider-api-key', method: RotationMethod.MANUAL, description: 'Rotated in the provider console.' },
    },
  },
});

/** Props of {@link otherTeamStack}. */
export interface OtherTeamProps {
  /** The team's namespace, the only one allowed to use its ClusterSecretStore. @default 'billing' */
  readonly namespace?: string;
  /** @default 'registry.example.com/billing/billing-worker:2.3.1' */
  readonly image?: string;
}

/** What {@link otherTeamStack} builds. */
export interface OtherTeamStack {
  /** Cluster-scoped objects: the ClusterSecretStore. */
  readonly cluster: Chart;
  /** The team's namespace: the store's account, the ExternalSecret, RBAC and the worker. */
  readonly team: Chart;
  readonly secrets: CatalogSecret<typeof BILLING_CATALOG>;
}

/** The billing team's stack: a ClusterSecretStore on AWS Secrets Manager and one consumer. */
export function otherTeamStack(scope: Construct, props: OtherTeamProps = {}): OtherTeamStack {
  const namespace = props.namespace ?? 'billing';
  const cluster = new Chart(scope, 'billing-cluster', { disableResourceNameHashes: true });
  const team = new Chart(scope, 'billing', { namespace, disableResourceNameHashes: true });

  const storeAccount = new kplus.ServiceAccount(team, 'StoreAccount', {
    metadata: { name: 'billing-store-auth', namespace, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/billing-secrets-read' } },
    automountToken: false,
  });
  const store = new AwsSecretStore(cluster, 'Store', {
    name: 'billing-store',
    clusterWide: true,
    allowedNamespaces: [namespace],
    region: 'eu-west-3',
    namePrefix: 'billing/',
    auth: AwsAuth.serviceAccount({ serviceAccount: storeAccount }),
  });
  const secrets = CatalogSecret.create(team, 'Secrets', { store, catalog: BILLING_CATALOG, targetName: 'billing-secrets', hashAnnotation: 'billing.example.com/secrets-hash' });

  const workerAccount = new kplus.ServiceAccount(team, 'WorkerAccount', { metadata: { name: 'billing-worker' }, automountToken: false });
  const worker = secrets.forService('billing-worker');
  worker.grantRead(workerAccount, { roleName: 'billing-secrets-reader' });
  const deployment = new kplus.Deployment(team, 'Worker', {
    metadata: { name: 'billing-worker' },
    replicas: 1,
    serviceAccount: workerAccount,
    automountServiceAccountToken: false,
    securityContext: RESTRICTED_POD,
  });
  const container = deployment.addContainer({
    name: 'worker',
    image: checkPinned('image', props.image ?? 'registry.example.com/billing/billing-worker:2.3.1'),
    securityContext: RESTRICTED_CONTAINER,
    resources: RESOURCES,
    envVariables: worker.envFrom({ prefix: 'BILLING_' }),
  });
  container.mount('/tmp', kplus.Volume.fromEmptyDir(team, 'Tmp', 'tmp'));
  worker.bindRestart(deployment);
  return { cluster, team, secrets };
}

/**
 * The billing team's app, checked by the generic guardrails before anything is written:
 * `enforcePolicy(app)` runs Pod Security 'restricted', resources, pinned images, RBAC least
 * privilege, no secret material and ESO hygiene over every chart, and throws a `PolicyError`
 * listing every violation; then `app.synth()` writes `billing-cluster.k8s.yaml` and
 * `billing.k8s.yaml` into `outdir`. None of Veza's rules (its namespaces, its environments) apply.
 */
export function synthOtherTeam(outdir: string, props: OtherTeamProps = {}): PolicyReport {
  const app = new App({ outdir });
  otherTeamStack(app, props);
  const report = enforcePolicy(app);
  app.synth();
  return report;
}
