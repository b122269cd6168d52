import { Construct } from 'constructs';
import { TextFile } from '../output/files';
import { checkDnsLabel, checkDnsSubdomain, where } from './names';
import { SecretCatalog, SecretEntry } from './secret-catalog';

/** Props of {@link SecretTemplateFile}. */
export interface SecretTemplateFileProps<Key extends string, Service extends string> {
  /** The file's path below the output folder: `production/secrets.yaml.example`. */
  readonly path: string;
  /** The keys of the Secret, each with its description, consumers and placeholder. */
  readonly catalog: SecretCatalog<Key, Service, any>;
  /** `metadata.name` of the Secret: a contract, workloads name it. */
  readonly secretName: string;
  /** The Secret's namespace. */
  readonly namespace: string;
  /** Labels on the Secret. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Comment lines put at the top, without the leading '# '. Say where the file comes from and that
   * the filled-in copy is never committed.
   * @default - none
   */
  readonly comment?: string[];
}

/**
 * A template of a plain Kubernetes Secret holding every key of a catalog with its placeholder:
 * what a person copies, fills in outside the repository and applies where no External Secrets
 * Operator runs. Placeholders only, never a value; each key is preceded by a comment with its
 * description, consumers and rotation class.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
export class SecretTemplateFile<Key extends string, Service extends string> extends TextFile {
  public readonly secretName: string;
  public readonly namespace: string;
  /** The keys, in catalog order. */
  public readonly keys: Key[];
  private readonly entries: SecretEntry<Key, Service>[];
  private readonly labels: Record<string, string>;
  private readonly comment: string[];

  public constructor(scope: Construct, id: string, props: SecretTemplateFileProps<Key, Service>) {
    super(scope, id, { path: props.path, content: () => '' });
    const w = where(this);
    this.secretName = checkDnsSubdomain(w, 'secretName', props.secretName);
    this.namespace = checkDnsLabel(w, 'namespace', props.namespace);
    this.entries = props.catalog.all;
    this.keys = this.entries.map((e) => e.key);
    this.labels = props.labels ?? {};
    this.comment = props.comment ?? [];
    for (const line of this.comment) {
      if (line.includes('\n')) throw new Error(`${w}: 'comment' lines must not contain a line break. The value passed is: ${JSON.stringify(line)}`);
    }
  }

  /** The template: YAML with a comment line before every key. */
  public render(): string {
    const q = (s: string) => JSON.stringify(s);
    const lines = this.comment.map((l) => (l === '' ? '#' : `# ${l}`));
    lines.push('apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${q(this.secretName)}`, `  namespace: ${q(this.namespace)}`);
    const labels = Object.entries(this.labels);
    if (labels.length > 0) {
      lines.push('  labels:', ...labels.map(([k, v]) => `    ${q(k)}: ${q(v)}`));
    }
    lines.push('type: Opaque', 'stringData:');
    for (const e of this.entries) {
      lines.push(`  # ${e.description}. Read by ${e.consumers.join(', ')}; rotation: ${e.rotation.name}.`);
      lines.push(`  ${q(e.key)}: ${q(e.placeholder)}`);
    }
    return lines.join('\n') + '\n';
  }
}
