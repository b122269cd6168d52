import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExternalSecret } from './external-secret';
import { checkDnsLabel, checkDnsSubdomain, where } from './names';
import { RotationClass, RotationMethod, SecretCatalog } from './secret-catalog';
import { VaultCaProvider, VaultSecretStore } from './vault-secret-store';
import { CRONJOB_NAME_MAX_LENGTH, isCidr } from '../rules';

/** The script every rotation CronJob runs, as a path from the repository's root. */
export const ROTATION_SCRIPT_FILE = 'scripts/rotation/rotate-secrets.sh';

/** The images a rotation pod runs, pinned by tag or digest. */
export interface RotationImages {
  /**
   * Runs the script: needs a POSIX `sh`, `kubectl`, `head`, `base64`, `tr`, `wc`, `date` and `sleep`.
   * @default ROTATION_IMAGES.runner
   */
  readonly runner?: string;
  /**
   * Where the `vault` CLI is copied from (`/bin/vault`, by an init container running `/bin/cp`):
   * the copy drops the file capability (`cap_ipc_lock`) that a pod without capabilities cannot exec.
   * @default ROTATION_IMAGES.vault
   */
  readonly vault?: string;
}

/** The default images: pinned tags (`latest` is refused). */
export const ROTATION_IMAGES = {
  runner: 'alpine/k8s:1.28.15',
  vault: 'hashicorp/vault:1.21.4',
} as const;

/** The user and group the rotation pod runs as (no image user is trusted). */
export const ROTATION_UID = 65532;

/** Where things are mounted in the rotation pod: the script's inputs name these paths. */
export const ROTATION_PATHS = {
  script: '/opt/rotation',
  tools: '/opt/tools',
  work: '/work',
  home: '/home/rotation',
  vaultToken: '/var/run/secrets/vault',
  kubeApi: '/var/run/secrets/kubernetes.io/serviceaccount',
  vaultCa: '/etc/vault-ca',
} as const;

/** Props of {@link SecretRotation}. */
export interface SecretRotationProps {
  /** The ExternalSecret whose keys are rotated; its store must be a {@link VaultSecretStore} (KV v2). */
  readonly externalSecret: ExternalSecret;
  /**
   * The name of the service account, Role, RoleBinding and NetworkPolicy, and the prefix of the
   * CronJobs (`<name>-<rotation class>`): a contract.
   * @default 'secrets-rotation'
   */
  readonly name?: string;
  /** The ConfigMap holding the script. @default `<name>-script` */
  readonly scriptConfigMapName?: string;
  /** The script's text. @default - the file `scripts/rotation/rotate-secrets.sh` of this repository */
  readonly script?: string;
  /** The Vault role the job logs in as (Kubernetes auth). @default `<namespace>-rotation` */
  readonly vaultRole?: string;
  /** Where Vault's Kubernetes auth method is mounted. @default 'kubernetes' */
  readonly vaultAuthMountPath?: string;
  /** The audience of the token presented to Vault; the Vault role requires the same. @default 'vault' */
  readonly vaultAudience?: string;
  /** The CA that signed Vault's certificate, mounted for `VAULT_CACERT`. @default - the image's system roots */
  readonly vaultCa?: VaultCaProvider;
  /** The images. @default ROTATION_IMAGES */
  readonly images?: RotationImages;
  /**
   * CIDRs where Vault runs: the NetworkPolicy allows egress to them on Vault's port only.
   * @default ['0.0.0.0/0'] (any address, Vault's port only)
   */
  readonly vaultCidrs?: string[];
  /**
   * CIDRs of the Kubernetes API server: the NetworkPolicy allows egress to them on 443 and 6443.
   * @default ['0.0.0.0/0'] (any address, ports 443 and 6443 only)
   */
  readonly apiServerCidrs?: string[];
  /** Labels on every object. @default - none */
  readonly labels?: Record<string, string>;
}

/** Options of {@link SecretRotation.addRotation}. */
export interface RotationOptions {
  /** The keys of the target Secret to regenerate: keys of the ExternalSecret. */
  readonly keys: string[];
  /**
   * The Deployments that read them, restarted after the re-sync, in the same namespace: a
   * `kplus.Deployment`, or `SecretRotation.deploymentFromName(name)` for one another team owns.
   */
  readonly deployments: kplus.IApiResource[];
}

/** What one GENERATE rotation class of a catalog rotates. */
export interface GeneratedRotation<Key extends string, Service extends string> {
  /** The rotation class, whose method is GENERATE. */
  readonly rotationClass: RotationClass;
  /** The catalog keys of that class, in catalog order. */
  readonly keys: Key[];
  /** The services that consume any of `keys`, in the catalog's service order. */
  readonly consumers: Service[];
}

