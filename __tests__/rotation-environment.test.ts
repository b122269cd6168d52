// environments/<env>.yaml `rotation`: the rotation job's NetworkPolicy reaches only the addresses,
// and its pods run only the images, the environment names.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderApp } from '../lib';
import { ROTATION_IMAGES } from '../lib/eso/secret-rotation';
import { ConfigError } from '../lib/config/field-reader';
import { loadEnvironments, parseEnvironment, TIERS, VezaApp } from '../lib/veza';
import { DEFAULT_ROTATION_OFFSET_DAYS } from '../lib/veza/environment-file';
import { generatedHeader } from '../lib/veza/veza-app';
import { rotationOrderErrors } from '../lib/veza/environment-file';

const root = path.join(__dirname, '..');
const FILE = 'environments/production.yaml';

function production(rotation?: unknown): any {
  const doc = yaml.load(fs.readFileSync(path.join(root, FILE), 'utf8')) as any;
  if (rotation !== undefined) doc.rotation = rotation;
  return doc;
}


function networkPolicy(doc: any): any {
  const files = renderApp(new VezaApp({ environments: [parseEnvironment(doc, FILE)] }), { header: generatedHeader });
  const file = files.find((f) => f.path === 'production/secrets-rotation.yaml')!;
  return yaml.loadAll(file.content).find((o: any) => o.kind === 'NetworkPolicy');
}

function messages(doc: any): string[] {
  try {
    parseEnvironment(doc, FILE);
    return [];
  } catch (e) {
    return (e as ConfigError).messages;
  }
}

test('by default the job reaches any destination (rules without `to`), on Vault\'s port and the API server\'s ports only', () => {
  const egress = networkPolicy(production()).spec.egress;
  expect(egress.slice(1)).toEqual([
    { ports: [{ port: 8200, protocol: 'TCP' }] },
    { ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] },
  ]);
});

test('rotation.egress narrows Vault and the API server to the CIDRs the environment names', () => {
  const egress = networkPolicy(production({ egress: { vaultCidrs: ['10.20.0.0/16', '10.21.0.0/16'], apiServerCidrs: ['10.0.0.1/32'] } })).spec.egress;
  expect(egress[1].to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }, { ipBlock: { cidr: '10.21.0.0/16' } }]);
  expect(egress[2].to).toEqual([{ ipBlock: { cidr: '10.0.0.1/32' } }]);
});

test.each([
  [{ egress: { vaultCidrs: ['10.20.0.0'] } }, `${FILE}: 'rotation.egress.vaultCidrs' is the list ["10.20.0.0"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`],
  [{ egress: { apiServerCidrs: [] } }, `${FILE}: 'rotation.egress.apiServerCidrs' is the list []; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`],
  [{ egress: { vaultCidrs: '10.0.0.0/8' } }, `${FILE}: 'rotation.egress.vaultCidrs' is "10.0.0.0/8"; allowed: a non-empty list of CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)`],
  [{ egress: { vaultCidr: ['10.0.0.0/8'] } }, `${FILE}: 'rotation.egress.vaultCidr' is not a known field; allowed: vaultCidrs, apiServerCidrs`],
  [{ egres: {} }, `${FILE}: 'rotation.egres' is not a known field; allowed: egress, images, offsetDays`],
])('rotation %j: %s', (rotation, message) => {
  expect(messages(production(rotation))).toEqual([message]);
});

function images(doc: any): string[] {
  const files = renderApp(new VezaApp({ environments: [parseEnvironment(doc, FILE)] }), { header: generatedHeader });
  const cronJobs: any[] = yaml.loadAll(files.find((f) => f.path === 'production/secrets-rotation.yaml')!.content).filter((o: any) => o.kind === 'CronJob');
  const all = cronJobs.map((cronJob) => {
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    return [...pod.initContainers, ...pod.containers].map((c: any) => c.image);
  });
  // Every CronJob runs the same images.
  for (const list of all) expect(list).toEqual(all[0]);
  return all[0];
}

test('rotation.images: the pinned defaults, or the mirror the environment names', () => {
  expect(images(production())).toEqual([ROTATION_IMAGES.vault, ROTATION_IMAGES.runner]);
  // issue 10.10: the vault image is pinned by digest by default.
  expect(ROTATION_IMAGES.vault).toMatch(/^hashicorp\/vault:1\.21\.4@sha256:[a-f0-9]{64}$/);
  const digest = `registry.veza.internal:5000/mirror/k8s@sha256:${'a'.repeat(64)}`;
  expect(images(production({ images: { runner: digest, vault: 'registry.veza.internal/mirror/vault:1.21.4' } })))
    .toEqual(['registry.veza.internal/mirror/vault:1.21.4', digest]);
});

