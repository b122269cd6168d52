// One rule for a pinned image, asked by the rotation job, the environment file and the policy pass alike.
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { checkPolicy, ExternalSecret, formatViolation, isPinnedImage, pinnedImages, PINNED_IMAGE_ALLOWED, SecretRotation, VaultKubernetesAuthIntegration, VaultSecretStore } from '../lib';
import { parseImageReference } from '../lib/eso/image-reference';
import { toYaml } from '../lib/output/synthesize';
import { ConfigError } from '../lib/config/field-reader';
import { parseEnvironment } from '../lib/veza';

const root = path.join(__dirname, '..');
const DIGEST = `sha256:${'a'.repeat(64)}`;

test.each<[string, ReturnType<typeof parseImageReference>]>([
  ['hashicorp/vault:1.21.4', { registry: undefined, repository: 'hashicorp/vault', tag: '1.21.4', digest: undefined }],
  ['registry.example.com:5000/mirror/alpine/k8s:1.28.15', { registry: 'registry.example.com:5000', repository: 'mirror/alpine/k8s', tag: '1.28.15', digest: undefined }],
  [`localhost/vault@${DIGEST}`, { registry: 'localhost', repository: 'vault', tag: undefined, digest: DIGEST }],
  [`hashicorp/vault:1.21.4@${DIGEST}`, { registry: undefined, repository: 'hashicorp/vault', tag: '1.21.4', digest: DIGEST }],
  ['nginx', { registry: undefined, repository: 'nginx', tag: undefined, digest: undefined }],
  // The first element is a registry only with '.' or ':' or as localhost: an upper-case one is a repository, which is lower-case.
  ['Hashicorp/vault:1.21.4', undefined],
  ['vault@sha256:abc', undefined],
  [`vault@md5:${'a'.repeat(32)}`, undefined],
  ['vault:', undefined],
  ['vault:-1', undefined],
  ['-vault:1', undefined],
  ['', undefined],
])('parseImageReference(%j)', (image, expected) => {
  expect(parseImageReference(image)).toEqual(expected);
});

/** Every check of the package that takes an image: each says whether it accepts `image`. */
const checks: Record<string, (image: string) => boolean> = {
  isPinnedImage,
  'the policy pass (pinned-images)': (image) => checkPolicy([{
    path: 'x/job.yaml',
    content: toYaml({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'x' }, spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }),
    executable: false,
  }], [pinnedImages]).violations.length === 0,
  'SecretRotation images': (image) => {
    const chart = new Chart(Testing.app(), 'x', { namespace: 'x' });
    const store = new VaultSecretStore(chart, 'vault-store', { server: 'https://vault.example:8200', path: 'x/y' });
    const vault = new VaultKubernetesAuthIntegration(chart, 'vault-integration', { store });
    const externalSecret = new ExternalSecret(chart, 'secrets', { store, data: [{ secretKey: 'k' }] });
    try {
      new SecretRotation(chart, 'rotation', { externalSecret, vault, images: { runner: image } });
      return true;
    } catch (e) {
      expect((e as Error).message).toBe(`[x/rotation]: 'images.runner' is ${JSON.stringify(image)}; allowed: ${PINNED_IMAGE_ALLOWED}`);
      return false;
    }
  },
  'the environment file (rotation.images)': (image) => {
    const file = fs.readdirSync(path.join(root, 'environments')).filter((f) => f.endsWith('.yaml')).sort()[0];
    const doc = yaml.load(fs.readFileSync(path.join(root, 'environments', file), 'utf8')) as any;
    doc.rotation = { ...doc.rotation, images: { vault: image } };
    try {
      parseEnvironment(doc, `environments/${file}`);
      return true;
    } catch (e) {
      expect((e as ConfigError).messages).toEqual([`environments/${file}: 'rotation.images.vault' is ${JSON.stringify(image)}; allowed: ${PINNED_IMAGE_ALLOWED}`]);
      return false;
    }
  },
};

test.each<[string, boolean]>([
  ['hashicorp/vault:1.21.4', true],
  ['registry.example.com:5000/mirror/vault:1.21.4', true],
  [`hashicorp/vault@${DIGEST}`, true],
  [`hashicorp/vault:latest@${DIGEST}`, true],
  ['hashicorp/vault:latest', false],
  ['hashicorp/vault', false],
  ['registry.example.com:5000/hashicorp/vault', false],
  ['Hashicorp/vault:1.21.4', false],
  ['vault@sha256:abc', false],
])('%s pinned: %s, the same answer from every check', (image, pinned) => {
  expect(Object.fromEntries(Object.entries(checks).map(([name, accepts]) => [name, accepts(image)])))
    .toEqual(Object.fromEntries(Object.keys(checks).map((name) => [name, pinned])));
});

test('the policy message names the image and the rule', () => {
  const report = checkPolicy([{ path: 'x/job.yaml', content: toYaml({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'x' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'Hashicorp/vault:1.21.4' }] } } } }), executable: false }], [pinnedImages]);
  expect(report.violations.map(formatViolation)).toEqual([`policy pinned-images: dist/x/job.yaml: Job x/j: 'spec.template.spec.containers["c"].image' is "Hashicorp/vault:1.21.4"; allowed: ${PINNED_IMAGE_ALLOWED}`]);
});
