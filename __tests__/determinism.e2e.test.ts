/**
 * Determinism: the synth writes the same bytes whatever the time zone, the locale and the
 * working folder, and the same bytes as the committed dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, run, sharedBuild, snapshot, tempDir } from './support/project';

let base: string;
let main: string;

beforeAll(() => {
  base = tempDir('veza-determinism-');
  main = path.join(sharedBuild(), 'main.js');
}, 60_000);

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** Synthesizes into `<base>/<name>/dist` from a copy of environments/ and gitops.yaml, run from `<base>/<name>-cwd`. */
function synthUnder(name: string, env: Record<string, string>): string[] {
  const project = path.join(base, name);
  const cwd = path.join(base, `${name}-cwd`, 'elsewhere');
  fs.cpSync(path.join(ROOT, 'environments'), path.join(project, 'environments'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'gitops.yaml'), path.join(project, 'gitops.yaml'));
  fs.mkdirSync(cwd, { recursive: true });
  const result = run(process.execPath, [main], cwd, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VEZA_PROJECT_DIR: project, ...env });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return snapshot(path.join(project, 'dist'));
}

test('the child processes really run under those time zones and locales', () => {
  const probe = "process.stdout.write(Intl.DateTimeFormat().resolvedOptions().timeZone + ' ' + new Intl.Collator().resolvedOptions().locale)";
  const env = { PATH: process.env.PATH ?? '', TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' };
  expect(run(process.execPath, ['-e', probe], base, env).stdout).toBe('Pacific/Kiritimati tr-TR');
});

test('two synths under different time zones, locales and folders write identical bytes, those of dist/', () => {
  const kiritimati = synthUnder('a', { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' });
  const stJohns = synthUnder('b', { TZ: 'America/St_Johns', LANG: 'C', LC_ALL: 'C', LC_COLLATE: 'C' });
  expect(kiritimati.length).toBeGreaterThan(0);
  expect(kiritimati).toEqual(stJohns);
  // Contents only: git keeps no folder modes and no file modes but the executable bit.
  const contents = (lines: string[]) => lines.filter((l) => !l.includes('/ ')).map((l) => `${l.split(' ')[0]} ${l.split(' ')[2]}`);
  expect(contents(kiritimati)).toEqual(contents(snapshot(path.join(ROOT, 'dist'))));
});
