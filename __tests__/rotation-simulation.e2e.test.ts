// Drives the real scripts/rotation/rotate-secrets.sh through simulated time against stub Vault,
// kubectl and ESO (support/rotation-world.ts), with the environment variables of the rotation
// contract: a year of runs across the environments, idle days, pre-flight failures, the
// database-engine method, and the exact Vault capabilities the script uses. A kill at every step:
// rotation-kills.e2e.test.ts (a file of its own, so that jest's two workers share the simulation).
import { DATABASE, DB_MOUNT, databaseEnv, databaseWorld, dbRole, ENVIRONMENTS, GENERATED, generateEnv, generateWorld, contractCapabilities, GRACE_SECONDS, KV_MOUNT, kvPath, rotationRole, SHELLS, SimulatedEnvironment, START, SUFFIX } from './support/rotation-contract';
import { allValues, bootstrapped, CLASS, dueDay, expectNoValueLogged, expectPodsOnPassword, expectPodsOnVault, jitter, namespaceOf, PRODUCTION, stateOf } from './support/rotation-simulation';
import { DAY, isWrite, RotationWorld, stopRunner } from './support/rotation-world';

// The runs' processes are counted in this test's own (the runner is waited for).
afterAll(() => stopRunner());

// Thousands of script runs (each a handful of processes): no timing assertion, a generous limit.
jest.setTimeout(30 * 60 * 1000);

interface Write {
  day: number;
  env: string;
  cls: string;
  version: number;
  kind: string;
  now: number;
  graceUntil?: number;
}

const YEAR = 366;

/**
 * The days of a simulated year the script runs on: the days where the state can change (`events`:
 * for the generating year day 0 to 2, and from the day before each due date of the environment to
 * two days after it: rotation, grace, retire), and the middle day of each stretch of idle days
 * between them. An idle day is decided from the state alone (the test 'a day that is not due is
 * decided from the state alone' below: the same reads, the same log line, nothing written, on any
 * idle day of a cycle, and the day it names is the first that writes): every idle day of a stretch
 * runs as the sampled one does, so the sample stands for them all. A year of every day is ~1,100
 * runs per shell, each a dozen process starts; this is under 100.
 */
function sampledDays(events: Iterable<number>): number[] {
  const kept = new Set([...events].filter((d) => d >= 0 && d < YEAR));
  const sorted = [...kept].sort((a, b) => a - b);
  [...sorted, YEAR].forEach((d, i, all) => {
    const prev = i === 0 ? -1 : all[i - 1];
    if (d - prev > 1) kept.add(Math.floor((prev + d) / 2));
  });
  return [...kept].sort((a, b) => a - b);
}

/** The days `env` runs on in the generating year. */
function generatingDays(env: SimulatedEnvironment): Set<number> {
  const events = [0, 1, 2];
  for (const cls of GENERATED) {
    for (let due = cls.intervalDays + env.offsetDays; due < YEAR; due += cls.intervalDays) events.push(due - 1, due, due + 1, due + 2);
  }
  return new Set(sampledDays(events));
}

