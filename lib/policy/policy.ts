import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as yaml from 'js-yaml';
import { renderedObjectsOf } from '../output/rendered-objects';
import { RenderedFile, SynthError } from '../output/synthesize';

/** The annotation that exempts an object from rules on purpose: `veza.io/policy-exempt: pinned-images, ...`. */
export const POLICY_EXEMPT_ANNOTATION = 'veza.io/policy-exempt';
/** The annotation that says why; printed at every synth. An exemption without it is a violation. */
export const POLICY_EXEMPT_REASON_ANNOTATION = 'veza.io/policy-exempt-reason';

/** A Kubernetes object about to be written, as parsed back from its rendered file. */
export interface PolicyObject {
  /** The file's path below the output folder: `production/rbac.yaml`. */
  readonly file: string;
  /** The parsed object. */
  readonly doc: KubeObject;
  /** The environment whose folder holds the file (`production` for `alternatives/production/...`); undefined for `cluster/`. */
  readonly environment?: string;
  /** The set of files applied together: `production`, `alternatives/production`, `cluster`. */
  readonly unit: string;
}

/** The loose shape of a Kubernetes object, as policy rules read it. */
export interface KubeObject {
  /** `apiVersion`, when the object has one. */
  readonly apiVersion?: string;
  /** `kind`, when the object has one. */
  readonly kind?: string;
  /** `metadata`: what the rules read of it are the name, namespace and annotations. */
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, string>; readonly [k: string]: unknown };
  /** Every other field (`spec`, `data`, `rules`, ...), unchecked until a rule reads it. */
  readonly [k: string]: unknown;
}

/** What the policy knows of one environment: a top-level folder of the output (`production/`). */
export interface PolicyEnvironment {
  /** The folder's name: `development`, `staging`, `production`. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Outside development: the live Secret must be kept (Retain, Orphan). */
  readonly production: boolean;
}

/** Everything a rule may look at. */
export interface PolicyContext {
  /** Every object of every YAML file about to be written. */
  readonly objects: PolicyObject[];
  /** Every non-YAML file (READMEs, scripts, HCL), for the secret-material scan. */
  readonly textFiles: RenderedFile[];
  /** The environments of the app, as given to the pass (none unless given: rules that need them do nothing). */
  readonly environments: PolicyEnvironment[];
}

/** One rule of the policy: a name (used in exemptions), one sentence, and a check over one object. */
export interface PolicyRule {
  /** The rule's name, as written in exemptions and messages: `pinned-images`. */
  readonly name: string;
  /** One sentence: what the rule requires and why. */
  readonly description: string;
  /** Problems of one object, each a sentence without the object's name (the engine adds it). */
  check(object: PolicyObject, context: PolicyContext): string[];
  /** Problems of a non-YAML file. @default - none */
  checkText?(file: RenderedFile, context: PolicyContext): string[];
}

/** One broken rule. */
export interface PolicyViolation {
  /** The rule's name. */
  readonly rule: string;
  /** The file's path below the output folder. */
  readonly file: string;
  /** `CronJob veza-production/secrets-rotation-signing-secret`, or empty for a text file. */
  readonly object: string;
  /** What is wrong, one sentence. */
  readonly problem: string;
}

/** One rule an object is exempted from, on purpose, with the reason printed at every synth. */
export interface PolicyExemption {
  /** The rule's name. */
  readonly rule: string;
  /** The file's path below the output folder. */
  readonly file: string;
  /** The exempted object: `<Kind> <namespace>/<name>`. */
  readonly object: string;
  /** Why, from the `veza.io/policy-exempt-reason` annotation. */
  readonly reason: string;
}

/** The outcome of a policy pass. */
export interface PolicyReport {
  /** Every broken rule; the synth fails when there is one. */
  readonly violations: PolicyViolation[];
  /** Every exemption taken on purpose, printed at every synth. */
  readonly exemptions: PolicyExemption[];
}

/**
 * Thrown by {@link enforcePolicy}: one line per violation.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class PolicyError extends SynthError {
  public constructor(
    /** Every broken rule. */
    public readonly violations: PolicyViolation[],
    /** The lines printed, one per violation. @default - each violation by {@link formatViolation} */
    messages?: string[],
  ) {
    super(messages ?? violations.map(formatViolation));
    this.name = 'PolicyError';
  }
}

/** `<rule>: dist/<file>: <Kind> <namespace>/<name>: <problem>`. */
export function formatViolation(v: PolicyViolation): string {
  return `policy ${v.rule}: dist/${v.file}: ${v.object ? `${v.object}: ` : ''}${v.problem}`;
}

