import * as path from 'path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { SecretCatalog, SecretTemplateFile, RotationMethod } from '../lib';
import { renderVeza, VEZA_CATALOG } from '../lib/veza';
import { findSecretMaterial, scanDirectory } from './support/secret-material';

const root = path.join(__dirname, '..');
const files = renderVeza(path.join(root, 'environments'));
const ENVIRONMENTS = ['development', 'staging', 'production'];

describe.each(ENVIRONMENTS)('dist/%s/secrets.yaml.example', (env) => {
  const file = files.find((f) => f.path === `${env}/secrets.yaml.example`)!;
  const doc = yaml.load(file.content) as any;

  test('is a Secret veza-secrets of veza-<env>', () => {
    expect(doc.apiVersion).toBe('v1');
    expect(doc.kind).toBe('Secret');
    expect(doc.type).toBe('Opaque');
    expect(doc.metadata).toMatchObject({ name: 'veza-secrets', namespace: `veza-${env}` });
    expect(doc.metadata.labels['veza.io/environment']).toBe(env);
    expect(doc.data).toBeUndefined();
  });

  test('holds every catalog key, in catalog order, with its placeholder', () => {
    expect(Object.keys(doc.stringData)).toEqual(VEZA_CATALOG.keys);
    for (const entry of VEZA_CATALOG.all) expect(doc.stringData[entry.key]).toBe(entry.placeholder);
  });

  test('a comment line before every key names its description and consumers', () => {
    const lines = file.content.split('\n');
    for (const entry of VEZA_CATALOG.all) {
      const at = lines.findIndex((l) => l.startsWith(`  "${entry.key}":`));
      expect(lines[at - 1]).toBe(`  # ${entry.description}. Read by ${entry.consumers.join(', ')}; rotation: ${entry.rotation.name}.`);
    }
  });

  test('the header says to copy it to the ignored secrets.yaml and never commit', () => {
    expect(file.content).toContain(`#   cp dist/${env}/secrets.yaml.example secrets.yaml`);
    expect(file.content).toContain('# Never commit secrets.yaml.');
    expect(file.content).toContain('Option 1: Basic Kubernetes Secrets');
  });

  test('is listed by no kustomization', () => {
    const kustomization = files.find((f) => f.path === `${env}/kustomization.yaml`)!;
    const resources = (yaml.load(kustomization.content) as { resources: string[] }).resources;
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.filter((r) => r.startsWith('secrets.yaml'))).toEqual([]);
  });
});

describe('placeholders, never values', () => {
  test.each(VEZA_CATALOG.all.map((e) => [e.key, e.placeholder]))('%s: %s has no credential shape', (_key, placeholder) => {
    expect(findSecretMaterial(placeholder)).toEqual([]);
  });

  test('the synthesized output holds nothing that looks like a credential', () => {
    const findings = files.flatMap((f) => findSecretMaterial(f.content, f.path));
    expect(findings).toEqual([]);
  });

  test('the committed dist/ holds nothing that looks like a credential', () => {
    expect(scanDirectory(path.join(root, 'dist'))).toEqual([]);
  });
});

describe('the secret-material scanner finds what it looks for', () => {
  // Built at run time, so the repository itself never holds a credential-shaped string.
  const samples: [string, string][] = [
    ['Stripe secret or restricted key', `sk_live_${'a1B2'.repeat(6)}`],
    ['Stripe webhook secret', `whsec_${'Z9y8'.repeat(8)}`],
    ['AWS access key ID', `AKIA${'Q'.repeat(16)}`],
    ['JSON Web Token', ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'c2lnbmF0dXJlLXBhcnQ'].join('.')],
    ['PEM private key', `-----BEGIN ${'RSA '}PRIVATE KEY-----`],
    ['URL with a password', `postgresql://veza:${'hunter2hunter2'}@db:5432/veza`],
  ];
  test.each(samples)('%s', (kind, sample) => {
    expect(findSecretMaterial(`key: "${sample}"\n`, 'x.yaml').map((f) => `${f.kind} ${f.where}`)).toEqual([`${kind} x.yaml:1`]);
  });

  test('a finding never repeats the whole match', () => {
    const [finding] = findSecretMaterial(`AKIA${'Q'.repeat(16)}`);
    expect(finding.excerpt).toBe('AKIAQQQQQQQQ...');
  });
});

describe('SecretTemplateFile', () => {
  const catalog = SecretCatalog.define({
    services: ['api'],
    secrets: { token: { description: 'An API token', placeholder: 'TOKEN', consumers: ['api'], rotation: { name: 'manual', method: RotationMethod.MANUAL, description: 'by hand' } } },
  });

  test('defaults: no labels, no comment', () => {
    const file = new SecretTemplateFile(Testing.chart(), 'example', { path: 'x/secrets.yaml.example', catalog, secretName: 'app', namespace: 'ns' });
    expect(file.keys).toEqual(['token']);
    expect(file.render()).toBe([
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: "app"', '  namespace: "ns"', 'type: Opaque', 'stringData:',
      '  # An API token. Read by api; rotation: manual.', '  "token": "TOKEN"', '',
    ].join('\n'));
  });

  test('labels and comment', () => {
    const file = new SecretTemplateFile(Testing.chart(), 'example', { path: 'x/s', catalog, secretName: 'app', namespace: 'ns', labels: { a: 'b' }, comment: ['one', ''] });
    expect(file.render().split('\n').slice(0, 9)).toEqual(['# one', '#', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: "app"', '  namespace: "ns"', '  labels:', '    "a": "b"']);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a bad secret name', { secretName: 'App_Secrets' }, `[test/example]: 'secretName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). The value passed is: "App_Secrets"`],
    ['a bad namespace', { namespace: 'veza.prod' }, `[test/example]: 'namespace' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). The value passed is: "veza.prod"`],
    ['a comment with a line break', { comment: ['a\nb'] }, `[test/example]: 'comment' lines must not contain a line break. The value passed is: "a\\nb"`],
  ])('%s', (_name, props, message) => {
    expect(() => new SecretTemplateFile(Testing.chart(), 'example', { path: 'x/s', catalog, secretName: 'app', namespace: 'ns', ...props })).toThrow(new Error(message));
  });
});
