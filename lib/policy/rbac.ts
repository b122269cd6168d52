import { PolicyRule } from './policy';

interface RbacRule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly verbs?: string[];
  readonly resourceNames?: string[];
  readonly nonResourceURLs?: string[];
}

const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];
/** Verbs that cannot be scoped to names: Kubernetes checks them before the object has one. */
const UNSCOPABLE = ['create', 'deletecollection'];
const ESCALATING = ['escalate', 'bind', 'impersonate'];
const ADMIN_ROLES = ['cluster-admin', 'admin', 'edit'];

/**
 * Least privilege: no wildcard, no list or watch of Secrets (they return every value), reads of
 * Secrets and every write scoped by resourceNames, no escalation, no binding to the built-in admin roles.
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/
 */
export const rbacLeastPrivilege: PolicyRule = {
  name: 'rbac-least-privilege',
  description: "Roles name their verbs, resources and API groups (no '*'), never list or watch Secrets, scope Secret reads and every write by resourceNames, never escalate, and no binding grants cluster-admin, admin or edit.",
  check: ({ doc }) => {
    if (doc.kind === 'RoleBinding' || doc.kind === 'ClusterRoleBinding') {
      const ref = doc.roleRef as { kind?: string; name?: string } | undefined;
      return ref?.name && ADMIN_ROLES.includes(ref.name) ? [`'roleRef.name' is ${JSON.stringify(ref.name)}; allowed: a role of this project's own, not ${ADMIN_ROLES.join(', ')}`] : [];
    }
    if (doc.kind !== 'Role' && doc.kind !== 'ClusterRole') return [];
    const rules = (doc.rules as RbacRule[] | undefined) ?? [];
    return rules.flatMap((rule, i) => {
      const at = `rules[${i}]`;
      const problems: string[] = [];
      for (const field of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const) {
        if ((rule[field] ?? []).some((v) => v === '*' || v.endsWith('/*'))) problems.push(`'${at}.${field}' is ${JSON.stringify(rule[field])}; allowed: named ${field}, no '*'`);
      }
      const verbs = rule.verbs ?? [];
      const scoped = (rule.resourceNames ?? []).length > 0;
      const secrets = (rule.resources ?? []).some((r) => r === 'secrets' || r === '*') && (rule.apiGroups ?? ['']).some((g) => g === '' || g === '*');
      if (secrets) {
        const bulk = verbs.filter((v) => v === 'list' || v === 'watch');
        if (bulk.length > 0) problems.push(`'${at}.verbs' is ${JSON.stringify(verbs)} on secrets; allowed: no list or watch on secrets (they return every value)`);
        if (verbs.includes('get') && !scoped) problems.push(`'${at}' allows get on every Secret; allowed: get with resourceNames`);
      }
      for (const verb of verbs.filter((v) => UNSCOPABLE.includes(v))) {
        problems.push(`'${at}.verbs' holds ${verb}, which resourceNames cannot scope; allowed: update, patch or delete with resourceNames`);
      }
      const writes = verbs.filter((v) => WRITES.includes(v) && !UNSCOPABLE.includes(v));
      if (writes.length > 0 && !scoped) problems.push(`'${at}' allows ${writes.join(', ')} without resourceNames; allowed: writes scoped by resourceNames`);
      const escalating = verbs.filter((v) => ESCALATING.includes(v));
      if (escalating.length > 0) problems.push(`'${at}.verbs' holds ${escalating.join(', ')}; allowed: no escalate, bind or impersonate`);
      return problems;
    });
  },
};
