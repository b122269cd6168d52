import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SecretStoreSpecProviderAwsAuth, SecretStoreSpecProviderAwsService } from '../../imports/external-secrets.io';
import { where } from './names';
import { dedicatedServiceAccount, RemoteRef, SecretKeyReference, SecretProvider, SecretStoreBase, SecretStoreProps } from './secret-store';
import { awsRegion } from '../rules';

/** Which AWS service holds the values. */
export enum AwsSecretService {
  /** AWS Secrets Manager: the seed's choice. */
  SECRETS_MANAGER = 'SecretsManager',
  /** Systems Manager Parameter Store (SecureString parameters). */
  PARAMETER_STORE = 'ParameterStore',
}

/** Options of service-account (IRSA / JWT) auth. */
export interface AwsServiceAccountAuthOptions {
  /**
   * The IAM role the service account maps to (IRSA): annotates a dedicated service account with
   * `eks.amazonaws.com/role-arn`.
   * @default - no annotation: annotate the service account yourself, since ESO's JWT auth reads the
   * role from `eks.amazonaws.com/role-arn` and refuses a service account without it
   */
  readonly roleArn?: string;
  /** The service account to use. @default - a dedicated service account named `<store name>-auth` */
  readonly serviceAccount?: kplus.IServiceAccount;
}

/** Options of static access-key auth. */
export interface AwsAccessKeyAuthOptions {
  /** The Secret key holding the access key ID. */
  readonly accessKeyId: SecretKeyReference;
  /** The Secret key holding the secret access key. */
  readonly secretAccessKey: SecretKeyReference;
  /** @default - no session token */
  readonly sessionToken?: SecretKeyReference;
}

/**
 * How an AWS store authenticates.
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/#authentication
 */
export abstract class AwsAuth {
  /** A service account's token exchanged for IAM credentials (IRSA): the default, no static keys. */
  public static serviceAccount(options: AwsServiceAccountAuthOptions = {}): AwsAuth {
    return new (class extends AwsAuth {
      public bind(store: AwsSecretStore) {
        if (options.roleArn !== undefined) checkRoleArn(store, 'auth.roleArn', options.roleArn);
        const serviceAccount = options.serviceAccount ??
          dedicatedServiceAccount(store, `${store.storeName}-auth`, options.roleArn ? { 'eks.amazonaws.com/role-arn': options.roleArn } : undefined);
        return { spec: { jwt: { serviceAccountRef: store.serviceAccountRef('auth.serviceAccount', serviceAccount) } }, serviceAccount };
      }
    })();
  }

  /** Static access keys kept in a Kubernetes Secret. Prefer service-account auth: keys do not expire. */
  public static accessKeys(options: AwsAccessKeyAuthOptions): AwsAuth {
    return new (class extends AwsAuth {
      public bind(store: AwsSecretStore) {
        return {
          spec: {
            secretRef: {
              accessKeyIdSecretRef: store.secretRef('auth.accessKeyId', options.accessKeyId),
              secretAccessKeySecretRef: store.secretRef('auth.secretAccessKey', options.secretAccessKey),
              sessionTokenSecretRef: options.sessionToken && store.secretRef('auth.sessionToken', options.sessionToken),
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
  public abstract bind(store: AwsSecretStore): { spec: SecretStoreSpecProviderAwsAuth; serviceAccount?: kplus.IServiceAccount };
}

/** Props of {@link AwsSecretStore}. */
export interface AwsSecretStoreProps extends SecretStoreProps {
  /** The AWS region, `eu-west-3`. */
  readonly region: string;
  /** Secrets Manager or Parameter Store. @default AwsSecretService.SECRETS_MANAGER */
  readonly service?: AwsSecretService;
  /** How the store authenticates. @default AwsAuth.serviceAccount() */
  readonly auth?: AwsAuth;
  /** An IAM role to assume after authenticating. @default - none */
  readonly role?: string;
  /**
   * Put before every remote name: `veza/production/` makes `jwt-secret` read
   * `veza/production/jwt-secret`. Parameter Store names start with `/`.
   * @default ''
   */
  readonly namePrefix?: string;
}

/**
 * A store backed by AWS Secrets Manager or Parameter Store: the seed's `secret-stores/aws-store.yaml`.
 *
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
export class AwsSecretStore extends SecretStoreBase {
  public readonly provider = SecretProvider.AWS;
  public readonly location: string;
  /** The region. */
  public readonly region: string;
  /** The prefix of remote names. */
  public readonly namePrefix: string;

  public constructor(scope: Construct, id: string, props: AwsSecretStoreProps) {
    super(scope, id, props, 'aws-store');
    if (awsRegion.parse(props.region) === undefined) {
      throw new Error(`${where(this)}: 'region' must be an AWS region such as eu-west-3. The value passed is: ${JSON.stringify(props.region)}`);
    }
    if (props.role !== undefined) checkRoleArn(this, 'role', props.role);
    this.region = props.region;
    this.namePrefix = props.namePrefix ?? '';
    const service = props.service ?? AwsSecretService.SECRETS_MANAGER;
    this.location = `aws:${service}:${this.region}:${this.namePrefix}`;
    const auth = this.bindAuth(props.auth ?? AwsAuth.serviceAccount());
    this.createResource({
      aws: {
        service: service === AwsSecretService.PARAMETER_STORE ? SecretStoreSpecProviderAwsService.PARAMETER_STORE : SecretStoreSpecProviderAwsService.SECRETS_MANAGER,
        region: this.region,
        role: props.role,
        auth: auth.spec,
      },
    });
  }

  /** One secret per key: `{ key: 'veza/production/jwt-secret' }`. */
  public remoteRef(remoteName: string): RemoteRef {
    return { key: `${this.namePrefix}${remoteName}` };
  }
}

function checkRoleArn(scope: Construct, field: string, value: string): void {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(value)) {
    throw new Error(`${where(scope)}: '${field}' must be an IAM role ARN such as arn:aws:iam::123456789012:role/name. The value passed is: ${JSON.stringify(value)}`);
  }
}
