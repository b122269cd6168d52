import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { checkPolicy, containerResources, cronJobNameLength, enforcePolicy, esoHygiene, formatViolation, KubeObject, noSecretMaterial, pinnedImages, podSecurityRestricted, PolicyError, PolicyRule, rbacLeastPrivilege, exemptFromPolicy, formatExemption, ManifestFile, renderApp, RenderedFile } from '../lib';
import { toYaml } from '../lib/output/synthesize';
import { readDirectory } from '../lib/output/swap';
import { SAFE_SYSCTLS } from '../lib/policy/pod-security';
import { objectsReachable, policyContext } from '../lib/policy/policy';
import { renderedObjectsOf } from '../lib/output/rendered-objects';
import { POLICY_RULES, loadEnvironments, VezaApp } from '../lib/veza';
import { vezaEsoHygiene, environmentIsolation } from '../lib/veza/veza-policy';
import { namesEnvironment } from '../lib/veza/isolation';
import { generatedHeader } from '../lib/veza/veza-app';

const root = path.join(__dirname, '..');

function file(filePath: string, ...docs: object[]): RenderedFile {
  return { path: filePath, content: docs.map(toYaml).join('---\n'), executable: false };
}

function violations(rule: PolicyRule, ...files: RenderedFile[]): string[] {
  return checkPolicy(files, [rule]).violations.map(formatViolation);
}

/** A container that passes every workload rule. */
const goodContainer = {
  name: 'rotate',
  image: 'registry.k8s.io/kubectl:v1.28.4',
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

function cronJob(container: object, pod: object = {}, name = 'secrets-rotation-signing-secret'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'veza-production' },
    spec: { schedule: '0 3 1 * *', jobTemplate: { spec: { template: { spec: { automountServiceAccountToken: false, ...pod, containers: [container] } } } } },
  };
}

function deployment(container: object, pod: object = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'veza-backend-api', namespace: 'veza-production' },
    spec: { template: { spec: { automountServiceAccountToken: false, ...pod, containers: [container] } } },
  };
}

const WORKLOAD = 'dist/production/secrets-rotation.yaml: CronJob veza-production/secrets-rotation-signing-secret';
const C = "'spec.jobTemplate.spec.template.spec.containers[\"rotate\"]";

describe('every rule passes on the committed app', () => {
  const committed = readDirectory(path.join(root, 'dist'));
  test('the committed app has what the rules look at: pod templates, Roles, stores, ExternalSecrets', () => {
    const kinds = new Set(policyContext(committed).objects.filter((o) => o.environment !== undefined).map((o) => o.doc.kind));
    expect(['CronJob', 'Role', 'RoleBinding', 'SecretStore', 'ExternalSecret', 'Namespace'].filter((k) => !kinds.has(k))).toEqual([]);
  });
  test.each(POLICY_RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    expect(committed.length).toBeGreaterThan(0);
    expect(violations(rule, ...committed)).toEqual([]);
  });
});

