import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { toGoDuration } from './go-duration';
import { ExternalSecret } from './external-secret';
import { isPinnedImage, PINNED_IMAGE_ALLOWED } from './image-reference';
import { checkCronJobName, checkDnsLabel, checkDnsSubdomain, where } from './names';
import { gracePeriodOf, intervalDays, PREVIOUS_SUFFIX, RotationClass, RotationMethod, SecretCatalog } from './secret-catalog';
import { VaultKubernetesAuthIntegration, VaultRotationGrant } from './vault-kubernetes-auth-integration';
import { VaultCaProvider, VaultSecretStore } from './vault-secret-store';
import { isCidr } from '../rules';

/**
 * The script every rotation CronJob runs, as a path from the package's root (shipped in its `files`).
 * @internal
 */
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
   * the runner image has no `vault`. The init container's `command` bypasses the image's entrypoint,
   * which would `setcap cap_ipc_lock` on the binary at start, so the copy carries no file capability
   * (a pod that drops ALL capabilities could not exec one that did).
   * @default ROTATION_IMAGES.vault
   */
  readonly vault?: string;
}

/**
 * The default images. `hashicorp/vault:1.21.4` is pinned by the digest public repositories
 * pin it by (the multi-architecture index). `alpine/k8s` tags are rebuilt from `alpine:edge`, so
 * a tag alone can change under you; no public source of its digest was available when this was
 * written, so it is pinned by tag: pin it by digest in the environment file (`rotation.images.runner`)
 * after `crane digest alpine/k8s:1.28.15` or `docker buildx imagetools inspect alpine/k8s:1.28.15`
 * (README, "Rotation").
 * @internal
 */
export const ROTATION_IMAGES = {
  runner: 'alpine/k8s:1.28.15',
  vault: 'hashicorp/vault:1.21.4@sha256:4e33b126a59c0c333b76fb4e894722462659a6bec7c48c9ee8cea56fccfd2569',
} as const;

/**
 * When the daily rotation job runs by default: 03:00 UTC; each run rotates only what is due.
 * @internal
 */
export const ROTATION_SCHEDULE = Cron.schedule({ minute: '0', hour: '3' });

/**
 * How long one run may take (the Job's activeDeadlineSeconds), and so the lifetime of its Vault token.
 * @internal
 */
export const ROTATION_ACTIVE_DEADLINE_SECONDS = 3600;

/**
 * The Pod label holding the Job's UID (set by the Job controller), passed to the script as ROTATION_JOB_UID.
 * @internal
 */
export const JOB_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/**
 * The user and group the rotation pod runs as (no image user is trusted).
 * @internal
 */
export const ROTATION_UID = 65532;

