// A stateful stub Vault (and kubectl) for configure-vault.sh: `vault` on PATH keeps what the
// script enabled and wrote in a state file, so a second run sees the first one's work, as a real
// Vault would. Every call is logged (argv, stdin for `key=-`, the policy file given); any call can
// be made to fail on demand. What it models of Vault 1.21 (each rule is checked by a test):
// - `vault read sys/mounts/<p>` / `sys/auth/<p>` / `<db>/config/<c>`: exit 0 when present, else 2;
//   `vault read -field=rotation_period <db>/static-roles/<r>`: the period in seconds, else exit 2.
// - `vault secrets|auth enable -path=<p> <type>`: fails (exit 2) when the path is in use.
// - `vault write <db>/config/<c> ... password=-`: Vault verifies the connection, so a password other
//   than the one the database holds for that login fails (exit 2), as after `rotate-root`.
// - `vault write <db>/static-roles/<r>`: creating the role rotates the password at once, unless
//   `skip_import_rotation=true` on Vault Enterprise (Community Edition ignores that parameter, with a
//   warning, and rotates); an update never rotates.
// - `vault status -format=json`: the server's version, `+ent` on Enterprise.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One recorded call of a stub. */
export interface ConfigureCall {
  readonly cmd: 'vault' | 'kubectl';
  readonly argv: string[];
  /** What the command read on stdin, when an argument was `key=-`. */
  readonly stdin?: string;
  /** The content of the file `vault policy write <name> <file>` was given. */
  readonly policy?: string;
}

/** What Vault holds: the stub's state, kept between runs. */
export interface VaultState {
  /** Enabled secrets engines and auth methods: `sys/mounts/<path>` / `sys/auth/<path>` -> type. */
  readonly mounts: Record<string, string>;
  /** Written policies, by name. */
  readonly policies: Record<string, string>;
  /** Every `vault write` path's fields (stdin values as `<stdin>`), last write wins per field. */
  readonly data: Record<string, Record<string, string>>;
  /** How often each path was written. */
  readonly writes: Record<string, number>;
  /** How often Vault changed each static role's password (creation or rotation), by role path. */
  readonly rotations: Record<string, number>;
  /** The password the database holds for each login Vault connects as. */
  readonly databasePasswords: Record<string, string>;
  /** `ce` or `ent`. */
  readonly edition: 'ce' | 'ent';
}

/** A fresh Vault (nothing enabled) whose database holds `password` for the login `vault`. */
export function freshVault(options: { readonly edition?: 'ce' | 'ent'; readonly vaultLoginPassword?: string } = {}): VaultState {
  return { mounts: {}, policies: {}, data: {}, writes: {}, rotations: {}, databasePasswords: { vault: options.vaultLoginPassword ?? 'DB-PASSWORD-FROM-ENV' }, edition: options.edition ?? 'ce' };
}

/** Options of {@link runConfigure}. */
export interface ConfigureRunOptions {
  /** The environment of the run, added to PATH and HOME. */
  readonly env?: Record<string, string>;
  /** The reviewer token Kubernetes put in the Secret. @default 'REVIEWER-JWT' */
  readonly jwt?: string;
  /** Calls that fail (exit 2): a call fails when its argv joined by spaces starts with one of these. */
  readonly failOn?: string[];
}

/** The outcome of one run, and the state Vault is left in. */
export interface ConfigureRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: ConfigureCall[];
  readonly state: VaultState;
}

export const CONFIGURE_STUB_CA = '-----BEGIN CERTIFICATE-----\nCLUSTER-CA\n-----END CERTIFICATE-----';
export const CONFIGURE_STUB_KUBERNETES_HOST = 'https://api.cluster.example:6443';

