/**
 * The swap into dist/ is crash-safe: a synth process killed after any step of the swap leaves
 * dist/ complete (old or new), or absent with the complete old tree beside it; the next command,
 * even one that refuses its input, puts it back and removes every leftover. Two synths at once
 * are serialized by a lock. A file-system failure at any step is one line, exit code 1, dist/ as
 * it was.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { OutputError, SWAP_STEPS, withOutputLock } from '../lib/output/swap';
import { copyProject, ROOT, run, snapshot, SynthCase, synthInOneProcess, SynthResult, tempDir } from './support/project';

jest.setTimeout(180_000);

let project: string;
let dist: string;
let oldTree: string[];
let newTree: string[];
const envFile = () => path.join(project, 'environments', 'production.yaml');
const setProvider = (from: string, to: string) => fs.writeFileSync(envFile(), fs.readFileSync(envFile(), 'utf8').replace(new RegExp(`^provider: ${from}$`, 'm'), `provider: ${to}`));
const leftovers = () => fs.readdirSync(project).filter((f) => f.startsWith('.dist'));
const restoreOld = () => {
  fs.rmSync(dist, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'dist'), dist, { recursive: true });
};

/** A synth in a child process whose hook, at `step`, kills it. */
function killedSynth(step: string) {
  const script = `
    const { synthVeza } = require(${JSON.stringify(path.join(project, 'build', 'lib', 'veza', 'veza-app.js'))});
    const [step] = process.argv.slice(1);
    process.exitCode = synthVeza({ projectDir: process.cwd(), onSwapStep: (s) => {
      if (s === step) process.kill(process.pid, 'SIGKILL');
    } });`;
  return spawnSync(process.execPath, ['-e', script, step], { cwd: project, encoding: 'utf8', timeout: 60_000 });
}

const synth = () => run(process.execPath, ['build/main.js'], project);
// The switch to aws this file makes is warned about (aws rotates nothing automatically): not what it tests.
const quiet = (stderr: string) => stderr.split('\n').filter((l) => !l.startsWith('warning: ')).join('\n');

