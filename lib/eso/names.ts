/**
 * Kubernetes name rules, checked where a name is given so the error points at the prop
 * rather than at a rejected `kubectl apply`.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

/** RFC 1123 label: namespaces, service accounts, most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: Secret, ConfigMap, ExternalSecret and store names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A key of a Secret's `data` (and of an ExternalSecret's `secretKey`). */
export const SECRET_DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** Throws unless `value` is an RFC 1123 label of at most 63 characters. */
export function checkDnsLabel(where: string, field: string, value: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, ` +
        `starting and ending with a letter or digit). The value passed is: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` is an RFC 1123 subdomain of at most 253 characters. */
export function checkDnsSubdomain(where: string, field: string, value: string): string {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). ` +
        `The value passed is: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` may be a key of a Secret's data. */
export function checkSecretDataKey(where: string, field: string, value: string): string {
  if (value.length > 253 || !SECRET_DATA_KEY.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a Secret data key (letters, digits, '-', '_' and '.'). ` +
        `The value passed is: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The construct path used to prefix error messages, as cdk8s does: `[veza-production/vault-store]`. */
export function where(node: { node: { path: string } }): string {
  return `[${node.node.path}]`;
}

/**
 * The longest CronJob name: the controller names each Job `<cronjob>-<11 digits>`, and a Job's
 * name becomes a 63-character label of its pods.
 */
export const CRONJOB_NAME_MAX_LENGTH = 52;

/** Throws unless `value` is a DNS label of at most 52 characters, a CronJob's name. */
export function checkCronJobName(where: string, field: string, value: string): string {
  if (value.length > CRONJOB_NAME_MAX_LENGTH || !DNS_LABEL.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a CronJob name (a DNS label of at most ${CRONJOB_NAME_MAX_LENGTH} characters: its Jobs add 11). ` +
        `The value passed is: ${JSON.stringify(value)} (${value.length} characters)`,
    );
  }
  return value;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Throws unless every key and value of `labels` is a Kubernetes label: a key `[prefix/]name`
 * (prefix a DNS subdomain, name at most 63 characters), a value of at most 63 characters.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
export function checkLabels(where: string, field: string, labels: Record<string, string> | undefined): Record<string, string> | undefined {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    if ((prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) {
      throw new Error(`${where}: '${field}' has the key ${JSON.stringify(key)}; allowed: a label key, an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit`);
    }
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      throw new Error(`${where}: '${field}.${key}' is ${JSON.stringify(value)}; allowed: a label value, at most 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or empty`);
    }
  }
  return labels;
}
