// The Veza secrets app: `npm run synth` (or `cdk8s synth`) renders environments/ into dist/.
// First: any error escaping, even while the modules below load, is one line, exit code 1.
import './lib/cli/one-line-errors';
import { startupSnapshot } from 'v8';
import { synthVeza } from './lib/veza/veza-app';

/** Synthesizes the project in the current folder (or VEZA_PROJECT_DIR) into its dist/. */
export function runSynth(): void {
  process.exitCode = synthVeza({
    projectDir: process.env.VEZA_PROJECT_DIR ?? process.cwd(),
    // `cdk8s synth` deletes its output folder before running the app: it points at a scratch
    // folder (cdk8s.yaml), never at dist/, and gets a copy of what was written there.
    mirrorDir: process.env.CDK8S_OUTDIR,
  });
}

// `node build/main.js` synthesizes now. `npm run synth` starts from a startup snapshot of this
// file, which loads it when the snapshot is built and synthesizes when it starts
// (scripts/synth/snapshot.js).
if (!startupSnapshot.isBuildingSnapshot()) runSynth();
