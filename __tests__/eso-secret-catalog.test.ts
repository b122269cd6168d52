import { Duration } from 'cdk8s';
import { RotationClass, RotationMethod, SecretCatalog, SecretDefinition } from '../lib';
import { gracePeriodOf, keepsPreviousValue } from '../lib/eso/secret-catalog';

const GENERATED: RotationClass = {
  name: 'signing-secret', method: RotationMethod.GENERATE, interval: Duration.days(90), description: 'generated',
};
const ENGINE: RotationClass = { name: 'database-credential', method: RotationMethod.DATABASE_ENGINE, interval: Duration.days(180), description: 'engine' };
const MANUAL: RotationClass = { name: 'provider-api-key', method: RotationMethod.MANUAL, description: 'by hand' };

function define(secrets: Record<string, Partial<SecretDefinition<string>>>, services: string[] = ['api', 'stream']) {
  const full: Record<string, SecretDefinition<string>> = {};
  for (const [key, def] of Object.entries(secrets)) {
    full[key] = { description: key, placeholder: 'REPLACE_ME', consumers: ['api'], rotation: MANUAL, ...def };
  }
  return new SecretCatalog<string, string>({ services, secrets: full });
}

describe('SecretCatalog', () => {
  const catalog = SecretCatalog.define({
    services: ['api', 'stream'],
    secrets: {
      'database-url': { description: 'db', placeholder: 'postgresql://USER:PASSWORD@HOST/db', consumers: ['api', 'stream'], rotation: ENGINE },
      'jwt-secret': { description: 'jwt', placeholder: 'RANDOM', consumers: ['api'], rotation: GENERATED },
      'stripe-api-key': { description: 'stripe', placeholder: 'sk_live_REPLACE_ME', consumers: ['api'], rotation: MANUAL, remoteName: 'stripe-key' },
      'stream-server-secret': { description: 'stream', placeholder: 'RANDOM', consumers: ['stream'], rotation: GENERATED },
    },
  });

  test('defaults: keys in definition order, remoteName defaults to the key', () => {
    expect(catalog.keys).toEqual(['database-url', 'jwt-secret', 'stripe-api-key', 'stream-server-secret']);
    expect(catalog.services).toEqual(['api', 'stream']);
    expect(catalog.entry('jwt-secret')).toEqual({
      key: 'jwt-secret', remoteName: 'jwt-secret', description: 'jwt', placeholder: 'RANDOM', consumers: ['api'], rotation: GENERATED,
    });
    expect(catalog.all.map((e) => e.remoteName)).toEqual(['database-url', 'jwt-secret', 'stripe-key', 'stream-server-secret']);
  });

  test('remoteName', () => {
    expect(catalog.entry('stripe-api-key').remoteName).toBe('stripe-key');
  });

  test('keysFor: the keys a service consumes, in definition order', () => {
    expect(catalog.keysFor('api')).toEqual(['database-url', 'jwt-secret', 'stripe-api-key']);
    expect(catalog.keysFor('stream')).toEqual(['database-url', 'stream-server-secret']);
  });

  test('keysFor is typed: the type checker knows which keys a service may name (npm test runs tsc)', () => {
    type StreamKey = ReturnType<typeof catalog.keysFor<'stream'>>[number];
    const ok: StreamKey[] = ['database-url', 'stream-server-secret'];
    // @ts-expect-error the stream server does not consume jwt-secret
    const notConsumed: StreamKey = 'jwt-secret';
    expect([...ok, notConsumed]).toEqual(['database-url', 'stream-server-secret', 'jwt-secret']);
  });

  test('rotationClasses: each class once, in order of first use', () => {
    expect(catalog.rotationClasses).toEqual([ENGINE, GENERATED, MANUAL]);
  });

  test('has', () => {
    expect(catalog.has('jwt-secret')).toBe(true);
    expect(catalog.has('chat-jwt-secret')).toBe(false);
  });

  test('a MANUAL class needs no interval; a GENERATE class\'s grace period defaults to 24 hours', () => {
    expect(define({ a: { rotation: MANUAL }, b: { rotation: GENERATED } }).keys).toEqual(['a', 'b']);
    expect(gracePeriodOf(GENERATED)!.toHours()).toBe(24);
    expect(gracePeriodOf({ ...GENERATED, gracePeriod: Duration.hours(2) })!.toHours()).toBe(2);
    expect(gracePeriodOf(ENGINE)).toBeUndefined();
    expect(keepsPreviousValue(GENERATED)).toBe(true);
    expect([ENGINE, MANUAL].map(keepsPreviousValue)).toEqual([false, false]);
  });

  test.each<[string, () => unknown, string]>([
    ['duplicate remote names', () => define({ 'jwt-secret': {}, 'jwt': { remoteName: 'jwt-secret' } }),
      "SecretCatalog: 'secrets.jwt.remoteName' \"jwt-secret\" is already the remote name of \"jwt-secret\"; each key needs its own."],
    ['an unknown consumer', () => define({ 'jwt-secret': { consumers: ['api', 'chat-server'] } }),
      "SecretCatalog: 'secrets.jwt-secret.consumers' names \"chat-server\", which is not in 'services' (api, stream)."],
    ['empty consumers', () => define({ 'jwt-secret': { consumers: [] } }),
      "SecretCatalog: 'secrets.jwt-secret.consumers' is empty; a secret nobody reads does not belong in the catalog."],
    ['GENERATE without interval', () => define({ 'jwt-secret': { rotation: { ...GENERATED, interval: undefined } } }),
      "SecretCatalog: 'secrets.jwt-secret.rotation' (signing-secret) rotates by generate but has no 'interval'."],
    ['DATABASE_ENGINE without interval', () => define({ 'database-url': { rotation: { ...ENGINE, interval: undefined } } }),
      "SecretCatalog: 'secrets.database-url.rotation' (database-credential) rotates by database-engine but has no 'interval'."],
    ['an interval that is not whole days', () => define({ 'jwt-secret': { rotation: { ...GENERATED, interval: Duration.hours(36) } } }),
      "SecretCatalog: 'secrets.jwt-secret.rotation.interval' (signing-secret) must be a whole number of days, at least 1 (a daily job rotates what is due). The value passed is: 36h"],
    ['a grace period as long as the interval', () => define({ 'jwt-secret': { rotation: { ...GENERATED, gracePeriod: Duration.days(90) } } }),
      "SecretCatalog: 'secrets.jwt-secret.rotation.gracePeriod' (signing-secret) must be a whole number of seconds, at least 1s and shorter than 'interval' (2160h). The value passed is: 2160h"],
    ['a default grace period not shorter than the interval', () => define({ 'jwt-secret': { rotation: { ...GENERATED, interval: Duration.days(1) } } }),
      "SecretCatalog: 'secrets.jwt-secret.rotation.gracePeriod' (signing-secret) must be a whole number of seconds, at least 1s and shorter than 'interval' (24h). The value passed is: 24h"],
    ['a grace period on a class that keeps no previous value', () => define({ 'database-url': { rotation: { ...ENGINE, gracePeriod: Duration.hours(1) } } }),
      "SecretCatalog: 'secrets.database-url.rotation.gracePeriod' (database-credential) applies to the generate method only (no other method keeps a previous value). The value passed is: 1h"],
    ['a rotation class name that is not a DNS label', () => define({ 'jwt-secret': { rotation: { ...MANUAL, name: 'Provider API key' } } }),
      "SecretCatalog: 'secrets.jwt-secret.rotation.name' must be a DNS label. The value passed is: \"Provider API key\""],
    ['an invalid key', () => define({ 'jwt secret': {} }),
      "SecretCatalog: 'secrets.jwt secret' must be a Secret data key (letters, digits, '-', '_' and '.'). The value passed is: \"jwt secret\""],
    ['a service listed twice', () => define({ 'jwt-secret': {} }, ['api', 'api']), "SecretCatalog: service \"api\" is listed twice in 'services'."],
    ['no secret at all', () => define({}), "SecretCatalog: 'secrets' is empty."],
    ['entry() of an unknown key', () => catalog.entry('chat-jwt-secret' as never),
      'SecretCatalog: no secret "chat-jwt-secret"; the catalog holds database-url, jwt-secret, stripe-api-key, stream-server-secret.'],
    ['keysFor() of an unknown service', () => catalog.keysFor('web' as never), 'SecretCatalog: no service "web"; the catalog knows api, stream.'],
  ])('%s is refused', (_case, build, message) => {
    expect(build).toThrow(new Error(message));
  });
});
