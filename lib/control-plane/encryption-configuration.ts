import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { where } from '../eso/names';
import { YamlFile } from '../output/files';
import { DNS_LABEL } from '../rules';

/** The KMS v2 plugin the API server encrypts with. */
export interface KmsProviderOptions {
  /** The provider's name; stored with every encrypted object, so never rename it. @default 'veza-kms' */
  readonly name?: string;
  /**
   * The plugin's gRPC endpoint, a Unix socket on the control-plane node.
   * @default 'unix:///var/run/kms-provider/kms.sock'
   */
  readonly endpoint?: string;
  /** How long the API server waits for the plugin. @default Duration.seconds(3) */
  readonly timeout?: Duration;
}

/** Props of {@link EncryptionConfigurationFile}. */
export interface EncryptionConfigurationFileProps {
  /** The file's path below the output folder. */
  readonly path: string;
  /** The resources encrypted at rest. @default ['secrets'] */
  readonly resources?: string[];
  /** @default - the defaults of each KmsProviderOptions field */
  readonly kms?: KmsProviderOptions;
  /**
   * Keep `identity: {}` after the KMS provider so objects written before encryption was enabled
   * stay readable until they are rewritten. Writes always use the first provider (KMS).
   * @default true
   */
  readonly readUnencrypted?: boolean;
  /** Comment lines put at the top of the file. @default - none */
  readonly header?: string;
}

/**
 * The API server's encryption at rest (`--encryption-provider-config`): secrets are written to
 * etcd encrypted by a KMS v2 plugin. A control-plane file, read by kube-apiserver from its node's
 * disk; not a manifest to apply. It holds no key: the key stays in the KMS.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 * @see https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/
 */
export class EncryptionConfigurationFile extends YamlFile {
  /** The KMS plugin's name, stored in every encrypted object. */
  public readonly kmsName: string;
  /** The Unix socket the KMS v2 plugin listens on. */
  public readonly kmsEndpoint: string;
  /** How long the API server waits for the plugin. */
  public readonly kmsTimeout: Duration;
  /** The resources encrypted at rest: `secrets`. */
  public readonly encryptedResources: string[];
  public readonly readUnencrypted: boolean;

  public constructor(scope: Construct, id: string, props: EncryptionConfigurationFileProps) {
    super(scope, id, { path: props.path, header: props.header, objects: () => [this.toJson()] });
    const w = where(this);
    this.kmsName = props.kms?.name ?? 'veza-kms';
    if (!DNS_LABEL.test(this.kmsName)) {
      throw new Error(`${w}: 'kms.name' must be lower-case letters, digits and '-' (it is stored in every encrypted object). The value passed is: ${JSON.stringify(this.kmsName)}`);
    }
    this.kmsEndpoint = props.kms?.endpoint ?? 'unix:///var/run/kms-provider/kms.sock';
    if (!/^unix:\/\/\/\S+$/.test(this.kmsEndpoint)) {
      throw new Error(`${w}: 'kms.endpoint' must be a Unix socket such as unix:///var/run/kms-provider/kms.sock. The value passed is: ${JSON.stringify(this.kmsEndpoint)}`);
    }
    this.kmsTimeout = props.kms?.timeout ?? Duration.seconds(3);
    const seconds = this.kmsTimeout.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new Error(`${w}: 'kms.timeout' must be a whole number of seconds, at least 1. The value passed is: ${seconds}s`);
    }
    this.encryptedResources = [...(props.resources ?? ['secrets'])];
    if (!this.encryptedResources.includes('secrets')) {
      throw new Error(`${w}: 'resources' must include secrets. The value passed is: ${JSON.stringify(this.encryptedResources)}`);
    }
    this.readUnencrypted = props.readUnencrypted ?? true;
  }

  /** The EncryptionConfiguration object. */
  public toJson(): Record<string, unknown> {
    return {
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [{
        resources: this.encryptedResources,
        providers: [
          { kms: { apiVersion: 'v2', name: this.kmsName, endpoint: this.kmsEndpoint, timeout: `${this.kmsTimeout.toSeconds()}s` } },
          ...(this.readUnencrypted ? [{ identity: {} }] : []),
        ],
      }],
    };
  }
}