/**
 * Where things are mounted in the rotation pod: the script's inputs name these paths.
 * @internal
 */
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
  /** The ExternalSecret whose keys are rotated; its store must be the Vault store of `vault`. */
  readonly externalSecret: ExternalSecret;
  /**
   * The Vault integration of that store: each rotation is granted its Vault role and policy by
   * `vault.grantRotation(...)`, and the job logs in with exactly what that returns.
   */
  readonly vault: VaultKubernetesAuthIntegration;
  /**
   * The name of the NetworkPolicy, and the prefix of each job's CronJob, service account, Role and
   * RoleBinding (`<name>-<rotation class>`): a contract.
   * @default 'secrets-rotation'
   */
  readonly name?: string;
  /** The ConfigMap holding the script. @default `<name>-script` */
  readonly scriptConfigMapName?: string;
  /** The script's text. @default - the file `scripts/rotation/rotate-secrets.sh` this package ships ({@link readRotationScript}) */
  readonly script?: string;
  /** The CA that signed Vault's certificate, mounted for `VAULT_CACERT`. @default - the image's system roots */
  readonly vaultCa?: VaultCaProvider;
  /** The images. @default ROTATION_IMAGES */
  readonly images?: RotationImages;
  /**
   * When the jobs run. Each run rotates only what is due, so this is a polling period, not the
   * cadence: keep it daily.
   * @default ROTATION_SCHEDULE (03:00 UTC every day)
   */
  readonly schedule?: Cron;
  /**
   * Whole days added to each class's interval before the first rotation after the bootstrap: the
   * environments' offsets (development 0, staging 7, production 14) keep their rotations apart.
   * @default 0
   */
  readonly offsetDays?: number;
  /** The label key carrying the rotation class's name on each CronJob, Job and pod. @default 'rotation-class' */
  readonly rotationClassLabel?: string;
  /**
   * CIDRs where Vault runs: the NetworkPolicy allows egress to them on Vault's port only. A CIDR
   * is for addresses outside the cluster: on Cilium an `ipBlock` does not match a pod, so leave
   * this unset when Vault runs in the cluster there.
   * @default - any destination, on Vault's port only (an egress rule without `to`; pods of the
   * cluster included)
   */
  readonly vaultCidrs?: string[];
  /**
   * CIDRs of the Kubernetes API server: the NetworkPolicy allows egress to them on 443 and 6443.
   * Some CNIs do not match the API server by CIDR: Cilium gives it its own identity
   * (`kube-apiserver`), which an `ipBlock` does not select unless Cilium's
   * `policy-cidr-match-mode` includes `nodes`; leave this unset there.
   * @default - any destination, on ports 443 and 6443 only (an egress rule without `to`: Kubernetes's
   * "all destinations", which Cilium turns into its wildcard selector, not into a CIDR; pods of the
   * cluster included)
   */
  readonly apiServerCidrs?: string[];
  /** Labels on every object. @default - none */
  readonly labels?: Record<string, string>;
}

/** Options of {@link SecretRotation.addRotation}. */
export interface RotationOptions {
  /**
   * The keys of the target Secret it renews. GENERATE: keys read from the class's own KV
   * secret `<store path>/<class>`, each with its `<key>-previous` beside it (`catalogData`
   * builds them so). DATABASE_ENGINE: the keys rendered from the engine's credentials.
   */
  readonly keys: string[];
  /**
   * The Deployments that read them, restarted after the re-sync, in the same namespace: a
   * `kplus.Deployment`, or `SecretRotation.deploymentFromName(name)` for one another team owns.
   */
  readonly deployments: kplus.IApiResource[];
}

/** What one automatically rotated class of a catalog rotates. */
export interface CatalogRotation<Key extends string, Service extends string> {
  /** The rotation class, whose method is GENERATE or DATABASE_ENGINE. */
  readonly rotationClass: RotationClass;
  /** The catalog keys of that class, in catalog order. */
  readonly keys: Key[];
  /** The services that consume any of `keys`, in the catalog's service order. */
  readonly consumers: Service[];
}

/** The catalog's classes of `methods` (GENERATE by default), each with its keys and their consumers. */
export function generatedRotations<K extends string, S extends string>(
  catalog: SecretCatalog<K, S, any>,
  methods: readonly RotationMethod[] = [RotationMethod.GENERATE],
): CatalogRotation<K, S>[] {
  return catalog.rotationClasses
    .filter((c) => methods.includes(c.method))
    .map((rotationClass) => {
      const entries = catalog.all.filter((e) => e.rotation.name === rotationClass.name);
      const consumers = catalog.services.filter((s) => entries.some((e) => e.consumers.includes(s)));
      return { rotationClass, keys: entries.map((e) => e.key), consumers };
    });
}

/** One command of a runbook, with the sentence that says why it is run. */
export interface RotationRunbookCommand {
  /** Why it is run. */
  readonly why: string;
  /** The shell command, with this rotation's names. */
  readonly command: string;
}

/** A titled list of commands about one rotation (the shape of a README runbook section). */
export interface RotationRunbook {
  /** The heading. */
  readonly title: string;
  /** The commands, in the order to run them. */
  readonly commands: RotationRunbookCommand[];
}

