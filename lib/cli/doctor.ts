import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config/field-reader';
import { readDirectory } from '../output/swap';
import { SynthError } from '../output/synthesize';
import { Chart } from 'cdk8s';
import { VaultSecretStore } from '../eso/vault-secret-store';
import { ManifestFile } from '../output/files';
import { EnvironmentConfig, loadEnvironments } from '../veza/environment-file';
import { vaultCaSection } from '../veza/vault-integration';
import { GITOPS_FILE } from '../veza/gitops';
import { LAYOUT } from '../veza/layout';
import { renderVeza, VezaApp } from '../veza/veza-app';
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

/**
 * `vault-ca`: for each environment whose applied folder uses Vault, where the store's CA comes from.
 * Synthesized (`caFile`/`caBundle`): each certificate's subject and expiry, failing when one has
 * expired. Created by hand (`caProvider`): the command to run before applying, the README's first
 * step, from the same objects (no cluster is contacted). `undefined` when the app does not build
 * (the `dist` check reports why) or no environment uses Vault.
 */
export function vaultCaCheck(configs: EnvironmentConfig[], now: Date = new Date()): DoctorCheck | undefined {
  let app: VezaApp;
  try {
    app = new VezaApp({ environments: configs });
  } catch {
    return undefined;
  }
  const details: string[] = [];
  let ok = true;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  for (const env of app.environments) {
    const store = env.active.store;
    if (!(store instanceof VaultSecretStore)) continue;
    const name = env.config.name;
    const certificate = env.config.providers.vault.caCertificate;
    if (env.vaultCa && certificate) {
      const file = (Chart.of(env.vaultCa) as ManifestFile).path;
      for (const c of certificate.certificates) {
        const expired = c.notAfter.getTime() <= now.getTime();
        if (expired) ok = false;
        details.push(`${name}: ${certificate.source} -> dist/${file}: ${c.subject}, ${expired ? `EXPIRED on ${day(c.notAfter)}: replace it with the CA's current certificate` : `valid until ${day(c.notAfter)}`}`);
      }
      continue;
    }
    const step = vaultCaSection(env);
    if (step) {
      details.push(`${name}: ${store.caProvider!.type} ${store.caProvider!.name} is created by hand, before applying (dist/${name}/README.md, first step): ${step.commands[step.commands.length - 1].command}`);
    } else {
      details.push(`${name}: ${store.server.startsWith('https://') ? 'the store trusts the system roots (no caProvider, caFile or caBundle)' : `${store.server} is plain http: no CA`}`);
    }
  }
  return details.length === 0 ? undefined : { name: 'vault-ca', ok, details };
}

/** Runs every check, in order; never throws for a failed check. */
export function runDoctor(io: CliIo, nodeVersion: string = process.versions.node): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const major = Number(nodeVersion.split('.')[0]);
  const need = requiredNodeMajor(io.projectDir);
  checks.push({ name: 'node', ok: major >= need, details: [`Node.js ${nodeVersion}; package.json requires >= ${need}`] });

  const envDir = path.join(io.projectDir, 'environments');
  const distDir = path.join(io.projectDir, 'dist');
  let envNames: string[] = [];
  let configs: EnvironmentConfig[] = [];
  if (!fs.existsSync(envDir)) {
    checks.push({ name: 'environments', ok: false, details: [`${io.projectDir} has no environments/ folder: is it the project folder (--project <dir>, the one holding environments/ and dist/)?`] });
  } else {
    try {
      configs = loadEnvironments(envDir, 'environments');
      envNames = configs.map((e) => e.name);
      checks.push({ name: 'environments', ok: true, details: [`${envNames.join(', ')} load and check`] });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      checks.push({ name: 'environments', ok: false, details: e.messages });
    }
  }
  if (configs.length > 0) {
    const ca = vaultCaCheck(configs);
    if (ca) checks.push(ca);
  }

  if (envNames.length === 0) {
    checks.push({
      name: 'dist',
      ok: false,
      details: [fs.existsSync(distDir) ? 'not compared: no environment loaded, so there is nothing to synthesize it from' : `${io.projectDir} has no dist/ folder, and no environment loaded to synthesize one from`],
    });
  } else {
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
    checks.push({ name: 'kubectl', ok: false, details: ['kubectl is not on PATH (or does not run): applying dist/ (`kubectl apply -k`) and the runbooks need it; npm test does not need it'] });
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
        ? [envNames.length === 0 ? `kubectl ${version}; no dist/<env> to build` : `kubectl ${version}; \`kubectl kustomize\` builds ${envNames.map((e) => `dist/${e}`).join(', ')}`]
        : broken.map((env) => `\`kubectl kustomize dist/${env}\` fails`),
    });
  }
  return checks;
}
