import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config/field-reader';
import { readDirectory } from '../output/swap';
import { SynthError } from '../output/synthesize';
import { loadEnvironments } from '../veza/environment';
import { GITOPS_FILE } from '../veza/gitops';
import { LAYOUT } from '../veza/layout';
import { renderVeza } from '../veza/veza-app';
import { diffFiles } from './diff';
import type { CliIo } from './io';

/** The outcome of one check. */
export interface DoctorCheck {
  /** `node`, `environments`, `dist`, `kubectl`. */
  readonly name: string;
  /** Whether it passed. */
  readonly ok: boolean;
  /** One line per detail: what was found, or what to do. */
  readonly details: string[];
}

/** The oldest Node.js major the project supports: package.json's `engines.node`. */
export function requiredNodeMajor(projectDir: string): number {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as { engines?: { node?: string } };
    const m = /(\d+)/.exec(pkg.engines?.node ?? '');
    return m ? Number(m[1]) : 20;
  } catch {
    return 20;
  }
}

/** Runs every check, in order; never throws for a failed check. */
export function runDoctor(io: CliIo, nodeVersion: string = process.versions.node): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const major = Number(nodeVersion.split('.')[0]);
  const need = requiredNodeMajor(io.projectDir);
  checks.push({ name: 'node', ok: major >= need, details: [`Node.js ${nodeVersion}; package.json requires >= ${need}`] });

  const envDir = path.join(io.projectDir, 'environments');
  let envNames: string[] = [];
  try {
    envNames = loadEnvironments(envDir, 'environments').map((e) => e.name);
    checks.push({ name: 'environments', ok: true, details: [`${envNames.join(', ')} load and check`] });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    checks.push({ name: 'environments', ok: false, details: e.messages });
  }

  if (envNames.length > 0) {
    try {
      const expected = renderVeza(envDir);
      const changes = diffFiles(readDirectory(path.join(io.projectDir, 'dist')), expected);
      const gitops = fs.existsSync(path.join(io.projectDir, GITOPS_FILE)) ? `${GITOPS_FILE} checks; ` : `no ${GITOPS_FILE}: dist/gitops is not generated; `;
      checks.push({
        name: 'dist',
        ok: changes.length === 0,
        details: changes.length === 0
          ? [`${gitops}dist/ is what synth writes (${expected.length} files)`]
          : [...changes.map((c) => `${c.status}: dist/${c.path}`), 'run `veza-secrets diff` to see the changes, `veza-secrets synth` to write them'],
      });
    } catch (e) {
      if (!(e instanceof ConfigError || e instanceof SynthError)) throw e;
      checks.push({ name: 'dist', ok: false, details: e.messages });
    }
  }

  const kubectl = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { env: { ...io.env }, encoding: 'utf8' });
  if (kubectl.error || kubectl.status !== 0) {
    checks.push({ name: 'kubectl', ok: false, details: ['kubectl is not on PATH (or does not run): the README commands and `kubectl apply -k` need it'] });
  } else {
    let version = 'unknown version';
    try {
      version = (JSON.parse(kubectl.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? version;
    } catch {
      // keep 'unknown version'
    }
    const broken = envNames.filter((env) => {
      const dir = path.join(io.projectDir, 'dist', LAYOUT.appliedFolder(env));
      return fs.existsSync(dir) && spawnSync('kubectl', ['kustomize', dir], { env: { ...io.env }, encoding: 'utf8' }).status !== 0;
    });
    checks.push({
      name: 'kubectl',
      ok: broken.length === 0,
      details: broken.length === 0
        ? [`kubectl ${version}; \`kubectl kustomize\` builds ${envNames.map((e) => `dist/${e}`).join(', ')}`]
        : broken.map((env) => `\`kubectl kustomize dist/${env}\` fails`),
    });
  }
  return checks;
}
