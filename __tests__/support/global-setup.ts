// Jest's globalSetup: the folder of this run's one shared build of the current sources
// (support/project.ts `sharedBuild`), removed by global-teardown.ts. Inside build/, so the compiled
// app resolves node_modules and its own package.
//
// Under `npm test` (scripts/test.js), which has just brought build/ up to date with `tsc -b` and
// says so in VEZA_TEST_BUILD_FROM, the shared build is a copy of that output taken now (a later
// rebuild of build/, by a concurrent `npm run synth`, does not change it under the suites). Under a
// bare `jest`, the first suite that asks compiles it.
import * as fs from 'fs';
import * as path from 'path';

const { OUT } = require('../../scripts/synth/sources') as { OUT: { dir: string } };

export default function globalSetup(): void {
  const build = path.join(__dirname, '..', '..', 'build');
  fs.mkdirSync(build, { recursive: true });
  const dir = fs.mkdtempSync(path.join(build, '.test-build-'));
  process.env.VEZA_TEST_BUILD = dir;
  const from = process.env.VEZA_TEST_BUILD_FROM;
  if (from) {
    // tsc's output (main.js, lib/, imports/ and their declarations); not its build info, the runs'
    // shared builds (dot-names) or the synth's snapshot (scripts/synth/sources.js OUT.dir).
    const snapshotDir = path.resolve(__dirname, '..', '..', OUT.dir);
    for (const entry of fs.readdirSync(from)) {
      if (entry.startsWith('.') || path.resolve(from, entry) === snapshotDir) continue;
      fs.cpSync(path.join(from, entry), path.join(dir, entry), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, '.done'), '');
  }
}
