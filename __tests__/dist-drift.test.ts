import * as path from 'path';
import { readDirectory, renderVeza } from '../lib';

const root = path.join(__dirname, '..');

test('the committed dist/ is exactly what the code synthesizes', () => {
  const expected = renderVeza(path.join(root, 'environments'));
  const committed = readDirectory(path.join(root, 'dist'));
  const differing = [
    ...expected.filter((f) => committed.find((c) => c.path === f.path)?.content !== f.content).map((f) => `changed or missing: dist/${f.path}`),
    ...committed.filter((c) => !expected.some((f) => f.path === c.path)).map((c) => `not synthesized any more: dist/${c.path}`),
  ];
  // Run `npm run synth` and commit dist/ with the change that caused the difference.
  expect(differing).toEqual([]);
});
