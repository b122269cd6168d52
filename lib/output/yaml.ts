// The YAML writer of the output: byte for byte what js-yaml's `dump(doc, { noRefs: true,
// lineWidth: -1 })` writes, several times faster on the documents a synth renders (plain objects,
// arrays, strings, numbers, booleans, null). Internal: not exported from the package.
//
// It writes the block structure itself (js-yaml's presenter with indent 2 and sequences inlined
// after '- ') and takes every decision js-yaml's scalar styler makes from js-yaml itself:
// - a string made only of letters, digits and `_ . / = + @ , ( ) -`, single spaces between them,
//   that js-yaml's dump schema does not resolve to another type (`true`, `1.5`, `2001-12-14`,
//   `null`...), is written plain, as js-yaml does;
// - any other string, number, boolean and null is rendered once by js-yaml and remembered; a
//   multi-line string it writes as a literal block (`|`) is re-indented for each depth with
//   js-yaml's own rules, checked against js-yaml's output at the first depth;
// - whatever else (a root that is not a collection, a Date, a Set, a class instance, a key that
//   needs `? `, a block scalar that would end the document with `...`) makes the whole document
//   go through js-yaml.
// `__tests__/output-yaml.test.ts` compares it with js-yaml on every synthesized document and on
// fuzzed strings.
import * as yaml from 'js-yaml';

/** The options every YAML file of the output is written with. */
export const DUMP_OPTIONS: yaml.DumpOptions = { noRefs: true, lineWidth: -1 };

/** Thrown inside the writer: this document goes through js-yaml as a whole. */
const WHOLE_DOCUMENT = Symbol('whole document through js-yaml');

// Read once: the compiled `import * as` reads each name through a getter.
const DUMP_SCHEMA = yaml.DUMP_SCHEMA;
const STR_TAG = DUMP_SCHEMA.defaultScalarTag.tagName;
const PLAIN_SAFE = /^[A-Za-z0-9_./](?:[A-Za-z0-9_./=+@,()-]| (?=[A-Za-z0-9_./=+@,()-]))*$/;
/** js-yaml's longest key written without `? ` (it counts the key's text). */
const MAX_SIMPLE_KEY = 1024;

/** How a string js-yaml does not write plain is written: the same text at every depth, or a literal block. */
type Rendered = string | { readonly block: true };

const valueMemo = new Map<string, Rendered>();
const keyMemo = new Map<string, string>();
const scalarMemo = new Map<unknown, string>();
const newLines: string[] = [];

function newLine(level: number): string {
  return newLines[level] ?? (newLines[level] = `\n${' '.repeat(2 * level)}`);
}

/** Whether js-yaml writes `s` plain (as a key or a value below the root), by the fast test. */
function plainByFastTest(s: string): boolean {
  return PLAIN_SAFE.test(s) && DUMP_SCHEMA.resolveImplicitScalarTag(s).tag.tagName === STR_TAG;
}

/** Serializes `doc` as js-yaml's `dump(doc, DUMP_OPTIONS)` does. */
export function dumpYaml(doc: unknown): string {
  if (isPlainObject(doc) || Array.isArray(doc)) {
    try {
      return `${writeCollection(doc, 0, true)}\n`;
    } catch (e) {
      if (e !== WHOLE_DOCUMENT) throw e;
    }
  }
  return yaml.dump(doc, DUMP_OPTIONS);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
}

/** A mapping or sequence at `level`; `compact`: its first line follows the text before it. */
function writeCollection(x: unknown, level: number, compact: boolean): string {
  return Array.isArray(x) ? writeSequence(x, level, compact) : writeMapping(x as Record<string, unknown>, level, compact);
}

function writeMapping(o: Record<string, unknown>, level: number, compact: boolean): string {
  let result = '';
  for (const key of Object.keys(o)) {
    const value = o[key];
    if (value === undefined) continue;
    const valueText = writeValue(value, level + 1, false);
    if (result !== '' || !compact) result += newLine(level);
    result += keyText(key);
    result += valueText.charCodeAt(0) === 10 ? ':' : ': ';
    result += valueText;
  }
  return result === '' ? '{}' : result;
}

function writeSequence(items: readonly unknown[], level: number, compact: boolean): string {
  if (items.length === 0) return '[]';
  let result = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (result !== '' || !compact) result += newLine(level);
    result += '- ';
    result += writeValue(item === undefined ? null : item, level + 1, true);
  }
  return result;
}

