import { Duration } from 'cdk8s';
import { RotationClass, RotationMethod, SecretCatalog } from '../eso/secret-catalog';

/**
 * The rotation classes of the seed's "Rotate secrets regularly": JWT secrets every 90 days,
 * database passwords every 180 days (PostgreSQL's by Vault's engine, Redis's by a person), API
 * keys as the provider recommends. "Every N days" is N days after the last rotation: a daily
 * job rotates what is due (docs/rotation.md).
 */
export const ROTATION_CLASSES = {
  signingSecret: {
    name: 'signing-secret',
    method: RotationMethod.GENERATE,
    interval: Duration.days(90),
    // The longest lifetime of a token signed with it: what was signed before a rotation is still accepted.
    gracePeriod: Duration.hours(24),
    description: 'A signing key only Veza uses: generated from random bytes every 90 days; the value replaced stays accepted as <key>-previous for 24 hours.',
  },
  databaseCredential: {
    name: 'database-credential',
    method: RotationMethod.DATABASE_ENGINE,
    interval: Duration.days(180),
    description: 'A password the database must learn too: rotated every 180 days by Vault\'s database secrets engine (asked by a daily job when due), which changes both sides; veza-secrets renders the URL from the engine\'s current credentials.',
  },
  cacheCredential: {
    name: 'cache-credential',
    method: RotationMethod.MANUAL,
    interval: Duration.days(180),
    description: 'The Redis password in redis-url (the default user\'s, as in redis://:PASSWORD@HOST:6379/0): changed by a person every 180 days, on the Redis server and in the secret store together. Vault\'s Redis plugin manages ACL users through an admin login and would need the Redis connection this project does not know.',
  },
  providerApiKey: {
    name: 'provider-api-key',
    method: RotationMethod.MANUAL,
    description: 'Issued by a third party (Stripe, the SMTP host, AWS IAM): rotated by a person in that provider\'s console, as it recommends, then written to the secret store.',
  },
} as const satisfies Record<string, RotationClass>;

/** The Veza services that read secrets, by their Deployment and service-account name. */
export const VEZA_SERVICES = ['veza-backend-api', 'veza-stream-server'] as const;

/** A Veza service that reads secrets. */
export type VezaService = (typeof VEZA_SERVICES)[number];

const ALL = VEZA_SERVICES;
const BACKEND = ['veza-backend-api'] as const;
const STREAM = ['veza-stream-server'] as const;

/**
 * Veza's secrets: the seed's "Secret Structure" tables. The web front end is absent on
 * purpose: what it holds is served to every browser, so it consumes no secret.
 */
export const VEZA_CATALOG = SecretCatalog.define({
  services: VEZA_SERVICES,
  secrets: {
    'database-url': {
      description: 'PostgreSQL connection string',
      placeholder: 'postgresql://USER:PASSWORD@HOST:5432/veza?sslmode=require',
      consumers: ALL,
      rotation: ROTATION_CLASSES.databaseCredential,
    },
    'redis-url': {
      description: 'Redis connection string',
      placeholder: 'redis://:PASSWORD@HOST:6379/0',
      consumers: ALL,
      rotation: ROTATION_CLASSES.cacheCredential,
    },
    'jwt-secret': {
      description: 'JWT signing secret (min 32 chars)',
      placeholder: 'RANDOM-64-CHARACTERS',
      consumers: ALL,
      rotation: ROTATION_CLASSES.signingSecret,
    },
    'stripe-api-key': {
      description: 'Stripe API key for payments',
      placeholder: 'sk_live_REPLACE_ME',
      consumers: BACKEND,
      rotation: ROTATION_CLASSES.providerApiKey,
    },
    'stripe-webhook-secret': {
      description: 'Stripe webhook signing secret',
      placeholder: 'whsec_REPLACE_ME',
      consumers: BACKEND,
      rotation: ROTATION_CLASSES.providerApiKey,
    },
    'smtp-password': {
      description: 'SMTP password for emails',
      placeholder: 'REPLACE_ME',
      consumers: BACKEND,
      rotation: ROTATION_CLASSES.providerApiKey,
    },
    's3-access-key': {
      description: 'AWS S3 access key',
      placeholder: 'AKIA_REPLACE_ME',
      consumers: BACKEND,
      rotation: ROTATION_CLASSES.providerApiKey,
    },
    's3-secret-key': {
      description: 'AWS S3 secret key',
      placeholder: 'REPLACE_ME',
      consumers: BACKEND,
      rotation: ROTATION_CLASSES.providerApiKey,
    },
    'stream-server-secret': {
      description: 'Secret for stream server authentication',
      placeholder: 'RANDOM-64-CHARACTERS',
      consumers: STREAM,
      rotation: ROTATION_CLASSES.signingSecret,
    },
  },
});

/** The type of Veza's catalog. */
export type VezaCatalog = typeof VEZA_CATALOG;
/** A key of Veza's catalog. */
export type VezaSecretKey = VezaCatalog['keys'][number];
