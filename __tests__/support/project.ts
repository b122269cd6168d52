// Helpers for tests that run the synth as a child process, in a copy of the project.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
const { tscCommand } = require('../../scripts/tsc') as { tscCommand: (root: string) => [string, string[]] };

/** What the synth entry points need: the sources (both build), the environment files and the committed dist/. */
const PROJECT_FILES = ['environments', 'dist', 'docs', 'lib', 'imports', 'scripts', 'main.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'cdk8s.yaml', 'gitops.yaml'];

/** A temporary folder, removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Copies the project into `dir` (node_modules linked, not copied) and returns `dir`. With `build`,
 * this project's build/ too (`npm test` built it before jest; the run's shared build under it is
 * left out), every file with its times: `tsc -b` in the copy decides as it would here (up to date
 * after npm test's build) instead of compiling everything again.
 */
export function copyProject(dir: string, options: { readonly build?: boolean } = {}): string {
  const preserveTimestamps = options.build ?? false;
  for (const entry of PROJECT_FILES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, preserveTimestamps });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  if (options.build && fs.existsSync(path.join(ROOT, 'build'))) {
    fs.cpSync(path.join(ROOT, 'build'), path.join(dir, 'build'), { recursive: true, preserveTimestamps, filter: (src) => !path.basename(src).startsWith('.test-build-') });
  }
  return dir;
}

/**
 * One build of the current sources (tsconfig.build.json) for the whole jest run: `main.js`, `lib/`
 * and the declarations, in the folder global-setup.ts made. Under `npm test`, global-setup.ts has
 * already copied build/ there; under a bare jest, the first suite that asks compiles it (holding a
 * lock folder; the other workers wait), the rest reuse it. A folder of its own: never racing a
 * concurrent `npm run synth` on build/, never a stale build/.
 */
export function sharedBuild(): string {
  const dir = process.env.VEZA_TEST_BUILD;
  if (!dir || !fs.existsSync(dir)) throw new Error('sharedBuild: VEZA_TEST_BUILD is unset or gone; run jest with the project config (globalSetup: __tests__/support/global-setup.ts)');
  const done = path.join(dir, '.done');
  const failed = path.join(dir, '.failed');
  const lock = path.join(dir, '.lock');
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (fs.existsSync(done)) return dir;
    if (fs.existsSync(failed)) throw new Error(fs.readFileSync(failed, 'utf8'));
    try {
      fs.mkdirSync(lock);
    } catch {
      Atomics.wait(wait, 0, 0, 100);
      continue;
    }
    const [tsc, tscArgs] = tscCommand(ROOT);
    const result = run(tsc, [...tscArgs, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', dir, '--tsBuildInfoFile', path.join(dir, '.tsbuildinfo')], ROOT);
    if (result.status !== 0) {
      fs.writeFileSync(failed, `tsc failed: ${result.stdout}${result.stderr}`);
      throw new Error(fs.readFileSync(failed, 'utf8'));
    }
    fs.writeFileSync(done, '');
    return dir;
  }
}

/** Every file and folder below `dir`: path, mode and a SHA-256 of the bytes (folders: mode only). */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, relPath);
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        out.push(`${relPath}/ ${(stat.mode & 0o777).toString(8)}`);
        walk(relPath);
      } else {
        out.push(`${relPath} ${(stat.mode & 0o777).toString(8)} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`);
      }
    }
  };
  walk('');
  return out;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): RunResult {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** What one `synthVeza` call returned and printed. */
export interface SynthResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A synth for `synthInOneProcess`: the project folder, and optionally a file-system error thrown after a swap step. */
export interface SynthCase {
  readonly projectDir: string;
  readonly failAfter?: { readonly step: string; readonly code: string };
}

const SYNTH_EACH = `
  const fs = require('fs');
  const [, vezaApp, input, output] = process.argv;
  const { synthVeza } = require(vezaApp);
  const results = [];
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const { projectDir, failAfter } of JSON.parse(fs.readFileSync(input, 'utf8'))) {
    const printed = { stdout: '', stderr: '' };
    process.stdout.write = (chunk) => { printed.stdout += chunk; return true; };
    process.stderr.write = (chunk) => { printed.stderr += chunk; return true; };
    try {
      // As main.js runs: in the project folder.
      process.chdir(projectDir);
      const onSwapStep = failAfter && ((s) => {
        if (s === failAfter.step) throw Object.assign(new Error(failAfter.code + ': injected failure, write'), { code: failAfter.code, syscall: 'write' });
      });
      results.push({ status: synthVeza({ projectDir, onSwapStep }), ...printed });
    } finally {
      process.stdout.write = write.stdout;
      process.stderr.write = write.stderr;
    }
  }
  fs.writeFileSync(output, JSON.stringify(results));`;

/**
 * Runs `synthVeza` (the function `node build/main.js` runs: main.ts) of the build in `buildDir`
 * (a project's build/, or `sharedBuild()`) once per case, in turn, in one Node.js process, in the
 * case's folder as main.js runs: each case's return code (the exit code main.js sets) and what it
 * printed. One process instead of one per case.
 */
export function synthInOneProcess(buildDir: string, cases: SynthCase[]): SynthResult[] {
  const dir = tempDir('veza-synth-each-');
  try {
    const input = path.join(dir, 'cases.json');
    const output = path.join(dir, 'results.json');
    fs.writeFileSync(input, JSON.stringify(cases));
    const ran = run(process.execPath, ['-e', SYNTH_EACH, path.join(buildDir, 'lib', 'veza', 'veza-app.js'), input, output], dir);
    if (ran.status !== 0) throw new Error(`synthInOneProcess: exit ${ran.status}: ${ran.stderr}`);
    return JSON.parse(fs.readFileSync(output, 'utf8')) as SynthResult[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
