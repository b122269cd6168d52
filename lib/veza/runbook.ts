import { ApiObject } from 'cdk8s';
import { PREVIOUS_SUFFIX, RotationMethod } from '../eso/secret-catalog';
import { SecretStoreKind } from '../eso/secret-store';
import { VaultSecretStore } from '../eso/vault-secret-store';
import { manifestFilesOf } from '../output/files';
import type { VezaCatalog, VezaService } from './catalog';

import type { VezaEnvironment } from './veza-environment';

/** One command of a runbook, with the sentence that says why it is run. */
export interface RunbookCommand {
  /** Why it is run, shown as a comment above it. */
  readonly why: string;
  /** The shell command, with this environment's names. */
  readonly command: string;
}

/** A titled list of commands: a troubleshooting case, the verification steps. */
export interface RunbookSection {
  /** The heading. */
  readonly title: string;
  /** The commands, in the order to run them. */
  readonly commands: RunbookCommand[];
}

/** `secretstore vault-store -n veza-production`, or `clustersecretstore x` for a cluster-wide store. */
function storeArgs(env: VezaEnvironment): string {
  const store = env.active.store;
  return store.kind === SecretStoreKind.CLUSTER_SECRET_STORE
    ? `clustersecretstore ${store.storeName}`
    : `secretstore ${store.storeName} -n ${env.config.namespace}`;
}

/**
 * The Deployments that read the target Secret, from the catalog's consumers.
 * @internal
 */
export function consumersOf(catalog: VezaCatalog, keys: readonly string[]): string[] {
  return catalog.services.filter((s) => catalog.all.some((e) => keys.includes(e.key) && (e.consumers as readonly string[]).includes(s)));
}

/**
 * The seed's "Migration Guide" step 4, "Verify secrets are synced", with this environment's
 * names: what to run once the environment is applied.
 * @internal
 */
export function verificationCommands(env: VezaEnvironment): RunbookSection {
  const ns = env.config.namespace;
  const es = env.active.externalSecret;
  return {
    title: 'Verify secrets are synced',
    commands: [
      { why: 'The ExternalSecret reports SecretSynced', command: `kubectl get externalsecret ${es.name} -n ${ns}` },
      { why: 'Wait until it is Ready', command: `kubectl wait --for=condition=Ready externalsecret/${es.name} -n ${ns} --timeout=2m` },
      { why: 'The store can reach its provider', command: `kubectl get ${storeArgs(env)}` },
      { why: 'The Secret exists (its key names, never its values)', command: `kubectl get secret ${es.targetName} -n ${ns} -o go-template='{{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}'` },
    ],
  };
}

/**
 * The seed's "Troubleshooting" commands with this environment's names. The seed's
 * `env | grep -i secret` printed values to the terminal: here only variable names are shown.
 * @internal
 */
export function troubleshootingCommands(env: VezaEnvironment, catalog: VezaCatalog): RunbookSection[] {
  const ns = env.config.namespace;
  const es = env.active.externalSecret;
  const consumers = consumersOf(catalog, es.keys.map((k) => k.secretKey));
  // Each service's own account, as rbac.yaml binds it to the read grant's Role.
  const account = (service: string) => env.consumers.serviceAccounts[service as VezaService]?.name ?? service;
  return [
    {
      title: 'Secret not syncing',
      commands: [
        { why: 'Check the ExternalSecret status', command: `kubectl describe externalsecret ${es.name} -n ${ns}` },
        { why: 'Check the External Secrets Operator logs', command: `kubectl logs -n ${env.operator.namespaceName} deployment/${env.operator.deploymentName}` },
        { why: 'Check the SecretStore connection', command: `kubectl describe ${storeArgs(env)}` },
        { why: 'Force a refresh now (works because refreshInterval is not 0)', command: `kubectl annotate externalsecret ${es.name} force-sync=$(date +%s) --overwrite -n ${ns}` },
      ],
    },
    {
      title: 'Secret not found in pod',
      commands: [
        { why: 'Verify the Secret exists', command: `kubectl get secret ${es.targetName} -n ${ns}` },
        ...consumers.flatMap((d) => [
          { why: `Environment variable names of ${d} (names only: values never reach the terminal)`, command: `kubectl exec deployment/${d} -n ${ns} -- env | cut -d= -f1 | sort` },
          { why: `Volumes and env sources of ${d}'s pod template`, command: `kubectl describe deployment ${d} -n ${ns} | grep -A 5 -E "Mounts:|Environment"` },
          { why: `Restart ${d} so it reads the new values`, command: `kubectl rollout restart deployment/${d} -n ${ns}` },
        ]),
      ],
    },
    {
      title: 'Permission denied',
      commands: [
        ...consumers.map((d) => ({ why: `May ${d} read the Secret? (its account is bound to ${env.consumers.readGrant.role.name})`, command: `kubectl auth can-i get secrets/${es.targetName} -n ${ns} --as=system:serviceaccount:${ns}:${account(d)}` })),
        { why: 'Check the service accounts', command: `kubectl get serviceaccount -n ${ns}` },
        ...consumers.map((d) => ({ why: `Check ${d}'s service account`, command: `kubectl describe serviceaccount ${account(d)} -n ${ns}` })),
      ],
    },
  ];
}

