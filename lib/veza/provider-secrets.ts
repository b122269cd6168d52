import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { AwsAuth, AwsSecretService, AwsSecretStore } from '../eso/aws-secret-store';
import { AzureAuth, AzureKeyVaultStore } from '../eso/azure-key-vault-store';
import { catalogData } from '../eso/catalog-secret';
import { ExternalSecret } from '../eso/external-secret';
import { GcpAuth, GcpSecretStore } from '../eso/gcp-secret-store';
import { where } from '../eso/names';
import { ISecretStore, SecretKeyReference } from '../eso/secret-store';
import { VaultAuth, VaultSecretStore } from '../eso/vault-secret-store';
import { DeploymentUnit } from '../output/deployment-unit';
import { ManifestFile } from '../output/files';
import { url } from '../rules';
import { VezaCatalog } from './catalog';
import { EnvironmentConfig, ProviderName, SecretKeyRefConfig } from './environment-file';
import { environmentLocationAllowed, namesEnvironment } from './isolation';
import { EnvironmentCluster, LAYOUT, SHARED_CLUSTER, STORE_NAMES, TARGET_SECRET } from './layout';
import { databaseEngineKeys, VezaDatabaseCredentials, VezaVaultIntegration } from './vault-integration';

const HTTPS_URL = url(true);

/** Props of {@link VezaProviderSecrets}. */
export interface VezaProviderSecretsProps {
  /** The provider whose store and ExternalSecret these are. */
  readonly provider: ProviderName;
  /** The environment: its provider settings, namespace, and the provider it applies. */
  readonly config: EnvironmentConfig;
  /** The secrets the ExternalSecret materializes. */
  readonly catalog: VezaCatalog;
  /**
   * The cluster the environment runs in: with a cluster of its own, a Vault store logs in at a
   * Kubernetes auth mount of its own, `kubernetes-<env>`, unless the file names one.
   * @default SHARED_CLUSTER - one cluster for every environment
   */
  readonly cluster?: EnvironmentCluster;
  /** Labels on every object. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * One provider's side of an environment, in the folder its DeploymentUnit writes (the applied
 * folder for the environment's provider, `alternatives/<env>/` for the others): Vault's CA
 * ConfigMap when the environment file gives the CA, the store, the ExternalSecret that creates
 * `veza-secrets` from it, and, for a Vault store with Kubernetes auth, the database credentials
 * its database engine keys are rendered from. It refuses a store that reads another environment's
 * location, and a Vault store reached without TLS outside development.
 *
 * @see https://external-secrets.io/latest/api/secretstore/
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class VezaProviderSecrets extends Construct {
  /** The provider. */
  public readonly provider: ProviderName;
  /** Its store: `vault-store`, `aws-store`, `gcp-store` or `azure-store`. */
  public readonly store: ISecretStore;
  /** Its ExternalSecret, which creates `veza-secrets`. */
  public readonly externalSecret: ExternalSecret;
  /** Whether this is the provider the applied folder uses. */
  public readonly active: boolean;
  /** The ConfigMap of Vault's CA (`vault-ca.yaml`), listed before the store it serves. @default - none: not Vault, or no CA in the file */
  public readonly vaultCa?: kplus.ConfigMap;
  /** The database engine's credentials the database keys are rendered from. @default - none: keys read from KV */
  public readonly databaseCredentials?: VezaDatabaseCredentials;
  private readonly config: EnvironmentConfig;
  private readonly catalog: VezaCatalog;
  private readonly cluster: EnvironmentCluster;
  private readonly labels?: Record<string, string>;

  public constructor(scope: Construct, id: string, props: VezaProviderSecretsProps) {
    super(scope, id);
    const { provider, config, catalog } = props;
    this.provider = provider;
    this.config = config;
    this.catalog = catalog;
    this.cluster = props.cluster ?? SHARED_CLUSTER;
    this.labels = props.labels;
    this.active = provider === config.provider;
    const folder = LAYOUT.providerFolder(config.name, provider, config.provider);
    const file = (fileId: string, filePath: string) => new ManifestFile(this, fileId, { path: `${folder}/${filePath}`, namespace: config.namespace, labels: props.labels });

    const ca = config.providers.vault.caCertificate;
    const caRef = config.providers.vault.caProvider;
    if (provider === 'vault' && ca && caRef) {
      this.vaultCa = new kplus.ConfigMap(file('vault-ca', LAYOUT.vaultCaFile), 'Resource', { metadata: { name: caRef.name }, data: { [caRef.key]: ca.pem } });
    }
    this.store = this.createStore(file(`${provider}-store`, LAYOUT.storeFile(provider)));
    const esFile = file(`${provider}-external-secret`, LAYOUT.externalSecretFile(provider));
    // Keys Vault's database engine rotates are rendered from its credentials, not read from KV.
    const engineKeys = databaseEngineKeys(this.store, catalog);
    this.externalSecret = new ExternalSecret(esFile, TARGET_SECRET, {
      store: this.store,
      targetName: TARGET_SECRET,
      refreshInterval: config.externalSecret.refreshInterval,
      creationPolicy: config.externalSecret.creationPolicy,
      deletionPolicy: config.externalSecret.deletionPolicy,
      // Generated keys and their <key>-previous: from the class's own KV secret where its rotation
      // job writes them (the active Vault store with Kubernetes auth), else beside the other keys.
      data: catalogData(catalog, this.store, {
        exclude: engineKeys,
        classSecrets: this.active && this.store instanceof VaultSecretStore && this.store.authMethod === 'kubernetes',
      }),
      targetLabels: props.labels,
    });
    if (this.store instanceof VaultSecretStore && engineKeys.length > 0) {
      this.databaseCredentials = new VezaDatabaseCredentials(esFile, 'DatabaseCredentials', { store: this.store, externalSecret: this.externalSecret, catalog, database: config.providers.vault.database, labels: props.labels });
    }
    this.checkStore();
  }

