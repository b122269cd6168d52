import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalSecret, ExternalSecretDataOptions, ExternalSecretProps, GrantReadOptions, SecretReadGrant } from './external-secret';
import { where } from './names';
import { gracePeriodOf, keepsPreviousValue, KeysOf, PREVIOUS_SUFFIX, PreviousKeysOf, SecretCatalog } from './secret-catalog';
import { ISecretStore } from './secret-store';
import { VaultSecretStore } from './vault-secret-store';
import { labelKey } from '../rules';

/** Any catalog, whatever its keys and services. */
export type AnySecretCatalog = SecretCatalog<any, any, any>;

/** The services of catalog `C`. */
export type CatalogService<C> = C extends SecretCatalog<infer _K, infer S, infer _D> ? S : never;

/** The keys of catalog `C`. */
export type CatalogKey<C> = C extends SecretCatalog<infer K, infer _S, infer _D> ? K : never;

/** The Stakater Reloader annotation: the controller rolls the workload when a listed Secret's data changes. */
export const RELOADER_ANNOTATION = 'secret.reloader.stakater.com/reload';

/**
 * Options of {@link catalogData}.
 * @internal
 */
export interface CatalogDataOptions {
  /** Keys to leave out (rendered otherwise, e.g. from a generator). @default - none */
  readonly exclude?: readonly string[];
  /**
   * Whether the keys of a class that keeps a previous value are read from the class's own KV
   * secret `<store path>/<class name>` (where a rotation job writes them). Only a Vault store has one.
   * @default - true for a VaultSecretStore
   */
  readonly classSecrets?: boolean;
}

/**
 * The key holding the value a rotation of `key` replaced: `jwt-secret-previous`.
 * @internal
 */
export function previousKey(key: string): string {
  return `${key}${PREVIOUS_SUFFIX}`;
}

/**
 * The ExternalSecret data of a catalog: each key under its `remoteName`; for each key whose
 * class keeps a previous value (GENERATE), also `<key>-previous`. On a Vault store both are read
 * from the class's own KV secret `<path>/<class>`, which its rotation job writes (the job then
 * never touches the other keys); on any other store `<key>-previous` is read from the same remote
 * as the key (nothing keeps a previous value there, so it equals the key and "accept the current
 * or the previous value" still holds). One rule for every ExternalSecret built from a catalog.
 * @internal
 */
export function catalogData(catalog: AnySecretCatalog, store: ISecretStore, options: CatalogDataOptions = {}): ExternalSecretDataOptions[] {
  const classSecrets = (options.classSecrets ?? true) && store instanceof VaultSecretStore;
  const data: ExternalSecretDataOptions[] = [];
  for (const entry of catalog.all) {
    if (options.exclude?.includes(entry.key)) continue;
    if (!keepsPreviousValue(entry.rotation)) {
      data.push({ secretKey: entry.key, remoteName: entry.remoteName });
      continue;
    }
    const at = (name: string) => (classSecrets ? (store as VaultSecretStore).remoteRefAt(entry.rotation.name, name) : store.remoteRef(entry.remoteName));
    data.push({ secretKey: entry.key, remoteName: entry.remoteName, remoteRef: at(entry.remoteName) });
    data.push({ secretKey: previousKey(entry.key), remoteName: previousKey(entry.remoteName), remoteRef: at(previousKey(entry.remoteName)) });
  }
  return data;
}

/** Props of {@link CatalogSecret}. */
export interface CatalogSecretProps<C extends AnySecretCatalog> {
  /** The catalog: which service reads which key, and how each key rotates. */
  readonly catalog: C;
  /** The ExternalSecret that materializes the catalog's keys. Every catalog key must be among its keys. */
  readonly externalSecret: ExternalSecret;
  /**
   * The pod-template annotation holding the content hash of what a service reads
   * ({@link ServiceSecrets.restartAnnotations}). One per Secret, so a pod can consume several.
   * @default - `checksum/secret-<target Secret name>`
   */
  readonly hashAnnotation?: string;
}

/** Props of {@link CatalogSecret.create}: an ExternalSecret whose keys are the catalog's. */
export interface CatalogExternalSecretProps<C extends AnySecretCatalog> extends Omit<ExternalSecretProps, 'data'> {
  /** The catalog: its keys are the ExternalSecret's data, read under each entry's `remoteName`. */
  readonly catalog: C;
  /** @default - `checksum/secret-<target Secret name>` */
  readonly hashAnnotation?: string;
  /** See {@link CatalogDataOptions.classSecrets}. @default - true for a VaultSecretStore */
  readonly classSecrets?: boolean;
}

/** Options of {@link ServiceSecrets.envFrom} and {@link ServiceSecrets.addEnvTo}. */
export interface ServiceEnvOptions<Key extends string> {
  /** The keys to expose. @default - every key of the service */
  readonly keys?: readonly Key[];
  /** Put before each variable name: `VEZA_`. @default '' */
  readonly prefix?: string;
}

