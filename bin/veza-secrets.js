#!/usr/bin/env node
// The veza-secrets command line. Runs the compiled library in build/. In a checkout (the
// TypeScript sources beside it), it first builds when build/ is missing or older than a source,
// so an edit to the catalog or lib/ is never answered by a stale build; when it cannot build, it
// refuses with the reason. An installed package has no sources and runs its build as shipped.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const BUILD_CONFIG = 'tsconfig.build.json';
const BUILD_INFO = path.join(ROOT, 'build', '.tsbuildinfo');

/** The newest TypeScript source the build reads (main.ts, lib/, imports/, the tsconfig files). */
function newestSource() {
  let newest = { file: BUILD_CONFIG, mtime: fs.statSync(path.join(ROOT, BUILD_CONFIG)).mtimeMs };
  const consider = (rel) => {
    const mtime = fs.statSync(path.join(ROOT, rel)).mtimeMs;
    if (mtime > newest.mtime) newest = { file: rel, mtime };
  };
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) consider(child);
    }
  };
  for (const file of ['main.ts', 'tsconfig.json']) if (fs.existsSync(path.join(ROOT, file))) consider(file);
  walk('lib');
  walk('imports');
  return newest;
}

/** Builds when build/ is missing or older than a source; returns an exit code when it cannot. */
function buildIfStale() {
  if (!fs.existsSync(path.join(ROOT, BUILD_CONFIG)) || !fs.existsSync(path.join(ROOT, 'lib'))) return undefined; // an installed package
  const built = fs.existsSync(BUILD_INFO) && fs.existsSync(path.join(ROOT, 'build', 'lib', 'cli', 'index.js')) ? fs.statSync(BUILD_INFO).mtimeMs : -1;
  const source = newestSource();
  if (built >= source.mtime) return undefined;
  const why = built < 0 ? 'build/ is missing' : `build/ is older than ${source.file}`;
  let tsc;
  try {
    // In a checkout only (an installed package returned above): scripts/ is beside bin/.
    tsc = require('../scripts/tsc').tscCommand(ROOT);
  } catch {
    process.stderr.write(`veza-secrets: ${why} and TypeScript is not installed to rebuild it; run \`npm ci && npm run build\` first.\n`);
    return 2;
  }
  process.stderr.write(`veza-secrets: ${why}; building first (tsc -b ${BUILD_CONFIG}).\n`);
  const result = spawnSync(tsc[0], [...tsc[1], '-b', BUILD_CONFIG], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write(`veza-secrets: the build failed (above); nothing was run. Fix the sources, or run \`npm run build\` to see the errors again.\n`);
    return 2;
  }
  // tsc -b leaves its build info alone when the output would not change; mark this build as current.
  const now = new Date();
  fs.utimesSync(BUILD_INFO, now, now);
  return undefined;
}

const refused = buildIfStale();
if (refused !== undefined) {
  process.exitCode = refused;
} else {
  let cli;
  try {
    // First: any error escaping (even while the catalog loads) is printed as one line, exit code 1.
    require('../build/lib/cli/one-line-errors');
    cli = require('../build/lib/cli');
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      process.stderr.write('veza-secrets: build/ is missing; run `npm run build` first.\n');
      process.exit(2);
    }
    throw e;
  }
  process.exitCode = cli.runCli(process.argv.slice(2), cli.processIo(process.env.VEZA_PROJECT_DIR ?? process.cwd()));
}
