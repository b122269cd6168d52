import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { RenderedFile, SynthError } from './synthesize';

/**
 * The steps of {@link replaceDirectory}, in order. A process stopped after any of them leaves the
 * output folder complete (old or new) or, between the two renames, the complete old tree beside
 * it as `.<name>.old`, which the next run puts back.
 */
export const SWAP_STEPS = ['locked', 'writing', 'staged', 'old-moved-aside', 'new-moved-in', 'old-removed'] as const;

/** One step of {@link replaceDirectory}. */
export type SwapStep = (typeof SWAP_STEPS)[number];

/** Options of {@link replaceDirectory} and {@link withOutputLock}. */
export interface SwapOptions {
  /**
   * Called after each step of the swap; an exception thrown here fails that step (tests stop the
   * process or inject a file-system error there).
   * @default - none
   */
  readonly onStep?: (step: SwapStep) => void;
  /** Receives notices: waiting for another run's lock, a leftover restored or removed. @default - none */
  readonly onNotice?: (line: string) => void;
  /** How long to wait for another run holding the lock before giving up. @default Duration.seconds(120) */
  readonly lockTimeout?: Duration;
}

/**
 * A file-system operation on the output failed: one line saying what could not be done, on which
 * path, why and what to do.
 *
 * @see https://nodejs.org/api/errors.html#common-system-errors
 */
export class OutputError extends SynthError {
  public constructor(message: string) {
    super([message]);
    this.name = 'OutputError';
  }
}

const HINTS: Record<string, string> = {
  ENOSPC: 'free some disk space and run again',
  EDQUOT: 'free some disk space (the disk quota is reached) and run again',
  EACCES: 'make the folder and its files writable by you (chmod -R u+w) and run again',
  EPERM: 'make the folder and its files writable by you and not immutable (chmod -R u+w; chattr -i) and run again',
  EROFS: 'the file system is mounted read-only: synthesize into a writable checkout',
  ENOTDIR: 'a path that must be a folder is a file: move that file away and run again',
  EEXIST: 'a path that must be free is taken: move it away and run again',
  ENOTEMPTY: 'a folder that must be free holds files: move it away and run again',
  EISDIR: 'a path that must be a file is a folder: move it away and run again',
  EBUSY: 'close the program that holds it open (an editor, a file watcher) and run again',
  EMFILE: 'too many files are open: close some programs and run again',
  ENAMETOOLONG: 'the path is too long: synthesize into a shorter folder',
};