describe('pod-security-restricted', () => {
  test('a restricted pod passes', () => {
    expect(violations(podSecurityRestricted, file('production/secrets-rotation.yaml', cronJob(goodContainer)))).toEqual([]);
  });
  test.each([
    ['runAsNonRoot unset', { securityContext: { ...goodContainer.securityContext, runAsNonRoot: undefined } }, {}, `${C}.securityContext.runAsNonRoot' is unset; allowed: true (on the container or the pod)`],
    ['privilege escalation', { securityContext: { ...goodContainer.securityContext, allowPrivilegeEscalation: true } }, {}, `${C}.securityContext.allowPrivilegeEscalation' is true; allowed: false`],
    ['capabilities kept', { securityContext: { ...goodContainer.securityContext, capabilities: { drop: ['NET_RAW'] } } }, {}, `${C}.securityContext.capabilities.drop' is ["NET_RAW"]; allowed: a list holding ALL`],
    ['no seccomp profile', { securityContext: { ...goodContainer.securityContext, seccompProfile: undefined } }, {}, `${C}.securityContext.seccompProfile.type' is unset; allowed: RuntimeDefault or Localhost (on the container or the pod)`],
    ['writable root filesystem', { securityContext: { ...goodContainer.securityContext, readOnlyRootFilesystem: false } }, {}, `${C}.securityContext.readOnlyRootFilesystem' is false; allowed: true`],
    ['privileged', { securityContext: { ...goodContainer.securityContext, privileged: true } }, {}, `${C}.securityContext.privileged' is true; allowed: false or unset`],
    ['host port', { ports: [{ containerPort: 8080, hostPort: 8080 }] }, {}, `${C}.ports' uses hostPort 8080; allowed: no host port`],
    ['host network', {}, { hostNetwork: true }, "'spec.jobTemplate.spec.template.spec.hostNetwork' is true; allowed: false or unset"],
    ['host path', {}, { volumes: [{ name: 'docker', hostPath: { path: '/var/run' } }] }, "'spec.jobTemplate.spec.template.spec.volumes' holds hostPath volume \"docker\"; allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret"],
    ['an NFS volume', {}, { volumes: [{ name: 'share', nfs: { server: 'nfs', path: '/' } }] }, "'spec.jobTemplate.spec.template.spec.volumes' holds nfs volume \"share\"; allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret"],
    ['an unsafe sysctl', {}, { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, `'spec.jobTemplate.spec.template.spec.securityContext.sysctls' holds "kernel.msgmax"; allowed: ${SAFE_SYSCTLS.join(', ')}`],
    ['an unconfined pod seccomp profile', {}, { securityContext: { seccompProfile: { type: 'Unconfined' } } }, "'spec.jobTemplate.spec.template.spec.securityContext.seccompProfile.type' is \"Unconfined\"; allowed: RuntimeDefault, Localhost or unset"],
    ['an SELinux type', {}, { securityContext: { seLinuxOptions: { type: 'spc_t' } } }, "'spec.jobTemplate.spec.template.spec.securityContext.seLinuxOptions.type' is \"spc_t\"; allowed: container_t, container_init_t, container_kvm_t or unset"],
    ['an SELinux user', { securityContext: { ...goodContainer.securityContext, seLinuxOptions: { user: 'root' } } }, {}, `${C}.securityContext.seLinuxOptions.user' is "root"; allowed: unset`],
    ['an unmasked /proc', { securityContext: { ...goodContainer.securityContext, procMount: 'Unmasked' } }, {}, `${C}.securityContext.procMount' is "Unmasked"; allowed: Default or unset`],
    ['an unconfined AppArmor profile', { securityContext: { ...goodContainer.securityContext, appArmorProfile: { type: 'Unconfined' } } }, {}, `${C}.securityContext.appArmorProfile.type' is "Unconfined"; allowed: RuntimeDefault, Localhost or unset`],
    ['a Windows host process', { securityContext: { ...goodContainer.securityContext, windowsOptions: { hostProcess: true } } }, {}, `${C}.securityContext.windowsOptions.hostProcess' is true; allowed: false or unset`],
    ['token mounted', {}, { automountServiceAccountToken: true }, "'spec.jobTemplate.spec.template.spec.automountServiceAccountToken' is true; allowed: false (mount a projected token where the API is called)"],
  ])('%s', (_case, containerPatch, podPatch, problem) => {
    expect(violations(podSecurityRestricted, file('production/secrets-rotation.yaml', cronJob({ ...goodContainer, ...containerPatch }, podPatch))))
      .toEqual([`policy pod-security-restricted: ${WORKLOAD}: ${problem}`]);
  });
  test('a pod-level securityContext counts for every container, in a Deployment too', () => {
    const { runAsNonRoot: _r, seccompProfile: _s, ...rest } = goodContainer.securityContext;
    const doc = deployment({ ...goodContainer, securityContext: rest }, { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } });
    expect(violations(podSecurityRestricted, file('production/deployments.yaml', doc))).toEqual([]);
  });
});

describe('container-resources', () => {
  test('a container without requests and limits fails', () => {
    expect(violations(containerResources, file('production/secrets-rotation.yaml', cronJob({ ...goodContainer, resources: { requests: { cpu: '50m' } } })))).toEqual([
      `policy container-resources: ${WORKLOAD}: ${C}.resources.requests.memory' is unset; allowed: a quantity such as 64Mi`,
      `policy container-resources: ${WORKLOAD}: ${C}.resources.limits.memory' is unset; allowed: a quantity such as 64Mi`,
    ]);
  });
});

describe('pinned-images', () => {
  test.each([
    ['bitnami/kubectl:latest', ['latest']],
    ['bitnami/kubectl', ['untagged']],
    ['localhost:5000/kubectl', ['a registry port is not a tag']],
  ])('%s is refused (%s)', (image) => {
    expect(violations(pinnedImages, file('production/secrets-rotation.yaml', cronJob({ ...goodContainer, image })))).toEqual([
      `policy pinned-images: ${WORKLOAD}: ${C}.image' is ${JSON.stringify(image)}; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`,
    ]);
  });
  test.each(['bitnami/kubectl:1.28.4', `bitnami/kubectl@sha256:${'a'.repeat(64)}`, 'localhost:5000/kubectl:1.28'])('%s passes', (image) => {
    expect(violations(pinnedImages, file('production/secrets-rotation.yaml', cronJob({ ...goodContainer, image })))).toEqual([]);
  });
});

