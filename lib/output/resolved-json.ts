import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, IResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

// What cdk8s's ApiObject.prototype.toJson() returns, in one pass over the object instead of
// three (resolve, then sanitizeValue, each copying every value and calling three resolvers per
// value). Internal: for this library's own ApiObject subclasses, which know their props.

// Read once: cdk8s's index re-exports through getters, one call per read.
const LAZY: typeof Lazy = Lazy;

/** Met a value the fast pass leaves to cdk8s: a class instance, a function, a token with `resolve()`. */
const NOT_PLAIN = Symbol('not plain');

/**
 * cdk8s's `ApiObject.prototype.toJson()` of `obj`, created with `props` (apiVersion and kind
 * included, as given to ApiObject's constructor) and no JSON patch: `{ ...props, metadata }`
 * resolved by the app's resolvers, stripped of null and undefined values, keys sorted (unless
 * `CDK8S_DISABLE_SORT` is set), apiVersion, kind and metadata first.
 *
 * Returns undefined, having produced nothing, when the app has resolvers of its own; and
 * undefined when a value is anything but a plain object, an array, a string, a number, a
 * boolean or a cdk8s `Lazy` (whose producers must then be pure: cdk8s's pass produces them again).
 * The caller then uses cdk8s's own `toJson()`.
 * @internal
 */
export function resolvedApiObjectJson(obj: ApiObject, props: ApiObjectProps): Record<string, any> | undefined {
  if (!hasOnlyDefaultResolvers(App.of(obj))) return undefined;
  const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
  let json: any;
  try {
    // Object.assign, not `{ ...props, metadata }`: V8's spread with another field is several times
    // slower. (props are this library's own: no own `__proto__` key, which assign would not copy alike.)
    json = resolvePlain(Object.assign({}, props, { metadata: obj.metadata.toJson() }), sortKeys);
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${obj.node.path}' with name '${obj.name}': ${e}`);
  }
  if (json === NOT_PLAIN) return undefined;
  const result: Record<string, any> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) {
    if (k in json) result[k] = json[k];
  }
  return result;
}

/** Whether `app`'s resolvers are cdk8s's own three, in cdk8s's order (what `new App()` sets without `resolvers`). */
function hasOnlyDefaultResolvers(app: App): boolean {
  const resolvers: readonly IResolver[] | undefined = app.resolvers;
  return Array.isArray(resolvers) && resolvers.length === 3 &&
    resolvers[0].constructor === LazyResolver &&
    resolvers[1].constructor === ImplicitTokenResolver &&
    resolvers[2].constructor === NumberStringUnionResolver;
}

/**
 * cdk8s's `sanitizeValue(resolve([], value, obj), { sortKeys })` for plain data and Lazy values:
 * a Lazy is replaced by what it produces, resolved in turn; null and undefined become undefined
 * (and are dropped from objects). Lazy values are produced in key order (cdk8s produces them in
 * insertion order, then sorts): the same values for producers without side effects.
 */
function resolvePlain(value: any, sortKeys: boolean): any {
  if (value == null) return undefined;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value instanceof LAZY) return resolvePlain(value.produce(), sortKeys);
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN; // a hole: cdk8s's map keeps it
      const r = resolvePlain(value[i], sortKeys);
      if (r === NOT_PLAIN) return NOT_PLAIN;
      out[i] = r;
    }
    return out;
  }
  // A plain object with a resolve() method is an implicit token to cdk8s: left to cdk8s.
  if (value.constructor !== Object || typeof value.resolve === 'function') return NOT_PLAIN;
  const keys = sortKeys ? Object.keys(value).sort() : Object.keys(value);
  const out: Record<string, any> = {};
  for (const key of keys) {
    const r = resolvePlain(value[key], sortKeys);
    if (r === NOT_PLAIN) return NOT_PLAIN;
    if (r !== undefined) out[key] = r;
  }
  return out;
}
