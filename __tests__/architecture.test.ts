// The shape of lib/: no runtime import cycle, and each layer imports only the layers below it.
// The graph is the one Node.js loads: imports used only as types are erased first.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importCycles, runtimeImportGraph } from './support/import-graph';

const root = path.join(__dirname, '..');
const graph = runtimeImportGraph(root, 'lib');

/** `lib/veza/runbook` -> `lib/veza`, `lib/index` -> `lib/index`. */
const layer = (file: string) => file.split('/').slice(0, 2).join('/');

describe('the import graph of lib/', () => {
  test('reads every module of lib/', () => {
    expect(graph.get('lib/eso/external-secret')).toContain('lib/output/deployment-unit');
    expect(graph.size).toBeGreaterThan(40);
  });

  test('has no runtime import cycle', () => {
    expect(importCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  // What a layer must never load: the generic ESO kit knows no Veza, no CLI and no policy pass;
  // the output writer knows no construct above it; nothing below the CLI loads it.
  test.each([
    ['lib/eso', ['lib/veza', 'lib/cli', 'lib/policy', 'lib/control-plane', 'lib/index']],
    ['lib/output', ['lib/eso', 'lib/veza', 'lib/cli', 'lib/policy', 'lib/control-plane', 'lib/config', 'lib/index']],
    ['lib/policy', ['lib/veza', 'lib/cli', 'lib/index']],
    ['lib/control-plane', ['lib/veza', 'lib/cli', 'lib/policy', 'lib/index']],
    ['lib/config', ['lib/veza', 'lib/cli', 'lib/policy', 'lib/index']],
    ['lib/veza', ['lib/cli', 'lib/index']],
  ])('%s loads nothing from %j', (from, forbidden) => {
    const found = [...graph].flatMap(([file, targets]) => (layer(file) === from ? targets.filter((t) => forbidden.includes(layer(t))).map((t) => `${file} -> ${t}`) : []));
    expect(found).toEqual([]);
  });
});

describe('the public API', () => {
  // A user reads an entry point's export list on one screen; internals are imported from their modules.
  test.each(['lib/index.ts', 'lib/veza/index.ts'])('%s lists its exports by name and fits on one screen', (file) => {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').trimEnd().split('\n');
    expect(lines.filter((l) => /^export \*/.test(l))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(lines.filter((l) => l.length > 120)).toEqual([]);
  });
});

describe('names read from the objects that own them', () => {
  // A constant of lib/veza/layout.ts that names one object is read by the construct that creates
  // that object only; everything else reads the name from the object (passed by reference).
  test.each([
    ['ESO_NAMESPACE', ['lib/veza/veza-cluster.ts']],
    ['ESO_DEPLOYMENT', ['lib/veza/veza-cluster.ts']],
    ['STORE_NAMES', ['lib/veza/provider-secrets.ts']],
    ['DATABASE_CREDENTIALS_GENERATOR', ['lib/veza/vault-integration.ts']],
    ['ROTATION_CLASS_LABEL', ['lib/veza/rotation.ts']],
    ['ROTATION_FILE', ['lib/veza/rotation.ts']],
    ['TARGET_SECRET', ['lib/veza/provider-secrets.ts']],
    ['SECRETS_EXAMPLE_FILE', ['lib/veza/veza-environment.ts']],
  ])('%s is used by %j only', (name, owners) => {
    const users = [...graph.keys()].map((m) => `${m}.ts`)
      .filter((file) => file !== 'lib/veza/layout.ts' && !file.endsWith('/index.ts'))
      .filter((file) => new RegExp(`\\b${name}\\b`).test(fs.readFileSync(path.join(root, file), 'utf8')));
    expect(users).toEqual(owners);
  });
});

describe('the cycle finder', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('src/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    write('src/b.ts', "import { c } from './sub';\nexport const b = () => c;\n");
    write('src/sub/index.ts', "import { a } from '../a';\nexport const c = () => a;\n");
    // Imports used only as types are erased: no cycle at run time.
    write('src/t1.ts', "import { T2 } from './t2';\nexport interface T1 { t2?: T2 }\n");
    write('src/t2.ts', "import type { T1 } from './t1';\nexport interface T2 { t1?: T1 }\nexport const two = 2;\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('finds a cycle through an index.ts once, and none through type-only imports', () => {
    expect(importCycles(runtimeImportGraph(dir, 'src'))).toEqual([['src/a', 'src/b', 'src/sub/index']]);
  });
});
