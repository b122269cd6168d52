import { Construct, IConstruct } from 'constructs';
import { toYaml } from './synthesize';

/**
 * A set of manifests applied together (one GitOps path). Two ExternalSecrets that create the
 * same Secret within one unit fight over it; in two units (alternatives never applied together)
 * they do not.
 *
 * @see https://external-secrets.io/latest/guides/ownership-deletion-policy/
 */
export class DeploymentUnit extends Construct {
  /** The closest unit above `construct`, or the app when it is in none. */
  public static of(construct: IConstruct): IConstruct {
    for (const scope of [...construct.node.scopes].reverse()) {
      if (scope instanceof DeploymentUnit) return scope;
    }
    return construct.node.root;
  }
}

/**
 * A kustomization.yaml listing `paths` (paths of the output, each below `folder`) relative to `folder`.
 *
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/
 */
export function kustomization(folder: string, paths: readonly string[]): string {
  const resources = paths.map((p) => p.slice(folder.length + 1));
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}
