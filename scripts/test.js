#!/usr/bin/env node
// `npm test`: the type check of everything (tsc -p tsconfig.json), the build (tsc -b
// tsconfig.build.json, as `npm run build`), then jest in this process with any arguments given
// (`npm test -- __tests__/cli.test.ts`); prints how long the whole took, pass or fail.
// In a whole run (options only, no test path) the type check runs beside the build and jest (the
// tests need the build, not the type check; jest compiles the tests with swc, without types): its
// errors print as they come, and it fails the run at the end. With a test path (a few suites) it
// runs first.
'use strict';
const { spawn, spawnSync } = require('child_process');
const path = require('path');
const { tscCommand } = require('./tsc');

const root = path.join(__dirname, '..');
const start = process.hrtime.bigint();
function report() {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const code = process.exitCode ?? 0;
  process.stderr.write(`npm test: ${code === 0 ? 'passed' : 'failed'} in ${seconds.toFixed(1)} s (type check, build and jest)\n`);
}

const [tsc, tscArgs] = tscCommand(root);
const args = process.argv.slice(2);
const someSuites = args.some((a) => !a.startsWith('-'));
if (someSuites) {
  const check = spawnSync(tsc, [...tscArgs, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (check.status !== 0) {
    process.exitCode = check.status ?? 1;
    report();
    process.exit();
  }
}
const typeCheck = someSuites
  ? Promise.resolve(0)
  : new Promise((resolve) => {
    const checker = spawn(tsc, [...tscArgs, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
    checker.on('error', () => resolve(1));
    checker.on('exit', (code) => resolve(code ?? 1));
  });
/** Sets the exit code of a failed type check (after jest's own, which it sets on exit), then reports. */
function finish(status) {
  process.on('exit', () => {
    if (status !== 0) {
      process.stderr.write('npm test: the type check (tsc -p tsconfig.json) failed, above\n');
      process.exitCode = status;
    }
    report();
  });
}

const build = spawnSync(tsc, [...tscArgs, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.exitCode = build.status ?? 1;
  typeCheck.then(finish);
} else {
  // jest sets the exit code in an 'exit' listener it adds when the run is over: report after it.
  require('jest').run(args).then(
    () => typeCheck.then(finish),
    (error) => {
      process.exitCode = 1;
      typeCheck.then(finish);
      throw error;
    },
  );
}
