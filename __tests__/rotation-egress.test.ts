// environments/<env>.yaml `rotation.egress`: the rotation job's NetworkPolicy reaches only the
// addresses the environment names.
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
  [{ egress: { vaultCidrs: ['10.20.0.0'] } }, `${FILE}: 'rotation.egress.vaultCidrs' is the list ["10.20.0.0"]; allowed: a non-empty list of CIDRs such as 10.0.0.0/8`],
  [{ egress: { apiServerCidrs: [] } }, `${FILE}: 'rotation.egress.apiServerCidrs' is the list []; allowed: a non-empty list of CIDRs such as 10.0.0.0/8`],
  [{ egress: { vaultCidrs: '10.0.0.0/8' } }, `${FILE}: 'rotation.egress.vaultCidrs' is "10.0.0.0/8"; allowed: a non-empty list of CIDRs such as 10.0.0.0/8`],
  [{ egress: { vaultCidr: ['10.0.0.0/8'] } }, `${FILE}: 'rotation.egress.vaultCidr' is not a known field; allowed: vaultCidrs, apiServerCidrs`],
  [{ egres: {} }, `${FILE}: 'rotation.egres' is not a known field; allowed: egress`],
])('rotation %j: %s', (rotation, message) => {
  expect(messages(production(rotation))).toEqual([message]);
});
