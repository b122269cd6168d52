import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ROTATION_SCRIPT_FILE } from '../lib/eso/secret-rotation';
import { readDirectory } from '../lib/output/swap';
import { renderVeza } from '../lib/veza';
import { testWith, toolPath } from './support/tools';
import { DATABASE, databaseEnv, ENVIRONMENTS, GENERATED, GeneratedClass, generateEnv, generateWorld, KV_MOUNT, kvPath, rotationRole, SHELLS, SimulatedEnvironment, START, SUFFIX } from './support/rotation-contract';
import { DAY, RotationWorld, RunResult, stopRunner } from './support/rotation-world';

// The runs' processes are counted in this test's own (the runner is waited for).
afterAll(() => stopRunner());

const root = path.join(__dirname, '..');
const scriptFile = path.join(root, ROTATION_SCRIPT_FILE);
let rendered: ReturnType<typeof renderVeza> | undefined;

/** The objects of `<env>/secrets-rotation.yaml`, as synthesized (rendered once, on first use). */
function rotationDocs(env: string): any[] {
  rendered ??= renderVeza(path.join(root, 'environments'));
  const file = rendered.find((f) => f.path === `${env}/secrets-rotation.yaml`);
  if (!file) throw new Error(`no ${env}/secrets-rotation.yaml`);
  return yaml.loadAll(file.content) as any[];
}

test('the ConfigMap ships the repository script byte for byte', () => {
  for (const env of ENVIRONMENTS.map((e) => e.name)) {
    expect(rotationDocs(env).find((d) => d.kind === 'ConfigMap').data['rotate-secrets.sh']).toBe(fs.readFileSync(scriptFile, 'utf8'));
  }
});

