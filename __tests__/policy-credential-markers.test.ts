import { CREDENTIAL_MARKERS, CREDENTIAL_PATTERNS } from '../lib/policy/secret-material';

// The policy pass tests a string against the credential patterns only when it holds one of
// CREDENTIAL_MARKERS: every credential any pattern finds must hold a marker.
const EXAMPLES: Record<string, string[]> = {
  'a PEM private key': ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98xEoC3Gq4pLk', '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0'],
  'an AWS access key ID': ['AKIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE'],
  'a Stripe key': ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'rk_test_4eC39HqLyjWDarjtT1zdp7dc'],
  'a Stripe webhook secret': [`whsec_${'Z9y8'.repeat(8)}`],
  'a Vault token': ['hvs.CAESIJ7x9k2LmQpR4sTuVwXyZ0a1b2c3', 'hvb.CAESIJ7x9k2LmQpR4sTuVwXyZ0a1b2c3', 'hvr.CAESIJ7x9k2LmQpR4sTuVwXyZ0a1b2c3'],
  'a URL with a password': ['postgresql://veza:s3cr3tPass@db:5432/veza'],
  'a JSON Web Token': ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  'a GitHub token': ['p', 'o', 'u', 's', 'r'].map((c) => `gh${c}_${'a1B2'.repeat(9)}`),
};

test('every credential pattern has examples here', () => {
  expect(Object.keys(EXAMPLES).sort()).toEqual(CREDENTIAL_PATTERNS.map((p) => p.name).sort());
});

test.each(CREDENTIAL_PATTERNS.flatMap((p) => (EXAMPLES[p.name] ?? []).map((example) => [p.name, example, p.pattern] as const)))('%s: %j holds a marker', (_, example, pattern) => {
  expect(pattern.test(example)).toBe(true);
  expect(CREDENTIAL_MARKERS.test(example)).toBe(true);
  // Inside other text too.
  expect(CREDENTIAL_MARKERS.test(`x ${example} y`)).toBe(true);
});

test('the marker of each pattern is a literal the pattern requires', () => {
  // Each pattern starts (after an optional \b) with the literal its marker names.
  const literals: Record<string, RegExp> = {
    'a PEM private key': /^-----BEGIN /,
    'an AWS access key ID': /^\\b\(AKIA\|ASIA\)/,
    'a Stripe key': /^\\b\[sr\]k_\(live\|test\)_/,
    'a Stripe webhook secret': /^\\bwhsec_/,
    'a Vault token': /^\\bhv\[sbr\]\\\./,
    'a URL with a password': /^\\b\[a-z\]\[a-z0-9\+\.-\]\*:\\\/\\\//,
    'a JSON Web Token': /^\\beyJ/,
    'a GitHub token': /^\\bgh\[pousr\]_/,
  };
  for (const { name, pattern } of CREDENTIAL_PATTERNS) expect({ name, starts: literals[name]?.test(pattern.source) }).toEqual({ name, starts: true });
});
