import { Duration } from 'cdk8s';
import { toGoDuration } from './go-duration';
import { checkSecretDataKey } from './names';
import { dnsLabel } from '../rules';

/** How a value is renewed. */
export enum RotationMethod {
  /**
   * We generate the value ourselves (random bytes) and write it to the provider when due, keeping
   * the value replaced as `<key>-previous` for the class's grace period.
   */
  GENERATE = 'generate',
  /**
   * Vault's database secrets engine changes the credential on both sides; a daily job asks it to
   * (`rotate-role`) when due, Vault's own `rotation_period` being a longer backstop. The
   * ExternalSecret follows by rendering the key from the engine's credentials (a
   * `VaultDynamicSecret` source and a templated key), not from a KV copy.
   */
  DATABASE_ENGINE = 'database-engine',
  /** Issued by a third party (Stripe, the SMTP host, AWS IAM): rotated by a person, on the provider's advice. */
  MANUAL = 'manual',
}

/**
 * A rotation class: how often and how a kind of secret is renewed.
 * The seed: JWT secrets every 90 days, database passwords every 180 days, API keys as the
 * provider recommends.
 */
export interface RotationClass {
  /** A DNS-label name, used in CronJob names: `signing-secret`. */
  readonly name: string;
  /** How the value is renewed. */
  readonly method: RotationMethod;
  /**
   * How often: a whole number of days after the last rotation (a daily job rotates what is due).
   * @default - not rotated automatically (required unless the method is MANUAL)
   */
  readonly interval?: Duration;
  /**
   * GENERATE only: how long after a rotation the value replaced stays readable as
   * `<key>-previous`, so what was signed with it is still accepted (the longest token lifetime).
   * Shorter than `interval`.
   * @default Duration.hours(24) for the GENERATE method
   */
  readonly gracePeriod?: Duration;
  /** One sentence for the docs: why this class and its period. */
  readonly description: string;
}

/** One secret of the catalog. */
export interface SecretDefinition<Service extends string> {
  /** What the value is, for the docs and the `secrets.yaml.example` template. */
  readonly description: string;
  /** A placeholder shape for the template, never a value: `postgresql://USER:PASSWORD@HOST:5432/DB`. */
  readonly placeholder: string;
  /** The services that read it. */
  readonly consumers: readonly Service[];
  /** How it rotates. */
  readonly rotation: RotationClass;
  /** Its name in the providers, mapped by each store. @default - the key itself */
  readonly remoteName?: string;
}

/** A catalog entry, as read back. */
export interface SecretEntry<Key extends string, Service extends string> extends SecretDefinition<Service> {
  /** The key in the target Secret. */
  readonly key: Key;
  /** Its name in the providers: `remoteName` as defined, or the key. */
  readonly remoteName: string;
}

/** Props of {@link SecretCatalog}. */
export interface SecretCatalogProps<Key extends string, Service extends string> {
  /** The services that consume secrets, by their Kubernetes name (`veza-backend-api`). */
  readonly services: readonly Service[];
  /** The secrets, by their key in the target Secret. */
  readonly secrets: { readonly [K in Key]: SecretDefinition<Service> };
}

/** The keys of catalog `C` that service `S` consumes: what the type checker allows it to name. */
export type KeysOf<C, S extends string> = C extends SecretCatalog<infer K, infer _S, infer D>
  ? { [P in K]: D[P] extends { readonly consumers: readonly (infer U)[] } ? (S extends U ? P : never) : never }[K]
  : never;