testWith('shellcheck')('shellcheck passes on the script (POSIX sh)', () => {
  const r = spawnSync(toolPath('shellcheck'), ['--shell=sh', '--severity=style', scriptFile], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

const PRODUCTION = ENVIRONMENTS[ENVIRONMENTS.length - 1];
const CLASS = GENERATED[0];

/** A production world bootstrapped at START, at the first day its class is due. */
function dueWorld(shell: string): RotationWorld {
  const world = generateWorld([PRODUCTION]);
  world.now = START;
  const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
  if (r.status !== 0) throw new Error(r.stderr);
  world.now = START + (CLASS.intervalDays + PRODUCTION.offsetDays) * DAY;
  return world;
}

/** The exact stub calls of a due rotation of `cls` in `env` (contract environment). */
function rotationCalls(env: SimulatedEnvironment, cls: GeneratedClass): string[] {
  const ns = `veza-${env.name}`;
  const data = `${KV_MOUNT}/data/${kvPath(env, cls)}`;
  const metadata = `${KV_MOUNT}/metadata/${kvPath(env, cls)}`;
  return [
    'vault PUT auth/kubernetes/login',
    `vault GET ${metadata}`,
    `vault GET ${metadata}`,
    'vault POST sys/capabilities-self',
    'vault POST sys/capabilities-self',
    ...['get', 'patch'].map((v) => `kubectl auth can-i ${v} externalsecrets.external-secrets.io/veza-secrets -n ${ns}`),
    ...cls.deployments.flatMap((d) => ['get', 'patch', 'list', 'watch'].map((v) => `kubectl auth can-i ${v} deployments.apps/${d} -n ${ns}`)),
    `kubectl get externalsecret veza-secrets -n ${ns}`,
    ...cls.deployments.map((d) => `kubectl get deployment ${d} -n ${ns}`),
    `vault PATCH ${metadata}`,
    ...cls.keys.map(() => `vault GET ${data}`),
    `vault PUT ${data}`,
    `vault PATCH ${metadata}`,
    `kubectl get externalsecret veza-secrets -n ${ns}`,
    `kubectl annotate externalsecret veza-secrets force-sync -n ${ns}`,
    `kubectl get externalsecret veza-secrets -n ${ns}`,
    `vault PATCH ${metadata}`,
    ...cls.deployments.map((d) => `kubectl rollout restart deployment/${d} -n ${ns}`),
    ...cls.deployments.map((d) => `kubectl rollout status deployment/${d} -n ${ns}`),
    `vault PATCH ${metadata}`,
  ];
}

describe.each(SHELLS)('one due run of the generate method under %s', (shell) => {
  // One bootstrapped world and one due run, read by the three tests below.
  let world: RotationWorld;
  let old: Record<string, string>;
  let r: RunResult;
  beforeAll(() => {
    world = dueWorld(shell);
    old = world.kvData(KV_MOUNT, kvPath(PRODUCTION, CLASS));
    r = world.run(generateEnv(PRODUCTION, CLASS), shell);
  });
  afterAll(() => world.dispose());

  test('the exact calls, in order: read the state, pre-flight, state, data, state, sync, state, restart, state', () => {
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(rotationCalls(PRODUCTION, CLASS));
  });

  test('the exact log, one line per step, no value', () => {
    const c = `rotate-secrets: ${CLASS.name}:`;
    const path = `${KV_MOUNT}/data/${kvPath(PRODUCTION, CLASS)}`;
    const graceUntil = world.kvMeta(KV_MOUNT, kvPath(PRODUCTION, CLASS))['grace-until'];
    expect(r.stderr.trim().split('\n')).toEqual([
      `${c} logging in to Vault as role ${rotationRole(PRODUCTION, CLASS.name)}`,
      `${c} due: last rotation on 2027-01-01, bootstrapped, every ${CLASS.intervalDays} days + offset ${PRODUCTION.offsetDays}`,
      `${c} pre-flight passed`,
      `${c} writing version 2 of ${path} (rotation: ${CLASS.keys.join(' ')})`,
      `${c} forcing externalsecret/veza-secrets to re-sync`,
      `${c} externalsecret/veza-secrets synced`,
      ...CLASS.deployments.map((d) => `${c} restarting deployment/${d}`),
      ...CLASS.deployments.map((d) => `${c} deployment/${d} rolled out`),
      `${c} done: rotated ${CLASS.keys.join(' ')}; ${CLASS.keys.join(' ')} with suffix ${SUFFIX} accepted until epoch ${graceUntil}`,
    ]);
    expect(r.stdout).toBe('');
  });

  test('new values: 64 base64url characters each, distinct, the old ones kept as -previous, never printed', () => {
    const p = kvPath(PRODUCTION, CLASS);
    expect(r.status).toBe(0);
    const data = world.kvData(KV_MOUNT, p);
    expect(Object.keys(data).sort()).toEqual(CLASS.keys.flatMap((k) => [k, k + SUFFIX]).sort());
    const fresh = CLASS.keys.map((k) => data[k]);
    for (const v of fresh) expect(v).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(new Set([...fresh, ...CLASS.keys.map((k) => old[k])]).size).toBe(2 * CLASS.keys.length);
    for (const k of CLASS.keys) expect(data[k + SUFFIX]).toBe(old[k]);
    const printed = [...world.outputs, ...world.allCalls()].join('\n');
    for (const v of Object.values(data)) expect(printed).not.toContain(v);
    expect(printed).not.toContain('PROJECTED.SA.TOKEN');
  });

  const base = generateEnv(PRODUCTION, CLASS);
  test.each([
    ['no ROTATION_METHOD', { ROTATION_METHOD: '' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_METHOD is required`],
    ['an unknown method', { ROTATION_METHOD: 'random' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_METHOD must be generate or database-engine, not 'random'`],
    ['no ROTATION_KEYS', { ROTATION_KEYS: '' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_KEYS is required`],
    ['no ROTATION_JOB_UID', { ROTATION_JOB_UID: '' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_JOB_UID is required`],
    ['no ROTATION_DEPLOYMENTS', { ROTATION_DEPLOYMENTS: '' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_DEPLOYMENTS is required`],
    ['a key with a shell character', { ROTATION_KEYS: 'jwt-secret;id' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_KEYS: 'jwt-secret;id' is not a Secret data key`],
    ['a bad Deployment name', { ROTATION_DEPLOYMENTS: 'Veza' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_DEPLOYMENTS: 'Veza' is not a Deployment name`],
    ['a fractional interval', { ROTATION_INTERVAL_DAYS: '1.5' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_INTERVAL_DAYS must be a whole number, not '1.5'`],
    ['a zero interval', { ROTATION_INTERVAL_DAYS: '0' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_INTERVAL_DAYS must be at least 1, not 0`],
    ['a negative offset', { ROTATION_OFFSET_DAYS: '-7' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_OFFSET_DAYS must be a whole number, not '-7'`],
    ['a grace period as long as the interval', { ROTATION_GRACE_SECONDS: String(CLASS.intervalDays * DAY) }, `rotate-secrets: ${CLASS.name}: error: ROTATION_GRACE_SECONDS must be shorter than the interval (${CLASS.intervalDays} days), not ${CLASS.intervalDays * DAY}`],
    ['a Job UID with a space', { ROTATION_JOB_UID: 'a b' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_JOB_UID: 'a b' is not a Job UID (a-z, 0-9, -)`],
    ['too few random bytes', { ROTATION_VALUE_BYTES: '16' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_VALUE_BYTES must be at least 32, not 16`],
    ['a bad rollout timeout', { ROTATION_ROLLOUT_TIMEOUT: '10 minutes' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_ROLLOUT_TIMEOUT must be seconds or a duration like 600s or 10m, not '10 minutes'`],
    ['a missing token file', { ROTATION_VAULT_TOKEN_FILE: '/nonexistent/token' }, `rotate-secrets: ${CLASS.name}: error: no service-account token at /nonexistent/token`],
    ['no ROTATION_DB_ROLE for database-engine', { ROTATION_METHOD: 'database-engine', ROTATION_DB_MOUNT: 'database' }, `rotate-secrets: ${CLASS.name}: error: ROTATION_DB_ROLE is required`],
  ])('refuses %s before calling anything, in one line', (_what, extra, message) => {
    const world = generateWorld([PRODUCTION]);
    try {
      world.now = START;
      const r = world.run({ ...base, ...extra }, shell);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.calls).toEqual([]);
    } finally {
      world.dispose();
    }
  });
});

test('the Role of secrets-rotation grants exactly what the script checks and calls, nothing else', () => {
  for (const env of ENVIRONMENTS) {
    const world = generateWorld([env]);
    let calls: string[];
    try {
      world.now = START;
      world.run(generateEnv(env, CLASS), 'sh');
      world.now = START + (CLASS.intervalDays + env.offsetDays) * DAY;
      calls = world.run(generateEnv(env, CLASS), 'sh').calls;
    } finally {
      world.dispose();
    }
    // What each kubectl call needs from the API server: its pre-flight `auth can-i` names them all,
    // and every call is covered by one (annotate and rollout restart: get + patch; rollout status:
    // get, then list + watch with a metadata.name field selector).
    const needed = new Set<string>();
    for (const call of calls.filter((c) => c.startsWith('kubectl auth can-i '))) {
      const [, , , verb, resource] = call.split(' ');
      const [kind, name] = resource.split('/');
      const group = kind.slice(kind.indexOf('.') + 1);
      needed.add(`${verb} ${group}/${kind.slice(0, kind.indexOf('.'))}/${name}`);
    }
    for (const call of calls.filter((c) => c.startsWith('kubectl ') && !c.startsWith('kubectl auth can-i '))) {
      const args = call.split(' ');
      const target = args[1] === 'rollout' ? `apps/deployments/${args[3].replace('deployment/', '')}` : args[2] === 'deployment' ? `apps/deployments/${args[3]}` : `external-secrets.io/externalsecrets/${args[3]}`;
      const verbs = args[1] === 'get' ? ['get'] : args[1] === 'annotate' || args[2] === 'restart' ? ['get', 'patch'] : ['get', 'list', 'watch'];
      for (const v of verbs) expect([call, needed.has(`${v} ${target}`)]).toEqual([call, true]);
    }
    const role = rotationDocs(env.name).find((d) => d.kind === 'Role');
    const granted = new Set<string>();
    for (const rule of role.rules) {
      expect(rule.resourceNames.length).toBeGreaterThan(0);
      for (const g of rule.apiGroups) for (const r of rule.resources) for (const n of rule.resourceNames) for (const v of rule.verbs) granted.add(`${v} ${g}/${r}/${n}`);
    }
    expect([...granted].sort()).toEqual([...needed].sort());
  }
});

describe('the rotation contract the script is simulated with (support/rotation-contract.ts) is what dist/ runs', () => {
  const jobEnv = (envName: string, cls: string): Record<string, string> => {
    const file = readDirectory(path.join(__dirname, '..', 'dist')).find((f) => f.path === `${envName}/secrets-rotation.yaml`);
    const job = (yaml.loadAll(file!.content) as any[]).find((d) => d?.kind === 'CronJob' && d.metadata.name === `secrets-rotation-${cls}`);
    expect(job).toBeDefined();
    const container = job.spec.jobTemplate.spec.template.spec.containers[0];
    return Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
  };
  // The job's uid comes from the downward API in dist/; the simulations give their own.
  const contract = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'ROTATION_JOB_UID'));

  test.each(ENVIRONMENTS.flatMap((env) => GENERATED.map((cls) => [env.name, cls.name, env, cls] as const)))('%s, %s (generate)', (_e, _c, env, cls) => {
    expect(jobEnv(env.name, cls.name)).toMatchObject(contract(generateEnv(env, cls)));
  });

  test.each(ENVIRONMENTS.map((env) => [env.name, env] as const))('%s, the database class (database-engine)', (_e, env) => {
    expect(jobEnv(env.name, DATABASE.name)).toMatchObject(contract(databaseEnv(env)));
  });
});