  /**
   * Both sides of Vault's Kubernetes auth for this store (`vault-integration.yaml` and `vault/`),
   * added to the store's DeploymentUnit, so they are applied with it; returns them, or `undefined`
   * when the store is not Vault's with Kubernetes auth (its Vault side is then not this project's).
   */
  public addVaultIntegration(): VezaVaultIntegration | undefined {
    const store = this.store;
    if (!(store instanceof VaultSecretStore) || store.authMethod !== 'kubernetes') return undefined;
    return new VezaVaultIntegration(DeploymentUnit.of(store), 'vault-integration', { store, config: this.config, catalog: this.catalog, cluster: this.cluster, labels: this.labels });
  }

  /** Guardrails: what the environment file cannot show on its own. */
  private checkStore(): void {
    const { store, config } = this;
    if (!namesEnvironment(store.location, config.name)) {
      throw new Error(`${where(store)}: 'location' is ${JSON.stringify(store.location)}; allowed: ${environmentLocationAllowed(config.name)}`);
    }
    if (config.production && store instanceof VaultSecretStore && HTTPS_URL.parse(store.server) === undefined) {
      throw new Error(`${where(store)}: 'server' is ${JSON.stringify(store.server)}; allowed: ${HTTPS_URL.allowed}`);
    }
  }

  /** The provider's store, as the environment file configures it, under its contract name. */
  private createStore(scope: Construct): ISecretStore {
    const { config: env, provider } = this;
    const name = STORE_NAMES[provider];
    switch (provider) {
      case 'vault': {
        const c = env.providers.vault;
        const auth = c.auth.method === 'kubernetes'
          ? VaultAuth.kubernetes({ role: c.auth.role, mountPath: vaultKubernetesMount(env, this.cluster), audience: c.auth.audience })
          : c.auth.method === 'jwt'
            ? VaultAuth.jwt({ role: c.auth.role, path: c.auth.mountPath, audience: c.auth.audience })
            : c.auth.method === 'approle'
              ? VaultAuth.appRole({ roleId: c.auth.roleId, secretId: ref(c.auth.secretId), path: c.auth.mountPath })
              : VaultAuth.token({ token: ref(c.auth.token) });
        // The CA ConfigMap this construct synthesizes, by reference; else the object the file names.
        const caProvider = this.vaultCa && c.caProvider ? { type: 'ConfigMap' as const, name: this.vaultCa.name, key: c.caProvider.key } : c.caProvider;
        return new VaultSecretStore(scope, name, { name, server: c.server, mount: c.mount, path: c.path, auth, caProvider });
      }
      case 'aws': {
        const c = env.providers.aws;
        const auth = c.auth.method === 'irsa'
          ? AwsAuth.serviceAccount({ roleArn: c.auth.roleArn })
          : AwsAuth.accessKeys({ accessKeyId: ref(c.auth.accessKeyId), secretAccessKey: ref(c.auth.secretAccessKey) });
        const service = c.service === 'ParameterStore' ? AwsSecretService.PARAMETER_STORE : AwsSecretService.SECRETS_MANAGER;
        return new AwsSecretStore(scope, name, { name, region: c.region, service, namePrefix: c.namePrefix, auth });
      }
      case 'gcp': {
        const c = env.providers.gcp;
        const auth = c.auth.method === 'workload-identity'
          ? GcpAuth.workloadIdentity({ gcpServiceAccount: c.auth.gcpServiceAccount })
          : GcpAuth.serviceAccountKey({ key: ref(c.auth.key) });
        return new GcpSecretStore(scope, name, { name, projectId: c.projectId, namePrefix: c.namePrefix, auth });
      }
      case 'azure': {
        const c = env.providers.azure;
        const auth = c.auth.method === 'workload-identity'
          ? AzureAuth.workloadIdentity({ clientId: c.auth.clientId })
          : c.auth.method === 'managed-identity'
            ? AzureAuth.managedIdentity({ identityId: c.auth.identityId })
            : AzureAuth.servicePrincipal({ clientId: ref(c.auth.clientId), clientSecret: ref(c.auth.clientSecret) });
        return new AzureKeyVaultStore(scope, name, { name, vaultUrl: c.vaultUrl, tenantId: c.tenantId, namePrefix: c.namePrefix, auth });
      }
    }
  }
}

function ref(config: SecretKeyRefConfig): SecretKeyReference {
  return { name: config.name, key: config.key };
}

/**
 * The Kubernetes auth mount of an environment's Vault store: as its file says, else `kubernetes`,
 * or `kubernetes-<env>` when it has a cluster of its own (a mount reviews the tokens of one cluster).
 */
function vaultKubernetesMount(env: EnvironmentConfig, cluster: EnvironmentCluster): string {
  const auth = env.providers.vault.auth;
  const given = auth.method === 'kubernetes' ? auth.mountPath : undefined;
  return given ?? (cluster.dedicated ? `kubernetes-${env.name}` : 'kubernetes');
}
