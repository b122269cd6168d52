import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';

/**
 * The namespace of the chart holding `scope`; `undefined` when the chart has none, or when
 * `scope` is in no chart (an imported object such as `ServiceAccount.fromServiceAccountName`
 * created under the app).
 * @internal
 */
export function chartNamespaceOf(scope: IConstruct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined;
  }
}

/**
 * The namespace of a service account as an RBAC or Vault subject: the one it names, else its chart's.
 * @internal
 */
export function subjectNamespaceOf(serviceAccount: kplus.IServiceAccount): string | undefined {
  return serviceAccount.toSubjectConfiguration().namespace ?? chartNamespaceOf(serviceAccount);
}
