// Helpers for tests that run the synth as a child process, in a copy of the project.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

/** What the synth entry points need: the sources (both build), the environment files and the committed dist/. */
const PROJECT_FILES = ['environments', 'dist', 'lib', 'imports', 'scripts', 'main.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'cdk8s.yaml', 'gitops.yaml'];

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

/** Compiles the app once into `<dir>/build`, with node_modules linked and scripts/ copied next to it (the app reads scripts/rotation/). */
export function buildInto(dir: string): string {
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.cpSync(path.join(ROOT, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
  // Its own build info too: the build config is incremental, and sharing build/.tsbuildinfo would
  // skip emitting here or leave the repository's build/ looking up to date when it is not.
  const result = run(process.execPath, [
    path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'),
    '--outDir', path.join(dir, 'build'), '--tsBuildInfoFile', path.join(dir, 'build', '.tsbuildinfo'),
  ], ROOT);
  if (result.status !== 0) throw new Error(`tsc failed: ${result.stdout}${result.stderr}`);
  return path.join(dir, 'build', 'main.js');
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
