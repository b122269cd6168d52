// The stream server consuming its secrets: connection strings as env vars, the signing secrets
// as files, rolled when the model of its secrets changes (content hash) or their values change (Reloader).
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { VezaEnvironment } from '../lib/veza';
import { checkPinned, RESOURCES, RESTRICTED_CONTAINER, RESTRICTED_POD } from './restricted';

/** Where the stream server reads its signing secrets, one file per key. */
export const STREAM_SECRETS_DIR = '/etc/veza/secrets';

/** Props of {@link streamServerChart}. */
export interface StreamServerProps {
  /** The image, pinned. @default 'registry.example.com/veza/veza-stream-server:1.0.4' */
  readonly image?: string;
  /** @default 2 */
  readonly replicas?: number;
}

/** A chart holding the `veza-stream-server` Deployment of one environment, in `veza-<env>`. */
export function streamServerChart(scope: Construct, environment: VezaEnvironment, props: StreamServerProps = {}): Chart {
  const chart = new Chart(scope, `${environment.config.name}-veza-stream-server`, { namespace: environment.config.namespace, disableResourceNameHashes: true });
  const secrets = environment.consumers.secrets.forService('veza-stream-server');
  const deployment = new kplus.Deployment(chart, 'Deployment', {
    metadata: { name: 'veza-stream-server' },
    replicas: props.replicas ?? 2,
    serviceAccount: environment.consumers.serviceAccounts['veza-stream-server'],
    automountServiceAccountToken: false,
    securityContext: RESTRICTED_POD,
  });
  const server = deployment.addContainer({
    name: 'stream-server',
    image: checkPinned('image', props.image ?? 'registry.example.com/veza/veza-stream-server:1.0.4'),
    portNumber: 8082,
    securityContext: RESTRICTED_CONTAINER,
    resources: RESOURCES,
    envVariables: {
      DATABASE_URL: secrets.envValue('database-url'),
      REDIS_URL: secrets.envValue('redis-url'),
      SECRETS_DIR: kplus.EnvValue.fromValue(STREAM_SECRETS_DIR),
    },
  });
  server.mount(STREAM_SECRETS_DIR, secrets.volume(chart, 'Secrets', { keys: ['jwt-secret', 'stream-server-secret'] }), { readOnly: true });
  server.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'Tmp', 'tmp'));
  secrets.bindRestart(deployment, { reloader: true });
  return chart;
}
