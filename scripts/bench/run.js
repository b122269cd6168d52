#!/usr/bin/env node
// `npm run bench`: every figure of docs/performance.md, as the median of BENCH_RUNS runs (default 5)
// with min and max. Wall time by process.hrtime around each child process; peak memory (max RSS)
// from GNU time (`/usr/bin/time -f %M`) when installed, or reported by the process itself.
//
//   npm run bench                      everything
//   npm run bench -- scale synth       only some sections: synth, cdk8s, kustomize, scale, toolchain, test, clone
//   npm run bench -- synth kustomize   the synth process and npm run synth against kubectl kustomize,
//                                      measured side by side (alternating runs), with the ratios
//   npm run bench -- install           what each dependency adds to `npm ci` (not part of "everything": minutes)
//   npm run bench -- test-all          `npm run test:all` (not part of "everything": minutes per run)
//   BENCH_TS5=/path/to/typescript5/bin/tsc npm run bench -- toolchain
//                                      also times TypeScript 5's tsc on the same work, for comparison
//   BENCH_SCALE_SIZES=1000,2000 npm run bench -- scale
//                                      the scale section at other sizes (default 100,1000)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchScratch } = require('./scratch');

const root = path.join(__dirname, '..', '..');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const sections = process.argv.slice(2);
const wanted = (name) => sections.length === 0 || sections.includes(name);

/** Runs a command once: wall milliseconds and peak resident memory in MiB (undefined if unknown). */
function runOnce(cmd, args, options = {}) {
  const memFile = path.join(os.tmpdir(), `veza-bench-time-${process.pid}`);
  const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%M', '-o', memFile, cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  let peakMiB;
  if (GNU_TIME) {
    peakMiB = Number(fs.readFileSync(memFile, 'utf8').trim().split('\n').pop()) / 1024;
    fs.rmSync(memFile, { force: true });
  }
  return { ms, peakMiB, stdout: r.stdout };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

function fmt(s, unit, digits = 0) {
  const f = (v) => v.toFixed(digits);
  return `${f(s.median)} ${unit} (min ${f(s.min)}, max ${f(s.max)})`;
}

/** Runs `prepare` (untimed) then the command, RUNS times. */
function measure(label, cmd, args, options = {}) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    options.prepare?.();
    runs.push(runOnce(cmd, args, options));
  }
  const time = stats(runs.map((r) => r.ms));
  const mem = runs[0].peakMiB === undefined ? undefined : stats(runs.map((r) => r.peakMiB));
  print(label, `${fmt(time, 'ms')}${mem ? `, peak ${fmt(mem, 'MiB', 1)}` : ''}`);
  return { time, mem, runs };
}

function print(label, text) {
  process.stdout.write(`${label.padEnd(70)} ${text}\n`);
}

function header(text) {
  process.stdout.write(`\n## ${text}\n`);
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node.js ${process.version}, ${RUNS} runs per figure`;
}

function objectsIn(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') n += (fs.readFileSync(full, 'utf8').match(/^kind: /gm) ?? []).length;
    }
  };
  walk(dir);
  return n;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = {};

/** The commit measured (with "+ changes" when the tree differs from it) and the machine's load now. */
function commitAndLoad() {
  const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
  const commit = head.status === 0 ? `commit ${head.stdout.trim()}${dirty ? ' + uncommitted changes' : ''}` : 'not a git checkout';
  return `${commit}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`;
}

process.stdout.write(`# veza-secrets benchmark\n${machine()}\nat start: ${commitAndLoad()}\n`);
process.on('exit', () => process.stdout.write(`\nat end: ${commitAndLoad()}\n`));
process.stdout.write('Times are medians with (min, max); peak = the largest resident set of the process tree.\n');
runOnce(npm, ['run', '--silent', 'build']);

/** Runs each command once per round, RUNS rounds, alternating: figures taken side by side under the same load. */
function measureSideBySide(entries) {
  const runs = entries.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    entries.forEach(([, cmd, args, options = {}], j) => {
      options.prepare?.();
      runs[j].push(runOnce(cmd, args, options));
    });
  }
  return entries.map(([label], j) => {
    const time = stats(runs[j].map((r) => r.ms));
    const mem = runs[j][0].peakMiB === undefined ? undefined : stats(runs[j].map((r) => r.peakMiB));
    print(label, `${fmt(time, 'ms')}${mem ? `, peak ${fmt(mem, 'MiB', 1)}` : ''}`);
    return { time, mem, runs: runs[j] };
  });
}

