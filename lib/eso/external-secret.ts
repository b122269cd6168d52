import { ApiObject, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { DeploymentUnit } from '../output/deployment-unit';
import { resolvedApiObjectJson } from '../output/resolved-json';
import { subjectNamespaceOf } from './scope';
import {
  ExternalSecret as ExternalSecretResource,
  ExternalSecretProps as ExternalSecretResourceProps,
  ExternalSecretSpecData,
  ExternalSecretSpecDataFrom,
  ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
  ExternalSecretSpecTargetTemplateMergePolicy,
  toJson_ExternalSecretProps,
} from '../../imports/external-secrets.io';
import { toGoDuration } from './go-duration';
import { checkDnsSubdomain, checkLabels, checkSecretDataKey, where } from './names';
import { ISecretStore, RemoteRef, SecretStoreKind } from './secret-store';
import { IGenerator } from './vault-dynamic-secret';

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
  /**
   * Where exactly the value is read, instead of the store's mapping of `remoteName`: e.g. a
   * property of another KV secret of the same store (`VaultSecretStore.remoteRefAt`).
   * @default - `store.remoteRef(remoteName)`
   */
  readonly remoteRef?: RemoteRef;
}

/** A key of the target Secret rendered from a template over the values the ExternalSecret fetched. */
export interface TemplatedKeyOptions {
  /** The key in the target Secret. */
  readonly secretKey: string;
  /**
   * A Go template (ESO's engine v2) over the fetched values: the store's keys by their
   * `secretKey` and the outputs of the generators added with `addGeneratorSource`. Keys with a
   * dash need `index`: `postgresql://{{ .username }}:{{ .password }}@db:5432/app`,
   * `{{ index . "jwt-secret" }}`. Every name it uses is checked at synth.
   * @see https://external-secrets.io/latest/guides/templating/
   */
  readonly template: string;
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
  /** The store's name of the value; for a templated key, `secretKey` (nothing is read under it). */
  readonly remoteName: string;
  /** The template it is rendered from, for a key added with `addTemplatedKey`. @default - read from the store */
  readonly template?: string;
  /** Where the value is read (ESO's `remoteRef`). @default - none: a templated key is read from nowhere */
  readonly remoteRef?: RemoteRef;
}

/** Options of {@link ExternalSecret.grantRead}; they apply to the first grant, which creates the Role. */
export interface GrantReadOptions {
  /**
   * Where the Role and RoleBinding are created: the chart (file) they are written to. Its
   * namespace must be the ExternalSecret's.
   * @default - the ExternalSecret itself (its own chart)
   */
  readonly scope?: Construct;
  /**
   * `metadata.name` of the Role and of the RoleBinding: a contract, runbooks name it.
   * Two ExternalSecrets of one namespace need two names.
   * @default 'secrets-reader' (the seed's role)
   */
  readonly roleName?: string;
}

/** What {@link ExternalSecret.grantRead} creates, or extends on later grants. */
export interface SecretReadGrant {
  /** `get` on the target Secret only, by `resourceNames`: no `list`, no `watch`. */
  readonly role: kplus.Role;
  /** Binds the role to every service account granted so far. */
  readonly binding: kplus.RoleBinding;
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
  private readonly generators: IGenerator[] = [];
  private readonly targetLabels?: Record<string, string>;
  private secretRef?: kplus.ISecret;
  private readGrant?: SecretReadGrant & { readonly scope: Construct; readonly roleName: string };

  public constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    this.targetName = checkDnsSubdomain(where(this), 'targetName', props.targetName ?? id);
    this.name = checkDnsSubdomain(where(this), 'name', props.name ?? this.targetName);
    this.namespace = Chart.of(this).namespace;
    this.store = props.store;
    this.refreshInterval = props.refreshInterval ?? Duration.hours(1);
    this.creationPolicy = props.creationPolicy ?? CreationPolicy.OWNER;
    this.deletionPolicy = props.deletionPolicy ?? DeletionPolicy.RETAIN;