describe.each(SHELLS)('a simulated year of runs under %s (sh: every environment, bash: the last; the days the state can change, and a sample of the idle days)', (shell) => {
  // Under bash the environment that rotates last: bootstrap, idle days with and without the offset,
  // rotation, grace and retire are the script paths every environment takes (the order of the
  // environments is the sh year's to show).
  const envs = shell === 'sh' ? ENVIRONMENTS : ENVIRONMENTS.slice(-1);
  const days = YEAR;
  let world: RotationWorld;
  const writes: Write[] = [];
  const runs: { day: number; env: string; cls: string; now: number; status: number | null; stderr: string; pods: Record<string, Record<string, string>> }[] = [];

  beforeAll(() => {
    world = generateWorld(envs);
    const envDays = envs.map(generatingDays);
    for (const day of [...new Set(envDays.flatMap((d) => [...d]))].sort((a, b) => a - b)) {
      envs.forEach((env, envIndex) => {
        if (!envDays[envIndex].has(day)) return;
        for (const cls of GENERATED) {
          world.now = START + day * DAY + jitter(day, envIndex);
          const before = world.kvVersion(KV_MOUNT, kvPath(env, cls));
          const r = world.run(generateEnv(env, cls, `job-${day}`), shell);
          const after = world.kvVersion(KV_MOUNT, kvPath(env, cls));
          const meta = world.kvMeta(KV_MOUNT, kvPath(env, cls));
          const pods = Object.fromEntries(cls.deployments.map((d) => [d, world.pods(`veza-${env.name}`, d)]));
          runs.push({ day, env: env.name, cls: cls.name, now: world.now, status: r.status, stderr: r.stderr, pods });
          for (let v = before + 1; v <= after; v++) {
            writes.push({ day, env: env.name, cls: cls.name, version: v, kind: meta['rotation-kind'], now: world.now, graceUntil: meta['grace-until'] ? Number(meta['grace-until']) : undefined });
          }
          expectPodsOnVault(world, env);
        }
        // ESO's own refresh between runs changes the Secret, never the pods.
        world.esoRefresh(`veza-${env.name}`);
      });
    }
  });
  afterAll(() => world.dispose());

  test('every run succeeds, one log line per step, each prefixed with the class', () => {
    for (const r of runs) {
      expect([r.day, r.env, r.status, r.stderr]).toEqual([r.day, r.env, 0, expect.any(String)]);
      for (const line of r.stderr.trim().split('\n')) expect(line).toMatch(new RegExp(`^rotate-secrets: ${r.cls}: [a-z]`));
    }
  });

  test.each(envs.map((e) => [e.name, e] as const))('%s: bootstrap on the first run, rotations at exactly the interval (+ offset after bootstrap)', (_name, env) => {
    for (const cls of GENERATED) {
      const mine = writes.filter((w) => w.env === env.name && w.cls === cls.name);
      expect(mine[0]).toMatchObject({ day: 0, version: 1, kind: 'bootstrap' });
      const rotations = mine.filter((w) => w.kind === 'rotation').map((w) => w.day);
      const expected: number[] = [];
      for (let d = cls.intervalDays + env.offsetDays; d < days; d += cls.intervalDays) expected.push(d);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      expect(rotations).toEqual(expected);
      // Nothing else is written but one retire after each rotation.
      expect(mine.map((w) => w.kind)).toEqual(['bootstrap', ...expected.flatMap(() => ['rotation', 'retire'])]);
      // Vault's own clock agrees: each rotation's version was created on its due day.
      for (const w of mine.filter((x) => x.kind === 'rotation')) expect(Math.floor(world.kvCreated(KV_MOUNT, kvPath(env, cls), w.version) / DAY)).toBe(Math.floor(START / DAY) + w.day);
    }
  });

  test.each(envs.map((e) => [e.name, e] as const))('%s: the old value is accepted during the grace period and not after the first run past it', (_name, env) => {
    for (const cls of GENERATED) {
      const mine = writes.filter((w) => w.env === env.name && w.cls === cls.name);
      const envRuns = runs.filter((r) => r.env === env.name && r.cls === cls.name);
      for (const rotation of mine.filter((w) => w.kind === 'rotation')) {
        const old = world.kvData(KV_MOUNT, kvPath(env, cls), rotation.version - 1);
        const fresh = world.kvData(KV_MOUNT, kvPath(env, cls), rotation.version);
        expect(rotation.graceUntil).toBe(rotation.now + GRACE_SECONDS);
        // The retire happens at the first run at or past grace-until.
        const retireRun = envRuns.find((r) => r.now >= rotation.graceUntil!)!;
        const retire = mine.find((w) => w.version === rotation.version + 1)!;
        expect(retire).toMatchObject({ kind: 'retire', day: retireRun.day });
        for (const r of envRuns.filter((x) => x.day >= rotation.day && x.day <= retireRun.day)) {
          for (const d of cls.deployments) {
            for (const k of cls.keys) {
              if (r.day < retireRun.day) {
                // Signs with the new value, accepts the old one.
                expect([r.day, d, k, r.pods[d][k], r.pods[d][k + SUFFIX]]).toEqual([r.day, d, k, fresh[k], old[k]]);
              } else {
                expect([r.day, d, k, r.pods[d][k], r.pods[d][k + SUFFIX]]).toEqual([r.day, d, k, fresh[k], fresh[k]]);
              }
            }
          }
        }
        expect(retireRun.now - rotation.now).toBeGreaterThanOrEqual(GRACE_SECONDS);
        expect(retireRun.day - rotation.day).toBeLessThanOrEqual(2);
      }
    }
  });

  if (envs.length > 1) test('environments rotate in offset order in every cycle (development before staging before production by default)', () => {
    for (const cls of GENERATED) {
      const byEnv = envs.map((env) => writes.filter((w) => w.env === env.name && w.cls === cls.name && w.kind === 'rotation').map((w) => w.day));
      const cycles = Math.min(...byEnv.map((d) => d.length));
      expect(cycles).toBeGreaterThanOrEqual(3);
      for (let c = 0; c < cycles; c++) {
        const order = byEnv.map((d) => d[c]);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        for (let i = 1; i < order.length; i++) {
          expect(order[i]).toBeGreaterThanOrEqual(order[i - 1]);
          if (envs[i].offsetDays > envs[i - 1].offsetDays) expect(order[i]).toBeGreaterThan(order[i - 1]);
        }
      }
    }
  });

  test('no value in any log line: script output and stub logs', () => {
    expectNoValueLogged(world, allValues(world, envs));
  });

  test('the Vault capabilities used are exactly the contract policy, per environment and class, each class by its own role', () => {
    const used = world.capabilitiesUsed();
    for (const env of envs) {
      for (const cls of GENERATED) {
        const role = rotationRole(env, cls.name);
        expect(used.filter((u) => u.startsWith(`${role} `)).map((u) => u.slice(role.length + 1))).toEqual(contractCapabilities(env, 'generate', cls).sort());
      }
    }
    expect(used.filter((u) => !envs.some((env) => GENERATED.some((cls) => u.startsWith(`${rotationRole(env, cls.name)} `))))).toEqual([]);
    // And the HTTP requests, by verb and path (each kv command also reads sys/internal/ui/mounts/<mount>, open to every token).
    const requests = [...new Set(world.allCalls().filter((c) => c.startsWith('vault ')))].sort();
    expect(requests).toEqual([...new Set([
      'vault POST sys/capabilities-self',
      'vault PUT auth/kubernetes/login',
      ...envs.flatMap((env) => GENERATED.flatMap((cls) => [
        `vault GET ${KV_MOUNT}/data/${kvPath(env, cls)}`,
        `vault GET ${KV_MOUNT}/metadata/${kvPath(env, cls)}`,
        `vault PATCH ${KV_MOUNT}/metadata/${kvPath(env, cls)}`,
        `vault PUT ${KV_MOUNT}/data/${kvPath(env, cls)}`,
      ])),
    ])].sort());
  });
});

