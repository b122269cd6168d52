import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SecretStoreSpecProviderAzurekv, SecretStoreSpecProviderAzurekvAuthType } from '../../imports/external-secrets.io';
import { where } from './names';
import { dedicatedServiceAccount, RemoteRef, SecretKeyReference, SecretProvider, SecretStoreBase, SecretStoreProps } from './secret-store';
import { AZURE_KEY_VAULT_URL, guid } from '../rules';


/** Options of Azure workload identity auth. */
export interface AzureWorkloadIdentityAuthOptions {
  /**
   * The client ID of the Entra ID application or managed identity the service account federates
   * with: annotates the dedicated service account with `azure.workload.identity/client-id`, the
   * only place ESO's Key Vault provider reads it from with workload identity (besides a Secret
   * through `authSecretRef`); without it ESO fails with "missing clientID". Required with the
   * dedicated service account; ignored with `serviceAccount` (annotate that one yourself).
   * @default - none: required unless `serviceAccount` is given
   */
  readonly clientId?: string;
  /**
   * The Kubernetes service account, owned by someone else and annotated by them with
   * `azure.workload.identity/client-id` (and, when the store has no `tenantId`,
   * `azure.workload.identity/tenant-id`).
   * @default - a dedicated service account named `<store name>-auth`, annotated with `clientId`
   */
  readonly serviceAccount?: kplus.IServiceAccount;
}

/** Options of service-principal auth. */
export interface AzureServicePrincipalAuthOptions {
  /** The Secret key holding the service principal's client ID. */
  readonly clientId: SecretKeyReference;
  /** The Secret key holding the service principal's client secret. */
  readonly clientSecret: SecretKeyReference;
}

/**
 * The service-account annotation ESO's Key Vault provider reads the client ID from (`AnnotationClientID`).
 * @internal
 */
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';

/**
 * The audience of the token ESO requests for the service account (`AzureDefaultAudience`): the
 * audience of the federated credential in Entra ID.
 * @internal
 */
export const AZURE_TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

/** @internal */
type AzureAuthSpec = Pick<SecretStoreSpecProviderAzurekv, 'authType' | 'serviceAccountRef' | 'identityId' | 'authSecretRef'>;

/**
 * How an Azure Key Vault store authenticates.
 * @see https://external-secrets.io/latest/provider/azure-key-vault/#authentication
 */
export abstract class AzureAuth {
  /**
   * Azure workload identity: the default, no client secrets. ESO requests a token for the service
   * account with the audience `api://AzureADTokenExchange` and exchanges it in the store's tenant
   * for the client ID's identity, which needs a federated credential for
   * `system:serviceaccount:<namespace>:<account>` (`federatedSubject`).
   */
  public static workloadIdentity(options: AzureWorkloadIdentityAuthOptions = {}): AzureAuth {
    return new (class extends AzureAuth {
      public bind(store: AzureKeyVaultStore) {
        if (options.clientId !== undefined) checkUuid(store, 'auth.clientId', options.clientId);
        if (options.serviceAccount === undefined) {
          // ESO (authorizerForWorkloadIdentity): the client ID comes from the service account's
          // annotation, the tenant from spec.provider.azurekv.tenantId, the tenant-id annotation or
          // the controller's AZURE_TENANT_ID; setting the tenant in two places is refused ("multiple
          // tenantID found"), so the dedicated account carries the client ID only, the store the tenant.
          if (options.clientId === undefined) {
            throw new Error(`${where(store)}: 'auth.clientId' is required with workload identity on the dedicated service account (ESO reads the client ID from its ${AZURE_CLIENT_ID_ANNOTATION} annotation; without it: "missing clientID").`);
          }
          if (store.tenantId === undefined) {
            throw new Error(`${where(store)}: 'tenantId' is required with workload identity on the dedicated service account (ESO reads the tenant from spec.provider.azurekv.tenantId; without it: "missing tenantID in store config").`);
          }
        }
        const serviceAccount = options.serviceAccount ??
          dedicatedServiceAccount(store, `${store.storeName}-auth`, { [AZURE_CLIENT_ID_ANNOTATION]: options.clientId! });
        return {
          spec: {
            authType: SecretStoreSpecProviderAzurekvAuthType.WORKLOAD_IDENTITY,
            serviceAccountRef: store.serviceAccountRef('auth.serviceAccount', serviceAccount),
          },
          serviceAccount,
        };
      }
    })();
  }

  /** The managed identity of the node pool (AKS pod identity). */
  public static managedIdentity(options: { readonly identityId?: string } = {}): AzureAuth {
    return new (class extends AzureAuth {
      public bind(store: AzureKeyVaultStore) {
        if (options.identityId !== undefined) checkUuid(store, 'auth.identityId', options.identityId);
        return { spec: { authType: SecretStoreSpecProviderAzurekvAuthType.MANAGED_IDENTITY, identityId: options.identityId } };
      }
    })();
  }