    const interval = this.refreshInterval.toSeconds({ integral: false });
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

    checkLabels(where(this), 'labels', props.labels);
    checkLabels(where(this), 'targetLabels', props.targetLabels);
    this.targetLabels = props.targetLabels;

    this.apiObject = new ExternalSecretObject(this, 'Resource', {
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
          template: Lazy.any({ produce: () => this.renderTemplate() }),
        },
        data: this.data,
        dataFrom: Lazy.any({ produce: () => this.renderDataFrom() }),
      },
    });
    for (const entry of props.data ?? []) this.addData(entry);
    this.node.addValidation({
      validate: () => (this.data.length === 0 && this.generators.length === 0
        ? [`${where(this)}: an ExternalSecret needs at least one key (ESO's webhook rejects one without data); call addData().`]
        : []),
    });
    this.node.addValidation({ validate: () => this.validateTemplates() });
    registerOwnershipCheck(this);
  }

  /** Adds one key of the target Secret, read from the store under `remoteName`. */
  public addData(options: ExternalSecretDataOptions): ExternalSecretKey {
    const secretKey = checkSecretDataKey(where(this), 'secretKey', options.secretKey);
    const remoteName = options.remoteName ?? secretKey;
    if (this.keyList.some((k) => k.secretKey === secretKey)) {
      throw new Error(`${where(this)}: 'secretKey' ${JSON.stringify(secretKey)} is already read by this ExternalSecret (ESO's webhook rejects duplicate keys).`);
    }
    const output = this.generators.find((g) => g.outputKeys.includes(secretKey));
    if (output) {
      throw new Error(`${where(this)}: 'secretKey' ${JSON.stringify(secretKey)} is also an output of ${output.generatorKind} ${output.generatorName}; a template could not tell them apart.`);
    }
    const ref = options.remoteRef ?? this.store.remoteRef(remoteName);
    this.data.push({ secretKey, remoteRef: { key: ref.key, property: ref.property } });
    const key = { secretKey, remoteName, remoteRef: { ...ref } };
    this.keyList.push(key);
    return key;
  }

  /**
   * Takes values from an ESO generator at every refresh (`dataFrom[].sourceRef.generatorRef`;
   * ESO does not implement generators in `data[]`). Its outputs are template inputs only: they
   * never become keys of the Secret, since a templated key makes ESO write exactly the templated
   * keys (`mergePolicy: Replace`), and every key read from the store is passed through unchanged.
   * At least one key must then be added with `addTemplatedKey`.
   * @see https://external-secrets.io/latest/guides/generator/
   */
  public addGeneratorSource(generator: IGenerator): IGenerator {
    if (generator.namespace !== this.namespace) {
      throw new Error(`${where(this)}: 'generator' ${generator.generatorKind} ${generator.generatorName} is in namespace ${JSON.stringify(generator.namespace ?? '')}; an ExternalSecret in ${JSON.stringify(this.namespace ?? '')} cannot reference it. Put both in one namespace.`);
    }
    if (this.generators.some((g) => g.generatorKind === generator.generatorKind && g.generatorName === generator.generatorName)) {
      throw new Error(`${where(this)}: 'generator' ${generator.generatorKind} ${generator.generatorName} is already a source of this ExternalSecret.`);
    }
    for (const key of generator.outputKeys) {
      const owner = this.generators.find((g) => g.outputKeys.includes(key));
      if (owner || this.keyList.some((k) => k.secretKey === key && k.template === undefined)) {
        throw new Error(`${where(this)}: the output ${JSON.stringify(key)} of ${generator.generatorKind} ${generator.generatorName} is already a value of this ExternalSecret (from ${owner ? `${owner.generatorKind} ${owner.generatorName}` : 'the store'}); a template could not tell them apart.`);
      }
    }
    this.generators.push(generator);
    return generator;
  }

  /**
   * Adds a key of the target Secret rendered from a template over the fetched values (ESO's
   * `target.template`, engine v2). From the first templated key on, the Secret holds exactly
   * `keys`: the store's keys are passed through with `{{ index . "<key>" }}`, generator outputs
   * are dropped unless a template uses them.
   */
  public addTemplatedKey(options: TemplatedKeyOptions): ExternalSecretKey {
    const secretKey = checkSecretDataKey(where(this), 'secretKey', options.secretKey);
    if (this.keyList.some((k) => k.secretKey === secretKey)) {
      throw new Error(`${where(this)}: 'secretKey' ${JSON.stringify(secretKey)} is already a key of this ExternalSecret.`);
    }
    if (!/\{\{.*\}\}/s.test(options.template)) {
      throw new Error(`${where(this)}: 'template' of ${secretKey} must use at least one value ({{ .name }} or {{ index . "name" }}); a constant does not belong in an ExternalSecret. The value passed is: ${JSON.stringify(options.template)}`);
    }
    const key = { secretKey, remoteName: secretKey, template: options.template };
    this.keyList.push(key);
    return key;
  }

  /** The generators it takes values from, in the order added. */
  public get generatorSources(): IGenerator[] {
    return [...this.generators];
  }

  /** The keys it materializes, in the order added. */
  public get keys(): ExternalSecretKey[] {
    return [...this.keyList];
  }

  private get templated(): boolean {
    return this.keyList.some((k) => k.template !== undefined);
  }

  private renderDataFrom(): ExternalSecretSpecDataFrom[] | undefined {
    if (this.generators.length === 0) return undefined;
    return this.generators.map((g) => ({
      sourceRef: {
        generatorRef: {
          apiVersion: 'generators.external-secrets.io/v1alpha1',
          kind: g.generatorKind as ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
          name: g.generatorName,
        },
      },
    }));
  }

  private renderTemplate() {
    const metadata = this.targetLabels ? { labels: this.targetLabels } : undefined;
    if (!this.templated) return metadata ? { metadata } : undefined;
    const data: Record<string, string> = {};
    for (const k of this.keyList) data[k.secretKey] = k.template ?? `{{ index . ${JSON.stringify(k.secretKey)} }}`;
    return {
      engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
      // Replace: the Secret holds the templated keys only, never the raw generator outputs.
      mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
      metadata,
      data,
    };
  }

  private validateTemplates(): string[] {
    const errors: string[] = [];
    if (this.generators.length > 0 && !this.templated) {
      errors.push(`${where(this)}: it takes values from ${this.generators.map((g) => `${g.generatorKind} ${g.generatorName}`).join(', ')} but renders no key from them; without a templated key ESO would write every output (${this.generators.flatMap((g) => g.outputKeys).join(', ')}, ...) into the Secret. Call addTemplatedKey().`);
    }
    // Without a templated key there is no template to check (most ExternalSecrets): no set of inputs made.
    if (!this.templated) return errors;
    const inputs = new Set([...this.keyList.filter((k) => k.template === undefined).map((k) => k.secretKey), ...this.generators.flatMap((g) => g.outputKeys)]);
    for (const k of this.keyList) {
      if (k.template === undefined) continue;
      const unknown = templateInputs(k.template).filter((name) => !inputs.has(name));
      if (unknown.length > 0) {
        errors.push(`${where(this)}: the template of ${k.secretKey} uses ${unknown.map((n) => JSON.stringify(n)).join(', ')}, which this ExternalSecret does not fetch; allowed: ${[...inputs].join(', ') || 'nothing yet'}.`);
      }
    }
    return errors;
  }

  /** The target Secret, as a reference for `envValue`, volumes and RBAC (emits nothing). */
  public get secret(): kplus.ISecret {
    this.secretRef ??= kplus.Secret.fromSecretName(this, 'TargetSecret', this.targetName);
    return this.secretRef;
  }

  /**
   * Lets `serviceAccount` read the target Secret: `get` on exactly this Secret (by
   * `resourceNames`), never `list` or `watch`, which would reveal every Secret of the namespace.
   * The first grant creates the Role and its RoleBinding; later grants add subjects to the same
   * binding and return the same objects.
   * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
   */
  public grantRead(serviceAccount: kplus.IServiceAccount, options: GrantReadOptions = {}): SecretReadGrant {
    const scope = options.scope ?? this.readGrant?.scope ?? this;
    const roleName = checkDnsSubdomain(where(this), 'roleName', options.roleName ?? this.readGrant?.roleName ?? 'secrets-reader');
    if (!this.readGrant) {
      const namespace = Chart.of(scope).namespace;
      if (namespace !== this.namespace) {
        throw new Error(`${where(this)}: 'scope' ${scope.node.path} is in namespace ${JSON.stringify(namespace ?? '')}; the Role reading ${this.targetName} must be in the Secret's namespace ${JSON.stringify(this.namespace ?? '')}.`);
      }
      const prefix = scope === this ? '' : `${this.node.id}-`;
      const role = new kplus.Role(scope, `${prefix}ReaderRole`, { metadata: { name: roleName } });
      role.allow(['get'], this.secret);
      const binding = new kplus.RoleBinding(scope, `${prefix}ReaderBinding`, { metadata: { name: roleName }, role });
      this.readGrant = { role, binding, scope, roleName };
    } else if (scope !== this.readGrant.scope || roleName !== this.readGrant.roleName) {
      throw new Error(`${where(this)}: 'grantRead' options differ from the first grant's (scope ${this.readGrant.scope.node.path}, roleName ${this.readGrant.roleName}); one Role reads this Secret, later grants only add subjects. The value passed is: scope ${scope.node.path}, roleName ${roleName}`);
    }
    const subject = withNamespace(serviceAccount);
    const config = subject.toSubjectConfiguration();
    const granted = this.readGrant.binding.subjects.map((s) => s.toSubjectConfiguration());
    if (!granted.some((s) => s.kind === config.kind && s.name === config.name && s.namespace === config.namespace)) {
      this.readGrant.binding.addSubjects(subject);
    }
    return { role: this.readGrant.role, binding: this.readGrant.binding };
  }
}

