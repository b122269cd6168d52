import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  SecretStoreSpecProviderVault,
  SecretStoreSpecProviderVaultAuth,
  SecretStoreSpecProviderVaultCaProviderType,
  SecretStoreSpecProviderVaultVersion,
} from '../../imports/external-secrets.io';
import { checkDnsSubdomain, where } from './names';
import { dedicatedServiceAccount, RemoteRef, SecretKeyReference, SecretProvider, SecretStoreBase, SecretStoreProps } from './secret-store';
import { isHttpUrl } from '../rules';

/** Options of Vault's Kubernetes auth method. */
export interface VaultKubernetesAuthOptions {
  /**
   * The Vault role the store logs in as (`vault write auth/kubernetes/role/<role>`).
   * @default - the store's namespace, so each environment has its own role
   */
  readonly role?: string;
  /** Where the auth method is mounted in Vault. @default 'kubernetes' */
  readonly mountPath?: string;
  /**
   * The service account whose token the store presents.
   * @default - a dedicated service account named `<store name>-auth`, with no token mounted in pods
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /**
   * The audience of the token; the Vault role names the same one, and Vault then refuses a token
   * minted for another audience (optional in Vault: 1.21 only logs a warning for a role without one).
   * @default 'vault'
   */
  readonly audience?: string;
}

/** Options of Vault's JWT/OIDC auth method with a Kubernetes service-account token. */
export interface VaultJwtAuthOptions {
  /** The Vault role. */
  readonly role: string;
  /** Where the auth method is mounted in Vault. @default 'jwt' */
  readonly path?: string;
  /** The service account whose token is presented. @default - a dedicated service account */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** The token's audience. @default 'vault' */
  readonly audience?: string;
}

/** Options of Vault's AppRole auth method. */
export interface VaultAppRoleAuthOptions {
  /** The role ID (not secret). */
  readonly roleId: string;
  /** The Secret holding the secret ID. */
  readonly secretId: SecretKeyReference;
  /** Where the auth method is mounted in Vault. @default 'approle' */
  readonly path?: string;
}

/** Options of Vault token auth. */
export interface VaultTokenAuthOptions {
  /** The Secret holding the token. */
  readonly token: SecretKeyReference;
}

/** Vault's auth methods a store can use. */
export type VaultAuthMethod = 'kubernetes' | 'jwt' | 'appRole' | 'token';

/** How a store logs in with Kubernetes auth: what the Vault side of that auth method must match. */
export interface VaultKubernetesLogin {
  /** The Vault role it logs in as. */
  readonly role: string;
  /** The audience its token carries, which the Vault role must require. */
  readonly audience: string;
  /** Where the auth method is mounted in Vault. */
  readonly mountPath: string;
  /** The service account whose token it presents. */
  readonly serviceAccount: kplus.IServiceAccount;
}

/**
 * What binding an auth method to a store yields.
 * @internal
 */
export interface VaultAuthBinding {
  /** The store's `spec.provider.vault.auth` block. */
  readonly spec: SecretStoreSpecProviderVaultAuth;
  /** The auth method. */
  readonly method: VaultAuthMethod;
  /** Where the auth method is mounted in Vault, for the Vault-side configuration. @default - none (token auth) */
  readonly mountPath?: string;
  /**
   * The service account the store authenticates as, for the Vault role's bound names.
   * @default - none: AppRole and token auth use no service account
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /**
   * The Vault role, for the Vault-side configuration.
   * @default - none: AppRole and token auth name no role here
   */
  readonly role?: string;
  /**
   * The token audience the Vault role must require.
   * @default - none: only Kubernetes and JWT auth present a token
   */
  readonly audience?: string;
  /** With Kubernetes auth: the login, every field known. @default - none: another auth method */
  readonly kubernetes?: VaultKubernetesLogin;
}

/**
 * How a Vault store logs in to Vault.
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/#authentication
 */
export abstract class VaultAuth {
  /** Kubernetes auth: the default, and the seed's path. */
  public static kubernetes(options: VaultKubernetesAuthOptions = {}): VaultAuth {
    return new (class extends VaultAuth {
      public bind(store: VaultSecretStore): VaultAuthBinding {
        const serviceAccount = options.serviceAccount ?? dedicatedServiceAccount(store, `${store.storeName}-auth`);
        const audience = options.audience ?? 'vault';
        const role = options.role ?? store.namespace;
        if (!role) throw new Error(`${where(store)}: 'auth.role' is required for a ClusterSecretStore (it has no namespace to name the role after).`);
        const mountPath = options.mountPath ?? 'kubernetes';
        return {
          method: 'kubernetes',
          mountPath,
          spec: {
            kubernetes: {
              mountPath,
              role,
              serviceAccountRef: store.serviceAccountRef('auth.serviceAccount', serviceAccount, [audience]),
            },
          },
          serviceAccount,
          role,
          audience,
          kubernetes: { role, audience, mountPath, serviceAccount },
        };
      }
    })();
  }

