// What the type checker refuses. `npm test` runs `tsc -p tsconfig.json` before jest: each
// `@ts-expect-error` below must meet an error, or the build fails ("Unused '@ts-expect-error'
// directive"), so a consumer naming a key its service does not hold fails to compile.
import * as path from 'path';
import { KeysOf, PreviousKeysOf, RotationMethod } from '../lib';
import { loadEnvironments, VEZA_CATALOG, VezaApp, VezaCatalog, VezaSecretKey } from '../lib/veza';

const app = new VezaApp({ environments: loadEnvironments(path.join(__dirname, '..', 'environments')) });
const secrets = app.environments[0].consumers.secrets;
const stream = secrets.forService('veza-stream-server');
const backend = secrets.forService('veza-backend-api');

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const exact = <A, B>(value: Equal<A, B>) => value;

// The seed's keys each service may name: each element compiles only if KeysOf allows it. Exactly
// these and no more as long as the catalog holds only the seed's keys; a key a user adds is checked
// for every service at run time below (keysFor and envValue follow each entry's consumers).
const backendSeedKeys: KeysOf<VezaCatalog, 'veza-backend-api'>[] = ['database-url', 'redis-url', 'jwt-secret', 'stripe-api-key', 'stripe-webhook-secret', 'smtp-password', 's3-access-key', 's3-secret-key'];
const streamSeedKeys: KeysOf<VezaCatalog, 'veza-stream-server'>[] = ['database-url', 'redis-url', 'jwt-secret', 'stream-server-secret'];
// Whatever KeysOf allows is a key of the catalog.
exact<Extract<KeysOf<VezaCatalog, 'veza-backend-api'>, VezaSecretKey>, KeysOf<VezaCatalog, 'veza-backend-api'>>(true);
exact<Extract<KeysOf<VezaCatalog, 'veza-stream-server'>, VezaSecretKey>, KeysOf<VezaCatalog, 'veza-stream-server'>>(true);

// The keys whose previous value each service may name are among its keys (the exact list is
// checked at run time below, derived from the catalog).
exact<PreviousKeysOf<VezaCatalog, 'veza-stream-server'> extends KeysOf<VezaCatalog, 'veza-stream-server'> ? true : false, true>(true);
exact<PreviousKeysOf<VezaCatalog, 'veza-backend-api'> extends KeysOf<VezaCatalog, 'veza-backend-api'> ? true : false, true>(true);

function refusedAtCompileTime(): void {
  // @ts-expect-error: stripe-api-key is rotated by hand: no previous value to name.
  backend.previousEnvValue('stripe-api-key');
  // @ts-expect-error: database-url follows the database engine: no previous value.
  stream.previousEnvValue('database-url');
  // @ts-expect-error: the stream server does not hold the backend's keys, previous or not.
  stream.previousEnvValue('smtp-password');
  // @ts-expect-error: the stream server does not hold the Stripe key.
  stream.envValue('stripe-api-key');
  // @ts-expect-error: a key of no service (a typo).
  backend.envValue('jwt-secrett');
  // @ts-expect-error: the backend does not hold the stream server's secret.
  backend.volume(app, 'v', { keys: ['stream-server-secret'] });
  // @ts-expect-error: the stream server does not hold the S3 keys.
  stream.envFrom({ keys: ['s3-secret-key'] });
  // @ts-expect-error: the web front end consumes no secret.
  secrets.forService('veza-web');
}

test('previousEnvValue compiles exactly for the keys whose class keeps a previous value (derived from the catalog)', () => {
  for (const view of [stream, backend] as unknown as { keys: readonly string[]; previousKeys: readonly string[]; previousEnvValue(k: string): unknown }[]) {
    const expected = view.keys.filter((k) => VEZA_CATALOG.entry(k as never).rotation.method === RotationMethod.GENERATE);
    expect(view.previousKeys).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    for (const key of view.previousKeys) expect(() => view.previousEnvValue(key)).not.toThrow();
  }
  // Typed: each of these compiles.
  stream.previousEnvValue('stream-server-secret');
  backend.previousEnvValue('jwt-secret');
});

test('the same mistakes, forced past the type checker, are refused at run time', () => {
  expect(typeof refusedAtCompileTime).toBe('function');
  const untyped = stream as unknown as { envValue(key: string): unknown };
  expect(() => untyped.envValue('stripe-api-key')).toThrow(
    "[development/Applied/vault/vault-external-secret/veza-secrets]: 'key' names \"stripe-api-key\", not a key of veza-stream-server; allowed: database-url, redis-url, jwt-secret, stream-server-secret.",
  );
  expect(() => untyped.envValue('jwt-secrett')).toThrow("'key' names \"jwt-secrett\", not a key of veza-stream-server");
  expect(stream.keys).toEqual(VEZA_CATALOG.keysFor('veza-stream-server'));
  const untypedPrevious = backend as unknown as { previousEnvValue(key: string): unknown };
  expect(() => untypedPrevious.previousEnvValue('stripe-api-key')).toThrow(
    "[development/Applied/vault/vault-external-secret/veza-secrets]: 'key' names \"stripe-api-key\", whose rotation class keeps no previous value; allowed: jwt-secret.",
  );
});

test('each service may name exactly the catalog keys it consumes, the seed\'s among them', () => {
  expect(backend.keys).toEqual(expect.arrayContaining(backendSeedKeys));
  expect(stream.keys).toEqual(expect.arrayContaining(streamSeedKeys));
  for (const service of VEZA_CATALOG.services) {
    const helper = secrets.forService(service) as unknown as { keys: readonly string[]; envValue(key: string): unknown };
    for (const entry of VEZA_CATALOG.all) {
      const consumes = (entry.consumers as readonly string[]).includes(service);
      expect([service, entry.key, helper.keys.includes(entry.key)]).toEqual([service, entry.key, consumes]);
      if (consumes) expect(() => helper.envValue(entry.key)).not.toThrow();
      else expect(() => helper.envValue(entry.key)).toThrow(`'key' names "${entry.key}", not a key of ${service}`);
    }
  }
});
