import { isPinnedImage, PINNED_IMAGE_ALLOWED } from '../eso/image-reference';
import { KubeObject, PolicyRule } from './policy';
import { CRONJOB_NAME_MAX_LENGTH } from '../rules';

/** A pod template found in an object, with the path that leads to it. */
export interface PodTemplate {
  /** Where the pod spec is in the object: `spec.jobTemplate.spec.template.spec`. */
  readonly path: string;
  /** The pod spec. */
  readonly spec: PodSpec;
}

/** The loose shape of a pod spec, as the rules read it. */
export interface PodSpec {
  /** `hostNetwork`: refused by Pod Security 'baseline'. */
  readonly hostNetwork?: boolean;
  /** `hostPID`: refused by Pod Security 'baseline'. */
  readonly hostPID?: boolean;
  /** `hostIPC`: refused by Pod Security 'baseline'. */
  readonly hostIPC?: boolean;
  /** `automountServiceAccountToken`: scanners want it false. */
  readonly automountServiceAccountToken?: boolean;
  /** The pod's security context. */
  readonly securityContext?: SecurityContext;
  /** The volumes: only the types of {@link RESTRICTED_VOLUME_TYPES}. */
  readonly volumes?: { readonly name?: string; readonly [type: string]: unknown }[];
  /** The containers. */
  readonly containers?: Container[];
  /** The init containers, checked like the containers. */
  readonly initContainers?: Container[];
  /** The ephemeral containers, checked like the containers. */
  readonly ephemeralContainers?: Container[];
}

interface SecurityContext {
  readonly sysctls?: { readonly name?: string }[];
  readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string };
  readonly procMount?: string;
  readonly appArmorProfile?: { readonly type?: string };
  readonly windowsOptions?: { readonly hostProcess?: boolean };
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly drop?: string[]; readonly add?: string[] };
  readonly seccompProfile?: { readonly type?: string };
}

/** The loose shape of a container. */
export interface Container {
  /** The container's name, for messages. */
  readonly name?: string;
  /** The image: pinned by tag or digest, never `latest`. */
  readonly image?: string;
  /** The container's security context. */
  readonly securityContext?: SecurityContext;
  /** The ports; a `hostPort` is refused. */
  readonly ports?: { readonly hostPort?: number }[];
  /** Requests and limits: both required. */
  readonly resources?: { readonly requests?: Record<string, unknown>; readonly limits?: Record<string, unknown> };
}

/** Every pod template of an object: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob. */
export function podTemplatesOf(doc: KubeObject): PodTemplate[] {
  const spec = doc.spec as Record<string, any> | undefined;
  if (!spec) return [];
  switch (doc.kind) {
    case 'Pod':
      return [{ path: 'spec', spec }];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return spec.template?.spec ? [{ path: 'spec.template.spec', spec: spec.template.spec }] : [];
    case 'CronJob':
      return spec.jobTemplate?.spec?.template?.spec ? [{ path: 'spec.jobTemplate.spec.template.spec', spec: spec.jobTemplate.spec.template.spec }] : [];
    default:
      return [];
  }
}

/** Every container of a pod spec, with the field that holds it. */
export function containersOf(spec: PodSpec): { field: string; container: Container }[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    (spec[field] ?? []).map((container) => ({ field, container })));
}

const SECCOMP = ['RuntimeDefault', 'Localhost'];

/** The volume types Pod Security 'restricted' allows. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** The sysctls Pod Security 'baseline' (so 'restricted') allows. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];

const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t'];
const APPARMOR = ['RuntimeDefault', 'Localhost'];

/** What 'baseline' refuses in a pod's or a container's security context beyond the checks written out below. */
function contextProblems(at: string, sc: SecurityContext): string[] {
  const problems: string[] = [];
  const se = sc.seLinuxOptions;
  if (se?.type !== undefined && se.type !== '' && !SELINUX_TYPES.includes(se.type)) problems.push(`'${at}.seLinuxOptions.type' is ${JSON.stringify(se.type)}; allowed: ${SELINUX_TYPES.join(', ')} or unset`);
  for (const field of ['user', 'role'] as const) {
    if (se?.[field] !== undefined && se[field] !== '') problems.push(`'${at}.seLinuxOptions.${field}' is ${JSON.stringify(se[field])}; allowed: unset`);
  }
  if (sc.procMount !== undefined && sc.procMount !== 'Default') problems.push(`'${at}.procMount' is ${JSON.stringify(sc.procMount)}; allowed: Default or unset`);
  const appArmor = sc.appArmorProfile?.type;
  if (appArmor !== undefined && !APPARMOR.includes(appArmor)) problems.push(`'${at}.appArmorProfile.type' is ${JSON.stringify(appArmor)}; allowed: RuntimeDefault, Localhost or unset`);
  if (sc.windowsOptions?.hostProcess === true) problems.push(`'${at}.windowsOptions.hostProcess' is true; allowed: false or unset`);
  return problems;
}

