/**
 * Pod Security Standards 'restricted' plus this project's rules (read-only root filesystem, pinned
 * images, requests and a memory limit, no service-account token mounted), checked on a pod spec by
 * the rules the package ships (`podSecurityRestricted`, `pinnedImages`, `containerResources`): the
 * tests hold dist/ to exactly what the policy pass enforces at every synth, no private stricter copy.
 * Returns one message per violation; [] when the pod passes.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { containerResources, pinnedImages, PolicyContext, PolicyObject, podSecurityRestricted } from '../../lib';
import { podTemplatesOf } from '../../lib/policy/pod-security';

type Json = any;

const RULES = [podSecurityRestricted, pinnedImages, containerResources];

/** The problems of a pod spec, each prefixed with the rule that found it: `pinned-images: 'spec.containers["rotate"].image' is ...`. */
export function restrictedViolations(spec: Json): string[] {
  const object: PolicyObject = { file: 'pod.yaml', unit: '', doc: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec } };
  const context: PolicyContext = { objects: [object], textFiles: [], environments: [] };
  return RULES.flatMap((rule) => rule.check(object, context).map((p) => `${rule.name}: ${p}`));
}

/** The pod templates of a manifest: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob. */
export function podSpecsOf(doc: Json): Json[] {
  return podTemplatesOf(doc).map((t) => t.spec);
}
