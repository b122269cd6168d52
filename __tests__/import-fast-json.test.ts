import * as fs from 'fs';
import * as path from 'path';
import { toJson_ExternalSecretSpecTarget, toJson_ExternalSecretSpecTargetTemplateMetadata } from '../imports/external-secrets.io';

// scripts/import-crds.sh runs scripts/import-fast-json.js on what `cdk8s import` writes.
const { transform } = require('../scripts/import-fast-json.js') as { transform: (text: string) => string };

const root = path.join(__dirname, '..');
const GENERATED = ['imports/external-secrets.io.ts', 'imports/generators.external-secrets.io.ts'];
const REDUCE = 'reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})';

test.each(GENERATED)('%s is what the import writes: no undefined-dropping reduce left, and the step changes nothing', (file) => {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  expect(text).not.toContain(REDUCE);
  expect(text).toContain('definedFields(result)');
  expect(transform(text)).toBe(text);
});

test('the step replaces each reduce and adds its helper once', () => {
  const generated = [
    'export function toJson_A(obj: A | undefined): Record<string, any> | undefined {',
    "  const result = { 'a': obj.a, 'labels': ((obj.labels) === undefined) ? undefined : (Object.entries(obj.labels)." + REDUCE + ') };',
    `  return Object.entries(result).${REDUCE};`,
    '}',
  ].join('\n');
  const once = transform(generated);
  expect(once).not.toContain('reduce(');
  expect(once).toContain("'labels': ((obj.labels) === undefined) ? undefined : (definedFields(obj.labels))");
  expect(once).toContain('  return definedFields(result);');
  expect(once.match(/function definedFields/g)).toHaveLength(1);
  expect(transform(once)).toBe(once);
});

test('the generated toJson_ functions drop undefined fields and keep the schema order, as the reduce did', () => {
  const json = toJson_ExternalSecretSpecTarget({ name: 'n', creationPolicy: undefined, template: { metadata: { labels: { b: '2', a: '1' } } } } as never);
  expect(json).toEqual({ name: 'n', template: { metadata: { labels: { b: '2', a: '1' } } } });
  expect(Object.keys(json!)).toEqual(['name', 'template']);
  expect(Object.keys(json!.template.metadata.labels)).toEqual(['b', 'a']);
  expect(Object.keys(toJson_ExternalSecretSpecTarget({ template: {}, name: 'n', immutable: false } as never)!)).toEqual(['immutable', 'name', 'template']);
});

test('a __proto__ label stays a field, as with the spread the reduce used', () => {
  const labels = JSON.parse('{"__proto__": "x", "a": "1"}') as Record<string, string>;
  const json = toJson_ExternalSecretSpecTargetTemplateMetadata({ labels })!;
  expect(Object.getPrototypeOf(json.labels)).toBe(Object.prototype);
  expect(Object.entries(json.labels)).toEqual([['__proto__', 'x'], ['a', '1']]);
});
