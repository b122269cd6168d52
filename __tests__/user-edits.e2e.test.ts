// The two edits a user makes most (the README's "Add an environment" and "Add a secret") keep the
// tests green: in a temporary copy of the project with a fourth environment (qa, a copy of staging
// renamed) and a tenth catalog key (sentry-dsn), the synth runs, the type check passes and the
// whole-app test files pass, each testing qa and sentry-dsn too.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, run, tempDir } from './support/project';

/** What the copy needs to build, synthesize, type-check and run the tests below. */
const ENTRIES = ['docs', 'environments', 'lib', 'imports', 'scripts', 'examples', '__tests__', 'main.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'cdk8s.yaml', 'gitops.yaml', 'dist'];

/** The whole-app tests: each derives what it expects from environments/ and the catalog. */
const TEST_FILES = ['veza-app', 'environment', 'gitops', 'migrate', 'types', 'readme', 'secrets-example', 'veza-consumers', 'dist-drift'];

/** The README's "Add a secret", step 1: one entry in the catalog. */
const SENTRY_ENTRY = `    'sentry-dsn': {
      description: 'Sentry DSN for error reporting',
      placeholder: 'https://PUBLIC_KEY@o0.ingest.sentry.io/0',
      consumers: BACKEND,
      rotation: ROTATION_CLASSES.providerApiKey,
    },
`;

test('a fourth environment and a tenth key: synth, type check and the whole-app tests pass in a copy', () => {
  const dir = tempDir('veza-user-edits-');
  try {
    for (const entry of ENTRIES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.rmSync(path.join(dir, '__tests__', 'user-edits.e2e.test.ts'));

    // Add an environment as the README says: copy staging, rename all but its tier.
    const staging = fs.readFileSync(path.join(dir, 'environments', 'staging.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'environments', 'qa.yaml'), staging.replace(/staging/g, 'qa').replace(/^tier: qa$/m, 'tier: staging'));
    // Add a secret: one catalog entry, after the last one.
    const catalogFile = path.join(dir, 'lib', 'veza', 'catalog.ts');
    const catalog = fs.readFileSync(catalogFile, 'utf8');
    const end = catalog.indexOf('  },\n});\n\n/** The type of Veza\'s catalog. */');
    expect(end).toBeGreaterThan(0);
    fs.writeFileSync(catalogFile, catalog.slice(0, end) + SENTRY_ENTRY + catalog.slice(end));

    // npm run synth, then npm test's type check, then jest on the whole-app tests.
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = run(process.execPath, [tsc, '-b', 'tsconfig.build.json'], dir);
    expect(build.stdout + build.stderr).toBe('');
    const synth = run(process.execPath, ['build/main.js'], dir);
    expect([synth.status, synth.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(dir, 'dist', 'qa', 'external-secrets', 'veza-secrets.yaml'), 'utf8')).toContain('secretKey: sentry-dsn');
    const check = run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    expect(check.stdout + check.stderr).toBe('');

    const report = path.join(dir, 'jest-report.json');
    const jest = spawnSync(process.execPath, [
      path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--rootDir', dir, '--json', '--outputFile', report,
      ...TEST_FILES.map((f) => `__tests__/${f}.test.ts`),
    ], { cwd: dir, encoding: 'utf8', timeout: 540_000 });
    const results = JSON.parse(fs.readFileSync(report, 'utf8')) as { numFailedTests: number; numPassedTests: number; testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[] };
    const failed = results.testResults.flatMap((r) => r.assertionResults.filter((a) => a.status === 'failed').map((a) => `${path.basename(r.name)}: ${a.fullName}\n${a.failureMessages.join('\n').slice(0, 2000)}`));
    expect(failed).toEqual([]);
    expect(jest.status).toBe(0);
    expect(results.testResults.map((r) => path.basename(r.name)).sort()).toEqual(TEST_FILES.map((f) => `${f}.test.ts`).sort());
    // The new environment and the new key were tested, not only tolerated.
    const names = results.testResults.flatMap((r) => r.assertionResults.filter((a) => a.status === 'passed').map((a) => a.fullName));
    expect(names).toEqual(expect.arrayContaining([
      'dist/qa (the committed app) the ExternalSecret veza-secrets writes every catalog key: database-url from the database engine, the others from secret/veza/<env>',
      'every provider can be the applied one, in every environment qa with provider aws',
    ]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
