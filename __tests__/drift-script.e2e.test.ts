/** The CI drift check, scripts/check-drift.sh: passes on the committed project, fails on a drifted dist/ naming the files. */
import * as fs from 'fs';
import * as path from 'path';
import { copyProject, run, tempDir } from './support/project';

let project: string;
beforeAll(() => { project = copyProject(tempDir('veza-drift-'), { build: true }); });
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test('a drifted dist/ fails, naming each differing file', () => {
  expect(run('bash', ['scripts/check-drift.sh'], project)).toMatchObject({ status: 0, stderr: '' });
  fs.appendFileSync(path.join(project, 'dist', 'production', 'namespace.yaml'), '# edited by hand\n');
  fs.writeFileSync(path.join(project, 'dist', 'production', 'stray.yaml'), 'kind: ConfigMap\n');
  const result = run('bash', ['scripts/check-drift.sh'], project);
  expect(result.status).toBe(1);
  expect(result.stderr.split('\n').slice(0, 3)).toEqual([
    'drift: the committed dist/ differs from a fresh synth of environments/:',
    'Files dist/production/namespace.yaml and <fresh synth>/production/namespace.yaml differ',
    'Only in dist/production: stray.yaml',
  ]);
  expect(result.stderr).toContain('-# edited by hand');
});
