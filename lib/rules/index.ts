/**
 * The rules of values, each written once: a test taken from the definition of the program that
 * reads the value (Go's `time.ParseDuration`, Go's `net.ParseCIDR`, `git check-ref-format`,
 * Kubernetes' name validation, ...) and the words of its "allowed: ..." text. Constructs check
 * their props with {@link mustBe}, the environment-file reader with `FieldReader`, and the policy
 * pass with `rule.parse`: all three from the same rule.
 */
import { isIPv4, isIPv6 } from 'net';
import { Duration } from 'cdk8s';

/** How a value is checked and described to the person who typed it. */
export interface Rule<T = string> {
  /** What is allowed, in words: `a Go duration such as 15m or 1h`. */
  readonly allowed: string;
  /** Turns the raw value into T, or returns undefined when it is not allowed. */
  readonly parse: (value: unknown) => T | undefined;
}

/**
 * Throws the construct-style message unless `value` passes `rule`:
 * `[path]: 'field' must be <allowed>. The value passed is: "..."`.
 */
export function mustBe<T>(where: string, field: string, rule: Rule<T>, value: unknown): T {
  const parsed = rule.parse(value);
  if (parsed === undefined) {
    throw new Error(`${where}: '${field}' must be ${rule.allowed}. The value passed is: ${shown(value)}`);
  }
  return parsed;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 200 ? text : `${text.slice(0, 200)}... (${text.length} characters)`;
}

/** A string matching `pattern` (and `check`). */
export function text(allowed: string, pattern?: RegExp, check?: (value: string) => boolean): Rule<string> {
  return {
    allowed,
    parse: (v) => (typeof v === 'string' && (!pattern || pattern.test(v)) && (!check || check(v)) ? v : undefined),
  };
}

/** One of a fixed list of strings. */
export function oneOf<T extends string>(values: readonly T[]): Rule<T> {
  return { allowed: values.join(', '), parse: (v) => (values.includes(v as T) ? (v as T) : undefined) };
}