beforeAll(() => {
  project = copyProject(tempDir('veza-swap-'), { build: true });
  dist = path.join(project, 'dist');
  oldTree = snapshot(dist);
  expect(run('npm', ['run', '--silent', 'build'], project).status).toBe(0);
  setProvider('vault', 'aws');
  expect(synth().status).toBe(0);
  newTree = snapshot(dist);
  expect(newTree).not.toEqual(oldTree);
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

const BEFORE_THE_NEW_TREE_IS_IN = ['locked', 'writing', 'staged', 'old-moved-aside'];

test.each(SWAP_STEPS.map((s) => [s]))('a synth killed after step %s leaves dist/ complete, and the next run repairs it', (step) => {
  restoreOld();
  const killed = killedSynth(step);
  expect(killed.signal).toBe('SIGKILL');
  // Right after the kill: the old tree, the new tree, or (between the renames) the old tree beside dist/.
  if (fs.existsSync(dist)) expect([oldTree, newTree]).toContainEqual(snapshot(dist));
  else expect(snapshot(path.join(project, '.dist.old'))).toEqual(oldTree);
  expect(fs.existsSync(path.join(project, '.dist.lock'))).toBe(true);

  // A lock candidate of a process killed while it took the lock is a leftover too.
  fs.writeFileSync(path.join(project, `.dist.lock.${killed.pid}`), `${killed.pid}\n`);

  // The next command refuses its input, yet repairs dist/ first and leaves no leftover.
  setProvider('aws', 'hashicorp');
  const refused = synth();
  expect(refused.status).toBe(1);
  expect(quiet(refused.stderr)).toContain(`note: .dist.lock was left by process ${killed.pid}, which no longer runs: taken over\n`);
  expect(quiet(refused.stderr)).toContain(`error: environments/production.yaml: 'provider' is "hashicorp"; allowed: vault, aws, gcp, azure\n`);
  expect(snapshot(dist)).toEqual(BEFORE_THE_NEW_TREE_IS_IN.includes(step) ? oldTree : newTree);
  expect(leftovers()).toEqual([]);

  setProvider('hashicorp', 'aws');
  const fixed = synth();
  expect(quiet(fixed.stderr)).toBe('');
  expect(fixed.status).toBe(0);
  expect(snapshot(dist)).toEqual(newTree);
  expect(leftovers()).toEqual([]);
});

// [step, injected error code, the one line]
const FAILURES: [string, string, string][] = [
  ['locked', 'EROFS', 'cannot lock dist: injected failure (EROFS); the file system is mounted read-only: synthesize into a writable checkout'],
  ['writing', 'ENOSPC', 'cannot write dist/alternatives/cluster/external-secrets-namespace.yaml: injected failure (ENOSPC); free some disk space and run again'],
  ['staged', 'EPERM', 'cannot write dist: injected failure (EPERM); make the folder and its files writable by you and not immutable (chmod -R u+w; chattr -i) and run again'],
  ['old-moved-aside', 'EACCES', 'cannot move aside dist: injected failure (EACCES); make the folder and its files writable by you (chmod -R u+w) and run again'],
  ['new-moved-in', 'EBUSY', 'cannot move the new output into dist: injected failure (EBUSY); close the program that holds it open (an editor, a file watcher) and run again'],
];

describe('file-system failures', () => {
  // Each failure in a folder of its own (the inputs switched to aws, the old dist/), all run by
  // synthVeza with the error injected, in one Node.js process.
  const cases = new Map<string, SynthCase & { result?: SynthResult }>();
  beforeAll(() => {
    const root = tempDir('veza-swap-failures-');
    for (const [step, code] of FAILURES) {
      const dir = path.join(root, step);
      fs.cpSync(path.join(ROOT, 'environments'), path.join(dir, 'environments'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'gitops.yaml'), path.join(dir, 'gitops.yaml'));
      fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
      const file = path.join(dir, 'environments', 'production.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^provider: vault$/m, 'provider: aws'));
      cases.set(step, { projectDir: dir, failAfter: { step, code } });
    }
    const results = synthInOneProcess(path.join(project, 'build'), [...cases.values()]);
    [...cases.values()].forEach((c, i) => { c.result = results[i]; });
  });
  afterAll(() => {
    const first = cases.values().next().value;
    if (first) fs.rmSync(path.dirname(first.projectDir), { recursive: true, force: true });
  });

  test.each(FAILURES)('a failure after step %s (%s) is one line, exit code 1, and dist/ as it was', (step, _code, line) => {
    const { projectDir, result } = cases.get(step)!;
    expect(quiet(result!.stderr)).toBe(`error: ${line}\nsynth failed: 1 problem(s); dist was left unchanged.\n`);
    expect(result!.status).toBe(1);
    expect(snapshot(path.join(projectDir, 'dist'))).toEqual(oldTree);
    expect(fs.readdirSync(projectDir).filter((f) => f.startsWith('.dist'))).toEqual([]);
  });
});

test('dist being a file is one line through both entry points, and the file stays', () => {
  fs.rmSync(dist, { recursive: true, force: true });
  fs.writeFileSync(dist, 'not a folder\n');
  for (const [command, args] of [[process.execPath, ['build/main.js']], [path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade=false']]] as const) {
    const result = run(command, [...args], project);
    expect(result.status).toBe(1);
    expect(quiet(result.stderr)).toContain('error: cannot read dist: not a directory (ENOTDIR); a path that must be a folder is a file: move that file away and run again\nsynth failed: 1 problem(s); dist was left unchanged.\n');
    // cdk8s-cli adds its own line and trace about the failed command after ours: none of ours has one.
    expect(quiet(result.stderr).split('Error: command ')[0]).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(dist, 'utf8')).toBe('not a folder\n');
  }
  fs.rmSync(dist);
  restoreOld();
});

test('two synths at once: the second waits for the first, says so, and both succeed', async () => {
  restoreOld();
  const marker = path.join(project, 'first-is-staged');
  const go = path.join(project, 'first-may-go-on');
  const script = `
    const fs = require('fs');
    const { synthVeza } = require(${JSON.stringify(path.join(project, 'build', 'lib', 'veza', 'veza-app.js'))});
    process.exitCode = synthVeza({ projectDir: process.cwd(), onSwapStep: (s) => {
      if (s !== 'staged') return;
      fs.writeFileSync(${JSON.stringify(marker)}, '');
      while (!fs.existsSync(${JSON.stringify(go)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    } });`;
  const exit = (child: ReturnType<typeof spawn>, out: { stderr: string }) => new Promise<number | null>((resolve) => {
    child.stderr!.on('data', (d) => { out.stderr += String(d); });
    child.on('close', resolve);
  });
  const until = async (cond: () => boolean) => { while (!cond()) await new Promise((r) => setTimeout(r, 50)); };
  const first = spawn(process.execPath, ['-e', script], { cwd: project });
  const firstOut = { stderr: '' };
  const firstExit = exit(first, firstOut);
  await until(() => fs.existsSync(marker));
  const second = spawn(process.execPath, ['build/main.js'], { cwd: project });
  const secondOut = { stderr: '' };
  const secondExit = exit(second, secondOut);
  await until(() => secondOut.stderr.includes('waiting for'));
  expect(quiet(secondOut.stderr)).toBe(`note: waiting for process ${first.pid} (another synth) to finish writing dist; lock: .dist.lock\n`);
  fs.writeFileSync(go, '');
  expect(await firstExit).toBe(0);
  expect(await secondExit).toBe(0);
  expect(quiet(firstOut.stderr)).toBe('');
  expect(snapshot(dist)).toEqual(newTree);
  expect(leftovers()).toEqual([]);
  fs.rmSync(marker);
  fs.rmSync(go);
});

test('a run that cannot get the lock gives up with one line naming the holder', () => {
  const dir = tempDir('veza-lock-');
  const out = path.join(dir, 'dist');
  // A live process that is not this one: the test runner's parent.
  fs.writeFileSync(path.join(dir, '.dist.lock'), `${process.ppid}\n`);
  let ran = false;
  let error: unknown;
  try {
    withOutputLock(out, () => { ran = true; }, { lockTimeout: Duration.millis(200) });
  } catch (e) {
    error = e;
  }
  expect(ran).toBe(false);
  expect(error).toBeInstanceOf(OutputError);
  expect((error as OutputError).messages).toEqual([
    `cannot lock ${out}: process ${process.ppid} holds ${path.join(dir, '.dist.lock')} (another synth is writing it) for more than 0s; wait for it to finish, or, if no synth is running, delete ${path.join(dir, '.dist.lock')}`,
  ]);
  expect(fs.readFileSync(path.join(dir, '.dist.lock'), 'utf8')).toBe(`${process.ppid}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('no synth in flight leaves a lock, and the lock is free for the next one', () => {
  expect(fs.existsSync(path.join(project, '.dist.lock'))).toBe(false);
  expect(spawnSync(process.execPath, ['build/main.js'], { cwd: project, encoding: 'utf8' }).status).toBe(0);
  expect(leftovers()).toEqual([]);
});
