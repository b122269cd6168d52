// `npx veza-secrets` in a checkout never runs a build older than its sources: it builds first,
// with a message, or refuses when it cannot build.
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, ROOT, run, tempDir } from './support/project';

describe('bin/veza-secrets.js in a checkout', () => {
  const dir = copyProject(tempDir('veza-bin-'));
  fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  const bin = path.join(dir, 'bin', 'veza-secrets.js');
  const cli = (...args: string[]) => run(process.execPath, [bin, ...args], dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('without build/, it builds first and says so; then it runs without building', () => {
    const first = cli('diff', '--stat');
    expect(first.stderr).toBe('veza-secrets: build/ is missing; building first (tsc -b tsconfig.build.json).\n');
    expect(first.stdout).toMatch(/^dist\/ is up to date \(\d+ files\)\n$/);
    expect(first.status).toBe(0);
    const second = cli('diff', '--stat');
    expect([second.status, second.stderr]).toEqual([0, '']);
  });

  test('after an edit to the catalog, diff reports the new key instead of "up to date"', () => {
    const file = path.join(dir, 'lib', 'veza', 'catalog.ts');
    const text = fs.readFileSync(file, 'utf8');
    const end = text.indexOf('  },\n});\n\n/** The type of Veza\'s catalog. */');
    fs.writeFileSync(file, `${text.slice(0, end)}    'sentry-dsn': { description: 'Sentry DSN', placeholder: 'X', consumers: BACKEND, rotation: ROTATION_CLASSES.providerApiKey },\n${text.slice(end)}`);
    const future = new Date(Date.now() + 2000); // newer than the build, even on a coarse clock
    fs.utimesSync(file, future, future);
    const out = cli('diff', '--stat');
    expect(out.stderr).toBe('veza-secrets: build/ is older than lib/veza/catalog.ts; building first (tsc -b tsconfig.build.json).\n');
    expect(out.stdout).toContain('changed dist/development/external-secrets/veza-secrets.yaml\n');
    expect(out.stdout).toMatch(/\d+ file\(s\) would change; run `veza-secrets synth` to write them\n$/);
    expect(out.status).toBe(1);
  });

  test('a source that does not compile: it refuses with the compiler\'s errors and exit 2, running nothing', () => {
    const file = path.join(dir, 'lib', 'veza', 'catalog.ts');
    fs.appendFileSync(file, '\nexport const broken: number = "not a number";\n');
    const future = new Date(Date.now() + 4000);
    fs.utimesSync(file, future, future);
    const out = cli('doctor');
    expect(out.status).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe('veza-secrets: build/ is older than lib/veza/catalog.ts; building first (tsc -b tsconfig.build.json).');
    expect(out.stderr).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(out.stderr).toContain('veza-secrets: the build failed (above); nothing was run. Fix the sources, or run `npm run build` to see the errors again.\n');
    expect(out.stdout).not.toContain('ok   node');
  });
});
