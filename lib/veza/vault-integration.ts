import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalSecret } from '../eso/external-secret';
import { where } from '../eso/names';
import { RotationMethod } from '../eso/secret-catalog';
import { VaultDynamicSecret } from '../eso/vault-dynamic-secret';
import { ISecretStore } from '../eso/secret-store';
import { VaultKubernetesAuthIntegration } from '../eso/vault-kubernetes-auth-integration';
import { VaultSecretStore } from '../eso/vault-secret-store';
import { ManifestFile, TextFile } from '../output/files';
import { VezaCatalog } from './catalog';
import { EnvironmentConfig } from './environment-file';
import { DATABASE_CREDENTIALS_GENERATOR, LAYOUT } from './layout';
import type { RunbookSection } from './runbook';
import type { VezaEnvironment } from './veza-environment';
import type { EnvironmentCluster } from './layout';

/**
 * How much longer than the catalog's interval Vault's own `rotation_period` is: the daily job
 * rotates the static role when due; Vault rotates on its own only if the job has not (a backstop).
 * @internal
 */
export const DATABASE_BACKSTOP_MARGIN = Duration.days(30);

/** The mount of Vault's database secrets engine. */
const DATABASE_MOUNT = 'database';

/**
 * The database engine's static role of an environment's app login: `<store role>-app` (`veza-production-app`).
 * @internal
 */
export function databaseStaticRole(store: VaultSecretStore): string {
  return `${store.kubernetesAuth?.role ?? store.authRole}-app`;
}

/**
 * The catalog's keys that Vault's database secrets engine rotates (the DATABASE_ENGINE classes),
 * when `store` can use the engine: a Vault store with Kubernetes auth, whose Vault side this
 * project writes. Empty otherwise: those keys are then read from KV like the others.
 * @internal
 */
export function databaseEngineKeys(store: unknown, catalog: VezaCatalog): string[] {
  if (!(store instanceof VaultSecretStore) || store.authMethod !== 'kubernetes') return [];
  return catalog.all.filter((e) => e.rotation.method === RotationMethod.DATABASE_ENGINE && e.rotation.interval !== undefined).map((e) => e.key);
}

/** Props of {@link VezaDatabaseCredentials}. */
export interface VezaDatabaseCredentialsProps {
  /** The Vault store the generator logs in as (Kubernetes auth: its role names the static role). */
  readonly store: VaultSecretStore;
  /** The ExternalSecret whose database engine keys are rendered from the generator. */
  readonly externalSecret: ExternalSecret;
  /** The catalog: which keys Vault's database engine rotates. */
  readonly catalog: VezaCatalog;
  /** The database as the pods reach it (`providers.vault.database` of the environment file). */
  readonly database: EnvironmentConfig['providers']['vault']['database'];
  /** Labels on the generator. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * Renders the database engine's keys of `veza-secrets` from the static role's current
 * credentials instead of KV: the generator `veza-database-credentials` (a GET of
 * `database/static-creds/<role>-app`, logged in as the store) is a source of the ExternalSecret,
 * and each key is templated as a PostgreSQL URL over its `username` and `password`. After Vault
 * rotates the password, the next refresh of the ExternalSecret writes the new URL. See
 * docs/vault-integration.md ("The database URL follows the rotation"). Create it only where
 * {@link databaseEngineKeys} finds keys: it refuses a store and catalog without any.
 *
 * @see https://external-secrets.io/latest/api/generator/vault/
 * @see https://developer.hashicorp.com/vault/docs/secrets/databases#static-roles
 */
export class VezaDatabaseCredentials extends Construct {
  /** The keys it renders (`database-url`). */
  public readonly keys: readonly string[];
  /** The VaultDynamicSecret, a source of the ExternalSecret: the child `'Resource'`. */
  public readonly generator: VaultDynamicSecret;

