/** A capability a Vault policy grants on a path. */
export type VaultCapability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

/** One `path "..." { capabilities = [...] }` block of a policy. */
export interface VaultPolicyRule {
  /** The exact API path, without a leading '/': `secret/data/veza/production`. */
  readonly path: string;
  /** What is allowed on it. */
  readonly capabilities: readonly VaultCapability[];
  /** Why, written above the block so the operator reviewing the HCL reads it. @default - no comment */
  readonly comment?: string;
}

/** Props of {@link VaultPolicy}. */
export interface VaultPolicyProps {
  /** The policy's name in Vault (`vault policy write <name>`). */
  readonly name: string;
  /** A sentence at the top of the HCL file. @default - none */
  readonly description?: string;
  /** The rules, in the order they are written. */
  readonly rules: readonly VaultPolicyRule[];
}

const POLICY_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
const POLICY_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * A Vault ACL policy as a value: rendered to HCL for the file the operator reviews, and named in
 * the roles that grant it, so both come from one object. Paths are exact: no `*` or `+` globs.
 *
 * @see https://developer.hashicorp.com/vault/docs/concepts/policies
 */
export class VaultPolicy {
  public readonly name: string;
  public readonly description?: string;
  private readonly ruleList: VaultPolicyRule[] = [];

  public constructor(props: VaultPolicyProps) {
    if (!POLICY_NAME.test(props.name)) {
      throw new Error(`VaultPolicy: 'name' must be lower-case letters, digits, '-' and '_'. The value passed is: ${JSON.stringify(props.name)}`);
    }
    if (props.rules.length === 0) throw new Error(`VaultPolicy ${props.name}: 'rules' is empty; a policy must grant something.`);
    this.name = props.name;
    this.description = props.description;
    for (const rule of props.rules) this.addRule(rule);
  }

  /** The rules, in the order they are written. */
  public get rules(): readonly VaultPolicyRule[] {
    return [...this.ruleList];
  }

  /** Adds a rule (a path granted after construction, e.g. by a rotation); returns it. */
  public addRule(rule: VaultPolicyRule): VaultPolicyRule {
    if (!POLICY_PATH.test(rule.path)) {
      throw new Error(`VaultPolicy ${this.name}: 'rules[].path' must be an exact Vault path (segments of letters, digits, '_', '.' and '-'; no globs). The value passed is: ${JSON.stringify(rule.path)}`);
    }
    if (this.ruleList.some((r) => r.path === rule.path)) throw new Error(`VaultPolicy ${this.name}: the path ${JSON.stringify(rule.path)} appears twice in 'rules'.`);
    if (rule.capabilities.length === 0) throw new Error(`VaultPolicy ${this.name}: 'rules[].capabilities' of ${JSON.stringify(rule.path)} is empty.`);
    const copy = { ...rule, capabilities: [...rule.capabilities] };
    this.ruleList.push(copy);
    return copy;
  }

  /** The file name the policy is written to: `<name>.hcl`. */
  public get fileName(): string {
    return `${this.name}.hcl`;
  }

  /** The policy in HCL, as `vault policy write` takes it. */
  public toHcl(): string {
    const blocks = this.rules.map((rule) => {
      const comment = rule.comment ? rule.comment.split('\n').map((line) => `# ${line}\n`).join('') : '';
      return `${comment}path "${rule.path}" {\n  capabilities = [${rule.capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`;
    });
    const header = this.description ? this.description.split('\n').map((line) => `# ${line}\n`).join('') + '\n' : '';
    return header + blocks.join('\n');
  }
}
