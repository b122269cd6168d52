#!/usr/bin/env node
// `npm test`: the type check of everything (tsc -p tsconfig.json), the build (tsc -b
// tsconfig.build.json, as `npm run build`), then jest in this process with any arguments given
// (`npm test -- __tests__/cli.test.ts`); prints how long the whole took, pass or fail.
// Two tiers of suites. `npm test` runs the fast ones: the library in process, and the tools that
// read its output (kubectl kustomize, the schema validators). The end-to-end suites, named
// `*.e2e.test.ts`, run the project's own programs as child processes (the shell scripts against stub
// CLIs, the synth entry points and the CLI in copies of the project, the package): `--all`
// (`npm run test:all`, what CI runs) adds them. A test path given selects from both tiers.
// In a whole run (options only, no test path) the type check runs beside the build and jest (the
// tests need the build, not the type check; jest compiles the tests with swc, without types): its
// errors print as they come, and it fails the run at the end. With a test path (a few suites) it
// runs first.
'use strict';
const { spawn, spawnSync } = require('child_process');
const path = require('path');
const { tscCommand } = require('./tsc');

const root = path.join(__dirname, '..');

/** The end-to-end suites' file names: left out of `npm test` unless `--all` or a test path is given. */
const END_TO_END = '\\.e2e\\.test\\.ts$';

async function main(argvIn) {
  const start = process.hrtime.bigint();
  // No test opens a network connection: the jest workers and every Node.js process the tests start
  // skip loading extra CA certificates, which Node.js does at start whenever NODE_EXTRA_CA_CERTS is
  // set (40 to 80 ms each with a system bundle; scripts/synth/synth.sh does the same).
  delete process.env.NODE_EXTRA_CA_CERTS;
  const [tsc, tscArgs] = tscCommand(root);
  const all = argvIn.includes('--all');
  const args = argvIn.filter((a) => a !== '--all');
  const command = all ? 'npm run test:all' : 'npm test';
  // jest's own reading of the arguments: a test path (or --testPathPatterns) names suites, so that
  // the value of an option (`-t 'a name'`) is not taken for one.
  const argv = await require('jest').buildArgv(args);
  const someSuites = argv._.length > 0 || (argv.testPathPatterns ?? []).length > 0;
  const tier = all ? 'every suite' : someSuites ? 'the suites named' : 'the fast suites; `npm run test:all` adds the end-to-end ones, *.e2e.test.ts';

  const report = () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const code = process.exitCode ?? 0;
    process.stderr.write(`${command}: ${code === 0 ? 'passed' : 'failed'} in ${seconds.toFixed(1)} s (type check, build and jest: ${tier})\n`);
  };
  /** Sets the exit code of a failed type check (after jest's own, which it sets on exit), then reports. */
  const finish = (status) => {
    process.on('exit', () => {
      if (status !== 0) {
        process.stderr.write(`${command}: the type check (tsc -p tsconfig.json) failed, above\n`);
        process.exitCode = status;
      }
      report();
    });
  };

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

  const build = spawnSync(tsc, [...tscArgs, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.exitCode = build.status ?? 1;
    typeCheck.then(finish);
    return;
  }
  // The suites' shared build copies this one (__tests__/support/global-setup.ts) instead of compiling.
  process.env.VEZA_TEST_BUILD_FROM = path.join(root, 'build');
  // jest sets the exit code in an 'exit' listener it adds when the run is over: report after it.
  const jestArgs = all || someSuites ? args : [...args, '--testPathIgnorePatterns', END_TO_END];
  try {
    await require('jest').run(jestArgs);
  } catch (error) {
    process.exitCode = 1;
    typeCheck.then(finish);
    throw error;
  }
  typeCheck.then(finish);
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { END_TO_END };
