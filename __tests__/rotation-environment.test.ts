// environments/<env>.yaml `rotation`: the rotation job's NetworkPolicy reaches only the addresses,
// and its pods run only the images, the environment names.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigError, generatedHeader, parseEnvironment, renderApp, VezaApp } from '../lib';

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

test('by default the job reaches any address, on Vault\'s port and the API server\'s ports only', () => {
  const egress = networkPolicy(production()).spec.egress;
  expect(egress.slice(1)).toEqual([
    { ports: [{ port: 8200, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] },
    { ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] },
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
  [{ egres: {} }, `${FILE}: 'rotation.egres' is not a known field; allowed: egress, images`],
])('rotation %j: %s', (rotation, message) => {
  expect(messages(production(rotation))).toEqual([message]);
});

function images(doc: any): string[] {
  const files = renderApp(new VezaApp({ environments: [parseEnvironment(doc, FILE)] }), { header: generatedHeader });
  const cronJob: any = yaml.loadAll(files.find((f) => f.path === 'production/secrets-rotation.yaml')!.content).find((o: any) => o.kind === 'CronJob');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  return [...pod.initContainers, ...pod.containers].map((c: any) => c.image);
}

test('rotation.images: the pinned defaults, or the mirror the environment names', () => {
  expect(images(production())).toEqual(['hashicorp/vault:1.21.4', 'alpine/k8s:1.28.15']);
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
