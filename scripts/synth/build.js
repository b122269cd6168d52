#!/usr/bin/env node
// Builds what `npm run synth` starts (scripts/synth/synth.sh runs this when the snapshot is missing
// or out of date; docs/performance.md, "Startup"):
//   1. `tsc -b tsconfig.build.json`: the type check, and build/ (build/main.js, the package's
//      build/lib); a type error stops here with tsc's messages;
//   2. esbuild bundles scripts/synth/snapshot.js with main.ts and what it imports, from the
//      TypeScript sources, into one file (generated classes nothing uses drop out, and the `yaml`
//      package cdk8s loads and the synth never calls);
//   3. `node --build-snapshot` loads that bundle into a V8 startup snapshot;
//   4. records what it was built from (sources.js), last, so an interrupted build is out of date.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { buildInputs, isSource, OUT } = require('./sources');
const { tscCommand } = require('../tsc');

const root = path.resolve(__dirname, '..', '..');
const BUILD_CONFIG = 'tsconfig.build.json';

/** Runs a step; on failure exits with its status (its own messages are already on stdout/stderr). */
function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) {
    process.stderr.write(`synth: cannot run ${command}: ${result.error.message}\n`);
    process.exit(2);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
  return result;
}

/** Node.js warns that `child_process` (which cdk8s loads, and the synth never calls) is not yet verified in snapshots. */
const CHILD_PROCESS_WARNING = /^\(node:\d+\) Warning: It's not yet fully verified whether built-in module "child_process" works in user snapshot builder scripts\.\nIt may still work[^\n]*\nTo request support[^\n]*\n(?:\(Use `node --trace-warnings[^\n]*\n)?/m;

function main() {
  // Recorded before building: a source edited while this runs makes the next synth build again.
  const inputs = buildInputs(root);
  fs.rmSync(path.join(root, OUT.inputs), { force: true });

  const [tsc, tscArgs] = tscCommand(root);
  step(tsc, [...tscArgs, '-b', BUILD_CONFIG]);

  const outDir = path.join(root, OUT.dir);
  fs.mkdirSync(outDir, { recursive: true });
  // Built beside under this process's own names, then renamed: a synth starting meanwhile, or
  // another build at the same time, never reads half a bundle or half a snapshot.
  const bundle = path.join(root, OUT.bundle);
  const partialBundle = `${bundle}.${process.pid}.js`;
  const blob = path.join(root, OUT.blob);
  const partialBlob = `${blob}.${process.pid}`;
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [path.join(__dirname, 'snapshot.js')],
    outfile: partialBundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    tsconfig: path.join(root, BUILD_CONFIG),
    metafile: true,
    logLevel: 'error',
    // Less source text to hold in the snapshot and deserialize (names and code unchanged).
    minifyWhitespace: true,
    // cdk8s loads the `yaml` package (260 KB) for App.synth()'s files, Include and Helm, which
    // this synth never calls (it renders with js-yaml, lib/output): left out, in its place a
    // module that says so if it is ever called.
    alias: { yaml: path.join(__dirname, 'left-out-yaml.js') },
  });
  // Every project file the bundle holds must be one the snapshot's check watches (dependencies:
  // by node_modules/.package-lock.json, which npm rewrites on every install).
  const unwatched = Object.keys(result.metafile.inputs).filter((f) => !/(^|\/)node_modules\//.test(f) && !isSource(f));
  if (unwatched.length > 0) {
    fs.rmSync(partialBundle, { force: true });
    process.stderr.write(`synth: the bundle reads ${unwatched.join(', ')}, which scripts/synth/sources.js does not watch; add it to SOURCES\n`);
    process.exit(2);
  }

  const snap = spawnSync(process.execPath, ['--snapshot-blob', partialBlob, '--build-snapshot', partialBundle], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  // An error while the modules load (a catalog rule) is the one line main.ts's handler prints.
  process.stderr.write((snap.stderr ?? '').replace(CHILD_PROCESS_WARNING, ''));
  fs.renameSync(partialBundle, bundle);
  if (snap.status !== 0) {
    fs.rmSync(partialBlob, { force: true });
    process.exit(snap.status ?? 1);
  }
  fs.renameSync(partialBlob, blob);
  fs.writeFileSync(path.join(root, OUT.inputs), inputs);
}

if (require.main === module) main();
