import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { hasObjects, manifestFilesOf, YamlFile } from './files';

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
    // From the construct up, without making the list of its scopes.
    for (let scope: IConstruct | undefined = construct; scope !== undefined; scope = scope.node.scope) {
      if (scope instanceof DeploymentUnit) return scope;
    }
    return construct.node.root;
  }
}

/**
 * The Kustomization document of a kustomization.yaml listing `paths` (paths of the output, each
 * below `folder`) relative to `folder`.
 *
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/
 * @internal
 */
export function kustomizationDocument(folder: string, paths: readonly string[]): object {
  const resources = paths.map((p) => p.slice(folder.length + 1));
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
}

/** Props of {@link Kustomization}. */
export interface KustomizationProps {
  /** The file below the output folder: `production/kustomization.yaml`. Every file of `unit` is below its folder. */
  readonly path: string;
  /** The manifests it lists. */
  readonly unit: DeploymentUnit;
}

/**
 * The kustomization.yaml of a DeploymentUnit: Kustomize (and Argo CD, Flux) apply exactly the
 * files it lists, in construct order, read at synth so every file added to the unit is listed.
 * A file without objects is left out (no file is written for it).
 *
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
export class Kustomization extends YamlFile {
  /** The folder it lists the files of, below the output folder: what `kubectl apply -k` and GitOps are given. */
  public readonly folder: string;

  public constructor(scope: Construct, id: string, props: KustomizationProps) {
    const folder = path.posix.dirname(props.path);
    super(scope, id, {
      path: props.path,
      objects: () => [kustomizationDocument(folder, manifestFilesOf(props.unit).filter(hasObjects).map((f) => f.path))],
    });
    this.folder = folder;
  }
}
