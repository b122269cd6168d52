/**
 * Checks synthesized objects against their real schemas, the way the API server would:
 *
 * - kinds with a schema in `imports/schemas/<group>_<version>_<Kind>.json` (the served versions
 *   of the ESO CRDs, and any CRD schema added there later) with ajv; an object field the schema
 *   does not declare is an error, as with `kubectl apply --validate=strict` (unless the schema
 *   says `x-kubernetes-preserve-unknown-fields`). CEL rules (`x-kubernetes-validations`) are not
 *   evaluated;
 * - core Kubernetes kinds with kubernetes-models, Argo CD and Flux kinds with
 *   @kubernetes-models/argo-cd and flux-cd when installed (these schemas check types, required
 *   fields and enums; they do not forbid unknown fields);
 * - anything else is an error: `no schema for <apiVersion>/<kind>`. A version the CRDs do not
 *   serve (`external-secrets.io/v1beta1`) is an error too.
 *
 * Every message is one line: `<apiVersion>/<kind> <name>: <path> <problem>`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { _, ErrorObject, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import * as yaml from 'js-yaml';
import { CONFIG_FILE_SCHEMAS } from './config-schemas';
import { unknownCoreFields } from './core-fields';

const SCHEMA_DIR = path.join(__dirname, '..', '..', 'imports', 'schemas');
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// optimize: false compiles the 200 kB store schemas three times faster; validation stays fast.
// source: true, so a compiled CRD validator can be cached as code (crdValidator).
const FORMATS_FILE = path.join(__dirname, 'schema-formats.js');
const FORMATS = require(FORMATS_FILE) as Record<string, string | RegExp | true | { type: 'number'; validate: (n: number) => boolean }>;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, code: { optimize: false, source: true, formats: _`require(${FORMATS_FILE})` } });
for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);

/**
 * Compiled CRD validators, as standalone code: compiling the ESO schemas took about two seconds in
 * every suite that validates. Keyed by the schema, the formats and ajv's version; written whole
 * (rename), so parallel workers never read half a file.
 */
const CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'veza-secrets-ajv');
// The generated code requires FORMATS_FILE by its absolute path: a copy of the project (user-edits, nothing-lost)
// sharing node_modules must not load a validator that points into another, maybe deleted, copy.
const CACHE_SALT = `${require('ajv/package.json').version}\n${FORMATS_FILE}\n${fs.readFileSync(FORMATS_FILE, 'utf8')}`;

const crdValidators = new Map<string, ValidateFunction | undefined>();
const configValidators = new Map<string, ValidateFunction>();

function configValidator(apiVersionKind: string): ValidateFunction | undefined {
  const schema = CONFIG_FILE_SCHEMAS[apiVersionKind];
  if (!schema) return undefined;
  if (!configValidators.has(apiVersionKind)) configValidators.set(apiVersionKind, ajv.compile(schema));
  return configValidators.get(apiVersionKind);
}

/** Marks every object schema that lists its properties as closed, as strict field validation does. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const s: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) s[k] = k === 'enum' || k === 'default' || k === 'example' ? v : closeObjects(v);
  // Not where anyOf/oneOf/allOf may declare more properties (none of the ESO schemas does).
  const combined = s.anyOf !== undefined || s.oneOf !== undefined || s.allOf !== undefined;
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields'] && !combined) s.additionalProperties = false;
  return s;
}

/** `ajv.compile(schema)`, or the same validator from the code cache. */
function cachedValidator(name: string, schema: object): ValidateFunction {
  const key = createHash('sha256').update(CACHE_SALT).update(JSON.stringify(schema)).digest('hex').slice(0, 16);
  const cached = path.join(CACHE_DIR, `${name}.${key}.js`);
  if (fs.existsSync(cached)) return require(cached) as ValidateFunction;
  const validate = ajv.compile(schema);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(temp, standaloneCode(ajv, validate));
  fs.renameSync(temp, cached);
  return validate;
}

function crdValidator(group: string, version: string, kind: string): ValidateFunction | undefined {
  const file = `${group}_${version}_${kind}.json`;
  if (!crdValidators.has(file)) {
    const full = path.join(SCHEMA_DIR, file);
    crdValidators.set(file, fs.existsSync(full) ? cachedValidator(file, closeObjects(JSON.parse(fs.readFileSync(full, 'utf8'))) as object) : undefined);
  }
  return crdValidators.get(file);
}

/** The versions of `group`/`kind` that have a schema (the served ones). */
function servedVersions(group: string, kind: string): string[] {
  if (!fs.existsSync(SCHEMA_DIR)) return [];
  return fs.readdirSync(SCHEMA_DIR)
    .map((f) => /^(.+)_([^_]+)_([^_]+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === group && m[3] === kind)
    .map((m) => `${group}/${m[2]}`)
    .sort();
}

interface KubernetesModel {
  new (data: unknown): { validate(): void };
  apiVersion?: string;
  kind?: string;
}

/**
 * The kubernetes-models packages asked for a kind, in order: the core kinds, then the
 * third-party models when they are installed (Argo CD, Flux).
 */
const MODEL_PACKAGES = ['kubernetes-models', '@kubernetes-models/argo-cd', '@kubernetes-models/flux-cd'];

/** The model class of a kind: `v1` `ServiceAccount` → `kubernetes-models/v1/ServiceAccount`. */
function coreModel(apiVersion: string, kind: string): KubernetesModel | undefined {
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  for (const pkg of MODEL_PACKAGES) {
    let mod: Record<string, KubernetesModel>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(`${pkg}/${apiVersion}/${kind}`);
    } catch {
      continue;
    }
    const model = mod[kind];
    // Only top-level resources carry apiVersion and kind (v1/Container does not).
    if (model && model.apiVersion === apiVersion && model.kind === kind) return model;
  }
  return undefined;
}

