import { RenderedFile } from '../output/synthesize';
import { environmentIsolation } from './environment-isolation';
import { esoHygiene } from './eso-hygiene';
import { containerResources, cronJobNameLength, pinnedImages, podSecurityRestricted } from './pod-security';
import { checkPolicy, PolicyEnvironment, PolicyError, PolicyReport, PolicyRule } from './policy';
import { rbacLeastPrivilege } from './rbac';
import { noSecretMaterial } from './secret-material';

/** Every rule the synth enforces, in the order violations are listed. */
export const POLICY_RULES: readonly PolicyRule[] = [
  podSecurityRestricted,
  containerResources,
  pinnedImages,
  cronJobNameLength,
  rbacLeastPrivilege,
  noSecretMaterial,
  environmentIsolation,
  esoHygiene,
];

/** Runs the policy; throws a {@link PolicyError} listing every violation, returns the report otherwise. */
export function enforcePolicy(files: RenderedFile[], environments?: PolicyEnvironment[], rules: readonly PolicyRule[] = POLICY_RULES): PolicyReport {
  const report = checkPolicy(files, [...rules], environments);
  if (report.violations.length > 0) throw new PolicyError(report.violations);
  return report;
}
