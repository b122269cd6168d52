/**
 * The corpus of broken inputs: every way a person can get an environment file or a construct's
 * props wrong that we know of, each with the exact one-line message it gets. A message names the
 * file or construct path, the field, the value given and what is allowed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import { AwsSecretStore, AzureKeyVaultStore, CreationPolicy, DeletionPolicy, DeploymentUnit, ExternalSecret, renderApp, RotationMethod, SecretCatalog, SynthError, VaultSecretStore } from '../lib';
import { ConfigError } from '../lib/config/field-reader';
import { EnvironmentConfig, loadEnvironment, parseEnvironment, VEZA_CATALOG, VezaEnvironment } from '../lib/veza';

const root = path.join(__dirname, '..');

/** Deep-merges `patch` into `base`: mappings merge, `~` (null) removes a field, anything else replaces. */
function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

function committed(env: string): unknown {
  return yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8'));
}

/** The messages of parsing the committed environment file of `env` with `patch` (YAML text) applied. */
function environmentErrors(env: string, patch: string): string[] {
  const file = `environments/${env}.yaml`;
  try {
    parseEnvironment(merge(committed(env), yaml.load(patch)), file);
  } catch (e) {
    if (e instanceof ConfigError) return e.messages;
    throw e;
  }
  return [];
}

const P = 'environments/production.yaml';
const D = 'environments/development.yaml';
const S = 'environments/staging.yaml';

