#!/usr/bin/env node
// The scale case of `npm run bench`: a generated catalog of N services, each with 10 keys, its own
// service account, a Role and RoleBinding that let it read its Secret, and an ExternalSecret, in
// three environments, built through the public API of build/lib (what a user of the package gets),
// rendered in memory, checked by the policy pass the synth runs (Veza's rules, enforcePolicy),
// written to a new folder, then written again with one file changed (the others are hard
// links to the previous files).
//
//   node scripts/bench/scale.js <services>          one run: prints one JSON line of figures
//   node scripts/bench/scale.js <services> --floor  the floors: js-yaml alone serializing the same objects, and
//                                                   the same files written plainly into a new folder
//   --out <folder>                                  write into a new folder inside <folder> and leave it there
//                                                   (npm run bench removes its scratch after the last run:
//                                                   scripts/bench/scratch.js); without it, a new folder in
//                                                   build/ removed at the end
//   --system-out <folder>                           with --floor: also write the files plainly into a new
//                                                   folder inside <folder> (the bench gives one in the
//                                                   system's temporary folder, to compare the places)
//
// Every run is a fresh process, so peak memory (maxRSS) is that run's own.
'use strict';
const fs = require('fs');
const path = require('path');
const { benchScratch } = require('./scratch');

const KEYS_PER_SERVICE = 10;
const ENVIRONMENTS = ['development', 'staging', 'production'];

