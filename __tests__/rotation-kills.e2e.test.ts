// A kill at every step of the real scripts/rotation/rotate-secrets.sh (support/rotation-world.ts),
// then the Job's retry and a later run: one new version (or one rotate-role), consumers on it. Its
// own file so that jest's two workers share the simulation (rotation-simulation.e2e.test.ts).
import { DATABASE, DB_MOUNT, databaseEnv, databaseWorld, dbRole, generateEnv, KV_MOUNT, kvPath, SHELLS, START, SUFFIX } from './support/rotation-contract';
import { allValues, CLASS, expectNoValueLogged, expectPodsOnPassword, expectPodsOnVault, KILL_SCENARIOS, killPoints, namespaceOf, PRODUCTION, resumedFrom } from './support/rotation-simulation';
import { DAY, isWrite, stopRunner } from './support/rotation-world';

// The runs' processes are counted in this test's own (the runner is waited for).
afterAll(() => stopRunner());

// Hundreds of script runs (each a handful of processes): no timing assertion, a generous limit.
jest.setTimeout(30 * 60 * 1000);

describe.each(SHELLS)('a kill at every step under %s', (shell) => {
  const ns = `veza-${PRODUCTION.name}`;
  const p = kvPath(PRODUCTION, CLASS);
  // Every scenario under sh (dash here; busybox ash in the image); under bash the rotation only (the same script path, a second shell's parsing).
  test.each(KILL_SCENARIOS.filter(([kind]) => shell === 'sh' || kind === 'rotation'))('%s: one new version, consumers on it, whatever step the run dies at', (kind, setup) => {
    const base = setup(shell);
    try {
      const clean = base.clone();
      const calls = clean.run(generateEnv(PRODUCTION, CLASS), shell).calls;
      clean.dispose();
      const points = killPoints(calls);
      expect(points.length).toBeGreaterThan(kind === 'bootstrap' ? 10 : 16);
      const resumedAlike = resumedFrom();
      for (const point of points) {
        const world = base.clone();
        try {
          const before = world.kvVersion(KV_MOUNT, p);
          const old = world.kvData(KV_MOUNT, p);
          const killed = world.run(generateEnv(PRODUCTION, CLASS, 'job-a'), shell, point);
          expect([point, killed.killedAt, killed.status]).toEqual([point, Number(point.split(':')[0]), 1]);
          // ESO refreshes meanwhile (a pod restarting now would diverge until the job resumes).
          world.esoRefresh(ns);
          if (resumedAlike(world, point)) continue;
          // The Job's retry (after its backoff), then a later run the same day.
          world.now += 60;
          const retry = world.run(generateEnv(PRODUCTION, CLASS, 'job-a'), shell);
          expect([point, retry.status, retry.stderr]).toEqual([point, 0, expect.any(String)]);
          world.now += 3600;
          const again = world.run(generateEnv(PRODUCTION, CLASS, 'job-b'), shell);
          expect([point, again.status, again.calls.filter(isWrite)]).toEqual([point, 0, []]);
          expect([point, world.kvVersion(KV_MOUNT, p)]).toEqual([point, before + 1]);
          const now = world.kvData(KV_MOUNT, p);
          for (const k of CLASS.keys) {
            if (kind === 'rotation') {
              expect([point, now[k] !== old[k], now[k + SUFFIX]]).toEqual([point, true, old[k]]);
            } else if (kind === 'retire') {
              expect([point, now[k], now[k + SUFFIX]]).toEqual([point, old[k], old[k]]);
            } else {
              expect([point, now[k + SUFFIX]]).toEqual([point, now[k]]);
            }
          }
          expect([point, world.kvMeta(KV_MOUNT, p)['rotation-phase']]).toEqual([point, kind === 'rotation' ? 'grace' : 'done']);
          expectPodsOnVault(world, PRODUCTION);
          expectNoValueLogged(world, allValues(world, [PRODUCTION]));
        } finally {
          world.dispose();
        }
      }
    } finally {
      base.dispose();
    }
  });
});

describe.each(SHELLS)('database-engine under %s', (shell) => {
  const created = START - 3600;

  test('a kill at every step of a due run: one rotate-role, consumers end on the new password', () => {
    const base = databaseWorld([PRODUCTION], created);
    try {
      base.now = START;
      if (base.run(databaseEnv(PRODUCTION), shell).status !== 0) throw new Error('heal failed');
      base.now = START + DATABASE.intervalDays * DAY;
      const clean = base.clone();
      const points = killPoints(clean.run(databaseEnv(PRODUCTION), shell).calls);
      clean.dispose();
      expect(points.length).toBeGreaterThan(6);
      const resumedAlike = resumedFrom();
      for (const point of points) {
        const world = base.clone();
        try {
          const before = world.dbPassword(DB_MOUNT, dbRole(PRODUCTION));
          const killed = world.run(databaseEnv(PRODUCTION), shell, point);
          expect([point, killed.status]).toEqual([point, 1]);
          world.esoRefresh(namespaceOf(PRODUCTION));
          if (resumedAlike(world, point)) continue;
          world.now += 60;
          expect([point, world.run(databaseEnv(PRODUCTION), shell).status]).toEqual([point, 0]);
          world.now += 60;
          expect([point, world.run(databaseEnv(PRODUCTION), shell).calls.filter(isWrite)]).toEqual([point, []]);
          const after = world.dbPassword(DB_MOUNT, dbRole(PRODUCTION));
          expect([point, after !== before, after.split('-')[2]]).toEqual([point, true, '1']);
          expectPodsOnPassword(world, PRODUCTION);
        } finally {
          world.dispose();
        }
      }
    } finally {
      base.dispose();
    }
  });
});