// [case, environment, YAML merged into the committed file, exact messages]
const ENVIRONMENT_CASES: [string, string, string, string[]][] = [
  ['missing name', 'production', 'name: ~', [`${P}: 'name' is missing; allowed: the file's own name, "production"`]],
  ['name of another file', 'production', 'name: staging', [`${P}: 'name' is "staging"; allowed: the file's own name, "production"`]],
  ['unknown top-level field', 'production', 'replicas: 3', [`${P}: 'replicas' is not a known field; allowed: name, namespace, tier, provider, externalSecret, rotation, providers`]],
  ['misspelt nested field', 'production', 'externalSecret: { refreshIntervall: 2h }', [`${P}: 'externalSecret.refreshIntervall' is not a known field; allowed: refreshInterval, creationPolicy, deletionPolicy`]],
  ['unknown provider', 'production', 'provider: hashicorp', [`${P}: 'provider' is "hashicorp"; allowed: vault, aws, gcp, azure`]],
  ['missing provider', 'production', 'provider: ~', [`${P}: 'provider' is missing; allowed: vault, aws, gcp, azure`]],
  ['namespace not a DNS label', 'production', 'namespace: Veza_Production', [`${P}: 'namespace' is "Veza_Production"; allowed: a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`]],
  ['namespace over 63 characters', 'production', `namespace: veza-production-${'x'.repeat(48)}`, [`${P}: 'namespace' is "veza-production-${'x'.repeat(48)}"; allowed: a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`]],
  ["another environment's namespace", 'production', 'namespace: veza-staging', [`${P}: 'namespace' is "veza-staging"; allowed: a namespace of this environment, holding "production" such as "veza-production"`]],
  ['refreshInterval of the wrong type', 'production', 'externalSecret: { refreshInterval: 5 }', [`${P}: 'externalSecret.refreshInterval' is 5 (a number); allowed: a Go duration above 0 such as 30s, 15m, 1h or 1h30m`]],
  ['refreshInterval in words', 'production', 'externalSecret: { refreshInterval: 1 hour }', [`${P}: 'externalSecret.refreshInterval' is "1 hour"; allowed: a Go duration above 0 such as 30s, 15m, 1h or 1h30m`]],
  ['refreshInterval in days', 'production', 'externalSecret: { refreshInterval: 1d }', [`${P}: 'externalSecret.refreshInterval' is "1d"; allowed: a Go duration above 0 such as 30s, 15m, 1h or 1h30m`]],
  ['refreshInterval 0', 'production', 'externalSecret: { refreshInterval: 0s }', [`${P}: 'externalSecret.refreshInterval' is "0s"; allowed: a Go duration above 0 such as 30s, 15m, 1h or 1h30m`]],
  ['refreshInterval missing', 'production', 'externalSecret: { refreshInterval: ~ }', [`${P}: 'externalSecret.refreshInterval' is missing; allowed: a Go duration above 0 such as 30s, 15m, 1h or 1h30m`]],
  ['externalSecret a list', 'production', 'externalSecret: [1h]', [`${P}: 'externalSecret' is the list ["1h"]; allowed: a mapping of fields`]],
  ['unknown creationPolicy', 'development', 'externalSecret: { creationPolicy: Own }', [`${D}: 'externalSecret.creationPolicy' is "Own"; allowed: Owner, Orphan, Merge, CreateOrMerge, None`]],
  ['unknown deletionPolicy', 'production', 'externalSecret: { deletionPolicy: Keep }', [`${P}: 'externalSecret.deletionPolicy' is "Keep"; allowed: Retain, Delete, Merge`]],
  ['production deletes the live Secret', 'production', 'externalSecret: { deletionPolicy: Delete }', [`${P}: 'externalSecret.deletionPolicy' is "Delete"; allowed: Retain outside development (the live Secret must never be dropped because a provider entry went missing)`]],
  ['staging owns the live Secret', 'staging', 'externalSecret: { creationPolicy: Owner }', [`${S}: 'externalSecret.creationPolicy' is "Owner"; allowed: Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)`]],
  ['Delete with Merge', 'development', 'externalSecret: { creationPolicy: Merge }', [`${D}: 'externalSecret.creationPolicy' is "Merge"; allowed: Owner or Orphan with deletionPolicy Delete (ESO rejects the others)`]],
  ['providers missing', 'production', 'providers: ~', [`${P}: 'providers' is missing; allowed: a mapping of fields`]],
  ['a provider of the wrong type', 'production', 'providers: { vault: "https://vault:8200" }', [`${P}: 'providers.vault' is "https://vault:8200"; allowed: a mapping of fields`]],
  ['Vault without TLS outside development', 'production', 'providers: { vault: { server: "http://vault.veza.internal:8200" } }', [`${P}: 'providers.vault.server' is "http://vault.veza.internal:8200"; allowed: an https:// URL (TLS is required outside development)`]],
  ['Vault address not a URL', 'staging', 'providers: { vault: { server: "vault:8200" } }', [`${S}: 'providers.vault.server' is "vault:8200"; allowed: an https:// URL (TLS is required outside development)`]],
  ['Vault address of another scheme in development', 'development', 'providers: { vault: { server: "ftp://vault:8200" } }', [`${D}: 'providers.vault.server' is "ftp://vault:8200"; allowed: an http:// or https:// URL`]],
  ["Vault path of another environment", 'staging', 'providers: { vault: { path: veza/production } }', [`${S}: 'providers.vault.path' is "veza/production"; allowed: this environment's own path, "veza/staging" (a store must not read another environment's secrets)`]],
  ["Vault role of another environment", 'staging', 'providers: { vault: { auth: { role: veza-production } } }', [`${S}: 'providers.vault.auth.role' is "veza-production"; allowed: this environment's own role, "veza-staging" (a role per environment)`]],
  ['unknown Vault auth method', 'production', 'providers: { vault: { auth: { method: ldap, role: ~, mountPath: ~, audience: ~ } } }', [`${P}: 'providers.vault.auth.method' is "ldap"; allowed: kubernetes, jwt, approle, token`]],
  ['misspelt Vault field', 'production', 'providers: { vault: { sever: "https://vault:8200" } }', [`${P}: 'providers.vault.sever' is not a known field; allowed: server, mount, path, auth, caProvider, caFile, caBundle, database`]],
  ['token auth without its Secret', 'production', 'providers: { vault: { auth: { method: token, role: ~, mountPath: ~, audience: ~ } } }', [`${P}: 'providers.vault.auth.token' is missing; allowed: a mapping with name and key of a Kubernetes Secret`]],
  ['a key that is not a Secret data key', 'production', 'providers: { vault: { auth: { method: token, role: ~, mountPath: ~, audience: ~, token: { name: vault-token, key: "vault token" } } } }', [`${P}: 'providers.vault.auth.token.key' is "vault token"; allowed: a Secret data key (letters, digits, '-', '_' and '.')`]],
  ['a Secret name that is not a DNS subdomain', 'production', 'providers: { vault: { auth: { method: token, role: ~, mountPath: ~, audience: ~, token: { name: Vault_Token, key: token } } } }', [`${P}: 'providers.vault.auth.token.name' is "Vault_Token"; allowed: a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)`]],
  ['unknown CA provider type', 'production', 'providers: { vault: { caProvider: { type: File } } }', [`${P}: 'providers.vault.caProvider.type' is "File"; allowed: Secret, ConfigMap`]],
  ['AWS region not a region', 'production', 'providers: { aws: { region: europe } }', [`${P}: 'providers.aws.region' is "europe"; allowed: an AWS region such as eu-west-3`]],
  ['unknown AWS service', 'production', 'providers: { aws: { service: KMS } }', [`${P}: 'providers.aws.service' is "KMS"; allowed: SecretsManager, ParameterStore`]],
  ["AWS prefix of another environment", 'production', 'providers: { aws: { namePrefix: veza/staging/ } }', [`${P}: 'providers.aws.namePrefix' is "veza/staging/"; allowed: this environment's own prefix, "veza/production/"`]],
  ["IAM role of another environment", 'production', 'providers: { aws: { auth: { roleArn: "arn:aws:iam::222222222222:role/veza-staging-external-secrets" } } }', [`${P}: 'providers.aws.auth.roleArn' is "arn:aws:iam::222222222222:role/veza-staging-external-secrets"; allowed: a role of this environment, its name holding "production" such as arn:aws:iam::123456789012:role/veza-production-external-secrets`]],
  ['IAM role ARN malformed', 'production', 'providers: { aws: { auth: { roleArn: "veza-production-external-secrets" } } }', [`${P}: 'providers.aws.auth.roleArn' is "veza-production-external-secrets"; allowed: an IAM role ARN such as arn:aws:iam::123456789012:role/name`]],
  ["GCP project of another environment", 'production', 'providers: { gcp: { projectId: veza-staging, auth: { gcpServiceAccount: ~ } } }', [`${P}: 'providers.gcp.projectId' is "veza-staging"; allowed: a Google Cloud project ID of this environment (6 to 30 lower-case letters, digits and '-', containing "production")`]],
  ['GCP project ID not an ID', 'production', 'providers: { gcp: { projectId: Veza } }', [`${P}: 'providers.gcp.projectId' is "Veza"; allowed: a Google Cloud project ID of this environment (6 to 30 lower-case letters, digits and '-', containing "production")`]],
  ["GCP service account of another project", 'production', 'providers: { gcp: { auth: { gcpServiceAccount: external-secrets@veza-staging.iam.gserviceaccount.com } } }', [`${P}: 'providers.gcp.auth.gcpServiceAccount' is "external-secrets@veza-staging.iam.gserviceaccount.com"; allowed: an account of this environment's project, name@veza-production.iam.gserviceaccount.com`]],
  ["Key Vault of another environment", 'production', 'providers: { azure: { vaultUrl: "https://veza-staging.vault.azure.net" } }', [`${P}: 'providers.azure.vaultUrl' is "https://veza-staging.vault.azure.net"; allowed: a Key Vault of this environment, its name holding "production" such as https://veza-production.vault.azure.net (a store must not read another environment's secrets)`]],
  ['Key Vault URL without TLS', 'development', 'providers: { azure: { vaultUrl: "http://veza-development.vault.azure.net" } }', [`${D}: 'providers.azure.vaultUrl' is "http://veza-development.vault.azure.net"; allowed: a Key Vault URL such as https://veza-production.vault.azure.net`]],
  ['service principal without a tenant', 'production', 'providers: { azure: { tenantId: ~, auth: { method: service-principal, clientId: { name: azure-sp, key: client-id }, clientSecret: { name: azure-sp, key: client-secret } } } }', [`${P}: 'providers.azure.tenantId' is missing; allowed: a GUID: service-principal auth needs the tenant`]],
  ['workload identity without its client ID', 'production', 'providers: { azure: { auth: { clientId: ~ } } }', [`${P}: 'providers.azure.auth.clientId' is missing; allowed: a GUID: the client ID of the identity the service account federates with (ESO: "missing clientID" without it)`]],
  ['workload identity without a tenant', 'production', 'providers: { azure: { tenantId: ~ } }', [`${P}: 'providers.azure.tenantId' is missing; allowed: a GUID: workload-identity auth needs the tenant`]],
  ['tenant not a GUID', 'production', 'providers: { azure: { tenantId: my-tenant } }', [`${P}: 'providers.azure.tenantId' is "my-tenant"; allowed: a GUID such as 00000000-0000-0000-0000-000000000000`]],
  ['every problem of a file at once', 'production', 'provider: consul\nexternalSecret: { refreshInterval: soon }', [
    `${P}: 'provider' is "consul"; allowed: vault, aws, gcp, azure`,
    `${P}: 'externalSecret.refreshInterval' is "soon"; allowed: a Go duration above 0 such as 30s, 15m, 1h or 1h30m`,
  ]],
];

