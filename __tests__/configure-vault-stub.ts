// A stateful stub Vault (and kubectl) for configure-vault.sh: `vault` on PATH keeps what the
// script enabled and wrote in a state folder, so a second run sees the first one's work, as a real
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
// - `vault delete <p>`: removes what is at the path and succeeds, whether or not something was there.
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

// The stubs are POSIX shell, `fixtures/configure-vault-stub/{vault,kubectl}` (one run calls them
// about 15 times; a Node start each took most of the suite's time); kubectl answers with
// $STUB_KUBERNETES_HOST, $STUB_JWT_BASE64 and $STUB_CA_BASE64. The state is a folder, `$STUB_STATE` (written and read back by `writeState` and
// `readState` below):
//   edition                       ce or ent
//   policies/<name>               a written policy
//   db/<login>                    the password the database holds for that login
//   p/<vault path>/.type          an enabled mount: <vault path> is sys/mounts/<p> or sys/auth/<p>
//   p/<vault path>/.f/<field>     the fields written at <vault path>
//   p/<vault path>/.writes        how often <vault path> was written
//   p/<vault path>/.rotations     how often Vault changed that static role's password
// The call log is a folder too, `$STUB_LOG`: `<n>/cmd`, `<n>/argv` (NUL-terminated arguments),
// `<n>/stdin` (when an argument was `key=-`) and `<n>/policy` (the policy file given); calls that
// fail on demand are listed one per line in `$STUB_FAIL_ON`. A call that fails changes nothing.
/** The stubs' folder. */
const STUBS = path.join(__dirname, 'fixtures', 'configure-vault-stub');

/** Lays `state` out as the stub's state folder. */
function writeState(dir: string, state: VaultState): void {
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };
  fs.mkdirSync(path.join(dir, 'policies'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'db'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'p'), { recursive: true });
  write(path.join(dir, 'edition'), state.edition);
  for (const [name, policy] of Object.entries(state.policies)) write(path.join(dir, 'policies', name), policy);
  for (const [login, password] of Object.entries(state.databasePasswords)) write(path.join(dir, 'db', login), password);
  for (const [key, type] of Object.entries(state.mounts)) write(path.join(dir, 'p', key, '.type'), type);
  for (const [p, fields] of Object.entries(state.data)) {
    fs.mkdirSync(path.join(dir, 'p', p, '.f'), { recursive: true });
    for (const [field, value] of Object.entries(fields)) write(path.join(dir, 'p', p, '.f', field), value);
  }
  for (const [p, n] of Object.entries(state.writes)) write(path.join(dir, 'p', p, '.writes'), `${n}\n`);
  for (const [p, n] of Object.entries(state.rotations)) write(path.join(dir, 'p', p, '.rotations'), `${n}\n`);
}

/** Reads the stub's state folder back. */
function readState(dir: string): VaultState {
  const state = { mounts: {}, policies: {}, data: {}, writes: {}, rotations: {}, databasePasswords: {}, edition: fs.readFileSync(path.join(dir, 'edition'), 'utf8') } as {
    -readonly [K in keyof VaultState]: VaultState[K] extends Record<string, infer V> ? Record<string, V> : VaultState[K];
  };
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  for (const name of fs.readdirSync(path.join(dir, 'policies')).sort()) state.policies[name] = read(path.join(dir, 'policies', name));
  for (const login of fs.readdirSync(path.join(dir, 'db')).sort()) state.databasePasswords[login] = read(path.join(dir, 'db', login));
  const walk = (rel: string) => {
    const full = path.join(dir, 'p', rel);
    for (const name of fs.readdirSync(full).sort()) {
      if (name === '.type') state.mounts[rel] = read(path.join(full, name));
      else if (name === '.writes') state.writes[rel] = Number(read(path.join(full, name)));
      else if (name === '.rotations') state.rotations[rel] = Number(read(path.join(full, name)));
      else if (name === '.f') state.data[rel] = Object.fromEntries(fs.readdirSync(path.join(full, name)).sort().map((f) => [f, read(path.join(full, name, f))]));
      else walk(rel ? `${rel}/${name}` : name);
    }
  };
  walk('');
  return state;
}

/** Reads the stub's call log back, in the order of the calls. */
function readCalls(dir: string): ConfigureCall[] {
  const calls: ConfigureCall[] = [];
  for (let n = 0; fs.existsSync(path.join(dir, String(n))); n++) {
    const call = path.join(dir, String(n));
    const argv = fs.readFileSync(path.join(call, 'argv'), 'utf8').split('\0').slice(0, -1);
    const optional = (name: 'stdin' | 'policy') => (fs.existsSync(path.join(call, name)) ? { [name]: fs.readFileSync(path.join(call, name), 'utf8') } : {});
    calls.push({ cmd: fs.readFileSync(path.join(call, 'cmd'), 'utf8').trim() as ConfigureCall['cmd'], argv, ...optional('stdin'), ...optional('policy') });
  }
  return calls;
}

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
    for (const stub of ['vault', 'kubectl']) fs.copyFileSync(path.join(STUBS, stub), path.join(bin, stub));
    for (const stub of ['vault', 'kubectl']) fs.chmodSync(path.join(bin, stub), 0o755);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(work, name), content, { mode: 0o755 });
    const log = path.join(dir, 'calls');
    const stateDir = path.join(dir, 'state');
    const failOn = path.join(dir, 'fail-on');
    fs.mkdirSync(log);
    fs.writeFileSync(path.join(log, 'count'), '0\n');
    writeState(stateDir, state);
    fs.writeFileSync(failOn, (options.failOn ?? []).map((prefix) => `${prefix}\n`).join(''));
    const result = spawnSync('bash', [path.join(work, 'configure-vault.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: dir,
        STUB_LOG: log,
        STUB_STATE: stateDir,
        STUB_FAIL_ON: failOn,
        STUB_JWT_BASE64: Buffer.from(options.jwt ?? 'REVIEWER-JWT').toString('base64'),
        STUB_CA_BASE64: Buffer.from(CONFIGURE_STUB_CA).toString('base64'),
        STUB_KUBERNETES_HOST: CONFIGURE_STUB_KUBERNETES_HOST,
        ...options.env,
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: readCalls(log), state: readState(stateDir) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