function objectMetaValidator(): ((data: unknown) => boolean) & { errors?: ErrorObject[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta').validate;
}

function formatAjvError(e: Pick<ErrorObject, 'instancePath' | 'message' | 'params' | 'keyword'>): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${at} has unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  if (e.keyword === 'enum') return `${at} ${e.message}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  return `${at} ${e.message ?? messageOf(e.keyword, e.params as Record<string, unknown>)}`;
}

/** kubernetes-models' precompiled validators leave `message` out: say it as ajv would. */
function messageOf(keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'type': return `must be ${params.type}`;
    case 'required': return `must have required property '${params.missingProperty}'`;
    case 'pattern': return `must match pattern "${params.pattern}"`;
    case 'format': return `must match format "${params.format}"`;
    default: return `fails '${keyword}' ${JSON.stringify(params)}`;
  }
}

/** Validates one object; returns one line per problem, none when it is valid. */
export function validateObject(obj: unknown): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [`not a Kubernetes object: ${JSON.stringify(obj)}`];
  const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
    return [`not a Kubernetes object (apiVersion and kind must be strings): ${JSON.stringify(obj).slice(0, 120)}`];
  }
  const apiVersion = o.apiVersion;
  const kind = o.kind;
  const config = configValidator(`${apiVersion}/${kind}`);
  if (config) {
    // A component's configuration file (kube-apiserver's): no metadata, no API server.
    return config(obj) ? [] : (config.errors ?? []).map((e) => `${apiVersion}/${kind}: ${formatAjvError(e)}`);
  }
  const label = `${apiVersion}/${kind} ${typeof o.metadata?.name === 'string' ? o.metadata.name : '<no name>'}`;
  const problems = nameProblems(o.metadata);
  const groupKind = `${apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : 'v1'}/${kind}`;
  if (CLUSTER_SCOPED.has(groupKind) && o.metadata?.namespace !== undefined) {
    problems.push(`/metadata/namespace must not be set: ${kind} is cluster-scoped; it is ${JSON.stringify(o.metadata.namespace)}`);
  }

  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const crd = group ? crdValidator(group, version, kind) : undefined;
  if (crd) {
    // A CRD schema leaves metadata open: the API server checks it as an ObjectMeta.
    const meta = objectMetaValidator();
    if (o.metadata !== undefined && !meta(o.metadata)) {
      problems.push(...(meta.errors ?? []).map((e) => formatAjvError({ ...e, instancePath: `/metadata${e.instancePath}` })));
    }
    if (!crd(obj)) problems.push(...(crd.errors ?? []).map(formatAjvError));
  } else {
    const served = group ? servedVersions(group, kind) : [];
    const model = served.length === 0 ? coreModel(apiVersion, kind) : undefined;
    if (served.length > 0) {
      problems.push(`${apiVersion} is not a served version of ${kind}; served: ${served.join(', ')}`);
    } else if (!model) {
      return [`${label}: no schema for ${apiVersion}/${kind}`];
    } else {
      try {
        new model(obj).validate();
      } catch (e) {
        const errors = (e as { errors?: ErrorObject[] }).errors;
        problems.push(...(errors ? errors.map(formatAjvError) : [String((e as Error).message ?? e)]));
      }
      problems.push(...(unknownCoreFields(obj as Record<string, unknown>) ?? []));
    }
  }
  return problems.map((p) => `${label}: ${p}`);
}

/** Kinds without a namespace: a metadata.namespace on them is a mistake GitOps tools keep reporting. */
const CLUSTER_SCOPED = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'scheduling.k8s.io/PriorityClass', 'storage.k8s.io/StorageClass', 'networking.k8s.io/IngressClass',
  'external-secrets.io/ClusterSecretStore', 'external-secrets.io/ClusterExternalSecret', 'external-secrets.io/ClusterPushSecret',
  'generators.external-secrets.io/ClusterGenerator',
]);

/** What the API server checks of every object's name and namespace. */
function nameProblems(metadata: unknown): string[] {
  if (metadata === undefined || metadata === null || typeof metadata !== 'object') return ['/metadata is missing'];
  const problems: string[] = [];
  const m = metadata as { name?: unknown; namespace?: unknown };
  if (typeof m.name !== 'string' || m.name.length > 253 || !DNS_SUBDOMAIN.test(m.name)) {
    problems.push(`/metadata/name must be a DNS subdomain; it is ${JSON.stringify(m.name)}`);
  }
  if (m.namespace !== undefined && (typeof m.namespace !== 'string' || m.namespace.length > 63 || !DNS_LABEL.test(m.namespace))) {
    problems.push(`/metadata/namespace must be a DNS label; it is ${JSON.stringify(m.namespace)}`);
  }
  return problems;
}

/** Validates every document of a multi-document YAML text; document numbers start at 1. */
export function validateManifestText(text: string): string[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text);
  } catch (e) {
    return [`not YAML: ${(e as Error).message.split('\n')[0]}`];
  }
  const problems: string[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    problems.push(...validateObject(doc).map((p) => `document ${i + 1}: ${p}`));
  });
  return problems;
}

/** Every object of a multi-document YAML text. */
export function objectsOf(text: string): Array<Record<string, any>> {
  return yaml.loadAll(text).filter((d) => d !== null && d !== undefined) as Array<Record<string, any>>;
}
