import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { dnsSubdomain, Rule, secretDataKey } from '../rules';

// The rules environment files and gitops.yaml use, from the one module of rules.
export { cidr, dnsLabel, dnsSubdomain, goDuration, listOf, oneOf, text, url } from '../rules';

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
    const shown = value.length <= 20 ? JSON.stringify(value) : '';
    return shown && shown.length <= 80 ? `the list ${shown}` : `a list of ${value.length} items`;
  }
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return excerpt(value);
  return `${clipLine(String(value), MAX_EXCERPT)} (a ${typeof value})`;
}

/** How a field is checked and described to the person who typed it: a rule of `lib/rules`. */
export type FieldRule<T> = Rule<T>;

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

/** A reference to a key of a Secret: `{ name, key }`. */
export function readSecretKeyRef(reader: FieldReader, field: string): { name: string; key: string } | undefined {
  const ref = reader.object(field, { allowed: 'a mapping with name and key of a Kubernetes Secret' });
  if (!ref) return undefined;
  const name = ref.required('name', dnsSubdomain);
  const key = ref.required('key', secretDataKey);
  ref.finish();
  return name && key ? { name, key } : undefined;
}

/** The largest configuration file read: 1 MiB. Environment files are a few kilobytes. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * The most values a YAML document may hold once its aliases are expanded. Aliases share one object
 * in memory, but every reader of the document (checks, messages, renderers) walks each use: a file
 * of nested aliases (the "billion laughs" shape) would expand beyond any memory.
 */
export const MAX_YAML_VALUES = 100_000;

/** The longest excerpt of a value that a message shows. */
export const MAX_EXCERPT = 100;

/** A value cut for a message: `"aaaa..." (10485760 characters)` when longer than {@link MAX_EXCERPT}. */
export function excerpt(text: string): string {
  return text.length <= MAX_EXCERPT ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, MAX_EXCERPT))}... (${text.length} characters)`;
}

/** A message line cut to a few hundred characters: the last guard before stderr. */
export function clipLine(line: string, max = 600): string {
  return line.length <= max ? line : `${line.slice(0, max)}... (${line.length} characters)`;
}

/**
 * An unexpected error (a construct's check, a catalog rule) as one line: its message's first
 * line, cut to 600 characters. Callers print the stack trace only when `VEZA_DEBUG` is set.
 */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return clipLine(text.split('\n')[0]);
}

/**
 * Reads a configuration file as text: one {@link ConfigError} line when it cannot be read or is
 * larger than {@link MAX_INPUT_BYTES}.
 */
export function readInputFile(file: string, displayName: string = file): string {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_INPUT_BYTES) {
      throw new ConfigError([`${displayName}: the file is ${size} bytes; allowed: at most ${MAX_INPUT_BYTES} bytes (1 MiB) for a configuration file`]);
    }
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([`${displayName}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

/** Options of {@link parseYaml}. */
export interface ParseYamlOptions {
  /** Every document of a multi-document stream. @default false: the first only */
  readonly all?: boolean;
  /** Say only where the text does not parse (the parser's message may quote a value). @default false */
  readonly hideParserMessage?: boolean;
}

/**
 * Parses YAML text (every document when `all`), refusing what a hostile or mistaken file could do:
 * a duplicate key (named, with both lines), aliases that expand beyond {@link MAX_YAML_VALUES}
 * values, and parser messages longer than a line. Each problem is one {@link ConfigError} line.
 */