/** `policy exemption: <rule> for <object> in dist/<file>: <reason>`. */
export function formatExemption(e: PolicyExemption): string {
  return `policy exemption: ${e.rule} for ${e.object} in dist/${e.file}: ${e.reason}`;
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function describeObject(doc: KubeObject): string {
  const name = doc.metadata?.name ?? '<unnamed>';
  return `${doc.kind ?? '<no kind>'} ${doc.metadata?.namespace ? `${doc.metadata.namespace}/` : ''}${name}`;
}

/** Top-level folders that belong to no environment: cluster-wide objects and the GitOps wiring. */
const SHARED_FOLDERS = ['cluster', 'gitops'];

/** The environment and applied unit a file belongs to, from its path (`cluster/`, `gitops/` and their alternatives belong to none). */
export function placeOf(file: string): { environment?: string; unit: string } {
  const parts = file.split('/');
  if (parts[0] === 'alternatives' && parts.length > 2) return { environment: SHARED_FOLDERS.includes(parts[1]) ? undefined : parts[1], unit: `alternatives/${parts[1]}` };
  if (parts.length === 1) return { unit: '' };
  if (SHARED_FOLDERS.includes(parts[0])) return { unit: parts[0] };
  return { environment: parts[0], unit: parts[0] };
}

/** The objects of the rendered YAML files (as renderApp rendered them, or parsed back); other files are kept as text. */
export function policyContext(files: RenderedFile[], environments?: PolicyEnvironment[]): PolicyContext {
  const objects: PolicyObject[] = [];
  const textFiles: RenderedFile[] = [];
  for (const file of files) {
    if (!/\.ya?ml$/.test(file.path)) {
      textFiles.push(file);
      continue;
    }
    const place = placeOf(file.path);
    // The objects renderApp dumped into this file, when it did; else the file parsed back.
    for (const doc of renderedObjectsOf(file) ?? yaml.loadAll(file.content)) {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) continue;
      const obj = doc as KubeObject;
      // kustomization.yaml and other non-Kubernetes YAML: no metadata to check.
      if (obj.kind === 'Kustomization' || obj.metadata === undefined) {
        textFiles.push(file);
        continue;
      }
      objects.push({ file: file.path, doc: obj, ...place });
    }
  }
  return { objects, textFiles, environments: environments ?? [] };
}

/**
 * Runs every rule over everything about to be written. Exempted violations become exemptions;
 * an exemption without a reason, or naming no rule, is a violation itself.
 */
export function checkPolicy(files: RenderedFile[], rules: PolicyRule[], environments?: PolicyEnvironment[]): PolicyReport {
  return runRules(policyContext(files, environments), rules);
}

function runRules(context: PolicyContext, rules: PolicyRule[]): PolicyReport {
  const known = new Set(rules.map((r) => r.name));
  const violations: PolicyViolation[] = [];
  const exemptions: PolicyExemption[] = [];
  for (const object of context.objects) {
    // Described only for a message: most objects break no rule.
    let description: string | undefined;
    const described = () => (description ??= describeObject(object.doc));
    const exempt = exemptionsOf(object.doc);
    if (exempt.rules.length > 0 && !exempt.reason) {
      violations.push({ rule: 'policy-exemption', file: object.file, object: described(), problem: `'metadata.annotations.${POLICY_EXEMPT_ANNOTATION}' is ${JSON.stringify(exempt.rules.join(', '))} without '${POLICY_EXEMPT_REASON_ANNOTATION}'; allowed: an exemption with a reason, which every synth prints` });
    }
    for (const rule of exempt.rules.filter((r) => !known.has(r))) {
      violations.push({ rule: 'policy-exemption', file: object.file, object: described(), problem: `'metadata.annotations.${POLICY_EXEMPT_ANNOTATION}' names ${JSON.stringify(rule)}; allowed: ${[...known].join(', ')}` });
    }
    for (const rule of rules) {
      const problems = rule.check(object, context);
      if (problems.length === 0) continue;
      if (exempt.rules.includes(rule.name) && exempt.reason) {
        exemptions.push({ rule: rule.name, file: object.file, object: described(), reason: exempt.reason });
      } else {
        violations.push(...problems.map((problem) => ({ rule: rule.name, file: object.file, object: described(), problem })));
      }
    }
  }
  for (const file of context.textFiles) {
    for (const rule of rules) {
      for (const problem of rule.checkText?.(file, context) ?? []) violations.push({ rule: rule.name, file: file.path, object: '', problem });
    }
  }
  return { violations, exemptions };
}

/** What an object without the exemption annotations is exempted from: nothing. */
const NO_EXEMPTION: { readonly rules: readonly string[]; readonly reason?: string } = Object.freeze({ rules: Object.freeze([]) as readonly string[], reason: undefined });

