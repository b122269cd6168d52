import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as yaml from 'js-yaml';
import { RenderedFile } from '../output/synthesize';
import { esoHygiene } from './eso-hygiene';
import { containerResources, cronJobNameLength, pinnedImages, podSecurityRestricted } from './pod-security';
import { checkPolicy, PolicyEnvironment, PolicyError, PolicyReport, PolicyRule } from './policy';
import { rbacLeastPrivilege } from './rbac';
import { noSecretMaterial } from './secret-material';

/**
 * The rules any team using ESO from cdk8s wants, in the order violations are listed: Pod Security
 * 'restricted', resources, pinned images, CronJob name length, RBAC least privilege, no secret
 * material, ESO hygiene. Veza's app adds its own (`POLICY_RULES` in lib/veza).
 */
export const GENERIC_POLICY_RULES: readonly PolicyRule[] = [
  podSecurityRestricted,
  containerResources,
  pinnedImages,
  cronJobNameLength,
  rbacLeastPrivilege,
  noSecretMaterial,
  esoHygiene,
];

/** Options of {@link enforcePolicy}. */
export interface EnforcePolicyOptions {
  /** The rules to run. @default GENERIC_POLICY_RULES */
  readonly rules?: readonly PolicyRule[];
  /** The environments, for rules that check them (each a top-level folder of the files). @default - none */
  readonly environments?: PolicyEnvironment[];
}

/**
 * Each chart below `scope` (an App, a Chart, or any construct holding charts) as one file,
 * `<chart id>.k8s.yaml` as `cdk8s synth` names it, for the policy pass.
 */
export function chartFiles(scope: IConstruct): RenderedFile[] {
  const charts = scope.node.findAll().filter((c): c is Chart => Chart.isChart(c));
  return charts.map((chart) => ({
    path: `${chart.node.id}.k8s.yaml`,
    executable: false,
    content: chart.toJson().map((doc) => yaml.dump(doc, { noRefs: true })).join('---\n'),
  }));
}

/**
 * Runs the policy over rendered files, or over the charts of an App or Chart; throws a
 * {@link PolicyError} listing every violation, returns the report (with its exemptions) otherwise.
 */
export function enforcePolicy(input: RenderedFile[] | IConstruct, options: EnforcePolicyOptions = {}): PolicyReport {
  const files = Array.isArray(input) ? input : chartFiles(input);
  files.forEach((f, i) => {
    if (typeof f?.path !== 'string' || typeof f.content !== 'string') {
      throw new Error(`enforcePolicy: files[${i}] is ${JSON.stringify(f)?.slice(0, 80)}; allowed: a rendered file { path, content } (renderApp(app)), or pass the App or Chart itself`);
    }
  });
  const report = checkPolicy(files, [...(options.rules ?? GENERIC_POLICY_RULES)], options.environments);
  if (report.violations.length > 0) throw new PolicyError(report.violations);
  return report;
}