/** A path as messages show it: relative to the working folder when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** Turns a file-system error into one line: `cannot <action> <path>: <why> (<code>); <what to do>`. */
export function fileSystemError(e: unknown, action: string, target: string): OutputError {
  if (e instanceof OutputError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const where = typeof err?.path === 'string' ? err.path : target;
  // Node's message is "<CODE>: <description>, <syscall> '<path>'": keep the description only.
  const raw = err instanceof Error ? err.message.split('\n')[0] : String(e);
  const description = code && raw.startsWith(`${code}: `) ? raw.slice(code.length + 2).replace(/, \w+( '.*)?$/, '') : raw;
  const hint = (code && HINTS[code]) ?? 'check the path and run again';
  return new OutputError(`cannot ${action} ${displayPath(where)}: ${description.slice(0, 200)}${code ? ` (${code})` : ''}; ${hint}`);
}

/** The sibling paths used while replacing `target`: `.dist.lock`, `.dist.old`, `.dist.staging-*`. */
function siblings(target: string) {
  const parent = path.dirname(target);
  const base = path.basename(target);
  return { parent, lock: path.join(parent, `.${base}.lock`), old: path.join(parent, `.${base}.old`), stagingPrefix: `.${base}.staging-` };
}

const held = new Set<string>();

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLockPid(lock: string): number | undefined {
  try {
    const pid = parseInt(fs.readFileSync(lock, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` holding the lock of `outdir` (`.<name>.lock` beside it, holding the process id), so two
 * runs never interleave their swaps: a second run waits, says so once, and gives up after
 * `lockTimeout` with a one-line message. A lock left by a process that no longer runs is taken
 * over. Before `fn` runs, what a stopped run left behind is repaired ({@link recoverDirectory}).
 */
export function withOutputLock<T>(outdir: string, fn: () => T, options: SwapOptions = {}): T {
  const target = path.resolve(outdir);
  if (held.has(target)) return fn();
  const { parent, lock } = siblings(target);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw fileSystemError(e, 'create the folder', parent);
  }
  const mine = `${lock}.${process.pid}`;
  const timeout = (options.lockTimeout ?? Duration.seconds(120)).toMilliseconds();
  const started = Date.now();
  let waitingFor: number | undefined;
  try {
    fs.writeFileSync(mine, `${process.pid}\n`);
  } catch (e) {
    throw fileSystemError(e, 'create the lock', mine);
  }
  try {
    for (;;) {
      try {
        // link() fails when the lock exists, and the lock never exists without its process id.
        fs.linkSync(mine, lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileSystemError(e, 'create the lock', lock);
      }
      const pid = readLockPid(lock);
      if (pid !== undefined && !isRunning(pid)) {
        if (readLockPid(lock) === pid) fs.rmSync(lock, { force: true });
        options.onNotice?.(`${displayPath(lock)} was left by process ${pid}, which no longer runs: taken over`);
        continue;
      }
      if (Date.now() - started >= timeout) {
        throw new OutputError(`cannot lock ${displayPath(target)}: process ${pid ?? '?'} holds ${displayPath(lock)} (another synth is writing it) for more than ${Math.round(timeout / 1000)}s; wait for it to finish, or, if no synth is running, delete ${displayPath(lock)}`);
      }
      if (waitingFor !== pid) {
        waitingFor = pid;
        options.onNotice?.(`waiting for process ${pid ?? '?'} (another synth) to finish writing ${displayPath(target)}; lock: ${displayPath(lock)}`);
      }
      sleep(100);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  held.add(target);
  try {
    try {
      options.onStep?.('locked');
    } catch (e) {
      throw fileSystemError(e, 'lock', target);
    }
    recoverDirectory(target, options);
    return fn();
  } finally {
    held.delete(target);
    if (readLockPid(lock) === process.pid) fs.rmSync(lock, { force: true });
  }
}

/**
 * Repairs what a stopped run left beside `outdir`: puts back the old tree when the run was stopped
 * between the two renames of the swap, and removes staging folders, a finished swap's old tree and
 * the lock candidates of processes that no longer run.
 * Call it holding the lock ({@link withOutputLock} does).
 */
export function recoverDirectory(outdir: string, options: SwapOptions = {}): void {
  const target = path.resolve(outdir);
  const { parent, old, stagingPrefix } = siblings(target);
  if (fs.existsSync(old)) {
    if (!fs.existsSync(target)) {
      try {
        fs.renameSync(old, target);
      } catch (e) {
        throw fileSystemError(e, 'restore the previous output from', old);
      }
      options.onNotice?.(`restored ${displayPath(target)} from ${displayPath(old)}: a run was stopped during its swap`);
    } else {
      removeLeftover(old);
    }
  }
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch (e) {
    throw fileSystemError(e, 'read the folder', parent);
  }
  const lockPrefix = `${path.basename(siblings(target).lock)}.`;
  for (const name of names) {
    if (name.startsWith(stagingPrefix)) removeLeftover(path.join(parent, name));
    // A lock candidate (`.dist.lock.<pid>`) of a process killed while it took the lock.
    const pid = name.startsWith(lockPrefix) ? Number(name.slice(lockPrefix.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) removeLeftover(path.join(parent, name));
  }
}

function removeLeftover(leftover: string): void {
  try {
    fs.rmSync(leftover, { recursive: true, force: true });
  } catch (e) {
    throw fileSystemError(e, 'remove the leftover', leftover);
  }
}


/**
 * Replaces `outdir` with exactly `files`, holding its lock: the files are written to a sibling
 * staging folder, then the old tree is renamed aside (`.<name>.old`), the new one renamed in and
 * the old one removed. A file whose bytes and mode are those of the old tree's file is not
 * written again: the staging tree gets a hard link to it, which outlives the old tree's removal.
 * At every instant the output is the complete old or new tree, or (between the renames) absent
 * with the complete old tree beside it, which the next run puts back. A failure before the new
 * tree is in restores the old one; every failure is one {@link OutputError} line.
 */
export function replaceDirectory(outdir: string, files: RenderedFile[], options: SwapOptions = {}): void {
  withOutputLock(outdir, () => swap(path.resolve(outdir), files, options), options);
}

function swap(target: string, files: RenderedFile[], options: SwapOptions): void {
  const { parent, old, stagingPrefix } = siblings(target);
  const exists = isFolder(target);
  let staging: string;
  try {
    staging = fs.mkdtempSync(path.join(parent, stagingPrefix));
  } catch (e) {
    throw fileSystemError(e, 'create a staging folder in', parent);
  }
  // What is being done, for the message: the staging folder is shown as the output folder it becomes.
  let action = 'write';
  let current = target;
  try {
    // mkdtemp makes a private folder and the umask trims modes: set them, so every machine writes the same.
    fs.chmodSync(staging, 0o755);
    const stage = stagingWriter(staging, exists ? target : undefined);
    for (const [i, file] of files.entries()) {
      current = path.join(target, file.path);
      stage(file);
      if (i === 0) options.onStep?.('writing');
    }
    current = target;
    options.onStep?.('staged');
    if (exists) {
      action = 'move aside';
      fs.renameSync(target, old);
      options.onStep?.('old-moved-aside');
    }
    action = 'move the new output into';
    fs.renameSync(staging, target);
    options.onStep?.('new-moved-in');
  } catch (e) {
    // Put the old tree back: the output stays as it was.
    rollBack(target, staging, exists ? old : undefined);
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.path === 'string' && err.path.startsWith(staging)) err.path = target + err.path.slice(staging.length);
    throw fileSystemError(e, action, current);
  }
  try {
    if (exists) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    // The new tree is in: the swap succeeded. The next run removes the old one.
    options.onNotice?.(`${fileSystemError(e, 'remove the previous output', old).messages[0]} (the next run retries)`);
  }
  options.onStep?.('old-removed');
}

/**
 * Puts one file into the staging tree: a hard link to the previous tree's file when that one has
 * the same bytes and mode (and no other link, so nothing outside the tree shares it), else a new
 * file. Each folder is created once, with mode 0755; a file's mode is set after writing only when
 * the umask trimmed it (checked once per mode).
 */
function stagingWriter(staging: string, previous: string | undefined): (file: RenderedFile) => void {
  const folders = new Set<string>([staging]);
  const umaskKeeps = new Map<number, boolean>();
  return (file) => {
    const full = path.join(staging, file.path);
    const folder = path.dirname(full);
    if (!folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      for (let f = folder; !folders.has(f); f = path.dirname(f)) {
        folders.add(f);
        fs.chmodSync(f, 0o755);
      }
    }
    const mode = file.executable ? 0o755 : 0o644;
    if (previous !== undefined && linkUnchanged(path.join(previous, file.path), full, file.content, mode)) return;
    // A string is written by Node's one-call UTF-8 path (open, write, close).
    fs.writeFileSync(full, file.content, { mode });
    let keeps = umaskKeeps.get(mode);
    if (keeps === undefined) {
      keeps = (fs.statSync(full).mode & 0o777) === mode;
      umaskKeeps.set(mode, keeps);
    }
    if (!keeps) fs.chmodSync(full, mode);
  };
}

/** Links `from` to `to` when `from` is a regular file, linked once, with `mode` and exactly the bytes of `content`; false otherwise. */
function linkUnchanged(from: string, to: string, content: string, mode: number): boolean {
  try {
    const stat = fs.lstatSync(from);
    if (!stat.isFile() || stat.nlink !== 1 || (stat.mode & 0o7777) !== mode || stat.size !== Buffer.byteLength(content)) return false;
    // Bytes, not decoded text: a file that is not valid UTF-8 must not pass for the content.
    if (!fs.readFileSync(from).equals(Buffer.from(content))) return false;
    fs.linkSync(from, to);
    return true;
  } catch {
    // Absent, unreadable, or a file system without hard links: the file is written.
    return false;
  }
}

/** Whether `target` is a folder; false when absent; a one-line error when it is a file. */
function isFolder(target: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fileSystemError(e, 'read', target);
  }
  if (!stat.isDirectory()) {
    throw new OutputError(`cannot replace ${displayPath(target)}: it is a file, not a folder (ENOTDIR); ${HINTS.ENOTDIR}`);
  }
  return true;
}

/** Undoes a swap that failed: the old tree back in place when it was moved aside, no staging left. */
function rollBack(target: string, staging: string, old: string | undefined): void {
  if (old !== undefined && fs.existsSync(old)) {
    if (fs.existsSync(target)) fs.renameSync(target, `${staging}.failed`);
    fs.renameSync(old, target);
  }
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(`${staging}.failed`, { recursive: true, force: true });
}

/** Reads a folder back as rendered files, sorted by path (for drift checks); none when it is absent. */
export function readDirectory(dir: string): RenderedFile[] {
  const out: RenderedFile[] = [];
  let current = dir;
  const walk = (rel: string) => {
    current = path.join(dir, rel);
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relPath);
      else {
        current = path.join(dir, relPath);
        out.push({ path: relPath, content: fs.readFileSync(current, 'utf8'), executable: (fs.statSync(current).mode & 0o111) !== 0 });
      }
    }
  };
  try {
    if (fs.existsSync(dir)) walk('');
  } catch (e) {
    throw fileSystemError(e, 'read', current);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