  public constructor(scope: Construct, id: string, props: VezaDatabaseCredentialsProps) {
    super(scope, id);
    const { store, externalSecret, database: db } = props;
    this.keys = databaseEngineKeys(store, props.catalog);
    if (this.keys.length === 0) {
      throw new Error(`${where(this)}: 'store' is ${JSON.stringify(store.storeName)}, which gives no key of the catalog from Vault's database engine; allowed: a Vault store with Kubernetes auth and a catalog with a DATABASE_ENGINE class that has an interval.`);
    }
    this.generator = new VaultDynamicSecret(this, 'Resource', {
      name: DATABASE_CREDENTIALS_GENERATOR,
      store,
      path: `${DATABASE_MOUNT}/static-creds/${databaseStaticRole(store)}`,
      outputKeys: ['username', 'password'],
      labels: props.labels,
    });
    externalSecret.addGeneratorSource(this.generator);
    for (const secretKey of this.keys) {
      externalSecret.addTemplatedKey({
        secretKey,
        // urlquery (Go's built-in) percent-encodes what a password policy may put there that a URL reserves.
        // The host as the pods reach it; Vault's own connection uses `host` (configure-vault.sh).
        template: `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${db.appHost}:${db.port}/${db.name}?sslmode=require`,
      });
    }
  }
}

/**
 * The README's runbook for the database engine's rotation of the active store's keys (`undefined`
 * when no key of `externalSecret` comes from the engine): when Vault rotated, rotate now, re-sync,
 * roll the consumers.
 * @internal
 */
export function databaseRotationSection(store: ISecretStore, externalSecret: ExternalSecret, config: EnvironmentConfig, catalog: VezaCatalog): RunbookSection | undefined {
  if (!(store instanceof VaultSecretStore)) return undefined;
  const keys = databaseEngineKeys(store, catalog).filter((k) => externalSecret.keys.some((e) => e.secretKey === k && e.template !== undefined));
  if (keys.length === 0) return undefined;
  const role = `${DATABASE_MOUNT}/static-roles/${databaseStaticRole(store)}`;
  const consumers = catalog.services.filter((s) => keys.some((k) => (catalog.entry(k as never).consumers as readonly string[]).includes(s)));
  const ns = config.namespace;
  return {
    title: 'Database password rotated by Vault',
    commands: [
      { why: 'When Vault last rotated the app login (last_vault_rotation) and its rotation_period; the role shows no password', command: `vault read ${role}` },
      { why: 'Rotate it now (optional: Vault does it on its own every rotation_period)', command: `vault write -f ${DATABASE_MOUNT}/rotate-role/${databaseStaticRole(store)}` },
      { why: `Re-read the credentials into ${keys.join(', ')} now instead of at the next refresh`, command: `kubectl annotate externalsecret ${externalSecret.name} force-sync=$(date +%s) --overwrite -n ${ns}` },
      ...consumers.map((c) => ({ why: `Roll ${c} onto the new URL (Stakater Reloader does it where installed)`, command: `kubectl rollout restart deployment/${c} -n ${ns}` })),
    ],
  };
}

/**
 * The README's first step when the active Vault store reads its CA from a ConfigMap or Secret
 * that this project does not synthesize (`caProvider` in the environment file, no `caFile` or
 * `caBundle`): apply the namespace, then create that object from the CA's PEM file. `undefined`
 * when the CA is synthesized (`vault-ca.yaml`), absent (system roots) or the store is not Vault's.
 * Names come from the objects: the namespace's file, the store's `caProvider`, who reads it.
 * @internal
 */
export function vaultCaSection(env: VezaEnvironment): RunbookSection | undefined {
  const store = env.active.store;
  if (!(store instanceof VaultSecretStore) || !store.caProvider) return undefined;
  const ca = store.caProvider;
  if (env.vaultCa && env.vaultCa.name === ca.name && ca.type === 'ConfigMap') return undefined;
  const ns = env.config.namespace;
  const readers = [
    `the SecretStore ${store.storeName}`,
    ...env.active.externalSecret.generatorSources.map((g) => `the ${g.generatorKind} ${g.generatorName}`),
    ...(env.rotation ? ['the rotation job (a volume: its pods wait for it)'] : []),
  ];
  const namespaceFile = (Chart.of(env.namespace) as ManifestFile).path;
  const kind = ca.type === 'ConfigMap' ? 'configmap' : 'secret generic';
  return {
    title: `First: Vault's CA (${ca.type} ${ca.name})`,
    commands: [
      { why: `The namespace first, with its Pod Security labels, so the ${ca.type} has somewhere to go`, command: `kubectl apply -f dist/${namespaceFile}` },
      {
        why: `${capitalize(readers.join(', '))} read ${ca.type} ${ca.name} (key ${ca.key}), which this project does not create: create it from vault-ca.crt, the PEM of the CA that signed the certificate of ${store.server} (public; or set providers.vault.caFile to have it synthesized)`,
        command: `kubectl create ${kind} ${ca.name} --from-file=${ca.key}=vault-ca.crt -n ${ns}`,
      },
    ],
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Props of {@link VezaVaultIntegration}. */
export interface VezaVaultIntegrationProps {
  /** The Vault store with Kubernetes auth whose both sides this writes. */
  readonly store: VaultSecretStore;
  /** The environment: its name, namespace, active provider (the folder) and database. */
  readonly config: EnvironmentConfig;
  /** The catalog: its DATABASE_ENGINE class says how often Vault rotates the app login. */
  readonly catalog: VezaCatalog;
  /** The cluster the environment runs in: environments of different clusters never share an auth mount. */
  readonly cluster: EnvironmentCluster;
  /** Labels on every object. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * Vault's Kubernetes auth method for an environment's Vault store, both sides from the store:
 * `vault-integration.yaml` (this file: applied with the store when Vault is the active provider,
 * under `alternatives/<env>/` otherwise) and `vault/` beside it, with `configure-vault.sh` and,
 * once every grant is made, one HCL file per policy ({@link addPolicyFiles}). Create it in the
 * store's DeploymentUnit. See docs/vault-integration.md.
 *
 * @see https://developer.hashicorp.com/vault/docs/auth/kubernetes
 */
export class VezaVaultIntegration extends ManifestFile {
  /** Both sides of the auth method: the child `'Resource'`. */
  public readonly integration: VaultKubernetesAuthIntegration;
  /** `vault/configure-vault.sh`, the script a Vault operator runs. */
  public readonly script: TextFile;
  private readonly vaultFolder: string;
  private readonly environment: string;

  public constructor(scope: Construct, id: string, props: VezaVaultIntegrationProps) {
    const { store, config, catalog, cluster } = props;
    const folder = LAYOUT.providerFolder(config.name, 'vault', config.provider);
    super(scope, id, { path: `${folder}/${LAYOUT.vaultIntegrationFile}`, namespace: config.namespace, labels: props.labels });
    this.environment = config.name;
    this.vaultFolder = `${folder}/${LAYOUT.vaultFolder}`;
    const database = catalog.rotationClasses.find((c) => c.method === RotationMethod.DATABASE_ENGINE);
    const db = config.providers.vault.database;
    const integration = new VaultKubernetesAuthIntegration(this, 'Resource', {
      store,
      // Environments of different clusters must not share an auth mount (the integration checks it).
      cluster: cluster.name,
      // The rotation job (secrets-rotation.yaml) is granted its Vault role by grantRotation, only when it exists.
      // The catalog's database-credential class says how often; the job asks Vault's engine when due,
      // and Vault's own rotation_period (interval + 30 days) is a backstop.
      database: database?.interval && {
        host: db.host,
        port: db.port,
        database: db.name,
        username: db.username,
        staticUsername: db.appUsername,
        rotationPeriod: Duration.days(database.interval.toDays() + DATABASE_BACKSTOP_MARGIN.toDays()),
        mount: DATABASE_MOUNT,
        staticRoleName: databaseStaticRole(store),
      },
    });
    this.integration = integration;
    this.script = new TextFile(this, 'ConfigureVault', {
      path: `${this.vaultFolder}/${LAYOUT.vaultScriptFile}`,
      executable: true,
      content: () => integration.configureScript({
        header: `${generatedHeader(config.name)}\nRun: dist/${this.script.path}${integration.database ? ` (first run: ${integration.database.passwordVariable}=... too)` : ''}; docs/vault-integration.md`,
      }),
    });
  }

  /**
   * One HCL file per policy of the integration, beside its `configure-vault.sh`. Call it once every
   * grant is made (the rotation jobs' policies exist only once `grantRotation` ran); returns the files.
   */
  public addPolicyFiles(): TextFile[] {
    return this.integration.policies.map((policy) => new TextFile(this, `Policy-${policy.name}`, {
      path: `${this.vaultFolder}/${policy.fileName}`,
      content: () => `# ${generatedHeader(this.environment)}\n${policy.toHcl()}`,
    }));
  }
}

function generatedHeader(env: string): string {
  return `Generated by veza-secrets from environments/${env}.yaml: do not edit. Change the source and run \`npm run synth\`.`;
}
