import { Construct } from 'constructs';
import { ExternalSecret } from '../eso/external-secret';
import { generatedRotations, SecretRotation } from '../eso/secret-rotation';
import { VaultSecretStore } from '../eso/vault-secret-store';
import { ManifestFile } from '../output/files';
import { VezaCatalog } from './catalog';
import { EnvironmentConfig } from './environment';

/** The file of an environment's rotation objects, in its applied folder. */
export const ROTATION_FILE = 'secrets-rotation.yaml';

/**
 * `<env>/secrets-rotation.yaml`: the rotation CronJobs of the catalog's GENERATE classes, for an
 * environment whose active provider is Vault; `undefined` for another provider (docs/rotation.md:
 * those are rotated by hand). DATABASE_ENGINE classes are Vault's database secrets engine's job,
 * MANUAL classes a person's: neither gets a CronJob.
 */
export function addVezaRotation(
  scope: Construct,
  config: EnvironmentConfig,
  catalog: VezaCatalog,
  externalSecret: ExternalSecret,
  labels: Record<string, string>,
): SecretRotation | undefined {
  if (config.provider !== 'vault') return undefined;
  const plan = generatedRotations(catalog);
  if (plan.length === 0) return undefined;
  const vault = config.providers.vault;
  const file = new ManifestFile(scope, 'SecretsRotation', { path: `${config.name}/${ROTATION_FILE}`, namespace: config.namespace, labels });
  const rotation = new SecretRotation(file, 'secrets-rotation', {
    externalSecret,
    vaultRole: `veza-${config.name}-rotation`,
    // The store's own mount (the file's, or the one its cluster gives it).
    vaultAuthMountPath: externalSecret.store instanceof VaultSecretStore ? externalSecret.store.authMountPath : undefined,
    vaultAudience: 'vault',
    vaultCa: vault.caProvider,
    vaultCidrs: config.rotation.vaultCidrs,
    apiServerCidrs: config.rotation.apiServerCidrs,
    images: { runner: config.rotation.runnerImage, vault: config.rotation.vaultImage },
  });
  for (const p of plan) rotation.addRotation(p.rotationClass, { keys: p.keys, deployments: p.consumers.map(SecretRotation.deploymentFromName) });
  return rotation;
}
