import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalSecret } from '../eso/external-secret';
import { DeploymentUnit } from '../output/deployment-unit';
import { RotationMethod } from '../eso/secret-catalog';
import { VaultDynamicSecret } from '../eso/vault-dynamic-secret';
import { ISecretStore } from '../eso/secret-store';
import { VaultKubernetesAuthIntegration } from '../eso/vault-kubernetes-auth-integration';
import { VaultSecretStore } from '../eso/vault-secret-store';
import { ManifestFile, TextFile } from '../output/files';
import { VezaCatalog } from './catalog';
import { EnvironmentConfig } from './environment';
import { LAYOUT } from './layout';
import type { RunbookSection } from './runbook';
import type { VezaEnvironment } from './veza-environment';
import type { EnvironmentCluster } from './layout';

/**
 * How much longer than the catalog's interval Vault's own `rotation_period` is: the daily job
 * rotates the static role when due; Vault rotates on its own only if the job has not (a backstop).
 */
export const DATABASE_BACKSTOP_MARGIN = Duration.days(30);

/** The VaultDynamicSecret that reads the app login's current credentials, next to `veza-secrets`. */
export const DATABASE_CREDENTIALS_GENERATOR = 'veza-database-credentials';

/** The mount of Vault's database secrets engine. */
const DATABASE_MOUNT = 'database';

/** The database engine's static role of an environment's app login: `<store role>-app` (`veza-production-app`). */
export function databaseStaticRole(store: VaultSecretStore): string {
  return `${store.authRole}-app`;
}

/**
 * The catalog's keys that Vault's database secrets engine rotates (the DATABASE_ENGINE classes),
 * when `store` can use the engine: a Vault store with Kubernetes auth, whose Vault side this
 * project writes. Empty otherwise: those keys are then read from KV like the others.
 */
export function databaseEngineKeys(store: unknown, catalog: VezaCatalog): string[] {
  if (!(store instanceof VaultSecretStore) || store.authMethod !== 'kubernetes') return [];
  return catalog.all.filter((e) => e.rotation.method === RotationMethod.DATABASE_ENGINE && e.rotation.interval !== undefined).map((e) => e.key);
}

/**
 * Renders the database engine's keys of `veza-secrets` from the static role's current
 * credentials instead of KV: the generator `veza-database-credentials` (a GET of
 * `database/static-creds/<role>-app`, logged in as the store) is a source of the ExternalSecret,
 * and each key is templated as a PostgreSQL URL over its `username` and `password`. After Vault
 * rotates the password, the next refresh of the ExternalSecret writes the new URL. See
 * docs/vault-integration.md ("The database URL follows the rotation").
 */
export function addDatabaseCredentials(scope: Construct, store: VaultSecretStore, externalSecret: ExternalSecret, config: EnvironmentConfig, catalog: VezaCatalog, labels: Record<string, string>): VaultDynamicSecret | undefined {
  const keys = databaseEngineKeys(store, catalog);
  if (keys.length === 0) return undefined;
  const db = config.providers.vault.database;
  const generator = new VaultDynamicSecret(scope, DATABASE_CREDENTIALS_GENERATOR, {
    store,
    path: `${DATABASE_MOUNT}/static-creds/${databaseStaticRole(store)}`,
    outputKeys: ['username', 'password'],
    labels,
  });
  externalSecret.addGeneratorSource(generator);
  for (const secretKey of keys) {
    externalSecret.addTemplatedKey({
      secretKey,
      // urlquery (Go's built-in) percent-encodes what a password policy may put there that a URL reserves.
      // The host as the pods reach it; Vault's own connection uses `host` (configure-vault.sh).
      template: `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${db.appHost}:${db.port}/${db.name}?sslmode=require`,
    });
  }
  return generator;
}

/**
 * The README's runbook for the database engine's rotation of the active store's keys (`undefined`
 * when no key of `externalSecret` comes from the engine): when Vault rotated, rotate now, re-sync,
 * roll the consumers.
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

/**
 * Vault's Kubernetes auth method for an environment's Vault store, both sides from the store:
 * `vault-integration.yaml` next to the store (applied with it when Vault is the active provider,
 * under `alternatives/<env>/` otherwise) and `vault/` beside it, with one HCL file per policy and
 * `configure-vault.sh`. See docs/vault-integration.md.
 */
export function addVaultIntegration(store: VaultSecretStore, config: EnvironmentConfig, catalog: VezaCatalog, labels: Record<string, string>, cluster: EnvironmentCluster): VaultKubernetesAuthIntegration {
  const unit = DeploymentUnit.of(store);
  const folder = LAYOUT.providerFolder(config.name, 'vault', config.provider);
  const file = new ManifestFile(unit, 'vault-integration', { path: `${folder}/${LAYOUT.vaultIntegrationFile}`, namespace: config.namespace, labels });
  const database = catalog.rotationClasses.find((c) => c.method === RotationMethod.DATABASE_ENGINE);
  const db = config.providers.vault.database;
  const integration = new VaultKubernetesAuthIntegration(file, 'Resource', {
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
  const vaultFolder = `${folder}/${LAYOUT.vaultFolder}`;
  new TextFile(file, 'ConfigureVault', {
    path: `${vaultFolder}/${LAYOUT.vaultScriptFile}`,
    executable: true,
    content: () => integration.configureScript({
      header: `Generated by veza-secrets from environments/${config.name}.yaml: do not edit. Change the source and run \`npm run synth\`.\nRun: dist/${vaultFolder}/${LAYOUT.vaultScriptFile}${integration.database ? ` (first run: ${integration.database.passwordVariable}=... too)` : ''}; docs/vault-integration.md`,
    }),
  });
  return integration;
}

/**
 * One HCL file per policy of `integration`, beside its `configure-vault.sh`. Called once every
 * grant is made (the rotation jobs' policies exist only once `grantRotation` ran).
 */
export function addVaultPolicyFiles(integration: VaultKubernetesAuthIntegration, config: EnvironmentConfig): TextFile[] {
  const vaultFolder = `${LAYOUT.providerFolder(config.name, 'vault', config.provider)}/${LAYOUT.vaultFolder}`;
  const file = integration.node.scope!;
  return integration.policies.map((policy) => new TextFile(file, `Policy-${policy.name}`, {
    path: `${vaultFolder}/${policy.fileName}`,
    content: () => `# Generated by veza-secrets from environments/${config.name}.yaml: do not edit. Change the source and run \`npm run synth\`.\n${policy.toHcl()}`,
  }));
}
