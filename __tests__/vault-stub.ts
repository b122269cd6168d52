// Runs a generated configure-vault.sh with stub `vault` and `kubectl` on PATH that record each
// call: its argv, what it read on stdin (for `key=-` arguments), and the policy file it was given.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One recorded call of a stub. */
export interface StubCall {
  readonly cmd: 'vault' | 'kubectl';
  readonly argv: string[];
  /** What the command read on stdin, when an argument was `key=-`. */
  readonly stdin?: string;
  /** The content of the file `vault policy write <name> <file>` was given. */
  readonly policy?: string;
}

/** What the stubs answer. */
export interface StubOptions {
  /** The paths `vault read` finds (`sys/mounts/secret`): the others exit 2, like a missing mount. */
  readonly mounted?: string[];
  /** The reviewer token Kubernetes put in the Secret. @default 'REVIEWER-JWT' */
  readonly jwt?: string;
  /** The environment of the run, added to PATH and HOME. */
  readonly env?: Record<string, string>;
}

export interface StubRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: StubCall[];
}

export const STUB_CA = '-----BEGIN CERTIFICATE-----\nCLUSTER-CA\n-----END CERTIFICATE-----';
export const STUB_KUBERNETES_HOST = 'https://api.cluster.example:6443';

const VAULT_STUB = `#!/usr/bin/env node
const fs = require('fs');
const argv = process.argv.slice(2);
const call = { cmd: 'vault', argv };
if (argv.some((a) => a.endsWith('=-'))) call.stdin = fs.readFileSync(0, 'utf8');
if (argv[0] === 'policy' && argv[1] === 'write') call.policy = fs.readFileSync(argv[3], 'utf8');
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(call) + '\\n');
if (argv[0] === 'read') process.exit(JSON.parse(process.env.STUB_MOUNTED).includes(argv[1]) ? 0 : 2);
`;

const KUBECTL_STUB = `#!/usr/bin/env node
const fs = require('fs');
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify({ cmd: 'kubectl', argv }) + '\\n');
const b64 = (s) => Buffer.from(s).toString('base64');
const jsonpath = argv[argv.indexOf('-o') + 1];
if (argv[0] === 'config') process.stdout.write(${JSON.stringify(STUB_KUBERNETES_HOST)});
else if (jsonpath === 'jsonpath={.data.token}') process.stdout.write(b64(process.env.STUB_JWT));
else if (jsonpath === 'jsonpath={.data.ca\\\\.crt}') process.stdout.write(b64(${JSON.stringify(STUB_CA)}));
else { process.stderr.write('kubectl stub: unexpected ' + argv.join(' ')); process.exit(1); }
`;

/** Writes `files` (name to content) to a fresh folder and runs `configure-vault.sh` there. */
export function runConfigureScript(files: Record<string, string>, options: StubOptions = {}): StubRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'configure-vault-'));
  try {
    const bin = path.join(dir, 'bin');
    const work = path.join(dir, 'vault');
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(bin, 'vault'), VAULT_STUB, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'kubectl'), KUBECTL_STUB, { mode: 0o755 });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(work, name), content, { mode: 0o755 });
    const log = path.join(dir, 'calls.jsonl');
    fs.writeFileSync(log, '');
    const result = spawnSync('bash', [path.join(work, 'configure-vault.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: dir,
        STUB_LOG: log,
        STUB_MOUNTED: JSON.stringify(options.mounted ?? []),
        STUB_JWT: options.jwt ?? 'REVIEWER-JWT',
        ...options.env,
      },
    });
    const calls = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as StubCall);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