/** `count` days spread evenly from `first` to `last`, both included. */
function spread(first: number, last: number, count = 5): number[] {
  return [...new Set(Array.from({ length: count }, (_, i) => first + Math.round(((last - first) * i) / (count - 1))))];
}

/** The date (YYYY-MM-DD) of `day` of the simulated year. */
const civil = (day: number) => new Date((START + day * DAY) * 1000).toISOString().slice(0, 10);

describe.each(SHELLS)('a day that is not due under %s', (shell) => {
  /**
   * Runs on each of `days` (at different times of day) in `world`, whose state must not change:
   * every run is the same (status 0, the same log, the same calls, all reads) and returns it.
   */
  function idleRuns(world: RotationWorld, days: number[], env: () => Record<string, string>): { stderr: string; calls: string[] } {
    const state = stateOf(world);
    const runs = days.map((day, i) => {
      world.now = START + day * DAY + jitter(day, i);
      const r = world.run(env(), shell);
      return { day, status: r.status, stderr: r.stderr, calls: r.calls };
    });
    for (const r of runs) expect(r).toEqual({ ...runs[0], day: r.day });
    expect(runs[0].status).toBe(0);
    expect(runs[0].calls.filter(isWrite)).toEqual([]);
    expect(stateOf(world)).toEqual(state);
    return runs[0];
  }

  test('generate: decided from the state alone; on every idle day sampled across a cycle, the same run, nothing written; the day it names is the first that writes', () => {
    const world = bootstrapped(PRODUCTION, CLASS, shell);
    try {
      const due = dueDay(PRODUCTION, CLASS);
      // After the bootstrap: days 1 to the day before the first due date.
      const first = idleRuns(world, spread(1, due - 1), () => generateEnv(PRODUCTION, CLASS, 'job-idle'));
      expect(first.calls).toEqual([
        'vault PUT auth/kubernetes/login',
        `vault GET ${KV_MOUNT}/metadata/${kvPath(PRODUCTION, CLASS)}`,
        `vault GET ${KV_MOUNT}/metadata/${kvPath(PRODUCTION, CLASS)}`,
      ]);
      expect(first.stderr.trim().split('\n').pop()).toMatch(new RegExp(`: not due until ${civil(due)} \\(`));
      world.now = START + due * DAY;
      expect(world.run(generateEnv(PRODUCTION, CLASS, 'job-due'), shell).calls.filter(isWrite).length).toBeGreaterThan(0);
      // The grace period: the next day retires.
      world.now += DAY;
      expect(world.run(generateEnv(PRODUCTION, CLASS, 'job-retire'), shell).calls.filter(isWrite).length).toBeGreaterThan(0);
      // After the retire: to the day before the next due date.
      const next = due + CLASS.intervalDays;
      const second = idleRuns(world, spread(due + 2, next - 1), () => generateEnv(PRODUCTION, CLASS, 'job-idle'));
      expect(second.calls).toEqual(first.calls);
      expect(second.stderr.trim().split('\n').pop()).toMatch(new RegExp(`: not due until ${civil(next)} \\(`));
      world.now = START + next * DAY;
      expect(world.run(generateEnv(PRODUCTION, CLASS, 'job-next'), shell).calls.filter(isWrite).length).toBeGreaterThan(0);
    } finally {
      world.dispose();
    }
  });

  test('database-engine: decided from the state alone; on every idle day sampled across a cycle, the same run, nothing written; the day it names is the first that writes', () => {
    const world = databaseWorld([PRODUCTION], START - 3600);
    try {
      world.now = START;
      expect(world.run(databaseEnv(PRODUCTION, 'job-heal'), shell).calls.filter(isWrite).length).toBeGreaterThan(0);
      const due = DATABASE.intervalDays;
      const idle = idleRuns(world, spread(1, due - 1), () => databaseEnv(PRODUCTION, 'job-idle'));
      expect(idle.calls.filter((c) => c.startsWith('vault ') && !c.startsWith('vault PUT auth/'))).toEqual([`vault GET ${DB_MOUNT}/static-roles/${dbRole(PRODUCTION)}`]);
      expect(idle.stderr.trim().split('\n').pop()).toMatch(new RegExp(`: not due until ${civil(due)} \\(`));
      world.now = START + due * DAY;
      expect(world.run(databaseEnv(PRODUCTION, 'job-due'), shell).calls).toContain(`vault PUT ${DB_MOUNT}/rotate-role/${dbRole(PRODUCTION)}`);
    } finally {
      world.dispose();
    }
  });
});

