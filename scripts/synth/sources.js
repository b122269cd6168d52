// What the synth's startup snapshot was built from (docs/performance.md, "Startup"): the TypeScript
// sources and settings the build reads, the installed dependencies, the project's place and the
// Node.js binary. Shared by the build (scripts/synth/build.js), which records it, and the
// snapshot's own check when it starts (scripts/synth/snapshot.js), which compares.
//
// Environment files and gitops.yaml are not here: the synth reads them when it runs, never when
// the snapshot is built.
'use strict';
const fs = require('fs');
const path = require('path');

/** Files and folders (walked) whose every change means a new build, relative to the project root. */
const SOURCES = ['main.ts', 'lib', 'imports', 'scripts/synth', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'node_modules/.package-lock.json'];

/**
 * One line per source file (path, size, modification and change times) plus the project root and
 * the Node.js binary (version, path, size, modification time). Any edit, added or removed file,
 * moved project, `npm ci` or other Node.js changes the text. Change times cannot be set back by
 * hand, so a file restored with an old modification time still counts as changed.
 */
function buildInputs(root) {
  const lines = [`root ${root}`];
  const node = fs.statSync(process.execPath);
  lines.push(`node ${process.version} ${process.platform}-${process.arch} ${process.execPath} ${node.size} ${node.mtimeMs}`);
  const visit = (rel) => {
    let stat;
    try {
      stat = fs.statSync(path.join(root, rel));
    } catch {
      lines.push(`${rel} missing`);
      return;
    }
    if (!stat.isDirectory()) {
      lines.push(`${rel} ${stat.size} ${stat.mtimeMs} ${stat.ctimeMs}`);
      return;
    }
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) visit(`${rel}/${name}`);
  };
  for (const rel of SOURCES) visit(rel);
  return `${lines.join('\n')}\n`;
}

/** Whether `file` (a path relative to the root, `/`-separated) is one of SOURCES or inside one. */
function isSource(file) {
  return SOURCES.some((s) => file === s || file.startsWith(`${s}/`));
}

/** Where the build puts its output, relative to the project root. */
const OUT = {
  dir: 'build/synth',
  bundle: 'build/synth/synth.js',
  blob: 'build/synth/synth.blob',
  inputs: 'build/synth/inputs.txt',
};

/** The exit code by which the snapshot tells the launcher (synth.sh) it is out of date. */
const STALE_EXIT_CODE = 75;

module.exports = { buildInputs, isSource, OUT, SOURCES, STALE_EXIT_CODE };
