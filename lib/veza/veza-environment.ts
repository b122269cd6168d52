import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { ExternalSecret } from '../eso/external-secret';
import { ExternalSecretsOperator } from '../eso/external-secrets-operator';
import { RotationMethod } from '../eso/secret-catalog';
import { SecretTemplateFile } from '../eso/secret-template-file';
import { VaultKubernetesAuthIntegration } from '../eso/vault-kubernetes-auth-integration';
import { DeploymentUnit, Kustomization } from '../output/deployment-unit';
import { VezaCatalog } from './catalog';
import type { RunbookSection } from './runbook';
import { EnvironmentReadme } from './environment-readme';
import { EnvironmentConfig, PROVIDERS } from './environment-file';
import { commonLabels, EnvironmentCluster, LAYOUT, SECRETS_EXAMPLE_FILE, SHARED_CLUSTER } from './layout';
import { VezaProviderSecrets } from './provider-secrets';
import { VezaRotation } from './rotation';
import { databaseRotationSection, VezaVaultIntegration } from './vault-integration';
import { VezaConsumers } from './veza-consumers';
import { VezaNamespace } from './veza-namespace';

/** Props of {@link VezaEnvironment}. */
export interface VezaEnvironmentProps {
  /** The environment, as read from `environments/<name>.yaml`. */
  readonly config: EnvironmentConfig;
  /** The secrets to materialize. */
  readonly catalog: VezaCatalog;
  /** The operator that reconciles its ExternalSecrets (`VezaCluster.operator`): the README names its Deployment and namespace. */
  readonly operator: ExternalSecretsOperator;
  /**
   * The cluster it runs in (gitops.yaml's topology): with a cluster of its own, its Vault store
   * logs in at a Kubernetes auth mount of its own, `kubernetes-<env>`, unless the file names one.
   * @default SHARED_CLUSTER - one cluster for every environment
   */
  readonly cluster?: EnvironmentCluster;
}