  /** JWT auth with a projected service-account token. */
  public static jwt(options: VaultJwtAuthOptions): VaultAuth {
    return new (class extends VaultAuth {
      public bind(store: VaultSecretStore): VaultAuthBinding {
        const serviceAccount = options.serviceAccount ?? dedicatedServiceAccount(store, `${store.storeName}-auth`);
        const audience = options.audience ?? 'vault';
        const mountPath = options.path ?? 'jwt';
        return {
          method: 'jwt',
          mountPath,
          spec: {
            jwt: {
              path: mountPath,
              role: options.role,
              kubernetesServiceAccountToken: {
                serviceAccountRef: store.serviceAccountRef('auth.serviceAccount', serviceAccount),
                audiences: [audience],
              },
            },
          },
          serviceAccount,
          role: options.role,
          audience,
        };
      }
    })();
  }

  /** AppRole auth: a role ID and a secret ID kept in a Kubernetes Secret. */
  public static appRole(options: VaultAppRoleAuthOptions): VaultAuth {
    return new (class extends VaultAuth {
      public bind(store: VaultSecretStore): VaultAuthBinding {
        const mountPath = options.path ?? 'approle';
        return {
          method: 'appRole',
          mountPath,
          spec: {
            appRole: {
              path: mountPath,
              roleId: options.roleId,
              secretRef: store.secretRef('auth.secretId', options.secretId),
            },
          },
        };
      }
    })();
  }

  /** Token auth: a Vault token kept in a Kubernetes Secret. Prefer Kubernetes auth: tokens expire and leak. */
  public static token(options: VaultTokenAuthOptions): VaultAuth {
    return new (class extends VaultAuth {
      public bind(store: VaultSecretStore): VaultAuthBinding {
        return { method: 'token', spec: { tokenSecretRef: store.secretRef('auth.token', options.token) } };
      }
    })();
  }

  /**
   * Renders the auth block for `store`, creating what it needs there, for the store's constructor.
   * The generated ESO types it returns stay out of the package's public types.
   * @internal
   */
  public abstract bind(store: VaultSecretStore): VaultAuthBinding;
}

/** Where the store finds the CA that signed Vault's certificate. */
export interface VaultCaProvider {
  /** A Secret or a ConfigMap. */
  readonly type: 'Secret' | 'ConfigMap';
  /** Its name. */
  readonly name: string;
  /** The key holding the PEM bundle. */
  readonly key: string;
  /** Its namespace; required by a ClusterSecretStore. @default - the store's namespace */
  readonly namespace?: string;
}

/** Props of {@link VaultSecretStore}. */
export interface VaultSecretStoreProps extends SecretStoreProps {
  /** Vault's address, `https://vault.example:8200`. */
  readonly server: string;
  /** The mount of the KV engine. @default 'secret' */
  readonly mount?: string;
  /**
   * The KV path, under the mount, of the secret that holds one property per key
   * (the seed's `secret/veza/<env>` is mount `secret`, path `veza/<env>`).
   */
  readonly path: string;
  /** The KV engine's version. @default 'v2' */
  readonly kvVersion?: 'v1' | 'v2';
  /** A Vault Enterprise namespace. @default - none */
  readonly vaultNamespace?: string;
  /** How the store logs in. @default VaultAuth.kubernetes() */
  readonly auth?: VaultAuth;
  /** A PEM bundle of the CA that signed Vault's certificate (public, not secret). @default - the system roots */
  readonly caBundle?: string;
  /** A Secret or ConfigMap holding that CA bundle. @default - the system roots */
  readonly caProvider?: VaultCaProvider;
}

/**
 * A store backed by HashiCorp Vault's KV engine: the seed's `secret-stores/vault-store.yaml`.
 *
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/
 */
