import { Construct } from 'constructs';
import { ExternalSecret } from '../eso/external-secret';
import { where } from '../eso/names';
import { RotationMethod } from '../eso/secret-catalog';
import { CatalogRotation, generatedRotations, RotationCronJob, SecretRotation } from '../eso/secret-rotation';
import { VaultKubernetesAuthIntegration } from '../eso/vault-kubernetes-auth-integration';
import { ManifestFile } from '../output/files';
import { VezaCatalog, VezaSecretKey, VezaService } from './catalog';
import { EnvironmentConfig } from './environment-file';
import { ROTATION_CLASS_LABEL, ROTATION_FILE } from './layout';

/** Props of {@link VezaRotation}. */
export interface VezaRotationProps {
  /** The environment: its name (the folder), namespace and `rotation` settings (CIDRs, images, offset). */
  readonly config: EnvironmentConfig;
  /** The catalog: which classes rotate automatically, their keys and consumers. */
  readonly catalog: VezaCatalog;
  /** The applied ExternalSecret, `veza-secrets`, whose keys the jobs rotate. */
  readonly externalSecret: ExternalSecret;
  /** The Vault integration of the ExternalSecret's store: it grants each job its Vault role. */
  readonly vault: VaultKubernetesAuthIntegration;
  /** Labels on every object. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * `<env>/secrets-rotation.yaml`: a daily CronJob per GENERATE class of the catalog, and per
 * DATABASE_ENGINE class whose keys the ExternalSecret renders from Vault's database engine, for
 * an ExternalSecret read through Vault with Kubernetes auth (the integration grants the jobs their
 * Vault roles). MANUAL classes are a person's; other providers are rotated by hand
 * (docs/rotation.md). Create it only where {@link VezaRotation.rotationsOf} finds a class: it
 * refuses an ExternalSecret and catalog without any.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 * @see https://developer.hashicorp.com/vault/docs/auth/kubernetes
 */
export class VezaRotation extends ManifestFile {
  /**
   * The catalog's classes a rotation job renews for `externalSecret`: every GENERATE class, and each
   * DATABASE_ENGINE class whose keys it renders from the engine (the integration has a database).
   * Empty when `vault` is not the integration of the ExternalSecret's store.
   */
  public static rotationsOf(props: Pick<VezaRotationProps, 'catalog' | 'externalSecret' | 'vault'>): CatalogRotation<VezaSecretKey, VezaService>[] {
    const { catalog, externalSecret, vault } = props;
    if (vault.store !== externalSecret.store) return [];
    const templated = (key: string) => externalSecret.keys.some((k) => k.secretKey === key && k.template !== undefined);
    return generatedRotations(catalog, [RotationMethod.GENERATE, RotationMethod.DATABASE_ENGINE])
      .filter((p) => p.rotationClass.method === RotationMethod.GENERATE || (vault.database !== undefined && p.keys.every(templated)));
  }

  /** The script, NetworkPolicy and each job (CronJob, ServiceAccount, Role, RoleBinding): the child `'secrets-rotation'`. */
  public readonly rotation: SecretRotation;

  public constructor(scope: Construct, id: string, props: VezaRotationProps) {
    const { config, externalSecret, vault } = props;
    super(scope, id, { path: `${config.name}/${ROTATION_FILE}`, namespace: config.namespace, labels: props.labels });
    const plan = VezaRotation.rotationsOf(props);
    if (plan.length === 0) {
      throw new Error(`${where(this)}: 'externalSecret' reads from ${JSON.stringify(externalSecret.store.storeName)}, of which the catalog rotates no class automatically through 'vault' (${JSON.stringify(vault.store.storeName)}); allowed: the ExternalSecret of the integration's store and a catalog with a GENERATE class, or a DATABASE_ENGINE class rendered from the engine.`);
    }
    this.rotation = new SecretRotation(this, 'secrets-rotation', {
      externalSecret,
      vault,
      // The CA the store trusts (a synthesized or hand-made ConfigMap), read from the store itself.
      vaultCa: vault.store.caProvider,
      vaultCidrs: config.rotation.vaultCidrs,
      apiServerCidrs: config.rotation.apiServerCidrs,
      images: { runner: config.rotation.runnerImage, vault: config.rotation.vaultImage },
      offsetDays: config.rotation.offsetDays,
      rotationClassLabel: ROTATION_CLASS_LABEL,
    });
    for (const p of plan) this.rotation.addRotation(p.rotationClass, { keys: p.keys, deployments: p.consumers.map(SecretRotation.deploymentFromName) });
  }

  /** The CronJobs, one per rotated class, in catalog order. */
  public get rotations(): RotationCronJob[] {
    return this.rotation.rotations;
  }
}