describe('cronjob-name-length', () => {
  test('a 53-character name fails, 52 passes', () => {
    const long = `secrets-rotation-${'x'.repeat(36)}`;
    expect(violations(cronJobNameLength, file('production/secrets-rotation.yaml', cronJob(goodContainer, {}, long)))).toEqual([
      `policy cronjob-name-length: dist/production/secrets-rotation.yaml: CronJob veza-production/${long}: 'metadata.name' is ${JSON.stringify(long)} (53 characters); allowed: at most 52 characters`,
    ]);
    expect(violations(cronJobNameLength, file('production/secrets-rotation.yaml', cronJob(goodContainer, {}, long.slice(1))))).toEqual([]);
  });
});

describe('rbac-least-privilege', () => {
  const role = (rules: object[]) => file('production/rbac.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'secrets-reader', namespace: 'veza-production' }, rules });
  const R = 'policy rbac-least-privilege: dist/production/rbac.yaml: Role veza-production/secrets-reader';
  test('get on veza-secrets only passes', () => {
    expect(violations(rbacLeastPrivilege, role([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['veza-secrets'], verbs: ['get'] }]))).toEqual([]);
  });
  test.each([
    ['wildcard verbs', { apiGroups: [''], resources: ['configmaps'], resourceNames: ['x'], verbs: ['*'] }, [`${R}: 'rules[0].verbs' is ["*"]; allowed: named verbs, no '*'`]],
    ['wildcard resources', { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }, [`${R}: 'rules[0].resources' is ["*"]; allowed: named resources, no '*'`]],
    ['wildcard API groups', { apiGroups: ['*'], resources: ['configmaps'], verbs: ['get'] }, [`${R}: 'rules[0].apiGroups' is ["*"]; allowed: named apiGroups, no '*'`]],
    ['list and watch on secrets', { apiGroups: [''], resources: ['secrets'], resourceNames: ['veza-secrets'], verbs: ['get', 'list', 'watch'] }, [`${R}: 'rules[0].verbs' is ["get","list","watch"] on secrets; allowed: no list or watch on secrets (they return every value)`]],
    ['get on every secret', { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, [`${R}: 'rules[0]' allows get on every Secret; allowed: get with resourceNames`]],
    ['patch without names', { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: ['get', 'patch'] }, [`${R}: 'rules[0]' allows patch without resourceNames; allowed: writes scoped by resourceNames`]],
    ['create', { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }, [`${R}: 'rules[0].verbs' holds create, which resourceNames cannot scope; allowed: update, patch or delete with resourceNames`]],
    ['escalate', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], resourceNames: ['x'], verbs: ['escalate'] }, [`${R}: 'rules[0].verbs' holds escalate; allowed: no escalate, bind or impersonate`]],
  ])('%s', (_case, rule, expected) => {
    expect(violations(rbacLeastPrivilege, role([rule]))).toEqual(expected);
  });
  test('a binding to cluster-admin fails', () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'secrets-rotation', namespace: 'veza-production' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] };
    expect(violations(rbacLeastPrivilege, file('production/rbac.yaml', binding))).toEqual([
      `policy rbac-least-privilege: dist/production/rbac.yaml: RoleBinding veza-production/secrets-rotation: 'roleRef.name' is "cluster-admin"; allowed: a role of this project's own, not cluster-admin, admin, edit`,
    ]);
  });
});