/**
 * The one definition every other object is derived from: each secret's key, description,
 * consumers and rotation class. Adding a key is a one-place change.
 *
 * @see https://external-secrets.io/latest/api/externalsecret/
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
export class SecretCatalog<
  Key extends string,
  Service extends string,
  Definitions extends { readonly [K in Key]: SecretDefinition<Service> } = { readonly [K in Key]: SecretDefinition<Service> },
> {
  /** Declares a catalog; `as const`-free literal types are kept so consumers are type-checked. */
  public static define<K extends string, S extends string, const D extends { readonly [P in K]: SecretDefinition<S> }>(props: {
    readonly services: readonly S[];
    readonly secrets: D & { readonly [P in K]: SecretDefinition<S> };
  }): SecretCatalog<K, S, D> {
    return new SecretCatalog<K, S, D>(props);
  }

  /** The services that consume secrets, in the order given. */
  public readonly services: readonly Service[];
  private readonly entries: ReadonlyMap<Key, SecretEntry<Key, Service>>;
  /** The keys each service consumes, in definition order: `keysFor` is called once per service. */
  private readonly byService: ReadonlyMap<string, Key[]>;

  public constructor(props: SecretCatalogProps<Key, Service>) {
    const services = new Set<string>();
    for (const service of props.services) {
      if (services.has(service)) throw new Error(`SecretCatalog: service ${JSON.stringify(service)} is listed twice in 'services'.`);
      services.add(service);
    }
    this.services = [...props.services];
    const entries = new Map<Key, SecretEntry<Key, Service>>();
    const remoteNames = new Map<string, string>();
    const checkedRotations = new Set<RotationClass>();
    for (const key of Object.keys(props.secrets) as Key[]) {
      const def = props.secrets[key];
      checkSecretDataKey('SecretCatalog', `secrets.${key}`, key);
      const remoteName = def.remoteName ?? key;
      const clash = remoteNames.get(remoteName);
      if (clash) throw new Error(`SecretCatalog: 'secrets.${key}.remoteName' ${JSON.stringify(remoteName)} is already the remote name of ${JSON.stringify(clash)}; each key needs its own.`);
      remoteNames.set(remoteName, key);
      if (def.consumers.length === 0) throw new Error(`SecretCatalog: 'secrets.${key}.consumers' is empty; a secret nobody reads does not belong in the catalog.`);
      for (const consumer of def.consumers) {
        if (!services.has(consumer)) {
          throw new Error(`SecretCatalog: 'secrets.${key}.consumers' names ${JSON.stringify(consumer)}, which is not in 'services' (${[...services].join(', ')}).`);
        }
      }
      // Keys share a few rotation classes: each object is checked once (the first key using it is named).
      if (!checkedRotations.has(def.rotation)) {
        checkRotationClass(`secrets.${key}.rotation`, def.rotation);
        checkedRotations.add(def.rotation);
      }
      // Object.assign, not `{ ...def, key, remoteName }`: V8 copies a spread object's shape and then
      // changes it for the two fields added, about 10 µs per entry (0.1 s for 10,000 keys).
      entries.set(key, Object.assign({}, def, { key, remoteName }));
    }
    if (entries.size === 0) throw new Error("SecretCatalog: 'secrets' is empty.");
    this.entries = entries;
    const byService = new Map<string, Key[]>(this.services.map((s) => [s, []]));
    for (const entry of entries.values()) {
      // Each consumer once, without a Set per entry: a secret has one or a few consumers.
      entry.consumers.forEach((consumer, i) => {
        if (entry.consumers.indexOf(consumer) === i) byService.get(consumer)!.push(entry.key);
      });
    }
    this.byService = byService;
  }

  /** Every key, in definition order. */
  public get keys(): Key[] {
    return [...this.entries.keys()];
  }

  /** Every entry, in definition order. */
  public get all(): SecretEntry<Key, Service>[] {
    return [...this.entries.values()];
  }

  /** One entry; throws for a key the catalog does not hold. */
  public entry(key: Key): SecretEntry<Key, Service> {
    const entry = this.entries.get(key);
    if (!entry) throw new Error(`SecretCatalog: no secret ${JSON.stringify(key)}; the catalog holds ${this.keys.join(', ')}.`);
    return entry;
  }

  /** Whether `key` is in the catalog. */
  public has(key: string): key is Key {
    return this.entries.has(key as Key);
  }

  /** The keys one service consumes, in definition order. */
  public keysFor<S extends Service>(service: S): KeysOf<SecretCatalog<Key, Service, Definitions>, S>[] {
    const keys = this.byService.get(service);
    if (!keys) {
      throw new Error(`SecretCatalog: no service ${JSON.stringify(service)}; the catalog knows ${this.services.join(', ')}.`);
    }
    return [...keys] as KeysOf<SecretCatalog<Key, Service, Definitions>, S>[];
  }

  /** The rotation classes in use, each once, in order of first use. */
  public get rotationClasses(): RotationClass[] {
    const seen = new Map<string, RotationClass>();
    for (const e of this.all) if (!seen.has(e.rotation.name)) seen.set(e.rotation.name, e.rotation);
    return [...seen.values()];
  }
}