const VAULT_STUB = String.raw`#!/usr/bin/env node
const fs = require('fs');
const argv = process.argv.slice(2);
const call = { cmd: 'vault', argv };
let stdin;
if (argv.some((a) => a.endsWith('=-'))) stdin = call.stdin = fs.readFileSync(0, 'utf8');
if (argv[0] === 'policy' && argv[1] === 'write') call.policy = fs.readFileSync(argv[3], 'utf8');
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(call) + '\n');
const state = JSON.parse(fs.readFileSync(process.env.STUB_STATE, 'utf8'));
const save = () => fs.writeFileSync(process.env.STUB_STATE, JSON.stringify(state));
const fail = (message) => { process.stderr.write(message + '\n'); process.exit(2); };
const joined = argv.join(' ');
for (const prefix of JSON.parse(process.env.STUB_FAIL_ON)) if (joined.startsWith(prefix)) fail('stub: failing on demand: ' + joined);
const seconds = (d) => { let s = 0; for (const m of d.matchAll(/(\d+)([hms])/g)) s += Number(m[1]) * { h: 3600, m: 60, s: 1 }[m[2]]; return s; };
const flags = argv.filter((a) => a.startsWith('-'));
const words = argv.filter((a) => !a.startsWith('-'));
if (words[0] === 'status') {
  process.stdout.write(JSON.stringify({ sealed: false, version: state.edition === 'ent' ? '1.21.4+ent' : '1.21.4' }, null, 2) + '\n');
} else if (words[0] === 'read') {
  const p = words[1];
  const field = (flags.find((f) => f.startsWith('-field=')) || '').slice('-field='.length);
  if (p.startsWith('sys/mounts/') || p.startsWith('sys/auth/')) {
    if (!state.mounts[p]) fail('Error reading ' + p + ': Code: 400. no mount');
  } else {
    const data = state.data[p];
    if (!data) fail('No value found at ' + p);
    if (field === 'rotation_period') process.stdout.write(String(seconds(data.rotation_period)));
    else if (field) fail('stub: unexpected field ' + field);
  }
} else if (words[0] === 'secrets' || words[0] === 'auth') {
  const p = (flags.find((f) => f.startsWith('-path=')) || '').slice('-path='.length);
  const key = (words[0] === 'secrets' ? 'sys/mounts/' : 'sys/auth/') + p;
  if (state.mounts[key]) fail('Error enabling: path is already in use at ' + p + '/');
  state.mounts[key] = words[2];
} else if (words[0] === 'policy') {
  state.policies[words[2]] = call.policy;
} else if (words[0] === 'write') {
  const p = words[1];
  const fields = {};
  for (const w of words.slice(2)) { const i = w.indexOf('='); fields[w.slice(0, i)] = w.slice(i + 1) === '-' ? stdin : w.slice(i + 1); }
  const [mount, kind, name] = p.split('/');
  if (kind === 'config' && state.mounts['sys/mounts/' + mount] === 'database') {
    if (fields.password !== state.databasePasswords[fields.username]) fail('Error writing data to ' + p + ': error verifying connection: password authentication failed for user "' + fields.username + '"');
  }
  if (kind === 'static-roles' && state.mounts['sys/mounts/' + mount] === 'database') {
    if (!state.data[mount + '/config/' + fields.db_name]) fail('Error writing data to ' + p + ': database configuration not found');
    const creating = !state.data[p];
    if (!creating && 'skip_import_rotation' in fields) fail('Error writing data to ' + p + ': skip_import_rotation has no effect on updates');
    const skip = fields.skip_import_rotation === 'true' && state.edition === 'ent';
    if (fields.skip_import_rotation !== undefined && state.edition !== 'ent') process.stderr.write('WARNING! The following warnings were returned from Vault:\n  * Endpoint ignored these unrecognized parameters: [password skip_import_rotation]\n');
    if (creating && !skip) state.rotations[p] = (state.rotations[p] || 0) + 1;
    delete fields.password;
  }
  state.data[p] = { ...(state.data[p] || {}), ...fields };
  if (state.data[p].password !== undefined) state.data[p].password = '<stdin>';
  if (state.data[p].token_reviewer_jwt !== undefined) state.data[p].token_reviewer_jwt = '<stdin>';
  state.writes[p] = (state.writes[p] || 0) + 1;
} else {
  fail('vault stub: unexpected ' + joined);
}
save();
`;

const KUBECTL_STUB = `#!/usr/bin/env node
const fs = require('fs');
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify({ cmd: 'kubectl', argv }) + '\\n');
for (const prefix of JSON.parse(process.env.STUB_FAIL_ON)) if (('kubectl ' + argv.join(' ')).startsWith(prefix)) { process.stderr.write('stub: failing on demand\\n'); process.exit(1); }
const b64 = (s) => Buffer.from(s).toString('base64');
const jsonpath = argv[argv.indexOf('-o') + 1];
if (argv[0] === 'config') process.stdout.write(${JSON.stringify(CONFIGURE_STUB_KUBERNETES_HOST)});
else if (jsonpath === 'jsonpath={.data.token}') process.stdout.write(b64(process.env.STUB_JWT));
else if (jsonpath === 'jsonpath={.data.ca\\\\.crt}') process.stdout.write(b64(${JSON.stringify(CONFIGURE_STUB_CA)}));
else { process.stderr.write('kubectl stub: unexpected ' + argv.join(' ')); process.exit(1); }
`;

/**
 * Writes `files` (name to content) to a fresh folder and runs `configure-vault.sh` there against
 * a Vault in `state` (a fresh one by default); returns the calls and the state it leaves.
 */
export function runConfigure(files: Record<string, string>, state: VaultState = freshVault(), options: ConfigureRunOptions = {}): ConfigureRun {
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
    const stateFile = path.join(dir, 'state.json');
    fs.writeFileSync(log, '');
    fs.writeFileSync(stateFile, JSON.stringify(state));
    const result = spawnSync('bash', [path.join(work, 'configure-vault.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: dir,
        STUB_LOG: log,
        STUB_STATE: stateFile,
        STUB_FAIL_ON: JSON.stringify(options.failOn ?? []),
        STUB_JWT: options.jwt ?? 'REVIEWER-JWT',
        ...options.env,
      },
    });
    const calls = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ConfigureCall);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, state: JSON.parse(fs.readFileSync(stateFile, 'utf8')) as VaultState };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
