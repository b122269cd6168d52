// The backend API consuming its secrets: every key it holds as an env var, rolled when the
// model of its secrets changes (content hash) or their values change (Reloader).
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { VezaEnvironment } from '../lib/veza';
import { checkPinned, RESOURCES, RESTRICTED_CONTAINER, RESTRICTED_POD } from './restricted';

/** Props of {@link backendApiChart}. */
export interface BackendApiProps {
  /** The image, pinned. @default 'registry.example.com/veza/veza-backend-api:1.0.4' */
  readonly image?: string;
  /** @default 2 */
  readonly replicas?: number;
}

/** A chart holding the `veza-backend-api` Deployment of one environment, in `veza-<env>`. */
export function backendApiChart(scope: Construct, environment: VezaEnvironment, props: BackendApiProps = {}): Chart {
  const chart = new Chart(scope, `${environment.config.name}-veza-backend-api`, { namespace: environment.config.namespace, disableResourceNameHashes: true });
  const secrets = environment.consumers.secrets.forService('veza-backend-api');
  const deployment = new kplus.Deployment(chart, 'Deployment', {
    metadata: { name: 'veza-backend-api' },
    replicas: props.replicas ?? 2,
    serviceAccount: environment.consumers.serviceAccounts['veza-backend-api'],
    automountServiceAccountToken: false,
    securityContext: RESTRICTED_POD,
  });
  const api = deployment.addContainer({
    name: 'api',
    image: checkPinned('image', props.image ?? 'registry.example.com/veza/veza-backend-api:1.0.4'),
    portNumber: 8080,
    securityContext: RESTRICTED_CONTAINER,
    resources: RESOURCES,
  });
  // DATABASE_URL, REDIS_URL, JWT_SECRET, STRIPE_API_KEY, ...: the backend's keys only.
  secrets.addEnvTo(api);
  api.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'Tmp', 'tmp'));
  secrets.bindRestart(deployment, { reloader: true });
  return chart;
}
