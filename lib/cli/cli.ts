import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { clipLine, ConfigError, oneLine, readInputFile } from '../config/field-reader';
import { readDirectory } from '../output/swap';
import { SynthError } from '../output/synthesize';
import { VEZA_CATALOG } from '../veza/catalog';
import { loadEnvironments } from '../veza/environment-file';
import { applyCommands, sectionAsShell, verificationCommands } from '../veza/runbook';
import { renderVeza, synthVeza, VezaApp } from '../veza/veza-app';
import { diffFiles, formatChange } from './diff';
import { runDoctor } from './doctor';
import { CliIo, ExitCode, styleFor, UsageError } from './io';
import { catalogEntrySkeleton, compareWithCatalog, KeySourceFormat, readKeyNames } from './migrate';

/** The program's name, as package.json's `bin` declares it. */
export const PROGRAM = 'veza-secrets';

const EXIT_CODES = `Exit codes:
  0  done, nothing to report
  1  problems found (dist/ differs, keys missing, a check failed, synth refused the input)
  2  usage error (unknown command or option, unreadable input file, unknown environment)

Colour is used only when stdout is a terminal and NO_COLOR is unset or empty.`;

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  readonly options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  readonly run: (io: CliIo, positionals: string[], values: Record<string, string | boolean | undefined>) => ExitCode;
}

const COMMON = { help: { type: 'boolean' as const, short: 'h' }, project: { type: 'string' as const } };

const COMMANDS: Record<string, Command> = {
  synth: {
    summary: 'render environments/ and gitops.yaml into dist/, all or nothing',
    usage: `${PROGRAM} synth [--project <dir>]`,
    details: 'Renders every file in memory and, only when all of them rendered and checked, replaces dist/ in one swap. A failure leaves dist/ as it was.',
    options: COMMON,
    run: (io, positionals) => {
      noPositionals('synth', positionals);
      return synthVeza({ projectDir: io.projectDir }) === 0 ? ExitCode.OK : ExitCode.PROBLEMS;
    },
  },
  diff: {
    summary: 'show what synth would change in dist/, without writing',
    usage: `${PROGRAM} diff [--stat] [--project <dir>]`,
    details: 'Prints each file synth would add, change or remove, with its changed lines (--stat: one line per file). dist/ holds no secret value, so neither does this output.',
    options: { ...COMMON, stat: { type: 'boolean' } },
    run: (io, positionals, values) => {
      noPositionals('diff', positionals);
      const style = styleFor(io);
      const expected = renderVeza(path.join(io.projectDir, 'environments'));
      const changes = diffFiles(readDirectory(path.join(io.projectDir, 'dist')), expected);
      for (const change of changes) {
        io.stdout(values.stat ? `${change.status} dist/${change.path}\n` : formatChange(change, style));
      }
      io.stdout(changes.length === 0
        ? `${style.green('dist/ is up to date')} (${expected.length} files)\n`
        : `${style.yellow(`${changes.length} file(s) would change`)}; run \`${PROGRAM} synth\` to write them\n`);
      return changes.length === 0 ? ExitCode.OK : ExitCode.PROBLEMS;
    },
  },
  migrate: {
    summary: 'compare a Secret manifest or .env file with the catalog (key names only)',
    usage: `${PROGRAM} migrate <file> --env <environment> [--format secret-manifest|dotenv] [--project <dir>]`,
    details: [
      'Reads only the key names of <file>: the keys of data and stringData of each Secret of a manifest, or the',
      "names left of '=' in a .env file (DATABASE_URL matches database-url). Values are never printed, stored or",
      'decoded. Reports the keys the catalog holds, the catalog keys the file lacks, and the keys the catalog lacks',
      "with a catalog entry to add for each; then the environment's verification commands. Exit 0 when the keys",
      'match the catalog exactly, 1 otherwise.',
    ].join('\n'),
    options: { ...COMMON, env: { type: 'string' }, format: { type: 'string' } },
    run: migrate,
  },
  doctor: {
    summary: 'check Node.js, the environment files, Vault\'s CA, dist/ drift and kubectl',
    usage: `${PROGRAM} doctor [--project <dir>]`,
    details: 'Runs every check and reports each; exit 1 when any fails.',
    options: COMMON,
    run: (io, positionals) => {
      noPositionals('doctor', positionals);
      const style = styleFor(io);
      const checks = runDoctor(io);
      for (const c of checks) {
        io.stdout(`${c.ok ? style.green('ok  ') : style.red('FAIL')} ${style.bold(c.name)}\n`);
        for (const d of c.details) io.stdout(`     ${d}\n`);
      }
      const failed = checks.filter((c) => !c.ok).length;
      io.stdout(failed === 0 ? `${style.green('all checks passed')}\n` : `${style.red(`${failed} check(s) failed`)}\n`);
      return failed === 0 ? ExitCode.OK : ExitCode.PROBLEMS;
    },
  },
};

