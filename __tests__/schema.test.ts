import * as fs from 'fs';
import * as path from 'path';
import { renderVeza } from '../lib/veza';
import { objectsOf, validateManifestText, validateObject } from './support/schema';

const root = path.join(__dirname, '..');
const distDir = path.join(root, 'dist');

/** Every file below `dir`, relative, sorted. */
function filesBelow(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesBelow(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

/** Manifests are the `*.yaml` files; kustomization.yaml is kustomize's input, built in veza-app.test.ts. */
const isManifest = (file: string) => file.endsWith('.yaml') && path.basename(file) !== 'kustomization.yaml';

const committed = filesBelow(distDir).filter(isManifest);
const rendered = renderVeza(path.join(root, 'environments')).filter((f) => isManifest(f.path));

describe('every object of the committed dist/ validates against its schema', () => {
  test('dist/ holds the three environments and their alternatives', () => {
    for (const env of ['development', 'staging', 'production']) {
      expect(committed).toEqual(expect.arrayContaining([
        `${env}/namespace.yaml`,
        `${env}/secret-stores/vault-store.yaml`,
        `${env}/external-secrets/veza-secrets.yaml`,
        `alternatives/${env}/secret-stores/aws-store.yaml`,
      ]));
    }
  });

  test.each(committed)('dist/%s', (file) => {
    const text = fs.readFileSync(path.join(distDir, file), 'utf8');
    expect(objectsOf(text).length).toBeGreaterThan(0);
    expect(validateManifestText(text)).toEqual([]);
  });
});

describe('every object renderVeza() produces validates against its schema', () => {
  test.each(rendered.map((f) => [f.path, f.content]))('%s', (_file, content) => {
    expect(objectsOf(content).length).toBeGreaterThan(0);
    expect(validateManifestText(content)).toEqual([]);
  });
});

describe('the validator rejects what the API server would', () => {
  const externalSecret = () => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'veza-secrets', namespace: 'veza-test' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'vault-store' },
      target: { name: 'veza-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'jwt-secret', remoteRef: { key: 'veza/test', property: 'jwt-secret' } }],
    },
  });

  test('a valid ExternalSecret passes (the baseline the broken ones differ from)', () => {
    expect(validateObject(externalSecret())).toEqual([]);
  });

  test.each<[string, (o: any) => unknown, string[]]>([
    ['a wrong type', (o) => { o.spec.refreshInterval = 3600; return o; }, ['external-secrets.io/v1/ExternalSecret veza-secrets: /spec/refreshInterval must be string']],
    ['v1beta1, not served by ESO v2.9.0', (o) => ({ ...o, apiVersion: 'external-secrets.io/v1beta1' }), [
      'external-secrets.io/v1beta1/ExternalSecret veza-secrets: external-secrets.io/v1beta1 is not a served version of ExternalSecret; served: external-secrets.io/v1',
    ]],
    ['an unknown field where the schema lists the fields', (o) => { o.spec.target.creationPolicyy = 'Owner'; return o; }, [
      'external-secrets.io/v1/ExternalSecret veza-secrets: /spec/target has unknown field "creationPolicyy"',
    ]],
    ['a value outside the enum', (o) => { o.spec.target.deletionPolicy = 'Keep'; return o; }, [
      'external-secrets.io/v1/ExternalSecret veza-secrets: /spec/target/deletionPolicy must be equal to one of the allowed values: ["Delete","Merge","Retain"]',
    ]],
    ['a missing required field', (o) => { delete o.spec.data[0].remoteRef.key; return o; }, [
      "external-secrets.io/v1/ExternalSecret veza-secrets: /spec/data/0/remoteRef must have required property 'key'",
    ]],
    ['a metadata label that is not a string', (o) => { o.metadata.labels = { tier: 1 }; return o; }, [
      'external-secrets.io/v1/ExternalSecret veza-secrets: /metadata/labels/tier must be string',
    ]],
    ['a name that is not a DNS subdomain', (o) => { o.metadata.name = 'Veza_Secrets'; return o; }, [
      'external-secrets.io/v1/ExternalSecret Veza_Secrets: /metadata/name must be a DNS subdomain; it is "Veza_Secrets"',
    ]],
    ['an unknown kind', (o) => ({ ...o, kind: 'ExternalSecrets' }), [
      'external-secrets.io/v1/ExternalSecrets veza-secrets: no schema for external-secrets.io/v1/ExternalSecrets',
    ]],
  ])('%s fails', (_case, breakIt, expected) => {
    expect(validateObject(breakIt(externalSecret()))).toEqual(expected);
  });

  test.each<[string, unknown, string[]]>([
    ['a core kind with a wrong type', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault-store-auth' }, automountServiceAccountToken: 'false' }, [
      'v1/ServiceAccount vault-store-auth: /automountServiceAccountToken must be boolean',
    ]],
    ['a core kind missing a required field', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'secrets-rotation-signing-secret' }, spec: { schedule: '0 3 1 1,4,7,10 *' } }, [
      "batch/v1/CronJob secrets-rotation-signing-secret: /spec must have required property jobTemplate",
    ]],
    ['a kind no schema describes', { apiVersion: 'widgets.example.com/v1', kind: 'Widget', metadata: { name: 'veza-secrets' } }, [
      'widgets.example.com/v1/Widget veza-secrets: no schema for widgets.example.com/v1/Widget',
    ]],
    ['an unknown field of a core kind (kubectl --validate=strict)', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault-store-auth', labels: { a: 'b' } }, automountToken: false }, [
      'v1/ServiceAccount vault-store-auth: / has unknown field "automountToken"',
    ]],
    ['a container field at pod level', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'secrets-rotation-signing-secret' },
      spec: { schedule: '0 3 1 1,4,7,10 *', jobTemplate: { spec: { template: { spec: {
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true },
        containers: [{ name: 'rotate', image: 'alpine:3.20', resources: { limits: { cpu: '100m', memory: '64Mi' } }, ports: [{ containerPort: 8080 }] }],
      } } } } },
    }, [
      'batch/v1/CronJob secrets-rotation-signing-secret: /spec/jobTemplate/spec/template/spec/securityContext has unknown field "readOnlyRootFilesystem"',
    ]],
    ['a type that is not a top-level kind', { apiVersion: 'v1', kind: 'Container', metadata: { name: 'x' } }, ['v1/Container x: no schema for v1/Container']],
    ['a core kind in a version that does not exist', { apiVersion: 'rbac.authorization.k8s.io/v2', kind: 'Role', metadata: { name: 'x' } }, [
      'rbac.authorization.k8s.io/v2/Role x: no schema for rbac.authorization.k8s.io/v2/Role',
    ]],
    ['an object without kind', { apiVersion: 'v1', metadata: { name: 'x' } }, ['not a Kubernetes object (apiVersion and kind must be strings): {"apiVersion":"v1","metadata":{"name":"x"}}']],
    ['a cluster-scoped kind with a namespace', { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'vault-store', namespace: 'veza-test' }, spec: { provider: { vault: { server: 'https://vault.example:8200', auth: { tokenSecretRef: { name: 't', key: 'token', namespace: 'vault' } } } } } }, [
      'external-secrets.io/v1/ClusterSecretStore vault-store: /metadata/namespace must not be set: ClusterSecretStore is cluster-scoped; it is "veza-test"',
    ]],
    ['a Namespace with a namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'veza-test', namespace: 'default' } }, [
      'v1/Namespace veza-test: /metadata/namespace must not be set: Namespace is cluster-scoped; it is "default"',
    ]],
    ['an object without metadata', { apiVersion: 'v1', kind: 'ConfigMap' }, ['v1/ConfigMap <no name>: /metadata is missing']],
  ])('%s fails', (_case, object, expected) => {
    expect(validateObject(object)).toEqual(expected);
  });

  test.each<[string, unknown]>([
    ['Role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'secrets-reader', namespace: 'veza-test' }, rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['veza-secrets'], verbs: ['get'] }] }],
    ['RoleBinding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'secrets-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'veza-backend-api', namespace: 'veza-test' }] }],
    ['CronJob with a projected token, quantities and named ports', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'secrets-rotation-signing-secret', namespace: 'veza-test' },
      spec: { schedule: '0 3 1 1,4,7,10 *', jobTemplate: { spec: { template: { spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        volumes: [{ name: 'token', projected: { sources: [
          { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 600 } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ] } }],
        containers: [{
          name: 'rotate', image: 'alpine:3.20',
          resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: 0.05, memory: 33554432 } },
          ports: [{ name: 'http', containerPort: 8080 }], livenessProbe: { httpGet: { port: 'http', path: '/healthz' } },
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/tokens', readOnly: true }],
        }],
      } } } } },
    }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'secrets-rotation-script' }, data: { 'rotate-secrets.sh': '#!/bin/sh\n' } }],
    ['NetworkPolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
    ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'veza-secrets' }, type: 'Opaque', stringData: { 'jwt-secret': 'REPLACE_ME' } }],
    ['ClusterSecretStore', { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'vault-store' }, spec: { provider: { vault: { server: 'https://vault.example:8200', path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'vault' } } } } } }],
  ])('the other helpers\' kinds are known: a valid %s passes', (_kind, object) => {
    expect(validateObject(object)).toEqual([]);
  });

  describe('kube-apiserver configuration files (not manifests) have schemas of their own', () => {
    const encryption = () => ({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [{ resources: ['secrets'], providers: [{ kms: { apiVersion: 'v2', name: 'veza-kms', endpoint: 'unix:///var/run/kms-provider/kms.sock', timeout: '3s' } }, { identity: {} }] }],
    });
    const audit = () => ({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      rules: [{ level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] }, { level: 'None' }],
    });

    test('valid ones pass without metadata', () => {
      expect(validateObject(encryption())).toEqual([]);
      expect(validateObject(audit())).toEqual([]);
    });

    test.each<[string, () => unknown, string[]]>([
      ['a KMS provider without endpoint', () => { const o = encryption(); delete (o.resources[0].providers[0].kms as any).endpoint; return o; }, [
        "apiserver.config.k8s.io/v1/EncryptionConfiguration: /resources/0/providers/0/kms must have required property 'endpoint'",
      ]],
      ['two providers in one entry', () => { const o: any = encryption(); o.resources[0].providers[1].aescbc = { keys: [{ name: 'k', secret: 'c2VjcmV0' }] }; return o; }, [
        'apiserver.config.k8s.io/v1/EncryptionConfiguration: /resources/0/providers/1 must NOT have more than 1 properties',
      ]],
      ['an unknown audit level', () => { const o = audit(); o.rules[1].level = 'All'; return o; }, [
        'audit.k8s.io/v1/Policy: /rules/1/level must be equal to one of the allowed values: ["None","Metadata","Request","RequestResponse"]',
      ]],
      ['an unknown field', () => ({ ...audit(), omitStage: ['RequestReceived'] }), ['audit.k8s.io/v1/Policy: / has unknown field "omitStage"']],
    ])('%s fails', (_case, build, expected) => {
      expect(validateObject(build())).toEqual(expected);
    });
  });

  test('validateManifestText numbers the documents and reports text that is not YAML', () => {
    const broken = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ok }\n---\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: bad }\nautomountServiceAccountToken: 1\n';
    expect(validateManifestText(broken)).toEqual(['document 3: v1/ServiceAccount bad: /automountServiceAccountToken must be boolean']);
    expect(validateManifestText('a: [')).toEqual([expect.stringMatching(/^not YAML: /)]);
  });
});
