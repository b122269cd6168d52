import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ClusterSecretStore, ClusterSecretStoreSpec, SecretStore, SecretStoreSpec, SecretStoreSpecProvider } from '../../imports/external-secrets.io';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, where } from './names';
import { subjectNamespaceOf } from './scope';

/** The two kinds of store ESO serves. */
export enum SecretStoreKind {
  /** Readable only by ExternalSecrets of its own namespace. */
  SECRET_STORE = 'SecretStore',
  /** Readable by ExternalSecrets of every namespace its `conditions` allow. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/** The providers this library models. */
export enum SecretProvider {
  VAULT = 'vault',
  AWS = 'aws',
  GCP = 'gcp',
  AZURE = 'azure',
}

/** Where one value lives in a provider: ESO's `remoteRef`. */
export interface RemoteRef {
  /** The provider's name of the secret (a Vault KV path, an AWS secret name, ...). */
  readonly key: string;
  /** A property inside that secret (a field of a Vault KV secret). @default - the whole value */
  readonly property?: string;
}

/**
 * A key of a Kubernetes Secret owned by someone else (credentials for a store, a CA bundle).
 * A reference, never a value: values never enter the synthesized YAML.
 */
export interface SecretKeyReference {
  /** The Secret's name. */
  readonly name: string;
  /** The key inside the Secret. */
  readonly key: string;
  /** The Secret's namespace; needed by a ClusterSecretStore. @default - the store's namespace */
  readonly namespace?: string;
}

/** A reference to a store, what an ExternalSecret needs. */
export interface ISecretStore extends IConstruct {
  /** `metadata.name` of the store. */
  readonly storeName: string;
  /** `SecretStore` or `ClusterSecretStore`. */
  readonly kind: SecretStoreKind;
  /**
   * The namespace of a `SecretStore`.
   * @default - none: a `ClusterSecretStore` has no namespace
   */
  readonly namespace?: string;
  /** The provider behind the store. */
  readonly provider: SecretProvider;
  /**
   * Where the store reads, as a person would say it (`secret/veza/production`,
   * `aws:eu-west-3/veza/production/`): used in documentation and isolation checks.
   */
  readonly location: string;
  /**
   * The service account the store authenticates as, where it uses one.
   * @default - none: the store authenticates with a Secret (keys, a token) or a cloud identity
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** How the secret named `remoteName` in this store is addressed in an ExternalSecret. */
  remoteRef(remoteName: string): RemoteRef;
}

/** Props every store takes. */
export interface SecretStoreProps {
  /**
   * `metadata.name` of the store: a contract, ExternalSecrets and runbooks name it.
   * @default - the provider's name in the seed: `vault-store`, `aws-store`, `gcp-store`, `azure-store`
   */
  readonly name?: string;
  /**
   * Emit a `ClusterSecretStore` instead of a namespaced `SecretStore`.
   * @default false
   */
  readonly clusterWide?: boolean;
  /**
   * For a `ClusterSecretStore`: the namespaces whose ExternalSecrets may use it
   * (ESO's `spec.conditions[].namespaces`).
   * @default - every namespace
   */
  readonly allowedNamespaces?: string[];
  /** Extra labels on the store. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * The part every provider's store shares: the name, the kind, the namespace and the
 * generated `SecretStore` or `ClusterSecretStore` as child `'Resource'`.
 *
 * @see https://external-secrets.io/latest/api/secretstore/
 */
export abstract class SecretStoreBase extends Construct implements ISecretStore {
  /** `metadata.name` of the store. */
  public readonly storeName: string;
  /** `SecretStore`, or `ClusterSecretStore` when `clusterWide` is set. */
  public readonly kind: SecretStoreKind;
  /** The chart's namespace for a `SecretStore`; `undefined` for a `ClusterSecretStore`. */
  public readonly namespace?: string;
  /** The provider behind the store. */
  public abstract readonly provider: SecretProvider;
  /** Where the store reads, as a person would say it: `secret/veza/production`. */
  public abstract readonly location: string;
  /** The service account the store authenticates as, where it uses one (its auth's, bound by the constructor). */
  public get serviceAccount(): kplus.IServiceAccount | undefined {
    return this.authServiceAccount;
  }
  /** The generated object, for escape hatches (`ApiObject.of(store.apiObject).addJsonPatch(...)`). */
  public get apiObject(): ApiObject {
    return this.node.findChild('Resource') as ApiObject;
  }
  private readonly props: SecretStoreProps;
  private authServiceAccount?: kplus.IServiceAccount;

