import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderedObjectsOf } from '../lib/output/rendered-objects';
import { toYaml } from '../lib/output/synthesize';
import { DUMP_OPTIONS } from '../lib/output/yaml';
import { renderVeza } from '../lib/veza';

// The output's YAML writer (lib/output/yaml.ts) must write exactly what js-yaml writes.
const jsYaml = (doc: unknown) => yaml.dump(doc, DUMP_OPTIONS);

describe('the synthesized documents', () => {
  const files = renderVeza(path.join(__dirname, '..', 'environments'));

  test('every document the synth renders is written byte for byte as js-yaml writes it', () => {
    const docs = files.flatMap((f) => renderedObjectsOf(f) ?? []);
    expect(docs.length).toBeGreaterThan(files.filter((f) => f.path.endsWith('.yaml')).length / 2);
    const differing = docs.filter((doc) => toYaml(doc) !== jsYaml(doc)).map((doc) => JSON.stringify(doc).slice(0, 200));
    expect(differing).toEqual([]);
  });

  test('every YAML file of dist/ is the js-yaml dump of the objects it holds', () => {
    // The files parsed back: the same objects the synth rendered, through both writers.
    for (const file of files.filter((f) => f.path.endsWith('.yaml'))) {
      for (const doc of yaml.loadAll(file.content)) {
        if (doc !== null && doc !== undefined) expect(toYaml(doc)).toBe(jsYaml(doc));
      }
    }
  });
});

// Strings that take each of js-yaml's scalar styles and each of its special cases.
const EDGE_STRINGS = [
  '', ' ', '  ', '\t', 'a', 'a b', 'a  b', ' a', 'a ', 'a\tb', 'true', 'True', 'TRUE', 'false', 'yes', 'No', 'on', 'OFF', 'y', 'n',
  'null', 'Null', '~', '=', '<<', '0', '-0', '0.0', '1', '12', '012', '0x1F', '0o17', '0b101', '1_000', '1e3', '1.5e-3', '.5', '.inf', '-.inf',
  '.nan', '.NaN', '+1', '12:30', '1:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '-', '--', '---', '---a', '--- a', '...', '... x',
  '?', '? a', '?a', ':', ':a', 'a:', 'a: b', 'a:b', 'a #b', 'a#b', '#a', '- a', '-a', '[a]', '{a}', 'a,b', 'a, b', '*a', '&a', '!a', '|', '>',
  "'", '"', "it's", 'say "hi"', '%a', '@a', '`a`', 'a\nb', 'a\n', 'a\n\n', '\n', '\na', ' a\nb', 'a\n b', 'a \nb', 'a\n\nb', 'a\r\nb',
  'line one\nline two\n', '  indented\nblock', '\u00e9t\u00e9', '\u2028', '\u00a0', 'a\u0085b', '\ufeffa', '\u0007', '\u001b[0m', '\ud83d\ude00',
  '\ud800', 'x'.repeat(1100), `${'k'.repeat(1020)}\u00e9\u00e9\u00e9\u00e9\u00e9`, 'https://vault.example:8200/v1', 'app.kubernetes.io/name',
  'kustomize.toolkit.fluxcd.io/prune', 'REPLACE_ME', '${VAR}', 'a=b', '(a)', 'a/b.c_d-e+f@g,h',
  // Each of js-yaml's double-quoted escapes, and characters written as \x.. or \u....
  '\0', '\x01', '\b', '\v', '\f', '\r', 'a\rb', '\\', 'a\\b', '\x7f', '\u2029', '\ufffe', '\uffff', '\udc00', 'a\ud800b', '\u0100\u00a0',
  // Single-quoted: quotes doubled; a line break inside decides between a block and double quotes.
  "it's: x", "'", "''", "a: 'b'", '- "x"', '# not a comment', 'a\n\tb', 'a\n\u0085', 'a\n\r', 'a\t\n', 'a\n\ud83d\ude00\n', '\n\n', ' \n', '\na\n',
  'x:\n  y', '#!/bin/sh\nset -eu\n', '{{ index . "jwt-secret" }}', 'postgresql://{{ .username | urlquery }}@db:5432/veza', '0 3 * * *', '-4', '180', 'system:auth-delegator',
  // Around js-yaml's longest simple key, which it counts in code points.
  '\ud83d\ude00'.repeat(513), '\u00e9'.repeat(1024), '\u00e9'.repeat(1025), `'${'a'.repeat(1021)}`, `'${'a'.repeat(1022)}`,
];

