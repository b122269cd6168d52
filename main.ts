// The Veza secrets app: `npm run synth` (or `cdk8s synth`) renders environments/ into dist/.
// First: any error escaping, even while the modules below load, is one line, exit code 1.
import './lib/cli/one-line-errors';
import { synthVeza } from './lib/veza/veza-app';

process.exitCode = synthVeza({
  projectDir: process.env.VEZA_PROJECT_DIR ?? process.cwd(),
  // `cdk8s synth` deletes its output folder before running the app: it points at a scratch
  // folder (cdk8s.yaml), never at dist/, and gets a copy of what was written there.
  mirrorDir: process.env.CDK8S_OUTDIR,
});