  protected constructor(scope: Construct, id: string, props: SecretStoreProps, defaultName: string) {
    super(scope, id);
    this.props = props;
    this.storeName = checkDnsSubdomain(where(this), 'name', props.name ?? defaultName);
    this.kind = props.clusterWide ? SecretStoreKind.CLUSTER_SECRET_STORE : SecretStoreKind.SECRET_STORE;
    this.namespace = props.clusterWide ? undefined : Chart.of(this).namespace;
    if (!props.clusterWide && props.allowedNamespaces) {
      throw new Error(`${where(this)}: 'allowedNamespaces' applies to a ClusterSecretStore only; set 'clusterWide: true' or remove it. The value passed is: ${JSON.stringify(props.allowedNamespaces)}`);
    }
    for (const ns of props.allowedNamespaces ?? []) checkDnsLabel(where(this), 'allowedNamespaces', ns);
    checkLabels(where(this), 'labels', props.labels);
  }

  /**
   * Binds the store's auth, keeping the service account it authenticates as: what each provider's
   * constructor does before it builds its provider block.
   * @internal
   */
  protected bindAuth<S extends SecretStoreBase, B extends { readonly serviceAccount?: kplus.IServiceAccount }>(this: S, auth: { bind(store: S): B }): B {
    const bound = auth.bind(this);
    this.authServiceAccount = bound.serviceAccount;
    return bound;
  }

  /**
   * Emits the store: called by each provider's constructor once its provider block is built.
   * @internal
   */
  protected createResource(provider: SecretStoreSpecProvider): void {
    const metadata = { name: this.storeName, labels: this.props.labels };
    const spec: SecretStoreSpec = {
      provider,
      conditions: this.props.allowedNamespaces ? [{ namespaces: [...this.props.allowedNamespaces] }] : undefined,
    };
    if (this.kind === SecretStoreKind.CLUSTER_SECRET_STORE) {
      // Both kinds share one schema; the generated types differ only in their names.
      const resource = new ClusterSecretStore(this, 'Resource', { metadata, spec: spec as unknown as ClusterSecretStoreSpec });
      // Cluster-scoped: no metadata.namespace, even in a chart that gives its objects one.
      if (Chart.of(this).namespace !== undefined) resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    } else {
      new SecretStore(this, 'Resource', { metadata, spec });
    }
  }

  /** How the secret named `remoteName` in this store is addressed in an ExternalSecret. */
  public abstract remoteRef(remoteName: string): RemoteRef;

  /**
   * A `serviceAccountRef` for this store: no namespace for a namespaced store (ESO uses the
   * store's own), the account's namespace for a ClusterSecretStore.
   */
  public serviceAccountRef(field: string, serviceAccount: kplus.IServiceAccount, audiences?: string[]): { name: string; namespace?: string; audiences?: string[] } {
    const namespace = subjectNamespaceOf(serviceAccount);
    return { name: serviceAccount.name, namespace: this.refNamespace(field, namespace), audiences };
  }

  /** A Secret key reference for this store, with the namespace rule of {@link serviceAccountRef}. */
  public secretRef(field: string, ref: SecretKeyReference): { name: string; key: string; namespace?: string } {
    checkDnsSubdomain(where(this), `${field}.name`, ref.name);
    return { name: ref.name, key: ref.key, namespace: this.refNamespace(field, ref.namespace) };
  }

  /**
   * The namespace to write in a reference: none for a `SecretStore` (which may only name its own),
   * the given one, required, for a `ClusterSecretStore`. Throws naming `field` otherwise.
   */
  protected refNamespace(field: string, given: string | undefined): string | undefined {
    if (this.kind === SecretStoreKind.SECRET_STORE) {
      if (given !== undefined && given !== this.namespace) {
        throw new Error(`${where(this)}: '${field}.namespace' must be the store's own namespace ${JSON.stringify(this.namespace)}: a SecretStore cannot read other namespaces. The value passed is: ${JSON.stringify(given)}`);
      }
      return undefined;
    }
    if (!given) {
      throw new Error(`${where(this)}: '${field}.namespace' is required for a ClusterSecretStore (it has no namespace of its own).`);
    }
    return given;
  }
}

/**
 * Creates the dedicated service account a store authenticates as: no token mounted in pods
 * (ESO requests a short-lived token through the TokenRequest API instead).
 * @internal
 */
export function dedicatedServiceAccount(scope: Construct, name: string, annotations?: Record<string, string>): kplus.ServiceAccount {
  return new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, annotations },
    automountToken: false,
  });
}
