#!/usr/bin/env node
// Transpile-only (no type-check), the way @swc/jest compiles for the tests: every file the synth
// runs (main.ts, lib/, the imports lib uses) turned into CommonJS by @swc/core, written to `outdir`.
//
//   node scripts/bench/transpile.js <outdir>
'use strict';
const fs = require('fs');
const path = require('path');
const swc = require('@swc/core');

const root = path.join(__dirname, '..', '..');
const outdir = process.argv[2];
const files = ['main.ts', 'imports/external-secrets.io.ts'];
const walk = (dir) => {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(rel);
    else if (rel.endsWith('.ts')) files.push(rel);
  }
};
walk('lib');
for (const file of files) {
  const { code } = swc.transformFileSync(path.join(root, file), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    swcrc: false,
  });
  const out = path.join(outdir, file.replace(/\.ts$/, '.js'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
}
