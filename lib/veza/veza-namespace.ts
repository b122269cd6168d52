import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { ManifestFile } from '../output/files';
import { EnvironmentConfig } from './environment-file';
import { LAYOUT } from './layout';

/** Props of {@link VezaNamespace}. */
export interface VezaNamespaceProps {
  /** The environment: its namespace and folder. */
  readonly config: EnvironmentConfig;
  /** Labels on the namespace, beside Pod Security's. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * `<env>/namespace.yaml`: the environment's namespace `veza-<env>`, where Pod Security Standards
 * refuse any pod that is not 'restricted' (enforced, audited and warned).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export class VezaNamespace extends ManifestFile {
  /** The Namespace: the child `'Resource'`. */
  public readonly resource: kplus.Namespace;

  public constructor(scope: Construct, id: string, props: VezaNamespaceProps) {
    super(scope, id, { path: `${LAYOUT.appliedFolder(props.config.name)}/${LAYOUT.namespaceFile}`, labels: props.labels });
    this.resource = new kplus.Namespace(this, 'Resource', {
      metadata: {
        name: props.config.namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  }
}