/**
 * Everything of one environment: its namespace, the store and ExternalSecret of the provider it
 * uses (applied), and those of the three others (synthesized under the seed's file names in
 * `alternatives/`, applied by no GitOps path, so two ExternalSecrets never fight over
 * `veza-secrets`).
 *
 * @see https://external-secrets.io/latest/introduction/overview/
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class VezaEnvironment extends Construct {
  /** The environment, as read from `environments/<name>.yaml`. */
  public readonly config: EnvironmentConfig;
  /** The cluster it runs in. */
  public readonly cluster: EnvironmentCluster;
  /** The operator that reconciles its ExternalSecrets. */
  public readonly operator: ExternalSecretsOperator;
  /** The manifests GitOps applies for this environment. */
  public readonly applied: DeploymentUnit;
  /** The namespace `veza-<env>`. */
  public readonly namespace: kplus.Namespace;
  /** Every provider's store and ExternalSecret, the active one first. */
  public readonly providers: VezaProviderSecrets[];
  /** `dist/<env>/README.md`; others add runbook sections with `readme.addSection`. */
  public readonly readme: EnvironmentReadme;
  /** The services' accounts, `secrets-reader`, and the typed view workloads consume `veza-secrets` through. */
  public readonly consumers: VezaConsumers;
  /** The ConfigMap of Vault's CA (`vault-ca.yaml`), when the environment file gives the CA (`caFile`/`caBundle`). */
  public readonly vaultCa?: kplus.ConfigMap;
  /** Both sides of Vault's Kubernetes auth for the Vault store, when it uses Kubernetes auth. */
  public readonly vaultIntegration?: VaultKubernetesAuthIntegration;
  /** The files of {@link vaultIntegration}: `vault-integration.yaml`, `vault/configure-vault.sh` and the policies. */
  public readonly vaultIntegrationFiles?: VezaVaultIntegration;
  /** The rotation CronJobs (`<env>/secrets-rotation.yaml`), when the active provider is Vault with Kubernetes auth. */
  public readonly rotation?: VezaRotation;
  /** `<env>/kustomization.yaml`, listing what {@link applied} holds: its folder is what GitOps and `kubectl apply -k` are given. */
  public readonly kustomization: Kustomization;

  public constructor(scope: Construct, id: string, props: VezaEnvironmentProps) {
    super(scope, id);
    const { config, catalog } = props;
    this.config = config;
    this.cluster = props.cluster ?? SHARED_CLUSTER;
    this.operator = props.operator;
    const labels = commonLabels(config.name);
    this.applied = new DeploymentUnit(this, 'Applied');
    this.namespace = new VezaNamespace(this.applied, 'Namespace', { config, labels }).resource;
    // The active provider applied, each other one in a unit of its own under alternatives/.
    this.providers = [config.provider, ...PROVIDERS.filter((p) => p !== config.provider)].map((provider) => {
      const unit = provider === config.provider ? this.applied : new DeploymentUnit(this, `Alternative-${provider}`);
      return new VezaProviderSecrets(unit, provider, { provider, config, catalog, cluster: this.cluster, labels });
    });
    this.vaultCa = this.providers.find((p) => p.vaultCa)?.vaultCa;
    this.consumers = new VezaConsumers(this.applied, 'Consumers', {
      environment: config.name, namespace: config.namespace, catalog, externalSecret: this.active.externalSecret, labels,
    });
    // The seed's option 1 (plain Kubernetes Secrets, no ESO): a template, placeholders only.
    new SecretTemplateFile(this, 'SecretsExample', {
      path: `${config.name}/${SECRETS_EXAMPLE_FILE}`, catalog, secretName: this.active.externalSecret.targetName,
      namespace: config.namespace, labels, comment: secretsExampleComment(config, this.active.externalSecret),
    });
    // Vault's side of its Kubernetes auth, from the Vault store (docs/vault-integration.md).
    this.vaultIntegrationFiles = this.providers.find((p) => p.provider === 'vault')?.addVaultIntegration();
    this.vaultIntegration = this.vaultIntegrationFiles?.integration;
    // docs/rotation.md: a daily job per automatically rotated class, granted by the Vault integration.
    const vault = this.vaultIntegration;
    const rotation = vault && { config, catalog, externalSecret: this.active.externalSecret, vault, labels };
    if (rotation && VezaRotation.rotationsOf(rotation).length > 0) this.rotation = new VezaRotation(this.applied, 'SecretsRotation', rotation);
    // Vault's policies as files, once the rotation jobs were granted theirs.
    this.vaultIntegrationFiles?.addPolicyFiles();
    this.kustomization = new Kustomization(this, 'Kustomization', { path: `${config.name}/${LAYOUT.kustomizationFile}`, unit: this.applied });
    // dist/<env>/README.md: inventory, flow diagram and runbooks, rendered from the constructs above.
    this.readme = new EnvironmentReadme(this, 'Readme', { environment: this, catalog });
    for (const section of this.rotationRunbooks(catalog)) this.readme.addSection(section);
  }

  /** Whether `construct` is applied with this environment (in `dist/<env>/`, not `alternatives/`). */
  public isApplied(construct: Construct | undefined): boolean {
    return construct !== undefined && DeploymentUnit.of(construct) === this.applied;
  }

  /** The provider the applied folder uses. */
  public get active(): VezaProviderSecrets {
    return this.providers[0];
  }

  /**
   * docs/rotation.md: each rotation job's runbook (rule, contract, rotate now, last run, roll back),
   * and without a database rotation job, the runbook when Vault rotates the database password on its own.
   */
  private rotationRunbooks(catalog: VezaCatalog): RunbookSection[] {
    const jobs = this.rotation?.rotations ?? [];
    const databaseJob = jobs.some((j) => j.rotationClass.method === RotationMethod.DATABASE_ENGINE);
    const database = databaseJob ? undefined : databaseRotationSection(this.active.store, this.active.externalSecret, this.config, catalog);
    return [...jobs.map((job) => job.runbook()), ...(database ? [database] : [])];
  }
}

function secretsExampleComment(config: EnvironmentConfig, externalSecret: ExternalSecret): string[] {
  const secret = externalSecret.targetName;
  return [
    `Template of the Secret ${secret} of ${config.namespace}: the seed's "Option 1: Basic Kubernetes Secrets".`,
    'Generated by veza-secrets from lib/veza/catalog.ts: do not edit. Change the catalog and run `npm run synth`.',
    '',
    `Only where External Secrets Operator does not run: with ESO the ExternalSecret ${externalSecret.name} owns`,
    'this Secret and overwrites it. Placeholders only: this file never holds a value.',
    '',
    `  cp dist/${config.name}/${SECRETS_EXAMPLE_FILE} secrets.yaml    # secrets.yaml is ignored by .gitignore`,
    '  $EDITOR secrets.yaml                                    # replace every placeholder',
    '  kubectl apply --server-side -f secrets.yaml && rm secrets.yaml   # server-side: no last-applied annotation copying the values',
    '',
    'Never commit secrets.yaml.',
    '',
  ];
}
