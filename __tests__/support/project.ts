// Helpers for tests that run the synth as a child process, in a copy of the project.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

/** What the synth entry points need: the sources (both build), the environment files and the committed dist/. */
const PROJECT_FILES = ['environments', 'dist', 'docs', 'lib', 'imports', 'scripts', 'main.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'cdk8s.yaml', 'gitops.yaml'];

/** A temporary folder, removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies the project into `dir` (node_modules linked, not copied) and returns `dir`. */
export function copyProject(dir: string): string {
  for (const entry of PROJECT_FILES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * One build of the current sources (tsconfig.build.json) for the whole jest run: `main.js`, `lib/`
 * and the declarations, in the folder global-setup.ts made. The first suite that asks compiles it
 * (holding a lock folder; the other workers wait), the rest reuse it. A folder of its own, with its
 * own build info: never racing a concurrent `npm run synth` on build/, never a stale build/.
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
    const result = run(process.execPath, [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'),
      '--outDir', dir, '--tsBuildInfoFile', path.join(dir, '.tsbuildinfo'),
    ], ROOT);
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