/**
 * Pod Security Standards 'restricted' (v1.28, every control of 'baseline' and 'restricted' that a
 * pod spec shows), plus what the namespace label cannot enforce: a read-only root filesystem and no
 * service-account token mounted.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const podSecurityRestricted: PolicyRule = {
  name: 'pod-security-restricted',
  description: "Every pod template passes Pod Security 'restricted', with readOnlyRootFilesystem and automountServiceAccountToken false.",
  check: ({ doc }) => podTemplatesOf(doc).flatMap(({ path, spec }) => {
    const problems: string[] = [];
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (spec[field] === true) problems.push(`'${path}.${field}' is true; allowed: false or unset`);
    }
    if (spec.automountServiceAccountToken !== false) {
      problems.push(`'${path}.automountServiceAccountToken' is ${String(spec.automountServiceAccountToken ?? 'unset')}; allowed: false (mount a projected token where the API is called)`);
    }
    for (const volume of spec.volumes ?? []) {
      const type = Object.keys(volume).find((k) => k !== 'name') ?? 'unset';
      if (!RESTRICTED_VOLUME_TYPES.includes(type)) problems.push(`'${path}.volumes' holds ${type} volume ${JSON.stringify(volume.name ?? '')}; allowed: ${RESTRICTED_VOLUME_TYPES.join(', ')}`);
    }
    const pod = spec.securityContext ?? {};
    if (pod.runAsUser === 0) problems.push(`'${path}.securityContext.runAsUser' is 0; allowed: a non-zero user`);
    const podSeccomp = pod.seccompProfile?.type;
    if (podSeccomp !== undefined && !SECCOMP.includes(podSeccomp)) problems.push(`'${path}.securityContext.seccompProfile.type' is ${JSON.stringify(podSeccomp)}; allowed: RuntimeDefault, Localhost or unset`);
    for (const sysctl of pod.sysctls ?? []) {
      if (!SAFE_SYSCTLS.includes(sysctl.name ?? '')) problems.push(`'${path}.securityContext.sysctls' holds ${JSON.stringify(sysctl.name ?? '')}; allowed: ${SAFE_SYSCTLS.join(', ')}`);
    }
    problems.push(...contextProblems(`${path}.securityContext`, pod));
    for (const { field, container } of containersOf(spec)) {
      const at = `${path}.${field}[${JSON.stringify(container.name ?? '')}]`;
      const sc = container.securityContext ?? {};
      if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`'${at}.securityContext.runAsNonRoot' is ${String(sc.runAsNonRoot ?? pod.runAsNonRoot ?? 'unset')}; allowed: true (on the container or the pod)`);
      if (sc.runAsUser === 0) problems.push(`'${at}.securityContext.runAsUser' is 0; allowed: a non-zero user`);
      if (sc.privileged === true) problems.push(`'${at}.securityContext.privileged' is true; allowed: false or unset`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`'${at}.securityContext.allowPrivilegeEscalation' is ${String(sc.allowPrivilegeEscalation ?? 'unset')}; allowed: false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`'${at}.securityContext.capabilities.drop' is ${JSON.stringify(sc.capabilities?.drop ?? [])}; allowed: a list holding ALL`);
      const added = (sc.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
      if (added.length > 0) problems.push(`'${at}.securityContext.capabilities.add' is ${JSON.stringify(sc.capabilities?.add)}; allowed: NET_BIND_SERVICE only`);
      const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
      if (!seccomp || !SECCOMP.includes(seccomp)) problems.push(`'${at}.securityContext.seccompProfile.type' is ${seccomp ? JSON.stringify(seccomp) : 'unset'}; allowed: RuntimeDefault or Localhost (on the container or the pod)`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`'${at}.securityContext.readOnlyRootFilesystem' is ${String(sc.readOnlyRootFilesystem ?? 'unset')}; allowed: true`);
      problems.push(...contextProblems(`${at}.securityContext`, sc));
      for (const port of container.ports ?? []) {
        if (port.hostPort !== undefined && port.hostPort !== 0) problems.push(`'${at}.ports' uses hostPort ${port.hostPort}; allowed: no host port`);
      }
    }
    return problems;
  }),
};

/** Requests and limits on every container, so one pod cannot starve the node. */
export const containerResources: PolicyRule = {
  name: 'container-resources',
  description: 'Every container of every pod template sets cpu and memory requests and a memory limit.',
  check: ({ doc }) => podTemplatesOf(doc).flatMap(({ path, spec }) => containersOf(spec).flatMap(({ field, container }) => {
    const at = `${path}.${field}[${JSON.stringify(container.name ?? '')}].resources`;
    const problems: string[] = [];
    for (const [kind, resource] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']] as const) {
      if (container.resources?.[kind]?.[resource] === undefined) problems.push(`'${at}.${kind}.${resource}' is unset; allowed: a quantity such as ${resource === 'cpu' ? '50m' : '64Mi'}`);
    }
    return problems;
  })),
};

/** Images by tag or digest, never `latest` or untagged: what runs is what was reviewed. */
export const pinnedImages: PolicyRule = {
  name: 'pinned-images',
  description: 'Every container image is a well-formed reference with a tag other than latest or a sha256 digest.',
  check: ({ doc }) => podTemplatesOf(doc).flatMap(({ path, spec }) => containersOf(spec).flatMap(({ field, container }) => {
    const image = container.image ?? '';
    return isPinnedImage(image) ? [] : [`'${path}.${field}[${JSON.stringify(container.name ?? '')}].image' is ${JSON.stringify(image)}; allowed: ${PINNED_IMAGE_ALLOWED}`];
  })),
};

/** CronJob names of at most {@link CRONJOB_NAME_MAX_LENGTH} characters: the controller appends 11 for each Job's name. */
export const cronJobNameLength: PolicyRule = {
  name: 'cronjob-name-length',
  description: `Every CronJob name has at most ${CRONJOB_NAME_MAX_LENGTH} characters (its Jobs add an 11-character suffix to a 63-character limit).`,
  check: ({ doc }) => {
    const name = doc.metadata?.name ?? '';
    return doc.kind === 'CronJob' && name.length > CRONJOB_NAME_MAX_LENGTH ? [`'metadata.name' is ${JSON.stringify(name)} (${name.length} characters); allowed: at most ${CRONJOB_NAME_MAX_LENGTH} characters`] : [];
  },
};
