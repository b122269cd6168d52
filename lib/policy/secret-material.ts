import { RenderedFile } from '../output/synthesize';
import { forEachString, PolicyRule, StringPlace, stringsOf } from './policy';

/** Shapes of credentials that must never be written: dist/ is committed. */
export const CREDENTIAL_PATTERNS: { readonly name: string; readonly pattern: RegExp }[] = [
  // A header followed by key material; a documented example (`-----BEGIN PRIVATE KEY-----\n<private-key>`, as in ESO's CRDs) is not one.
  { name: 'a PEM private key', pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY-----(\s|\\n)*[A-Za-z0-9+/]{16,}/ },
  { name: 'an AWS access key ID', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a Stripe key', pattern: /\b[sr]k_(live|test)_[0-9A-Za-z]{20,}/ },
  { name: 'a Stripe webhook secret', pattern: /\bwhsec_[0-9A-Za-z]{24,}/ },
  { name: 'a Vault token', pattern: /\bhv[sbr]\.[0-9A-Za-z_-]{24,}/ },
  { name: 'a URL with a password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:(?!PASSWORD@|\$\{|\{\{)[^\s:/@"']{6,}@/ },
  { name: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
];

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** A token of 32+ base64 characters with more than 4.5 bits per character: random, likely a key (a hex digest stays below 4). */
export function looksRandom(value: string): boolean {
  return value.length >= 32 && /^[A-Za-z0-9+/=_-]+$/.test(value) && entropy(value) > 4.5;
}

/**
 * A literal every credential pattern above contains: a string without any is none of them, found
 * with one scan instead of one per pattern. `__tests__/policy.test.ts` checks each pattern has one.
 */
export const CREDENTIAL_MARKERS = /-----BEGIN |AKIA|ASIA|[sr]k_(live|test)_|whsec_|hv[sbr]\.|:\/\/|eyJ|gh[pousr]_/;

function credentialIn(value: string): string | undefined {
  if (!CREDENTIAL_MARKERS.test(value)) return undefined;
  return CREDENTIAL_PATTERNS.find((p) => p.pattern.test(value))?.name;
}

/** Whether the string at `place` is an environment variable's value (`...env[0].value`). */
function isEnvValue(place: StringPlace): boolean {
  // A path ending in `.value` has a key ending in `value`: only those paths are made.
  return typeof place.key === 'string' && place.key.endsWith('value') && /\.env\[\d+\]\.value$/.test(place.path);
}

/**
 * No secret value in what is written: no Secret with data, nothing shaped like a credential
 * anywhere, no random-looking token in annotations, ConfigMap data or environment variables.
 */
export const noSecretMaterial: PolicyRule = {
  name: 'no-secret-material',
  description: 'No Secret with data or stringData, no string shaped like a credential (PEM private key, AWS key ID, Stripe key or webhook secret, JWT, GitHub token, Vault token, URL with a password), no high-entropy token in annotations, ConfigMap data or env values.',
  check: ({ doc }) => {
    const problems: string[] = [];
    if (doc.kind === 'Secret') {
      for (const field of ['data', 'stringData'] as const) {
        const keys = Object.keys((doc[field] as Record<string, unknown> | undefined) ?? {});
        if (keys.length > 0) problems.push(`'${field}' holds ${keys.map((k) => JSON.stringify(k)).join(', ')}; allowed: no values (ESO materializes Secrets from the store)`);
      }
    }
    // Where a value is free text a person could paste a credential into: annotations, ConfigMap
    // data, then environment variables' values (found in the same walk as credentials).
    const freeText = stringsOf(doc.metadata?.annotations ?? {}, 'metadata.annotations');
    if (doc.kind === 'ConfigMap') freeText.push(...stringsOf(doc.data ?? {}, 'data'));
    forEachString(doc, (value, place) => {
      const kind = credentialIn(value);
      if (kind) problems.push(`'${place.path}' holds ${kind}; allowed: a reference to a secret, never its value`);
      if (isEnvValue(place)) freeText.push({ path: place.path, value });
    });
    for (const { path, value } of freeText) {
      if (!credentialIn(value) && value.split(/\s+/).some(looksRandom)) problems.push(`'${path}' holds a random-looking token; allowed: no key material (exempt it with a reason if it is public)`);
    }
    return problems;
  },
  checkText: (file: RenderedFile) => {
    const problems: string[] = [];
    for (const { name, pattern } of CREDENTIAL_PATTERNS) {
      for (const match of file.content.matchAll(new RegExp(pattern.source, 'g'))) {
        const line = file.content.slice(0, match.index).split('\n').length;
        problems.push(`line ${line} holds ${name}; allowed: placeholders, never a value`);
      }
    }
    return problems;
  },
};
