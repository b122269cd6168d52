// The package as a user gets it: `npm pack`, extracted into a separate cdk8s project's node_modules, which
// synthesizes a chart that imports the constructs and a Deployment that consumes `veza-secrets`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { extractPackage } from './support/tarball';

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// A chart in plain CommonJS, as in a JavaScript cdk8s project.
const CHART_JS = `
const { App } = require('cdk8s');
const kplus = require('cdk8s-plus-28');
const { Duration } = require('cdk8s');
const { ExternalSecret, ManifestFile, renderApp, RotationMethod, SecretRotation, VaultKubernetesAuthIntegration, VaultSecretStore } = require('veza-secrets');

const app = new App();
const file = new ManifestFile(app, 'Shop', { path: 'shop/secrets.yaml', namespace: 'shop' });
const store = new VaultSecretStore(file, 'vault-store', { server: 'https://vault.example:8200', path: 'shop/production' });
const secrets = new ExternalSecret(file, 'veza-secrets', { store, data: [{ secretKey: 'jwt-secret' }] });
new kplus.Deployment(file, 'Api', {
  metadata: { name: 'api' },
  containers: [{
    image: 'registry.example/api:1.0.0',
    envVariables: {
      JWT_SECRET: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(file, 'Target', secrets.targetName), key: 'jwt-secret' }),
    },
  }],
});
const files = renderApp(app);
// The rotation script the package ships, as a SecretRotation puts it in its ConfigMap.
const rotationFile = new ManifestFile(new App(), 'Rotation', { path: 'shop/secrets-rotation.yaml', namespace: 'shop' });
const vaultStore = new VaultSecretStore(rotationFile, 'vault-store', { server: 'https://vault.example:8200', path: 'shop/production' });
const vault = new VaultKubernetesAuthIntegration(rotationFile, 'vault', { store: vaultStore });
const rotated = new ExternalSecret(rotationFile, 'shop-secrets', { store: vaultStore, data: ['jwt-secret', 'jwt-secret-previous'].map((k) => ({ secretKey: k, remoteRef: vaultStore.remoteRefAt('signing', k) })) });
new SecretRotation(rotationFile, 'rotation', { externalSecret: rotated, vault })
  .addRotation({ name: 'signing', method: RotationMethod.GENERATE, interval: Duration.days(30), description: 'd' }, { keys: ['jwt-secret'], deployments: [SecretRotation.deploymentFromName('api')] });
const script = rotationFile.toJson().find((o) => o.kind === 'ConfigMap');
// The second entry point: Veza's app on top of the kit.
const { VEZA_CATALOG, VezaApp } = require('veza-secrets/veza');
process.stdout.write(JSON.stringify({ files, synthYaml: app.synthYaml(), rotationScript: Object.values(script.data)[0], vezaKeys: VEZA_CATALOG.all.map((e) => e.key), vezaApp: typeof VezaApp }));
`;

// The same from TypeScript: the package's types resolve through \`exports\` and \`types\`.
const CHART_TS = `
import { App } from 'cdk8s';
import { ExternalSecret, ExternalSecretProps, ManifestFile, RenderedFile, renderApp, VaultSecretStore } from 'veza-secrets';
import { VEZA_CATALOG } from 'veza-secrets/veza';
const app = new App();
const file = new ManifestFile(app, 'Shop', { path: 'shop/secrets.yaml', namespace: 'shop' });
const props: ExternalSecretProps = { store: new VaultSecretStore(file, 'vault-store', { server: 'https://vault.example:8200', path: 'p' }) };
const secrets: ExternalSecret = new ExternalSecret(file, 'veza-secrets', props);
const name: string = secrets.targetName;
const files: RenderedFile[] = renderApp(app);
const keys: string[] = VEZA_CATALOG.all.map((e) => e.key);
export { name, files, keys };
`;

