import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { AwsAuth, AwsSecretService, AwsSecretStore } from '../eso/aws-secret-store';
import { AzureAuth, AzureKeyVaultStore } from '../eso/azure-key-vault-store';
import { ExternalSecret } from '../eso/external-secret';
import { GcpAuth, GcpSecretStore } from '../eso/gcp-secret-store';
import { ISecretStore, SecretKeyReference } from '../eso/secret-store';
import { SecretTemplateFile } from '../eso/secret-template-file';
import { VaultKubernetesAuthIntegration } from '../eso/vault-kubernetes-auth-integration';
import { VaultAuth, VaultSecretStore } from '../eso/vault-secret-store';
import { where } from '../eso/names';
import { catalogData } from '../eso/catalog-secret';
import { RotationMethod } from '../eso/secret-catalog';
import { hasObjects, ManifestFile, manifestFilesOf, TextFile } from '../output/files';
import { DeploymentUnit, kustomization } from '../output/deployment-unit';
import { VezaCatalog } from './catalog';
import { EnvironmentReadme } from './environment-readme';
import { VezaConsumers } from './veza-consumers';
import { environmentLocationAllowed, namesEnvironment } from './isolation';
import { EnvironmentConfig, PROVIDERS, ProviderName, SecretKeyRefConfig } from './environment';
import { commonLabels, EnvironmentCluster, LAYOUT, SECRETS_EXAMPLE_FILE, SHARED_CLUSTER, STORE_NAMES, TARGET_SECRET } from './layout';
import { databaseEngineKeys, databaseRotationSection, VezaDatabaseCredentials, VezaVaultIntegration } from './vault-integration';
import { addVezaRotation } from './rotation';
import { SecretRotation } from '../eso/secret-rotation';
import { url } from '../rules';

const HTTPS_URL = url(true);

/** Props of {@link VezaEnvironment}. */
export interface VezaEnvironmentProps {
  /** The environment, as read from `environments/<name>.yaml`. */
  readonly config: EnvironmentConfig;
  /** The secrets to materialize. */
  readonly catalog: VezaCatalog;
  /**
   * The cluster it runs in (gitops.yaml's topology): with a cluster of its own, its Vault store
   * logs in at a Kubernetes auth mount of its own, `kubernetes-<env>`, unless the file names one.
   * @default SHARED_CLUSTER - one cluster for every environment
   */
  readonly cluster?: EnvironmentCluster;
}

/** One provider's store and ExternalSecret for an environment. */
export interface ProviderSecrets {
  /** The provider. */
  readonly provider: ProviderName;
  /** Its store: `vault-store`, `aws-store`, `gcp-store` or `azure-store`. */
  readonly store: ISecretStore;
  /** Its ExternalSecret, which creates `veza-secrets`. */
  readonly externalSecret: ExternalSecret;
  /** Whether this is the provider the applied folder uses. */
  readonly active: boolean;
}

