// How this project runs TypeScript's compiler, for every script that runs it (the synth's build,
// `npm test`, the CLI's rebuild of a stale build/): the native binary of TypeScript 7, found as the
// typescript package's own launcher finds it (the platform package
// `@typescript/typescript-<platform>-<arch>`, resolved from the typescript package), so no Node.js
// process stands in front of it; the launcher itself (`typescript/bin/tsc` under Node.js) where
// that binary is not found. Throws when the typescript package is not installed.
'use strict';
const fs = require('fs');
const path = require('path');

/** `[command, leading arguments]` running tsc for the project at `projectRoot`. */
function tscCommand(projectRoot = path.resolve(__dirname, '..')) {
  const tsDir = path.dirname(require.resolve('typescript/package.json', { paths: [projectRoot] }));
  try {
    const platformPackage = require.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`, { paths: [tsDir] });
    const exe = path.join(path.dirname(platformPackage), 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
    fs.accessSync(exe, fs.constants.X_OK);
    return [exe, []];
  } catch {
    return [process.execPath, [path.join(tsDir, 'bin', 'tsc')]];
  }
}

module.exports = { tscCommand };
