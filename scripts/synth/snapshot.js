// The entry of the synth's startup snapshot (built by scripts/synth/build.js, run by
// scripts/synth/synth.sh). esbuild bundles this file with main.ts and everything it imports into one
// file; `node --build-snapshot` loads it, so every module is loaded and initialized when the
// snapshot is built, and the synth itself runs when the snapshot starts. Loading must read no
// file and no environment variable (nothing does: environments/ and gitops.yaml are read by the
// synth), so the snapshot holds code only.
'use strict';
const path = require('path');
const { startupSnapshot } = require('v8');
const { buildInputs, OUT, STALE_EXIT_CODE } = require('./sources');
// Bundled by esbuild (package.json is one of the snapshot's inputs): nothing is read at run time.
const PACKAGE = require('../../package.json');
let runSynth;
try {
  ({ runSynth } = require('../../main'));
} catch (e) {
  // An error while the modules load (a catalog rule) is one line, as from build/main.js: Node.js
  // building a snapshot calls no 'uncaughtException' handler, so the one main.ts installed first
  // is called here.
  if (process.listenerCount('uncaughtException') === 0) throw e;
  process.emit('uncaughtException', e);
}

// Where the snapshot was built: the root of the project, from this bundle's place in it.
const root = path.resolve(__dirname, '..', '..');

startupSnapshot.setDeserializeMainFunction(() => {
  const fs = require('fs');
  let recorded;
  try {
    recorded = fs.readFileSync(path.join(root, OUT.inputs), 'utf8');
  } catch {
    recorded = undefined;
  }
  // A source edited, a dependency installed, the project moved or another Node.js since the
  // build: the launcher rebuilds (type check included) and starts the new snapshot.
  if (recorded !== buildInputs(root)) {
    process.exitCode = STALE_EXIT_CODE;
    return;
  }
  // The require of a snapshot's entry knows built-in modules only; the library finds the files
  // its package ships (the rotation script) by the package's self-reference, as in build/. From
  // this bundle, inside the project, that is the project's own package.json (its `exports` map
  // './package.json' to itself): answered directly, as Node.js's package-exports resolution costs
  // 2.5 ms on its first call here. Any other request is resolved from the bundle.
  const resolve = require('module').createRequire(path.join(root, OUT.bundle)).resolve;
  const selfReference = PACKAGE.exports?.['./package.json'] === './package.json' ? `${PACKAGE.name}/package.json` : undefined;
  const ownPackageJson = path.join(root, 'package.json');
  require.resolve = (request, options) => (request === selfReference && options === undefined ? ownPackageJson : resolve(request, options));
  runSynth();
});
