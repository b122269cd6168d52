// The YAML writer of the output: byte for byte what js-yaml's `dump(doc, { noRefs: true,
// lineWidth: -1 })` writes, several times faster on the documents a synth renders (plain objects,
// arrays, strings, numbers, booleans, null), and without calling js-yaml for them. Internal: not
// exported from the package.
//
// It writes the block structure as js-yaml's presenter does (indent 2, sequences inlined after
// '- ') and styles each scalar with js-yaml 5's own rules (`src/ast/scalar_styler.ts` and its
// default style rules), ported below:
// - a string is written plain when js-yaml's YAML 1.2 plain-scalar grammar accepts it and the dump
//   schema reads it back as a string (`true`, `1.5`, `2001-12-14`, `null` are quoted); one with
//   tabs, invisible characters or only white space is double-quoted; a multi-line value is a
//   literal block (`|`) where block content allows; otherwise single-quoted where it can be, else
//   double-quoted with js-yaml's escapes;
// - integers (not -0), booleans and null are written as js-yaml's representers write them; other
//   numbers are rendered once by js-yaml and remembered;
// - whatever else (a root that is not a collection, a Date, a Set, a class instance, a key that
//   needs `? `, a block scalar that would end the document with `...`) makes the whole document
//   go through js-yaml.
// `__tests__/output-yaml.test.ts` compares it with js-yaml on every synthesized document, on
// strings that take each style and on fuzzed strings: a js-yaml upgrade that writes differently
// fails there.
import * as yaml from 'js-yaml';

/** The options every YAML file of the output is written with. */
export const DUMP_OPTIONS: yaml.DumpOptions = { noRefs: true, lineWidth: -1 };

/** Thrown inside the writer: this document goes through js-yaml as a whole. */
const WHOLE_DOCUMENT = Symbol('whole document through js-yaml');

// Read once: the compiled `import * as` reads each name through a getter.
const DUMP_SCHEMA = yaml.DUMP_SCHEMA;
const STR_TAG = DUMP_SCHEMA.defaultScalarTag.tagName;
/** Plain without the grammar below: letters, digits, `_ . / = + @ , ( ) -`, single spaces between them. */
const PLAIN_SAFE = /^[A-Za-z0-9_./](?:[A-Za-z0-9_./=+@,()-]| (?=[A-Za-z0-9_./=+@,()-]))*$/;
/** js-yaml's longest key written without `? ` (it counts the key's text in code points). */
const TOO_LONG_KEY = /^[\s\S]{1025}/u;

// The YAML 1.2 productions js-yaml 5's scalar styler tests strings with, in block context.
const C_PRINTABLE = '[\\x09\\x0A\\x0D\\x20-\\x7E\\x85\\xA0-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]';
const NB_CHAR = `(?:(?![\\n\\r\\uFEFF])${C_PRINTABLE})`;
const NS_CHAR = `(?:(?![ \\t])${NB_CHAR})`;
const NS_PLAIN_FIRST = `(?:(?:(?![-?:,\\[\\]{}#&*!|>'"%@\`])${NS_CHAR})|[?:-](?=${NS_CHAR}))`;
const NS_PLAIN_CHAR = `(?:(?:(?![:#])${NS_CHAR})|:(?=${NS_CHAR}))#*`;
const NS_PLAIN_ONE_LINE = `${NS_PLAIN_FIRST}#*(?:[ \\t]*${NS_PLAIN_CHAR})*`;
/**
 * A plain one-line string (js-yaml's NS_PLAIN_BLOCK_KEY; its NS_PLAIN_FLOW_OUT for values adds
 * further lines, and a multi-line value never stays plain).
 */
