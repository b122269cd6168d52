// Jest's globalTeardown: removes the run's shared build (global-setup.ts).
import * as fs from 'fs';

export default function globalTeardown(): void {
  const dir = process.env.VEZA_TEST_BUILD;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
