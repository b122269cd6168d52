import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ROTATION_SCRIPT_FILE } from '../lib/eso/secret-rotation';
import { renderVeza } from '../lib/veza';
import { testWith, toolPath } from './support/tools';

const root = path.join(__dirname, '..');
const scriptFile = path.join(root, ROTATION_SCRIPT_FILE);
const rendered = renderVeza(path.join(root, 'environments'));

/** The objects of `<env>/secrets-rotation.yaml`, as synthesized. */
function rotationDocs(env: string): any[] {
  const file = rendered.find((f) => f.path === `${env}/secrets-rotation.yaml`);
  if (!file) throw new Error(`no ${env}/secrets-rotation.yaml`);
  return yaml.loadAll(file.content) as any[];
}

// Stubs first on PATH: each appends its argv, one tab-separated line per call, to $STUB_LOG.
const VAULT_STUB = `#!/bin/sh
{ printf 'vault'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >>"$STUB_LOG"
case "$1 $2" in
  "write -field=token")
    if [ -n "\${STUB_VAULT_LOGIN_FAILS:-}" ]; then echo 'Error writing data: permission denied' >&2; exit 2; fi
    printf 'hvs.STUBTOKEN'; exit 0 ;;
  "kv patch")
    # What the real CLI would read: each key=@file's content, and the token it was given.
    for a in "$@"; do case "$a" in *=@*) printf '%s\\t%s\\n' "\${a%%=@*}" "$(cat "\${a#*=@}")" >>"$STUB_VALUES" ;; esac; done
    printf 'VAULT_TOKEN\\t%s\\n' "$VAULT_TOKEN" >>"$STUB_VALUES"
    if [ -n "\${STUB_VAULT_PATCH_FAILS:-}" ]; then exit 2; fi
    echo '== Secret Path == version 7'; exit 0 ;;
esac
exit 64
`;
const KUBECTL_STUB = `#!/bin/sh
{ printf 'kubectl'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >>"$STUB_LOG"
case "$1" in
  get) if [ -f "$STUB_STATE/annotated" ] && [ -z "\${STUB_NEVER_SYNCS:-}" ]; then printf '2-new True'; else printf '1-old True'; fi ;;
  annotate) : >"$STUB_STATE/annotated"; echo 'externalsecret.external-secrets.io/veza-secrets annotated' ;;
  rollout) echo "deployment.apps/\${3#deployment/} restarted" ;;
  *) exit 64 ;;
esac
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[][];
  values: Map<string, string>;
  workLeft: string[];
}

/** Runs the real script under `shell`, with the environment the CronJob gives it (paths moved to a temp folder). */
function runScript(env: string, shell: string, extra: Record<string, string> = {}): Run {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-'));
  const bin = path.join(tmp, 'bin');
  const work = path.join(tmp, 'work');
  const state = path.join(tmp, 'state');
  for (const d of [bin, work, state]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(bin, 'vault'), VAULT_STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'kubectl'), KUBECTL_STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(tmp, 'sa-token'), 'PROJECTED.SA.TOKEN');
  const container = cronJob(env).spec.jobTemplate.spec.template.spec.containers[0];
  const podEnv = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  const script = rotationDocs(env).find((d) => d.kind === 'ConfigMap').data['rotate-secrets.sh'];
  const result = spawnSync(shell, ['-c', script, 'rotate-secrets.sh'], {
    encoding: 'utf8',
    env: {
      ...podEnv,
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: tmp,
      TMPDIR: tmp,
      ROTATION_VAULT_TOKEN_FILE: path.join(tmp, 'sa-token'),
      ROTATION_WORK_DIR: work,
      ROTATION_SYNC_INTERVAL: '0',
      STUB_LOG: path.join(tmp, 'calls'),
      STUB_VALUES: path.join(tmp, 'values'),
      STUB_STATE: state,
      ...extra,
    },
  });
  const read = (f: string) => (fs.existsSync(path.join(tmp, f)) ? fs.readFileSync(path.join(tmp, f), 'utf8') : '');
  const calls = read('calls').split('\n').filter(Boolean).map((l) => l.split('\t')
    .map((a) => a.replace(tmp, '$TMP').replace(/values\.\d+\//, 'values.$PID/').replace(/^force-sync=\d{10}$/, 'force-sync=$EPOCH')));
  const values = new Map(read('values').split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
  const run = { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, values, workLeft: fs.readdirSync(work) };
  fs.rmSync(tmp, { recursive: true, force: true });
  return run;
}

function cronJob(env: string, name = 'secrets-rotation-signing-secret'): any {
  return rotationDocs(env).find((d) => d.kind === 'CronJob' && d.metadata.name === name);
}

const JSONPATH = 'jsonpath={.status.syncedResourceVersion} {.status.conditions[?(@.type=="Ready")].status}';
/** The exact commands one run of the signing-secret rotation executes in `env`, in order. */
function expectedCalls(env: string): string[][] {
  const ns = `veza-${env}`;
  return [
    ['vault', 'write', '-field=token', 'auth/kubernetes/login', `role=veza-${env}-rotation`, 'jwt=@$TMP/sa-token'],
    ['vault', 'kv', 'patch', '-mount=secret', `veza/${env}`, 'jwt-secret=@$TMP/work/values.$PID/jwt-secret', 'stream-server-secret=@$TMP/work/values.$PID/stream-server-secret'],
    ['kubectl', 'get', 'externalsecret', 'veza-secrets', '-n', ns, '-o', JSONPATH],
    ['kubectl', 'annotate', 'externalsecret', 'veza-secrets', 'force-sync=$EPOCH', '--overwrite', '-n', ns],
    ['kubectl', 'get', 'externalsecret', 'veza-secrets', '-n', ns, '-o', JSONPATH],
    ['kubectl', 'rollout', 'restart', 'deployment/veza-backend-api', '-n', ns],
    ['kubectl', 'rollout', 'restart', 'deployment/veza-stream-server', '-n', ns],
  ];
}

test('the ConfigMap ships the repository script byte for byte', () => {
  for (const env of ['development', 'staging', 'production']) {
    expect(rotationDocs(env).find((d) => d.kind === 'ConfigMap').data['rotate-secrets.sh']).toBe(fs.readFileSync(scriptFile, 'utf8'));
  }
});

testWith('shellcheck')('shellcheck passes on the script (POSIX sh)', () => {
  const r = spawnSync(toolPath('shellcheck'), ['--shell=sh', '--severity=style', scriptFile], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

describe.each(['bash', 'sh'])('one run of secrets-rotation-signing-secret under %s', (shell) => {
  test.each(['development', 'staging', 'production'])('%s: the exact commands, in order, against which names', (env) => {
    const run = runScript(env, shell);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(expectedCalls(env));
  });

  test('new values: 64 base64url characters each, distinct, written with the login token, never printed, not left on disk', () => {
    const run = runScript('production', shell);
    expect(run.status).toBe(0);
    const jwt = run.values.get('jwt-secret')!;
    const stream = run.values.get('stream-server-secret')!;
    expect(jwt).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(stream).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(jwt).not.toBe(stream);
    expect(run.values.get('VAULT_TOKEN')).toBe('hvs.STUBTOKEN');
    const printed = run.stdout + run.stderr + run.calls.flat().join(' ');
    for (const secret of [jwt, stream, 'hvs.STUBTOKEN', 'PROJECTED.SA.TOKEN']) expect(printed).not.toContain(secret);
    expect(run.workLeft).toEqual([]);
    // A second run generates other values.
    expect(runScript('production', shell).values.get('jwt-secret')).not.toBe(jwt);
  });

  const all = expectedCalls('production');
  test.each([
    ['Vault login fails', { STUB_VAULT_LOGIN_FAILS: '1' }, all.slice(0, 1), 'rotate-secrets: error: Vault login failed'],
    ['the KV write fails', { STUB_VAULT_PATCH_FAILS: '1' }, all.slice(0, 2), 'rotate-secrets: error: writing to Vault failed; nothing else was changed'],
    ['the ExternalSecret never syncs', { STUB_NEVER_SYNCS: '1', ROTATION_SYNC_ATTEMPTS: '3' }, [...all.slice(0, 4), all[2], all[2], all[2]],
      'rotate-secrets: error: externalsecret/veza-secrets did not sync after 3 checks; Deployments not restarted (Vault holds the new values)'],
  ])('when %s it stops there: no later command runs', (_what, extra, calls, message) => {
    const run = runScript('production', shell, extra);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').pop()).toBe(message);
    expect(run.calls).toEqual(calls);
    expect(run.workLeft).toEqual([]);
  });

  test.each([
    ['ROTATION_KEYS', { ROTATION_KEYS: '' }, /ROTATION_KEYS: is required/],
    ['ROTATION_DEPLOYMENTS', { ROTATION_DEPLOYMENTS: '' }, /ROTATION_DEPLOYMENTS: is required/],
    ['a key with a shell character', { ROTATION_KEYS: 'jwt-secret;id' }, /rotate-secrets: error: ROTATION_KEYS: 'jwt-secret;id' is not a Secret data key/],
    ['a bad Deployment name', { ROTATION_DEPLOYMENTS: 'Veza' }, /rotate-secrets: error: ROTATION_DEPLOYMENTS: 'Veza' is not a Deployment name/],
    ['too few random bytes', { ROTATION_VALUE_BYTES: '16' }, /rotate-secrets: error: ROTATION_VALUE_BYTES must be at least 32, not 16/],
    ['a missing token file', { ROTATION_VAULT_TOKEN_FILE: '/nonexistent/token' }, /rotate-secrets: error: no service-account token at \/nonexistent\/token/],
  ])('refuses %s before calling anything', (_what, extra, message) => {
    const run = runScript('production', shell, extra);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.calls).toEqual([]);
  });
});

test('the RBAC of secrets-rotation allows exactly what one run does, nothing else', () => {
  for (const env of ['development', 'staging', 'production']) {
    // What each kubectl call needs from the API server: annotate and rollout restart read, then patch.
    const needed = new Set<string>();
    for (const [tool, ...args] of runScript(env, 'bash').calls) {
      if (tool !== 'kubectl') continue;
      if (args[0] === 'get') needed.add(`get external-secrets.io/externalsecrets/${args[2]}`);
      else if (args[0] === 'annotate') ['get', 'patch'].forEach((v) => needed.add(`${v} external-secrets.io/externalsecrets/${args[2]}`));
      else if (args[0] === 'rollout') ['get', 'patch'].forEach((v) => needed.add(`${v} apps/deployments/${args[2].replace('deployment/', '')}`));
      else throw new Error(`unexpected kubectl call ${args.join(' ')}`);
    }
    const role = rotationDocs(env).find((d) => d.kind === 'Role');
    const granted = new Set<string>();
    for (const rule of role.rules) {
      expect(rule.resourceNames.length).toBeGreaterThan(0);
      for (const g of rule.apiGroups) for (const r of rule.resources) for (const n of rule.resourceNames) for (const v of rule.verbs) granted.add(`${v} ${g}/${r}/${n}`);
    }
    expect([...granted].sort()).toEqual([...needed].sort());
  }
});
