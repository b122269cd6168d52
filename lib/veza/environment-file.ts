import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { ConfigError, dnsLabel, dnsSubdomain, FieldReader, goDuration, oneOf, readSecretKeyRef, text, url, readYamlFile, listOf, cidr } from '../config/field-reader';
import { CreationPolicy, DeletionPolicy } from '../eso/external-secret';
import { isPinnedImage, PINNED_IMAGE_ALLOWED } from '../eso/image-reference';
import { liveSecretProblems } from './live-secret';
import { awsRegion, AZURE_KEY_VAULT_URL, GCP_PROJECT_ID, GCP_SERVICE_ACCOUNT, guid } from '../rules';

/** The tiers an environment declares (`tier`), in the order a change reaches them. */
export const TIERS = ['development', 'staging', 'production'] as const;
/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[number];

/**
 * Whether an environment of `tier` is held to production's rules (Vault over TLS, the live Secret
 * kept when the ExternalSecret goes): every tier but development.
 * @internal
 */
export function isProductionTier(tier: Tier): boolean {
  return tier !== 'development';
}

/**
 * The namespace of the environment `env` when its file names none: `veza-<env>`.
 * @internal
 */
export function defaultNamespace(env: string): string {
  return `veza-${env}`;
}

/**
 * The default `rotation.offsetDays` of each tier: development rotates first, production last,
 * a week apart, so a bad rotation shows in development a week before staging.
 * @internal
 */
export const DEFAULT_ROTATION_OFFSET_DAYS: Readonly<Record<Tier, number>> = { development: 0, staging: 7, production: 14 };

/** Whole days, 0 or more. */
const WHOLE_DAYS = {
  allowed: 'a whole number of days, 0 or more',
  parse: (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3650 ? v : undefined),
};

/** The providers an environment can use, as written in environment files. */
export const PROVIDERS = ['vault', 'aws', 'gcp', 'azure'] as const;
/** One of {@link PROVIDERS}: `vault`, `aws`, `gcp`, `azure`. */
export type ProviderName = (typeof PROVIDERS)[number];

