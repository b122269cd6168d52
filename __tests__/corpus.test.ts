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
import { EnvironmentConfig, loadEnvironment, parseEnvironment, VEZA_CATALOG, VezaCluster, VezaEnvironment, type VezaEnvironmentProps } from '../lib/veza';

/** An environment in an app of its own, reconciled by the operator of the app's cluster. */
const environmentInCluster = (id: string, props: Omit<VezaEnvironmentProps, 'operator'>) => {
  const app = new App();
  return new VezaEnvironment(app, id, { ...props, operator: new VezaCluster(app, 'cluster').operator });
};

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
/** Nine levels of nine aliases: 9^9 values once expanded. */
const LAUGHS_LINE = `${'environments/production.yaml'}: the YAML expands to more than 100000 values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)`;
const LAUGHS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n';
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
  ['refreshInterval of the wrong type', 'production', 'externalSecret: { refreshInterval: 5 }', [`${P}: 'externalSecret.refreshInterval' is 5 (a number); allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval in words', 'production', 'externalSecret: { refreshInterval: 1 hour }', [`${P}: 'externalSecret.refreshInterval' is "1 hour"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval in days', 'production', 'externalSecret: { refreshInterval: 1d }', [`${P}: 'externalSecret.refreshInterval' is "1d"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval 0', 'production', 'externalSecret: { refreshInterval: 0s }', [`${P}: 'externalSecret.refreshInterval' is "0s"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval missing', 'production', 'externalSecret: { refreshInterval: ~ }', [`${P}: 'externalSecret.refreshInterval' is missing; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['externalSecret a list', 'production', 'externalSecret: [1h]', [`${P}: 'externalSecret' is the list ["1h"]; allowed: a mapping of fields`]],
  ['unknown creationPolicy', 'development', 'externalSecret: { creationPolicy: Own }', [`${D}: 'externalSecret.creationPolicy' is "Own"; allowed: Owner, Orphan`]],
  ['unknown deletionPolicy', 'production', 'externalSecret: { deletionPolicy: Keep }', [`${P}: 'externalSecret.deletionPolicy' is "Keep"; allowed: Retain, Delete`]],
  ['production deletes the live Secret', 'production', 'externalSecret: { deletionPolicy: Delete }', [`${P}: 'externalSecret.deletionPolicy' is "Delete"; allowed: Retain outside development (the live Secret must never be dropped because a provider entry went missing)`]],
  ['staging owns the live Secret', 'staging', 'externalSecret: { creationPolicy: Owner }', [`${S}: 'externalSecret.creationPolicy' is "Owner"; allowed: Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)`]],
  ['creationPolicy Merge (a Secret another tool creates)', 'development', 'externalSecret: { creationPolicy: Merge }', [`${D}: 'externalSecret.creationPolicy' is "Merge"; allowed: Owner, Orphan`]],
  ['providers missing', 'production', 'providers: ~', [`${P}: 'providers' is missing; allowed: a mapping of fields`]],
  ['a provider of the wrong type', 'production', 'providers: { vault: "https://vault:8200" }', [`${P}: 'providers.vault' is "https://vault:8200"; allowed: a mapping of fields`]],
  ['Vault without TLS outside development', 'production', 'providers: { vault: { server: "http://vault.veza.internal:8200" } }', [`${P}: 'providers.vault.server' is "http://vault.veza.internal:8200"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['Vault address not a URL', 'staging', 'providers: { vault: { server: "vault:8200" } }', [`${S}: 'providers.vault.server' is "vault:8200"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['Vault address of another scheme in development', 'development', 'providers: { vault: { server: "ftp://vault:8200" } }', [`${D}: 'providers.vault.server' is "ftp://vault:8200"; allowed: an http:// or https:// URL without a password`]],
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
  // Go durations as time.ParseDuration reads them; ESO and Flux are given whole seconds.
  ['refreshInterval of a fraction of a second', 'production', 'externalSecret: { refreshInterval: 1.5s }', [`${P}: 'externalSecret.refreshInterval' is "1.5s"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ["refreshInterval beyond Go's maximum duration", 'production', 'externalSecret: { refreshInterval: 2562048h }', [`${P}: 'externalSecret.refreshInterval' is "2562048h"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval negative', 'production', 'externalSecret: { refreshInterval: -1h }', [`${P}: 'externalSecret.refreshInterval' is "-1h"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval with a trailing space', 'production', 'externalSecret: { refreshInterval: "1h " }', [`${P}: 'externalSecret.refreshInterval' is "1h "; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval in capitals', 'production', 'externalSecret: { refreshInterval: 1H }', [`${P}: 'externalSecret.refreshInterval' is "1H"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  ['refreshInterval in nanoseconds', 'production', 'externalSecret: { refreshInterval: 1500000000ns }', [`${P}: 'externalSecret.refreshInterval' is "1500000000ns"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`]],
  // CIDRs as Go's net.ParseCIDR reads them (a NetworkPolicy's ipBlock.cidr).
  ['an IPv4 prefix over 32', 'production', 'rotation: { egress: { vaultCidrs: [10.0.0.0/33] } }', [`${P}: 'rotation.egress.vaultCidrs' is the list ["10.0.0.0/33"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['an IPv6 prefix over 128', 'production', 'rotation: { egress: { vaultCidrs: ["fd00::/129"] } }', [`${P}: 'rotation.egress.vaultCidrs' is the list ["fd00::/129"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['an IPv6 address with a zone', 'production', 'rotation: { egress: { vaultCidrs: ["fe80::1%eth0/64"] } }', [`${P}: 'rotation.egress.vaultCidrs' is the list ["fe80::1%eth0/64"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['an IPv4 octet over 255', 'production', 'rotation: { egress: { apiServerCidrs: [256.0.0.0/8] } }', [`${P}: 'rotation.egress.apiServerCidrs' is the list ["256.0.0.0/8"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['an IPv4 octet with a leading zero', 'production', 'rotation: { egress: { apiServerCidrs: [010.0.0.0/8] } }', [`${P}: 'rotation.egress.apiServerCidrs' is the list ["010.0.0.0/8"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['an IPv6 address with three colons', 'production', 'rotation: { egress: { apiServerCidrs: ["fd00:::/8"] } }', [`${P}: 'rotation.egress.apiServerCidrs' is the list ["fd00:::/8"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['a CIDR without a prefix', 'production', 'rotation: { egress: { apiServerCidrs: [10.96.0.1] } }', [`${P}: 'rotation.egress.apiServerCidrs' is the list ["10.96.0.1"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  // URLs as Go's url.Parse reads them; a password never goes in one.
  ['a Vault URL with a password', 'production', 'providers: { vault: { server: "https://admin:hunter22@vault.veza.internal:8200" } }', [`${P}: 'providers.vault.server' is "https://admin:hunter22@vault.veza.internal:8200"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a Vault URL with a user', 'staging', 'providers: { vault: { server: "https://root@vault.veza.internal:8200" } }', [`${S}: 'providers.vault.server' is "https://root@vault.veza.internal:8200"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a Vault URL with a trailing space', 'production', 'providers: { vault: { server: "https://vault.veza.internal:8200 " } }', [`${P}: 'providers.vault.server' is "https://vault.veza.internal:8200 "; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a Vault URL with a space in the host', 'development', 'providers: { vault: { server: "http://vault veza:8200" } }', [`${D}: 'providers.vault.server' is "http://vault veza:8200"; allowed: an http:// or https:// URL without a password`]],
  ['a Vault URL with a password in development', 'development', 'providers: { vault: { server: "http://u:p@vault:8200" } }', [`${D}: 'providers.vault.server' is "http://u:p@vault:8200"; allowed: an http:// or https:// URL without a password`]],
  ['a Vault URL with a port out of range', 'production', 'providers: { vault: { server: "https://vault.veza.internal:99999" } }', [`${P}: 'providers.vault.server' is "https://vault.veza.internal:99999"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a Vault URL without a host', 'production', 'providers: { vault: { server: "https://" } }', [`${P}: 'providers.vault.server' is "https://"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  // What an environment file may say about the live Secret's lifecycle (README, ESO's webhook).
  ['creationPolicy None', 'development', 'externalSecret: { creationPolicy: None }', [`${D}: 'externalSecret.creationPolicy' is "None"; allowed: Owner, Orphan`]],
  ['creationPolicy CreateOrMerge', 'development', 'externalSecret: { creationPolicy: CreateOrMerge }', [`${D}: 'externalSecret.creationPolicy' is "CreateOrMerge"; allowed: Owner, Orphan`]],
  ['deletionPolicy Merge', 'development', 'externalSecret: { deletionPolicy: Merge }', [`${D}: 'externalSecret.deletionPolicy' is "Merge"; allowed: Retain, Delete`]],
  ['creationPolicy None with deletionPolicy Retain', 'development', 'externalSecret: { creationPolicy: None, deletionPolicy: Retain }', [`${D}: 'externalSecret.creationPolicy' is "None"; allowed: Owner, Orphan`, ]],
  ['creationPolicy Merge in production', 'production', 'externalSecret: { creationPolicy: Merge }', [`${P}: 'externalSecret.creationPolicy' is "Merge"; allowed: Owner, Orphan`]],
  ['deletionPolicy Delete with creationPolicy Owner in staging', 'staging', 'externalSecret: { creationPolicy: Owner, deletionPolicy: Delete }', [
    `${S}: 'externalSecret.deletionPolicy' is "Delete"; allowed: Retain outside development (the live Secret must never be dropped because a provider entry went missing)`,
    `${S}: 'externalSecret.creationPolicy' is "Owner"; allowed: Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)`,
  ]],
  // Values are shown as short excerpts, never whole.
  ['a 300 kB namespace', 'production', `namespace: ${'n'.repeat(300_000)}`, [`${P}: 'namespace' is "${'n'.repeat(100)}"... (300000 characters); allowed: a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`]],
  ['a 300 kB Vault address', 'production', `providers: { vault: { server: "https://${'v'.repeat(300_000)}" } }`, [`${P}: 'providers.vault.server' is "https://${'v'.repeat(92)}"... (300008 characters); allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a list of 1000 CIDRs', 'production', `rotation: { egress: { vaultCidrs: [${Array(1000).fill('10.0.0.0/33').join(', ')}] } }`, [`${P}: 'rotation.egress.vaultCidrs' is a list of 1000 items; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`]],
  ['a number of 400 digits (read as a string)', 'production', `providers: { vault: { database: { port: ${'9'.repeat(400)} } } }`, [`${P}: 'providers.vault.database.port' is "${'9'.repeat(100)}"... (400 characters); allowed: a TCP port, a whole number from 1 to 65535`]],
  ['every problem of a file at once', 'production', 'provider: consul\nexternalSecret: { refreshInterval: soon }', [
    `${P}: 'provider' is "consul"; allowed: vault, aws, gcp, azure`,
    `${P}: 'externalSecret.refreshInterval' is "soon"; allowed: a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m`,
  ]],
];

// [case, whole file text, exact messages]
const DOCUMENT_CASES: [string, string, string[]][] = [
  ['an empty file', '', [`${P}: not readable YAML: expected a document, but the input is empty`]],
  ['a list instead of a mapping', '- name: production', [`${P}: the file must hold a mapping of fields; it holds the list [{\"name\":\"production\"}]`]],
  ['a plain word', 'production', [`${P}: the file must hold a mapping of fields; it holds "production"`]],
  // Hostile files: nested aliases, size, duplicate keys.
  ['nested aliases (the billion laughs)', LAUGHS, [`${P}: the YAML expands to more than 100000 values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)`]],
  ['a recursive alias', 'name: production\nloop: &loop [*loop]', [`${P}: the YAML expands to more than 100000 values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)`]],
  ['a mapping aliased into itself', 'name: production\nself: &self { a: *self }', [LAUGHS_LINE]],
  ['one alias used 200000 times', `name: production\nx: &x 1\nl: [${Array(200_000).fill('*x').join(',')}]`, [`${P}: the YAML expands to more than 100000 values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)`]],
  ['a file over 1 MiB', `name: production\n# ${'x'.repeat(1024 * 1024)}\n`, [`${P}: the file is ${1024 * 1024 + 20} bytes; allowed: at most 1048576 bytes (1 MiB) for a configuration file`]],
  ['a top-level key twice', 'name: production\nprovider: vault\nprovider: aws\n', [`${P}: 'provider' is given twice, on lines 2 and 3; allowed: each key once in a mapping`]],
  ['a nested key twice', 'name: production\nproviders:\n  vault:\n    server: https://a\n    mount: secret\n    server: https://b\n', [`${P}: 'providers.vault.server' is given twice, on lines 4 and 6; allowed: each key once in a mapping`]],
  ['a key twice, one quoted', 'name: production\n"name": staging\n', [`${P}: 'name' is given twice, on lines 1 and 2; allowed: each key once in a mapping`]],
  ['a key twice in a flow mapping', 'name: production\nexternalSecret: { refreshInterval: 1h, refreshInterval: 2h }\n', [`${P}: 'externalSecret.refreshInterval' is given twice, on lines 2 and 2; allowed: each key once in a mapping`]],
  ['a key twice in a list item', 'name: production\nrotation:\n  egress:\n    vaultCidrs:\n      - { a: 1, a: 2 }\n', [`${P}: 'rotation.egress.vaultCidrs[0].a' is given twice, on lines 5 and 5; allowed: each key once in a mapping`]],
  ['a 500 kB plain string', 's'.repeat(500_000), [`${P}: the file must hold a mapping of fields; it holds "${'s'.repeat(100)}"... (500000 characters)`]],
  ['a list of 10000 items', `[${Array(10_000).fill('1').join(',')}]`, [`${P}: the file must hold a mapping of fields; it holds a list of 10000 items`]],
  ['an unknown tag', 'name: !!js/function "x"', [`${P}: not readable YAML: unknown scalar tag !<tag:yaml.org,2002:js/function> (1:7)`]],
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
    environmentInCluster('staging', { catalog: VEZA_CATALOG, config: { ...config, providers: { ...config.providers, vault: { ...config.providers.vault, path: 'veza/production' } } } });
  }, [`[staging/Applied/vault/vault-store/vault-store]: 'location' is "secret/veza/production"; allowed: a location of environment "staging" (a store must not read another environment's secrets)`]],
  ['a production environment reaching Vault without TLS', () => {
    const config = envConfig('production', '{}');
    environmentInCluster('production', { catalog: VEZA_CATALOG, config: { ...config, providers: { ...config.providers, vault: { ...config.providers.vault, server: 'http://vault:8200' } } } });
  }, [`[production/Applied/vault/vault-store/vault-store]: 'server' is "http://vault:8200"; allowed: an https:// URL without a password (TLS is required outside development)`]],
  ['a CronJob name over 52 characters', () => {
    const long = `${'x'.repeat(36)}`;
    const catalog = SecretCatalog.define({ services: ['veza-backend-api', 'veza-stream-server'], secrets: { 'jwt-secret': { description: 'd', placeholder: 'p', consumers: ['veza-backend-api'], rotation: { ...signing, name: long } } } });
    environmentInCluster('production', { catalog: catalog as any, config: envConfig('production', '{}') });
  }, [`[production/Applied/SecretsRotation/secrets-rotation/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]: 'name' must be a CronJob name (a DNS label of at most 52 characters: its Jobs add 11). The value passed is: "secrets-rotation-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" (53 characters)`]],
  ['a Vault address with a password', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 's', server: 'https://admin:hunter22@vault:8200', path: 'veza/production' }),
    [`[production/s]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: "https://admin:hunter22@vault:8200"`]],
  ['a Vault address with a trailing space', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 's', server: 'https://vault:8200 ', path: 'veza/production' }),
    [`[production/s]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: "https://vault:8200 "`]],
  ['a Vault address with a host label over 63 characters', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 's', server: `https://${'v'.repeat(64)}.example:8200`, path: 'veza/production' }),
    [`[production/s]: 'server' must be an http(s) URL such as https://vault.example:8200. The value passed is: "https://${'v'.repeat(64)}.example:8200"`]],
  ['an AWS region with two digits', () => new AwsSecretStore(chartWithStore().chart, 'aws-store', { region: 'eu-west-33' }),
    [`[production/aws-store]: 'region' must be an AWS region such as eu-west-3. The value passed is: "eu-west-33"`]],
  ['a label key with a capital in its prefix', () => {
    const { chart, store } = chartWithStore();
    new ExternalSecret(chart, 'veza-secrets', { store, labels: { 'Veza.io/team': 'platform' } });
  }, [`[production/veza-secrets]: 'labels' has the key "Veza.io/team"; allowed: a label key, an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit`]],
  ['a label value ending with a dot', () => new VaultSecretStore(chartWithStore().chart, 's', { name: 's', server: 'https://vault:8200', path: 'veza/production', labels: { team: 'platform.' } }),
    [`[production/s]: 'labels.team' is "platform."; allowed: a label value, at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or empty`]],
  ['a rotation class name over 63 characters', catalogWith({ ...signing, name: 'r'.repeat(64) }),
    [`SecretCatalog: 'secrets.jwt-secret.rotation.name' must be a DNS label. The value passed is: "${'r'.repeat(64)}"`]],
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

test('the corpus holds over 100 cases, each named once, every message one line of at most a few hundred characters', () => {
  const names = [...ENVIRONMENT_CASES.map((c) => `file edit: ${c[0]}`), ...DOCUMENT_CASES.map((c) => `file: ${c[0]}`), ...CONSTRUCT_CASES.map((c) => `construct: ${c[0]}`)];
  const all = [...ENVIRONMENT_CASES.map((c) => c[3]), ...DOCUMENT_CASES.map((c) => c[2]), ...CONSTRUCT_CASES.map((c) => c[2])];
  expect(all.length).toBeGreaterThan(100);
  expect(new Set(names).size).toBe(names.length);
  for (const messages of all) {
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m).not.toContain('\n');
      expect(m.length).toBeLessThanOrEqual(600);
    }
  }
});