/** The value names a template uses: `.name` and `index . "name"` inside `{{ }}`. */
function templateInputs(template: string): string[] {
  const names = new Set<string>();
  for (const action of template.match(/\{\{.*?\}\}/gs) ?? []) {
    for (const m of action.matchAll(/index\s+\.\s+"([^"]+)"/g)) names.add(m[1]);
    for (const m of action.replace(/"[^"]*"/g, '""').matchAll(/(?:^|[\s(|{])\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  }
  return [...names];
}

/**
 * The generated ExternalSecret, rendered in one pass (`resolvedApiObjectJson`) instead of cdk8s's
 * resolve and sanitize passes; byte for byte what the generated class renders. With a JSON patch
 * (`ApiObject.of(x).addJsonPatch(...)`), or a value the one pass leaves to cdk8s, cdk8s renders it.
 */
class ExternalSecretObject extends ExternalSecretResource {
  private readonly given: ExternalSecretResourceProps & { readonly apiVersion: string; readonly kind: string };
  private patched = false;

  public constructor(scope: Construct, id: string, props: ExternalSecretResourceProps) {
    super(scope, id, props);
    // What ApiObject holds as its props (the generated constructor adds apiVersion and kind).
    this.given = Object.assign({}, ExternalSecretResource.GVK, props);
  }

  public override addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public override toJson(): any {
    const resolved = this.patched ? undefined : resolvedApiObjectJson(this, this.given);
    if (resolved === undefined) return super.toJson();
    // As the generated toJson returns `{ ...GVK, ...toJson_ExternalSecretProps(resolved) }` (whose keys are metadata and spec).
    return Object.assign({}, ExternalSecretResource.GVK, toJson_ExternalSecretProps(resolved as ExternalSecretResourceProps));
  }
}

/**
 * A service account as a RoleBinding subject, with its namespace: a cdk8s-plus ServiceAccount
 * created in a namespaced chart leaves `metadata.namespace` to the chart, and a subject of kind
 * ServiceAccount without a namespace is rejected by the API server.
 */
function withNamespace(serviceAccount: kplus.IServiceAccount): kplus.ISubject {
  return new NamespacedSubject(serviceAccount);
}

class NamespacedSubject implements kplus.ISubject {
  public constructor(private readonly serviceAccount: kplus.IServiceAccount) {}

  public get node() {
    return this.serviceAccount.node;
  }

  public with(...mixins: Parameters<IConstruct['with']>): IConstruct {
    return this.serviceAccount.with(...mixins);
  }

  public toSubjectConfiguration(): kplus.SubjectConfiguration {
    const config = this.serviceAccount.toSubjectConfiguration();
    return { ...config, namespace: subjectNamespaceOf(this.serviceAccount) };
  }
}

/** The ExternalSecrets created under each root, in creation order (some may have been removed from the tree since). */
const externalSecretsOf = new WeakMap<IConstruct, ExternalSecret[]>();

/** Registers, once per app, the check that no Secret has two owning ExternalSecrets in one unit. */
function registerOwnershipCheck(externalSecret: ExternalSecret): void {
  const root = externalSecret.node.root;
  const created = externalSecretsOf.get(root);
  if (created) {
    created.push(externalSecret);
    return;
  }
  externalSecretsOf.set(root, [externalSecret]);
  root.node.addValidation({
    // Most apps have no clash: found from the ExternalSecrets created, without walking the whole
    // tree; a clash is reported from the tree, in its order.
    validate: () => (anyOwnerClash(root, externalSecretsOf.get(root)!) ? ownerClashes(root) : []),
  });
}

/** Where an owning ExternalSecret's Secret is: its unit, namespace and name. undefined for one that does not own it (Merge, None). */
function ownedSecretOf(c: ExternalSecret): string | undefined {
  if (c.creationPolicy === CreationPolicy.MERGE || c.creationPolicy === CreationPolicy.NONE) return undefined;
  return `${DeploymentUnit.of(c).node.path}|${c.namespace ?? ''}|${c.targetName}`;
}

/** Whether two of `created` still in the tree own the same Secret. */
function anyOwnerClash(root: IConstruct, created: readonly ExternalSecret[]): boolean {
  const owned = new Set<string>();
  for (const c of created) {
    const id = ownedSecretOf(c);
    if (id === undefined || !isInTree(c, root)) continue;
    if (owned.has(id)) return true;
    owned.add(id);
  }
  return false;
}

/** Whether `c` is still below `root` (a construct can be removed with `node.tryRemoveChild`). */
function isInTree(c: IConstruct, root: IConstruct): boolean {
  let x = c;
  for (let scope = x.node.scope; scope !== undefined; x = scope, scope = x.node.scope) {
    if (scope.node.tryFindChild(x.node.id) !== x) return false;
  }
  return x === root;
}

/** One message per Secret with several owning ExternalSecrets, in tree order. */
function ownerClashes(root: IConstruct): string[] {
  const owners = new Map<string, ExternalSecret[]>();
  for (const c of root.node.findAll()) {
    if (!(c instanceof ExternalSecret)) continue;
    const id = ownedSecretOf(c);
    if (id === undefined) continue;
    const list = owners.get(id);
    if (list) list.push(c);
    else owners.set(id, [c]);
  }
  return [...owners.values()]
    .filter((list) => list.length > 1)
    .map((list) => `[${list[0].node.path}]: the Secret ${JSON.stringify(list[0].targetName)} in namespace ${JSON.stringify(list[0].namespace ?? '')} has ${list.length} owning ExternalSecrets (${list.map((c) => c.node.path).join(', ')}); exactly one may create it, the others must use creationPolicy Merge.`);
}