let work: string;
let packedFiles: string[];
let result: { files: { path: string; content: string }[]; synthYaml: string; rotationScript: string; vezaKeys: string[]; vezaApp: string };

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-package-'));
  // Packed once, from a copy of the repository without build/ (node_modules linked): what npm does
  // for a git dependency (clone, install the devDependencies, pack, which runs `prepare`) and what a
  // release from a clean checkout packs. No build/ left from an older source can slip in.
  const clone = path.join(work, 'clone');
  for (const entry of ['lib', 'imports', 'scripts', 'bin', 'main.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) {
    fs.cpSync(path.join(root, entry), path.join(clone, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  packedFiles = packed[0].files.map((f: { path: string }) => f.path);
  const tarball = path.join(work, packed[0].filename);
  const project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // What `npm install <tarball> cdk8s cdk8s-plus-28 constructs` makes, without npm's resolution
  // (seconds here): the tarball's files in node_modules/veza-secrets, and each dependency its
  // package.json declares, and the chart's own, linked from this project's node_modules (the
  // versions npm installed here). A module the package needs without declaring it is not found:
  // node_modules/veza-secrets resolves only what is beside it.
  const installed = path.join(project, 'node_modules', 'veza-secrets');
  expect(extractPackage(tarball, installed)).toEqual([...packedFiles].sort());
  const declared = Object.keys(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).dependencies ?? {});
  for (const dep of new Set([...declared, 'cdk8s', 'cdk8s-plus-28', 'constructs'])) {
    fs.mkdirSync(path.dirname(path.join(project, 'node_modules', dep)), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(project, 'node_modules', dep), 'dir');
  }
  fs.writeFileSync(path.join(project, 'chart.js'), CHART_JS);
  fs.writeFileSync(path.join(project, 'chart.ts'), CHART_TS);
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'commonjs', target: 'ES2022', types: [], skipLibCheck: true },
    files: ['chart.ts'],
  }));
  result = JSON.parse(execFileSync(process.execPath, ['chart.js'], { cwd: project, encoding: 'utf8' }));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the packed package holds the compiled library and its types, not the sources or the app', () => {
  const paths = packedFiles;
  expect(paths).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/imports/external-secrets.io.js',
    'build/imports/generators.external-secrets.io.js', // VaultDynamicSecret
    // Read at synth by SecretRotation (found by the package's self-reference, veza-secrets/package.json), and the command line.
    'scripts/rotation/rotate-secrets.sh', 'bin/veza-secrets.js',
  ]));
  expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  expect(paths.filter((p) => p.startsWith('build/main') || p.startsWith('dist/') || p.startsWith('environments/'))).toEqual([]);
});

test('a separate project installs the tarball and synthesizes the ExternalSecret and a Deployment reading veza-secrets', () => {
  expect(result.files.map((f) => f.path)).toEqual(['shop/secrets.yaml']);
  const yaml = result.files[0].content;
  expect(yaml).toContain('apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: vault-store\n  namespace: shop\n');
  expect(yaml).toContain('apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: veza-secrets\n  namespace: shop\n');
  expect(yaml).toMatch(/kind: Deployment\nmetadata:\n  name: api\n/);
  expect(yaml).toMatch(/- name: JWT_SECRET\n\s+valueFrom:\n\s+secretKeyRef:\n\s+key: jwt-secret\n\s+name: veza-secrets\n/);
  // The plain cdk8s synthesis of the same app holds the same objects.
  expect(result.synthYaml).toContain('kind: ExternalSecret');
});

test('the installed package serves its second entry point, veza-secrets/veza (exports)', () => {
  const { VEZA_CATALOG } = require('../lib/veza');
  expect(result.vezaKeys).toEqual(VEZA_CATALOG.all.map((e: { key: string }) => e.key));
  expect(result.vezaApp).toBe('function');
});

test('the installed package finds the rotation script it ships: a SecretRotation puts it in its ConfigMap', () => {
  expect(result.rotationScript).toBe(fs.readFileSync(path.join(root, 'scripts', 'rotation', 'rotate-secrets.sh'), 'utf8'));
});

test('the package types resolve in a TypeScript project', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  expect(execFileSync(process.execPath, [tsc, '-p', path.join(work, 'consumer')], { encoding: 'utf8' })).toBe('');
});

test('a git dependency builds on install: npm runs `prepare` in its clone before packing, so build/ is in what it installs', () => {
  // What npm does for `npm install git+https://...`: clone, install the devDependencies, pack
  // (running `prepare`), install the tarball; beforeAll packed such a clone, without build/.
  // (Checked by hand end to end: `npm install git+file://<clone>`.)
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.scripts.prepare).toBe('tsc -b tsconfig.build.json');
  expect(packedFiles).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/cli/index.js', 'bin/veza-secrets.js']));
});