/**
 * Rotates secrets without downtime: a daily CronJob per rotation class that renews what is due
 * (N days after its last rotation), forces the ExternalSecret to re-sync (`force-sync`) and
 * restarts the Deployments that read it. GENERATE classes write new random values to their own
 * Vault KV v2 secret and keep the value replaced as `<key>-previous` for the class's grace
 * period; DATABASE_ENGINE classes ask Vault's database engine to rotate the static role. Creates
 * the script's ConfigMap and a NetworkPolicy (egress to DNS, Vault and the API server only),
 * shared by the jobs; each job ({@link RotationCronJob}) has its own service account, Role
 * (exactly that ExternalSecret and its own Deployments) and RoleBinding, and its own Vault role
 * and policy from `vault.grantRotation`, so no class's job can touch another's secrets.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 * @see https://external-secrets.io/latest/introduction/faq/#how-do-i-force-a-refresh-of-an-externalsecret
 * @see https://developer.hashicorp.com/vault/docs/auth/kubernetes
 * @see docs/rotation.md
 */
export class SecretRotation extends Construct {
  public readonly name: string;
  /** The chart's namespace, where the jobs run. */
  public readonly namespace: string;
  public readonly externalSecret: ExternalSecret;
  /** The Vault store the ExternalSecret reads. */
  public readonly store: VaultSecretStore;
  /** The Vault integration that grants each rotation its role and policy. */
  public readonly vault: VaultKubernetesAuthIntegration;
  /** The ConfigMap holding the rotation script. */
  public readonly scriptConfigMap: ApiObject;
  /** Egress to DNS, Vault and the API server only; no ingress. */
  public readonly networkPolicy: ApiObject;
  public readonly images: Required<RotationImages>;
  /** When the jobs run (daily). */
  public readonly schedule: Cron;
  /** Days added to each interval before the first rotation after the bootstrap. */
  public readonly offsetDays: number;
  /** The label key carrying the rotation class's name. */
  public readonly rotationClassLabel: string;
  private readonly props: SecretRotationProps;
  private readonly labels: Record<string, string>;
  private readonly cronJobs: RotationCronJob[] = [];

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
    if (props.vault.store !== store) {
      throw new Error(`${where(this)}: 'vault' must be the integration of the ExternalSecret's store ${store.node.path}. The value passed configures: ${props.vault.store.node.path}`);
    }
    this.store = store;
    this.vault = props.vault;
    this.images = {
      runner: checkPinnedImage(this, 'images.runner', props.images?.runner ?? ROTATION_IMAGES.runner),
      vault: checkPinnedImage(this, 'images.vault', props.images?.vault ?? ROTATION_IMAGES.vault),
    };
    this.schedule = props.schedule ?? ROTATION_SCHEDULE;
    this.offsetDays = props.offsetDays ?? 0;
    if (!Number.isInteger(this.offsetDays) || this.offsetDays < 0) {
      throw new Error(`${where(this)}: 'offsetDays' must be a whole number of days, 0 or more. The value passed is: ${this.offsetDays}`);
    }
    this.rotationClassLabel = props.rotationClassLabel ?? 'rotation-class';
    this.labels = { ...props.labels, 'app.kubernetes.io/name': this.name };

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
          egressRule(this, 'vaultCidrs', props.vaultCidrs, [urlPort(store.server)]),
          egressRule(this, 'apiServerCidrs', props.apiServerCidrs, [443, 6443]),
        ],
      },
    });
    this.node.addValidation({
      validate: () => (this.cronJobs.length === 0
        ? [`${where(this)}: a SecretRotation needs at least one rotation (alone it is a script and a NetworkPolicy that nothing uses); call addRotation().`]
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
   * Adds the CronJob `<name>-<rotation class>` that renews `keys` when due and restarts
   * `deployments`, with its own service account and Role (exactly the ExternalSecret and those
   * Deployments), and Vault grants that service account exactly this rotation (`vault.grantRotation`).
   */
  public addRotation(rotationClass: RotationClass, options: RotationOptions): RotationCronJob {
    return new RotationCronJob(this, rotationClass.name, { rotation: this, rotationClass, ...options });
  }

  /**
   * Called by each RotationCronJob's constructor, wherever it is built, once its service account
   * exists: Vault grants that service account the job's rotation, so no job exists without it.
   * @internal
   */
  public _register(job: RotationCronJob, serviceAccount: kplus.IServiceAccount): VaultRotationGrant {
    if (job.rotation !== this) throw new Error(`${where(job)}: registered with a SecretRotation it does not belong to.`);
    if (this.cronJobs.some((j) => j.rotationClass.name === job.rotationClass.name)) {
      throw new Error(`${where(job)}: the rotation class ${job.rotationClass.name} already has a CronJob in ${where(this)}.`);
    }
    const grant = this.vault.grantRotation(serviceAccount, {
      method: job.rotationClass.method as RotationMethod.GENERATE | RotationMethod.DATABASE_ENGINE,
      name: job.rotationClass.name,
      // The token must outlive the longest run: its last write (the grace mark) comes after the rollouts.
      tokenTtl: Duration.seconds(ROTATION_ACTIVE_DEADLINE_SECONDS),
    });
    this.cronJobs.push(job);
    return grant;
  }

  /** The pod's volumes and the runner's mounts and environment, shared by every CronJob. @internal */
  public _podParts(audience: string): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[]; env: k8s.EnvVar[] } {
    const ca = this.props.vaultCa;
    const volumes: k8s.Volume[] = [
      { name: 'script', configMap: { name: this.scriptConfigMap.name, defaultMode: 0o555 } },
      { name: 'tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      { name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
      { name: 'vault-token', projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds: 600, path: 'token' } }] } },
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
}

