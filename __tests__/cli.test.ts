import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDirectory } from '../lib/output/swap';
import { CliIo, commandHelp, diffFiles, ExitCode, formatChange, lineDiff, runCli, runDoctor, styleFor } from '../lib/cli';

const root = path.join(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

function run(argv: string[], options: { isTTY?: boolean; env?: Record<string, string | undefined>; projectDir?: string } = {}): Run {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    isTTY: options.isTTY ?? false,
    env: options.env ?? { PATH: process.env.PATH },
    projectDir: options.projectDir ?? root,
  };
  return { code: runCli(argv, io), stdout, stderr };
}

/** A copy of the project's inputs and dist/, to change without touching the repository. */
function projectCopy(name: string): string {
  const dir = path.join(tmp, name);
  for (const entry of ['environments', 'dist', 'gitops.yaml', 'package.json']) {
    fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

const ESC = '\u001b[';

describe('help and usage', () => {
  test('--help lists every command and the exit codes, exit 0', () => {
    const out = run(['--help']);
    expect(out.code).toBe(ExitCode.OK);
    for (const c of ['synth', 'diff', 'migrate', 'doctor']) expect(out.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    expect(out.stdout).toContain('  2  usage error');
    expect(run(['help']).stdout).toBe(out.stdout);
  });

  test.each(['synth', 'diff', 'migrate', 'doctor'])('%s --help, -h and help %s print its usage, exit 0', (command) => {
    for (const argv of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const out = run(argv);
      expect(out.code).toBe(ExitCode.OK);
      expect(out.stdout).toBe(commandHelp(command));
      expect(out.stdout.startsWith(`Usage: veza-secrets ${command}`)).toBe(true);
    }
  });

  test.each([
    [[], 'Usage: veza-secrets <command> [options]'],
    [['deploy'], 'veza-secrets: unknown command "deploy"'],
    [['help', 'deploy'], 'veza-secrets: unknown command "deploy"'],
    [['diff', '--colour'], 'veza-secrets: unknown option "--colour"; allowed: -h, --help, --project <dir>, --stat\n'],
    [['diff', 'extra'], 'veza-secrets: diff takes no arguments; got "extra"'],
    [['doctor', 'now'], 'veza-secrets: doctor takes no arguments; got "now"'],
    [['constructor'], 'veza-secrets: unknown command "constructor"'],
  ])('%j exits 2 with a message on stderr', (argv, first) => {
    const out = run(argv);
    expect(out.code).toBe(ExitCode.USAGE);
    expect(out.stdout).toBe('');
    expect(out.stderr.startsWith(first)).toBe(true);
  });

  test.each([
    [['diff', '--colour'], 'unknown option "--colour"; allowed: -h, --help, --project <dir>, --stat', 'diff'],
    [['migrate', 'x.env', '--envv', 'production'], 'unknown option "--envv"; allowed: -h, --help, --project <dir>, --env <environment>, --format <format>', 'migrate'],
    [['diff', '--project'], '--project needs a value: --project <dir>', 'diff'],
    [['diff', '--stat=yes'], '--stat takes no value', 'diff'],
    [['--colour', 'diff'], 'unknown option "--colour"; allowed: --project <dir>, --version, -h, --help', undefined],
    [['--project'], '--project needs a folder: --project <dir>', undefined],
    [['--project', '--stat', 'diff'], '--project needs a folder: --project <dir>', undefined],
  ])('%j: one line in this program\'s words, with what is allowed', (argv, message, command) => {
    const out = run(argv);
    expect(out.code).toBe(ExitCode.USAGE);
    expect(out.stderr.split('\n')).toEqual([
      `veza-secrets: ${message}`,
      ...(command ? [commandHelp(command).split('\n')[0]] : []),
      `Run \`veza-secrets ${command ? `${command} ` : ''}--help\` for help.`,
      '',
    ]);
  });

  test('--version prints the package version, exit 0', () => {
    const out = run(['--version']);
    expect(out).toMatchObject({ code: ExitCode.OK, stderr: '', stdout: `veza-secrets ${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n` });
  });

  test('--project works before the command as after it', () => {
    for (const argv of [['--project', root, 'diff', '--stat'], [`--project=${root}`, 'diff', '--stat'], ['diff', '--stat', '--project', root]]) {
      const out = run(argv, { projectDir: tmp });
      expect([out.code, out.stderr]).toEqual([ExitCode.OK, '']);
      expect(out.stdout).toMatch(/^dist\/ is up to date \(\d+ files\)\n$/);
    }
    // The command's own --project wins over the leading one.
    expect(run(['--project', tmp, 'diff', '--stat', '--project', root]).code).toBe(ExitCode.OK);
  });
});

describe('doctor outside a project', () => {
  test('a folder without environments/ and dist/ fails both checks, saying so, exit 1', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    const out = run(['doctor', '--project', empty]);
    expect(out.code).toBe(ExitCode.PROBLEMS);
    const lines = out.stdout.split('\n');
    expect(lines.slice(lines.indexOf('FAIL environments'), lines.indexOf('FAIL environments') + 4)).toEqual([
      'FAIL environments',
      `     ${empty} has no environments/ folder: is it the project folder (--project <dir>, the one holding environments/ and dist/)?`,
      'FAIL dist',
      `     ${empty} has no dist/ folder, and no environment loaded to synthesize one from`,
    ]);
  });
});

describe('diff', () => {
  test('the repository: dist/ is up to date, exit 0', () => {
    const out = run(['diff']);
    expect(out.code).toBe(ExitCode.OK);
    expect(out.stdout).toMatch(/^dist\/ is up to date \(\d+ files\)\n$/);
  });

  test('shows what a synth would change, exit 1, and writes nothing', () => {
    const dir = projectCopy('diff');
    const envFile = path.join(dir, 'environments', 'staging.yaml');
    fs.writeFileSync(envFile, fs.readFileSync(envFile, 'utf8').replace(/refreshInterval: \S+/, 'refreshInterval: 2h'));
    fs.rmSync(path.join(dir, 'dist', 'production', 'README.md'));
    fs.writeFileSync(path.join(dir, 'dist', 'stale.yaml'), 'kind: Stale\n');
    const before = readDirectory(path.join(dir, 'dist'));
    const out = run(['diff', '--project', dir]);
    expect(out.code).toBe(ExitCode.PROBLEMS);
    expect(out.stdout).toContain('changed dist/staging/external-secrets/veza-secrets.yaml +1 -1\n');
    expect(out.stdout).toContain('-   refreshInterval: 15m\n+   refreshInterval: 2h\n');
    expect(out.stdout).toContain('added dist/production/README.md +');
    expect(out.stdout).toContain('removed dist/stale.yaml +0 -1\n- kind: Stale\n');
    expect(out.stdout).toMatch(/\d+ file\(s\) would change; run `veza-secrets synth` to write them\n$/);
    expect(out.stdout).not.toContain(ESC);
    expect(readDirectory(path.join(dir, 'dist'))).toEqual(before);
    const stat = run(['diff', '--stat', '--project', dir]);
    expect(stat.stdout.split('\n').filter((l) => l.startsWith('changed ') || l.startsWith('added ') || l.startsWith('removed '))).toEqual([
      'changed dist/alternatives/staging/external-secrets/veza-secrets-aws.yaml',
      'changed dist/alternatives/staging/external-secrets/veza-secrets-azure.yaml',
      'changed dist/alternatives/staging/external-secrets/veza-secrets-gcp.yaml',
      'added dist/production/README.md',
      'changed dist/staging/README.md',
      'changed dist/staging/external-secrets/veza-secrets.yaml',
      'removed dist/stale.yaml',
    ]);
  });

  test('an environment file that does not check: exit 1, the message on stderr', () => {
    const dir = projectCopy('broken');
    const envFile = path.join(dir, 'environments', 'staging.yaml');
    fs.writeFileSync(envFile, fs.readFileSync(envFile, 'utf8').replace(/provider: vault/, 'provider: keepass'));
    const out = run(['diff', '--project', dir]);
    expect(out.code).toBe(ExitCode.PROBLEMS);
    expect(out.stderr).toBe('error: environments/staging.yaml: \'provider\' is "keepass"; allowed: vault, aws, gcp, azure\n');
  });
});

describe('colour', () => {
  const dir = projectCopy('colour');
  fs.rmSync(path.join(dir, 'dist', 'development', 'README.md'));
  test.each([
    [true, {}, true],
    [true, { NO_COLOR: '' }, true],
    [true, { NO_COLOR: '1' }, false],
    [false, {}, false],
  ])('isTTY %s with env %j: colour %s', (isTTY, env, coloured) => {
    const out = run(['diff', '--project', dir], { isTTY, env });
    expect(out.code).toBe(ExitCode.PROBLEMS);
    expect(out.stdout.includes(ESC)).toBe(coloured);
  });
});

test('synth writes dist/, after which diff finds nothing', () => {
  const dir = projectCopy('synth');
  fs.rmSync(path.join(dir, 'dist', 'gitops'), { recursive: true });
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(run(['synth', '--project', dir]).code).toBe(ExitCode.OK);
    expect(write).toHaveBeenCalledWith(expect.stringMatching(/^synthesized \d+ files into dist \(\d+ changed\)\n$/));
  } finally {
    write.mockRestore();
  }
  expect(readDirectory(path.join(dir, 'dist'))).toEqual(readDirectory(path.join(root, 'dist')));
  expect(run(['diff', '--project', dir]).code).toBe(ExitCode.OK);
});

test('synth refuses a broken gitops.yaml with exit 1 and leaves dist/ unchanged', () => {
  const dir = projectCopy('synth-broken');
  fs.writeFileSync(path.join(dir, 'gitops.yaml'), 'repoUrl: https://x/y.git\nrevision: main\ntopology: everywhere\n');
  const before = readDirectory(path.join(dir, 'dist'));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(run(['synth', '--project', dir]).code).toBe(ExitCode.PROBLEMS);
    expect(err).toHaveBeenCalledWith('error: gitops.yaml: \'topology\' is "everywhere"; allowed: single-cluster, cluster-per-environment\n');
  } finally {
    err.mockRestore();
  }
  expect(readDirectory(path.join(dir, 'dist'))).toEqual(before);
});

