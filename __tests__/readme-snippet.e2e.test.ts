// The README's "Using the constructs in your own stack" snippet compiles against the library and
// synthesizes what it says: a service names only its own keys, and its pods roll on changes.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sharedBuild } from './support/project';

const root = path.join(__dirname, '..');

function snippet(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the constructs in your own stack'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md: no ts block in "Using the constructs in your own stack"');
  return match[1];
}

test('the README snippet type-checks against the library, and a key of another service does not', () => {
  const dir = fs.mkdtempSync(path.join(root, 'build', 'readme-snippet-'));
  try {
    const lib = path.relative(dir, path.join(root, 'lib')).split(path.sep).join('/');
    const code = snippet().replace(`from 'veza-secrets/veza'`, `from '${lib}/veza'`).replace(`from 'veza-secrets'`, `from '${lib}'`);
    fs.writeFileSync(path.join(dir, 'snippet.ts'), code);
    // The comment's claim, made real: the stream server cannot name the backend's key.
    fs.writeFileSync(path.join(dir, 'wrong.ts'), `${code}\nsecrets.forService('veza-stream-server').envValue('stripe-api-key');\n`);
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    const options = ['--ignoreConfig', '--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop', '--target', 'ES2022', '--module', 'commonjs', '--types', 'node'];
    execFileSync(tsc, [...options, path.join(dir, 'snippet.ts')], { cwd: root, encoding: 'utf8' });
    let output = '';
    try {
      execFileSync(tsc, [...options, path.join(dir, 'wrong.ts')], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout);
    }
    expect(output).toMatch(/wrong\.ts\(\d+,\d+\): error TS2345: Argument of type '"stripe-api-key"' is not assignable/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the README snippet runs and writes its chart with app.synth()', () => {
  const dir = fs.mkdtempSync(path.join(root, 'build', 'readme-snippet-run-'));
  try {
    // Against the compiled library (build/lib as the package ships it: the run's shared build), compiled and run in dir.
    const code = snippet()
      .replace(`from 'veza-secrets/veza'`, `from ${JSON.stringify(path.join(sharedBuild(), 'lib', 'veza'))}`)
      .replace(`from 'veza-secrets'`, `from ${JSON.stringify(path.join(sharedBuild(), 'lib'))}`);
    fs.writeFileSync(path.join(dir, 'snippet.ts'), code);
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    execFileSync(tsc, ['--ignoreConfig', '--strict', '--skipLibCheck', '--esModuleInterop', '--target', 'ES2022', '--module', 'commonjs', '--types', 'node', '--outDir', path.join(dir, 'out'), path.join(dir, 'snippet.ts')], { cwd: root, encoding: 'utf8' });
    const env = { ...process.env };
    delete env.CDK8S_OUTDIR; // App's default outdir, dist/
    execFileSync(process.execPath, [path.join(dir, 'out', 'snippet.js')], { cwd: dir, encoding: 'utf8', env });
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['backend.k8s.yaml']);
    const yaml = fs.readFileSync(path.join(dir, 'dist', 'backend.k8s.yaml'), 'utf8');
    expect(yaml).toContain('kind: ExternalSecret\n');
    expect(yaml).toMatch(/- name: JWT_SECRET\n\s+valueFrom:\n\s+secretKeyRef:\n\s+key: jwt-secret\n\s+name: veza-secrets\n/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