describe('no-secret-material', () => {
  const cm = (data: Record<string, string>, annotations?: Record<string, string>) => file('production/config.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'veza-production', annotations }, data });
  const P = 'policy no-secret-material: dist/production/config.yaml: ConfigMap veza-production/c';
  test.each([
    ['a PEM private key', cm({ key: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98xEoC3Gq4pLk\n-----END RSA PRIVATE KEY-----' }), [`${P}: 'data.key' holds a PEM private key; allowed: a reference to a secret, never its value`]],
    ['an AWS access key ID', cm({ id: 'AKIAIOSFODNN7EXAMPLE' }), [`${P}: 'data.id' holds an AWS access key ID; allowed: a reference to a secret, never its value`]],
    ['a Stripe key', cm({ stripe: `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}` }), [`${P}: 'data.stripe' holds a Stripe key; allowed: a reference to a secret, never its value`]],
    ['a Vault token', cm({ token: `hvs.${'CAESIJ7x9k2LmQpR4sTuVwXyZ0a1b2c3'}` }), [`${P}: 'data.token' holds a Vault token; allowed: a reference to a secret, never its value`]],
    ['a URL with a password', cm({ url: 'postgresql://veza:s3cr3tPass@db:5432/veza' }), [`${P}: 'data.url' holds a URL with a password; allowed: a reference to a secret, never its value`]],
    ['a JWT', cm({ t: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' }), [`${P}: 'data.t' holds a JSON Web Token; allowed: a reference to a secret, never its value`]],
    ['a random token in an annotation', cm({}, { 'veza.io/note': 'q8Zr2VbX7mKp4LwN9sTy3HdF6gJc1AeRuPo0iQx5' }), [`${P}: 'metadata.annotations.veza.io/note' holds a random-looking token; allowed: no key material (exempt it with a reason if it is public)`]],
  ])('%s', (_case, fixture, expected) => {
    expect(violations(noSecretMaterial, fixture)).toEqual(expected);
  });
  test("ESO's CRD texts (examples of keys in descriptions) pass", () => {
    const dir = path.join(root, 'imports', 'schemas');
    const schemas = fs.readdirSync(dir).map((f) => ({ path: `cluster/crds/${f}`, content: fs.readFileSync(path.join(dir, f), 'utf8'), executable: false }));
    expect(schemas.length).toBeGreaterThan(0);
    expect(violations(noSecretMaterial, ...schemas)).toEqual([]);
  });
  test('a Secret with data fails', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'veza-secrets', namespace: 'veza-production' }, stringData: { 'jwt-secret': 'x' } };
    expect(violations(noSecretMaterial, file('production/secret.yaml', secret))).toEqual([
      `policy no-secret-material: dist/production/secret.yaml: Secret veza-production/veza-secrets: 'stringData' holds "jwt-secret"; allowed: no values (ESO materializes Secrets from the store)`,
    ]);
  });
  test('a text file with a private key fails; placeholders and a hex digest pass', () => {
    const text = { path: 'production/secrets.yaml.example', content: 'stripe-api-key: sk_live_REPLACE_ME\ns3-access-key: AKIA_REPLACE_ME\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n', executable: false };
    expect(violations(noSecretMaterial, text)).toEqual([
      'policy no-secret-material: dist/production/secrets.yaml.example: line 3 holds a PEM private key; allowed: placeholders, never a value',
    ]);
    const documented = { ...text, content: 'private-key: "-----BEGIN PRIVATE KEY-----\\n<private-key>\\n-----END PRIVATE KEY-----"\n' };
    expect(violations(noSecretMaterial, documented, cm({ example: '-----BEGIN PRIVATE KEY-----\n<private-key>\n-----END PRIVATE KEY-----' }))).toEqual([]);
    expect(violations(noSecretMaterial, cm({}, { 'checksum/config': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }))).toEqual([]);
  });
});

describe('environment-isolation', () => {
  const es = (namespace: string, key: string) => ({
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'veza-secrets', namespace },
    spec: { refreshInterval: '1h', secretStoreRef: { kind: 'SecretStore', name: 'vault-store' }, target: { name: 'veza-secrets', creationPolicy: 'Orphan', deletionPolicy: 'Retain' }, data: [{ secretKey: 'jwt-secret', remoteRef: { key, property: 'jwt-secret' } }] },
  });
  const store = (namespace: string, role: string) => ({
    apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'vault-store', namespace },
    spec: { provider: { vault: { server: 'https://vault:8200', path: 'secret', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role } } } } },
  });
  const ns = (name: string) => file(`${name.replace('veza-', '')}/namespace.yaml`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  test('an object in another namespace fails', () => {
    expect(violations(environmentIsolation, ns('veza-staging'), file('staging/external-secrets/veza-secrets.yaml', es('veza-production', 'veza/staging')), file('staging/secret-stores/vault-store.yaml', store('veza-staging', 'veza-staging')))).toContain(
      `policy environment-isolation: dist/staging/external-secrets/veza-secrets.yaml: ExternalSecret veza-production/veza-secrets: 'metadata.namespace' is "veza-production"; allowed: "veza-staging"`,
    );
  });
  test("a reference to another environment's Vault path fails", () => {
    expect(violations(environmentIsolation, ns('veza-production'), ns('veza-staging'), file('staging/external-secrets/veza-secrets.yaml', es('veza-staging', 'veza/production')), file('staging/secret-stores/vault-store.yaml', store('veza-staging', 'veza-staging')))).toEqual([
      `policy environment-isolation: dist/staging/external-secrets/veza-secrets.yaml: ExternalSecret veza-staging/veza-secrets: 'spec.data[0].remoteRef.key' is "veza/production", which names environment production; allowed: this environment's own (staging)`,
      `policy environment-isolation: dist/staging/external-secrets/veza-secrets.yaml: ExternalSecret veza-staging/veza-secrets: 'spec.data[0].remoteRef.key' is "veza/production"; allowed: a vault key below this environment's path (holding /staging/)`,
    ]);
  });
  test("a store logging in as another environment's role fails", () => {
    expect(violations(environmentIsolation, ns('veza-production'), ns('veza-staging'), file('staging/secret-stores/vault-store.yaml', store('veza-staging', 'veza-production')))).toEqual([
      `policy environment-isolation: dist/staging/secret-stores/vault-store.yaml: SecretStore veza-staging/vault-store: 'spec.provider.vault.auth.kubernetes.role' is "veza-production", which names environment production; allowed: this environment's own (staging)`,
      `policy environment-isolation: dist/staging/secret-stores/vault-store.yaml: SecretStore veza-staging/vault-store: 'spec.provider.vault.auth.*.role' is "veza-production"; allowed: a location of environment "staging" (a store must not read another environment's secrets)`,
    ]);
  });
  test("a store whose location holds the environment's name only inside a longer word fails, as the construct refuses it", () => {
    expect(violations(environmentIsolation, ns('veza-staging'), file('staging/secret-stores/vault-store.yaml', store('veza-staging', 'veza-staging2')))).toEqual([
      `policy environment-isolation: dist/staging/secret-stores/vault-store.yaml: SecretStore veza-staging/vault-store: 'spec.provider.vault.auth.*.role' is "veza-staging2"; allowed: a location of environment "staging" (a store must not read another environment's secrets)`,
    ]);
    expect([namesEnvironment('veza-staging2', 'staging'), namesEnvironment('preproduction', 'production'), namesEnvironment('veza/staging/', 'staging'), namesEnvironment('aws:SecretsManager:eu-west-3:veza-staging-', 'staging')])
      .toEqual([false, false, true, true]);
  });
  test("a generator reading another environment's (or no environment's) Vault path fails", () => {
    const generator = (path: string) => file('staging/external-secrets/veza-secrets.yaml', {
      apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', metadata: { name: 'veza-database-credentials', namespace: 'veza-staging' },
      spec: { method: 'GET', path, provider: { server: 'https://vault:8200', auth: { kubernetes: { mountPath: 'kubernetes', role: 'veza-staging' } } } },
    });
    const G = 'policy environment-isolation: dist/staging/external-secrets/veza-secrets.yaml: VaultDynamicSecret veza-staging/veza-database-credentials';
    expect(violations(environmentIsolation, ns('veza-production'), ns('veza-staging'), generator('database/static-creds/veza-staging-app'))).toEqual([]);
    expect(violations(environmentIsolation, ns('veza-production'), ns('veza-staging'), generator('database/static-creds/veza-production-app'))).toEqual([
      `${G}: 'spec.path' is "database/static-creds/veza-production-app", which names environment production; allowed: this environment's own (staging)`,
      `${G}: 'spec.path' is "database/static-creds/veza-production-app"; allowed: a Vault path of environment "staging" (a store must not read another environment's secrets)`,
    ]);
    expect(violations(environmentIsolation, ns('veza-staging'), generator('database/static-creds/app'))).toEqual([
      `${G}: 'spec.path' is "database/static-creds/app"; allowed: a Vault path of environment "staging" (a store must not read another environment's secrets)`,
    ]);
  });
  test("a text file naming another environment's path fails", () => {
    const hcl = { path: 'staging/vault/veza-staging-read.hcl', content: 'path "secret/data/veza/production" {\n  capabilities = ["read"]\n}\n', executable: false };
    expect(violations(environmentIsolation, ns('veza-production'), ns('veza-staging'), hcl)).toEqual([
      "policy environment-isolation: dist/staging/vault/veza-staging-read.hcl: line 1 names environment production; allowed: this environment's own (staging)",
    ]);
  });
  test('comment lines and Markdown may mention another environment', () => {
    const script = { path: 'staging/vault/configure-vault.sh', content: '# The mount kubernetes/ is also configured by the script of veza-production.\nvault policy write veza-staging-read x\n', executable: true };
    const readme = { path: 'staging/README.md', content: 'Unlike veza-production, staging ...\n', executable: false };
    expect(violations(environmentIsolation, ns('veza-production'), ns('veza-staging'), script, readme)).toEqual([]);
  });
});

describe('eso-hygiene', () => {
  const es = (spec: object) => ({
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'veza-secrets', namespace: 'veza-production' },
    spec: { refreshInterval: '1h', secretStoreRef: { kind: 'SecretStore', name: 'vault-store' }, target: { name: 'veza-secrets', creationPolicy: 'Orphan', deletionPolicy: 'Retain' }, data: [{ secretKey: 'jwt-secret', remoteRef: { key: 'veza/production', property: 'jwt-secret' } }], ...spec },
  });
  const store = file('production/secret-stores/vault-store.yaml', { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'vault-store', namespace: 'veza-production' }, spec: { provider: { vault: {} } } });
  const E = 'policy eso-hygiene: dist/production/external-secrets/veza-secrets.yaml: ExternalSecret veza-production/veza-secrets';
  test.each([
    ['refreshInterval 0', { refreshInterval: '0s' }, `${E}: 'spec.refreshInterval' is "0s"; allowed: a Go duration above 0 such as 1h (with 0 ESO never refreshes and force-sync does nothing)`],
    ['refreshInterval unset', { refreshInterval: undefined }, `${E}: 'spec.refreshInterval' is unset; allowed: a Go duration above 0 such as 1h (with 0 ESO never refreshes and force-sync does nothing)`],
    ['a store that is not applied with it', { secretStoreRef: { kind: 'SecretStore', name: 'aws-store' } }, `${E}: 'spec.secretStoreRef' is SecretStore "aws-store", which is not written in dist/production/ in namespace "veza-production"; allowed: a store applied with it`],
    ['production deletes the live Secret', { target: { name: 'veza-secrets', creationPolicy: 'Orphan', deletionPolicy: 'Delete' } }, `${E}: 'spec.target.deletionPolicy' is "Delete"; allowed: Retain outside development (the live Secret must never be dropped because a provider entry went missing)`],
    ['production owns the live Secret', { target: { name: 'veza-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' } }, `${E}: 'spec.target.creationPolicy' is "Owner"; allowed: Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)`],
  ])('%s', (_case, spec, expected) => {
    expect(violations(vezaEsoHygiene, store, file('production/external-secrets/veza-secrets.yaml', es(spec)))).toEqual([expected]);
  });
  test('the generic rule checks references and intervals, not Veza\'s keep-the-live-Secret rule', () => {
    const owner = es({ target: { name: 'veza-secrets', creationPolicy: 'Owner', deletionPolicy: 'Delete' } });
    expect(violations(esoHygiene, store, file('production/external-secrets/veza-secrets.yaml', owner))).toEqual([]);
    expect(violations(vezaEsoHygiene, store, file('production/external-secrets/veza-secrets.yaml', owner))).toHaveLength(2);
  });
  test('a generatorRef must resolve to a generator applied with the ExternalSecret', () => {
    const dataFrom = [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', name: 'veza-database-credentials' } } }];
    const generator = { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', metadata: { name: 'veza-database-credentials', namespace: 'veza-production' }, spec: { path: 'database/static-creds/veza-production-app' } };
    expect(violations(esoHygiene, store, file('production/external-secrets/veza-secrets.yaml', es({ dataFrom }), generator))).toEqual([]);
    const missing = `${E}: 'spec.dataFrom[0].sourceRef.generatorRef' is VaultDynamicSecret "veza-database-credentials", which is not written in dist/production/ in namespace "veza-production"; allowed: a generator applied with it`;
    expect(violations(esoHygiene, store, file('production/external-secrets/veza-secrets.yaml', es({ dataFrom })))).toEqual([missing]);
    expect(violations(esoHygiene, store, file('production/external-secrets/veza-secrets.yaml', es({ dataFrom })), file('alternatives/production/g.yaml', generator))).toEqual([missing]);
  });
  test('objectsReachable: same unit and namespace, or anywhere for cluster-wide kinds, in the order written; kind and name compared exactly', () => {
    const ss = (ns: string, name = 'vault-store', kind = 'SecretStore') => ({ apiVersion: 'external-secrets.io/v1', kind, metadata: { name, namespace: ns }, spec: { provider: { vault: {} } } });
    const context = policyContext([
      file('production/a.yaml', ss('veza-production'), ss('other'), ss('veza-production', 'vault-store', 'ClusterSecretStore')),
      file('staging/a.yaml', ss('veza-production'), ss('veza-staging', 'vault-store', 'ClusterSecretStore')),
      file('production/b.yaml', ss('veza-production'), { apiVersion: 'v1', kind: 'SecretStore', metadata: { name: 7, namespace: 'veza-production' } }),
      file('production/external-secrets/veza-secrets.yaml', es({})),
    ]);
    const from = context.objects[context.objects.length - 1];
    const at = (o: { file: string; doc: KubeObject }) => `${o.file} ${o.doc.kind} ${o.doc.metadata?.namespace}`;
    expect(objectsReachable(context, from, 'SecretStore', 'vault-store', false).map(at)).toEqual(['production/a.yaml SecretStore veza-production', 'production/b.yaml SecretStore veza-production']);
    expect(objectsReachable(context, from, 'ClusterSecretStore', 'vault-store', true).map(at)).toEqual(['production/a.yaml ClusterSecretStore veza-production', 'staging/a.yaml ClusterSecretStore veza-staging']);
    expect(objectsReachable(context, from, 'SecretStore', '7', false)).toEqual([]);
    expect(objectsReachable(context, from, 'SecretStore', undefined, false)).toEqual([]);
  });
  test('thousands of ExternalSecrets each resolve their own store and generator (the index built once per pass)', () => {
    const n = 3000;
    const docs: object[] = [];
    const dataFrom = (i: number) => [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: `g-${i}` } } }];
    for (let i = 0; i < n; i++) {
      docs.push({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: `s-${i}`, namespace: 'veza-production' }, spec: { provider: { vault: {} } } });
      docs.push({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', metadata: { name: `g-${i}`, namespace: 'veza-production' }, spec: {} });
      docs.push(es({ secretStoreRef: { kind: 'SecretStore', name: `s-${i}` }, dataFrom: dataFrom(i) }));
    }
    // One ExternalSecret whose store and generator are missing: exactly its two problems.
    docs.push(es({ secretStoreRef: { kind: 'SecretStore', name: `s-${n}` }, dataFrom: dataFrom(n) }));
    const found = violations(esoHygiene, file('production/external-secrets/veza-secrets.yaml', ...docs));
    expect(found).toEqual([
      `${E}: 'spec.secretStoreRef' is SecretStore "s-${n}", which is not written in dist/production/ in namespace "veza-production"; allowed: a store applied with it`,
      `${E}: 'spec.dataFrom[0].sourceRef.generatorRef' is Password "g-${n}", which is not written in dist/production/ in namespace "veza-production"; allowed: a generator applied with it`,
    ]);
  });
  test('a store in the alternatives folder does not resolve for the applied folder', () => {
    const alt = { ...store, path: 'alternatives/production/secret-stores/vault-store.yaml' };
    expect(violations(esoHygiene, alt, file('production/external-secrets/veza-secrets.yaml', es({})))).toHaveLength(1);
  });
});

