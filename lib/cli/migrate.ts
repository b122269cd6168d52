import * as path from 'path';
import { SECRET_DATA_KEY } from '../eso/names';
import type { VezaCatalog, VezaSecretKey } from '../veza/catalog';
import { ConfigError, parseYaml } from '../config/field-reader';
import { UsageError } from './io';

// Migration from a hand-made Secret: the seed's "Migration Guide". Only key names leave this
// file. A Secret manifest is parsed (its values are in memory for the length of the parse and
// dropped), a .env file is cut at the first '='; no message ever quotes the input, not even a
// parse error's excerpt, because that excerpt could hold a value.

/** The two formats `migrate` reads. */
export type KeySourceFormat = 'secret-manifest' | 'dotenv';

/** One key name found in the input, and its catalog spelling (`DATABASE_URL` -> `database-url`). */
export interface SourceKey {
  /** As written in the input: `DATABASE_URL`. */
  readonly name: string;
  /** In the catalog's spelling: `database-url`. */
  readonly catalogKey: string;
}

/** The key names of a Secret manifest or a `.env` file: never a value. */
export interface KeySource {
  /** The input, as named on the command line. */
  readonly file: string;
  /** How it was read. */
  readonly format: KeySourceFormat;
  /** The names of the Secrets in a manifest (none for a `.env` file). */
  readonly secretNames: string[];
  /** Each key name once, in input order. */
  readonly keys: SourceKey[];
}

/** `DATABASE_URL` and `database_url` -> `database-url`; catalog keys are lower-case with '-'. */
export function catalogSpelling(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** Which format a file is, from its name: `.env`, `x.env`, `.env.production` are dotenv; the rest YAML. */
export function formatOf(file: string): KeySourceFormat {
  const base = path.basename(file);
  return base === '.env' || base.startsWith('.env.') || base.endsWith('.env') ? 'dotenv' : 'secret-manifest';
}

/** Reads the key names of `content`; `file` names it in messages. */
export function readKeyNames(file: string, content: string, format: KeySourceFormat = formatOf(file)): KeySource {
  const names = format === 'dotenv' ? dotenvKeys(file, content) : manifestKeys(file, content);
  const seen = new Set<string>();
  const keys: SourceKey[] = [];
  for (const name of names.keys) {
    if (seen.has(name)) continue;
    seen.add(name);
    keys.push({ name, catalogKey: catalogSpelling(name) });
  }
  return { file, format, secretNames: names.secretNames, keys };
}

function dotenvKeys(file: string, content: string): { keys: string[]; secretNames: string[] } {
  const keys: string[] = [];
  let openQuote: string | undefined;
  content.split(/\r?\n/).forEach((raw, i) => {
    if (openQuote) {
      if (raw.includes(openQuote)) openQuote = undefined;
      return;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(line);
    if (!m) throw new UsageError(`${file}: line ${i + 1} is not KEY=VALUE (the line is not shown: it may hold a value)`);
    keys.push(m[1]);
    const value = m[2].trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) === -1) openQuote = quote;
  });
  if (openQuote) throw new UsageError(`${file}: a quoted value is not closed before the end of the file`);
  return { keys, secretNames: [] };
}

function manifestKeys(file: string, content: string): { keys: string[]; secretNames: string[] } {
  let docs: unknown[];
  try {
    docs = parseYaml(content, file, { all: true, hideParserMessage: true });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.messages[0]);
    throw e;
  }
  const objects = docs.flatMap((d) => (isObject(d) && d.kind === 'List' && Array.isArray(d.items) ? d.items : [d]));
  const secrets = objects.filter((d): d is Record<string, unknown> => isObject(d) && d.kind === 'Secret');
  if (secrets.length === 0) {
    throw new UsageError(`${file}: holds no Secret (kind: Secret); give a Secret manifest (kubectl get secret NAME -o yaml) or a .env file`);
  }
  const keys: string[] = [];
  const secretNames: string[] = [];
  for (const s of secrets) {
    const metadata = isObject(s.metadata) ? s.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
    secretNames.push(name);
    for (const field of ['data', 'stringData']) {
      const map = s[field];
      if (map === undefined || map === null) continue;
      if (!isObject(map)) throw new UsageError(`${file}: Secret ${JSON.stringify(name)}: '${field}' must be a mapping of key names to values`);
      keys.push(...Object.keys(map));
    }
  }
  return { keys, secretNames };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** How the input's keys compare with the catalog. */
export interface MigrationReport {
  /** Keys of the input that the catalog holds. */
  readonly present: SourceKey[];
  /** Catalog keys the input lacks. */
  readonly missing: VezaSecretKey[];
  /** Keys of the input the catalog lacks: entries to add. */
  readonly extra: SourceKey[];
}

/** Compares key names with the catalog. */
export function compareWithCatalog(source: KeySource, catalog: VezaCatalog): MigrationReport {
  const found = new Set(source.keys.map((k) => k.catalogKey));
  return {
    present: source.keys.filter((k) => catalog.has(k.catalogKey)),
    missing: catalog.keys.filter((k) => !found.has(k)),
    extra: source.keys.filter((k) => !catalog.has(k.catalogKey)),
  };
}

/**
 * The TypeScript to paste into `VEZA_CATALOG`'s `secrets` for a key the catalog lacks: a
 * skeleton with TODOs, never a value (the placeholder is a shape such as REPLACE_ME).
 */
export function catalogEntrySkeleton(key: SourceKey, catalog: VezaCatalog): string {
  const valid = SECRET_DATA_KEY.test(key.catalogKey);
  const from = key.name === key.catalogKey ? '' : ` // ${key.name} in the input`;
  return [
    `    '${valid ? key.catalogKey : 'TODO-rename'}': {${valid ? from : ` // ${JSON.stringify(key.name)} is not a valid Secret key`}`,
    `      description: 'TODO: what this value is',`,
    `      placeholder: 'REPLACE_ME',`,
    `      consumers: [${catalog.services.map((s) => `'${s}'`).join(', ')}], // TODO: only the services that read it`,
    `      rotation: ROTATION_CLASSES.providerApiKey, // TODO: signingSecret, databaseCredential or providerApiKey`,
    '    },',
  ].join('\n');
}