describe.each(SHELLS)('pre-flight under %s (bash: one case of each check): any failure writes nothing and exits 1', (shell) => {
  const ns = `veza-${PRODUCTION.name}`;
  const role = rotationRole(PRODUCTION, CLASS.name);
  const data = `${KV_MOUNT}/data/${kvPath(PRODUCTION, CLASS)}`;
  const metadata = `${KV_MOUNT}/metadata/${kvPath(PRODUCTION, CLASS)}`;
  type Check = [string, (w: RotationWorld) => void, RegExp, string];
  // [what breaks, how, the last log line, the script's check it fails (a function or a read)]
  const all: Check[] = [
    ['Vault login fails', (w) => { w.loginFails = true; }, /pre-flight: Vault login failed; nothing written$/, 'login'],
    ...['create', 'read', 'update'].map((cap): Check => [`no ${cap} on ${data}`, (w) => w.grant(role, data, ['create', 'read', 'update'].filter((c) => c !== cap)), new RegExp(`pre-flight: the Vault token lacks '${cap}' on ${data} .*; nothing written$`), 'require_capabilities']),
    [`no patch on ${metadata}`, (w) => w.grant(role, metadata, ['read']), new RegExp(`pre-flight: the Vault token lacks 'patch' on ${metadata} .*; nothing written$`), 'require_capabilities'],
    // The state is read before deciding (every day), so this one fails at that read.
    [`no read on ${metadata}`, (w) => w.grant(role, metadata, ['patch']), new RegExp(`error: cannot read ${metadata}; nothing written$`), 'the state read'],
    ...['get', 'patch'].map((verb): Check => [`may not ${verb} the ExternalSecret`, (w) => w.deny(ns, verb, 'externalsecrets.external-secrets.io/veza-secrets'), new RegExp(`pre-flight: the service account may not ${verb} externalsecrets.external-secrets.io/veza-secrets in ${ns}; nothing written$`), 'require_can_i']),
    ...CLASS.deployments.flatMap((d) => ['get', 'patch', 'list', 'watch'].map((verb): Check => [`may not ${verb} deployment ${d}`, (w) => w.deny(ns, verb, `deployments.apps/${d}`), new RegExp(`pre-flight: the service account may not ${verb} deployments.apps/${d} in ${ns}; nothing written$`), 'require_can_i'])),
    ['the ExternalSecret is missing', (w) => w.removeExternalSecret(ns, 'veza-secrets'), new RegExp(`pre-flight: externalsecret/veza-secrets not found in ${ns}; nothing written$`), 'es_state'],
    ...CLASS.deployments.map((d): Check => [`deployment ${d} is missing`, (w) => w.removeDeployment(ns, d), new RegExp(`pre-flight: deployment/${d} not found in ${ns}; nothing written$`), 'existing_deployments']),
  ];
  // Under sh (dash; busybox sh in the image) every check; under bash the first of each of the
  // script's checks (the others are the same shell code with another argument).
  const checks = all.filter((c, i) => shell === 'sh' || all.findIndex((x) => x[3] === c[3]) === i);
  let base: RotationWorld;
  beforeAll(() => { base = bootstrapped(PRODUCTION, CLASS, shell); });
  afterAll(() => base.dispose());
  test.each(checks)('%s', (_what, breakIt, message) => {
    const world = base.clone();
    try {
      world.now = START + dueDay(PRODUCTION, CLASS) * DAY;
      breakIt(world);
      const version = world.kvVersion(KV_MOUNT, kvPath(PRODUCTION, CLASS));
      const meta = world.kvMeta(KV_MOUNT, kvPath(PRODUCTION, CLASS));
      const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(message);
      expect(r.calls.filter(isWrite)).toEqual([]);
      expect(world.kvVersion(KV_MOUNT, kvPath(PRODUCTION, CLASS))).toBe(version);
      expect(world.kvMeta(KV_MOUNT, kvPath(PRODUCTION, CLASS))).toEqual(meta);
    } finally {
      world.dispose();
    }
  });

  test('every check of the table is one the script makes (a run with all of them passing rotates)', () => {
    const world = base.clone();
    world.now = START + dueDay(PRODUCTION, CLASS) * DAY;
    const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
    world.dispose();
    expect(r.status).toBe(0);
    const cani = r.calls.filter((c) => c.startsWith('kubectl auth can-i ')).length;
    expect(cani).toBe(2 + CLASS.deployments.length * 4);
    expect(r.calls.filter(isWrite).length).toBeGreaterThan(0);
  });
});

