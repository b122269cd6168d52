// What every example pod shares: Pod Security 'restricted', a read-only root file system, a
// pinned image, requests and limits, and no service-account token.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { isPinnedImage, PINNED_IMAGE_ALLOWED } from '../lib';

/** The user and group the example containers run as (not root; any id above 10000 will do). */
export const RUN_AS = 10001;

/** A pod security context that passes Pod Security 'restricted'; `fsGroup` lets the user read mounted secret files (mode 0440). */
export const RESTRICTED_POD: kplus.PodSecurityContextProps = {
  ensureNonRoot: true,
  user: RUN_AS,
  group: RUN_AS,
  fsGroup: RUN_AS,
};

/** A container security context that passes Pod Security 'restricted'. */
export const RESTRICTED_CONTAINER: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: RUN_AS,
  group: RUN_AS,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

/** Modest requests and limits; a real service sizes its own. */
export const RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
};

/** Throws unless `image` is pinned by a tag other than `latest` or by a sha256 digest: the library's rule, which its policy pass applies too. */
export function checkPinned(field: string, image: string): string {
  if (!isPinnedImage(image)) throw new Error(`'${field}' is ${JSON.stringify(image)}; allowed: ${PINNED_IMAGE_ALLOWED}`);
  return image;
}