describe('exemptions', () => {
  const latest = (annotations: Record<string, string>) => {
    const doc = cronJob({ ...goodContainer, image: 'bitnami/kubectl:latest' });
    return file('production/secrets-rotation.yaml', { ...doc, metadata: { ...doc.metadata, annotations } });
  };
  test('an exemption with a reason turns the violation into a printed exemption', () => {
    const report = checkPolicy([latest({ 'veza.io/policy-exempt': 'pinned-images', 'veza.io/policy-exempt-reason': 'the vendor publishes latest only; ticket SEC-12' })], [pinnedImages]);
    expect(report.violations).toEqual([]);
    expect(report.exemptions).toEqual([{ rule: 'pinned-images', file: 'production/secrets-rotation.yaml', object: 'CronJob veza-production/secrets-rotation-signing-secret', reason: 'the vendor publishes latest only; ticket SEC-12' }]);
  });
  test.each([
    ['without a reason', { 'veza.io/policy-exempt': 'pinned-images' }, [
      `policy policy-exemption: ${WORKLOAD}: 'metadata.annotations.veza.io/policy-exempt' is "pinned-images" without 'veza.io/policy-exempt-reason'; allowed: an exemption with a reason, which every synth prints`,
      `policy pinned-images: ${WORKLOAD}: ${C}.image' is "bitnami/kubectl:latest"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`,
    ]],
    ['of an unknown rule', { 'veza.io/policy-exempt': 'pinned-image', 'veza.io/policy-exempt-reason': 'typo' }, [
      `policy policy-exemption: ${WORKLOAD}: 'metadata.annotations.veza.io/policy-exempt' names "pinned-image"; allowed: pinned-images`,
      `policy pinned-images: ${WORKLOAD}: ${C}.image' is "bitnami/kubectl:latest"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`,
    ]],
  ])('an exemption %s is a violation', (_case, annotations, expected) => {
    expect(violations(pinnedImages, latest(annotations))).toEqual(expected);
  });
  test('enforcePolicy throws a PolicyError listing every violation', () => {
    expect(() => enforcePolicy([latest({})])).toThrow(PolicyError);
  });
});

