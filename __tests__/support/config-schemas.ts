/**
 * Schemas of the component configuration files that may sit in dist/ beside the manifests
 * (read by kube-apiserver from its node's disk, never applied): no metadata.name, no API
 * server. Written from the upstream Go types; objects are closed, as the apiserver's strict
 * decoding of these files is.
 * @see https://kubernetes.io/docs/reference/config-api/apiserver-config.v1/
 * @see https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/
 */
const str = { type: 'string' };
const strings = { type: 'array', items: str };
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
const keys = closed({ keys: { type: 'array', minItems: 1, items: closed({ name: str, secret: str }, ['name', 'secret']) } }, ['keys']);

const encryptionConfiguration = closed({
  apiVersion: { const: 'apiserver.config.k8s.io/v1' },
  kind: { const: 'EncryptionConfiguration' },
  resources: {
    type: 'array',
    items: closed({
      resources: { ...strings, minItems: 1 },
      providers: {
        type: 'array',
        minItems: 1,
        items: {
          ...closed({
            aesgcm: keys,
            aescbc: keys,
            secretbox: keys,
            identity: closed({}),
            kms: closed({ apiVersion: { enum: ['v1', 'v2'] }, name: str, cachesize: { type: 'integer' }, endpoint: str, timeout: str }, ['name', 'endpoint']),
          }),
          minProperties: 1,
          maxProperties: 1,
        },
      },
    }, ['resources', 'providers']),
  },
}, ['apiVersion', 'kind', 'resources']);

const stages = { type: 'array', items: { enum: ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] } };
const auditPolicy = closed({
  apiVersion: { const: 'audit.k8s.io/v1' },
  kind: { const: 'Policy' },
  metadata: { type: 'object' },
  omitStages: stages,
  omitManagedFields: { type: 'boolean' },
  rules: {
    type: 'array',
    items: closed({
      level: { enum: ['None', 'Metadata', 'Request', 'RequestResponse'] },
      users: strings,
      userGroups: strings,
      verbs: strings,
      resources: { type: 'array', items: closed({ group: str, resources: strings, resourceNames: strings }) },
      namespaces: strings,
      nonResourceURLs: strings,
      omitStages: stages,
      omitManagedFields: { type: 'boolean' },
    }, ['level']),
  },
}, ['apiVersion', 'kind', 'rules']);

/** `<apiVersion>/<kind>` → JSON schema. */
export const CONFIG_FILE_SCHEMAS: Record<string, object> = {
  'apiserver.config.k8s.io/v1/EncryptionConfiguration': encryptionConfiguration,
  'audit.k8s.io/v1/Policy': auditPolicy,
};
