import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SecretStoreSpecProviderGcpsmAuth } from '../../imports/external-secrets.io';
import { where } from './names';
import { dedicatedServiceAccount, RemoteRef, SecretKeyReference, SecretProvider, SecretStoreBase, SecretStoreProps } from './secret-store';
import { GCP_PROJECT_ID, GCP_SERVICE_ACCOUNT } from '../rules';

/** Options of GKE Workload Identity auth. */
export interface GcpWorkloadIdentityAuthOptions {
  /**
   * The Google service account the Kubernetes one impersonates: annotates a dedicated service
   * account with `iam.gke.io/gcp-service-account`.
   * @default - no annotation (Workload Identity Federation principal bound to the Kubernetes account)
   */
  readonly gcpServiceAccount?: string;
  /** The Kubernetes service account. @default - a dedicated service account named `<store name>-auth` */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** The GKE cluster's location. @default - read from the metadata server */
  readonly clusterLocation?: string;
  /** The GKE cluster's name. @default - read from the metadata server */
  readonly clusterName?: string;
  /** The GKE cluster's project. @default - read from the metadata server */
  readonly clusterProjectId?: string;
}

/**
 * How a GCP store authenticates.
 * @see https://external-secrets.io/latest/provider/google-secrets-manager/#authentication
 */
export abstract class GcpAuth {
  /** GKE Workload Identity: the default, no key files. */
  public static workloadIdentity(options: GcpWorkloadIdentityAuthOptions = {}): GcpAuth {
    return new (class extends GcpAuth {
      public bind(store: GcpSecretStore) {
        if (options.gcpServiceAccount !== undefined && !GCP_SERVICE_ACCOUNT.test(options.gcpServiceAccount)) {
          throw new Error(`${where(store)}: 'auth.gcpServiceAccount' must be a Google service account email such as name@project.iam.gserviceaccount.com. The value passed is: ${JSON.stringify(options.gcpServiceAccount)}`);
        }
        const serviceAccount = options.serviceAccount ??
          dedicatedServiceAccount(store, `${store.storeName}-auth`, options.gcpServiceAccount ? { 'iam.gke.io/gcp-service-account': options.gcpServiceAccount } : undefined);
        return {
          spec: {
            workloadIdentity: {
              serviceAccountRef: store.serviceAccountRef('auth.serviceAccount', serviceAccount),
              clusterLocation: options.clusterLocation,
              clusterName: options.clusterName,
              clusterProjectId: options.clusterProjectId,
            },
          },
          serviceAccount,
        };
      }
    })();
  }

  /** A service-account JSON key kept in a Kubernetes Secret. Prefer Workload Identity: keys do not expire. */
  public static serviceAccountKey(options: { readonly key: SecretKeyReference }): GcpAuth {
    return new (class extends GcpAuth {
      public bind(store: GcpSecretStore) {
        return { spec: { secretRef: { secretAccessKeySecretRef: store.secretRef('auth.key', options.key) } } };
      }
    })();
  }

  /**
   * Renders the auth block for `store`, creating what it needs there (a service account), for the store's constructor.
   * The generated ESO types it returns stay out of the package's public types.
   * @internal
   */
  public abstract bind(store: GcpSecretStore): { spec: SecretStoreSpecProviderGcpsmAuth; serviceAccount?: kplus.IServiceAccount };
}

/** Props of {@link GcpSecretStore}. */
export interface GcpSecretStoreProps extends SecretStoreProps {
  /** The Google Cloud project holding the secrets: one per environment. */
  readonly projectId: string;
  /** A regional Secret Manager location. @default - global secrets */
  readonly location?: string;
  /** How the store authenticates. @default GcpAuth.workloadIdentity() */
  readonly auth?: GcpAuth;
  /** Put before every remote name: `veza-` makes `jwt-secret` read `veza-jwt-secret`. @default '' */
  readonly namePrefix?: string;
}

/**
 * A store backed by Google Cloud Secret Manager: the seed's `secret-stores/gcp-store.yaml`.
 *
 * @see https://external-secrets.io/latest/provider/google-secrets-manager/
 */
export class GcpSecretStore extends SecretStoreBase {
  public readonly provider = SecretProvider.GCP;
  public readonly location: string;
  /** The project. */
  public readonly projectId: string;
  /** The prefix of remote names. */
  public readonly namePrefix: string;

  public constructor(scope: Construct, id: string, props: GcpSecretStoreProps) {
    super(scope, id, props, 'gcp-store');
    if (!GCP_PROJECT_ID.test(props.projectId)) {
      throw new Error(`${where(this)}: 'projectId' must be a Google Cloud project ID (6 to 30 lower-case letters, digits and '-', starting with a letter). The value passed is: ${JSON.stringify(props.projectId)}`);
    }
    this.projectId = props.projectId;
    this.namePrefix = props.namePrefix ?? '';
    checkSecretNamePrefix(this, this.namePrefix);
    this.location = `gcp:${this.projectId}/${this.namePrefix}`;
    const auth = this.bindAuth(props.auth ?? GcpAuth.workloadIdentity());
    this.createResource({ gcpsm: { projectId: this.projectId, location: props.location, auth: auth.spec } });
  }

  /** One secret per key, in the store's project: `{ key: 'veza-jwt-secret' }`. */
  public remoteRef(remoteName: string): RemoteRef {
    return { key: `${this.namePrefix}${remoteName}` };
  }
}

function checkSecretNamePrefix(scope: Construct, prefix: string): void {
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new Error(`${where(scope)}: 'namePrefix' may hold only letters, digits, '-' and '_' (Secret Manager names). The value passed is: ${JSON.stringify(prefix)}`);
  }
}