describe.each(SHELLS)('generate, more cases under %s', (shell) => {
  const p = kvPath(PRODUCTION, CLASS);

  test('rotation-requested=true rotates on a day that is not due, and is cleared', () => {
    const world = bootstrapped(PRODUCTION, CLASS, shell);
    try {
      world.now = START + 5 * DAY;
      expect(world.run(generateEnv(PRODUCTION, CLASS), shell).calls.filter(isWrite)).toEqual([]);
      world.patchMeta(KV_MOUNT, p, { 'rotation-requested': 'true' });
      const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`rotate-secrets: ${CLASS.name}: due: rotation-requested=true`);
      expect(world.kvVersion(KV_MOUNT, p)).toBe(2);
      expect(world.kvMeta(KV_MOUNT, p)).toMatchObject({ 'rotation-requested': 'false', 'rotation-kind': 'rotation', 'rotation-phase': 'grace', 'rotation-day': String(Math.floor(START / DAY) + 5) });
      // The next rotation follows the requested one by the interval.
      world.now = START + (5 + CLASS.intervalDays - 1) * DAY;
      world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(world.kvMeta(KV_MOUNT, p)['rotation-kind']).toBe('retire');
      world.now += DAY;
      world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(world.kvMeta(KV_MOUNT, p)['rotation-kind']).toBe('rotation');
    } finally {
      world.dispose();
    }
  });

  test('a day that is not due says when it will be, and writes nothing', () => {
    const world = bootstrapped(PRODUCTION, CLASS, shell);
    try {
      world.now = START + DAY;
      const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(r.status).toBe(0);
      expect(r.calls.filter(isWrite)).toEqual([]);
      const due = new Date((START + dueDay(PRODUCTION, CLASS) * DAY) * 1000).toISOString().slice(0, 10);
      expect(r.stderr.trim().split('\n').pop()).toBe(`rotate-secrets: ${CLASS.name}: not due until ${due} (last rotation on 2027-01-01, bootstrapped, every ${CLASS.intervalDays} days + offset ${PRODUCTION.offsetDays})`);
    } finally {
      world.dispose();
    }
  });

  test('bootstrap before the Deployments exist: writes, syncs, restarts none; later rotations restart them', () => {
    const world = generateWorld([PRODUCTION]);
    try {
      for (const d of CLASS.deployments) world.removeDeployment(`veza-${PRODUCTION.name}`, d);
      world.now = START;
      const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(r.status).toBe(0);
      expect(world.kvVersion(KV_MOUNT, p)).toBe(1);
      expect(r.calls.filter((c) => c.startsWith('kubectl rollout'))).toEqual([]);
      expect(world.secret(`veza-${PRODUCTION.name}`)).toEqual(world.kvData(KV_MOUNT, p));
    } finally {
      world.dispose();
    }
  });

  test('a secret someone else wrote (no rotation state) is adopted: missing keys added, existing ones kept', () => {
    const world = generateWorld([PRODUCTION]);
    try {
      world.now = START;
      // Someone wrote only the first key by hand.
      const dir = `${world.state}/kv/${KV_MOUNT}/${p}`;
      require('fs').mkdirSync(`${dir}/v1`, { recursive: true });
      require('fs').writeFileSync(`${dir}/v1/${CLASS.keys[0]}`, 'H'.repeat(64));
      require('fs').writeFileSync(`${dir}/current`, '1\n');
      const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(r.status).toBe(0);
      const data = world.kvData(KV_MOUNT, p);
      expect(data[CLASS.keys[0]]).toBe('H'.repeat(64));
      for (const k of CLASS.keys) expect(data[k + SUFFIX]).toBe(data[k]);
      expect(world.kvMeta(KV_MOUNT, p)).toMatchObject({ 'rotation-kind': 'bootstrap', 'rotation-phase': 'done', 'rotation-version': '2' });
    } finally {
      world.dispose();
    }
  });

  test('another writer between the state and the data: check-and-set refuses, nothing overwritten', () => {
    const world = bootstrapped(PRODUCTION, CLASS, shell);
    try {
      world.now = START + dueDay(PRODUCTION, CLASS) * DAY;
      // The state says "writing version 2", but someone wrote version 2 and 3 meanwhile.
      world.patchMeta(KV_MOUNT, p, { 'rotation-phase': 'writing', 'rotation-version': '2', 'rotation-kind': 'rotation' });
      const dir = `${world.state}/kv/${KV_MOUNT}/${p}`;
      require('fs').cpSync(`${dir}/v1`, `${dir}/v2`, { recursive: true });
      require('fs').cpSync(`${dir}/v1`, `${dir}/v3`, { recursive: true });
      require('fs').writeFileSync(`${dir}/current`, '3\n');
      const r = world.run(generateEnv(PRODUCTION, CLASS), shell);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(/is at version 3, past the version 2 this job meant to write/);
      expect(r.calls.filter(isWrite)).toEqual([]);
    } finally {
      world.dispose();
    }
  });
});