// [case, whole file text, exact messages]
const DOCUMENT_CASES: [string, string, string[]][] = [
  ['an empty file', '', [`${P}: not readable YAML: expected a document, but the input is empty`]],
  ['a list instead of a mapping', '- name: production', [`${P}: the file must hold a mapping of fields; it holds the list [{\"name\":\"production\"}]`]],
  ['a plain word', 'production', [`${P}: the file must hold a mapping of fields; it holds "production"`]],
  ['a tab for indentation', 'name: production\nproviders:\n\tvault: {}', [`${P}: not readable YAML: tab characters must not be used in indentation (3:1)`]],
];

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-corpus-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The messages of loading a file holding `text`, as the synth does. */
function fileErrors(text: string): string[] {
  const file = path.join(tmp, 'production.yaml');
  fs.writeFileSync(file, text);
  try {
    loadEnvironment(file, P);
  } catch (e) {
    if (e instanceof ConfigError) return e.messages;
    throw e;
  }
  return [];
}

describe('environment files', () => {
  test.each(ENVIRONMENT_CASES)('%s (%s)', (_case, env, patch, expected) => {
    expect(environmentErrors(env, patch)).toEqual(expected);
  });
  test.each(DOCUMENT_CASES)('%s', (_case, text, expected) => {
    expect(fileErrors(text)).toEqual(expected);
  });
  test('the committed files pass', () => {
    for (const env of ['development', 'staging', 'production']) expect(environmentErrors(env, '{}')).toEqual([]);
  });
});