/** Props of {@link RotationCronJob}. */
export interface RotationCronJobProps extends RotationOptions {
  /** The rotation it belongs to: its service account, Role, script, Vault integration and images. */
  readonly rotation: SecretRotation;
  /** A rotation class whose method is GENERATE or DATABASE_ENGINE. */
  readonly rotationClass: RotationClass;
}

/**
 * One rotation class's daily CronJob: safe by construction (concurrencyPolicy Forbid, bounded
 * deadlines, retries that never rotate twice, failed runs kept, pinned images, requests and
 * limits, a pod that passes Pod Security 'restricted' with a read-only root filesystem).
 * Building one creates its own service account, Role and RoleBinding and asks Vault to grant that
 * service account this rotation: there is no CronJob without them. Usually created by
 * {@link SecretRotation.addRotation}.
 *
 * The CronJob is the generated `KubeCronJob`, not `kplus.CronJob`: the pod needs a projected
 * service-account token with an audience (Vault's) and a downward-API env var from a label,
 * which cdk8s-plus-28 does not model.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export class RotationCronJob extends Construct {
  /** `<rotation name>-<class name>`, at most 52 characters. */
  public readonly name: string;
  /** The SecretRotation it belongs to. */
  public readonly rotation: SecretRotation;
  /** The catalog's class it rotates: its method, interval and grace period. */
  public readonly rotationClass: RotationClass;
  /** GENERATE or DATABASE_ENGINE (`ROTATION_METHOD`). */
  public readonly method: RotationMethod.GENERATE | RotationMethod.DATABASE_ENGINE;
  /** When it runs: the rotation's daily schedule. */
  public readonly schedule: Cron;
  /** The class's interval, in whole days. */
  public readonly intervalDays: number;
  /** Days added before the first rotation after the bootstrap. */
  public readonly offsetDays: number;
  /** GENERATE: how long `<key>-previous` keeps the value replaced. @default - none for DATABASE_ENGINE */
  public readonly gracePeriodSeconds?: number;
  /** The target Secret's keys renewed. */
  public readonly keys: string[];
  /** GENERATE: the Vault KV properties written (the store's names of `keys`); empty for DATABASE_ENGINE. */
  public readonly properties: string[];
  /** The Deployments restarted after the values change. */
  public readonly deployments: string[];
  /** The job's own service account, named like the job, with no token mounted: its Vault role names it. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The job's Role: get and patch exactly the rotation's ExternalSecret, and the rollout verbs on exactly its Deployments. */
  public readonly role: kplus.Role;
  /** Binds the Role to the job's service account. */
  public readonly roleBinding: kplus.RoleBinding;
  /** What Vault granted the job's service account: its role, policy, and the paths it touches. */
  public readonly grant: VaultRotationGrant;
  /** The generated CronJob, for escape hatches. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: RotationCronJobProps) {
    super(scope, id);
    const rotation = props.rotation;
    this.rotation = rotation;
    const c = props.rotationClass;
    if (c.method !== RotationMethod.GENERATE && c.method !== RotationMethod.DATABASE_ENGINE) {
      throw new Error(`${where(this)}: 'rotationClass' ${c.name} rotates by ${c.method}; a CronJob rotates the generate and database-engine methods only (manual is a person's). The value passed is: ${JSON.stringify(c.method)}`);
    }
    this.method = c.method;
    this.name = checkCronJobName(where(this), 'name', `${rotation.name}-${c.name}`);
    this.rotationClass = c;
    this.schedule = rotation.schedule;
    const days = intervalDays(c);
    if (days === undefined || !Number.isInteger(days) || days < 1) {
      throw new Error(`${where(this)}: 'rotationClass' ${c.name} needs an 'interval' of whole days. The value passed is: ${c.interval === undefined ? 'none' : toGoDuration(c.interval)}`);
    }
    this.intervalDays = days;
    this.offsetDays = rotation.offsetDays;
    const grace = gracePeriodOf(c);
    this.gracePeriodSeconds = c.method === RotationMethod.GENERATE && grace ? grace.toSeconds() : undefined;
    if (props.keys.length === 0) throw new Error(`${where(this)}: 'keys' is empty; allowed: one or more keys of ExternalSecret ${rotation.externalSecret.name}.`);
    if (props.deployments.length === 0) throw new Error(`${where(this)}: 'deployments' is empty; allowed: the Deployments that read ${props.keys.join(', ')}.`);
    const names = props.deployments.map((d) => {
      if (d.apiGroup !== 'apps' || d.resourceType !== 'deployments' || d.resourceName === undefined) {
        throw new Error(`${where(this)}: 'deployments' must hold named Deployments (apps/deployments); allowed: a kplus.Deployment or SecretRotation.deploymentFromName(name). The value passed is: ${JSON.stringify({ apiGroup: d.apiGroup, resourceType: d.resourceType, resourceName: d.resourceName })}`);
      }
      return d.resourceName;
    });
    const es = rotation.externalSecret;
    const store = rotation.store;
    const known = es.keys;
    const classSecret = `${store.path}/${c.name}`;
    this.keys = [];
    this.properties = [];
    for (const key of props.keys) {
      const entry = known.find((k) => k.secretKey === key);
      if (!entry) {
        throw new Error(`${where(this)}: 'keys' names ${JSON.stringify(key)}, which ExternalSecret ${es.name} does not read; allowed: ${known.map((k) => k.secretKey).join(', ')}.`);
      }
      if (this.keys.includes(key)) throw new Error(`${where(this)}: 'keys' names ${JSON.stringify(key)} twice.`);
      if (c.method === RotationMethod.DATABASE_ENGINE) {
        if (entry.template === undefined) {
          throw new Error(`${where(this)}: key ${JSON.stringify(key)} is read from ${store.location}, not rendered from the database engine's credentials; a database-engine rotation would not change it.`);
        }
        this.keys.push(key);
        continue;
      }
      if (entry.template !== undefined) {
        throw new Error(`${where(this)}: key ${JSON.stringify(key)} is rendered from a template by ExternalSecret ${es.name}, not read from ${store.mount}/${classSecret}; a value the script writes there would never reach the Secret.`);
      }
      const ref = entry.remoteRef ?? store.remoteRef(entry.remoteName);
      if (ref.key !== classSecret || ref.property === undefined) {
        throw new Error(`${where(this)}: key ${JSON.stringify(key)} is not a property of ${store.mount}/${classSecret}, the KV secret the script writes (the class's own); read it from there (catalogData does).`);
      }
      const previous = known.find((k) => k.secretKey === `${key}${PREVIOUS_SUFFIX}`);
      const previousRef = previous?.remoteRef;
      if (!previousRef || previousRef.key !== classSecret || previousRef.property !== `${ref.property}${PREVIOUS_SUFFIX}`) {
        throw new Error(`${where(this)}: key ${JSON.stringify(key)} needs ${JSON.stringify(`${key}${PREVIOUS_SUFFIX}`)} read from property ${ref.property}${PREVIOUS_SUFFIX} of ${store.mount}/${classSecret} (the value a rotation replaced); ExternalSecret ${es.name} does not read it so.`);
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

    // The invariant: the job's own service account, Role and Vault grant made here, whoever builds it.
    const labels = { ...rotation.objectLabels, [rotation.rotationClassLabel]: c.name };
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      // The namespace explicitly: the RoleBinding's subject and the Vault role name it.
      metadata: { name: this.name, namespace: rotation.namespace, labels },
      automountToken: false,
    });
    this.role = new kplus.Role(this, 'Role', { metadata: { name: this.name, labels } });
    this.role.allow(['get', 'patch'], { apiGroup: 'external-secrets.io', resourceType: 'externalsecrets', resourceName: es.name });
    for (const d of this.deployments) {
      // rollout restart: get + patch; rollout status: list + watch with a metadata.name field selector,
      // which the API server authorizes against resourceNames (k8s.io/apiserver requestinfo).
      this.role.allow(['get', 'patch', 'list', 'watch'], SecretRotation.deploymentFromName(d));
    }
    this.roleBinding = new kplus.RoleBinding(this, 'RoleBinding', { metadata: { name: this.name, labels }, role: this.role });
    this.roleBinding.addSubjects(this.serviceAccount);
    this.grant = rotation._register(this, this.serviceAccount);

    const { volumes, mounts, env } = rotation._podParts(this.grant.role.audience);
    const containerSecurity: k8s.SecurityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const scriptPath = `${ROTATION_PATHS.script}/${path.basename(ROTATION_SCRIPT_FILE)}`;
    const methodEnv: k8s.EnvVar[] = this.method === RotationMethod.GENERATE
      ? [
        { name: 'ROTATION_KEYS', value: this.properties.join(' ') },
        { name: 'ROTATION_PREVIOUS_SUFFIX', value: PREVIOUS_SUFFIX },
        { name: 'ROTATION_GRACE_SECONDS', value: String(this.gracePeriodSeconds) },
        { name: 'ROTATION_KV_MOUNT', value: this.grant.kvMount! },
        { name: 'ROTATION_KV_PATH', value: this.grant.kvPath! },
      ]
      : [
        { name: 'ROTATION_DB_MOUNT', value: this.grant.databaseMount! },
        { name: 'ROTATION_DB_ROLE', value: this.grant.staticRoleName! },
      ];
    this.apiObject = new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        schedule: this.schedule.expressionString,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            // Retries are safe: the script records the version it writes and resumes, never rotating twice.
            backoffLimit: 3,
            // All attempts together: a run waits for the re-sync and each rollout (ROTATION_ROLLOUT_TIMEOUT, 600s by default).
            activeDeadlineSeconds: ROTATION_ACTIVE_DEADLINE_SECONDS,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: this.serviceAccount.name,
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
                  // Copying the ~400 MB binary fills the page cache, which the kernel charges to this
                  // container's memory cgroup (dirty pages until written back to the emptyDir). At a
                  // 64Mi limit the copy runs under constant reclaim and, on cgroup v1, can be OOM-killed;
                  // 256Mi leaves the writeback room. Not measured here: raise it if your nodes kill it.
                  resources: resources('50m', '64Mi', '500m', '256Mi'),
                  volumeMounts: [{ name: 'tools', mountPath: ROTATION_PATHS.tools }],
                }],
                containers: [{
                  name: 'rotate',
                  image: rotation.images.runner,
                  command: ['/bin/sh', scriptPath],
                  env: [
                    ...env,
                    { name: 'ROTATION_METHOD', value: this.method },
                    { name: 'ROTATION_CLASS', value: c.name },
                    { name: 'ROTATION_NAMESPACE', value: rotation.namespace },
                    { name: 'ROTATION_EXTERNAL_SECRET', value: es.name },
                    { name: 'ROTATION_DEPLOYMENTS', value: this.deployments.join(' ') },
                    { name: 'ROTATION_VAULT_AUTH_MOUNT', value: this.grant.authMountPath },
                    { name: 'ROTATION_VAULT_ROLE', value: this.grant.role.name },
                    { name: 'ROTATION_VAULT_TOKEN_FILE', value: `${ROTATION_PATHS.vaultToken}/token` },
                    { name: 'ROTATION_WORK_DIR', value: ROTATION_PATHS.work },
                    { name: 'ROTATION_INTERVAL_DAYS', value: String(this.intervalDays) },
                    { name: 'ROTATION_OFFSET_DAYS', value: String(this.offsetDays) },
                    { name: 'ROTATION_JOB_UID', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${JOB_UID_LABEL}']` } } },
                    ...methodEnv,
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

  /** The label selector of this job's Jobs and pods: `<label>=<class>`. */
  public get selector(): string {
    return `${this.rotation.rotationClassLabel}=${this.rotationClass.name}`;
  }

  /**
   * The on-call runbook of this rotation, with its names: the rule (when it is next due), the
   * application contract, rotate now, force, check the last run, roll back.
   */
  public runbook(): RotationRunbook {
    const ns = this.rotation.namespace;
    const es = this.rotation.externalSecret.name;
    const offset = this.offsetDays > 0 ? ` (the first rotation after the bootstrap: ${this.intervalDays + this.offsetDays} days, this environment's offset of ${this.offsetDays} days added)` : '';
    const runNow = { why: `Rotate now what is due (the CronJob runs every day, schedule \`${this.schedule.expressionString}\` UTC; a run when nothing is due changes nothing)`, command: `kubectl create job --from=cronjob/${this.name} rotate-now-$(date +%s) -n ${ns}` };
    const lastRun = [
      { why: 'The last runs (kept: 1 succeeded, 3 failed)', command: `kubectl get jobs -n ${ns} -l ${this.selector} --sort-by=.metadata.creationTimestamp` },
      { why: 'What the last runs did, step by step (never a value)', command: `kubectl logs -n ${ns} -l ${this.selector} --tail=-1 --prefix` },
    ];
    const restarts = this.deployments.map((d) => ({ why: `Restart ${d} onto the values`, command: `kubectl rollout restart deployment/${d} -n ${ns}` }));
    const sync = { why: `Re-read the values into ${this.rotation.externalSecret.targetName} now`, command: `kubectl annotate externalsecret ${es} force-sync=$(date +%s) --overwrite -n ${ns}` };
    if (this.method === RotationMethod.GENERATE) {
      const m = this.grant.kvMount!;
      const p = this.grant.kvPath!;
      const graceText = toGoDuration(Duration.seconds(this.gracePeriodSeconds!));
      const contract = this.keys.map((k) => `${k} (accept ${k} or ${k}${PREVIOUS_SUFFIX})`).join(', ');
      return {
        title: `Rotation of ${this.rotationClass.name}: ${this.keys.join(', ')}`,
        commands: [
          {
            why: `Rule: each key is due ${this.intervalDays} days after its last rotation, in whole UTC days${offset}. Applications sign with the current value and accept the current or the previous one: ${contract}; the value replaced stays in <key>${PREVIOUS_SUFFIX} for ${graceText}, then equals the current one. When it last rotated (custom_metadata rotation-day, grace-until) and the versions`,
            command: `vault kv metadata get -mount=${m} ${p}`,
          },
          { ...runNow, why: `${runNow.why}. Also right after the first apply: the first run creates ${m}/${p} (nobody types a generated value), and ${this.rotation.externalSecret.targetName} syncs only once it exists` },
          { why: 'Force a rotation although it is not due: mark it, then rotate now (line above); the run clears the mark', command: `vault kv metadata patch -mount=${m} -custom-metadata=rotation-requested=true ${p}` },
          ...lastRun,
          { why: 'Roll back to the value before the last rotation: the version before it (see the versions above) becomes the current one', command: `vault kv rollback -mount=${m} -version=<n> ${p}` },
          sync,
          ...restarts,
        ],
      };
    }
    const role = `${this.grant.databaseMount}/static-roles/${this.grant.staticRoleName}`;
    return {
      title: `Rotation of ${this.rotationClass.name}: ${this.keys.join(', ')}`,
      commands: [
        {
          why: `Rule: due ${this.intervalDays} days after Vault's last rotation of the static role (last_vault_rotation), in whole UTC days (no offset: each environment follows the day its static role was created, when Vault rotated it); the job asks Vault to rotate, re-syncs and restarts the consumers, and heals consumers not restarted since a rotation Vault made on its own (its rotation_period is a longer backstop). No previous value: a password cannot be accepted twice. When Vault last rotated it`,
          command: `vault read ${role}`,
        },
        runNow,
        ...lastRun,
        { why: 'Rotate although it is not due (or again, if the new password misbehaves: the old one is gone once Vault rotated it, so there is no roll back): Vault rotates the static role now', command: `vault write -f ${this.grant.databaseMount}/rotate-role/${this.grant.staticRoleName}` },
        { why: 'Then run the job: it finds the consumers restarted before that rotation, re-syncs and restarts them', command: `kubectl create job --from=cronjob/${this.name} rotate-heal-$(date +%s) -n ${ns}` },
      ],
    };
  }
}

