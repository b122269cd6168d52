// Extracts an npm package tarball (`npm pack`: a gzipped ustar archive whose entries are under
// `package/`) the way npm installs it: each file under the folder given, with its mode. Node.js
// alone (no `tar` command on the user's machine is assumed).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Extracts the tarball `tgz` into `dir` (the `package/` prefix dropped); returns the files' paths, relative. */
export function extractPackage(tgz: string, dir: string): string[] {
  const tar = zlib.gunzipSync(fs.readFileSync(tgz));
  const text = (at: number, length: number) => tar.toString('utf8', at, at + length).replace(/\0.*$/s, '');
  const octal = (at: number, length: number) => parseInt(text(at, length).trim() || '0', 8);
  const files: string[] = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) break; // the end: two zero blocks
    const size = octal(at + 124, 12);
    const mode = octal(at + 100, 8) & 0o777;
    const type = String.fromCharCode(tar[at + 156] || 0x30);
    const prefix = text(at + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(at, 100)}` : text(at, 100));
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    longName = undefined;
    if (type === 'x') {
      // A pax header: its `path` record names the next entry.
      const record = body.toString('utf8').split('\n').find((l) => / path=/.test(l));
      if (record) longName = record.slice(record.indexOf(' path=') + ' path='.length);
      continue;
    }
    if (type !== '0' && type !== '5') throw new Error(`${tgz}: entry ${name} has type ${type}; npm packs files and folders only`);
    const rel = name.replace(/^package\//, '');
    if (rel === name || rel.split('/').includes('..')) throw new Error(`${tgz}: entry ${name} is not under package/`);
    const target = path.join(dir, rel);
    if (type === '5') {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, body, { mode });
    files.push(rel);
  }
  return files.sort();
}
