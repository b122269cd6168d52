import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RenderedFile } from '../lib';
import { readDirectory, replaceDirectory } from '../lib/output/swap';

// replaceDirectory writes only the files whose bytes or mode changed; the others are hard links
// to the previous tree's files, so the swap stays one rename of a complete tree.
let dir: string;
let out: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-swap-links-'));
  out = path.join(dir, 'dist');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const FILES: RenderedFile[] = [
  { path: 'a.yaml', content: 'a: 1\n', executable: false },
  { path: 'sub/b.yaml', content: 'b: 2\n', executable: false },
  { path: 'sub/deeper/run.sh', content: '#!/bin/sh\necho run\n', executable: true },
  { path: 'sub/deeper/c.yaml', content: 'c: 3\n', executable: false },
];

const inode = (p: string) => fs.statSync(path.join(out, p)).ino;
const mode = (p: string) => fs.statSync(path.join(out, p)).mode & 0o777;

test('unchanged files are the previous files (hard links); a changed one is written anew; the result is exactly the files', () => {
  replaceDirectory(out, FILES);
  const before = Object.fromEntries(FILES.map((f) => [f.path, inode(f.path)]));
  const changed = FILES.map((f) => (f.path === 'sub/b.yaml' ? { ...f, content: 'b: 20\n' } : f));
  replaceDirectory(out, changed);
  expect(readDirectory(out)).toEqual([...changed].sort((x, y) => (x.path < y.path ? -1 : 1)));
  for (const f of FILES) {
    if (f.path === 'sub/b.yaml') expect(inode(f.path)).not.toBe(before[f.path]);
    else expect(inode(f.path)).toBe(before[f.path]);
    expect(fs.statSync(path.join(out, f.path)).nlink).toBe(1);
  }
  expect(fs.readdirSync(dir)).toEqual(['dist']);
});

test('a file whose mode changes, or that has another link, is written anew', () => {
  replaceDirectory(out, FILES);
  const outside = path.join(dir, 'outside-link');
  fs.linkSync(path.join(out, 'a.yaml'), outside);
  const [a, run] = [inode('a.yaml'), inode('sub/deeper/run.sh')];
  replaceDirectory(out, FILES.map((f) => (f.path === 'sub/deeper/run.sh' ? { ...f, executable: false } : f)));
  expect(inode('a.yaml')).not.toBe(a);
  expect(inode('sub/deeper/run.sh')).not.toBe(run);
  expect(mode('sub/deeper/run.sh')).toBe(0o644);
  // The file outside the tree kept its link to the old file alone.
  expect(fs.statSync(outside).nlink).toBe(1);
  expect(fs.readFileSync(outside, 'utf8')).toBe('a: 1\n');
});

test('a file edited in place since the last synth is written again with the rendered bytes', () => {
  replaceDirectory(out, FILES);
  fs.writeFileSync(path.join(out, 'a.yaml'), 'a: 9\n');
  replaceDirectory(out, FILES);
  expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('a: 1\n');
});

test('a previous file that is not valid UTF-8 is not taken for content that decodes the same', () => {
  // A truncated 4-byte sequence decodes to U+FFFD, which is 3 bytes in UTF-8 too: same size, same text.
  const file: RenderedFile = { path: 'a.yaml', content: 'a: \ufffd\n', executable: false };
  replaceDirectory(out, [file]);
  fs.writeFileSync(path.join(out, 'a.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xf0, 0x9f, 0x98, 0x0a]));
  expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe(file.content);
  replaceDirectory(out, [file]);
  expect(fs.readFileSync(path.join(out, 'a.yaml'))).toEqual(Buffer.from(file.content));
});

test('a swap that fails after staging leaves the previous files as they were, each linked once', () => {
  replaceDirectory(out, FILES);
  const before = Object.fromEntries(FILES.map((f) => [f.path, inode(f.path)]));
  const fail = (step: string) => {
    if (step === 'staged') throw Object.assign(new Error('injected failure'), { code: 'EIO' });
  };
  expect(() => replaceDirectory(out, FILES.map((f) => ({ ...f, content: `${f.content}#\n` })), { onStep: fail })).toThrow('injected failure');
  expect(readDirectory(out)).toEqual([...FILES].sort((x, y) => (x.path < y.path ? -1 : 1)));
  for (const f of FILES) expect({ path: f.path, ino: inode(f.path), nlink: fs.statSync(path.join(out, f.path)).nlink }).toEqual({ path: f.path, ino: before[f.path], nlink: 1 });
  expect(fs.readdirSync(dir)).toEqual(['dist']);
});

test.each([0o022, 0o077, 0o002, 0o000])('files get modes 0644 and 0755 and folders 0755 under umask %o', (umask) => {
  const previous = process.umask(umask);
  try {
    replaceDirectory(out, FILES);
    replaceDirectory(out, FILES.map((f) => (f.path === 'a.yaml' ? { ...f, content: 'a: 2\n' } : f)));
  } finally {
    process.umask(previous);
  }
  for (const f of FILES) expect({ path: f.path, mode: mode(f.path) }).toEqual({ path: f.path, mode: f.executable ? 0o755 : 0o644 });
  for (const folder of ['.', 'sub', 'sub/deeper']) expect({ folder, mode: mode(folder) }).toEqual({ folder, mode: 0o755 });
});