/** Options of {@link ServiceSecrets.volume}. */
export interface ServiceVolumeOptions<Key extends string> {
  /** The keys to project as files, each at its own key as the file name. @default - every key of the service */
  readonly keys?: readonly Key[];
  /** The volume's name in the pod. @default - `secret-<target Secret name>` */
  readonly name?: string;
  /**
   * The file mode. Owner and group read: the files belong to root and the pod's `fsGroup`, so a
   * non-root container reads them through its `fsGroup`.
   * @default 0o440
   */
  readonly defaultMode?: number;
}

/** Options of {@link ServiceSecrets.restartAnnotations} and {@link ServiceSecrets.bindRestart}. */
export interface RestartOptions {
  /**
   * Also add Stakater Reloader's `secret.reloader.stakater.com/reload: <Secret>`, so a cluster
   * running Reloader rolls the workload when the Secret's values change (the content hash only
   * changes when the model changes). Inert where Reloader is not installed.
   * @default false
   */
  readonly reloader?: boolean;
}

/** A workload bound with {@link ServiceSecrets.bindRestart}. */
export interface BoundWorkload {
  /** The catalog service the workload runs as. */
  readonly service: string;
  /** The Deployment, StatefulSet, CronJob or other pod owner that reads the Secret. */
  readonly workload: kplus.AbstractPod;
  /** The keys it reads: a change of their values rolls it. */
  readonly keys: readonly string[];
}

/**
 * A catalog's keys as materialized by one ExternalSecret: the consumer side of the catalog.
 * `forService(name)` returns the typed view a workload uses, limited to the keys that service
 * consumes.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets
 * @see docs/consumers.md
 */
export class CatalogSecret<C extends AnySecretCatalog> {
  /** Creates the ExternalSecret from the catalog (one key per entry, under its `remoteName`) and returns its consumer view. */
  public static create<C extends AnySecretCatalog>(scope: Construct, id: string, props: CatalogExternalSecretProps<C>): CatalogSecret<C> {
    const { catalog, hashAnnotation, classSecrets, ...rest } = props;
    const externalSecret = new ExternalSecret(scope, id, {
      ...rest,
      data: catalogData(catalog, rest.store, { classSecrets }),
    });
    return new CatalogSecret({ catalog, externalSecret, hashAnnotation });
  }

  public readonly catalog: C;
  public readonly externalSecret: ExternalSecret;
  /** The pod-template annotation holding the content hash. */
  public readonly hashAnnotation: string;
  private readonly bound: BoundWorkload[] = [];

  public constructor(props: CatalogSecretProps<C>) {
    this.catalog = props.catalog;
    this.externalSecret = props.externalSecret;
    const es = props.externalSecret;
    this.hashAnnotation = props.hashAnnotation ?? `checksum/secret-${es.targetName}`;
    if (labelKey.parse(this.hashAnnotation) === undefined) {
      throw new Error(`${where(es)}: 'hashAnnotation' must be an annotation key ([prefix/]name, the name at most 63 letters, digits, '-', '_' and '.'). The value passed is: ${JSON.stringify(this.hashAnnotation)}`);
    }
    const read = new Map(es.keys.map((k) => [k.secretKey, k.remoteName]));
    for (const entry of props.catalog.all) {
      const remoteName = read.get(entry.key);
      if (remoteName === undefined) {
        throw new Error(`${where(es)}: the catalog's key ${JSON.stringify(entry.key)} is not read by this ExternalSecret (it reads ${[...read.keys()].join(', ') || 'nothing'}); a consumer of it would find no value.`);
      }
      const templated = es.keys.some((k) => k.secretKey === entry.key && k.template !== undefined);
      if (!templated && remoteName !== entry.remoteName) {
        throw new Error(`${where(es)}: the catalog's key ${JSON.stringify(entry.key)} has remoteName ${JSON.stringify(entry.remoteName)} but this ExternalSecret reads it from ${JSON.stringify(remoteName)}.`);
      }
    }
    for (const entry of props.catalog.all) {
      if (keepsPreviousValue(entry.rotation) && !read.has(previousKey(entry.key))) {
        throw new Error(`${where(es)}: the catalog's key ${JSON.stringify(entry.key)} keeps its previous value (rotation class ${entry.rotation.name}) but this ExternalSecret does not read ${JSON.stringify(previousKey(entry.key))}; build its data with catalogData().`);
      }
    }
  }

  /** The target Secret's name. */
  public get secretName(): string {
    return this.externalSecret.targetName;
  }

