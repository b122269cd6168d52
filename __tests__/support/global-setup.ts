// Jest's globalSetup: the folder of this run's one shared build of the current sources
// (support/project.ts `sharedBuild`), removed by global-teardown.ts. Inside build/, so the compiled
// app resolves node_modules and its own package.
//
// And the run's own temporary folder (TMPDIR, which os.tmpdir() reads in the workers and in every
// process the suites start), removed by global-teardown.ts too: what a test leaves behind there
// (cdk8s's Testing.app() makes a folder per app and never removes it: 159 per `npm test`) goes
// with the run. Jest's own cache stays where it is: its folder was chosen before this runs.
//
// Under `npm test` (scripts/test.js), which has just brought build/ up to date with `tsc -b` and
// says so in VEZA_TEST_BUILD_FROM, the shared build is a copy of that output taken now (a later
// rebuild of build/, by a concurrent `npm run synth`, does not change it under the suites). Under a
// bare `jest`, the first suite that asks compiles it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const { OUT } = require('../../scripts/synth/sources') as { OUT: { dir: string } };

export default function globalSetup(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-test-'));
  process.env.VEZA_TEST_TMPDIR = tmp;
  process.env.TMPDIR = tmp;
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
