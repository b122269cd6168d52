/** Exit codes of every command. */
export enum ExitCode {
  /** Done, nothing to report. */
  OK = 0,
  /** The command ran and found problems (drift, missing keys, a failed check, a synth error). */
  PROBLEMS = 1,
  /** The command line or an input file could not be used. */
  USAGE = 2,
}

/** Where a command reads its surroundings and writes its output: the process, or a test's capture. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal: colour only then. */
  readonly isTTY: boolean;
  /** The environment variables (NO_COLOR, PATH). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The project folder (holding environments/, gitops.yaml, dist/). */
  readonly projectDir: string;
}

/** The real process's io. */
export function processIo(projectDir: string = process.cwd()): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    projectDir,
  };
}

/** ANSI styles, empty unless stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export interface Style {
  /** Problems, removed lines. */
  readonly red: (s: string) => string;
  /** Success, added lines. */
  readonly green: (s: string) => string;
  /** Warnings. */
  readonly yellow: (s: string) => string;
  /** Headings. */
  readonly bold: (s: string) => string;
  /** Elisions. */
  readonly dim: (s: string) => string;
}

/** The styles for `io`. */
export function styleFor(io: CliIo): Style {
  const on = io.isTTY && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');
  const wrap = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

/**
 * A command-line mistake: printed with the command's usage, exit code 2.
 *
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