describe('doctor', () => {
  test('the repository passes every check (kubectl where it is installed)', () => {
    // The machine decides the kubectl check; the others must pass everywhere.
    const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
    const out = run(['doctor']);
    expect(out.stdout.split('\n').filter((l) => /^(ok  |FAIL) /.test(l))).toEqual(['ok   node', 'ok   environments', 'ok   vault-ca', 'ok   dist', hasKubectl ? 'ok   kubectl' : 'FAIL kubectl']);
    expect(out.code).toBe(hasKubectl ? ExitCode.OK : ExitCode.PROBLEMS);
  });

  test('without kubectl, with drift and with an old node, each check fails and the exit is 1', () => {
    const dir = projectCopy('doctor');
    fs.writeFileSync(path.join(dir, 'dist', 'stale.yaml'), 'kind: Stale\n');
    const out = run(['doctor', '--project', dir], { env: { PATH: path.join(tmp, 'no-such-bin') } });
    expect(out.code).toBe(ExitCode.PROBLEMS);
    expect(out.stdout).toContain('FAIL dist\n     removed: dist/stale.yaml\n');
    expect(out.stdout).toContain('FAIL kubectl\n     kubectl is not on PATH');
    expect(out.stdout).toContain('2 check(s) failed\n');
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, isTTY: false, env: {}, projectDir: root };
    expect(runDoctor(io, '18.19.0')[0]).toEqual({ name: 'node', ok: false, details: ['Node.js 18.19.0; package.json requires >= 20'] });
  });
});

test('lineDiff and formatChange', () => {
  expect(lineDiff('a\nb\nc\n', 'a\nx\nc\n')).toEqual([{ op: ' ', text: 'a' }, { op: '-', text: 'b' }, { op: '+', text: 'x' }, { op: ' ', text: 'c' }]);
  const plain = styleFor({ stdout: () => undefined, stderr: () => undefined, isTTY: false, env: {}, projectDir: root });
  const lines = Array.from({ length: 10 }, (_, i) => `l${i}`);
  const changed = [...lines.slice(0, 8), 'new', ...lines.slice(9)];
  const [change] = diffFiles([{ path: 'f', content: lines.join('\n'), executable: false }], [{ path: 'f', content: changed.join('\n'), executable: false }]);
  expect(formatChange(change, plain)).toBe('changed dist/f +1 -1\n  ...\n  l6\n  l7\n- l8\n+ new\n  l9\n');
  const [mode] = diffFiles([{ path: 's.sh', content: 'x', executable: false }], [{ path: 's.sh', content: 'x', executable: true }]);
  expect(formatChange(mode, plain)).toBe('changed dist/s.sh +0 -0 (executable bit)\n');
});
