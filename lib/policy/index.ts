// The policy pass: generic rules any cdk8s app using ESO can run on what it is about to write.
export { checkPolicy, exemptFromPolicy, formatExemption, formatViolation, POLICY_EXEMPT_ANNOTATION, POLICY_EXEMPT_REASON_ANNOTATION, PolicyError, type KubeObject, type PolicyContext, type PolicyEnvironment, type PolicyExemption, type PolicyObject, type PolicyReport, type PolicyRule, type PolicyViolation } from './policy';
export { containerResources, cronJobNameLength, pinnedImages, podSecurityRestricted } from './pod-security';
export { rbacLeastPrivilege } from './rbac';
export { noSecretMaterial } from './secret-material';
export { esoHygiene } from './eso-hygiene';
export { enforcePolicy, GENERIC_POLICY_RULES, type EnforcePolicyOptions } from './rules';
