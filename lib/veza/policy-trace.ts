import * as path from 'path';
import { excerpt, readYamlFile } from '../config/field-reader';
import { RenderedFile } from '../output/synthesize';
import { formatViolation, PolicyError, PolicyViolation } from '../policy/policy';
import { CREDENTIAL_PATTERNS } from '../policy/secret-material';

/** A field of an environment file holding a string: `providers.vault.database.host`. */
interface Leaf {
  readonly path: string;
  readonly value: string;
}

function leavesOf(value: unknown, prefix = ''): Leaf[] {
  if (typeof value === 'string') return [{ path: prefix, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leavesOf(v, `${prefix}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leavesOf(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

/** The environment whose folder holds `file`: `production` for `production/...` and `alternatives/production/...`. */
function environmentOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'alternatives' ? parts[1] : parts[0];
}

/**
 * Points each policy violation at the environment-file field that produced it, where one did: a
 * field whose value reaches the violating string and is itself what the rule refuses (it names
 * another environment, or holds a credential). The line printed is then
 * `environments/production.yaml: 'providers.vault.database.host' is "..." -> policy ...: dist/production/...`.
 * Violations no field explains keep their line.
 * @internal
 */
export function traceViolations(error: PolicyError, files: RenderedFile[], environmentNames: string[], environmentsDir: string, displayDir: string): PolicyError {
  const leaves = new Map<string, Leaf[]>();
  const leavesOfEnvironment = (env: string): Leaf[] => {
    if (!leaves.has(env)) {
      let doc: unknown;
      try {
        doc = readYamlFile(path.join(environmentsDir, `${env}.yaml`));
      } catch {
        doc = undefined;
      }
      leaves.set(env, leavesOf(doc));
    }
    return leaves.get(env)!;
  };
  const suspicious = (value: string, env: string) =>
    environmentNames.some((other) => other !== env && new RegExp(`(^|[^a-z0-9])${other}([^a-z0-9]|$)`).test(value)) ||
    CREDENTIAL_PATTERNS.some((p) => new RegExp(p.pattern.source, p.pattern.flags.replace('g', '')).test(value));
  const trace = (v: PolicyViolation): string => {
    const env = environmentOf(v.file);
    if (!environmentNames.includes(env)) return formatViolation(v);
    // A text file's violation names its line: the line's content is the evidence.
    const line = /^line (\d+) /.exec(v.problem);
    const content = line ? files.find((f) => f.path === v.file)?.content.split('\n')[Number(line[1]) - 1] ?? '' : '';
    const evidence = `${v.problem}\n${content}`;
    const cause = leavesOfEnvironment(env)
      .filter((leaf) => leaf.value.length >= 4 && evidence.includes(leaf.value) && suspicious(leaf.value, env))
      .sort((a, b) => b.value.length - a.value.length)[0];
    return cause ? `${displayDir}/${env}.yaml: '${cause.path}' is ${excerpt(cause.value)} -> ${formatViolation(v)}` : formatViolation(v);
  };
  return new PolicyError(error.violations, error.violations.map(trace));
}