const PLAIN_ONE_LINE = new RegExp(`^(?:${NS_PLAIN_ONE_LINE})$`, 'u');
const NB_JSON = '[\\x09\\x20-\\uD7FF\\uE000-\\uFFFF\\u{10000}-\\u{10FFFF}]';
const SINGLE_ONE_LINE = new RegExp(`^(?:${NB_JSON})*$`, 'u');
const BLOCK_CONTENT = new RegExp(`^(?:${NB_CHAR}|\\n)*$`, 'u');
/** Style rule doubleQuoteForInvisibles. */
const INVISIBLE = /[\t\x7F-\xA0\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
const CHARACTERS_TO_ESCAPE = /["\\\x00-\x1F\x7F-\xA0\u2028\u2029\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/gu;
const ESCAPES: Record<string, string> = {
  '\0': '\\0', '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r',
  '\x1B': '\\e', '"': '\\"', '\\': '\\\\', '\x85': '\\N', '\xA0': '\\_', '\u2028': '\\L', '\u2029': '\\P',
};

/** A string value written as a literal block, re-indented for its depth. */
const LITERAL_BLOCK = Symbol('literal block');

const valueMemo = new Map<string, string | typeof LITERAL_BLOCK>();
const keyMemo = new Map<string, string>();
const numberMemo = new Map<number, string>();
const newLines: string[] = [];

function newLine(level: number): string {
  return newLines[level] ?? (newLines[level] = `\n${' '.repeat(2 * level)}`);
}

/** Whether the dump schema reads `s` back as a string. */
function readsAsString(s: string): boolean {
  return DUMP_SCHEMA.resolveImplicitScalarTag(s).tag.tagName === STR_TAG;
}

/** Whether js-yaml writes `s` plain (as a key or a value below the root), by the fast test. */
function plainByFastTest(s: string): boolean {
  return PLAIN_SAFE.test(s) && readsAsString(s);
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
  let text = valueMemo.get(s);
  if (text === undefined) {
    text = styledString(s, false);
    valueMemo.set(s, text);
  }
  return text === LITERAL_BLOCK ? literalBlock(s, level) : text;
}

function keyText(key: string): string {
  let text = keyMemo.get(key);
  if (text === undefined) {
    // A key with a line break is written after `? `.
    if (key.includes('\n')) throw WHOLE_DOCUMENT;
    text = plainByFastTest(key) ? key : (styledString(key, true) as string);
    // So is a key whose text is longer than js-yaml's simple keys.
    if (text.length > 1024 && TOO_LONG_KEY.test(text)) throw WHOLE_DOCUMENT;
    keyMemo.set(key, text);
  }
  return text;
}

/**
 * How js-yaml writes the string `s` as a key (one line) or a value below the root, by its default
 * style rules in their order: invisibles and white space only are double-quoted; a multi-line
 * value is a literal block where block content allows, else double-quoted; a string that cannot
 * be plain is single-quoted where it can be, else double-quoted.
 */
function styledString(s: string, isKey: boolean): string | typeof LITERAL_BLOCK {
  if (INVISIBLE.test(s) || /^\s+$/.test(s)) return doubleQuoted(s);
  if (!isKey && s.includes('\n')) {
    if (!BLOCK_CONTENT.test(s)) return doubleQuoted(s);
    // A block scalar ending in an empty line makes js-yaml end the document with `...`.
    if (s.endsWith('\n\n')) throw WHOLE_DOCUMENT;
    return LITERAL_BLOCK;
  }
  // canUsePlain (a line break is a key's, which never gets here), then canUseSingleQuoted.
  if ((s === '' || PLAIN_ONE_LINE.test(s)) && readsAsString(s) && s !== '=') return s;
  if (SINGLE_ONE_LINE.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return doubleQuoted(s);
}

function doubleQuoted(s: string): string {
  return `"${s.replace(CHARACTERS_TO_ESCAPE, escapeCharacter)}"`;
}

function escapeCharacter(c: string): string {
  const known = ESCAPES[c];
  if (known !== undefined) return known;
  const code = c.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return code <= 255 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
}

/** Numbers, booleans and null, as js-yaml writes them. */
function scalarText(value: unknown): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value !== 'number') throw WHOLE_DOCUMENT;
  // js-yaml's int: an integer but -0 whose decimal text has no exponent, written in decimal.
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  // Other numbers (floats, -0, NaN, the infinities, huge integers): js-yaml's float representer,
  // once each (the memo's key 0 stands for -0 too, and never holds 0, written above).
  let text = numberMemo.get(value);
  if (text === undefined) {
    const out = yaml.dump({ a: value }, DUMP_OPTIONS);
    if (!out.startsWith('a: ') || !out.endsWith('\n') || out.indexOf('\n') !== out.length - 1) throw WHOLE_DOCUMENT;
    text = out.slice(3, -1);
    numberMemo.set(value, text);
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