describe.each(SHELLS)('database-engine under %s', (shell) => {
  const created = START - 3600;

  // One environment: the method has no offset; the cadence, the heal and the policy are per environment.
  const yearTitle = 'a year of runs (the days the state can change, a sample of the idle days): heal after the role is created, rotate-role every interval, heal after Vault rotates by itself';
  test(yearTitle, () => {
    const ENVIRONMENTS = [PRODUCTION];
    const world = databaseWorld(ENVIRONMENTS, created);
    try {
      const backstopDay = 40;
      const rotations: Record<string, number[]> = {};
      const heals: Record<string, number[]> = {};
      // The days the state can change (the first runs, Vault's own rotation, each due date), and a sample of the idle days.
      const events = [0, 1, backstopDay - 1, backstopDay, backstopDay + 1];
      for (let d = backstopDay + DATABASE.intervalDays; d < YEAR; d += DATABASE.intervalDays) events.push(d - 1, d, d + 1);
      for (const day of sampledDays(events)) {
        ENVIRONMENTS.forEach((env, envIndex) => {
          world.now = START + day * DAY + jitter(day, envIndex);
          if (day === backstopDay && env === PRODUCTION) world.vaultRotatesRole(DB_MOUNT, dbRole(env), world.now - 7200);
          const r = world.run(databaseEnv(env, `job-${day}`), shell);
          expect([day, env.name, r.status]).toEqual([day, env.name, 0]);
          if (r.calls.includes(`vault PUT ${DB_MOUNT}/rotate-role/${dbRole(env)}`)) (rotations[env.name] ??= []).push(day);
          else if (r.calls.some(isWrite)) (heals[env.name] ??= []).push(day);
          expectPodsOnPassword(world, env);
          world.esoRefresh(namespaceOf(env));
        });
      }
      for (const env of ENVIRONMENTS) {
        // Created an hour before the first run: the first run heals (never restarted); then rotate-role at
        // each last_vault_rotation + interval (production's moved by Vault's own rotation on backstopDay).
        const expected: number[] = [];
        for (let d = (env === PRODUCTION ? backstopDay : 0) + DATABASE.intervalDays; d < YEAR; d += DATABASE.intervalDays) expected.push(d);
        expect([env.name, rotations[env.name]]).toEqual([env.name, expected]);
        expect([env.name, heals[env.name]]).toEqual([env.name, env === PRODUCTION ? [0, backstopDay] : [0]]);
      }
      expect(world.capabilitiesUsed()).toEqual(ENVIRONMENTS.flatMap((env) => contractCapabilities(env, 'database-engine').map((c) => `${rotationRole(env, DATABASE.name)} ${c}`)).sort());
      const logged = [...world.outputs, ...world.allCalls()].join('\n');
      for (const env of ENVIRONMENTS) expect(logged).not.toContain(world.dbPassword(DB_MOUNT, dbRole(env)));
    } finally {
      world.dispose();
    }
  });

  test.each([
    ['no read on the static role', (w: RotationWorld) => w.grant(rotationRole(PRODUCTION, DATABASE.name), `${DB_MOUNT}/static-roles/${dbRole(PRODUCTION)}`, []), new RegExp(`error: cannot read last_vault_rotation of ${DB_MOUNT}/static-roles/${dbRole(PRODUCTION)}; nothing written$`)],
    ['no update on rotate-role', (w: RotationWorld) => w.grant(rotationRole(PRODUCTION, DATABASE.name), `${DB_MOUNT}/rotate-role/${dbRole(PRODUCTION)}`, []), /lacks 'update' on database\/rotate-role\/.*; nothing written$/],
    ['may not patch the ExternalSecret', (w: RotationWorld) => w.deny(`veza-${PRODUCTION.name}`, 'patch', 'externalsecrets.external-secrets.io/veza-secrets'), /may not patch externalsecrets.*; nothing written$/],
    ['a Deployment is missing', (w: RotationWorld) => w.removeDeployment(`veza-${PRODUCTION.name}`, DATABASE.deployments[0]), new RegExp(`cannot read deployment/.* in veza-${PRODUCTION.name}; nothing written$`)],
  ])('pre-flight: %s -> exit 1, nothing written (on a due day)', (_what, breakIt, message) => {
    const world = databaseWorld([PRODUCTION], created);
    try {
      world.now = START + DATABASE.intervalDays * DAY;
      breakIt(world);
      const r = world.run(databaseEnv(PRODUCTION), shell);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(message);
      expect(r.calls.filter(isWrite)).toEqual([]);
    } finally {
      world.dispose();
    }
  });

});
