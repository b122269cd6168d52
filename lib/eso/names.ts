/**
 * Kubernetes name rules, checked where a name is given so the error points at the prop
 * rather than at a rejected `kubectl apply`.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

import { CRONJOB_NAME_MAX_LENGTH, DNS_LABEL, DNS_SUBDOMAIN, labelKey, labelValue, SECRET_DATA_KEY } from '../rules';

// The name rules themselves live in lib/rules, shared with the environment files and the policy pass.
export { CRONJOB_NAME_MAX_LENGTH, DNS_LABEL, DNS_SUBDOMAIN, SECRET_DATA_KEY } from '../rules';

/**
 * Throws unless `value` is an RFC 1123 label of at most 63 characters.
 * @internal
 */
export function checkDnsLabel(where: string, field: string, value: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a DNS label (lower-case letters, digits and '-', at most 63 characters, ` +
        `starting and ending with a letter or digit). The value passed is: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is an RFC 1123 subdomain of at most 253 characters.
 * @internal
 */
export function checkDnsSubdomain(where: string, field: string, value: string): string {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). ` +
        `The value passed is: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` may be a key of a Secret's data.
 * @internal
 */
export function checkSecretDataKey(where: string, field: string, value: string): string {
  if (value.length > 253 || !SECRET_DATA_KEY.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a Secret data key (letters, digits, '-', '_' and '.'). ` +
        `The value passed is: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * The construct path used to prefix error messages, as cdk8s does: `[veza-production/vault-store]`.
 * @internal
 */
export function where(node: { node: { path: string } }): string {
  return `[${node.node.path}]`;
}


/**
 * Throws unless `value` is a DNS label of at most 52 characters, a CronJob's name.
 * @internal
 */
export function checkCronJobName(where: string, field: string, value: string): string {
  if (value.length > CRONJOB_NAME_MAX_LENGTH || !DNS_LABEL.test(value)) {
    throw new Error(
      `${where}: '${field}' must be a CronJob name (a DNS label of at most ${CRONJOB_NAME_MAX_LENGTH} characters: its Jobs add 11). ` +
        `The value passed is: ${JSON.stringify(value)} (${value.length} characters)`,
    );
  }
  return value;
}

/**
 * Throws unless every key and value of `labels` is a Kubernetes label: a key `[prefix/]name`
 * (prefix a DNS subdomain, name at most 63 characters), a value of at most 63 characters.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * @internal
 */
export function checkLabels(where: string, field: string, labels: Record<string, string> | undefined): Record<string, string> | undefined {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (labelKey.parse(key) === undefined) {
      throw new Error(`${where}: '${field}' has the key ${JSON.stringify(key)}; allowed: ${labelKey.allowed}`);
    }
    if (labelValue.parse(value) === undefined) {
      throw new Error(`${where}: '${field}.${key}' is ${JSON.stringify(value)}; allowed: ${labelValue.allowed}`);
    }
  }
  return labels;
}