/** A key of a Kubernetes Secret, as written in environment files. */
export interface SecretKeyRefConfig {
  /** The Secret's name. */
  readonly name: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/** `providers.vault.auth`: how the Vault store logs in, one variant per `method`. */
export type VaultAuthConfig =
  /** `mountPath` as written; unset: `kubernetes`, or `kubernetes-<env>` when the environment has a cluster of its own (gitops.yaml). */
  | { readonly method: 'kubernetes'; readonly role: string; readonly mountPath?: string; readonly audience: string }
  | { readonly method: 'jwt'; readonly role: string; readonly mountPath: string; readonly audience: string }
  | { readonly method: 'approle'; readonly roleId: string; readonly secretId: SecretKeyRefConfig; readonly mountPath: string }
  | { readonly method: 'token'; readonly token: SecretKeyRefConfig };

/** `providers.vault`: the Vault store of the environment. */
export interface VaultConfig {
  /** Vault's address; https:// unless the environment is not production. */
  readonly server: string;
  /** The KV v2 mount: `secret`. */
  readonly mount: string;
  /** The KV path under the mount: `veza/<env>`. */
  readonly path: string;
  /** How the store logs in. */
  readonly auth: VaultAuthConfig;
  /**
   * A Secret or ConfigMap holding the CA bundle of Vault's certificate: as written (created by hand,
   * before the store), or ConfigMap `vault-ca` (key `ca.crt`) when `caFile`/`caBundle` give the CA.
   * @default - the system roots
   */
  readonly caProvider?: { readonly type: 'Secret' | 'ConfigMap'; readonly name: string; readonly key: string };
  /**
   * The CA certificates themselves (`caFile` or `caBundle`), synthesized into the ConfigMap that
   * `caProvider` names. The CA is public: it may live in git.
   * @default - none: the CA, if any, is created outside this project (`caProvider`)
   */
  readonly caCertificate?: VaultCaCertificate;
  /** The PostgreSQL database whose app login Vault's database engine rotates (docs/vault-integration.md). */
  readonly database: VaultDatabaseConfig;
}

/** `providers.vault.caFile` / `caBundle`, read and checked. */
export interface VaultCaCertificate {
  /** The PEM certificates, as read. */
  readonly pem: string;
  /** Where they come from, for messages: `environments/ca/vault-ca.crt` or `providers.vault.caBundle`. */
  readonly source: string;
  /** The certificates' subjects and expiry dates, in file order. */
  readonly certificates: readonly { readonly subject: string; readonly notAfter: Date }[];
}

/**
 * The ConfigMap this project synthesizes from `caFile`/`caBundle`: the name the store, the generator and the rotation job read.
 * @internal
 */
export const VAULT_CA_CONFIG_MAP = { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' } as const;

/** `providers.vault.database`: where Vault's database secrets engine connects, and where the app does. */
export interface VaultDatabaseConfig {
  /**
   * The host as Vault reaches it (`database/config/...`): outside the cluster when Vault is.
   * @default `veza-<env>-postgres.replace-me.invalid`, a placeholder: `.invalid` never resolves
   */
  readonly host: string;
  /** The host as the app's pods reach it, in `database-url`. @default - `host` */
  readonly appHost: string;
  /** @default 5432 */
  readonly port: number;
  /** @default 'veza' */
  readonly name: string;
  /** The login Vault connects as. @default 'vault' */
  readonly username: string;
  /** The app's login, whose password Vault rotates. @default 'veza' */
  readonly appUsername: string;
}

/** `providers.aws.auth`: IRSA or static access keys. */
export type AwsAuthConfig =
  | { readonly method: 'irsa'; readonly roleArn: string }
  | { readonly method: 'access-keys'; readonly accessKeyId: SecretKeyRefConfig; readonly secretAccessKey: SecretKeyRefConfig };

/** `providers.aws`: the AWS store of the environment. */
export interface AwsConfig {
  /** The AWS region: `eu-west-3`. */
  readonly region: string;
  /** Secrets Manager or Parameter Store. */
  readonly service: 'SecretsManager' | 'ParameterStore';
  /** The prefix of every secret's name: `veza/<env>/`. */
  readonly namePrefix: string;
  /** How the store authenticates. */
  readonly auth: AwsAuthConfig;
}

/** `providers.gcp.auth`: Workload Identity or a service-account key. */
export type GcpAuthConfig =
  | { readonly method: 'workload-identity'; readonly gcpServiceAccount?: string }
  | { readonly method: 'service-account-key'; readonly key: SecretKeyRefConfig };

/** `providers.gcp`: the Google Cloud Secret Manager store of the environment. */
export interface GcpConfig {
  /** The project holding the secrets. */
  readonly projectId: string;
  /** The prefix of every secret's name. */
  readonly namePrefix: string;
  /** How the store authenticates. */
  readonly auth: GcpAuthConfig;
}

/** `providers.azure.auth`: workload identity, managed identity or a service principal. */
export type AzureAuthConfig =
  | { readonly method: 'workload-identity'; readonly clientId: string }
  | { readonly method: 'managed-identity'; readonly identityId?: string }
  | { readonly method: 'service-principal'; readonly clientId: SecretKeyRefConfig; readonly clientSecret: SecretKeyRefConfig };

/** `providers.azure`: the Azure Key Vault store of the environment. */
export interface AzureConfig {
  /** The vault's URL: `https://veza-<env>.vault.azure.net`. */
  readonly vaultUrl: string;
  /**
   * The Entra ID tenant: required with workload identity and service-principal auth (ESO reads it
   * from the store, never from the identity).
   * @default - none (managed-identity auth only: the identity's own tenant)
   */
  readonly tenantId?: string;
  /** The prefix of every secret's name. */
  readonly namePrefix: string;
  /** How the store authenticates. */
  readonly auth: AzureAuthConfig;
}

/** Everything that differs per environment: one `environments/<name>.yaml`. */
export interface EnvironmentConfig {
  /** The file it was read from, for messages. */
  readonly file: string;
  /** `development`, `staging`, `production`. */
  readonly name: string;
  /** `veza-<name>`. */
  readonly namespace: string;
  /** `tier`: development, staging or production, declared by the file. */
  readonly tier: Tier;
  /** Whether the stricter rules apply (https Vault, Orphan/Retain): every tier but development. */
  readonly production: boolean;
  /** The provider the applied folder uses. */
  readonly provider: ProviderName;
  /** `externalSecret`: the ExternalSecret's refresh interval and policies. */
  readonly externalSecret: {
    readonly refreshInterval: Duration;
    readonly creationPolicy: CreationPolicy;
    readonly deletionPolicy: DeletionPolicy;
  };
  /**
   * `rotation.egress`: where the rotation job may connect besides DNS. The API server is not
   * selectable by pod labels and Vault may run outside the cluster, so these are CIDRs.
   */
  readonly rotation: {
    /** Vault's addresses, outside the cluster (SecretRotationProps.vaultCidrs). @default - any destination, Vault's port only */
    readonly vaultCidrs?: string[];
    /** The Kubernetes API server's addresses; not on Cilium (SecretRotationProps.apiServerCidrs). @default - any destination, ports 443 and 6443 only */
    readonly apiServerCidrs?: string[];
    /** `rotation.images.runner`: the image that runs the script (a mirror, pinned). @default ROTATION_IMAGES.runner */
    readonly runnerImage?: string;
    /** `rotation.images.vault`: the image the `vault` binary is copied from. @default ROTATION_IMAGES.vault */
    readonly vaultImage?: string;
    /**
     * `rotation.offsetDays`: whole days added to each interval before the first rotation after
     * the bootstrap, so the environments rotate apart; never smaller than an earlier tier's.
     * @default DEFAULT_ROTATION_OFFSET_DAYS of the tier (0, 7, 14)
     */
    readonly offsetDays: number;
  };
  /** `providers`: every provider's settings; the active one is applied, the others are alternatives. */
  readonly providers: {
    readonly vault: VaultConfig;
    readonly aws: AwsConfig;
    readonly gcp: GcpConfig;
    readonly azure: AzureConfig;
  };
}

/** An image pinned as the rotation job requires (`isPinnedImage`, the check `SecretRotation` applies). */
const PINNED_IMAGE = text(PINNED_IMAGE_ALLOWED, undefined, isPinnedImage);

const UUID = guid;
// An environment's ExternalSecret is the only writer of its Secret: Merge, CreateOrMerge and None
// (a Secret another tool creates) have no use here, and with Owner or Orphan every deletionPolicy
// below passes ESO's webhook (which refuses Delete with Merge, CreateOrMerge or None).
const CREATION = oneOf([CreationPolicy.OWNER, CreationPolicy.ORPHAN]);
const DELETION = oneOf([DeletionPolicy.RETAIN, DeletionPolicy.DELETE]);

/** Reads and checks one environment file; throws a ConfigError listing every problem. */
export function loadEnvironment(file: string, displayName: string = file): EnvironmentConfig {
  const doc = readYamlFile(file, displayName);
  // environments/<name>.yaml: the project is the folder above environments/.
  return parseEnvironment(doc, displayName, { projectDir: path.dirname(path.dirname(path.resolve(file))) });
}

/** Options of {@link parseEnvironment}. */
export interface ParseEnvironmentOptions {
  /** The project folder: `providers.vault.caFile` is relative to it. @default process.cwd() */
  readonly projectDir?: string;
}

/** Checks a parsed environment document. */
export function parseEnvironment(doc: unknown, file: string, options: ParseEnvironmentOptions = {}): EnvironmentConfig {
  const errors: string[] = [];
  const root = FieldReader.root(file, doc, errors);
  if (!root) throw new ConfigError(errors);
  const expectedName = path.basename(file).replace(/\.ya?ml$/, '');
  const name = root.required('name', text(`the file's own name, ${JSON.stringify(expectedName)}`, undefined, (v) => v === expectedName && dnsLabel.parse(v) !== undefined));
  const env = name ?? expectedName;
  const namespace = root.optional('namespace', dnsLabel, defaultNamespace(env));
  if (namespace && !new RegExp(`(^|-)${env}(-|$)`).test(namespace)) {
    root.fail('namespace', namespace, `a namespace of this environment, holding ${JSON.stringify(env)} such as ${JSON.stringify(defaultNamespace(env))}`);
  }
  const tier = root.required('tier', oneOf(TIERS));
  const production = isProductionTier(tier ?? 'production');
  const provider = root.required('provider', oneOf(PROVIDERS));

  const es = root.object('externalSecret');
  const externalSecret = es && {
    refreshInterval: es.required('refreshInterval', goDuration),
    // The default is what the rule below allows: Orphan outside development.
    creationPolicy: es.optional('creationPolicy', CREATION, production ? CreationPolicy.ORPHAN : CreationPolicy.OWNER),
    deletionPolicy: es.optional('deletionPolicy', DELETION, DeletionPolicy.RETAIN),
  };
  es?.finish();
  for (const problem of externalSecret ? liveSecretProblems(production, externalSecret) : []) es!.fail(problem.field, problem.value, problem.allowed);

  const rotationReader = root.object('rotation', { optional: true });
  const egress = rotationReader?.object('egress', { optional: true });
  const images = rotationReader?.object('images', { optional: true });
  const rotation = {
    offsetDays: rotationReader?.optional('offsetDays', WHOLE_DAYS) ?? DEFAULT_ROTATION_OFFSET_DAYS[tier ?? 'production'],
    vaultCidrs: egress?.optional('vaultCidrs', listOf(cidr)),
    apiServerCidrs: egress?.optional('apiServerCidrs', listOf(cidr)),
    runnerImage: images?.optional('runner', PINNED_IMAGE),
    vaultImage: images?.optional('vault', PINNED_IMAGE),
  };
  egress?.finish();
  images?.finish();
  rotationReader?.finish();

  const providers = root.object('providers');
  const vault = providers && readVault(providers, env, production, options.projectDir ?? process.cwd());
  const aws = providers && readAws(providers, env);
  const gcp = providers && readGcp(providers, env);
  const azure = providers && readAzure(providers, env);
  providers?.finish();
  root.finish();

  if (errors.length > 0) throw new ConfigError(errors);
  return {
    file,
    name: env,
    namespace: namespace!,
    tier: tier!,
    production,
    provider: provider!,
    externalSecret: externalSecret as EnvironmentConfig['externalSecret'],
    rotation,
    providers: { vault: vault!, aws: aws!, gcp: gcp!, azure: azure! },
  };
}

function readVault(providers: FieldReader, env: string, production: boolean, projectDir: string): VaultConfig | undefined {
  const r = providers.object('vault');
  if (!r) return undefined;
  const server = r.required('server', url(production));
  const mount = r.optional('mount', text("a Vault mount path such as 'secret'", /^[A-Za-z0-9_.-]+$/), 'secret');
  const expectedPath = `veza/${env}`;
  const vaultPath = r.optional('path', text(`this environment's own path, ${JSON.stringify(expectedPath)} (a store must not read another environment's secrets)`, undefined, (v) => v === expectedPath), expectedPath);
  const a = r.object('auth');
  let auth: VaultAuthConfig | undefined;
  if (a) {
    const method = a.required('method', oneOf(['kubernetes', 'jwt', 'approle', 'token'] as const));
    const roleRule = text(`this environment's own role, ${JSON.stringify(`veza-${env}`)} (a role per environment)`, undefined, (v) => v === `veza-${env}`);
    if (method === 'kubernetes' || method === 'jwt') {
      const mountRule = text('a Vault auth mount path such as kubernetes', /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/);
      const role = a.optional('role', roleRule, `veza-${env}`);
      // Kubernetes: the default mount depends on the cluster the environment runs in (vaultKubernetesMount).
      const mountPath = method === 'kubernetes' ? a.optional('mountPath', mountRule) : a.optional('mountPath', mountRule, method);
      const audience = a.optional('audience', text('a token audience such as vault', /^\S+$/), 'vault');
      auth = method === 'kubernetes' ? { method, role, mountPath, audience } : { method, role, mountPath: mountPath!, audience };
    } else if (method === 'approle') {
      const roleId = a.required('roleId', text('the AppRole role ID (not secret)', /^\S+$/));
      const secretId = readSecretKeyRef(a, 'secretId');
      auth = roleId && secretId ? { method, roleId, secretId, mountPath: a.optional('mountPath', text('a Vault auth mount path', /^\S+$/), 'approle') } : undefined;
    } else if (method === 'token') {
      const token = readSecretKeyRef(a, 'token');
      auth = token && { method, token };
    }
    if (method !== undefined) a.finish(); // without a known method, no field can be called unknown
  }
  const ca = r.object('caProvider', { optional: true });
  const caProvider = ca && {
    type: ca.required('type', oneOf(['Secret', 'ConfigMap'] as const))!,
    name: ca.required('name', dnsSubdomain)!,
    key: ca.required('key', text("a data key (letters, digits, '-', '_' and '.')", /^[-._a-zA-Z0-9]+$/))!,
  };
  ca?.finish();
  const caCertificate = readVaultCa(r, projectDir);
  if (caCertificate && caProvider) {
    r.fail(r.has('caFile') ? 'caFile' : 'caBundle', caCertificate.source, `one of caFile, caBundle or caProvider (caFile/caBundle synthesize ConfigMap ${VAULT_CA_CONFIG_MAP.name}; caProvider names one created by hand)`);
  }
  const database = readVaultDatabase(r, env, server);
  r.finish();
  return server && auth ? { server, mount, path: vaultPath, auth, caProvider: caProvider ?? (caCertificate && { ...VAULT_CA_CONFIG_MAP }), caCertificate, database } : undefined;
}

const CA_FILE = text("a path relative to the project folder such as environments/ca/vault-ca.crt (no '..', not absolute)", /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_./-]+$/);

/** `caFile` or `caBundle`: PEM certificates only, each one parsed as X.509. */
function readVaultCa(vault: FieldReader, projectDir: string): VaultCaCertificate | undefined {
  const file = vault.optional('caFile', CA_FILE);
  const bundle = vault.optional('caBundle', text('PEM certificates (-----BEGIN CERTIFICATE----- ...)', undefined, (v) => v.includes('-----BEGIN')));
  if (file !== undefined && bundle !== undefined) {
    vault.fail('caBundle', 'a PEM bundle', 'nothing when caFile is set (one of caFile, caBundle)');
    return undefined;
  }
  let pem: string | undefined;
  const field = file !== undefined ? 'caFile' : 'caBundle';
  if (file !== undefined) {
    try {
      pem = fs.readFileSync(path.join(projectDir, file), 'utf8');
    } catch (e) {
      vault.fail('caFile', file, `a readable file of PEM certificates, relative to the project folder (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      return undefined;
    }
  } else {
    pem = bundle;
  }
  if (pem === undefined) return undefined;
  const source = file ?? 'providers.vault.caBundle';
  const shown = file ?? 'a PEM bundle';
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)];
  if (blocks.length === 0 || blocks.some((b) => b[1] !== 'CERTIFICATE')) {
    vault.fail(field, shown, `PEM certificates only (-----BEGIN CERTIFICATE-----); found ${blocks.length === 0 ? 'none' : blocks.map((b) => b[1]).join(', ')}${blocks.some((b) => /PRIVATE KEY/.test(b[1])) ? ': a private key must never be committed' : ''}`);
    return undefined;
  }
  const certificates: { subject: string; notAfter: Date }[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      const cert = new crypto.X509Certificate(b[0]);
      certificates.push({ subject: cert.subject.replace(/\n/g, ', '), notAfter: new Date(cert.validTo) });
    } catch {
      vault.fail(field, shown, `PEM certificates that parse as X.509; certificate ${i + 1} does not`);
      return undefined;
    }
  }
  return { pem: blocks.map((b) => b[0]).join('\n') + '\n', source, certificates };
}

const PG_IDENTIFIER = text("a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters)", /^[a-z_][a-z0-9_]{0,62}$/);

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

/**
 * A name only the cluster's DNS resolves: a Service (`x.ns.svc`, `x.ns.svc.cluster.local`) or a bare name.
 * @internal
 */
export function isClusterLocalHost(host: string): boolean {
  return /\.svc(\.cluster\.local)?\.?$/i.test(host) || !host.includes('.');
}

function readVaultDatabase(vault: FieldReader, env: string, server: string | undefined): VaultDatabaseConfig {
  const d = vault.object('database', { optional: true });
  const host = `veza-${env}-postgres.replace-me.invalid`;
  if (!d) return { host, appHost: host, port: 5432, name: 'veza', username: 'vault', appUsername: 'veza' };
  const vaultHost = d.optional('host', text('a host name such as postgres.veza.internal', HOST_NAME), host);
  const database = {
    host: vaultHost,
    appHost: d.optional('appHost', text('a host name such as postgres.veza-production.svc.cluster.local', HOST_NAME), vaultHost),
    port: d.optional('port', { allowed: 'a TCP port, a whole number from 1 to 65535', parse: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined) }, 5432),
    name: d.optional('name', PG_IDENTIFIER, 'veza'),
    username: d.optional('username', PG_IDENTIFIER, 'vault'),
    appUsername: d.optional('appUsername', PG_IDENTIFIER, 'veza'),
  };
  d.finish();
  // Vault outside the cluster does not resolve the cluster's DNS names (issue 10.3).
  const serverHost = server === undefined ? undefined : new URL(server).hostname;
  if (database.host !== undefined && serverHost !== undefined && !isClusterLocalHost(serverHost) && isClusterLocalHost(database.host)) {
    d.fail('host', database.host, `a host name Vault reaches where it runs (its server ${server} is outside the cluster, where cluster DNS names do not resolve), such as postgres.${env}.veza.internal; the in-cluster name goes in appHost`);
  }
  return database;
}

function readAws(providers: FieldReader, env: string): AwsConfig | undefined {
  const r = providers.object('aws');
  if (!r) return undefined;
  const region = r.required('region', awsRegion);
  const service = r.optional('service', oneOf(['SecretsManager', 'ParameterStore'] as const), 'SecretsManager');
  const expectedPrefix = service === 'ParameterStore' ? `/veza/${env}/` : `veza/${env}/`;
  const namePrefix = r.optional('namePrefix', text(`this environment's own prefix, ${JSON.stringify(expectedPrefix)}`, undefined, (v) => v === expectedPrefix), expectedPrefix);
  const a = r.object('auth');
  let auth: AwsAuthConfig | undefined;
  if (a) {
    const method = a.required('method', oneOf(['irsa', 'access-keys'] as const));
    if (method === 'irsa') {
      // ESO's JWT auth reads the role from the service account's eks.amazonaws.com/role-arn annotation
      // and refuses without it ("an IAM role must be associated with service account").
      const roleArn = a.required('roleArn', text('an IAM role ARN such as arn:aws:iam::123456789012:role/name', /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/));
      if (roleArn && !new RegExp(`:role/(.*[^a-z0-9])?${env}([^a-z0-9]|$)`).test(roleArn)) {
        a.fail('roleArn', roleArn, `a role of this environment, its name holding ${JSON.stringify(env)} such as arn:aws:iam::123456789012:role/veza-${env}-external-secrets`);
      }
      auth = roleArn === undefined ? undefined : { method, roleArn };
    } else if (method === 'access-keys') {
      const accessKeyId = readSecretKeyRef(a, 'accessKeyId');
      const secretAccessKey = readSecretKeyRef(a, 'secretAccessKey');
      auth = accessKeyId && secretAccessKey ? { method, accessKeyId, secretAccessKey } : undefined;
    }
    if (method !== undefined) a.finish(); // without a known method, no field can be called unknown
  }
  r.finish();
  return region && auth ? { region, service, namePrefix, auth } : undefined;
}

function readGcp(providers: FieldReader, env: string): GcpConfig | undefined {
  const r = providers.object('gcp');
  if (!r) return undefined;
  const projectId = r.required('projectId', text(
    `a Google Cloud project ID of this environment (6 to 30 lower-case letters, digits and '-', containing ${JSON.stringify(env)})`,
    GCP_PROJECT_ID,
    (v) => v.split('-').includes(env),
  ));
  const namePrefix = r.optional('namePrefix', text("letters, digits, '-' and '_' such as veza-", /^[A-Za-z0-9_-]*$/), 'veza-');
  const a = r.object('auth');
  let auth: GcpAuthConfig | undefined;
  if (a) {
    const method = a.required('method', oneOf(['workload-identity', 'service-account-key'] as const));
    if (method === 'workload-identity') {
      auth = { method, gcpServiceAccount: a.optional('gcpServiceAccount', text('a Google service account email such as name@project.iam.gserviceaccount.com', GCP_SERVICE_ACCOUNT)) };
      if (projectId && auth.gcpServiceAccount && !auth.gcpServiceAccount.endsWith(`@${projectId}.iam.gserviceaccount.com`)) {
        a.fail('gcpServiceAccount', auth.gcpServiceAccount, `an account of this environment's project, name@${projectId}.iam.gserviceaccount.com`);
      }
    } else if (method === 'service-account-key') {
      const key = readSecretKeyRef(a, 'key');
      auth = key && { method, key };
    }
    if (method !== undefined) a.finish(); // without a known method, no field can be called unknown
  }
  r.finish();
  return projectId && auth ? { projectId, namePrefix, auth } : undefined;
}

function readAzure(providers: FieldReader, env: string): AzureConfig | undefined {
  const r = providers.object('azure');
  if (!r) return undefined;
  const vaultUrl = r.required('vaultUrl', text('a Key Vault URL such as https://veza-production.vault.azure.net', AZURE_KEY_VAULT_URL));
  if (vaultUrl && !new RegExp(`^https://([a-z0-9]+-)*${env}(-[a-z0-9]+)*\\.`, 'i').test(vaultUrl)) {
    r.fail('vaultUrl', vaultUrl, `a Key Vault of this environment, its name holding ${JSON.stringify(env)} such as https://veza-${env}.vault.azure.net (a store must not read another environment's secrets)`);
  }
  const tenantId = r.optional('tenantId', UUID);
  const namePrefix = r.optional('namePrefix', text("letters, digits and '-' such as veza-", /^[A-Za-z0-9-]*$/), 'veza-');
  const a = r.object('auth');
  let auth: AzureAuthConfig | undefined;
  if (a) {
    const method = a.required('method', oneOf(['workload-identity', 'managed-identity', 'service-principal'] as const));
    if (method === 'workload-identity') {
      // ESO reads the client ID from the service account's annotation and the tenant from the store.
      const clientId = a.required('clientId', text('a GUID: the client ID of the identity the service account federates with (ESO: "missing clientID" without it)', undefined, (v) => guid.parse(v) !== undefined));
      if (!tenantId && !r.has('tenantId')) r.fail('tenantId', undefined, 'a GUID: workload-identity auth needs the tenant');
      auth = clientId === undefined ? undefined : { method, clientId };
    }
    else if (method === 'managed-identity') auth = { method, identityId: a.optional('identityId', UUID) };
    else if (method === 'service-principal') {
      const clientId = readSecretKeyRef(a, 'clientId');
      const clientSecret = readSecretKeyRef(a, 'clientSecret');
      if (!tenantId) r.fail('tenantId', undefined, 'a GUID: service-principal auth needs the tenant');
      auth = clientId && clientSecret ? { method, clientId, clientSecret } : undefined;
    }
    if (method !== undefined) a.finish(); // without a known method, no field can be called unknown
  }
  r.finish();
  return vaultUrl && auth ? { vaultUrl, tenantId, namePrefix, auth } : undefined;
}

/**
 * Reads every `*.yaml` of a folder, sorted by name, collecting the errors of all files before
 * throwing, and checks that no two environments share a namespace.
 */
export function loadEnvironments(dir: string, displayDir: string = dir): EnvironmentConfig[] {
  if (!fs.existsSync(dir)) throw new ConfigError([`${displayDir}: the environments folder does not exist`]);
  if (!fs.statSync(dir).isDirectory()) throw new ConfigError([`${displayDir}: is a file; allowed: a folder of environment files (*.yaml)`]);
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new ConfigError([`${displayDir}: holds no environment file (*.yaml)`]);
  const errors: string[] = [];
  const envs: EnvironmentConfig[] = [];
  for (const f of files) {
    try {
      envs.push(loadEnvironment(path.join(dir, f), `${displayDir}/${f}`));
    } catch (e) {
      if (e instanceof ConfigError) errors.push(...e.messages);
      else throw e;
    }
  }
  const byNamespace = new Map<string, string>();
  for (const env of envs) {
    const other = byNamespace.get(env.namespace);
    if (other) errors.push(`${env.file}: 'namespace' is ${JSON.stringify(env.namespace)}, already the namespace of ${other}; allowed: a namespace of this environment's own`);
    byNamespace.set(env.namespace, env.file);
  }
  errors.push(...rotationOrderErrors(envs));
  if (errors.length > 0) throw new ConfigError(errors);
  return envs;
}

/**
 * An environment's rotation offset must not be smaller than that of any environment of an
 * earlier tier: production is never due before staging, staging never before development.
 * @internal
 */
export function rotationOrderErrors(envs: readonly EnvironmentConfig[]): string[] {
  const errors: string[] = [];
  for (const env of envs) {
    const earlier = envs.filter((o) => TIERS.indexOf(o.tier) < TIERS.indexOf(env.tier) && o.rotation.offsetDays > env.rotation.offsetDays);
    if (earlier.length === 0) continue;
    const max = earlier.reduce((a, b) => (b.rotation.offsetDays > a.rotation.offsetDays ? b : a));
    errors.push(`${env.file}: 'rotation.offsetDays' is ${env.rotation.offsetDays} (a number); allowed: at least ${max.rotation.offsetDays}, the offset of ${max.file} (tier ${max.tier}), so that ${env.tier} rotates after ${max.tier}`);
  }
  return errors;
}