/** The catalog's GENERATE rotation classes, each with its keys and their consumers. */
export function generatedRotations<K extends string, S extends string>(catalog: SecretCatalog<K, S, any>): GeneratedRotation<K, S>[] {
  return catalog.rotationClasses
    .filter((c) => c.method === RotationMethod.GENERATE)
    .map((rotationClass) => {
      const entries = catalog.all.filter((e) => e.rotation.name === rotationClass.name);
      const consumers = catalog.services.filter((s) => entries.some((e) => e.consumers.includes(s)));
      return { rotationClass, keys: entries.map((e) => e.key), consumers };
    });
}

/**
 * Rotates generated secrets on a schedule: a CronJob per rotation class that writes new random
 * values to Vault KV v2, forces the ExternalSecret to re-sync (`force-sync`) and restarts the
 * Deployments that read them. Creates the service account, the Role naming exactly that
 * ExternalSecret and those Deployments, its RoleBinding, the script's ConfigMap and a
 * NetworkPolicy (egress to DNS, Vault and the API server only).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 * @see https://external-secrets.io/latest/introduction/faq/#how-do-i-force-a-refresh-of-an-externalsecret
 * @see https://developer.hashicorp.com/vault/docs/auth/kubernetes
 */
export class SecretRotation extends Construct {
  public readonly name: string;
  /** The chart's namespace, where the jobs run. */
  public readonly namespace: string;
  public readonly externalSecret: ExternalSecret;
  /** The Vault store the ExternalSecret reads: the jobs write to its KV path. */
  public readonly store: VaultSecretStore;
  /** The jobs' service account, named like the rotation (`secrets-rotation` by default), with no token mounted. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Role: annotate exactly the ExternalSecret, restart exactly the Deployments the jobs name. */
  public readonly role: ApiObject;
  /** Binds the Role to the service account. */
  public readonly roleBinding: ApiObject;
  /** The ConfigMap holding the rotation script. */
  public readonly scriptConfigMap: ApiObject;
  /** Egress to DNS, Vault and the API server only; no ingress. */
  public readonly networkPolicy: ApiObject;
  public readonly vaultRole: string;
  public readonly vaultAudience: string;
  public readonly images: Required<RotationImages>;
  private readonly props: SecretRotationProps;
  private readonly labels: Record<string, string>;
  private readonly cronJobs: RotationCronJob[] = [];
  // Rendered by reference: filled by addRotation, so the Role names exactly what the jobs touch.
  private readonly rules: k8s.PolicyRule[] = [];
  private readonly deploymentNames: string[] = [];

