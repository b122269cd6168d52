/**
 * Pod Security Standards 'restricted' (v1.28), checked on a pod spec as the admission controller
 * does, plus this project's rules (read-only root filesystem, pinned images, requests and limits,
 * no service-account token mounted). Returns one message per violation; [] when the pod passes.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
type Json = any;

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];

export function restrictedViolations(spec: Json): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers: Json[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  if (containers.length === 0) out.push('no containers');
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f]) out.push(`${f} is set`);
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type)) out.push(`volume ${v.name} is of type ${type}`);
  }
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`sysctl ${s.name} is not safe`);
  if (pod.runAsUser === 0) out.push('pod runAsUser is 0');
  if (pod.seLinuxOptions?.type && !['container_t', 'container_init_t', 'container_kvm_t'].includes(pod.seLinuxOptions.type)) out.push('pod seLinuxOptions.type');
  if (pod.seccompProfile && !['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile.type)) out.push(`pod seccompProfile is ${pod.seccompProfile.type}`);
  if (spec.automountServiceAccountToken !== false) out.push('automountServiceAccountToken is not false');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const name = `container ${c.name}`;
    if (sc.privileged) out.push(`${name} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${name}: allowPrivilegeEscalation is not false`);
    if (!(sc.runAsNonRoot === true || (pod.runAsNonRoot === true && sc.runAsNonRoot !== false))) out.push(`${name}: runAsNonRoot is not true`);
    if (sc.runAsUser === 0) out.push(`${name}: runAsUser is 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) out.push(`${name}: seccompProfile is ${seccomp}`);
    const caps = sc.capabilities ?? {};
    if (!(caps.drop ?? []).includes('ALL')) out.push(`${name}: capabilities do not drop ALL`);
    for (const a of caps.add ?? []) if (a !== 'NET_BIND_SERVICE') out.push(`${name}: adds capability ${a}`);
    if (sc.procMount && sc.procMount !== 'Default') out.push(`${name}: procMount ${sc.procMount}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${name}: hostPort ${p.hostPort}`);
    if (sc.seLinuxOptions?.type && !['container_t', 'container_init_t', 'container_kvm_t'].includes(sc.seLinuxOptions.type)) out.push(`${name}: seLinuxOptions.type`);
    // This project's rules on top of the profile.
    if (sc.readOnlyRootFilesystem !== true) out.push(`${name}: readOnlyRootFilesystem is not true`);
    if (!isPinned(c.image)) out.push(`${name}: image ${c.image} is not pinned by tag or digest`);
    for (const kind of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) if (c.resources?.[kind]?.[r] === undefined) out.push(`${name}: no ${r} ${kind.slice(0, -1)}`);
    }
  }
  return out;
}

/** A tag other than latest, or a sha256 digest. */
export function isPinned(image: unknown): boolean {
  if (typeof image !== 'string') return false;
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const last = image.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
  return tag !== undefined && tag !== '' && tag !== 'latest';
}

/** The pod templates of a manifest: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob. */
export function podSpecsOf(doc: Json): Json[] {
  switch (doc?.kind) {
    case 'Pod': return [doc.spec];
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': return [doc.spec?.template?.spec];
    case 'CronJob': return [doc.spec?.jobTemplate?.spec?.template?.spec];
    default: return [];
  }
}
