import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { CreationPolicy, DeletionPolicy } from '../lib';
import { ConfigError } from '../lib/config/field-reader';
import { EnvironmentConfig, loadEnvironment, loadEnvironments, parseEnvironment } from '../lib/veza';
import { DEFAULT_ROTATION_OFFSET_DAYS } from '../lib/veza/environment-file';

const root = path.join(__dirname, '..');
const fixtures = path.join(__dirname, 'fixtures', 'environments');

/** A fresh copy of a committed environment file, parsed. */
function envDoc(env: 'development' | 'staging' | 'production'): any {
  return yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8'));
}

/** The messages of the ConfigError `fn` throws; fails when it throws nothing or something else. */
function configErrors(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) {
      // Every message is one line, and the error's message is those lines.
      for (const m of e.messages) expect(m).not.toContain('\n');
      expect(e.message).toBe(e.messages.join('\n'));
      return e.messages;
    }
    throw e;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const P = 'environments/production.yaml';
const S = 'environments/staging.yaml';
const D = 'environments/development.yaml';
const DURATION = 'a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m';
const DNS_LABEL = "a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)";

describe('parseEnvironment: the committed environment files', () => {
  test.each<[string, Partial<EnvironmentConfig>, number, CreationPolicy, DeletionPolicy]>([
    ['development', { name: 'development', namespace: 'veza-development', production: false, provider: 'vault' }, 300, CreationPolicy.OWNER, DeletionPolicy.DELETE],
    ['staging', { name: 'staging', namespace: 'veza-staging', production: true, provider: 'vault' }, 900, CreationPolicy.ORPHAN, DeletionPolicy.RETAIN],
    ['production', { name: 'production', namespace: 'veza-production', production: true, provider: 'vault' }, 3600, CreationPolicy.ORPHAN, DeletionPolicy.RETAIN],
  ])('%s', (env, expected, refreshSeconds, creationPolicy, deletionPolicy) => {
    const config = parseEnvironment(envDoc(env as 'production'), `environments/${env}.yaml`);
    expect(config).toMatchObject({ file: `environments/${env}.yaml`, ...expected });
    expect(config.externalSecret.refreshInterval.toSeconds()).toBe(refreshSeconds);
    expect(config.externalSecret.creationPolicy).toBe(creationPolicy);
    expect(config.externalSecret.deletionPolicy).toBe(deletionPolicy);
    expect(config.providers.vault).toMatchObject({ mount: 'secret', path: `veza/${env}`, auth: { method: 'kubernetes', role: `veza-${env}`, mountPath: undefined, audience: 'vault' } });
    expect(config.providers.aws).toMatchObject({ region: 'eu-west-3', service: 'SecretsManager', namePrefix: `veza/${env}/`, auth: { method: 'irsa' } });
    expect(config.providers.gcp).toMatchObject({ projectId: `veza-${env}`, namePrefix: 'veza-', auth: { method: 'workload-identity' } });
    expect(config.providers.azure).toMatchObject({ vaultUrl: `https://veza-${env}.vault.azure.net`, namePrefix: 'veza-', tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/), auth: { method: 'workload-identity', clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  });
});

describe('loadEnvironment: defaults of a minimal file', () => {
  test('every optional field takes its documented default', () => {
    const config = loadEnvironment(path.join(fixtures, 'minimal', 'development.yaml'), D);
    expect(config).toEqual({
      file: D,
      name: 'development',
      namespace: 'veza-development',
      tier: 'development',
      production: false,
      provider: 'aws',
      externalSecret: { refreshInterval: expect.anything(), creationPolicy: CreationPolicy.OWNER, deletionPolicy: DeletionPolicy.RETAIN },
      rotation: { offsetDays: DEFAULT_ROTATION_OFFSET_DAYS.development, vaultCidrs: undefined, apiServerCidrs: undefined },
      providers: {
        vault: {
          server: 'http://vault.vault-system.svc:8200', mount: 'secret', path: 'veza/development', auth: { method: 'kubernetes', role: 'veza-development', mountPath: undefined, audience: 'vault' },
          database: { host: 'veza-development-postgres.replace-me.invalid', appHost: 'veza-development-postgres.replace-me.invalid', port: 5432, name: 'veza', username: 'vault', appUsername: 'veza' },
        },
        aws: { region: 'eu-west-3', service: 'SecretsManager', namePrefix: 'veza/development/', auth: { method: 'irsa', roleArn: 'arn:aws:iam::111111111111:role/veza-development-external-secrets' } },
        gcp: { projectId: 'veza-development', namePrefix: 'veza-', auth: { method: 'workload-identity' } },
        azure: { vaultUrl: 'https://veza-development.vault.azure.net', namePrefix: 'veza-', auth: { method: 'managed-identity' } },
      },
    });
    expect(config.externalSecret.refreshInterval.toSeconds()).toBe(600);
  });

  test('creationPolicy defaults to Owner in development and Orphan elsewhere (what the rules allow)', () => {
    const production = envDoc('production');
    delete production.externalSecret.creationPolicy;
    expect(parseEnvironment(production, P).externalSecret.creationPolicy).toBe(CreationPolicy.ORPHAN);
    const development = envDoc('development');
    delete development.externalSecret.creationPolicy;
    expect(parseEnvironment(development, D).externalSecret.creationPolicy).toBe(CreationPolicy.OWNER);
  });

  test('the ParameterStore prefix defaults to /veza/<env>/', () => {
    const doc = envDoc('production');
    doc.providers.aws.service = 'ParameterStore';
    delete doc.providers.aws.namePrefix;
    expect(parseEnvironment(doc, P).providers.aws.namePrefix).toBe('/veza/production/');
  });

  test('the other auth methods of each provider are read', () => {
    const doc = envDoc('production');
    doc.providers.vault.auth = { method: 'approle', roleId: 'veza-production', secretId: { name: 'vault-approle', key: 'secret-id' } };
    doc.providers.aws.auth = { method: 'access-keys', accessKeyId: { name: 'aws', key: 'id' }, secretAccessKey: { name: 'aws', key: 'secret' } };
    doc.providers.gcp.auth = { method: 'service-account-key', key: { name: 'gcp', key: 'key.json' } };
    doc.providers.azure.tenantId = '11111111-2222-3333-4444-555555555555';
    doc.providers.azure.auth = { method: 'service-principal', clientId: { name: 'azure', key: 'id' }, clientSecret: { name: 'azure', key: 'secret' } };
    const config = parseEnvironment(doc, P);
    expect(config.providers.vault.auth).toEqual({ method: 'approle', roleId: 'veza-production', secretId: { name: 'vault-approle', key: 'secret-id' }, mountPath: 'approle' });
    expect(config.providers.aws.auth).toEqual({ method: 'access-keys', accessKeyId: { name: 'aws', key: 'id' }, secretAccessKey: { name: 'aws', key: 'secret' } });
    expect(config.providers.gcp.auth).toEqual({ method: 'service-account-key', key: { name: 'gcp', key: 'key.json' } });
    expect(config.providers.azure.auth).toEqual({ method: 'service-principal', clientId: { name: 'azure', key: 'id' }, clientSecret: { name: 'azure', key: 'secret' } });
  });

  test('development may use plain http for Vault and deletionPolicy Delete', () => {
    const doc = envDoc('development');
    expect(doc.providers.vault.server).toBe('http://vault.vault-system.svc:8200');
    expect(doc.externalSecret.deletionPolicy).toBe('Delete');
    const config = parseEnvironment(doc, D);
    expect(config.providers.vault.server).toBe('http://vault.vault-system.svc:8200');
    expect(config.externalSecret.deletionPolicy).toBe(DeletionPolicy.DELETE);
  });
});

describe('parseEnvironment: one exact one-line message per problem', () => {
  type Edit = (doc: any) => void;
  test.each<[string, 'development' | 'staging' | 'production', Edit, string[]]>([
    ['a missing field', 'production', (d) => delete d.provider, [`${P}: 'provider' is missing; allowed: vault, aws, gcp, azure`]],
    ['a missing nested field', 'production', (d) => delete d.providers.vault.server, [`${P}: 'providers.vault.server' is missing; allowed: an https:// URL without a password (TLS is required outside development)`]],
    ['a missing section', 'production', (d) => delete d.externalSecret, [`${P}: 'externalSecret' is missing; allowed: a mapping of fields`]],
    ['a wrong type (number for a duration)', 'production', (d) => { d.externalSecret.refreshInterval = 5; }, [`${P}: 'externalSecret.refreshInterval' is 5 (a number); allowed: ${DURATION}`]],
    ['a wrong type (list for a mapping)', 'production', (d) => { d.providers = ['vault']; }, [`${P}: 'providers' is the list ["vault"]; allowed: a mapping of fields`]],
    ['a wrong type (boolean for a name)', 'production', (d) => { d.namespace = true; }, [`${P}: 'namespace' is true (a boolean); allowed: ${DNS_LABEL}`]],
    ['an unknown field (a typo)', 'production', (d) => { d.externalSecret.refreshIntervall = d.externalSecret.refreshInterval; delete d.externalSecret.refreshInterval; }, [
      `${P}: 'externalSecret.refreshInterval' is missing; allowed: ${DURATION}`,
      `${P}: 'externalSecret.refreshIntervall' is not a known field; allowed: refreshInterval, creationPolicy, deletionPolicy`,
    ]],
    ['an unknown top-level field', 'production', (d) => { d.replicas = 2; }, [`${P}: 'replicas' is not a known field; allowed: name, namespace, tier, provider, externalSecret, rotation, providers`]],
    ['an unknown provider', 'production', (d) => { d.provider = 'hashicorp'; }, [`${P}: 'provider' is "hashicorp"; allowed: vault, aws, gcp, azure`]],
    ['an unknown provider block', 'production', (d) => { d.providers.doppler = { project: 'veza' }; }, [`${P}: 'providers.doppler' is not a known field; allowed: vault, aws, gcp, azure`]],
    ['an unknown auth method', 'production', (d) => { d.providers.aws.auth = { method: 'oidc' }; }, [`${P}: 'providers.aws.auth.method' is "oidc"; allowed: irsa, access-keys`]],
    // ESO's IRSA login reads the role from the service account's annotation and refuses one without it.
    ['IRSA without a role', 'production', (d) => { delete d.providers.aws.auth.roleArn; }, [`${P}: 'providers.aws.auth.roleArn' is missing; allowed: an IAM role ARN such as arn:aws:iam::123456789012:role/name`]],
    ['a missing auth method: the other auth fields are not called unknown', 'production', (d) => delete d.providers.vault.auth.method, [
      `${P}: 'providers.vault.auth.method' is missing; allowed: kubernetes, jwt, approle, token`,
    ]],
    ['a misspelt auth method: the other auth fields are not called unknown', 'production', (d) => { d.providers.azure.auth = { method: 'workload', clientId: '11111111-2222-3333-4444-555555555555' }; }, [
      `${P}: 'providers.azure.auth.method' is "workload"; allowed: workload-identity, managed-identity, service-principal`,
    ]],
    ['a typo in a field of a known auth method', 'production', (d) => { d.providers.vault.auth.rol = 'veza-production'; }, [
      `${P}: 'providers.vault.auth.rol' is not a known field; allowed: method, role, mountPath, audience`,
    ]],
    ['a field of another auth method', 'production', (d) => { d.providers.gcp.auth.key = { name: 'gcp', key: 'key.json' }; }, [
      `${P}: 'providers.gcp.auth.key' is not a known field; allowed: method, gcpServiceAccount`,
    ]],
    ['an invalid namespace', 'production', (d) => { d.namespace = 'Veza_Production'; }, [`${P}: 'namespace' is "Veza_Production"; allowed: ${DNS_LABEL}`]],
    ['a namespace too long', 'production', (d) => { d.namespace = 'v'.repeat(64); }, [`${P}: 'namespace' is "${'v'.repeat(64)}"; allowed: ${DNS_LABEL}`]],
    ['a duration in words', 'production', (d) => { d.externalSecret.refreshInterval = '1 hour'; }, [`${P}: 'externalSecret.refreshInterval' is "1 hour"; allowed: ${DURATION}`]],
    ['a duration in days', 'production', (d) => { d.externalSecret.refreshInterval = '1d'; }, [`${P}: 'externalSecret.refreshInterval' is "1d"; allowed: ${DURATION}`]],
    ['a zero duration', 'production', (d) => { d.externalSecret.refreshInterval = '0s'; }, [`${P}: 'externalSecret.refreshInterval' is "0s"; allowed: ${DURATION}`]],
    ['an unknown creationPolicy', 'production', (d) => { d.externalSecret.creationPolicy = 'owner'; }, [`${P}: 'externalSecret.creationPolicy' is "owner"; allowed: Owner, Orphan`]],
    ['an http Vault URL in production', 'production', (d) => { d.providers.vault.server = 'http://vault.veza.internal:8200'; }, [
      `${P}: 'providers.vault.server' is "http://vault.veza.internal:8200"; allowed: an https:// URL without a password (TLS is required outside development)`,
    ]],
    ['an http Vault URL in staging', 'staging', (d) => { d.providers.vault.server = 'http://vault.veza.internal:8200'; }, [
      `${S}: 'providers.vault.server' is "http://vault.veza.internal:8200"; allowed: an https:// URL without a password (TLS is required outside development)`,
    ]],
    ['a Vault URL that is not http(s) in development', 'development', (d) => { d.providers.vault.server = 'vault:8200'; }, [
      `${D}: 'providers.vault.server' is "vault:8200"; allowed: an http:// or https:// URL without a password`,
    ]],
    ['another environment\'s Vault path', 'production', (d) => { d.providers.vault.path = 'veza/staging'; }, [
      `${P}: 'providers.vault.path' is "veza/staging"; allowed: this environment's own path, "veza/production" (a store must not read another environment's secrets)`,
    ]],
    ['another environment\'s Vault role', 'production', (d) => { d.providers.vault.auth.role = 'veza-staging'; }, [
      `${P}: 'providers.vault.auth.role' is "veza-staging"; allowed: this environment's own role, "veza-production" (a role per environment)`,
    ]],
    ['another environment\'s AWS prefix', 'staging', (d) => { d.providers.aws.namePrefix = 'veza/production/'; }, [
      `${S}: 'providers.aws.namePrefix' is "veza/production/"; allowed: this environment's own prefix, "veza/staging/"`,
    ]],
    ['another environment\'s GCP project', 'staging', (d) => { d.providers.gcp.projectId = 'veza-production'; }, [
      `${S}: 'providers.gcp.projectId' is "veza-production"; allowed: a Google Cloud project ID of this environment (6 to 30 lower-case letters, digits and '-', containing "staging")`,
    ]],
    ['deletionPolicy Delete in production', 'production', (d) => { d.externalSecret.deletionPolicy = 'Delete'; }, [
      `${P}: 'externalSecret.deletionPolicy' is "Delete"; allowed: Retain outside development (the live Secret must never be dropped because a provider entry went missing)`,
    ]],
    ['deletionPolicy Merge in staging', 'staging', (d) => { d.externalSecret.deletionPolicy = 'Merge'; }, [
      `${S}: 'externalSecret.deletionPolicy' is "Merge"; allowed: Retain, Delete`,
    ]],
    ['creationPolicy Owner in production', 'production', (d) => { d.externalSecret.creationPolicy = 'Owner'; }, [
      `${P}: 'externalSecret.creationPolicy' is "Owner"; allowed: Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)`,
    ]],
    ['a namespace of another environment', 'production', (d) => { d.namespace = 'veza-staging'; }, [
      `${P}: 'namespace' is "veza-staging"; allowed: a namespace of this environment, holding "production" such as "veza-production"`,
    ]],
    ['another environment\'s IAM role', 'production', (d) => { d.providers.aws.auth.roleArn = 'arn:aws:iam::222222222222:role/veza-staging-external-secrets'; }, [
      `${P}: 'providers.aws.auth.roleArn' is "arn:aws:iam::222222222222:role/veza-staging-external-secrets"; allowed: a role of this environment, its name holding "production" such as arn:aws:iam::123456789012:role/veza-production-external-secrets`,
    ]],
    ['a Google service account of another project', 'production', (d) => { d.providers.gcp.auth.gcpServiceAccount = 'veza-external-secrets@veza-staging.iam.gserviceaccount.com'; }, [
      `${P}: 'providers.gcp.auth.gcpServiceAccount' is "veza-external-secrets@veza-staging.iam.gserviceaccount.com"; allowed: an account of this environment's project, name@veza-production.iam.gserviceaccount.com`,
    ]],
    ['another environment\'s Key Vault', 'production', (d) => { d.providers.azure.vaultUrl = 'https://veza-staging.vault.azure.net'; }, [
      `${P}: 'providers.azure.vaultUrl' is "https://veza-staging.vault.azure.net"; allowed: a Key Vault of this environment, its name holding "production" such as https://veza-production.vault.azure.net (a store must not read another environment's secrets)`,
    ]],
    ['a database port out of range', 'production', (d) => { d.providers.vault.database = { port: 70000 }; }, [
      `${P}: 'providers.vault.database.port' is 70000 (a number); allowed: a TCP port, a whole number from 1 to 65535`,
    ]],
    ['creationPolicy Merge in development', 'development', (d) => { d.externalSecret.creationPolicy = 'Merge'; }, [
      `${D}: 'externalSecret.creationPolicy' is "Merge"; allowed: Owner, Orphan`,
    ]],
    ['the file name and name differ', 'production', (d) => { d.name = 'staging'; }, [`${P}: 'name' is "staging"; allowed: the file's own name, "production"`]],
    ['an AWS region in capitals', 'production', (d) => { d.providers.aws.region = 'EU-WEST-3'; }, [`${P}: 'providers.aws.region' is "EU-WEST-3"; allowed: an AWS region such as eu-west-3`]],
    ['an IAM role ARN that is not one', 'production', (d) => { d.providers.aws.auth.roleArn = 'veza-production-external-secrets'; }, [
      `${P}: 'providers.aws.auth.roleArn' is "veza-production-external-secrets"; allowed: an IAM role ARN such as arn:aws:iam::123456789012:role/name`,
    ]],
    ['a Key Vault URL of another service', 'production', (d) => { d.providers.azure.vaultUrl = 'https://veza-production.example.com'; }, [
      `${P}: 'providers.azure.vaultUrl' is "https://veza-production.example.com"; allowed: a Key Vault URL such as https://veza-production.vault.azure.net`,
    ]],
    // ESO's workload identity reads the client ID from the service account and the tenant from the store.
    ['workload identity without a client ID', 'production', (d) => { delete d.providers.azure.auth.clientId; }, [
      `${P}: 'providers.azure.auth.clientId' is missing; allowed: a GUID: the client ID of the identity the service account federates with (ESO: "missing clientID" without it)`,
    ]],
    ['workload identity with a client ID that is not a GUID', 'production', (d) => { d.providers.azure.auth.clientId = 'veza-production'; }, [
      `${P}: 'providers.azure.auth.clientId' is "veza-production"; allowed: a GUID: the client ID of the identity the service account federates with (ESO: "missing clientID" without it)`,
    ]],
    ['workload identity without a tenant', 'production', (d) => { delete d.providers.azure.tenantId; }, [
      `${P}: 'providers.azure.tenantId' is missing; allowed: a GUID: workload-identity auth needs the tenant`,
    ]],
    ['workload identity without either', 'production', (d) => { delete d.providers.azure.tenantId; delete d.providers.azure.auth.clientId; }, [
      `${P}: 'providers.azure.auth.clientId' is missing; allowed: a GUID: the client ID of the identity the service account federates with (ESO: "missing clientID" without it)`,
      `${P}: 'providers.azure.tenantId' is missing; allowed: a GUID: workload-identity auth needs the tenant`,
    ]],
    ['a tenant that is not a GUID', 'production', (d) => { d.providers.azure.tenantId = 'veza'; }, [`${P}: 'providers.azure.tenantId' is "veza"; allowed: a GUID such as 00000000-0000-0000-0000-000000000000`]],
    ['service-principal auth without a tenant', 'production', (d) => { delete d.providers.azure.tenantId; d.providers.azure.auth = { method: 'service-principal', clientId: { name: 'a', key: 'id' }, clientSecret: { name: 'a', key: 's' } }; }, [
      `${P}: 'providers.azure.tenantId' is missing; allowed: a GUID: service-principal auth needs the tenant`,
    ]],
    ['a Secret reference without key', 'production', (d) => { d.providers.gcp.auth = { method: 'service-account-key', key: { name: 'gcp' } }; }, [
      `${P}: 'providers.gcp.auth.key.key' is missing; allowed: a Secret data key (letters, digits, '-', '_' and '.')`,
    ]],
    ['a caProvider of an unknown type', 'production', (d) => { d.providers.vault.caProvider.type = 'File'; }, [`${P}: 'providers.vault.caProvider.type' is "File"; allowed: Secret, ConfigMap`]],
    ['two problems in one file: both are reported', 'production', (d) => { d.provider = 'hashicorp'; d.namespace = 'Veza'; }, [
      `${P}: 'namespace' is "Veza"; allowed: ${DNS_LABEL}`,
      `${P}: 'provider' is "hashicorp"; allowed: vault, aws, gcp, azure`,
    ]],
  ])('%s', (_case, env, edit, expected) => {
    const doc = envDoc(env);
    edit(doc);
    expect(configErrors(() => parseEnvironment(doc, `environments/${env}.yaml`))).toEqual(expected);
  });

  test.each<[string, unknown, string]>([
    ['a list', ['name: production'], `${P}: the file must hold a mapping of fields; it holds the list [\"name: production\"]`],
    ['a string', 'production', `${P}: the file must hold a mapping of fields; it holds "production"`],
    ['nothing', undefined, `${P}: the file must hold a mapping of fields; it holds nothing`],
  ])('a document that is %s', (_case, doc, message) => {
    expect(configErrors(() => parseEnvironment(doc, P))).toEqual([message]);
  });
});

describe('loadEnvironment and loadEnvironments: files and folders', () => {
  test('a file that is not YAML', () => {
    expect(configErrors(() => loadEnvironment(path.join(fixtures, 'not-yaml', 'production.yaml'), P)))
      .toEqual([`${P}: not readable YAML: bad indentation of a mapping entry (3:11)`]);
  });

  test('an empty file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-env-'));
    fs.writeFileSync(path.join(dir, 'production.yaml'), '');
    expect(configErrors(() => loadEnvironment(path.join(dir, 'production.yaml'), P))).toEqual([`${P}: not readable YAML: expected a document, but the input is empty`]);
    fs.rmSync(dir, { recursive: true });
  });

  test('a file whose name is not its name: field', () => {
    expect(configErrors(() => loadEnvironments(path.join(fixtures, 'name-mismatch'), 'environments')))
      .toEqual([`environments/development.yaml: 'name' is "dev"; allowed: the file's own name, "development"`]);
  });

  test('two environments with the same namespace', () => {
    expect(configErrors(() => loadEnvironments(path.join(fixtures, 'same-namespace'), 'environments'))).toEqual([
      `environments/staging.yaml: 'namespace' is "veza-development-staging", already the namespace of environments/development.yaml; allowed: a namespace of this environment's own`,
    ]);
  });

  test('the errors of every file are collected before throwing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-env-'));
    fs.copyFileSync(path.join(fixtures, 'not-yaml', 'production.yaml'), path.join(dir, 'production.yaml'));
    fs.copyFileSync(path.join(fixtures, 'name-mismatch', 'development.yaml'), path.join(dir, 'development.yaml'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an environment');
    expect(configErrors(() => loadEnvironments(dir, 'environments'))).toEqual([
      `environments/development.yaml: 'name' is "dev"; allowed: the file's own name, "development"`,
      `environments/production.yaml: not readable YAML: bad indentation of a mapping entry (3:11)`,
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  test('the committed folder loads, sorted by file name', () => {
    const files = fs.readdirSync(path.join(root, 'environments')).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toEqual(expect.arrayContaining(['development.yaml', 'production.yaml', 'staging.yaml']));
    expect(loadEnvironments(path.join(root, 'environments'), 'environments').map((e) => e.file)).toEqual(files.map((f) => `environments/${f}`));
  });

  test('a folder that does not exist', () => {
    expect(configErrors(() => loadEnvironments(path.join(fixtures, 'no-such-folder'), 'environments'))).toEqual(['environments: the environments folder does not exist']);
  });

  test('a folder without environment files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-env-'));
    expect(configErrors(() => loadEnvironments(dir, 'environments'))).toEqual(['environments: holds no environment file (*.yaml)']);
    fs.rmSync(dir, { recursive: true });
  });
});
