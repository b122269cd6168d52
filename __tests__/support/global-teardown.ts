// Jest's globalTeardown: removes the run's shared build and its temporary folder (global-setup.ts).
import * as fs from 'fs';

export default function globalTeardown(): void {
  for (const dir of [process.env.VEZA_TEST_BUILD, process.env.VEZA_TEST_TMPDIR]) {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
