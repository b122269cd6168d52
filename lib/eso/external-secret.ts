import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  ExternalSecret as ExternalSecretResource,
  ExternalSecretSpecData,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secrets.io';
import { toGoDuration } from './go-duration';
import { checkDnsSubdomain, checkSecretDataKey, where } from './names';
import { ISecretStore, SecretStoreKind } from './secret-store';

/**
 * Who owns the target Secret.
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 */
export enum CreationPolicy {
  /** ESO creates the Secret and owns it: deleting the ExternalSecret deletes the Secret. */
  OWNER = 'Owner',
  /** ESO creates the Secret but does not own it: it outlives the ExternalSecret. */
  ORPHAN = 'Orphan',
  /** ESO merges into an existing Secret it does not create. */
  MERGE = 'Merge',
  /** ESO creates the Secret if missing and merges otherwise. */
  CREATE_OR_MERGE = 'CreateOrMerge',
  /** ESO does not create or update any Secret. */
  NONE = 'None',
}

/**
 * What ESO does to the target Secret when every provider value is gone.
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 */
export enum DeletionPolicy {
  /** Keep the Secret as it was: the live Secret is never dropped because a provider entry went missing. */
  RETAIN = 'Retain',
  /** Delete the Secret. */
  DELETE = 'Delete',
  /** Remove the missing keys from the Secret, keep the rest. */
  MERGE = 'Merge',
}

/** One key of the target Secret and where its value comes from. */
export interface ExternalSecretDataOptions {
  /** The key in the target Secret. */
  readonly secretKey: string;
  /** The name of the value in the store, mapped by the store (`ISecretStore.remoteRef`). @default - `secretKey` */
  readonly remoteName?: string;
}

/** Props of {@link ExternalSecret}. */
export interface ExternalSecretProps {
  /** The store the values are read from. */
  readonly store: ISecretStore;
  /** `metadata.name` of the ExternalSecret. @default - the target Secret's name */
  readonly name?: string;
  /** The Kubernetes Secret it creates: a contract, workloads name it. @default - the construct id */
  readonly targetName?: string;
  /**
   * How often ESO reads the provider again. Not zero: with 0 ESO never refreshes and the
   * `force-sync` annotation that rotation relies on does nothing.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
  /** @default CreationPolicy.OWNER */
  readonly creationPolicy?: CreationPolicy;
  /** @default DeletionPolicy.RETAIN */
  readonly deletionPolicy?: DeletionPolicy;
  /** Keys to read, more can be added with `addData`. @default - none; at least one is required at synth */
  readonly data?: ExternalSecretDataOptions[];
  /** Labels on the ExternalSecret. @default - none */
  readonly labels?: Record<string, string>;
  /** Labels and annotations put on the target Secret (ESO's `target.template.metadata`). @default - none */
  readonly targetLabels?: Record<string, string>;
}

/** A key the ExternalSecret materializes, as rendered. */
export interface ExternalSecretKey {
  /** The key in the target Secret. */
  readonly secretKey: string;
  /** The name of the value in the store, before the store maps it (`ISecretStore.remoteRef`). */
  readonly remoteName: string;
}

