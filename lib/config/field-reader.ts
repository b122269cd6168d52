import * as fs from 'fs';
import { Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import { GO_DURATION_PATTERN, parseGoDuration } from '../eso/go-duration';

/**
 * Thrown when a configuration file does not check: one line per problem.
 *
 * @see https://yaml.org/spec/1.2.2/
 */
export class ConfigError extends Error {
  public constructor(
    /** Every problem found, one line each: `<file>: '<field>' is <value>; allowed: <what>`. */
    public readonly messages: string[],
  ) {
    super(messages.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Describes a value the way the error messages show it: `"1 hour"`, `42 (a number)`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    // Short lists are shown as written, so the message names the value; long ones by their size.
    const shown = JSON.stringify(value);
    return shown.length <= 80 ? `the list ${shown}` : `a list of ${value.length} items`;
  }
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${String(value)} (a ${typeof value})`;
}

/** How a field is checked and described to the person who typed it. */
export interface FieldRule<T> {
  /** What is allowed, in words: `a Go duration such as 15m or 1h`. */
  readonly allowed: string;
  /** Turns the raw value into T, or returns undefined when it is not allowed. */
  readonly parse: (value: unknown) => T | undefined;
}

/**
 * Reads one mapping of a YAML file field by field, collecting one-line errors that name the
 * file, the field path, the value given and what is allowed; fields nobody read are reported
 * as unknown by `finish()`, so a typo never passes silently.
 *
 * @see https://yaml.org/spec/1.2.2/
 */
export class FieldReader {
  /** Reads the top of a parsed document. */
  public static root(file: string, doc: unknown, errors: string[]): FieldReader | undefined {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push(`${file}: the file must hold a mapping of fields; it holds ${doc === undefined ? 'nothing' : describeValue(doc)}`);
      return undefined;
    }
    return new FieldReader(file, '', doc as Record<string, unknown>, errors);
  }

  private readonly read = new Set<string>();

  private constructor(
    /** The file as named in error messages: `environments/production.yaml`. */
    public readonly file: string,
    private readonly prefix: string,
    private readonly values: Record<string, unknown>,
    private readonly errors: string[],
  ) {}

  /** The dotted path of a field of this mapping. */
  public pathOf(field: string): string {
    return this.prefix ? `${this.prefix}.${field}` : field;
  }

  /** Whether the field is present. */
  public has(field: string): boolean {
    return this.values[field] !== undefined;
  }

  /** Records an error about a field. */
  public fail(field: string, value: unknown, allowed: string): undefined {
    this.errors.push(`${this.file}: '${this.pathOf(field)}' is ${value === undefined ? 'missing' : describeValue(value)}; allowed: ${allowed}`);
    return undefined;
  }

  /** A required field; records an error and returns undefined when missing or not allowed. */
  public required<T>(field: string, rule: FieldRule<T>): T | undefined {
    this.read.add(field);
    const value = this.values[field];
    if (value === undefined || value === null) return this.fail(field, undefined, rule.allowed);
    const parsed = rule.parse(value);
    return parsed === undefined ? this.fail(field, value, rule.allowed) : parsed;
  }

  /** An optional field with a default. */
  public optional<T>(field: string, rule: FieldRule<T>, defaultValue: T): T;
  /** An optional field without a default: `undefined` when absent. */
  public optional<T>(field: string, rule: FieldRule<T>): T | undefined;
  public optional<T>(field: string, rule: FieldRule<T>, defaultValue?: T): T | undefined {
    this.read.add(field);
    if (this.values[field] === undefined) return defaultValue;
    return this.required(field, rule);
  }

  /** A nested mapping; undefined (with an error unless optional) when missing or not a mapping. */
  public object(field: string, options: { optional?: boolean; allowed?: string } = {}): FieldReader | undefined {
    this.read.add(field);
    const value = this.values[field];
    const allowed = options.allowed ?? 'a mapping of fields';
    if (value === undefined || value === null) return options.optional ? undefined : this.fail(field, undefined, allowed);
    if (typeof value !== 'object' || Array.isArray(value)) return this.fail(field, value, allowed);
    return new FieldReader(this.file, this.pathOf(field), value as Record<string, unknown>, this.errors);
  }

  /** Reports every field present but never read. */
  public finish(): void {
    const known = [...this.read];
    for (const field of Object.keys(this.values)) {
      if (!this.read.has(field)) {
        this.errors.push(`${this.file}: '${this.pathOf(field)}' is not a known field; allowed: ${known.join(', ')}`);
      }
    }
  }
}

/** A string matching `pattern`. */
export function text(allowed: string, pattern?: RegExp, check?: (value: string) => boolean): FieldRule<string> {
  return {
    allowed,
    parse: (v) => (typeof v === 'string' && (!pattern || pattern.test(v)) && (!check || check(v)) ? v : undefined),
  };
}

/** A non-empty list whose every item passes `item`. */
export function listOf<T>(item: FieldRule<T>): FieldRule<T[]> {
  return {
    allowed: `a non-empty list of ${item.allowed}`,
    parse: (v) => {
      if (!Array.isArray(v) || v.length === 0) return undefined;
      const parsed = v.map((x) => item.parse(x));
      return parsed.every((x) => x !== undefined) ? (parsed as T[]) : undefined;
    },
  };
}

/** An IPv4 or IPv6 CIDR such as 10.0.0.0/8. */
export const cidr: FieldRule<string> = text(
  'CIDRs such as 10.0.0.0/8',
  /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+\/\d{1,3}$/,
);

/** One of a fixed list of strings. */
export function oneOf<T extends string>(values: readonly T[]): FieldRule<T> {
  return { allowed: values.join(', '), parse: (v) => (values.includes(v as T) ? (v as T) : undefined) };
}

/** A DNS label: namespaces, names. */
export const dnsLabel: FieldRule<string> = text(
  "a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)",
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  (v) => v.length <= 63,
);

/** A DNS subdomain: Secret and ConfigMap names. */
export const dnsSubdomain: FieldRule<string> = text(
  "a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)",
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  (v) => v.length <= 253,
);

/** A Go duration above zero. */
export const goDuration: FieldRule<Duration> = {
  allowed: 'a Go duration above 0 such as 30s, 15m, 1h or 1h30m',
  parse: (v) => {
    if (typeof v !== 'string' || !GO_DURATION_PATTERN.test(v)) return undefined;
    const d = parseGoDuration(v);
    return d && d.toSeconds() > 0 ? d : undefined;
  },
};

/** An http(s) URL; `httpsOnly` refuses plain http. */
export function url(httpsOnly: boolean): FieldRule<string> {
  return {
    allowed: httpsOnly ? 'an https:// URL (TLS is required outside development)' : 'an http:// or https:// URL',
    parse: (v) => {
      if (typeof v !== 'string') return undefined;
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || (!httpsOnly && u.protocol === 'http:') ? v : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** A reference to a key of a Secret: `{ name, key }`. */
export function readSecretKeyRef(reader: FieldReader, field: string): { name: string; key: string } | undefined {
  const ref = reader.object(field, { allowed: 'a mapping with name and key of a Kubernetes Secret' });
  if (!ref) return undefined;
  const name = ref.required('name', dnsSubdomain);
  const key = ref.required('key', text("a Secret data key (letters, digits, '-', '_' and '.')", /^[-._a-zA-Z0-9]+$/));
  ref.finish();
  return name && key ? { name, key } : undefined;
}

/** Parses a YAML file; a file that does not parse is a ConfigError naming it and the parser's first line. */
export function readYamlFile(file: string, displayName: string = file): unknown {
  try {
    return yaml.load(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ConfigError([`${displayName}: not readable YAML: ${reason}`]);
  }
}