function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments; got ${JSON.stringify(positionals[0])}`);
}

/** The top-level help. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    "Veza's Kubernetes secrets: synthesize dist/, compare it, migrate hand-made Secrets, check the setup.",
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --project <dir>  the project folder holding environments/ and dist/ (default: the current folder);',
    '                   before or after the command',
    '  --version        print the version',
    '  -h, --help       show help; `<command> --help` for a command',
    '',
    EXIT_CODES,
    '',
  ].join('\n');
}

/** One command's help. */
export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return [`Usage: ${c.usage}`, '', `${name}: ${c.summary}.`, '', c.details, '', EXIT_CODES, ''].join('\n');
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code.
 * Never calls process.exit: the caller sets `process.exitCode`.
 */
export function runCli(argv: readonly string[], io: CliIo): ExitCode {
  // Options before the command: --project <dir> (for every command), --version.
  let args = [...argv];
  let leadingProject: string | undefined;
  while (args.length > 0 && args[0].startsWith('-') && args[0] !== '-h' && args[0] !== '--help') {
    const [option, inline] = splitOption(args[0]);
    if (option === '--version' && inline === undefined) {
      io.stdout(`${PROGRAM} ${packageVersion()}\n`);
      return ExitCode.OK;
    }
    if (option !== '--project') return usage(io, unknownOption(option, ['--project <dir>', '--version', '-h, --help']));
    const value = inline ?? args[1];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return usage(io, '--project needs a folder: --project <dir>');
    leadingProject = value;
    args = args.slice(inline === undefined ? 2 : 1);
  }
  const [name, ...rest] = args;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !(topic in COMMANDS)) return usage(io, `unknown command ${JSON.stringify(topic)}`);
    if (name === undefined) {
      io.stderr(mainHelp());
      return ExitCode.USAGE;
    }
    io.stdout(topic ? commandHelp(topic) : mainHelp());
    return ExitCode.OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) return usage(io, `unknown command ${JSON.stringify(name)}`);
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    return usage(io, parseArgsMessage(e as Error & { code?: string }, command), name);
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(name));
    return ExitCode.OK;
  }
  const projectOption = typeof parsed.values.project === 'string' ? parsed.values.project : leadingProject;
  const project = projectOption !== undefined ? path.resolve(io.projectDir, projectOption) : io.projectDir;
  const scoped: CliIo = { ...io, projectDir: project };
  try {
    return command.run(scoped, parsed.positionals, parsed.values);
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message, name);
    if (e instanceof ConfigError || e instanceof SynthError) {
      for (const message of e.messages) io.stderr(`${styleFor(io).red('error')}: ${clipLine(message)}\n`);
      return ExitCode.PROBLEMS;
    }
    // Anything else (a construct's check, a catalog rule): its message only, never a stack trace.
    io.stderr(`${styleFor(io).red('error')}: ${oneLine(e)}\n`);
    return ExitCode.PROBLEMS;
  }
}

/** `--name=value` as ['--name', 'value']; `--name` as ['--name', undefined]. */
function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function unknownOption(option: string, allowed: string[]): string {
  return `unknown option ${JSON.stringify(option)}; allowed: ${allowed.join(', ')}`;
}

/** The options a command takes, as its help writes them. */
function optionList(command: Command): string[] {
  const value: Record<string, string> = { project: '<dir>', env: '<environment>', format: '<format>' };
  return Object.entries(command.options).map(([n, o]) => `${o.short ? `-${o.short}, ` : ''}--${n}${o.type === 'string' ? ` ${value[n] ?? '<value>'}` : ''}`);
}

/** parseArgs's errors in this program's words (its own text has an unbalanced quote). */
function parseArgsMessage(e: Error & { code?: string }, command: Command): string {
  const named = /'(-[^' ]+)/.exec(e.message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownOption(named, optionList(command));
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = named.replace(/^(-\w), /, '');
    return command.options[option.replace(/^--?/, '')]?.type === 'boolean' || /does not take/.test(e.message)
      ? `${option} takes no value`
      : `${option} needs a value: ${optionList(command).find((o) => o.startsWith(`${option} `)) ?? `${option} <value>`}`;
  }
  return e.message;
}

/** The version in package.json, found upward from this module (lib/cli or build/lib/cli). */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PROGRAM && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

function usage(io: CliIo, message: string, command?: string): ExitCode {
  io.stderr(`${PROGRAM}: ${message}\n${command ? `Usage: ${COMMANDS[command].usage}\n` : ''}Run \`${PROGRAM} ${command ? `${command} ` : ''}--help\` for help.\n`);
  return ExitCode.USAGE;
}

