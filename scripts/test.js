#!/usr/bin/env node
// `npm test`: the type check of everything (tsc -p tsconfig.json), the build (tsc -b
// tsconfig.build.json, as `npm run build`), then jest in this process with any arguments given
// (`npm test -- __tests__/cli.test.ts`); prints how long the whole took, pass or fail.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const start = process.hrtime.bigint();
function report() {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const code = process.exitCode ?? 0;
  process.stderr.write(`npm test: ${code === 0 ? 'passed' : 'failed'} in ${seconds.toFixed(1)} s (type check, build and jest)\n`);
}

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const args of [['-p', 'tsconfig.json'], ['-b', 'tsconfig.build.json']]) {
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exitCode = result.status ?? 1;
    report();
    process.exit();
  }
}
// jest sets the exit code in an 'exit' listener it adds when the run is over: report after it.
require('jest').run(process.argv.slice(2)).then(
  () => process.on('exit', report),
  (error) => {
    process.exitCode = 1;
    process.on('exit', report);
    throw error;
  },
);