function serviceName(i) {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** The catalog definition: N services, each reading 10 keys of its own. */
function catalogProps(lib, services) {
  const rotation = { name: 'provider-api-key', method: lib.RotationMethod.MANUAL, description: 'rotated by hand' };
  const names = Array.from({ length: services }, (_, i) => serviceName(i));
  const secrets = {};
  for (const svc of names) {
    for (let k = 0; k < KEYS_PER_SERVICE; k++) {
      secrets[`${svc}-key-${k}`] = { description: `key ${k} of ${svc}`, placeholder: 'REPLACE_ME', consumers: [svc], rotation };
    }
  }
  return { services: names, secrets };
}

/** Builds the app through the public API: one store file and one file per service, per environment. */
function buildApp(services) {
  const lib = require('../../build/lib');
  const { App } = require('cdk8s');
  const kplus = require('cdk8s-plus-28');
  const catalog = new lib.SecretCatalog(catalogProps(lib, services));
  const app = new App({ outdir: 'unused' });
  for (const env of ENVIRONMENTS) {
    const namespace = `bench-${env}`;
    const storeFile = new lib.ManifestFile(app, `${env}-store`, { path: `${env}/secret-stores/vault-store.yaml`, namespace });
    const store = new lib.VaultSecretStore(storeFile, 'vault-store', { server: 'https://vault.example:8200', path: `bench/${env}` });
    for (const svc of catalog.services) {
      const file = new lib.ManifestFile(app, `${env}-${svc}`, { path: `${env}/services/${svc}.yaml`, namespace });
      const secret = new lib.ExternalSecret(file, 'ExternalSecret', {
        store,
        targetName: `${svc}-secrets`,
        // As Veza's environments do: outside development the live Secret outlives the ExternalSecret (the policy requires it).
        creationPolicy: env === 'development' ? lib.CreationPolicy.OWNER : lib.CreationPolicy.ORPHAN,
        data: catalog.keysFor(svc).map((key) => ({ secretKey: key, remoteName: catalog.entry(key).remoteName })),
      });
      const account = new kplus.ServiceAccount(file, 'ServiceAccount', { metadata: { name: svc }, automountToken: false });
      const role = new kplus.Role(file, 'Role', { metadata: { name: `${svc}-secrets-reader` } });
      role.allow(['get'], kplus.Secret.fromSecretName(file, 'Target', secret.targetName));
      role.bind(account);
    }
  }
  return { app, lib };
}

function countObjects(files) {
  return files.reduce((n, f) => n + (f.content.match(/^kind: /gm) ?? []).length, 0);
}

function mib(kb) {
  return Math.round((kb / 1024) * 10) / 10;
}

/** The folder given by --out (left as it is), or a new one in build/ removed after `fn`. */
function inScratch(fn) {
  const at = process.argv.indexOf('--out');
  if (at >= 0) return fn(process.argv[at + 1]);
  const scratch = benchScratch('scale');
  try {
    return fn(scratch.root);
  } finally {
    scratch.remove();
  }
}

/** Writes `files` plainly under `out` (each folder created once, one writeFileSync per file); returns the milliseconds. */
function writePlain(files, out) {
  const start = process.hrtime.bigint();
  const folders = new Set();
  for (const file of files) {
    const full = path.join(out, file.path);
    const folder = path.dirname(full);
    if (!folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    fs.writeFileSync(full, file.content);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function main() {
  const services = Number(process.argv[2] ?? 100);
  const floor = process.argv.includes('--floor');
  const t0 = process.hrtime.bigint();
  const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
  if (floor) {
    // The floor: the same plain objects, produced once (rendered, then read back), then timed
    // through js-yaml alone with the options lib/output uses (toYaml), joined per file as
    // renderApp does.
    const { app, lib } = buildApp(services);
    const yaml = require('js-yaml');
    const plain = lib.renderApp(app).filter((f) => f.path.endsWith('.yaml')).map((f) => f.content.split(/^---\n/m).map((d) => yaml.load(d)));
    const start = process.hrtime.bigint();
    let objects = 0;
    for (const docs of plain) {
      objects += docs.length;
      docs.map((d) => yaml.dump(d, { noRefs: true, lineWidth: -1 })).join('---\n');
    }
    const serializeMs = ms(start);
    // The file system's own floor: the same files written plainly into a new folder (what the
    // first synth into an empty dist/ cannot do with less), for the write figure to be read against.
    const files = lib.renderApp(app);
    const writeFloorMs = inScratch((out) => writePlain(files, fs.mkdtempSync(path.join(out, 'floor-'))));
    const at = process.argv.indexOf('--system-out');
    const writeFloorSystemMs = at < 0 ? undefined : writePlain(files, fs.mkdtempSync(path.join(process.argv[at + 1], 'floor-')));
    process.stdout.write(`${JSON.stringify({ services, floor: true, objects, serializeMs, writeFloorMs, writeFloorSystemMs })}\n`);
    return;
  }
  const { app, lib } = buildApp(services);
  const builtMs = ms(t0);
  const t1 = process.hrtime.bigint();
  const files = lib.renderApp(app);
  const renderMs = ms(t1);
  // The policy pass synthVeza runs (renderVeza): Veza's rules, with the environments given.
  const tp = process.hrtime.bigint();
  // Veza's rules are exported by the second entry point (veza-secrets/veza), not the root.
  const { POLICY_RULES } = require('../../build/lib/veza');
  if (!Array.isArray(POLICY_RULES) || POLICY_RULES.length === 0) throw new Error('scale bench: veza-secrets/veza exports no POLICY_RULES');
  lib.enforcePolicy(files, { rules: POLICY_RULES, environments: ENVIRONMENTS.map((name) => ({ name, namespace: `bench-${name}`, production: name !== 'development' })) });
  const policyMs = ms(tp);
  const { replaceDirectory } = require('../../build/lib/output/swap');
  let writeMs;
  let totalMs;
  let rewriteMs;
  let cpu;
  inScratch((out) => {
    const dist = path.join(fs.mkdtempSync(path.join(out, 'synth-')), 'dist');
    const t2 = process.hrtime.bigint();
    replaceDirectory(dist, files);
    writeMs = ms(t2);
    totalMs = ms(t0);
    cpu = process.cpuUsage();
    // A second synth where one file changed: that file is written, the others linked.
    const changed = files.map((f, i) => (i === 1 ? { ...f, content: `${f.content}# changed\n` } : f));
    const t3 = process.hrtime.bigint();
    replaceDirectory(dist, changed);
    rewriteMs = ms(t3);
  });
  const objects = countObjects(files);
  process.stdout.write(`${JSON.stringify({
    services,
    environments: ENVIRONMENTS.length,
    files: files.length,
    objects,
    buildMs: builtMs,
    renderMs,
    policyMs,
    writeMs,
    rewriteOneChangedMs: rewriteMs,
    inProcessMs: totalMs,
    // CPU time (user + system) from start to files written: less sensitive than wall time to other jobs on a shared machine.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    objectsPerSecond: Math.round(objects / (totalMs / 1000)),
    peakRssMiB: mib(process.resourceUsage().maxRSS),
  })}\n`);
}

main();