export function parseYaml(text: string, displayName: string, options: ParseYamlOptions = {}): unknown[] {
  let docs: unknown[];
  try {
    docs = options.all ? yaml.loadAll(text) : [yaml.load(text)];
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (reason.startsWith('duplicated mapping key')) {
      const twice = findDuplicateKey(text);
      if (twice) throw new ConfigError([`${displayName}: '${twice.path}' is given twice, on lines ${twice.lines[0]} and ${twice.lines[1]}; allowed: each key once in a mapping`]);
    }
    if (options.hideParserMessage) {
      const line = (e as { mark?: { line?: number } }).mark?.line;
      throw new ConfigError([`${displayName}: not readable YAML${line === undefined ? '' : ` (near line ${line + 1})`}; the parser's excerpt is not shown: it may hold a value`]);
    }
    throw new ConfigError([`${displayName}: not readable YAML: ${clipLine(reason, 200)}`]);
  }
  for (const doc of docs) {
    if (countValues(doc, MAX_YAML_VALUES) > MAX_YAML_VALUES) {
      throw new ConfigError([`${displayName}: the YAML expands to more than ${MAX_YAML_VALUES} values once its aliases are resolved; allowed: a plain file (aliases that expand beyond that, the "billion laughs" shape, are refused)`]);
    }
  }
  return docs;
}

/** The number of values of `doc`, aliases counted at every use, stopping once above `limit`. */
function countValues(doc: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [doc];
  while (stack.length > 0 && count <= limit) {
    const value = stack.pop();
    count++;
    if (value === null || typeof value !== 'object') continue;
    const isList = Array.isArray(value);
    for (const v of isList ? value : Object.values(value)) {
      // A mapping's key counts as a value too.
      if (!isList) count++;
      stack.push(v);
      if (count + stack.length > limit) return limit + 1;
    }
  }
  return count;
}

/** The first key given twice in one mapping: its dotted path and both lines (1-based). */
function findDuplicateKey(text: string): { path: string; lines: [number, number] } | undefined {
  let events: ReturnType<typeof yaml.parseEvents>;
  try {
    events = yaml.parseEvents(text, {});
  } catch {
    return undefined;
  }
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  interface Frame { readonly map: boolean; readonly path: string; readonly keys: Map<string, number>; expectKey: boolean; index: number; pendingKey?: string }
  const frames: Frame[] = [];
  const childPath = (parent: Frame | undefined): string => {
    if (!parent) return '';
    const own = parent.map ? parent.pendingKey ?? '?' : `${parent.index}`;
    const joined = parent.map ? (parent.path ? `${parent.path}.${own}` : own) : `${parent.path}[${own}]`;
    return joined;
  };
  const afterValue = (parent: Frame | undefined) => {
    if (!parent) return;
    if (parent.map) parent.expectKey = true;
    else parent.index++;
  };
  for (const event of events as any[]) {
    const parent = frames[frames.length - 1];
    if (event.type === yaml.EVENT_ID.DOCUMENT) continue;
    if (event.type === yaml.EVENT_ID.SCALAR || event.type === yaml.EVENT_ID.ALIAS) {
      if (parent?.map && parent.expectKey) {
        const key = event.type === yaml.EVENT_ID.SCALAR ? yaml.getScalarValue(text, event) : `*${text.slice(event.anchorStart, event.anchorEnd)}`;
        const line = lineOf(event.type === yaml.EVENT_ID.SCALAR ? event.valueStart : event.anchorStart);
        const first = parent.keys.get(key);
        if (first !== undefined) return { path: parent.path ? `${parent.path}.${key}` : key, lines: [first, line] };
        parent.keys.set(key, line);
        parent.pendingKey = key;
        parent.expectKey = false;
      } else {
        afterValue(parent);
      }
      continue;
    }
    if (event.type === yaml.EVENT_ID.MAPPING || event.type === yaml.EVENT_ID.SEQUENCE) {
      if (parent?.map && parent.expectKey) {
        // A complex key: not named in messages.
        parent.pendingKey = '?';
        parent.expectKey = false;
      }
      frames.push({ map: event.type === yaml.EVENT_ID.MAPPING, path: childPath(parent), keys: new Map(), expectKey: true, index: 0 });
      continue;
    }
    if (event.type === yaml.EVENT_ID.POP) {
      frames.pop();
      afterValue(frames[frames.length - 1]);
    }
  }
  return undefined;
}

/** Parses a YAML file; a file that cannot be read, is too large or does not parse is a ConfigError of one line. */
export function readYamlFile(file: string, displayName: string = file): unknown {
  return parseYaml(readInputFile(file, displayName), displayName)[0];
}
