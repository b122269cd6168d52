import * as path from 'path';
import { RenderedFile } from '../lib';
import { readDirectory } from '../lib/output/swap';
import { renderVeza } from '../lib/veza';

const root = path.join(__dirname, '..');

/** One line per differing file: what differs, and the first line that does. */
function differences(expected: RenderedFile[], committed: RenderedFile[]): string[] {
  const byPath = new Map(committed.map((c) => [c.path, c]));
  const out: string[] = [];
  for (const f of expected) {
    const c = byPath.get(f.path);
    if (!c) out.push(`missing from dist/: dist/${f.path}`);
    else if (c.content !== f.content) {
      const a = c.content.split('\n');
      const b = f.content.split('\n');
      const i = b.findIndex((line, n) => line !== a[n]);
      const at = i < 0 ? a.length - 1 : i;
      out.push(`changed: dist/${f.path} (line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, synthesized ${JSON.stringify(b[at] ?? '<end>')})`);
    } else if (c.executable !== f.executable) out.push(`executable bit differs: dist/${f.path}`);
  }
  for (const c of committed) if (!expected.some((f) => f.path === c.path)) out.push(`not synthesized any more: dist/${c.path}`);
  return out;
}

test('the committed dist/ is exactly what the code synthesizes', () => {
  const differing = differences(renderVeza(path.join(root, 'environments')), readDirectory(path.join(root, 'dist')));
  if (differing.length > 0) {
    throw new Error(`dist/ differs from a fresh synth in ${differing.length} file(s); run \`npm run synth\` and commit dist/:\n${differing.join('\n')}`);
  }
});

test('a drifted file is named with its first differing line', () => {
  const file = { path: 'production/namespace.yaml', content: 'a\nb\n', executable: false };
  expect(differences([file], [{ ...file, content: 'a\nc\n' }, { ...file, path: 'old.yaml' }])).toEqual([
    'changed: dist/production/namespace.yaml (line 2: committed "c", synthesized "b")',
    'not synthesized any more: dist/old.yaml',
  ]);
});
