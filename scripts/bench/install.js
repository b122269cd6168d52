#!/usr/bin/env node
// What `npm ci` costs, and what each dependency adds to it (`npm run bench -- install`).
//
// 1. Each top-level dependency's own share of node_modules: the packages only it brings (its
//    closure in package-lock.json, minus what another top-level dependency also needs), their
//    size and file count as installed in this checkout's node_modules.
// 2. `npm ci` timed from the npm cache in a scratch folder holding package.json and
//    package-lock.json: the whole lockfile, then the lockfile without each of the largest
//    dependencies (its own packages removed from the lockfile: no registry call), and the
//    runtime dependencies alone (--omit=dev). `--ignore-scripts` in every variant: the `prepare`
//    build is timed on its own (tsc -b from nothing), so the sum is a fresh clone's `npm ci`.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { benchScratch } = require('./scratch');

const root = path.join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The lockfile's packages, keyed by their install path (`node_modules/a/node_modules/b`). */
function readLock(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
}

/** Where Node.js would find `name` from the package installed at `from` (its lockfile path). */
function resolveIn(packages, from, name) {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/** Every lockfile path `top` needs, itself included (dependencies, optional and peer where installed). */
function closure(packages, top) {
  const seen = new Set();
  const stack = [`node_modules/${top}`];
  while (stack.length > 0) {
    const p = stack.pop();
    if (seen.has(p) || !packages[p]) continue;
    seen.add(p);
    const meta = packages[p];
    for (const dep of Object.keys({ ...meta.dependencies, ...meta.optionalDependencies, ...meta.peerDependencies })) {
      const found = resolveIn(packages, p, dep);
      if (found) stack.push(found);
    }
  }
  return seen;
}

/** Bytes and files under `dir`, not descending into nested node_modules (counted as packages of their own). */
function footprint(dir) {
  let bytes = 0;
  let files = 0;
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (e.isFile()) {
        bytes += fs.statSync(p).size;
        files += 1;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

/** Each top-level dependency's own packages: those no other top-level dependency needs. */
function ownShares(dir) {
  const lock = readLock(dir);
  const packages = lock.packages;
  const manifest = packages[''];
  const tops = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  const closures = new Map(tops.map((t) => [t, closure(packages, t)]));
  const all = new Set(Object.keys(packages).filter((p) => p !== ''));
  const rows = tops.map((top) => {
    const own = [...closures.get(top)].filter((p) => tops.every((o) => o === top || !closures.get(o).has(p)));
    const size = own.map((p) => footprint(path.join(dir, p))).reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files }), { bytes: 0, files: 0 });
    return { top, own, ...size };
  });
  const shared = [...all].filter((p) => !rows.some((r) => r.own.includes(p)));
  const sharedSize = shared.map((p) => footprint(path.join(dir, p))).reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files }), { bytes: 0, files: 0 });
  return { rows: rows.sort((a, b) => b.bytes - a.bytes), shared: { own: shared, ...sharedSize }, packages };
}

/** package.json and package-lock.json without `top` and the packages only it brings. */
function withoutDependency(dir, top, own) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const lock = readLock(dir);
  for (const field of ['dependencies', 'devDependencies']) {
    if (pkg[field]) delete pkg[field][top];
    if (lock.packages[''][field]) delete lock.packages[''][field][top];
  }
  for (const p of own) delete lock.packages[p];
  return { pkg, lock };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return { median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, min: sorted[0], max: sorted[sorted.length - 1] };
}

function timeNpmCi(scratch, variant, extraArgs = []) {
  const dir = scratch.dir('install');
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(variant.pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(variant.lock, null, 2)}\n`);
  fs.copyFileSync(path.join(root, '.npmrc'), path.join(dir, '.npmrc'));
  const start = process.hrtime.bigint();
  const r = spawnSync(npm, ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', ...extraArgs], { cwd: dir, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`npm ci (${variant.label}) failed (${r.status}):\n${r.stderr}`);
  return ms;
}

function timeBuildFromNothing(scratch) {
  const dir = scratch.dir('prepare');
  spawnSync('git', ['clone', '--quiet', root, dir]);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const start = process.hrtime.bigint();
  const r = spawnSync(npm, ['run', '--silent', 'prepare'], { cwd: dir, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`npm run prepare failed (${r.status}):\n${r.stderr}`);
  return ms;
}

function run(runs, print) {
  const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
  const { rows, shared } = ownShares(root);
  const total = rows.reduce((a, r) => ({ bytes: a.bytes + r.bytes, files: a.files + r.files }), { bytes: shared.bytes, files: shared.files });
  print('node_modules (this checkout)', `${Object.keys(readLock(root).packages).length - 1} packages, ${mib(total.bytes)}, ${total.files} files`);
  for (const r of rows) print(`  only ${r.top}`, `${r.own.length} packages, ${mib(r.bytes)}, ${r.files} files`);
  print('  shared by several', `${shared.own.length} packages, ${mib(shared.bytes)}, ${shared.files} files`);

  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const full = { label: 'the whole lockfile', pkg, lock: readLock(root) };
  const largest = rows.filter((r) => r.bytes > 20 * 1048576).map((r) => ({ label: `without ${r.top}`, ...withoutDependency(root, r.top, r.own) }));
  const variants = [full, ...largest];
  const times = new Map(variants.map((v) => [v.label, []]));
  const runtime = [];
  const prepare = [];
  // Alternate the variants, so a change of load falls on all of them alike. Every install stays
  // until the last one is timed (scripts/bench/scratch.js: deleting 17,000 files slows the next
  // install); that takes about 300 MB of disk per install.
  const scratch = benchScratch('install');
  try {
    for (let i = 0; i < runs; i++) {
      for (const v of variants) times.get(v.label).push(timeNpmCi(scratch, v));
      runtime.push(timeNpmCi(scratch, full, ['--omit=dev']));
      prepare.push(timeBuildFromNothing(scratch));
    }
  } finally {
    scratch.remove();
  }
  const f = (s) => `${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
  for (const v of variants) print(`npm ci --ignore-scripts, ${v.label}`, f(stats(times.get(v.label))));
  print('npm ci --ignore-scripts --omit=dev (runtime dependencies only)', f(stats(runtime)));
  print('the `prepare` build from nothing (tsc -b)', f(stats(prepare)));
}

module.exports = { ownShares, run };

if (require.main === module) {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  run(runs, (label, value) => console.log(`${label.padEnd(64)} ${value}`));
}