/**
 * Materializes one Kubernetes Secret from a store: ESO's `ExternalSecret`, `external-secrets.io/v1`.
 *
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecret extends Construct {
  /** `metadata.name`. */
  public readonly name: string;
  /** The namespace, the chart's. */
  public readonly namespace?: string;
  /** The Secret it creates. */
  public readonly targetName: string;
  /** The store the values are read from (`spec.secretStoreRef`). */
  public readonly store: ISecretStore;
  /** How often ESO reads the provider again (`spec.refreshInterval`). */
  public readonly refreshInterval: Duration;
  /** Who owns the target Secret (`spec.target.creationPolicy`). */
  public readonly creationPolicy: CreationPolicy;
  /** What happens to the target Secret when the provider values are gone (`spec.target.deletionPolicy`). */
  public readonly deletionPolicy: DeletionPolicy;
  /** The generated object, for escape hatches. */
  public readonly apiObject: ApiObject;
  // Rendered by reference: the generated class serializes its spec at synth, so keys added
  // with addData after construction appear in the output.
  private readonly data: ExternalSecretSpecData[] = [];
  private readonly keyList: ExternalSecretKey[] = [];

  public constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    this.targetName = checkDnsSubdomain(where(this), 'targetName', props.targetName ?? id);
    this.name = checkDnsSubdomain(where(this), 'name', props.name ?? this.targetName);
    this.namespace = Chart.of(this).namespace;
    this.store = props.store;
    this.refreshInterval = props.refreshInterval ?? Duration.hours(1);
    this.creationPolicy = props.creationPolicy ?? CreationPolicy.OWNER;
    this.deletionPolicy = props.deletionPolicy ?? DeletionPolicy.RETAIN;

    const interval = this.refreshInterval.toSeconds();
    if (!Number.isInteger(interval) || interval <= 0) {
      throw new Error(`${where(this)}: 'refreshInterval' must be a whole number of seconds above 0 (with 0 ESO never refreshes and force-sync does nothing). The value passed is: ${interval}s`);
    }
    if (this.deletionPolicy === DeletionPolicy.DELETE && [CreationPolicy.MERGE, CreationPolicy.NONE, CreationPolicy.CREATE_OR_MERGE].includes(this.creationPolicy)) {
      throw new Error(`${where(this)}: 'deletionPolicy' Delete requires 'creationPolicy' Owner or Orphan (ESO's webhook rejects it). The value passed is: creationPolicy ${this.creationPolicy}`);
    }
    if (this.deletionPolicy === DeletionPolicy.MERGE && this.creationPolicy === CreationPolicy.NONE) {
      throw new Error(`${where(this)}: 'deletionPolicy' Merge cannot be used with 'creationPolicy' None (ESO's webhook rejects it).`);
    }
    if (props.store.kind === SecretStoreKind.SECRET_STORE && props.store.namespace !== this.namespace) {
      throw new Error(`${where(this)}: 'store' ${props.store.storeName} is a SecretStore of namespace ${JSON.stringify(props.store.namespace)}; an ExternalSecret in ${JSON.stringify(this.namespace)} cannot use it. Put both in one namespace or use a ClusterSecretStore.`);
    }

    this.apiObject = new ExternalSecretResource(this, 'Resource', {
      metadata: { name: this.name, labels: props.labels },
      spec: {
        refreshInterval: toGoDuration(this.refreshInterval),
        secretStoreRef: {
          kind: props.store.kind === SecretStoreKind.CLUSTER_SECRET_STORE
            ? ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE
            : ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
          name: props.store.storeName,
        },
        target: {
          name: this.targetName,
          creationPolicy: this.creationPolicy as string as ExternalSecretSpecTargetCreationPolicy,
          deletionPolicy: this.deletionPolicy as string as ExternalSecretSpecTargetDeletionPolicy,
          template: props.targetLabels ? { metadata: { labels: props.targetLabels } } : undefined,
        },
        data: this.data,
      },
    });
    for (const entry of props.data ?? []) this.addData(entry);
    this.node.addValidation({
      validate: () => (this.data.length === 0
        ? [`${where(this)}: an ExternalSecret needs at least one key (ESO's webhook rejects one without data); call addData().`]
        : []),
    });
    registerOwnershipCheck(this);
  }

  /** Adds one key of the target Secret, read from the store under `remoteName`. */
  public addData(options: ExternalSecretDataOptions): ExternalSecretKey {
    const secretKey = checkSecretDataKey(where(this), 'secretKey', options.secretKey);
    const remoteName = options.remoteName ?? secretKey;
    if (this.keyList.some((k) => k.secretKey === secretKey)) {
      throw new Error(`${where(this)}: 'secretKey' ${JSON.stringify(secretKey)} is already read by this ExternalSecret (ESO's webhook rejects duplicate keys).`);
    }
    const ref = this.store.remoteRef(remoteName);
    this.data.push({ secretKey, remoteRef: { key: ref.key, property: ref.property } });
    const key = { secretKey, remoteName };
    this.keyList.push(key);
    return key;
  }

  /** The keys it materializes, in the order added. */
  public get keys(): ExternalSecretKey[] {
    return [...this.keyList];
  }
}

/**
 * A set of manifests applied together (one GitOps path). Two ExternalSecrets that create the
 * same Secret within one unit fight over it; in two units (alternatives never applied together)
 * they do not.
 *
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 */
export class DeploymentUnit extends Construct {
  /** The closest unit above `construct`, or the app when it is in none. */
  public static of(construct: IConstruct): IConstruct {
    for (const scope of [...construct.node.scopes].reverse()) {
      if (scope instanceof DeploymentUnit) return scope;
    }
    return construct.node.root;
  }
}

const checkedRoots = new WeakSet<IConstruct>();

/** Registers, once per app, the check that no Secret has two owning ExternalSecrets in one unit. */
function registerOwnershipCheck(externalSecret: ExternalSecret): void {
  const root = externalSecret.node.root;
  if (checkedRoots.has(root)) return;
  checkedRoots.add(root);
  root.node.addValidation({
    validate: () => {
      const owners = new Map<string, ExternalSecret[]>();
      for (const c of root.node.findAll()) {
        if (!(c instanceof ExternalSecret) || c.creationPolicy === CreationPolicy.MERGE || c.creationPolicy === CreationPolicy.NONE) continue;
        const id = `${DeploymentUnit.of(c).node.path}|${c.namespace ?? ''}|${c.targetName}`;
        owners.set(id, [...(owners.get(id) ?? []), c]);
      }
      return [...owners.values()]
        .filter((list) => list.length > 1)
        .map((list) => `[${list[0].node.path}]: the Secret ${JSON.stringify(list[0].targetName)} in namespace ${JSON.stringify(list[0].namespace ?? '')} has ${list.length} owning ExternalSecrets (${list.map((c) => c.node.path).join(', ')}); exactly one may create it, the others must use creationPolicy Merge.`);
    },
  });
}