describe('the policy runs over the whole app at synth', () => {
  test('it reads the objects renderApp rendered, the same as parsing every file back; an edited file is parsed', () => {
    const files = renderApp(new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) }), { header: generatedHeader });
    const parsed = policyContext(files.map((f) => ({ ...f })));
    expect(parsed.objects.length).toBeGreaterThan(0);
    expect(policyContext(files)).toEqual(parsed);
    // Every YAML file keeps what it was rendered from: manifests, kustomizations and the control-plane files (YamlFile).
    expect(files.filter((f) => f.path.endsWith('.yaml') && renderedObjectsOf(f) === undefined).map((f) => f.path)).toEqual([]);
    // A file whose content changed after rendering is read from its content, not from what was rendered.
    const edited = files.map((f) => (f.path.endsWith('.yaml') && f.content.includes('kind: ExternalSecret') ? Object.assign(f, { content: f.content.replace(/refreshInterval: \S+/, 'refreshInterval: 0s') }) : f));
    expect(checkPolicy(edited, [esoHygiene]).violations.map((v) => v.problem)).toContain(`'spec.refreshInterval' is "0s"; allowed: a Go duration above 0 such as 1h (with 0 ESO never refreshes and force-sync does nothing)`);
  });
  test('a workload added to an environment fails the render with every violation, one per line', () => {
    const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) });
    const production = app.environments.find((e) => e.config.name === 'production')!;
    const workloads = new ManifestFile(production.applied, 'Workloads', { path: 'production/workloads.yaml', namespace: 'veza-production' });
    new kplus.Deployment(workloads, 'web', { metadata: { name: 'veza-web' }, containers: [{ name: 'web', image: 'nginx', portNumber: 8080 }] });
    const files = renderApp(app, { header: generatedHeader });
    expect(() => enforcePolicy(files)).toThrow(PolicyError);
    let messages: string[] = [];
    try {
      enforcePolicy(files);
    } catch (e) {
      messages = (e as PolicyError).messages;
    }
    const W = "policy pod-security-restricted: dist/production/workloads.yaml: Deployment veza-production/veza-web: 'spec.template.spec.containers[\"web\"]";
    expect(messages).toEqual([
      `${W}.securityContext.capabilities.drop' is []; allowed: a list holding ALL`,
      `${W}.securityContext.seccompProfile.type' is unset; allowed: RuntimeDefault or Localhost (on the container or the pod)`,
      `policy pinned-images: dist/production/workloads.yaml: Deployment veza-production/veza-web: 'spec.template.spec.containers["web"].image' is "nginx"; allowed: an image pinned by a tag other than latest or by a sha256 digest, such as registry.example.com/hashicorp/vault:1.21.4`,
    ]);
  });
  test('an exemption is printed as one line with its reason', () => {
    const doc = cronJob({ ...goodContainer, image: 'bitnami/kubectl:latest' });
    const fixture = file('production/secrets-rotation.yaml', { ...doc, metadata: { ...doc.metadata, annotations: { 'veza.io/policy-exempt': 'pinned-images', 'veza.io/policy-exempt-reason': 'vendor ships latest only (SEC-12)' } } });
    expect(enforcePolicy([fixture]).exemptions.map(formatExemption)).toEqual([
      'policy exemption: pinned-images for CronJob veza-production/secrets-rotation-signing-secret in dist/production/secrets-rotation.yaml: vendor ships latest only (SEC-12)',
    ]);
  });
  test('exemptFromPolicy annotates the object; the synth passes and reports the exemption', () => {
    const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')) });
    const production = app.environments.find((e) => e.config.name === 'production')!;
    const workloads = new ManifestFile(production.applied, 'Workloads', { path: 'production/workloads.yaml', namespace: 'veza-production' });
    const web = new kplus.Deployment(workloads, 'web', { metadata: { name: 'veza-web' }, containers: [{ name: 'web', image: 'nginx:1.27', portNumber: 8080, securityContext: { ensureNonRoot: true } }] });
    exemptFromPolicy(web, ['pod-security-restricted'], 'a fixture: kept to show the printed reason');
    expect(() => exemptFromPolicy(web, ['pinned-images'], ' ')).toThrow("[production/Applied/Workloads/web]: 'exemptFromPolicy' needs at least one rule and a reason. The value passed is: rules [\"pinned-images\"], reason \" \"");
    expect(enforcePolicy(renderApp(app, { header: generatedHeader })).exemptions.map(formatExemption)).toEqual([
      'policy exemption: pod-security-restricted for Deployment veza-production/veza-web in dist/production/workloads.yaml: a fixture: kept to show the printed reason',
    ]);
  });
});