describe.each(EDGE_STRINGS.map((s) => [JSON.stringify(s).slice(0, 40), s]))('the string %s', (_, s) => {
  test.each([
    ['a value', { key: s }],
    ['a key', { [s]: 'value' }],
    ['a nested value and key', { a: { b: [{ [s]: s, c: [s, [s]] }] } }],
    ['a sequence item', [s, { k: s }]],
  ])('as %s is written as js-yaml writes it', (__, doc) => {
    expect(toYaml(doc)).toBe(jsYaml(doc));
  });
});

test.each([
  ['numbers', { a: [0, -0, 1, -1, 1.5, 1e21, 1e-7, NaN, Infinity, -Infinity, 2 ** 53, 0.1 + 0.2] }],
  ['integers at the edges', { a: [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -(2 ** 53), 2 ** 53 + 2, 1e20, 1e21, 65532, 8200, -5] }],
  ['-0 before and after 0', { a: [-0, 0, -0, { b: -0 }], c: 0 }],
  ['booleans and null', { a: true, b: false, c: null, d: [true, null] }],
  ['undefined: a key left out, an item written null', { a: undefined, b: [undefined, 1], c: { d: undefined } }],
  ['empty collections', { a: {}, b: [], c: [[], {}], d: [[[]]] }],
  ['nested sequences', [[1, [2, 3]], [[{ a: 1, b: [4] }]]] ],
  ['a root sequence', ['a', { b: 'c' }]],
  ['an empty root', {}],
  ['a string root', 'text'],
  ['a number root', 42],
  ['a Date', { when: new Date(0) }],
  ['a Set', { s: new Set(['a']) }],
  ['an object without prototype', { o: Object.assign(Object.create(null), { a: 1 }) }],
  ['bytes', { b: new Uint8Array([1, 2, 3]) }],
  ['a block scalar last', { a: 'x', b: 'y\n\n' }],
  ['a block scalar not last', { a: 'y\n\n', b: 'x' }],
  ['a key with a line break', { 'a\nb': 1 }],
  ['the same object twice (no anchors)', (() => { const o = { a: 1 }; return { x: o, y: [o, o] }; })()],
  ['integer-like keys', { 2: 'b', 1: 'a', b: 'c' }],
  ['a __proto__ key', JSON.parse('{"__proto__": {"a": 1}, "b": 2}')],
])('%s: written as js-yaml writes them', (_, doc) => {
  expect(toYaml(doc)).toBe(jsYaml(doc));
});

test.each([
  ['a function', { f: () => 1 }, '[object Function]'],
  ['a class instance', { o: new (class { public a = 1; })() }, '[object Object]'],
  ['a symbol in a sequence', { s: [Symbol('s')] }, '[object Symbol]'],
])('%s fails with js-yaml\'s message', (_, doc, kind) => {
  expect(() => jsYaml(doc)).toThrow(`unacceptable kind of an object to dump ${kind}`);
  expect(() => toYaml(doc)).toThrow(`unacceptable kind of an object to dump ${kind}`);
});

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that decide a scalar's style, and plain ones.
const ALPHABET = [...'abcXYZ019_./=+@,()-', ' ', ' ', '\t', '\n', '\n', '\r', ':', '#', '?', '!', '&', '*', '|', '>', "'", '"', '%', '`', '[', ']', '{', '}', '~', '\\', '\u00e9', '\u00a0', '\u0085', '\u2028', '\ufeff', '\u0000', '\u001f', '\ud83d\ude00', '\ud800'];
const WORDS = ['true', 'null', 'yes', 'no', '1', '0x1', '1.5', '.inf', '---', '...', '- ', ': ', ' #', '<<', '=', '2001-12-14', '12:30', 'svc', 'a b'];

function fuzzString(next: () => number): string {
  const parts: string[] = [];
  const n = Math.floor(next() * 6);
  for (let i = 0; i < n; i++) {
    parts.push(next() < 0.3 ? WORDS[Math.floor(next() * WORDS.length)] : ALPHABET[Math.floor(next() * ALPHABET.length)]);
  }
  return parts.join('');
}

function fuzzValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.5) return next() < 0.9 ? fuzzString(next) : [1, 0.5, true, null, undefined][Math.floor(next() * 5)];
  if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => fuzzValue(next, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [fuzzString(next), fuzzValue(next, depth + 1)]));
}

test('fuzzed strings as keys, values and items at every depth are written as js-yaml writes them', () => {
  const next = random(15);
  const differing: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const doc = next() < 0.8 ? { root: fuzzValue(next, 0), [fuzzString(next)]: fuzzValue(next, 1) } : [fuzzValue(next, 1)];
    if (toYaml(doc) !== jsYaml(doc)) differing.push(JSON.stringify(doc));
  }
  expect(differing).toEqual([]);
});
