/**
 * Unknown fields of core Kubernetes objects, as `kubectl apply --validate=strict` reports them.
 * kubernetes-models' schemas do not forbid unknown fields; the typed Kubernetes 1.28 imports of
 * cdk8s-plus-28 (`k8s.toJson_Kube<Kind>Props`) read exactly the fields the API declares. The
 * object is handed to that conversion behind a proxy that records which fields it reads: a field
 * never read is unknown. (The imports spell some fields their own way, `downwardApi` for
 * `downwardAPI`, `ref` for `$ref`: fields are matched on letters and digits, case-insensitively.)
 */
import { k8s } from 'cdk8s-plus-28';

type ToJson = (props: unknown) => unknown;
const converters = new Map<string, ToJson | undefined>();

function converterFor(apiVersion: string, kind: string): ToJson | undefined {
  const id = `${apiVersion}/${kind}`;
  if (!converters.has(id)) {
    const exports = k8s as unknown as Record<string, { GVK?: { apiVersion: string; kind: string } } & ToJson>;
    const className = Object.keys(exports).find((n) => /^Kube/.test(n) && exports[n].GVK?.apiVersion === apiVersion && exports[n].GVK?.kind === kind);
    converters.set(id, className ? exports[`toJson_${className}Props`] : undefined);
  }
  return converters.get(id);
}

const normalize = (name: string) => name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/**
 * One line per field of `obj` that its kind does not declare (`/spec has unknown field "x"`);
 * `undefined` when the typed imports do not know the kind.
 */
export function unknownCoreFields(obj: Record<string, unknown>): string[] | undefined {
  const toJson = converterFor(String(obj.apiVersion), String(obj.kind));
  if (!toJson) return undefined;
  const { apiVersion: _a, kind: _k, ...props } = obj;
  const read = new Set<string>();
  toJson(watch(props, '', read));
  const unknown: string[] = [];
  collectUnread(props, '', read, unknown);
  return unknown;
}

/** A proxy of `value` that records in `read` every field (`<path>/<field>`) the conversion reads. */
function watch(value: unknown, at: string, read: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, i) => watch(item, `${at}/${i}`, read));
  const target = value as Record<string, unknown>;
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== 'string') return Reflect.get(t, prop);
      const key = prop in t ? prop : Object.keys(t).find((k) => normalize(k) === normalize(prop));
      if (key === undefined) return undefined;
      read.add(`${at}/${key}`);
      return watch(t[key], `${at}/${key}`, read);
    },
    // A map (labels, data, resource limits) is read whole: every key of it is known.
    ownKeys(t) {
      for (const key of Object.keys(t)) read.add(`${at}/${key}`);
      return Reflect.ownKeys(t);
    },
  });
}

function collectUnread(value: unknown, at: string, read: Set<string>, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectUnread(item, `${at}/${i}`, read, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (!read.has(`${at}/${key}`)) out.push(`${at || '/'} has unknown field ${JSON.stringify(key)}`);
    else collectUnread(child, `${at}/${key}`, read, out);
  }
}
