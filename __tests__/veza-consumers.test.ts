import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadEnvironments, renderVeza, VEZA_SECRETS_HASH_ANNOTATION, VezaApp } from '../lib/veza';

const environmentsDir = path.join(__dirname, '..', 'environments');
const files = renderVeza(environmentsDir);
const docs = (file: string): any[] => yaml.loadAll(files.find((f) => f.path === file)!.content) as any[];

describe.each(['development', 'staging', 'production'])('%s/rbac.yaml', (env) => {
  const objects = docs(`${env}/rbac.yaml`);
  const namespace = `veza-${env}`;

  test('a service account per consuming service, no token mounted', () => {
    expect(objects.filter((o) => o.kind === 'ServiceAccount')).toEqual(['veza-backend-api', 'veza-stream-server'].map((name) => expect.objectContaining({
      metadata: expect.objectContaining({ name, namespace }),
      automountServiceAccountToken: false,
    })));
  });

  test('secrets-reader: get on veza-secrets only, bound to both accounts', () => {
    const role = objects.find((o) => o.kind === 'Role');
    expect(role.metadata).toMatchObject({ name: 'secrets-reader', namespace });
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['veza-secrets'], verbs: ['get'] }]);
    const binding = objects.find((o) => o.kind === 'RoleBinding');
    expect(binding.metadata).toMatchObject({ name: 'secrets-reader', namespace });
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets-reader' });
    expect(binding.subjects).toEqual(['veza-backend-api', 'veza-stream-server'].map((name) => ({ apiGroup: '', kind: 'ServiceAccount', name, namespace })));
    expect(objects.map((o) => o.kind).sort()).toEqual(['Role', 'RoleBinding', 'ServiceAccount', 'ServiceAccount']);
  });

  test('is applied: kustomization.yaml lists it', () => {
    expect(docs(`${env}/kustomization.yaml`)[0].resources).toContain('rbac.yaml');
  });
});

test('the consumer view reads the applied ExternalSecret, with the veza.io hash annotation', () => {
  const app = new VezaApp({ environments: loadEnvironments(environmentsDir) });
  for (const env of app.environments) {
    expect(env.consumers.secrets.externalSecret).toBe(env.active.externalSecret);
    expect(env.consumers.secrets.hashAnnotation).toBe(VEZA_SECRETS_HASH_ANNOTATION);
    expect(Object.keys(env.consumers.serviceAccounts)).toEqual(['veza-backend-api', 'veza-stream-server']);
  }
  expect(VEZA_SECRETS_HASH_ANNOTATION).toBe('veza.io/secrets-hash');
});