const IMAGE_ALLOWED = 'an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4';
test.each([
  [{ images: { runner: 'alpine/k8s' } }, `${FILE}: 'rotation.images.runner' is "alpine/k8s"; allowed: ${IMAGE_ALLOWED}`],
  [{ images: { vault: 'hashicorp/vault:latest' } }, `${FILE}: 'rotation.images.vault' is "hashicorp/vault:latest"; allowed: ${IMAGE_ALLOWED}`],
  [{ images: { vault: 'Hashicorp/Vault:1.21.4' } }, `${FILE}: 'rotation.images.vault' is "Hashicorp/Vault:1.21.4"; allowed: ${IMAGE_ALLOWED}`],
  [{ images: { kubectl: 'alpine/k8s:1.28.15' } }, `${FILE}: 'rotation.images.kubectl' is not a known field; allowed: runner, vault`],
])('rotation %j: %s', (rotation, message) => {
  expect(messages(production(rotation))).toEqual([message]);
});

// rotation.offsetDays and tier: environments rotate apart, development first, production last.
function offsetsOf(doc: any): number[] {
  const files = renderApp(new VezaApp({ environments: [parseEnvironment(doc, FILE)] }), { header: generatedHeader });
  const cronJobs: any[] = yaml.loadAll(files.find((f) => f.path === 'production/secrets-rotation.yaml')!.content).filter((o: any) => o.kind === 'CronJob');
  return cronJobs.map((j) => Number(j.spec.jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'ROTATION_OFFSET_DAYS').value));
}

test('rotation.offsetDays: the default of the declared tier, or the value given, passed to every CronJob', () => {
  const doc = production();
  delete doc.rotation.offsetDays;
  for (const tier of TIERS) {
    const offsets = offsetsOf({ ...doc, tier });
    expect(offsets.length).toBeGreaterThan(0);
    expect(new Set(offsets)).toEqual(new Set([DEFAULT_ROTATION_OFFSET_DAYS[tier]]));
  }
  expect(new Set(offsetsOf(production({ offsetDays: 21 })))).toEqual(new Set([21]));
});

test('the committed environments rotate in tier order: every offset at least that of every earlier tier', () => {
  const envs = loadEnvironments(path.join(root, 'environments'), 'environments');
  expect(rotationOrderErrors(envs)).toEqual([]);
  for (const a of envs) {
    for (const b of envs) if (TIERS.indexOf(a.tier) < TIERS.indexOf(b.tier)) expect(a.rotation.offsetDays).toBeLessThanOrEqual(b.rotation.offsetDays);
  }
});

test('the synth refuses production due before staging: one line naming the file, the field, the value', () => {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'offsets-'));
  try {
    for (const f of fs.readdirSync(path.join(root, 'environments'))) fs.copyFileSync(path.join(root, 'environments', f), path.join(dir, f));
    const staging = loadEnvironments(dir, 'environments').find((e) => e.tier === 'staging')!;
    const file = path.join(dir, 'production.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^  offsetDays: \d+$/m, `  offsetDays: ${staging.rotation.offsetDays - 1}`));
    let error: unknown;
    try {
      loadEnvironments(dir, 'environments');
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).messages).toEqual([
      `environments/production.yaml: 'rotation.offsetDays' is ${staging.rotation.offsetDays - 1} (a number); allowed: at least ${staging.rotation.offsetDays}, the offset of ${staging.file} (tier staging), so that production rotates after staging`,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  [{ offsetDays: -1 }, `${FILE}: 'rotation.offsetDays' is -1 (a number); allowed: a whole number of days, 0 or more`],
  [{ offsetDays: 1.5 }, `${FILE}: 'rotation.offsetDays' is 1.5 (a number); allowed: a whole number of days, 0 or more`],
  [{ offsetDays: '14' }, `${FILE}: 'rotation.offsetDays' is "14"; allowed: a whole number of days, 0 or more`],
])('rotation %j: %s', (rotation, message) => {
  expect(messages(production(rotation))).toEqual([message]);
});

test.each([
  [undefined, `${FILE}: 'tier' is missing; allowed: development, staging, production`],
  ['prod', `${FILE}: 'tier' is "prod"; allowed: development, staging, production`],
])('tier %j: %s', (tier, message) => {
  const doc = production();
  if (tier === undefined) delete doc.tier;
  else doc.tier = tier;
  expect(messages(doc)).toEqual([message]);
});

test('VezaApp refuses environments out of tier order too, whoever loaded them', () => {
  const staging = parseEnvironment(yaml.load(fs.readFileSync(path.join(root, 'environments/staging.yaml'), 'utf8')), 'environments/staging.yaml');
  const early = parseEnvironment(production({ offsetDays: staging.rotation.offsetDays - 1 }), FILE);
  let error: unknown;
  try {
    new VezaApp({ environments: [staging, early] });
  } catch (e) {
    error = e;
  }
  expect((error as ConfigError).messages).toEqual([
    `${FILE}: 'rotation.offsetDays' is ${staging.rotation.offsetDays - 1} (a number); allowed: at least ${staging.rotation.offsetDays}, the offset of environments/staging.yaml (tier staging), so that production rotates after staging`,
  ]);
});