/** `kubectl kustomize` of every dist/ folder with a kustomization, as one shell command; undefined without kubectl. */
function kustomizeCommand() {
  const dirs = fs.readdirSync(path.join(root, 'dist')).filter((d) => fs.existsSync(path.join(root, 'dist', d, 'kustomization.yaml')));
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0) return undefined;
  return { dirs, script: dirs.map((d) => `kubectl kustomize dist/${d} >/dev/null`).join(' && ') };
}

if (wanted('synth')) {
  header('Veza synth through the README command (`npm run synth`), and the process it starts');
  const objects = objectsIn(path.join(root, 'dist'));
  // Up to date first: the snapshot built, build/ current.
  runOnce(npm, ['run', '--silent', 'synth']);
  const kustomize = wanted('kustomize') ? kustomizeCommand() : undefined;
  const entries = [
    ['npm run synth, snapshot up to date (the README command)', npm, ['run', '--silent', 'synth']],
    ['the synth process: sh scripts/synth/synth.sh (what npm run synth runs)', 'sh', ['scripts/synth/synth.sh']],
    ['node build/main.js (the tsc build, no snapshot; cdk8s.yaml runs it)', process.execPath, ['build/main.js']],
    ['before the snapshot: node_modules/.bin/tsc -b, then node build/main.js', 'sh', ['-c', 'node_modules/.bin/tsc -b tsconfig.build.json && node build/main.js']],
  ];
  if (kustomize) entries.push([`kubectl kustomize, ${kustomize.dirs.length} folders (${kustomize.dirs.join(', ')})`, 'sh', ['-c', kustomize.script]]);
  else if (wanted('kustomize')) print('kubectl kustomize', 'skipped: kubectl is not installed');
  // npm's own Node.js process starts before the synth can unset NODE_EXTRA_CA_CERTS: where the
  // machine sets it, the README command is measured without it too, as on a machine that does not.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  if (extraCa) entries.push([`npm run synth without this machine's NODE_EXTRA_CA_CERTS (npm's own start pays for it)`, npm, ['run', '--silent', 'synth'], { env: { NODE_EXTRA_CA_CERTS: undefined } }]);
  [results.synth, results.process, results.app, results.before, results.kustomize, results.synthNoExtraCa] = measureSideBySide(entries);
  if (results.kustomize) {
    const ratio = (r) => `${(r.time.median / results.kustomize.time.median).toFixed(2)}x (medians, side by side)`;
    print('ratio synth process / kubectl kustomize (target: at most 0.6x)', ratio(results.process));
    print('ratio npm run synth / kubectl kustomize (target: at most 1.2x)', ratio(results.synth));
    if (results.synthNoExtraCa) print('ratio npm run synth without NODE_EXTRA_CA_CERTS / kubectl kustomize', ratio(results.synthNoExtraCa));
    print('ratio node build/main.js / kubectl kustomize', ratio(results.app));
    print('ratio before the snapshot (tsc -b launcher + node build/main.js) / kubectl kustomize', ratio(results.before));
    const rendered = kustomize.dirs.reduce((n, d) => n + (spawnSync('kubectl', ['kustomize', `dist/${d}`], { cwd: root, encoding: 'utf8' }).stdout.match(/^kind: /gm) ?? []).length, 0);
    print('objects kustomize renders', String(rendered));
  }
  print('objects in dist/', String(objects));
  // Node.js's own start, without the synth: scripts/synth/synth.sh unsets NODE_EXTRA_CA_CERTS (Node.js
  // 20 builds its certificate store at start when it is set); npm, which starts before it, keeps it.
  measureSideBySide([
    ['Node.js start (node -e 0), as the synth process starts it', process.execPath, ['-e', '0'], { env: { NODE_EXTRA_CA_CERTS: undefined } }],
    ...(extraCa ? [[`Node.js start with this machine's NODE_EXTRA_CA_CERTS=${extraCa} (as npm starts)`, process.execPath, ['-e', '0']]] : []),
  ]);
  // The freshness check, in the synth process: what the snapshot compares before it synthesizes.
  const check = spawnSync(process.execPath, ['-e', `
    const { buildInputs } = require('./scripts/synth/sources');
    const times = [];
    for (let i = 0; i < ${RUNS}; i++) { const t = process.hrtime.bigint(); buildInputs(process.cwd()); times.push(Number(process.hrtime.bigint() - t) / 1e6); }
    console.log(JSON.stringify(times));`], { cwd: root, encoding: 'utf8' });
  print('freshness check in the synth process (stat of the sources, no tsc)', fmt(stats(JSON.parse(check.stdout)), 'ms', 1));
  const [tscNative] = require('../tsc').tscCommand();
  measureSideBySide([
    ['tsc -b up to date: the native binary (what a rebuild runs)', tscNative, ['-b', 'tsconfig.build.json']],
    ['tsc -b up to date: node_modules/.bin/tsc (its Node.js launcher)', path.join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json']],
  ]);
  const touch = () => {
    const now = new Date();
    fs.utimesSync(path.join(root, 'main.ts'), now, now);
  };
  measure('npm run synth after an edit (main.ts touched): tsc -b, bundle, snapshot, synth', npm, ['run', '--silent', 'synth'], { prepare: touch });
  measure('npm run synth, from no build/ (a fresh clone after npm ci --ignore-scripts)', npm, ['run', '--silent', 'synth'], {
    prepare: () => fs.rmSync(path.join(root, 'build'), { recursive: true, force: true }),
  });
}

if (wanted('cdk8s')) {
  header('`cdk8s synth` (cdk8s.yaml runs tsc -b and the app)');
  const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
  results.cdk8s = measure('cdk8s synth --check-upgrade=false', cli, ['synth', '--check-upgrade=false']);
  measure('cdk8s --version (the CLI starting, for reference)', cli, ['--version', '--check-upgrade=false']);
}

if (wanted('kustomize') && !wanted('synth')) {
  header('`kubectl kustomize` over the same dist/, one kustomization per environment');
  const kustomize = kustomizeCommand();
  if (!kustomize) print('kubectl kustomize', 'skipped: kubectl is not installed');
  else results.kustomize = measure(`kubectl kustomize, ${kustomize.dirs.length} folders (${kustomize.dirs.join(', ')})`, 'sh', ['-c', kustomize.script]);
}

if (wanted('scale')) {
  header('Scale: N services x 10 keys, each with a service account, Role, RoleBinding, ExternalSecret, x 3 environments');
  const scaleScript = path.join(__dirname, 'scale.js');
  const perSize = {};
  const sizes = (process.env.BENCH_SCALE_SIZES ?? '100,1000').split(',').map(Number);
  // Every run writes into a folder in build/, beside dist/, removed after the section's last run;
  // the floor also writes into the system's temporary folder (scripts/bench/scratch.js).
  const scratch = benchScratch('scale');
  const systemScratch = benchScratch('scale', 'system');
  const scale = (...args) => runOnce(process.execPath, [scaleScript, ...args, '--out', scratch.root]);
  try {
    for (const services of sizes) {
      const runs = [];
      const floors = [];
      for (let i = 0; i < RUNS; i++) {
        const r = scale(String(services));
        runs.push({ ...JSON.parse(r.stdout), wallMs: r.ms });
        floors.push(JSON.parse(scale(String(services), '--floor', '--system-out', systemScratch.root).stdout));
      }
      const s = (key) => stats(runs.map((r) => r[key]));
      const floor = stats(floors.map((f) => f.serializeMs));
      const inMemory = stats(runs.map((r) => r.buildMs + r.renderMs));
      perSize[services] = { wall: s('wallMs'), inMemory, policy: s('policyMs') };
      print(`${services} services: objects, files`, `${runs[0].objects}, ${runs[0].files}`);
      print(`${services} services: process wall time (start to files written)`, fmt(s('wallMs'), 'ms'));
      if (runs[0].cpuMs !== undefined) print(`${services} services: CPU time in the process, start to files written`, fmt(s('cpuMs'), 'ms'));
      print(`${services} services: build the tree (incl. loading the library)`, fmt(s('buildMs'), 'ms'));
      print(`${services} services: validate + render in memory`, fmt(s('renderMs'), 'ms'));
      print(`${services} services: policy pass (Veza's rules, as the synth runs it)`, fmt(s('policyMs'), 'ms'));
      print(`${services} services: write to a new folder (dist/ absent)`, fmt(s('writeMs'), 'ms'));
      print(`${services} services: floor, the same files written plainly (mkdir, writeFileSync)`, fmt(stats(floors.map((f) => f.writeFloorMs)), 'ms'));
      print(`${services} services: the same plain write into ${os.tmpdir()} (another place)`, fmt(stats(floors.map((f) => f.writeFloorSystemMs)), 'ms'));
      if (runs[0].rewriteOneChangedMs !== undefined) print(`${services} services: write again, one file changed (the others linked)`, fmt(s('rewriteOneChangedMs'), 'ms'));
      print(`${services} services: peak memory`, fmt(s('peakRssMiB'), 'MiB', 1));
      print(`${services} services: objects per second (in process)`, fmt(s('objectsPerSecond'), 'objects/s'));
      print(`${services} services: floor, js-yaml alone on the same objects`, fmt(floor, 'ms'));
      print(`${services} services: ratio build+render / floor`, `${(inMemory.median / floor.median).toFixed(2)}x (medians)`);
    }
    const [small, large] = [sizes[0], sizes[sizes.length - 1]];
    if (small !== large) {
      print(`ratio time(${large}) / time(${small}), process wall`, `${(perSize[large].wall.median / perSize[small].wall.median).toFixed(2)}x (medians)`);
      print(`ratio time(${large}) / time(${small}), build+render`, `${(perSize[large].inMemory.median / perSize[small].inMemory.median).toFixed(2)}x (medians)`);
      print(`ratio time(${large}) / time(${small}), policy pass`, `${(perSize[large].policy.median / perSize[small].policy.median).toFixed(2)}x (medians)`);
    }
  } finally {
    scratch.remove();
    systemScratch.remove();
  }
}

if (wanted('toolchain')) {
  header('Toolchain: compiling the TypeScript (TypeScript 7 tsc, TypeScript 5 tsc if BENCH_TS5 is set, swc)');
  const scratch = fs.mkdtempSync(path.join(root, 'build', '.bench-'));
  const compilers = [['TypeScript 7 tsc', path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')]];
  if (process.env.BENCH_TS5) compilers.push(['TypeScript 5 tsc', process.env.BENCH_TS5]);
  try {
    for (const [name, tsc] of compilers) {
      const version = runOnce(process.execPath, [tsc, '--version']).stdout.trim();
      const out = path.join(scratch, 'out');
      measure(`${name} (${version}): build, emit JS + .d.ts, from nothing`, process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out, '--tsBuildInfoFile', path.join(out, '.tsbuildinfo')], {
        prepare: () => fs.rmSync(out, { recursive: true, force: true }),
      });
      measure(`${name}: type-check everything (npm test's tsc -p tsconfig.json)`, process.execPath, [tsc, '-p', 'tsconfig.json']);
    }
    measure('TypeScript 7 tsc -b, build up to date (what npm run synth pays)', process.execPath, [compilers[0][1], '-b', 'tsconfig.build.json']);
    measure('swc transpile-only of the same files, no type-check', process.execPath, [path.join(__dirname, 'transpile.js'), path.join(scratch, 'swc')]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (wanted('test')) {
  header('`npm test` (tsc type-check, then jest on the fast suites)');
  measure('npm test', npm, ['test', '--silent']);
}

// Opt-in (each run is minutes): `npm run bench -- test-all`.
if (sections.includes('test-all')) {
  header('`npm run test:all` (tsc type-check, then jest on every suite, the end-to-end ones too)');
  measure('npm run test:all', npm, ['run', '--silent', 'test:all']);
}

if (wanted('clone')) {
  header('Fresh clone: `npm ci` (from the npm cache) and the first `npm run synth`');
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  // Each clone stays until the last run is timed (scripts/bench/scratch.js): deleting one (17,000
  // files in node_modules) would slow the next run's npm ci.
  const scratch = benchScratch('clone');
  // The README's Quick start (npm ci --prefer-offline), and plain npm ci, which asks the registry
  // again about every cached package whose cached response says nothing of its freshness.
  const variants = [['npm ci --prefer-offline (the Quick start)', ['ci', '--prefer-offline']], ['npm ci', ['ci']]];
  const ci = new Map(variants.map(([label]) => [label, []]));
  const synth = [];
  const total = [];
  try {
    // Alternating, so a change of load falls on both alike.
    for (let i = 0; i < RUNS; i++) {
      for (const [label, args] of variants) {
        const dir = scratch.dir('clone');
        runOnce('git', ['clone', '--quiet', root, dir]);
        const a = runOnce(npm, args, { cwd: dir });
        ci.get(label).push(a.ms);
        if (label !== variants[0][0]) continue;
        const b = runOnce(npm, ['run', '--silent', 'synth'], { cwd: dir });
        synth.push(b.ms);
        total.push(a.ms + b.ms);
      }
    }
  } finally {
    scratch.remove();
  }
  print(`commit cloned`, head);
  for (const [label] of variants) print(label, fmt(stats(ci.get(label)), 'ms'));
  print('first npm run synth (tsc compiles everything)', fmt(stats(synth), 'ms'));
  print('fresh clone to first dist/ (the Quick start: npm ci --prefer-offline, npm run synth)', fmt(stats(total), 'ms'));
}

// Opt-in (several minutes: each variant is a whole `npm ci`): `npm run bench -- install`.
if (sections.includes('install')) {
  header('`npm ci`: what each dependency costs (scripts/bench/install.js)');
  require('./install').run(RUNS, print);
}