function migrate(io: CliIo, positionals: string[], values: Record<string, string | boolean | undefined>): ExitCode {
  if (positionals.length !== 1) throw new UsageError(`migrate takes one file (a Secret manifest or a .env file); got ${positionals.length}`);
  const [file] = positionals;
  const envName = values.env;
  const format = values.format;
  if (format !== undefined && format !== 'secret-manifest' && format !== 'dotenv') {
    throw new UsageError(`--format is ${JSON.stringify(format)}; allowed: secret-manifest, dotenv`);
  }
  const environments = loadEnvironments(path.join(io.projectDir, 'environments'), 'environments');
  if (typeof envName !== 'string') throw new UsageError(`--env is required; allowed: ${environments.map((e) => e.name).join(', ')}`);
  const config = environments.find((e) => e.name === envName);
  if (!config) throw new UsageError(`--env is ${JSON.stringify(envName)}; allowed: ${environments.map((e) => e.name).join(', ')}`);
  let content: string;
  try {
    content = readInputFile(path.resolve(file), file);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.messages[0]);
    throw e;
  }
  // Only the key names go on: the content is not used past this line.
  const source = readKeyNames(file, content, format as KeySourceFormat | undefined);
  const catalog = VEZA_CATALOG;
  const report = compareWithCatalog(source, catalog);
  const env = new VezaApp({ environments: [config], catalog }).environments[0];
  const style = styleFor(io);
  const out: string[] = [];
  const what = source.format === 'dotenv' ? '.env file' : `Secret manifest (${source.secretNames.map((n) => `Secret ${n}`).join(', ')})`;
  out.push(`${style.bold(file)}: ${what}, ${source.keys.length} key(s). Key names only: no value is printed or stored.`, '');
  const arrow = (k: { name: string; catalogKey: string }) => (k.name === k.catalogKey ? k.name : `${k.name} -> ${k.catalogKey}`);
  out.push(style.bold(`In the catalog (${report.present.length}):`), ...report.present.map((k) => `  ${style.green('=')} ${arrow(k)}`), '');
  out.push(style.bold(`In the catalog, missing from ${file} (${report.missing.length}):`));
  out.push(...report.missing.map((k) => `  ${style.red('-')} ${k} (read by ${catalog.entry(k).consumers.join(', ')})`), '');
  out.push(style.bold(`Missing from the catalog (${report.extra.length}):`), ...report.extra.map((k) => `  ${style.yellow('+')} ${arrow(k)}`), '');
  if (report.extra.length > 0) {
    out.push(style.bold("Catalog entries to add to VEZA_CATALOG's secrets in lib/veza/catalog.ts:"), '', ...report.extra.map((k) => catalogEntrySkeleton(k, catalog)), '');
  }
  out.push(style.bold('Next:'));
  out.push(`  1. Copy each value into ${env.active.store.provider} at ${env.active.store.location} yourself (this tool never touches values).`);
  out.push(`  2. Run \`${PROGRAM} synth\`, commit dist/, let GitOps apply it, or by hand:`, '');
  out.push(sectionAsShell(applyCommands(env)));
  out.push(style.bold(`Verify ${config.name}:`), '', sectionAsShell(verificationCommands(env)));
  io.stdout(out.join('\n'));
  return report.missing.length === 0 && report.extra.length === 0 ? ExitCode.OK : ExitCode.PROBLEMS;
}
