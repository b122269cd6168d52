import * as fs from 'fs';
import * as path from 'path';

/** One thing in a text that looks like real credential material. */
export interface SecretMaterialFinding {
  /** Which pattern matched. */
  readonly kind: string;
  /** Where: `<file>:<line>`. */
  readonly where: string;
  /** The match, shortened so a report never repeats a whole credential. */
  readonly excerpt: string;
}

/**
 * Shapes of real credentials. Placeholders (`sk_live_REPLACE_ME`, `AKIA_REPLACE_ME`) do not match:
 * a real key has a long run of key characters where the placeholder has an underscore or a word.
 */
export const SECRET_MATERIAL_PATTERNS: ReadonlyArray<{ readonly kind: string; readonly pattern: RegExp }> = [
  { kind: 'Stripe secret or restricted key', pattern: /\b[sr]k_(live|test)_[0-9A-Za-z]{20,}/g },
  { kind: 'Stripe webhook secret', pattern: /\bwhsec_[0-9A-Za-z]{24,}/g },
  { kind: 'AWS access key ID', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'JSON Web Token', pattern: /\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}/g },
  { kind: 'PEM private key', pattern: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----/g },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[0-9A-Za-z]{36,}/g },
  { kind: 'Vault token', pattern: /\bhv[sbr]\.[0-9A-Za-z_-]{24,}/g },
  { kind: 'URL with a password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:(?!PASSWORD@|\$\{|\{\{)[^\s:/@"']{6,}@/g },
];

/** Every credential-looking match in `text`; `file` names it in the findings. */
export function findSecretMaterial(text: string, file = '<text>'): SecretMaterialFinding[] {
  const findings: SecretMaterialFinding[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const { kind, pattern } of SECRET_MATERIAL_PATTERNS) {
      for (const match of line.matchAll(new RegExp(pattern.source, pattern.flags))) {
        findings.push({ kind, where: `${file}:${index + 1}`, excerpt: `${match[0].slice(0, 12)}...` });
      }
    }
  });
  return findings;
}

/** Every credential-looking match in every file below `dir`, paths relative to `dir`. */
export function scanDirectory(dir: string): SecretMaterialFinding[] {
  const findings: SecretMaterialFinding[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relPath);
      else findings.push(...findSecretMaterial(fs.readFileSync(path.join(dir, relPath), 'utf8'), relPath));
    }
  };
  walk('');
  return findings;
}
