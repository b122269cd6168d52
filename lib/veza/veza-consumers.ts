import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CatalogSecret } from '../eso/catalog-secret';
import { ExternalSecret, SecretReadGrant } from '../eso/external-secret';
import { ManifestFile } from '../output/files';
import { VezaCatalog, VezaService } from './catalog';
import { LAYOUT } from './layout';

/** The pod-template annotation holding the hash of what a Veza service reads from `veza-secrets`. */
export const VEZA_SECRETS_HASH_ANNOTATION = 'veza.io/secrets-hash';

/** Props of {@link VezaConsumers}. */
export interface VezaConsumersProps {
  /** The environment's name: the file goes to `dist/<env>/rbac.yaml`. */
  readonly environment: string;
  /** The environment's namespace, `veza-<env>`. */
  readonly namespace: string;
  /** The catalog: one service account per service, and which keys each may read. */
  readonly catalog: VezaCatalog;
  /** The applied ExternalSecret, which creates `veza-secrets`. */
  readonly externalSecret: ExternalSecret;
  /** Labels on every object. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * The consumers of `veza-secrets` in one environment (`dist/<env>/rbac.yaml`): a service account
 * per service of the catalog, without a mounted token, and the `secrets-reader` Role (`get` on
 * `veza-secrets` only) bound to them. `secrets` is the typed view workloads consume it through.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * @see https://kubernetes.io/docs/concepts/security/service-accounts/
 */
export class VezaConsumers extends Construct {
  /** The consumer view of `veza-secrets`: `secrets.forService('veza-backend-api').envValue('jwt-secret')`. */
  public readonly secrets: CatalogSecret<VezaCatalog>;
  /** One service account per service, named after it. */
  public readonly serviceAccounts: Readonly<Record<VezaService, kplus.ServiceAccount>>;
  /** The `secrets-reader` Role and RoleBinding. */
  public readonly readGrant: SecretReadGrant;
  /** The file they are written to. */
  public readonly file: ManifestFile;

  public constructor(scope: Construct, id: string, props: VezaConsumersProps) {
    super(scope, id);
    this.secrets = new CatalogSecret({ catalog: props.catalog, externalSecret: props.externalSecret, hashAnnotation: VEZA_SECRETS_HASH_ANNOTATION });
    this.file = new ManifestFile(this, 'Rbac', { path: `${props.environment}/${LAYOUT.rbacFile}`, namespace: props.namespace, labels: props.labels });
    const accounts: Partial<Record<VezaService, kplus.ServiceAccount>> = {};
    for (const service of props.catalog.services) {
      // The services read their keys from env vars and files; none calls the Kubernetes API.
      accounts[service] = new kplus.ServiceAccount(this.file, service, { metadata: { name: service }, automountToken: false });
    }
    this.serviceAccounts = accounts as Record<VezaService, kplus.ServiceAccount>;
    let grant: SecretReadGrant | undefined;
    for (const service of props.catalog.services) {
      grant = this.secrets.forService(service).grantRead(this.serviceAccounts[service], { scope: this.file });
    }
    this.readGrant = grant!;
  }
}
