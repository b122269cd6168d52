// Shared by the rotation simulation's test files (rotation-simulation.e2e.test.ts: the year, idle days,
// pre-flight, more cases, database-engine; rotation-kills.e2e.test.ts: a kill at every step): worlds at a
// given point, what every run must keep (no value logged, pods on Vault's values), kill points.
import { snapshot } from './project';
import { DATABASE, DB_MOUNT, dbRole, ENVIRONMENTS, GENERATED, GeneratedClass, generateEnv, generateWorld, KV_MOUNT, kvPath, SimulatedEnvironment, START } from './rotation-contract';
import { DAY, isWrite, RotationWorld } from './rotation-world';

/** Every value Vault ever held in the world: none may appear in a log. */
export function allValues(world: RotationWorld, envs: SimulatedEnvironment[]): string[] {
  const values = new Set<string>();
  for (const env of envs) {
    for (const cls of GENERATED) {
      for (let v = 1; v <= world.kvVersion(KV_MOUNT, kvPath(env, cls)); v++) Object.values(world.kvData(KV_MOUNT, kvPath(env, cls), v)).forEach((x) => values.add(x));
    }
  }
  return [...values];
}

export function expectNoValueLogged(world: RotationWorld, values: string[], valuesExpected = true): void {
  const logged = [...world.outputs, ...world.allCalls()].join('\n');
  if (valuesExpected) expect(values.length).toBeGreaterThan(0);
  for (const value of values) {
    expect(value.length).toBeGreaterThanOrEqual(43);
    expect(logged).not.toContain(value);
  }
  expect(logged).not.toContain('PROJECTED.SA.TOKEN');
  expect(logged).not.toContain('hvs.stub.');
}

/** The namespace of `env` in the world. */
export const namespaceOf = (env: SimulatedEnvironment) => `veza-${env.name}`;

/** Each Deployment's pods hold exactly what Vault holds for the keys they read (no divergence). */
export function expectPodsOnVault(world: RotationWorld, env: SimulatedEnvironment): void {
  for (const cls of GENERATED) {
    const vault = world.kvData(KV_MOUNT, kvPath(env, cls));
    for (const d of cls.deployments) {
      const pods = world.pods(namespaceOf(env), d);
      for (const [k, v] of Object.entries(vault)) expect([d, k, pods[k]]).toEqual([d, k, v]);
    }
  }
}

/** Each database consumer's pods hold the password Vault's database engine holds now. */
export function expectPodsOnPassword(world: RotationWorld, env: SimulatedEnvironment): void {
  for (const d of DATABASE.deployments) for (const k of DATABASE.keys) expect([d, k, world.pods(namespaceOf(env), d)[k]]).toEqual([d, k, world.dbPassword(DB_MOUNT, dbRole(env))]);
}

/** A different start second for each day and environment (CronJobs never start on the same second). */
export const jitter = (day: number, envIndex: number) => (day * 37 + envIndex * 11) % 300;

/** The world's state (every file of Vault and Kubernetes, with its bytes), without the stubs' own logs. */
export function stateOf(world: RotationWorld): string[] {
  return snapshot(world.state).filter((line) => !/^(calls|used|count|killed) /.test(line));
}

/** A world bootstrapped on day 0, at `day` of the first cycle of `env`. */
export function bootstrapped(env: SimulatedEnvironment, cls: GeneratedClass, shell: string): RotationWorld {
  const world = generateWorld([env]);
  world.now = START;
  const r = world.run(generateEnv(env, cls, 'bootstrap-job'), shell);
  if (r.status !== 0) throw new Error(r.stderr);
  return world;
}

/** The environment that rotates last (production by default). */
export const PRODUCTION = ENVIRONMENTS[ENVIRONMENTS.length - 1];
export const CLASS = GENERATED[0];
export const dueDay = (env: SimulatedEnvironment, cls: GeneratedClass) => cls.intervalDays + env.offsetDays;

/** Runs of one kind of write (bootstrap, rotation, retire): the world just before it, and the script's environment. */
export const KILL_SCENARIOS: [string, (shell: string) => RotationWorld][] = [
  ['bootstrap', () => { const w = generateWorld([PRODUCTION]); w.now = START; return w; }],
  ['rotation', (shell) => { const w = bootstrapped(PRODUCTION, CLASS, shell); w.now = START + dueDay(PRODUCTION, CLASS) * DAY; return w; }],
  ['retire', (shell) => {
    const w = bootstrapped(PRODUCTION, CLASS, shell);
    w.now = START + dueDay(PRODUCTION, CLASS) * DAY;
    if (w.run(generateEnv(PRODUCTION, CLASS), shell).status !== 0) throw new Error('rotation failed');
    w.now += DAY;
    return w;
  }],
];

/**
 * Where to kill a run, from the stub calls of an uninterrupted one (1-based): before its first call,
 * and before and after each write. A kill anywhere else leaves the state of one of these: before a
 * read = after the write before it (or before the first call).
 */
export function killPoints(calls: string[]): string[] {
  const points = ['1:before'];
  calls.forEach((call, i) => {
    if (isWrite(call)) points.push(`${i + 1}:before`, `${i + 1}:after`);
  });
  return [...new Set(points)];
}

/**
 * The kills of one scenario that leave the same state (a kill after a write and one before the next
 * call that writes, with only reads between; every file of Vault and Kubernetes byte for byte):
 * the runs that follow are the same, so they run once per state. Returns true when `world`'s state
 * is one already resumed from (then only what the killed run logged is checked here).
 */
export function resumedFrom(): (world: RotationWorld, point: string) => boolean {
  const seen = new Map<string, string>();
  return (world, point) => {
    const state = stateOf(world).join('\n');
    if (!seen.has(state)) {
      seen.set(state, point);
      return false;
    }
    expectNoValueLogged(world, allValues(world, [PRODUCTION]), false);
    return true;
  };
}