  /** A service principal's client ID and secret kept in a Kubernetes Secret; needs `tenantId`. */
  public static servicePrincipal(options: AzureServicePrincipalAuthOptions): AzureAuth {
    return new (class extends AzureAuth {
      public bind(store: AzureKeyVaultStore) {
        if (!store.tenantId) throw new Error(`${where(store)}: 'tenantId' is required with service-principal auth.`);
        return {
          spec: {
            authType: SecretStoreSpecProviderAzurekvAuthType.SERVICE_PRINCIPAL,
            authSecretRef: {
              clientId: store.secretRef('auth.clientId', options.clientId),
              clientSecret: store.secretRef('auth.clientSecret', options.clientSecret),
            },
          },
        };
      }
    })();
  }

  /**
   * Renders the auth block for `store`, creating what it needs there (a service account), for the store's constructor.
   * The generated ESO types it returns stay out of the package's public types.
   * @internal
   */
  public abstract bind(store: AzureKeyVaultStore): { spec: AzureAuthSpec; serviceAccount?: kplus.IServiceAccount };
}

/** Props of {@link AzureKeyVaultStore}. */
export interface AzureKeyVaultStoreProps extends SecretStoreProps {
  /** The vault's URL, `https://veza-production.vault.azure.net`: one vault per environment. */
  readonly vaultUrl: string;
  /**
   * The Entra ID tenant (`spec.provider.azurekv.tenantId`). Required with service-principal auth
   * and with workload identity on the dedicated service account: ESO does not derive it from the
   * identity (it falls back only to an `azure.workload.identity/tenant-id` annotation or the
   * controller's `AZURE_TENANT_ID`).
   * @default - none (managed identity: the identity's own tenant)
   */
  readonly tenantId?: string;
  /** How the store authenticates. @default AzureAuth.workloadIdentity() */
  readonly auth?: AzureAuth;
  /**
   * Put before every remote name. Key Vault names allow letters, digits and '-' only.
   * @default ''
   */
  readonly namePrefix?: string;
}

/**
 * A store backed by Azure Key Vault: the provider in the seed's diagram that has no file there.
 *
 * @see https://external-secrets.io/latest/provider/azure-key-vault/
 */
export class AzureKeyVaultStore extends SecretStoreBase {
  public readonly provider = SecretProvider.AZURE;
  public readonly location: string;
  /** The vault's URL. */
  public readonly vaultUrl: string;
  /** The tenant. */
  public readonly tenantId?: string;
  /** The prefix of remote names. */
  public readonly namePrefix: string;

  public constructor(scope: Construct, id: string, props: AzureKeyVaultStoreProps) {
    super(scope, id, props, 'azure-store');
    if (!AZURE_KEY_VAULT_URL.test(props.vaultUrl)) {
      throw new Error(`${where(this)}: 'vaultUrl' must be a Key Vault URL such as https://my-vault.vault.azure.net. The value passed is: ${JSON.stringify(props.vaultUrl)}`);
    }
    if (props.tenantId !== undefined) checkUuid(this, 'tenantId', props.tenantId);
    this.vaultUrl = props.vaultUrl;
    this.tenantId = props.tenantId;
    this.namePrefix = props.namePrefix ?? '';
    if (!/^[A-Za-z0-9-]*$/.test(this.namePrefix)) {
      throw new Error(`${where(this)}: 'namePrefix' may hold only letters, digits and '-' (Key Vault names). The value passed is: ${JSON.stringify(this.namePrefix)}`);
    }
    this.location = `azure:${this.vaultUrl.replace(/\/$/, '')}/${this.namePrefix}`;
    const auth = this.bindAuth(props.auth ?? AzureAuth.workloadIdentity());
    this.createResource({ azurekv: { vaultUrl: this.vaultUrl, tenantId: this.tenantId, ...auth.spec } });
  }

  /** One Key Vault secret per key: `{ key: 'veza-jwt-secret' }`. */
  public remoteRef(remoteName: string): RemoteRef {
    const key = `${this.namePrefix}${remoteName}`;
    if (!/^[A-Za-z0-9-]{1,127}$/.test(key)) {
      throw new Error(`${where(this)}: the Key Vault secret name ${JSON.stringify(key)} is not allowed: letters, digits and '-' only, at most 127 characters.`);
    }
    return { key };
  }
}

function checkUuid(scope: Construct, field: string, value: string): void {
  if (guid.parse(value) === undefined) {
    throw new Error(`${where(scope)}: '${field}' must be a GUID such as 00000000-0000-0000-0000-000000000000. The value passed is: ${JSON.stringify(value)}`);
  }
}