/** A non-empty list whose every item passes `item`. */
export function listOf<T>(item: Rule<T>): Rule<T[]> {
  return {
    allowed: `a non-empty list of ${item.allowed}`,
    parse: (v) => {
      if (!Array.isArray(v) || v.length === 0) return undefined;
      const parsed = v.map((x) => item.parse(x));
      return parsed.every((x) => x !== undefined) ? (parsed as T[]) : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes names and labels
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ and
// k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label, IsDNS1123Subdomain, IsValidLabelValue, IsQualifiedName)

/** RFC 1123 label, as `IsDNS1123Label` tests it: namespaces, service accounts, most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain, as `IsDNS1123Subdomain` tests it: Secret, ConfigMap, ExternalSecret and store names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The name part of a label key and a non-empty label value (`IsValidLabelValue`, `IsQualifiedName`). */
export const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A key of a Secret's `data` (`IsConfigMapKey`). */
export const SECRET_DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** A DNS label: namespaces, names. */
export const dnsLabel: Rule<string> = text(
  "a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)",
  DNS_LABEL,
  (v) => v.length <= 63,
);

/** A DNS subdomain: Secret and ConfigMap names. */
export const dnsSubdomain: Rule<string> = text(
  "a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)",
  DNS_SUBDOMAIN,
  (v) => v.length <= 253,
);

/** A label value: empty, or at most 63 characters. */
export const labelValue: Rule<string> = text(
  "a label value, at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or empty",
  undefined,
  (v) => v === '' || (v.length <= 63 && LABEL_NAME.test(v)),
);

/** A label (or annotation) key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export const labelKey: Rule<string> = text(
  "a label key, an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit",
  undefined,
  (key) => {
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    return (prefix === undefined || dnsSubdomain.parse(prefix) !== undefined) && name.length <= 63 && LABEL_NAME.test(name);
  },
);

/** A key of a Secret's data. */
export const secretDataKey: Rule<string> = text("a Secret data key (letters, digits, '-', '_' and '.')", SECRET_DATA_KEY, (v) => v.length <= 253);

/**
 * The longest CronJob name: the controller names each Job `<cronjob>-<11 digits>` (`getJobName`),
 * and a Job's name becomes a 63-character label of its pods.
 */
export const CRONJOB_NAME_MAX_LENGTH = 52;

// ---------------------------------------------------------------------------------------------
// Go durations: time.ParseDuration (https://pkg.go.dev/time#ParseDuration), as ESO's
// refreshInterval (metav1.Duration) and Flux's interval read them.

const GO_UNITS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** Go's largest duration: 2^63-1 nanoseconds, about 290 years (`2562047h47m16.854775807s`). */
export const GO_MAX_DURATION_NANOS = (1n << 63n) - 1n;

/**
 * The nanoseconds of a Go duration, as `time.ParseDuration` reads it: an optional sign, then one or
 * more decimal numbers with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), in any order, fractions
 * allowed (`1.5h`, `.5s`, `1h1m`); `0` alone; undefined beyond Go's maximum or when not Go's syntax.
 */
export function parseGoDurationNanos(text: string): bigint | undefined {
  // The policy pass reads the same few intervals on thousands of ExternalSecrets.
  if (parsedDurations.has(text)) return parsedDurations.get(text);
  const nanos = parseGoDurationNanosOnce(text);
  if (parsedDurations.size >= 256) parsedDurations.clear();
  parsedDurations.set(text, nanos);
  return nanos;
}

/** {@link parseGoDurationNanos} of the last texts read (a few hundred at most). */
const parsedDurations = new Map<string, bigint | undefined>();

function parseGoDurationNanosOnce(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest)!;
    const [all, whole, fraction, unit] = m;
    if (whole === '' && (fraction === undefined || fraction === '')) return undefined;
    const scale = GO_UNITS[unit];
    if (scale === undefined) return undefined;
    let value = BigInt(whole || '0') * scale;
    if (fraction) value += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    total += value;
    if (total > GO_MAX_DURATION_NANOS + (negative ? 1n : 0n)) return undefined;
    rest = rest.slice(all.length);
  }
  return negative ? -total : total;
}

/** A Go duration as a cdk8s Duration; undefined when not Go's syntax, beyond its maximum or negative. */
export function parseGoDuration(text: string): Duration | undefined {
  const nanos = parseGoDurationNanos(text);
  if (nanos === undefined || nanos < 0n) return undefined;
  return Duration.millis(Number(nanos) / 1e6);
}

/** A Go duration above 0 in whole seconds: what ESO and Flux are given. */
export const goDuration: Rule<Duration> = {
  allowed: 'a Go duration above 0 in whole seconds, such as 30s, 15m, 1.5h or 1h30m',
  parse: (v) => {
    if (typeof v !== 'string') return undefined;
    const nanos = parseGoDurationNanos(v);
    if (nanos === undefined || nanos <= 0n || nanos % 1_000_000_000n !== 0n) return undefined;
    return Duration.seconds(Number(nanos / 1_000_000_000n));
  },
};

// ---------------------------------------------------------------------------------------------
// Network addresses: Go's net.ParseCIDR, as Kubernetes reads a NetworkPolicy's ipBlock.cidr.

/** Whether `value` is a CIDR as Go's `net.ParseCIDR` reads it: IPv4 with a prefix of 0 to 32, IPv6 with 0 to 128, no zone. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (isIPv4(address)) return bits <= 32;
  return !address.includes('%') && isIPv6(address) && bits <= 128;
}

/** An IPv4 or IPv6 CIDR. */
export const cidr: Rule<string> = text('CIDRs such as 10.0.0.0/8 or fd00::/8 (IPv4 prefixes 0 to 32, IPv6 0 to 128)', undefined, isCidr);

// ---------------------------------------------------------------------------------------------
// Git: `git check-ref-format --allow-onelevel` (https://git-scm.com/docs/git-check-ref-format)

/** Whether `name` is a ref name as `git check-ref-format --allow-onelevel` accepts it (`main`, `refs/tags/v1.2.0`). */
export function isGitRefName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** A revision to deploy: a branch, a tag, a full ref or a commit. */
export const gitRevision: Rule<string> = text(
  'a branch such as main, a full ref such as refs/tags/v1.2.0 or a 40-hex commit (a name `git check-ref-format --allow-onelevel` accepts)',
  undefined,
  isGitRefName,
);

// ---------------------------------------------------------------------------------------------
// URLs: what Go's url.Parse and the HTTP clients of Vault, ESO and Argo CD accept

/**
 * Whether `value` is an http(s) URL that Go's `url.Parse` reads as written: a host, no spaces or
 * control characters (Node trims them silently, Go refuses them), no user or password, a host
 * within DNS's limits.
 */
export function isHttpUrl(value: string, httpsOnly = false): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hostname === '') return false;
  // A host name resolves only within DNS's limits: 253 characters, labels of at most 63.
  if (url.hostname.length > 253 || url.hostname.split('.').some((label) => label.length > 63)) return false;
  return url.protocol === 'https:' || (!httpsOnly && url.protocol === 'http:');
}

/** An http(s) URL; `httpsOnly` refuses plain http. */
export function url(httpsOnly: boolean): Rule<string> {
  return {
    allowed: httpsOnly ? 'an https:// URL without a password (TLS is required outside development)' : 'an http:// or https:// URL without a password',
    parse: (v) => (typeof v === 'string' && isHttpUrl(v, httpsOnly) ? v : undefined),
  };
}

// ---------------------------------------------------------------------------------------------
// Cloud identifiers

/** An AWS region: `eu-west-3`, `us-gov-west-1`. */
export const awsRegion: Rule<string> = text('an AWS region such as eu-west-3', /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/);

/** A GUID (Azure tenant and client IDs). */
export const guid: Rule<string> = text('a GUID such as 00000000-0000-0000-0000-000000000000', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** A Google Cloud project ID: 6 to 30 lower-case letters, digits and '-', starting with a letter. */
export const GCP_PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

/** A Google service account email. */
export const GCP_SERVICE_ACCOUNT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[-a-z0-9.]+\.iam\.gserviceaccount\.com$/;

/** An Azure Key Vault URL. */
export const AZURE_KEY_VAULT_URL = /^https:\/\/[a-z0-9-]{3,24}\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)\/?$/i;
