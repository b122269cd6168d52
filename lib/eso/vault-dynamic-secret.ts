import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  VaultDynamicSecret as VaultDynamicSecretResource,
  VaultDynamicSecretSpecProvider,
  VaultDynamicSecretSpecResultType,
} from '../../imports/generators.external-secrets.io';
import { checkDnsSubdomain, checkLabels, checkSecretDataKey, where } from './names';
import { VaultSecretStore } from './vault-secret-store';

/**
 * An ESO generator (`generators.external-secrets.io/v1alpha1`) an ExternalSecret can take
 * values from with {@link ExternalSecret.addGeneratorSource}.
 * @see https://external-secrets.io/latest/guides/generator/
 */
export interface IGenerator extends IConstruct {
  /** The generator's kind, `VaultDynamicSecret`. */
  readonly generatorKind: string;
  /** `metadata.name`. */
  readonly generatorName: string;
  /** Its namespace: an ExternalSecret can only reference a generator of its own namespace. */
  readonly namespace?: string;
  /** The keys each generation returns, which templates of the ExternalSecret may use. */
  readonly outputKeys: readonly string[];
}

/** What part of Vault's response the generator returns. */
export enum VaultDynamicSecretResultType {
  /** The response's `data` (for `database/static-creds/<role>`: `username`, `password`, ...). */
  DATA = 'Data',
  /** The response's `auth` block (a token from a login). */
  AUTH = 'Auth',
  /** The whole response. */
  RAW = 'Raw',
}

/** Props of {@link VaultDynamicSecret}. */
export interface VaultDynamicSecretProps {
  /**
   * The store whose Vault server, Vault namespace, CA and login the generator reuses; it must be a
   * namespaced SecretStore of the generator's namespace. The store's Vault role must be allowed
   * the method on `path`.
   */
  readonly store: VaultSecretStore;
  /** The Vault API path, without a leading '/': `database/static-creds/veza-production-app`. */
  readonly path: string;
  /**
   * The keys Vault returns that templates use (`username`, `password`); the generator returns
   * whatever Vault sends, these are the ones checked by the ExternalSecret.
   */
  readonly outputKeys: readonly string[];
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /**
   * The HTTP method. `GET` reads without side effects (static credentials, which Vault rotates);
   * `POST` creates something at each generation (a dynamic lease, a certificate).
   * @default 'GET'
   */
  readonly method?: 'GET' | 'POST' | 'PUT';
  /** @default VaultDynamicSecretResultType.DATA */
  readonly resultType?: VaultDynamicSecretResultType;
  /** Labels on the generator. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * Reads a Vault secrets engine other than KV at every refresh of the ExternalSecret that
 * references it: ESO's `VaultDynamicSecret` generator, `generators.external-secrets.io/v1alpha1`.
 * It connects and logs in exactly as its store does.
 *
 * @see https://external-secrets.io/latest/api/generator/vault/
 */
export class VaultDynamicSecret extends Construct implements IGenerator {
  /** The generator's kind, as an ExternalSecret's `generatorRef` names it. */
  public readonly generatorKind = 'VaultDynamicSecret';
  /** `metadata.name` of the generator. */
  public readonly generatorName: string;
  /** The generator's namespace, the chart's: an ExternalSecret references it from there. */
  public readonly namespace?: string;
  public readonly outputKeys: readonly string[];
  public readonly store: VaultSecretStore;
  /** The Vault API path read (or written) at each generation. */
  public readonly path: string;
  public readonly method: 'GET' | 'POST' | 'PUT';
  public readonly resultType: VaultDynamicSecretResultType;
  /** The generated object, for escape hatches. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: VaultDynamicSecretProps) {
    super(scope, id);
    this.generatorName = checkDnsSubdomain(where(this), 'name', props.name ?? id);
    this.namespace = Chart.of(this).namespace;
    this.store = props.store;
    this.method = props.method ?? 'GET';
    this.resultType = props.resultType ?? VaultDynamicSecretResultType.DATA;
    if (!['GET', 'POST', 'PUT'].includes(this.method)) {
      throw new Error(`${where(this)}: 'method' must be GET, POST or PUT. The value passed is: ${JSON.stringify(this.method)}`);
    }
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(props.path)) {
      throw new Error(`${where(this)}: 'path' must be a Vault API path of segments separated by '/', without leading or trailing '/', such as database/static-creds/app. The value passed is: ${JSON.stringify(props.path)}`);
    }
    this.path = props.path;
    if (!props.store.namespace) {
      throw new Error(`${where(this)}: 'store' must be a namespaced SecretStore; ${props.store.node.path} is a ClusterSecretStore, whose service-account references a namespaced generator cannot follow.`);
    }
    if (props.store.namespace !== this.namespace) {
      throw new Error(`${where(this)}: 'store' ${props.store.storeName} is in namespace ${JSON.stringify(props.store.namespace)}; the generator is in ${JSON.stringify(this.namespace ?? '')}. Put both in one namespace.`);
    }
    if (props.outputKeys.length === 0) {
      throw new Error(`${where(this)}: 'outputKeys' is empty; allowed: the keys Vault returns that templates use, such as username and password.`);
    }
    const seen = new Set<string>();
    for (const key of props.outputKeys) {
      checkSecretDataKey(where(this), 'outputKeys', key);
      if (seen.has(key)) throw new Error(`${where(this)}: 'outputKeys' names ${JSON.stringify(key)} twice.`);
      seen.add(key);
    }
    this.outputKeys = [...props.outputKeys];
    checkLabels(where(this), 'labels', props.labels);

    this.apiObject = new VaultDynamicSecretResource(this, 'Resource', {
      metadata: { name: this.generatorName, labels: props.labels },
      spec: {
        path: this.path,
        method: this.method,
        resultType: this.resultType as string as VaultDynamicSecretSpecResultType,
        // Same schema as the store's provider.vault: the generator logs in as the store does.
        provider: props.store._connection() as unknown as VaultDynamicSecretSpecProvider,
      },
    });
  }
}