  public constructor(scope: Construct, id: string, props: SecretRotationProps) {
    super(scope, id);
    this.props = props;
    this.name = checkDnsLabel(where(this), 'name', props.name ?? 'secrets-rotation');
    const namespace = Chart.of(this).namespace;
    if (!namespace) throw new Error(`${where(this)}: a SecretRotation needs a namespace; give its chart one.`);
    this.namespace = namespace;
    this.externalSecret = props.externalSecret;
    const store = props.externalSecret.store;
    if (!(store instanceof VaultSecretStore)) {
      throw new Error(`${where(this)}: 'externalSecret' must read from a VaultSecretStore (rotation writes to Vault KV v2; other providers are rotated as docs/rotation.md says). The value passed reads from: ${store.storeName} (${store.provider})`);
    }
    if (props.externalSecret.namespace !== namespace) {
      throw new Error(`${where(this)}: 'externalSecret' must be in the namespace ${JSON.stringify(namespace)}. The value passed is in: ${JSON.stringify(props.externalSecret.namespace)}`);
    }
    this.store = store;
    this.vaultRole = props.vaultRole ?? `${namespace}-rotation`;
    this.vaultAudience = props.vaultAudience ?? 'vault';
    this.images = {
      runner: checkPinnedImage(this, 'images.runner', props.images?.runner ?? ROTATION_IMAGES.runner),
      vault: checkPinnedImage(this, 'images.vault', props.images?.vault ?? ROTATION_IMAGES.vault),
    };
    this.labels = { ...props.labels, 'app.kubernetes.io/name': this.name };

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.labels },
      automountToken: false,
    });
    this.role = new k8s.KubeRole(this, 'Role', { metadata: { name: this.name, labels: this.labels }, rules: this.rules });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.name, labels: this.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace }],
    });
    const scriptName = checkDnsSubdomain(where(this), 'scriptConfigMapName', props.scriptConfigMapName ?? `${this.name}-script`);
    this.scriptConfigMap = new k8s.KubeConfigMap(this, 'Script', {
      metadata: { name: scriptName, labels: this.labels },
      data: { [path.basename(ROTATION_SCRIPT_FILE)]: props.script ?? readRotationScript() },
    });
    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': this.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
          },
          {
            to: checkCidrs(this, 'vaultCidrs', props.vaultCidrs ?? ['0.0.0.0/0']).map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(urlPort(store.server)) }],
          },
          {
            to: checkCidrs(this, 'apiServerCidrs', props.apiServerCidrs ?? ['0.0.0.0/0']).map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(6443) }],
          },
        ],
      },
    });
    this.node.addValidation({
      validate: () => (this.cronJobs.length === 0
        ? [`${where(this)}: a SecretRotation needs at least one rotation (a Role without rules is useless); call addRotation().`]
        : []),
    });
  }

  /** A reference to a Deployment that another team owns, by name: what `addRotation` restarts. */
  public static deploymentFromName(name: string): kplus.IApiResource {
    return { apiGroup: 'apps', resourceType: 'deployments', resourceName: checkDnsSubdomain('SecretRotation.deploymentFromName', 'name', name) };
  }

  /** The CronJobs, in the order added. */
  public get rotations(): RotationCronJob[] {
    return [...this.cronJobs];
  }

  /**
   * Adds the CronJob `<name>-<rotation class>` that regenerates `keys` on the class's schedule
   * and restarts `deployments`; the Role is widened to exactly those Deployments.
   */
  public addRotation(rotationClass: RotationClass, options: RotationOptions): RotationCronJob {
    const job = new RotationCronJob(this, rotationClass.name, { rotation: this, rotationClass, ...options });
    this.cronJobs.push(job);
    if (this.rules.length === 0) {
      this.rules.push(
        { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], resourceNames: [this.externalSecret.name], verbs: ['get', 'patch'] },
        { apiGroups: ['apps'], resources: ['deployments'], resourceNames: this.deploymentNames, verbs: ['get', 'patch'] },
      );
    }
    for (const d of job.deployments) if (!this.deploymentNames.includes(d)) this.deploymentNames.push(d);
    return job;
  }

  /** The pod's volumes and the runner's mounts and environment, shared by every CronJob. */
  public podParts(): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[]; env: k8s.EnvVar[] } {
    const ca = this.props.vaultCa;
    const volumes: k8s.Volume[] = [
      { name: 'script', configMap: { name: this.scriptConfigMap.name, defaultMode: 0o555 } },
      { name: 'tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      { name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
      { name: 'vault-token', projected: { sources: [{ serviceAccountToken: { audience: this.vaultAudience, expirationSeconds: 600, path: 'token' } }] } },
      {
        name: 'kube-api-access',
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 600, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'script', mountPath: ROTATION_PATHS.script, readOnly: true },
      { name: 'tools', mountPath: ROTATION_PATHS.tools, readOnly: true },
      { name: 'work', mountPath: ROTATION_PATHS.work },
      { name: 'home', mountPath: ROTATION_PATHS.home },
      { name: 'vault-token', mountPath: ROTATION_PATHS.vaultToken, readOnly: true },
      { name: 'kube-api-access', mountPath: ROTATION_PATHS.kubeApi, readOnly: true },
    ];
    const env: k8s.EnvVar[] = [
      { name: 'PATH', value: `${ROTATION_PATHS.tools}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
      // kubectl's discovery cache and the CLIs' temporary files: on disk, apart from the values.
      { name: 'HOME', value: ROTATION_PATHS.home },
      { name: 'TMPDIR', value: ROTATION_PATHS.home },
      { name: 'VAULT_ADDR', value: this.store.server },
    ];
    if (ca) {
      volumes.push(ca.type === 'ConfigMap'
        ? { name: 'vault-ca', configMap: { name: ca.name, items: [{ key: ca.key, path: 'ca.crt' }] } }
        : { name: 'vault-ca', secret: { secretName: ca.name, items: [{ key: ca.key, path: 'ca.crt' }] } });
      mounts.push({ name: 'vault-ca', mountPath: ROTATION_PATHS.vaultCa, readOnly: true });
      env.push({ name: 'VAULT_CACERT', value: `${ROTATION_PATHS.vaultCa}/ca.crt` });
    }
    return { volumes, mounts, env };
  }

  /** The labels every object of this rotation carries. */
  public get objectLabels(): Record<string, string> {
    return { ...this.labels };
  }

  /** Where Vault's Kubernetes auth is mounted. */
  public get vaultAuthMountPath(): string {
    return this.props.vaultAuthMountPath ?? 'kubernetes';
  }
}

/** Props of {@link RotationCronJob}. */
export interface RotationCronJobProps extends RotationOptions {
  /** The rotation it belongs to: its service account, script, Vault role and images. */
  readonly rotation: SecretRotation;
  /** A rotation class whose method is GENERATE. */
  readonly rotationClass: RotationClass;
}

/**
 * One rotation class's CronJob: safe by construction (concurrencyPolicy Forbid, bounded
 * deadlines and retries, failed runs kept, pinned images, requests and limits, a pod that passes
 * Pod Security 'restricted' with a read-only root filesystem). Created by
 * {@link SecretRotation.addRotation}.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export class RotationCronJob extends Construct {
  /** `<rotation name>-<class name>`, at most 52 characters. */
  public readonly name: string;
  public readonly rotationClass: RotationClass;
  /** The cron schedule, the rotation class's. */
  public readonly schedule: string;
  /** The target Secret's keys regenerated. */
  public readonly keys: string[];
  /** The Vault KV properties written (the store's names of `keys`). */
  public readonly properties: string[];
  /** The Deployments restarted after the values change. */
  public readonly deployments: string[];
  /** The generated CronJob, for escape hatches. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: RotationCronJobProps) {
    super(scope, id);
    const rotation = props.rotation;
    const c = props.rotationClass;
    if (c.method !== RotationMethod.GENERATE) {
      throw new Error(`${where(this)}: 'rotationClass' ${c.name} rotates by ${c.method}; a CronJob rotates only the GENERATE method (database-engine is Vault's job, manual is a person's). The value passed is: ${JSON.stringify(c.method)}`);
    }
    if (c.schedule === undefined) throw new Error(`${where(this)}: 'rotationClass' ${c.name} has no 'schedule'.`);
    this.name = `${rotation.name}-${c.name}`;
    if (this.name.length > CRONJOB_NAME_MAX_LENGTH) {
      throw new Error(`${where(this)}: the CronJob name ${JSON.stringify(this.name)} is ${this.name.length} characters; allowed: at most ${CRONJOB_NAME_MAX_LENGTH} (Kubernetes appends 11 to name its Jobs).`);
    }
    checkDnsLabel(where(this), 'name', this.name);
    this.rotationClass = c;
    this.schedule = c.schedule;
    if (props.keys.length === 0) throw new Error(`${where(this)}: 'keys' is empty; allowed: one or more keys of ExternalSecret ${rotation.externalSecret.name}.`);
    if (props.deployments.length === 0) throw new Error(`${where(this)}: 'deployments' is empty; allowed: the Deployments that read ${props.keys.join(', ')}.`);
    const names = props.deployments.map((d) => {
      if (d.apiGroup !== 'apps' || d.resourceType !== 'deployments' || d.resourceName === undefined) {
        throw new Error(`${where(this)}: 'deployments' must hold named Deployments (apps/deployments); allowed: a kplus.Deployment or SecretRotation.deploymentFromName(name). The value passed is: ${JSON.stringify({ apiGroup: d.apiGroup, resourceType: d.resourceType, resourceName: d.resourceName })}`);
      }
      return d.resourceName;
    });
    const known = rotation.externalSecret.keys;
    this.keys = [];
    this.properties = [];
    for (const key of props.keys) {
      const entry = known.find((k) => k.secretKey === key);
      if (!entry) {
        throw new Error(`${where(this)}: 'keys' names ${JSON.stringify(key)}, which ExternalSecret ${rotation.externalSecret.name} does not read; allowed: ${known.map((k) => k.secretKey).join(', ')}.`);
      }
      if (this.keys.includes(key)) throw new Error(`${where(this)}: 'keys' names ${JSON.stringify(key)} twice.`);
      if (entry.template !== undefined) {
        throw new Error(`${where(this)}: key ${JSON.stringify(key)} is rendered from a template by ExternalSecret ${rotation.externalSecret.name}, not read from ${rotation.store.location}; a value the script writes there would never reach the Secret.`);
      }
      const ref = rotation.store.remoteRef(entry.remoteName);
      if (ref.key !== rotation.store.path || ref.property === undefined) {
        throw new Error(`${where(this)}: key ${JSON.stringify(key)} is not a property of ${rotation.store.location}; the script writes only there.`);
      }
      this.keys.push(key);
      this.properties.push(ref.property);
    }
    this.deployments = [];
    for (const d of names) {
      checkDnsSubdomain(where(this), 'deployments', d);
      if (this.deployments.includes(d)) throw new Error(`${where(this)}: 'deployments' names ${JSON.stringify(d)} twice.`);
      this.deployments.push(d);
    }

    const { volumes, mounts, env } = rotation.podParts();
    const labels = { ...rotation.objectLabels, 'veza.io/rotation-class': c.name };
    const containerSecurity: k8s.SecurityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const scriptPath = `${ROTATION_PATHS.script}/${path.basename(ROTATION_SCRIPT_FILE)}`;
    this.apiObject = new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        schedule: this.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 900,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: rotation.serviceAccount.name,
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: ROTATION_UID,
                  runAsGroup: ROTATION_UID,
                  fsGroup: ROTATION_UID,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                initContainers: [{
                  name: 'vault-cli',
                  image: rotation.images.vault,
                  command: ['/bin/cp', '/bin/vault', `${ROTATION_PATHS.tools}/vault`],
                  securityContext: containerSecurity,
                  resources: resources('50m', '32Mi', '200m', '64Mi'),
                  volumeMounts: [{ name: 'tools', mountPath: ROTATION_PATHS.tools }],
                }],
                containers: [{
                  name: 'rotate',
                  image: rotation.images.runner,
                  command: ['/bin/sh', scriptPath],
                  env: [
                    ...env,
                    { name: 'ROTATION_NAMESPACE', value: rotation.namespace },
                    { name: 'ROTATION_EXTERNAL_SECRET', value: rotation.externalSecret.name },
                    { name: 'ROTATION_KEYS', value: this.properties.join(' ') },
                    { name: 'ROTATION_DEPLOYMENTS', value: this.deployments.join(' ') },
                    { name: 'ROTATION_KV_MOUNT', value: rotation.store.mount },
                    { name: 'ROTATION_KV_PATH', value: rotation.store.path },
                    { name: 'ROTATION_VAULT_AUTH_MOUNT', value: rotation.vaultAuthMountPath },
                    { name: 'ROTATION_VAULT_ROLE', value: rotation.vaultRole },
                    { name: 'ROTATION_VAULT_TOKEN_FILE', value: `${ROTATION_PATHS.vaultToken}/token` },
                    { name: 'ROTATION_WORK_DIR', value: ROTATION_PATHS.work },
                  ],
                  securityContext: containerSecurity,
                  resources: resources('50m', '64Mi', '500m', '256Mi'),
                  volumeMounts: mounts,
                }],
                volumes,
              },
            },
          },
        },
      },
    });
  }
}

function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) },
    limits: { cpu: k8s.Quantity.fromString(cpuLimit), memory: k8s.Quantity.fromString(memoryLimit) },
  };
}

/** Whether `image` is a well-formed reference pinned by a tag other than `latest`, or by a sha256 digest. */
export function isPinnedImage(image: string): boolean {
  const digest = /@sha256:[a-f0-9]{64}$/.test(image);
  const withoutDigest = image.replace(/@sha256:[a-f0-9]{64}$/, '');
  const lastPart = withoutDigest.split('/').pop() ?? '';
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
  const wellFormed = /^[a-z0-9]+([._/:-][a-z0-9]+)*(:[\w][\w.-]{0,127})?$/.test(withoutDigest.replace(/^[a-z0-9.-]+(:\d+)?\//, 'host/'));
  return wellFormed && tag !== 'latest' && (digest || tag !== undefined);
}

/** Throws unless `image` is pinned: a tag other than `latest`, or a sha256 digest. */
export function checkPinnedImage(scope: Construct, field: string, image: string): string {
  if (!isPinnedImage(image)) {
    throw new Error(`${where(scope)}: '${field}' must be an image pinned by a tag other than latest or by a sha256 digest, such as hashicorp/vault:1.21.4. The value passed is: ${JSON.stringify(image)}`);
  }
  return image;
}

function checkCidrs(scope: Construct, field: string, cidrs: string[]): string[] {
  if (cidrs.length === 0) throw new Error(`${where(scope)}: '${field}' is empty; allowed: one or more CIDRs such as 10.0.0.0/8.`);
  for (const cidr of cidrs) {
    if (!isCidr(cidr)) {
      throw new Error(`${where(scope)}: '${field}' must hold CIDRs such as 10.0.0.0/8. The value passed is: ${JSON.stringify(cidr)}`);
    }
  }
  return [...cidrs];
}

function urlPort(server: string): number {
  const url = new URL(server);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * The rotation script's text, read from the repository (found upward from this module, which
 * runs from `lib/eso/` under jest and from `build/lib/eso/` once compiled).
 */
export function readRotationScript(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, ROTATION_SCRIPT_FILE);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`SecretRotation: ${ROTATION_SCRIPT_FILE} was not found above ${__dirname}.`);
    dir = parent;
  }
}