/**
 * Everything of one environment: its namespace, the store and ExternalSecret of the provider it
 * uses (applied), and those of the three others (synthesized under the seed's file names in
 * `alternatives/`, applied by no GitOps path, so two ExternalSecrets never fight over
 * `veza-secrets`).
 *
 * @see https://external-secrets.io/latest/introduction/overview/
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class VezaEnvironment extends Construct {
  /** The environment, as read from `environments/<name>.yaml`. */
  public readonly config: EnvironmentConfig;
  /** The cluster it runs in. */
  public readonly cluster: EnvironmentCluster;
  /** The manifests GitOps applies for this environment. */
  public readonly applied: DeploymentUnit;
  /** The namespace `veza-<env>`. */
  public readonly namespace: kplus.Namespace;
  /** Every provider's store and ExternalSecret, the active one first. */
  public readonly providers: ProviderSecrets[];
  /** `dist/<env>/README.md`; others add runbook sections with `readme.addSection`. */
  public readonly readme: EnvironmentReadme;
  /** The services' accounts, `secrets-reader`, and the typed view workloads consume `veza-secrets` through. */
  public readonly consumers: VezaConsumers;
  /** The ConfigMap of Vault's CA (`vault-ca.yaml`), when the environment file gives the CA (`caFile`/`caBundle`). */
  public readonly vaultCa?: kplus.ConfigMap;
  /** Both sides of Vault's Kubernetes auth for the Vault store, when it uses Kubernetes auth. */
  public readonly vaultIntegration?: VaultKubernetesAuthIntegration;
  /** The files of {@link vaultIntegration}: `vault-integration.yaml`, `vault/configure-vault.sh` and the policies. */
  public readonly vaultIntegrationFiles?: VezaVaultIntegration;
  /** The rotation CronJobs (`<env>/secrets-rotation.yaml`), when the active provider is Vault. */
  public readonly rotation?: SecretRotation;

  public constructor(scope: Construct, id: string, props: VezaEnvironmentProps) {
    super(scope, id);
    const config = props.config;
    this.config = config;
    this.cluster = props.cluster ?? SHARED_CLUSTER;
    const labels = commonLabels(config.name);
    this.applied = new DeploymentUnit(this, 'Applied');

    const nsFile = new ManifestFile(this.applied, 'Namespace', { path: `${config.name}/${LAYOUT.namespaceFile}`, labels });
    this.namespace = new kplus.Namespace(nsFile, 'Resource', {
      metadata: {
        name: config.namespace,
        // Pod Security Standards: refuse any pod that is not 'restricted'.
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });

    const ordered = [config.provider, ...PROVIDERS.filter((p) => p !== config.provider)];
    let vaultCa: kplus.ConfigMap | undefined;
    this.providers = ordered.map((provider) => {
      const active = provider === config.provider;
      const unit = active ? this.applied : new DeploymentUnit(this, `Alternative-${provider}`);
      const folder = LAYOUT.providerFolder(config.name, provider, config.provider);
      // Vault's CA, given in the environment file: a ConfigMap listed before the store it serves.
      const ca = config.providers.vault.caCertificate;
      const caRef = config.providers.vault.caProvider;
      if (provider === 'vault' && ca && caRef) {
        const caFile = new ManifestFile(unit, 'vault-ca', { path: `${folder}/${LAYOUT.vaultCaFile}`, namespace: config.namespace, labels });
        vaultCa = new kplus.ConfigMap(caFile, 'Resource', { metadata: { name: caRef.name }, data: { [caRef.key]: ca.pem } });
      }
      const storeFile = new ManifestFile(unit, `${provider}-store`, { path: `${folder}/${LAYOUT.storeFile(provider)}`, namespace: config.namespace, labels });
      const store = createStore(storeFile, provider, config, this.cluster);
      const esFile = new ManifestFile(unit, `${provider}-external-secret`, { path: `${folder}/${LAYOUT.externalSecretFile(provider)}`, namespace: config.namespace, labels });
      // Keys Vault's database engine rotates are rendered from its credentials, not read from KV.
      const engineKeys = databaseEngineKeys(store, props.catalog);
      const externalSecret = new ExternalSecret(esFile, TARGET_SECRET, {
        store,
        targetName: TARGET_SECRET,
        refreshInterval: config.externalSecret.refreshInterval,
        creationPolicy: config.externalSecret.creationPolicy,
        deletionPolicy: config.externalSecret.deletionPolicy,
        // Generated keys and their <key>-previous: from the class's own KV secret where its rotation
        // job writes them (the active Vault store with Kubernetes auth), else beside the other keys.
        data: catalogData(props.catalog, store, {
          exclude: engineKeys,
          classSecrets: active && store instanceof VaultSecretStore && store.authMethod === 'kubernetes',
        }),
        targetLabels: labels,
      });
      if (store instanceof VaultSecretStore && engineKeys.length > 0) {
        new VezaDatabaseCredentials(esFile, 'DatabaseCredentials', { store, externalSecret, catalog: props.catalog, database: config.providers.vault.database, labels });
      }
      return { provider, store, externalSecret, active };
    });

    this.vaultCa = vaultCa;
    // Guardrails: what the environment file cannot show on its own.
    for (const { store } of this.providers) {
      if (!namesEnvironment(store.location, config.name)) {
        throw new Error(`${where(store)}: 'location' is ${JSON.stringify(store.location)}; allowed: ${environmentLocationAllowed(config.name)}`);
      }
      if (config.production && store instanceof VaultSecretStore && HTTPS_URL.parse(store.server) === undefined) {
        throw new Error(`${where(store)}: 'server' is ${JSON.stringify(store.server)}; allowed: ${HTTPS_URL.allowed}`);
      }
    }

    this.consumers = new VezaConsumers(this.applied, 'Consumers', {
      environment: config.name,
      namespace: config.namespace,
      catalog: props.catalog,
      externalSecret: this.active.externalSecret,
      labels,
    });

    // The seed's option 1 (plain Kubernetes Secrets, no ESO): a template, placeholders only.
    new SecretTemplateFile(this, 'SecretsExample', {
      path: `${config.name}/${SECRETS_EXAMPLE_FILE}`,
      catalog: props.catalog,
      secretName: TARGET_SECRET,
      namespace: config.namespace,
      labels,
      comment: secretsExampleComment(config),
    });
    // Vault's side of its Kubernetes auth, from the same store (docs/vault-integration.md).
    const vaultStore = this.providers.find((p) => p.store instanceof VaultSecretStore)?.store;
    if (vaultStore instanceof VaultSecretStore && vaultStore.authMethod === 'kubernetes') {
      this.vaultIntegrationFiles = new VezaVaultIntegration(DeploymentUnit.of(vaultStore), 'vault-integration', { store: vaultStore, config, catalog: props.catalog, cluster: this.cluster, labels });
      this.vaultIntegration = this.vaultIntegrationFiles.integration;
    }

    // docs/rotation.md: a daily job per automatically rotated class, granted by the Vault integration.
    this.rotation = addVezaRotation(this.applied, {
      config,
      catalog: props.catalog,
      externalSecret: this.active.externalSecret,
      vault: this.vaultIntegration,
      labels,
    });
    // Vault's policies as files, once the rotation jobs were granted theirs.
    this.vaultIntegrationFiles?.addPolicyFiles();

    // Kustomize (and Argo CD, Flux) apply exactly the files listed here, in this order.
    new TextFile(this, 'Kustomization', {
      path: `${config.name}/${LAYOUT.kustomizationFile}`,
      // Only files with objects: renderApp writes no file for an empty ManifestFile.
      content: () => kustomization(config.name, manifestFilesOf(this.applied).filter(hasObjects).map((f) => f.path)),
    });

    // dist/<env>/README.md: inventory, flow diagram and runbooks, rendered from the constructs above.
    this.readme = new EnvironmentReadme(this, 'Readme', { environment: this, catalog: props.catalog });
    // docs/rotation.md: each rotation job's runbook (rule, contract, rotate now, last run, roll back).
    for (const job of this.rotation?.rotations ?? []) this.readme.addSection(job.runbook());
    // Without a database rotation job: the runbook when Vault rotates the database password on its own.
    const databaseJob = this.rotation?.rotations.some((j) => j.rotationClass.method === RotationMethod.DATABASE_ENGINE);
    const databaseRotation = databaseJob ? undefined : databaseRotationSection(this.active.store, this.active.externalSecret, config, props.catalog);
    if (databaseRotation) this.readme.addSection(databaseRotation);
  }

  /** Whether `construct` is applied with this environment (in `dist/<env>/`, not `alternatives/`). */
  public isApplied(construct: Construct | undefined): boolean {
    return construct !== undefined && DeploymentUnit.of(construct) === this.applied;
  }

  /** The provider the applied folder uses. */
  public get active(): ProviderSecrets {
    return this.providers[0];
  }
}