  /** The view of one service: only its keys, checked by the type checker. */
  public forService<S extends CatalogService<C>>(service: S): ServiceSecrets<KeysOf<C, S>, PreviousKeysOf<C, S>> {
    const keys = this.catalog.keysFor(service) as KeysOf<C, S>[];
    return new ServiceSecrets<KeysOf<C, S>, PreviousKeysOf<C, S>>(this, service, keys, (workload, keyList) => {
      this.bound.push({ service, workload, keys: keyList });
    });
  }

  /**
   * The workloads bound with `bindRestart` that read `key`, or every bound workload: the
   * restart list of a rotation of that key.
   */
  public boundWorkloads(key?: CatalogKey<C>): BoundWorkload[] {
    return this.bound.filter((b) => key === undefined || b.keys.includes(key));
  }
}

/**
 * The keys of one Secret that one service reads, and how a cdk8s-plus workload consumes them:
 * one key as an env var, all of them as env vars or files, RBAC, and restart on change.
 * Only the service's own keys: the Secret holds keys other services must not see.
 *
 * @see https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/
 * @see https://github.com/stakater/Reloader#how-to-use-reloader
 */
export class ServiceSecrets<Key extends string, PreviousKey extends Key = never> {
  /** The service, by its Kubernetes name. */
  public readonly service: string;
  /** The keys it reads, in catalog order. */
  public readonly keys: readonly Key[];
  /** Its keys whose class keeps a previous value (`<key>-previous` in the Secret), in catalog order. */
  public readonly previousKeys: readonly PreviousKey[];
  private readonly source: CatalogSecret<AnySecretCatalog>;
  private readonly onBind: (workload: kplus.AbstractPod, keys: readonly string[]) => void;

  /** Use {@link CatalogSecret.forService}. */
  public constructor(
    source: CatalogSecret<AnySecretCatalog>,
    service: string,
    keys: readonly Key[],
    onBind: (workload: kplus.AbstractPod, keys: readonly string[]) => void,
  ) {
    this.source = source;
    this.service = service;
    this.keys = [...keys];
    this.previousKeys = keys.filter((k) => keepsPreviousValue(source.catalog.entry(k).rotation)) as PreviousKey[];
    this.onBind = onBind;
  }

  /** The target Secret. */
  public get secret(): kplus.ISecret {
    return this.source.externalSecret.secret;
  }

  /** One key as an env var value (`secretKeyRef`). */
  public envValue(key: Key, options?: kplus.EnvValueFromSecretOptions): kplus.EnvValue {
    this.check('key', [key]);
    return kplus.EnvValue.fromSecretValue({ secret: this.secret, key }, options);
  }

  /**
   * The value a rotation of `key` replaced (`<key>-previous`), as an env var value: during the
   * class's grace period after a rotation it differs from `envValue(key)`, otherwise it equals
   * it. Sign with `envValue(key)`, accept either. Only keys whose class keeps a previous value
   * (GENERATE) compile.
   */
  public previousEnvValue(key: PreviousKey, options?: kplus.EnvValueFromSecretOptions): kplus.EnvValue {
    this.checkPrevious('key', [key]);
    return kplus.EnvValue.fromSecretValue({ secret: this.secret, key: previousKey(key) }, options);
  }

  /**
   * The service's keys as env vars, one `secretKeyRef` each, named like `JWT_SECRET`, and for
   * each key that keeps a previous value its `JWT_SECRET_PREVIOUS`. Not Kubernetes' `envFrom`,
   * which would expose every key of the Secret, other services' too.
   */
  public envFrom(options: ServiceEnvOptions<Key> = {}): Record<string, kplus.EnvValue> {
    const keys = options.keys ?? this.keys;
    this.check('keys', keys);
    const prefix = options.prefix ?? '';
    const variables: Record<string, kplus.EnvValue> = {};
    const from = new Map<string, string>();
    const withPrevious = keys.flatMap((k) => ((this.previousKeys as readonly string[]).includes(k) ? [k, previousKey(k)] : [k]));
    for (const key of withPrevious) {
      const name = prefix + envName(key);
      const clash = from.get(name);
      if (clash !== undefined) {
        throw new Error(`${where(this.source.externalSecret)}: keys ${JSON.stringify(clash)} and ${JSON.stringify(key)} both become the env var ${name}; use envValue() for one of them.`);
      }
      from.set(name, key);
      variables[name] = kplus.EnvValue.fromSecretValue({ secret: this.secret, key });
    }
    return variables;
  }

  /** Adds {@link envFrom}'s variables to `container`; returns their names. */
  public addEnvTo(container: kplus.Container, options: ServiceEnvOptions<Key> = {}): string[] {
    const variables = this.envFrom(options);
    for (const [name, value] of Object.entries(variables)) container.env.addVariable(name, value);
    return Object.keys(variables);
  }

