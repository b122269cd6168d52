// Jest's globalSetup: an empty folder for this run's one shared build of the current sources
// (support/project.ts `sharedBuild`, compiled by the first suite that asks), removed by
// global-teardown.ts. Inside build/, so the compiled app resolves node_modules and its own package.
import * as fs from 'fs';
import * as path from 'path';

export default function globalSetup(): void {
  const build = path.join(__dirname, '..', '..', 'build');
  fs.mkdirSync(build, { recursive: true });
  process.env.VEZA_TEST_BUILD = fs.mkdtempSync(path.join(build, '.test-build-'));
}
