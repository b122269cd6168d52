import { Construct } from 'constructs';
import { ExternalSecret } from '../eso/external-secret';
import { RotationMethod } from '../eso/secret-catalog';
import { generatedRotations, SecretRotation } from '../eso/secret-rotation';
import { VaultKubernetesAuthIntegration } from '../eso/vault-kubernetes-auth-integration';
import { ManifestFile } from '../output/files';
import { VezaCatalog } from './catalog';
import { EnvironmentConfig } from './environment-file';
import { ROTATION_CLASS_LABEL, ROTATION_FILE } from './layout';

/** Props of {@link addVezaRotation}. */
export interface VezaRotationProps {
  /** The environment. */
  readonly config: EnvironmentConfig;
  /** The catalog: which classes rotate automatically, their keys and consumers. */
  readonly catalog: VezaCatalog;
  /** The applied ExternalSecret, `veza-secrets`. */
  readonly externalSecret: ExternalSecret;
  /** The Vault integration of its store, which grants each rotation its Vault role. @default - none: no rotation */
  readonly vault?: VaultKubernetesAuthIntegration;
  /** Labels on every object. */
  readonly labels: Record<string, string>;
}

/**
 * `<env>/secrets-rotation.yaml`: a daily CronJob per GENERATE class of the catalog, and per
 * DATABASE_ENGINE class whose keys `veza-secrets` renders from the database engine, for an
 * environment whose active provider is Vault with Kubernetes auth (the integration grants the
 * jobs their Vault roles); `undefined` otherwise (docs/rotation.md: other providers are rotated
 * by hand). MANUAL classes are a person's.
 */
export function addVezaRotation(scope: Construct, props: VezaRotationProps): SecretRotation | undefined {
  const { config, catalog, externalSecret, vault, labels } = props;
  if (config.provider !== 'vault' || !vault || vault.store !== externalSecret.store) return undefined;
  const templated = (key: string) => externalSecret.keys.some((k) => k.secretKey === key && k.template !== undefined);
  const plan = generatedRotations(catalog, [RotationMethod.GENERATE, RotationMethod.DATABASE_ENGINE])
    .filter((p) => p.rotationClass.method === RotationMethod.GENERATE || (vault.database !== undefined && p.keys.every(templated)));
  if (plan.length === 0) return undefined;
  const file = new ManifestFile(scope, 'SecretsRotation', { path: `${config.name}/${ROTATION_FILE}`, namespace: config.namespace, labels });
  const rotation = new SecretRotation(file, 'secrets-rotation', {
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
  for (const p of plan) rotation.addRotation(p.rotationClass, { keys: p.keys, deployments: p.consumers.map(SecretRotation.deploymentFromName) });
  return rotation;
}
