import { Duration, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { AuditLevel, AuditPolicyFile, AuditPolicyFileProps, EncryptionConfigurationFile, EncryptionConfigurationFileProps } from '../lib';

const encryption = (props: Partial<EncryptionConfigurationFileProps> = {}) =>
  new EncryptionConfigurationFile(Testing.chart(), 'enc', { path: 'cluster/control-plane/encryption-configuration.yaml', ...props });
const audit = (props: Partial<AuditPolicyFileProps> = {}) =>
  new AuditPolicyFile(Testing.chart(), 'audit', { path: 'cluster/control-plane/audit-policy.yaml', ...props });

describe('EncryptionConfigurationFile', () => {
  test('defaults: secrets encrypted by KMS v2, then identity to read what was written before', () => {
    const file = encryption();
    expect(file.kmsName).toBe('veza-kms');
    expect(file.kmsEndpoint).toBe('unix:///var/run/kms-provider/kms.sock');
    expect(file.kmsTimeout.toSeconds()).toBe(3);
    expect(file.encryptedResources).toEqual(['secrets']);
    expect(file.readUnencrypted).toBe(true);
    expect(yaml.load(file.render())).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [{
        resources: ['secrets'],
        providers: [
          { kms: { apiVersion: 'v2', name: 'veza-kms', endpoint: 'unix:///var/run/kms-provider/kms.sock', timeout: '3s' } },
          { identity: {} },
        ],
      }],
    });
  });

  test('the KMS provider is first: writes are encrypted', () => {
    const doc = yaml.load(encryption().render()) as any;
    expect(Object.keys(doc.resources[0].providers[0])).toEqual(['kms']);
  });

  test('no key material: no aescbc, aesgcm or secretbox provider, no secret field', () => {
    const text = encryption().render();
    expect(text).not.toMatch(/aescbc|aesgcm|secretbox|secret:/);
  });

  test('props', () => {
    const file = encryption({
      resources: ['secrets', 'configmaps'],
      kms: { name: 'vault-kms', endpoint: 'unix:///run/kms/vault.sock', timeout: Duration.seconds(10) },
      readUnencrypted: false,
      header: '# hello\n',
    });
    const text = file.render();
    expect(text.startsWith('# hello\napiVersion:')).toBe(true);
    expect((yaml.load(text) as any).resources).toEqual([{
      resources: ['secrets', 'configmaps'],
      providers: [{ kms: { apiVersion: 'v2', name: 'vault-kms', endpoint: 'unix:///run/kms/vault.sock', timeout: '10s' } }],
    }]);
  });

  test.each<[string, Partial<EncryptionConfigurationFileProps>, string]>([
    ['a KMS name with capitals', { kms: { name: 'Veza_KMS' } }, `[test/enc]: 'kms.name' must be lower-case letters, digits and '-' (it is stored in every encrypted object). The value passed is: "Veza_KMS"`],
    ['a TCP endpoint', { kms: { endpoint: 'tcp://10.0.0.1:8080' } }, `[test/enc]: 'kms.endpoint' must be a Unix socket such as unix:///var/run/kms-provider/kms.sock. The value passed is: "tcp://10.0.0.1:8080"`],
    ['a timeout under a second', { kms: { timeout: Duration.millis(500) } }, `[test/enc]: 'kms.timeout' must be a whole number of seconds, at least 1. The value passed is: 0.5s`],
    ['resources without secrets', { resources: ['configmaps'] }, `[test/enc]: 'resources' must include secrets. The value passed is: ["configmaps"]`],
  ])('%s', (_name, props, message) => {
    expect(() => encryption(props)).toThrow(new Error(message));
  });
});

describe('AuditPolicyFile', () => {
  test('defaults: every access to secrets and the objects leading to them at Metadata, nothing else', () => {
    const file = audit();
    expect(file.otherRequests).toBe(AuditLevel.NONE);
    expect(file.recorded).toEqual(AuditPolicyFile.SECRET_RESOURCES);
    expect(yaml.load(file.render())).toEqual({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      rules: [
        {
          level: 'Metadata',
          resources: [
            { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
            { group: 'external-secrets.io', resources: ['externalsecrets', 'clusterexternalsecrets', 'secretstores', 'clustersecretstores', 'pushsecrets', 'clusterpushsecrets'] },
          ],
        },
        { level: 'None' },
      ],
    });
  });

  test('secrets are never logged with a body', () => {
    const doc = yaml.load(audit({ otherRequests: AuditLevel.METADATA }).render()) as any;
    const first = doc.rules.find((r: any) => r.resources?.some((g: any) => g.group === '' && g.resources.includes('secrets')));
    expect(first.level).toBe('Metadata');
    expect(doc.rules.map((r: any) => r.level)).not.toContain('RequestResponse');
    expect(doc.rules.map((r: any) => r.level)).not.toContain('Request');
  });

  test('props', () => {
    const file = audit({ recorded: [{ group: '', resources: ['secrets'] }], otherRequests: AuditLevel.METADATA, header: '# x\n' });
    expect(file.render().startsWith('# x\napiVersion:')).toBe(true);
    expect((yaml.load(file.render()) as any).rules).toEqual([
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] },
      { level: 'Metadata' },
    ]);
  });

  test.each<[string, Partial<AuditPolicyFileProps>, string]>([
    ['recorded without secrets', { recorded: [{ group: '', resources: ['configmaps'] }] }, `[test/audit]: 'recorded' must include secrets of the core group ''. The value passed is: [{"group":"","resources":["configmaps"]}]`],
    ['a RequestResponse catch-all', { otherRequests: AuditLevel.REQUEST_RESPONSE }, `[test/audit]: 'otherRequests' must be None or Metadata (a body-logging catch-all records values). The value passed is: "RequestResponse"`],
    ['a Request catch-all', { otherRequests: AuditLevel.REQUEST }, `[test/audit]: 'otherRequests' must be None or Metadata (a body-logging catch-all records values). The value passed is: "Request"`],
  ])('%s', (_name, props, message) => {
    expect(() => audit(props)).toThrow(new Error(message));
  });
});