export class VaultSecretStore extends SecretStoreBase {
  public readonly provider = SecretProvider.VAULT;
  public readonly location: string;
  /** Vault's address. */
  public readonly server: string;
  /** The KV mount. */
  public readonly mount: string;
  /** The KV path under the mount. */
  public readonly path: string;
  /** The Vault role the store logs in as, for the Vault-side configuration. */
  public readonly authRole?: string;
  /** The audience that role must require. */
  public readonly authAudience?: string;
  /** How the store logs in to Vault, for the Vault-side configuration. */
  public readonly authMethod: VaultAuthMethod;
  /** The Kubernetes auth login (role, audience, mount, service account), when the store uses `VaultAuth.kubernetes()`. */
  public readonly kubernetesAuth?: VaultKubernetesLogin;
  /** Where that auth method is mounted in Vault (`kubernetes`); `undefined` for token auth. */
  public readonly authMountPath?: string;
  /** The KV engine's version. */
  public readonly kvVersion: 'v1' | 'v2';
  /** The Secret or ConfigMap the store reads Vault's CA from; `undefined` with `caBundle` or the system roots. */
  public readonly caProvider?: VaultCaProvider;
  private readonly vaultProvider: SecretStoreSpecProviderVault;

  public constructor(scope: Construct, id: string, props: VaultSecretStoreProps) {
    super(scope, id, props, 'vault-store');
    this.server = checkUrl(this, 'server', props.server);
    this.mount = checkVaultPath(this, 'mount', props.mount ?? 'secret');
    this.path = checkVaultPath(this, 'path', props.path);
    this.location = `${this.mount}/${this.path}`;
    if (props.caBundle !== undefined && props.caProvider !== undefined) {
      throw new Error(`${where(this)}: set 'caBundle' or 'caProvider', not both.`);
    }
    if (props.caBundle !== undefined && !props.caBundle.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error(`${where(this)}: 'caBundle' must be a PEM certificate bundle ('-----BEGIN CERTIFICATE-----'). The value passed starts with: ${JSON.stringify(props.caBundle.slice(0, 20))}`);
    }
    if (props.caProvider) checkDnsSubdomain(where(this), 'caProvider.name', props.caProvider.name);
    this.caProvider = props.caProvider;

    const auth = this.bindAuth(props.auth ?? VaultAuth.kubernetes());
    this.authRole = auth.role;
    this.authAudience = auth.audience;
    this.authMethod = auth.method;
    this.authMountPath = auth.mountPath;
    this.kubernetesAuth = auth.kubernetes;
    this.kvVersion = props.kvVersion ?? 'v2';

    this.vaultProvider = {
      server: this.server,
      path: this.mount,
      version: this.kvVersion === 'v1' ? SecretStoreSpecProviderVaultVersion.V1 : SecretStoreSpecProviderVaultVersion.V2,
      namespace: props.vaultNamespace,
      auth: auth.spec,
      caBundle: props.caBundle === undefined ? undefined : Buffer.from(props.caBundle).toString('base64'),
      caProvider: props.caProvider && {
        type: props.caProvider.type === 'Secret' ? SecretStoreSpecProviderVaultCaProviderType.SECRET : SecretStoreSpecProviderVaultCaProviderType.CONFIG_MAP,
        name: props.caProvider.name,
        key: props.caProvider.key,
        namespace: this.refNamespace('caProvider', props.caProvider.namespace),
      },
    };
    this.createResource({ vault: this.vaultProvider });
  }

  /**
   * How this store reaches and logs in to Vault (server, Vault namespace, CA, auth), without its
   * KV mount and version: what a {@link VaultDynamicSecret} of the same namespace reuses, so it
   * talks to the same Vault as the same identity.
   * @internal
   */
  public _connection(): Omit<SecretStoreSpecProviderVault, 'path' | 'version'> {
    const { path: _path, version: _version, ...connection } = this.vaultProvider;
    return connection;
  }

  /** One property of the environment's KV secret: `{ key: 'veza/production', property: 'jwt-secret' }`. */
  public remoteRef(remoteName: string): RemoteRef {
    return { key: this.path, property: remoteName };
  }

  /**
   * One property of the KV secret `<path>/<secret>` beside the store's own (the secret a
   * rotation class keeps its generated keys in): `{ key: 'veza/production/signing-secret', property: 'jwt-secret' }`.
   */
  public remoteRefAt(secret: string, remoteName: string): RemoteRef {
    return { key: `${this.path}/${checkVaultPath(this, 'secret', secret)}`, property: remoteName };
  }
}

function checkUrl(scope: Construct, field: string, value: string): string {
  if (!isHttpUrl(value)) {
    throw new Error(`${where(scope)}: '${field}' must be an http(s) URL such as https://vault.example:8200. The value passed is: ${JSON.stringify(value)}`);
  }
  return value;
}

function checkVaultPath(scope: Construct, field: string, value: string): string {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(value)) {
    throw new Error(`${where(scope)}: '${field}' must be a Vault path of segments separated by '/', without leading or trailing '/'. The value passed is: ${JSON.stringify(value)}`);
  }
  return value;
}