/** The suffix of the key holding the value a rotation replaced: `jwt-secret-previous`. */
export const PREVIOUS_SUFFIX = '-previous';

/**
 * The default grace period of a GENERATE class: the longest token lifetime.
 * @internal
 */
export const DEFAULT_GRACE_PERIOD = Duration.hours(24);

/**
 * Whether keys of `rotation` keep the value they replace as `<key>-previous` (the GENERATE method).
 * @internal
 */
export function keepsPreviousValue(rotation: RotationClass): boolean {
  return rotation.method === RotationMethod.GENERATE;
}

/**
 * The grace period of a class that keeps a previous value (`gracePeriod`, or 24 h); undefined for the others.
 * @internal
 */
export function gracePeriodOf(rotation: RotationClass): Duration | undefined {
  return keepsPreviousValue(rotation) ? rotation.gracePeriod ?? DEFAULT_GRACE_PERIOD : undefined;
}

/**
 * The interval of a rotating class in whole days; undefined when it has none.
 * @internal
 */
export function intervalDays(rotation: RotationClass): number | undefined {
  return rotation.interval?.toDays({ integral: false });
}

/** The keys of catalog `C` that service `S` consumes and whose class keeps a previous value. */
export type PreviousKeysOf<C, S extends string> = C extends SecretCatalog<infer K, infer _S, infer D>
  ? {
    [P in K]: D[P] extends { readonly consumers: readonly (infer U)[]; readonly rotation: { readonly method: infer M } }
      ? (S extends U ? (M extends RotationMethod.GENERATE ? (RotationMethod.GENERATE extends M ? P : never) : never) : never)
      : never
  }[K]
  : never;

function checkRotationClass(field: string, rotation: RotationClass): void {
  if (dnsLabel.parse(rotation.name) === undefined) {
    throw new Error(`SecretCatalog: '${field}.name' must be a DNS label. The value passed is: ${JSON.stringify(rotation.name)}`);
  }
  if (rotation.method !== RotationMethod.MANUAL && rotation.interval === undefined) {
    throw new Error(`SecretCatalog: '${field}' (${rotation.name}) rotates by ${rotation.method} but has no 'interval'.`);
  }
  const days = intervalDays(rotation);
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
    throw new Error(`SecretCatalog: '${field}.interval' (${rotation.name}) must be a whole number of days, at least 1 (a daily job rotates what is due). The value passed is: ${toGoDuration(rotation.interval!)}`);
  }
  if (rotation.gracePeriod !== undefined && !keepsPreviousValue(rotation)) {
    throw new Error(`SecretCatalog: '${field}.gracePeriod' (${rotation.name}) applies to the generate method only (no other method keeps a previous value). The value passed is: ${toGoDuration(rotation.gracePeriod)}`);
  }
  const grace = gracePeriodOf(rotation);
  if (grace !== undefined && rotation.interval !== undefined) {
    const seconds = grace.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1 || seconds >= rotation.interval.toSeconds()) {
      throw new Error(`SecretCatalog: '${field}.gracePeriod' (${rotation.name}) must be a whole number of seconds, at least 1s and shorter than 'interval' (${toGoDuration(rotation.interval)}). The value passed is: ${toGoDuration(grace)}`);
    }
  }
}