/**
 * The seed's migration steps 1 to 3 that work on a cluster, with this environment's paths: the
 * once-per-cluster steps others contributed (the operator's install by hand, `VezaCluster`), a wait
 * until the API server serves every ESO kind the folder holds (else "no matches for kind"), the
 * environment's own steps, then `kubectl apply -k`. `contributions` default to what the
 * environment's README was given.
 * @internal
 */
export function applyCommands(env: VezaEnvironment, contributions?: { readonly clusterSteps?: readonly RunbookCommand[]; readonly applySteps?: readonly RunbookCommand[] }): RunbookSection {
  const folder = env.kustomization.folder;
  const given = contributions ?? env.readme.contributions;
  const crds = requiredCrds(env);
  return {
    title: 'By hand',
    commands: [
      ...(given.clusterSteps ?? []),
      ...(crds.length > 0 ? [{
        why: `Wait until the API server serves the kinds dist/${folder} uses (before: "no matches for kind")`,
        command: `kubectl wait --for=condition=Established ${crds.map((c) => `crd/${c}`).join(' ')} --timeout=2m`,
      }] : []),
      ...(given.applySteps ?? []),
      { why: `Apply ${env.config.name}: namespace, store, ExternalSecret and the rest of dist/${folder}`, command: `kubectl apply -k dist/${folder}` },
      ...afterApplySteps(env),
    ],
  };
}

/**
 * What the store and the ExternalSecret wait for after the apply, from the objects of the applied
 * folder: Vault configured (its script reads the reviewer token the apply created), the values
 * people manage written to the store's path, and the generated keys created by a first rotation run.
 */
function afterApplySteps(env: VezaEnvironment): RunbookCommand[] {
  const steps: RunbookCommand[] = [];
  const files = env.isApplied(env.vaultIntegrationFiles) ? env.vaultIntegrationFiles : undefined;
  const store = env.active.store;
  if (files) {
    const db = files.integration.database;
    steps.push({
      why: `A Vault operator configures Vault for this store (policies, Kubernetes auth, roles${db ? ', the database engine' : ''}); it reads the token reviewer's token the apply created. Safe to re-run${db ? `; ${db.passwordVariable} (the password of ${db.username}) is needed only while database/config/${db.connectionName} does not exist` : ''} (docs/vault-integration.md)`,
      command: `${db ? `${db.passwordVariable}=... ` : ''}dist/${files.script.path}`,
    });
  }
  if (store instanceof VaultSecretStore) {
    const managed = env.active.externalSecret.keys
      .filter((k) => k.template === undefined)
      .map((k) => k.remoteRef ?? store.remoteRef(k.remoteName))
      .filter((ref) => ref.key === store.path && ref.property !== undefined)
      .map((ref) => ref.property!);
    if (managed.length > 0) {
      steps.push({
        why: `Write the values people manage to ${store.location}, each from a file (never on the command line, never in git); rotation writes the generated keys elsewhere`,
        command: `vault kv put -mount=${store.mount} ${store.path} ${managed.map((p) => `${p}=@${p}.txt`).join(' ')}`,
      });
    }
  }
  for (const job of env.rotation && env.isApplied(env.rotation) ? env.rotation.rotations : []) {
    if (job.method !== RotationMethod.GENERATE) continue;
    steps.push({
      why: `Create the generated keys now instead of at the next daily run: the first run of ${job.name} writes ${job.grant.kvMount}/${job.grant.kvPath} (${job.keys.join(', ')}, each with its ${PREVIOUS_SUFFIX}), which ${env.active.externalSecret.name} reads`,
      command: `kubectl create job --from=cronjob/${job.name} bootstrap-$(date +%s) -n ${env.config.namespace}`,
    });
  }
  return steps;
}

/**
 * A section as plain text: one `# why` comment line above each command.
 * @internal
 */
export function sectionAsShell(section: RunbookSection): string {
  return section.commands.map((c) => `# ${c.why}\n${c.command}\n`).join('');
}

/**
 * The Kubernetes kinds of ESO's CRDs the objects of the applied folder use, as CRD names
 * (`externalsecrets.external-secrets.io`): what must be Established before `kubectl apply`.
 * @internal
 */
export function requiredCrds(env: VezaEnvironment): string[] {
  const names = new Set<string>();
  for (const file of manifestFilesOf(env.applied)) {
    for (const o of file.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))) {
      const group = o.apiGroup;
      if (group === 'external-secrets.io' || group.endsWith('.external-secrets.io')) names.add(`${o.kind.toLowerCase()}s.${group}`);
    }
  }
  return [...names].sort();
}