/** A value below a key (compact false) or a sequence item (compact true), at `level`. */
function writeValue(value: unknown, level: number, compact: boolean): string {
  if (typeof value === 'string') return stringText(value, level);
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value) || isPlainObject(value)) return writeCollection(value, level, compact);
    throw WHOLE_DOCUMENT;
  }
  return scalarText(value);
}

function stringText(s: string, level: number): string {
  // Plain strings are not remembered: the test is as fast as a lookup, and the memo stays small.
  if (plainByFastTest(s)) return s;
  let rendered = valueMemo.get(s);
  if (rendered === undefined) {
    rendered = renderString(s);
    valueMemo.set(s, rendered);
  }
  return typeof rendered === 'string' ? rendered : literalBlock(s, level);
}

/** How js-yaml writes `s` as a value below the root: one line, or a literal block (re-indented per depth). */
function renderString(s: string): Rendered {
  // A block scalar ending in an empty line makes js-yaml end the document with `...`.
  if (s === '\n' || s.endsWith('\n\n')) throw WHOLE_DOCUMENT;
  const out = yaml.dump({ a: s }, DUMP_OPTIONS);
  const text = out.slice(3, -1);
  if (!out.startsWith('a: ') || !out.endsWith('\n')) throw WHOLE_DOCUMENT;
  if (text.startsWith('|')) {
    if (literalBlock(s, 1) !== text) throw WHOLE_DOCUMENT;
    return { block: true };
  }
  if (text.includes('\n')) throw WHOLE_DOCUMENT;
  return text;
}

function keyText(key: string): string {
  let text = keyMemo.get(key);
  if (text === undefined) {
    if (key.length <= MAX_SIMPLE_KEY && plainByFastTest(key)) {
      text = key;
    } else {
      const out = yaml.dump({ [key]: 0 }, DUMP_OPTIONS);
      // A key with a line break, or longer than js-yaml's simple keys, is written after `? `.
      if (out.startsWith('?') || !out.endsWith(': 0\n')) throw WHOLE_DOCUMENT;
      text = out.slice(0, -4);
      if (text.includes('\n')) throw WHOLE_DOCUMENT;
    }
    keyMemo.set(key, text);
  }
  return text;
}

/** Numbers, booleans and null, as js-yaml writes them. */
function scalarText(value: unknown): string {
  const t = typeof value;
  if (value !== null && t !== 'number' && t !== 'boolean') throw WHOLE_DOCUMENT;
  // The memo's keys compare 0 and -0 as equal; js-yaml does not write them alike.
  if (Object.is(value, -0)) throw WHOLE_DOCUMENT;
  let text = scalarMemo.get(value);
  if (text === undefined) {
    const out = yaml.dump({ a: value }, DUMP_OPTIONS);
    if (!out.startsWith('a: ') || !out.endsWith('\n') || out.indexOf('\n') !== out.length - 1) throw WHOLE_DOCUMENT;
    text = out.slice(3, -1);
    scalarMemo.set(value, text);
  }
  return text;
}

// js-yaml's literal block (presenter.ts, scalar_styler.ts): header with the indentation indicator
// when the text starts with a space, chomping indicator, then every non-empty line indented.
function literalBlock(s: string, level: number): string {
  const shiftOfContent = 2 * level;
  const shiftOfParent = 2 * (level - 1);
  const indicator = /^\n* /.test(s) ? String(shiftOfContent - shiftOfParent) : '';
  const clip = s[s.length - 1] === '\n';
  const chomping = clip && (s[s.length - 2] === '\n' || s === '\n') ? '+' : clip ? '' : '-';
  const indented = indentString(s, shiftOfContent);
  return `|${indicator}${chomping}\n${indented[indented.length - 1] === '\n' ? indented.slice(0, -1) : indented}`;
}

function indentString(s: string, spaces: number): string {
  const indent = ' '.repeat(spaces);
  let position = 0;
  let result = '';
  while (position < s.length) {
    const next = s.indexOf('\n', position);
    const line = next === -1 ? s.slice(position) : s.slice(position, next + 1);
    position = next === -1 ? s.length : next + 1;
    if (line.length && line !== '\n') result += indent;
    result += line;
  }
  return result;
}