function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) },
    limits: { cpu: k8s.Quantity.fromString(cpuLimit), memory: k8s.Quantity.fromString(memoryLimit) },
  };
}

/**
 * An egress rule to `ports` (TCP): to `cidrs` (checked) when given, else to any destination (no
 * `to`, Kubernetes's "all destinations"). Not `ipBlock 0.0.0.0/0` for "any": Cilium turns an
 * `ipBlock` into a CIDR rule, which by default selects neither the API server's identity
 * (`kube-apiserver`) nor a pod, and a rule without `to` into its wildcard endpoint selector, which
 * allows every identity on the rule's ports (cilium/cilium pkg/k8s/network_policy.go,
 * ParseNetworkPolicy; pkg/policy/l4.go).
 */
function egressRule(scope: Construct, field: string, cidrs: string[] | undefined, ports: number[]): k8s.NetworkPolicyEgressRule {
  const rule: k8s.NetworkPolicyEgressRule = { ports: ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })) };
  return cidrs === undefined ? rule : { to: checkCidrs(scope, field, cidrs).map((cidr) => ({ ipBlock: { cidr } })), ...rule };
}

/**
 * Throws unless `image` is pinned: a tag other than `latest`, or a sha256 digest.
 * @internal
 */
export function checkPinnedImage(scope: Construct, field: string, image: string): string {
  if (!isPinnedImage(image)) {
    throw new Error(`${where(scope)}: '${field}' is ${JSON.stringify(image)}; allowed: ${PINNED_IMAGE_ALLOWED}`);
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
 * Where the package ships the rotation script: `<package root>/scripts/rotation/rotate-secrets.sh`
 * (in its `files`). The root is found as Node finds it, by the package's self-reference
 * (`require.resolve('veza-secrets/package.json')`: this repository, or the installed package);
 * for a compiled copy outside any package, from this module's fixed place in it (`lib/eso/`, or
 * `build/lib/eso/` once compiled). No search upward: another project's `scripts/` is never used.
 * @internal
 */
export function rotationScriptPath(): string {
  let packageRoot: string;
  try {
    packageRoot = path.dirname(require.resolve(`${PACKAGE_NAME}/package.json`));
  } catch {
    const lib = path.resolve(__dirname, '..');
    packageRoot = path.basename(path.dirname(lib)) === 'build' ? path.resolve(lib, '..', '..') : path.resolve(lib, '..');
  }
  return path.join(packageRoot, ROTATION_SCRIPT_FILE);
}

/** This package's name, for its self-reference. */
const PACKAGE_NAME = 'veza-secrets';

/**
 * The rotation script's text ({@link rotationScriptPath}).
 * @internal
 */
export function readRotationScript(): string {
  const file = rotationScriptPath();
  if (!fs.existsSync(file)) throw new Error(`SecretRotation: the rotation script ${file} is missing; this package ships it as ${ROTATION_SCRIPT_FILE}.`);
  return fs.readFileSync(file, 'utf8');
}