function secretsExampleComment(config: EnvironmentConfig): string[] {
  return [
    `Template of the Secret ${TARGET_SECRET} of ${config.namespace}: the seed's "Option 1: Basic Kubernetes Secrets".`,
    'Generated by veza-secrets from lib/veza/catalog.ts: do not edit. Change the catalog and run `npm run synth`.',
    '',
    `Only where External Secrets Operator does not run: with ESO the ExternalSecret ${TARGET_SECRET} owns`,
    'this Secret and overwrites it. Placeholders only: this file never holds a value.',
    '',
    `  cp dist/${config.name}/${SECRETS_EXAMPLE_FILE} secrets.yaml    # secrets.yaml is ignored by .gitignore`,
    '  $EDITOR secrets.yaml                                    # replace every placeholder',
    '  kubectl apply --server-side -f secrets.yaml && rm secrets.yaml   # server-side: no last-applied annotation copying the values',
    '',
    'Never commit secrets.yaml.',
    '',
  ];
}

function ref(config: SecretKeyRefConfig): SecretKeyReference {
  return { name: config.name, key: config.key };
}

/**
 * The Kubernetes auth mount of an environment's Vault store: as its file says, else `kubernetes`,
 * or `kubernetes-<env>` when it has a cluster of its own (a mount reviews the tokens of one cluster).
 */
export function vaultKubernetesMount(env: EnvironmentConfig, cluster: EnvironmentCluster): string {
  const auth = env.providers.vault.auth;
  const given = auth.method === 'kubernetes' ? auth.mountPath : undefined;
  return given ?? (cluster.dedicated ? `kubernetes-${env.name}` : 'kubernetes');
}

function createStore(scope: Construct, provider: ProviderName, env: EnvironmentConfig, cluster: EnvironmentCluster): ISecretStore {
  const name = STORE_NAMES[provider];
  switch (provider) {
    case 'vault': {
      const c = env.providers.vault;
      const auth = c.auth.method === 'kubernetes'
        ? VaultAuth.kubernetes({ role: c.auth.role, mountPath: vaultKubernetesMount(env, cluster), audience: c.auth.audience })
        : c.auth.method === 'jwt'
          ? VaultAuth.jwt({ role: c.auth.role, path: c.auth.mountPath, audience: c.auth.audience })
          : c.auth.method === 'approle'
            ? VaultAuth.appRole({ roleId: c.auth.roleId, secretId: ref(c.auth.secretId), path: c.auth.mountPath })
            : VaultAuth.token({ token: ref(c.auth.token) });
      return new VaultSecretStore(scope, name, { name, server: c.server, mount: c.mount, path: c.path, auth, caProvider: c.caProvider });
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
