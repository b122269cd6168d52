#!/usr/bin/env node
// Run by scripts/import-crds.sh after `cdk8s import`, on each file it writes to imports/.
//
// The generated `toJson_*` functions drop undefined fields with
//   Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})
// which copies the object once per field: quadratic in fields, and most of the garbage of a large
// synth. This replaces each with `definedFields(x)`, a loop that builds the same object (same
// fields, same order, a `__proto__` field kept as a field), defined once at the end of the file.
// Running it again changes nothing.
//
//   node scripts/import-fast-json.js imports/external-secrets.io.ts [...]
'use strict';
const fs = require('fs');

const REDUCE = /Object\.entries\(((?:[^()]|\([^()]*\))*)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\)/g;
const MARKER = '// definedFields: added by scripts/import-fast-json.js';
const HELPER = `
${MARKER}
/** The fields of \`obj\` whose value is not undefined, in the same order (what the generated reduce built). */
function definedFields(obj: { [key: string]: any }): { [key: string]: any } {
  const result: { [key: string]: any } = {};
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined) continue;
    if (key === '__proto__') Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    else result[key] = value;
  }
  return result;
}
`;

/** The file's text with every undefined-dropping reduce replaced, and the helper once at the end. */
function transform(text) {
  const replaced = text.replace(REDUCE, (_, arg) => `definedFields(${arg})`);
  return replaced.includes(MARKER) ? replaced : replaced.trimEnd() + '\n' + HELPER;
}

module.exports = { transform };

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const before = fs.readFileSync(file, 'utf8');
    const after = transform(before);
    if (after !== before) fs.writeFileSync(file, after);
    process.stdout.write(`${file}: ${(before.match(REDUCE) ?? []).length} reduce(s) replaced\n`);
  }
}