  /**
   * A volume of the service's keys (or `options.keys`), one file per key named after it, and
   * `<key>-previous` beside each key that keeps a previous value; mount it read-only.
   */
  public volume(scope: Construct, id: string, options: ServiceVolumeOptions<Key> = {}): kplus.Volume {
    const keys = options.keys ?? this.keys;
    this.check('keys', keys);
    const items: Record<string, kplus.PathMapping> = {};
    for (const key of keys) {
      items[key] = { path: key };
      if ((this.previousKeys as readonly string[]).includes(key)) items[previousKey(key)] = { path: previousKey(key) };
    }
    return kplus.Volume.fromSecret(scope, id, this.secret, {
      name: options.name,
      items,
      defaultMode: options.defaultMode ?? 0o440,
    });
  }

  /** Lets the service's account `get` the Secret: see {@link ExternalSecret.grantRead}. */
  public grantRead(serviceAccount: kplus.IServiceAccount, options?: GrantReadOptions): SecretReadGrant {
    return this.source.externalSecret.grantRead(serviceAccount, options);
  }

  /**
   * A sha256 of everything that decides what this service reads: the Secret and its namespace,
   * the store (kind, name, provider, location), and for each of the service's keys its remote
   * reference and rotation class. It changes when the model changes, not when a value does.
   */
  public get contentHash(): string {
    const es = this.source.externalSecret;
    const read = new Map(es.keys.map((k) => [k.secretKey, k]));
    const remote = (secretKey: string) => {
      const k = read.get(secretKey)!;
      // A templated key: its template (the database host, ...) and the generators it reads.
      return k.template === undefined
        ? k.remoteRef ?? es.store.remoteRef(k.remoteName)
        : { template: k.template, generators: es.generatorSources.map((g) => `${g.generatorKind}/${g.generatorName}`) };
    };
    const model = {
      secret: es.targetName,
      namespace: es.namespace ?? null,
      store: { kind: es.store.kind, name: es.store.storeName, provider: es.store.provider, location: es.store.location },
      keys: this.keys.map((key) => {
        const rotation = this.source.catalog.entry(key).rotation;
        const keepsPrevious = (this.previousKeys as readonly string[]).includes(key);
        return {
          key,
          remoteRef: remote(key),
          ...(keepsPrevious ? { previous: { key: previousKey(key), remoteRef: remote(previousKey(key)) } } : {}),
          rotation: { name: rotation.name, method: rotation.method, interval: seconds(rotation.interval), gracePeriod: seconds(gracePeriodOf(rotation)) },
        };
      }),
    };
    return createHash('sha256').update(JSON.stringify(model)).digest('hex');
  }

  /** The pod-template annotations that roll a workload when what it reads changes. */
  public restartAnnotations(options: RestartOptions = {}): Record<string, string> {
    const annotations: Record<string, string> = { [this.source.hashAnnotation]: this.contentHash };
    if (options.reloader ?? false) annotations[RELOADER_ANNOTATION] = this.source.secretName;
    return annotations;
  }

  /**
   * Puts {@link restartAnnotations} on the workload's pod template, so a change of the model
   * rolls it on the next GitOps sync; records it for {@link CatalogSecret.boundWorkloads}.
   * Returns the annotations added.
   */
  public bindRestart(workload: kplus.AbstractPod, options: RestartOptions = {}): Record<string, string> {
    const annotations = this.restartAnnotations(options);
    const existing: Record<string, string> = workload.podMetadata.toJson().annotations ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (key === RELOADER_ANNOTATION && existing[key] !== undefined) {
        // Reloader takes a comma-separated list: keep the Secrets other bindings added.
        const names = existing[key].split(',');
        annotations[key] = names.includes(value) ? existing[key] : [...names, value].join(',');
      }
      workload.podMetadata.addAnnotation(key, annotations[key]);
    }
    this.onBind(workload, this.keys);
    return annotations;
  }

  private checkPrevious(field: string, keys: readonly string[]): void {
    this.check(field, keys);
    const without = keys.filter((k) => !(this.previousKeys as readonly string[]).includes(k));
    if (without.length > 0) {
      throw new Error(`${where(this.source.externalSecret)}: '${field}' names ${without.map((k) => JSON.stringify(k)).join(', ')}, whose rotation class keeps no previous value; allowed: ${this.previousKeys.join(', ') || 'none of the keys of ' + this.service}.`);
    }
  }

  private check(field: string, keys: readonly string[]): void {
    const unknown = keys.filter((k) => !(this.keys as readonly string[]).includes(k));
    if (unknown.length > 0) {
      throw new Error(`${where(this.source.externalSecret)}: '${field}' names ${unknown.map((k) => JSON.stringify(k)).join(', ')}, not a key of ${this.service}; allowed: ${this.keys.join(', ')}.`);
    }
  }
}

/**
 * `jwt-secret` -> `JWT_SECRET`.
 * @internal
 */
export function envName(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function seconds(d: Duration | undefined): number | null {
  return d === undefined ? null : d.toSeconds();
}
