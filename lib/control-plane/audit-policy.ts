import { Construct } from 'constructs';
import { where } from '../eso/names';
import { YamlFile } from '../output/files';

/** How much of a request the API server records. */
export enum AuditLevel {
  /** Nothing. */
  NONE = 'None',
  /** Who, what, when, the verb and the response code: never a body. */
  METADATA = 'Metadata',
  /** Metadata and the request body. */
  REQUEST = 'Request',
  /** Metadata and both bodies. */
  REQUEST_RESPONSE = 'RequestResponse',
}

/** A group of resources of an audit rule. */
export interface AuditResources {
  /** The API group; `''` is the core group. */
  readonly group: string;
  /** The resources of that group, plural and lower-case: `secrets`, `serviceaccounts/token`. */
  readonly resources: string[];
}

/** Props of {@link AuditPolicyFile}. */
export interface AuditPolicyFileProps {
  /** The file's path below the output folder. */
  readonly path: string;
  /**
   * The resources whose every access is recorded at `Metadata` level: who read or changed which
   * object, never its content.
   * @default AuditPolicyFile.SECRET_RESOURCES (Secrets, ConfigMaps, service-account tokens, ESO's kinds)
   */
  readonly recorded?: AuditResources[];
  /**
   * The level of every other request. Request and RequestResponse are refused: a catch-all rule at
   * those levels would log bodies of objects the rules above do not name.
   * @default AuditLevel.NONE
   */
  readonly otherRequests?: AuditLevel;
  /** Comment lines put at the top of the file. @default - none */
  readonly header?: string;
}

/**
 * An API-server audit policy (`--audit-policy-file`) recording every access to secrets and the
 * objects that lead to them, at `Metadata` level: a body would hold the secret's value. A
 * control-plane file, read by kube-apiserver from its node's disk; not a manifest to apply.
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
 */
export class AuditPolicyFile extends YamlFile {
  /** What the seed's "Log all secret access" covers. */
  public static readonly SECRET_RESOURCES: AuditResources[] = [
    { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
    { group: 'external-secrets.io', resources: ['externalsecrets', 'clusterexternalsecrets', 'secretstores', 'clustersecretstores', 'pushsecrets', 'clusterpushsecrets'] },
  ];

  public readonly recorded: AuditResources[];
  public readonly otherRequests: AuditLevel;

  public constructor(scope: Construct, id: string, props: AuditPolicyFileProps) {
    super(scope, id, { path: props.path, header: props.header, objects: () => [this.toJson()] });
    const w = where(this);
    this.recorded = (props.recorded ?? AuditPolicyFile.SECRET_RESOURCES).map((r) => ({ group: r.group, resources: [...r.resources] }));
    if (!this.recorded.some((r) => r.group === '' && r.resources.includes('secrets'))) {
      throw new Error(`${w}: 'recorded' must include secrets of the core group ''. The value passed is: ${JSON.stringify(this.recorded)}`);
    }
    this.otherRequests = props.otherRequests ?? AuditLevel.NONE;
    if (this.otherRequests === AuditLevel.REQUEST || this.otherRequests === AuditLevel.REQUEST_RESPONSE) {
      throw new Error(`${w}: 'otherRequests' must be None or Metadata (a body-logging catch-all records values). The value passed is: ${JSON.stringify(this.otherRequests)}`);
    }
  }

  /** The Policy object. */
  public toJson(): Record<string, unknown> {
    return {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      rules: [
        { level: AuditLevel.METADATA, resources: this.recorded },
        { level: this.otherRequests },
      ],
    };
  }
}