function exemptionsOf(doc: KubeObject): { readonly rules: readonly string[]; readonly reason?: string } {
  const annotations = doc.metadata?.annotations;
  if (annotations == null || (annotations[POLICY_EXEMPT_ANNOTATION] === undefined && annotations[POLICY_EXEMPT_REASON_ANNOTATION] === undefined)) return NO_EXEMPTION;
  const rules = (annotations[POLICY_EXEMPT_ANNOTATION] ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
  const reason = annotations[POLICY_EXEMPT_REASON_ANNOTATION]?.trim();
  return { rules, reason: reason ? reason : undefined };
}

/** Each context's objects by kind and name, built once per context on first lookup. */
const objectIndexes = new WeakMap<PolicyContext, Map<string, PolicyObject[]>>();

/**
 * The objects of `kind` named `name` that `from` sees: those applied with it (same unit and
 * namespace), or, when `clusterWide`, any of them. In the order of `context.objects`. One index per
 * context, so the pass stays linear in the number of objects.
 */
export function objectsReachable(context: PolicyContext, from: PolicyObject, kind: string | undefined, name: string | undefined, clusterWide: boolean): PolicyObject[] {
  let index = objectIndexes.get(context);
  if (!index) {
    index = new Map();
    for (const o of context.objects) {
      const key = `${o.doc.kind}\0${o.doc.metadata?.name}`;
      const list = index.get(key);
      if (list) list.push(o);
      else index.set(key, [o]);
    }
    objectIndexes.set(context, index);
  }
  return (index.get(`${kind}\0${name}`) ?? []).filter((o) => o.doc.kind === kind && o.doc.metadata?.name === name &&
    (clusterWide || (o.unit === from.unit && o.doc.metadata?.namespace === from.doc.metadata?.namespace)));
}

/** The store an ExternalSecret reads, looked up where it is applied: its own folder, or a ClusterSecretStore anywhere. */
export function storeOf(es: PolicyObject, context: PolicyContext): PolicyObject | undefined {
  const ref = ((es.doc.spec as any)?.secretStoreRef ?? {}) as { kind?: string; name?: string };
  const kind = ref.kind ?? 'SecretStore';
  return objectsReachable(context, es, kind, ref.name, kind === 'ClusterSecretStore')[0];
}

/** The provider block's name of a store: `vault`, `aws`, `gcpsm`, `azurekv`, ... */
export function providerOf(store: KubeObject): string | undefined {
  return Object.keys(((store.spec as any)?.provider ?? {}) as object)[0];
}

/**
 * Where the string being visited by {@link forEachString} is: its key in the object or array
 * holding it (`key`, or `0` for `data[0]`) and its dotted path (`spec.data[0].remoteRef.key`),
 * made when read. Valid during the visit only.
 */
export interface StringPlace {
  /** The key of the string in the object or array holding it. */
  readonly key: string | number;
  /** The dotted path: `${at}.${key}`, `${at}[${index}]`, or the key itself at the top. */
  readonly path: string;
}

/** The keys from the walked value down to the string being visited: one object, reused for every string. */
class WalkPlace implements StringPlace {
  public readonly keys: (string | number)[] = [];

  public constructor(private readonly prefix: string) {}

  public get key(): string | number {
    return this.keys[this.keys.length - 1];
  }

  public get path(): string {
    let at = this.prefix;
    for (const key of this.keys) at = typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key;
    return at;
  }
}

/**
 * Calls `visit` with every value of `doc` that is a string, in the order of `Object.entries`,
 * and where it is (below `prefix`). Nothing is allocated per string: most strings are only
 * tested, their path never shown.
 */
export function forEachString(doc: unknown, visit: (value: string, place: StringPlace) => void, prefix = ''): void {
  const place = new WalkPlace(prefix);
  if (typeof doc === 'string') {
    // The walked value itself: its path is the prefix.
    visit(doc, { key: prefix, path: prefix });
    return;
  }
  const walk = (value: unknown): void => {
    if (typeof value === 'string') visit(value, place);
    else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        place.keys.push(i);
        walk(v);
        place.keys.pop();
      });
    } else if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value)) {
        place.keys.push(k);
        walk((value as Record<string, unknown>)[k]);
        place.keys.pop();
      }
    }
  };
  walk(doc);
}

/** Every string of `doc` with its dotted path below `prefix` (see {@link forEachString}). */
export function stringsOf(doc: unknown, prefix = ''): { path: string; value: string }[] {
  const out: { path: string; value: string }[] = [];
  forEachString(doc, (value, place) => out.push({ path: place.path, value }), prefix);
  return out;
}

/**
 * Exempts one object from policy rules on purpose: writes the two annotations the policy reads on
 * `ApiObject.of(scope)` (a construct's 'Resource' child, or the ApiObject itself).
 * The reason is printed at every synth; it must say why and until when.
 */
export function exemptFromPolicy(scope: IConstruct, rules: string[], reason: string): void {
  const apiObject = ApiObject.of(scope);
  if (rules.length === 0 || reason.trim() === '') {
    throw new Error(`[${scope.node.path}]: 'exemptFromPolicy' needs at least one rule and a reason. The value passed is: rules ${JSON.stringify(rules)}, reason ${JSON.stringify(reason)}`);
  }
  apiObject.metadata.addAnnotation(POLICY_EXEMPT_ANNOTATION, rules.join(', '));
  apiObject.metadata.addAnnotation(POLICY_EXEMPT_REASON_ANNOTATION, reason.trim());
}