/** A chart of namespace veza-production with a Vault store in it. */
function chartWithStore(app = new App()) {
  const chart = new Chart(app, 'production', { namespace: 'veza-production' });
  const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault:8200', path: 'veza/production' });
  return { app, chart, store };
}

function thrown(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SynthError || e instanceof ConfigError) return e.messages;
    if (e instanceof Error) return [e.message];
  }
  return [];
}

function envConfig(env: string, patch: string): EnvironmentConfig {
  return parseEnvironment(merge(committed(env), yaml.load(patch)), `environments/${env}.yaml`);
}

const signing = { name: 'signing-secret', method: RotationMethod.GENERATE, interval: Duration.days(90), schedule: '0 3 1 1,4,7,10 *', description: 'd' };
const catalogWith = (rotation: object, key = 'jwt-secret', extra: object = {}) => () => SecretCatalog.define({
  services: ['api'],
  secrets: { [key]: { description: 'd', placeholder: 'p', consumers: ['api'], rotation }, ...extra },
} as any);

// [case, what is built, exact messages]
const CONSTRUCT_CASES: [string, () => unknown, string[]][] = [
  ['secretKey not a Secret data key', () => new ExternalSecret(chartWithStore().chart, 'veza-secrets', { store: chartWithStore().store, data: [{ secretKey: 'jwt secret' }] }),
    [`[production/veza-secrets]: 'secretKey' must be a Secret data key (letters, digits, '-', '_' and '.'). The value passed is: "jwt secret"`]],
  ['a key read twice', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }, { secretKey: 'jwt-secret', remoteName: 'jwt' }] });
  }, [`[production/veza-secrets]: 'secretKey' "jwt-secret" is already read by this ExternalSecret (ESO's webhook rejects duplicate keys).`]],
  ['target Secret name not a DNS subdomain', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'es', { store, targetName: 'Veza_Secrets' });
  }, [`[production/es]: 'targetName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: "Veza_Secrets"`]],
  ['refreshInterval 0', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store, refreshInterval: Duration.seconds(0) });
  }, [`[production/veza-secrets]: 'refreshInterval' must be a whole number of seconds above 0 (with 0 ESO never refreshes and force-sync does nothing). The value passed is: 0s`]],
  ['refreshInterval of a fraction of a second', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store, refreshInterval: Duration.millis(1500) });
  }, [`[production/veza-secrets]: 'refreshInterval' must be a whole number of seconds above 0 (with 0 ESO never refreshes and force-sync does nothing). The value passed is: 1.5s`]],
  ['deletionPolicy Delete with creationPolicy Merge', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store, deletionPolicy: DeletionPolicy.DELETE, creationPolicy: CreationPolicy.MERGE });
  }, [`[production/veza-secrets]: 'deletionPolicy' Delete requires 'creationPolicy' Owner or Orphan (ESO's webhook rejects it). The value passed is: creationPolicy Merge`]],
  ["a store of another namespace", () => {
    const { app, store } = chartWithStore();
    new ExternalSecret(new Chart(app, 'staging', { namespace: 'veza-staging' }), 'veza-secrets', { store });
  }, [`[staging/veza-secrets]: 'store' vault-store is a SecretStore of namespace "veza-production"; an ExternalSecret in "veza-staging" cannot use it. Put both in one namespace or use a ClusterSecretStore.`]],
  ['an ExternalSecret without keys', () => {
    const { app, chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store });
    renderApp(app);
  }, [`[production/veza-secrets]: an ExternalSecret needs at least one key (ESO's webhook rejects one without data); call addData().`]],
  ['two owners of one target Secret', () => {
    const { app, chart, store } = chartWithStore();
    const unit = new DeploymentUnit(chart, 'Applied');
    new ExternalSecret(unit, 'from-vault', { store, targetName: 'veza-secrets', data: [{ secretKey: 'jwt-secret' }] });
    new ExternalSecret(unit, 'from-vault-again', { store, targetName: 'veza-secrets', data: [{ secretKey: 'jwt-secret' }] });
    renderApp(app);
  }, [`[production/Applied/from-vault]: the Secret "veza-secrets" in namespace "veza-production" has 2 owning ExternalSecrets (production/Applied/from-vault, production/Applied/from-vault-again); exactly one may create it, the others must use creationPolicy Merge.`]],
  ['a label key that is not one', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store, labels: { 'veza io/team': 'platform' } });
  }, [`[production/veza-secrets]: 'labels' has the key "veza io/team"; allowed: a label key, an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit`]],
  ['a label value over 63 characters', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 's', server: 'https://vault:8200', path: 'veza/production', labels: { team: 'p'.repeat(64) } }),
    [`[production/s]: 'labels.team' is "${'p'.repeat(64)}"; allowed: a label value, at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or empty`]],
  ['a store name that is not a DNS subdomain', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 'Vault_Store', server: 'https://vault:8200', path: 'veza/production' }),
    [`[production/s]: 'name' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: "Vault_Store"`]],
  ['a Vault address that is not a URL', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 's', server: 'vault:8200 ', path: 'veza/production' }),
    [`[production/s]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: "vault:8200 "`]],
  ['an AWS region that is not one', () => new AwsSecretStore(chartWithStore().chart, 'aws-store', { region: 'paris' }),
    [`[production/aws-store]: 'region' must be an AWS region such as eu-west-3. The value passed is: "paris"`]],
  ['a Key Vault URL that is not one', () => new AzureKeyVaultStore(chartWithStore().chart, 'azure-store', { vaultUrl: 'https://veza.example.com' }),
    [`[production/azure-store]: 'vaultUrl' must be a Key Vault URL such as https://my-vault.vault.azure.net. The value passed is: "https://veza.example.com"`]],
  ["an environment whose store reads another environment's path", () => {
    const config = envConfig('staging', '{}');
    new VezaEnvironment(new App(), 'staging', { catalog: VEZA_CATALOG, config: { ...config, providers: { ...config.providers, vault: { ...config.providers.vault, path: 'veza/production' } } } });
  }, [`[staging/Applied/vault-store/vault-store]: 'location' is "secret/veza/production"; allowed: a location of environment "staging" (a store must not read another environment's secrets)`]],
  ['a production environment reaching Vault without TLS', () => {
    const config = envConfig('production', '{}');
    new VezaEnvironment(new App(), 'production', { catalog: VEZA_CATALOG, config: { ...config, providers: { ...config.providers, vault: { ...config.providers.vault, server: 'http://vault:8200' } } } });
  }, [`[production/Applied/vault-store/vault-store]: 'server' is "http://vault:8200"; allowed: an https:// URL (TLS is required outside development)`]],
  ['a CronJob name over 52 characters', () => {
    const long = `${'x'.repeat(36)}`;
    const catalog = SecretCatalog.define({ services: ['veza-backend-api', 'veza-stream-server'], secrets: { 'jwt-secret': { description: 'd', placeholder: 'p', consumers: ['veza-backend-api'], rotation: { ...signing, name: long } } } });
    new VezaEnvironment(new App(), 'production', { catalog: catalog as any, config: envConfig('production', '{}') });
  }, [`[production/Applied/SecretsRotation/secrets-rotation/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]: 'name' must be a CronJob name (a DNS label of at most 52 characters: its Jobs add 11). The value passed is: "secrets-rotation-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" (53 characters)`]],
  ['a catalog key that is not a Secret data key', catalogWith(signing, 'jwt secret'),
    [`SecretCatalog: 'secrets.jwt secret' must be a Secret data key (letters, digits, '-', '_' and '.'). The value passed is: "jwt secret"`]],
  ['two catalog keys with one name in the providers', catalogWith(signing, 'jwt-secret', { 'jwt_secret': { description: 'd', placeholder: 'p', consumers: ['api'], rotation: signing, remoteName: 'jwt-secret' } }),
    [`SecretCatalog: 'secrets.jwt_secret.remoteName' "jwt-secret" is already the remote name of "jwt-secret"; each key needs its own.`]],
  ['a rotation interval that is not whole days', catalogWith({ ...signing, interval: Duration.hours(60) }),
    [`SecretCatalog: 'secrets.jwt-secret.rotation.interval' (signing-secret) must be a whole number of days, at least 1 (a daily job rotates what is due). The value passed is: 60h`]],
  ['a grace period longer than the interval', catalogWith({ ...signing, gracePeriod: Duration.days(365) }),
    [`SecretCatalog: 'secrets.jwt-secret.rotation.gracePeriod' (signing-secret) must be a whole number of seconds, at least 1s and shorter than 'interval' (${signing.interval!.toHours()}h). The value passed is: 8760h`]],
  ['a rotation class with no interval', catalogWith({ ...signing, method: RotationMethod.DATABASE_ENGINE, interval: undefined }),
    [`SecretCatalog: 'secrets.jwt-secret.rotation' (signing-secret) rotates by database-engine but has no 'interval'.`]],
  ['a rotation class name that is not a DNS label', catalogWith({ ...signing, name: 'Signing Secret' }),
    [`SecretCatalog: 'secrets.jwt-secret.rotation.name' must be a DNS label. The value passed is: "Signing Secret"`]],
];

describe('constructs', () => {
  test.each(CONSTRUCT_CASES)('%s', (_case, build, expected) => {
    expect(thrown(build)).toEqual(expected);
  });
});

test('the corpus holds at least 40 cases, each with its own message', () => {
  const all = [...ENVIRONMENT_CASES.map((c) => c[3]), ...DOCUMENT_CASES.map((c) => c[2]), ...CONSTRUCT_CASES.map((c) => c[2])];
  expect(all.length).toBeGreaterThanOrEqual(40);
  expect(new Set(all.map((m) => m.join('\n'))).size).toBe(all.length);
  for (const messages of all) for (const m of messages) expect(m).not.toContain('\n');
});
