import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { toGoDuration } from '../eso/go-duration';
import { PREVIOUS_SUFFIX, RotationClass, RotationMethod } from '../eso/secret-catalog';
import { SecretProvider, SecretStoreKind } from '../eso/secret-store';
import { where } from '../eso/names';
import { VaultDynamicSecret } from '../eso/vault-dynamic-secret';
import { TextFile } from '../output/files';
import { cloudPrerequisites } from './cloud-prerequisites';
import type { VezaCatalog } from './catalog';
import { LAYOUT } from './layout';
import { vaultCaSection } from './vault-integration';
import { applyCommands, consumersOf, RunbookCommand, RunbookSection, troubleshootingCommands, verificationCommands } from './runbook';
import type { VezaEnvironment } from './veza-environment';

/**
 * The README's file name in an environment's folder.
 * @internal
 */
export const README_FILE = 'README.md';

/** The project's docs an environment's README links to, as paths from the repository's root. */
const DOC_LINKS: readonly (readonly [string, string])[] = [
  ['rotation', 'docs/rotation.md'],
  ['Vault', 'docs/vault-integration.md'],
  ['providers', 'docs/providers.md'],
  ['GitOps', 'docs/gitops.md'],
  ['the cluster', 'docs/cluster.md'],
];

/** Props of {@link EnvironmentReadme}. */
export interface EnvironmentReadmeProps {
  /** The environment it describes; read at synth, so everything added to it appears. */
  readonly environment: VezaEnvironment;
  /** The catalog: consumers and rotation classes. */
  readonly catalog: VezaCatalog;
  /** The file below dist/. @default - `<env>/README.md` */
  readonly path?: string;
}

/**
 * A node of the flow diagram.
 * @internal
 */
export interface FlowNode {
  /** A Mermaid id: letters, digits and `_` only. */
  readonly id: string;
  /** The Kubernetes kind (or `Provider`); `Generator` for an ESO generator of any kind (its label names the kind). */
  readonly kind: 'Provider' | 'SecretStore' | 'ClusterSecretStore' | 'Generator' | 'ExternalSecret' | 'Secret' | 'Deployment' | 'Operator';
  /** The object's name (the provider's location for `Provider`). */
  readonly name: string;
  /** The text shown. */
  readonly label: string;
}

/**
 * An edge of the flow diagram.
 * @internal
 */
export interface FlowEdge {
  /** The id of the node it starts at. */
  readonly from: string;
  /** The id of the node it points to. */
  readonly to: string;
  /** Text on the edge. @default - none */
  readonly label?: string;
  /** A dotted edge: control rather than data. @default false */
  readonly dotted?: boolean;
}

/**
 * The flow provider -> store -> ExternalSecret -> Secret -> workloads of one environment.
 * @internal
 */
export interface FlowDiagram {
  /** The nodes, in drawing order. */
  readonly nodes: FlowNode[];
  /** The edges, in drawing order. */
  readonly edges: FlowEdge[];
}

const PROVIDER_TITLES: Record<SecretProvider, string> = {
  [SecretProvider.VAULT]: 'HashiCorp Vault',
  [SecretProvider.AWS]: 'AWS',
  [SecretProvider.GCP]: 'Google Secret Manager',
  [SecretProvider.AZURE]: 'Azure Key Vault',
};

/**
 * A Mermaid id from a Kubernetes name: `veza-backend-api` -> `veza_backend_api`.
 * @internal
 */
export function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * The seed's architecture drawing made true for one environment: built from the constructs
 * (the operator, the active store, the ExternalSecret's keys, the catalog's consumers), never from strings.
 * @internal
 */
export function flowDiagram(env: VezaEnvironment, catalog: VezaCatalog): FlowDiagram {
  const { store, externalSecret: es } = env.active;
  const operator = env.operator;
  const keys = es.keys.map((k) => k.secretKey);
  const storeKind = store.kind === SecretStoreKind.CLUSTER_SECRET_STORE ? 'ClusterSecretStore' : 'SecretStore';
  const nodes: FlowNode[] = [
    { id: 'provider', kind: 'Provider', name: store.location, label: `${PROVIDER_TITLES[store.provider]}<br/>${store.location}` },
    { id: 'operator', kind: 'Operator', name: operator.deploymentName, label: `External Secrets Operator<br/>deployment/${operator.deploymentName} in ${operator.namespaceName}` },
    { id: 'store', kind: storeKind, name: store.storeName, label: `${storeKind} ${store.storeName}` },
    { id: 'externalsecret', kind: 'ExternalSecret', name: es.name, label: `ExternalSecret ${es.name}<br/>refresh every ${toGoDuration(es.refreshInterval)}` },
    { id: 'secret', kind: 'Secret', name: es.targetName, label: `Secret ${es.targetName}<br/>${keys.length} keys` },
  ];
  const edges: FlowEdge[] = [
    { from: 'provider', to: 'store', label: 'read by' },
    { from: 'store', to: 'externalsecret', label: 'secretStoreRef' },
    { from: 'externalsecret', to: 'secret', label: `creationPolicy ${es.creationPolicy}` },
    { from: 'operator', to: 'externalsecret', label: 'reconciles', dotted: true },
  ];
  // Generators the ExternalSecret also reads (the database credentials): same provider, their own path.
  for (const g of es.generatorSources) {
    const id = `generator_${mermaidId(g.generatorName)}`;
    const path = g instanceof VaultDynamicSecret ? `<br/>${g.method} ${g.path}` : '';
    nodes.splice(nodes.findIndex((n) => n.id === 'externalsecret'), 0, { id, kind: 'Generator', name: g.generatorName, label: `${g.generatorKind} ${g.generatorName}${path}` });
    edges.splice(edges.findIndex((e) => e.from === 'externalsecret'), 0, { from: 'provider', to: id, label: 'read by' }, { from: id, to: 'externalsecret', label: 'generatorRef' });
  }
  for (const deployment of consumersOf(catalog, keys)) {
    const id = `deploy_${mermaidId(deployment)}`;
    const used = catalog.all.filter((e) => keys.includes(e.key) && (e.consumers as readonly string[]).includes(deployment)).map((e) => e.key);
    nodes.push({ id, kind: 'Deployment', name: deployment, label: `Deployment ${deployment}` });
    edges.push({ from: 'secret', to: id, label: used.join(', ') });
  }
  return { nodes, edges };
}

/**
 * Mermaid text of a diagram: `flowchart LR`, quoted labels.
 * @internal
 */
export function renderMermaid(diagram: FlowDiagram): string {
  const quote = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  for (const n of diagram.nodes) lines.push(`  ${n.id}[${quote(n.label)}]`);
  for (const e of diagram.edges) {
    const arrow = e.dotted ? '-.->' : '-->';
    lines.push(`  ${e.from} ${arrow}${e.label === undefined ? '' : `|${quote(e.label)}|`} ${e.to}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * What renews one key of the target Secret on its own, as synthesized in the environment's applied folder.
 * @internal
 */
export interface AutomaticRotation {
  /** The object doing it, as a person would name it: `CronJob secrets-rotation-signing-secret`. */
  readonly by: string;
  /** When, in words: `every 90 days after the last rotation (...)`. */
  readonly when: string;
  /** How long the value replaced stays in `<key>-previous`, in words (`24h`). @default - no previous value is kept */
  readonly grace?: string;
}

/**
 * Each key's automatic rotations, read from the objects of the applied folder only: the rotation
 * CronJobs (`env.rotation`, each naming the keys it regenerates) and Vault's database engine when
 * the folder applies its integration and the key is rendered from its static credentials. A key
 * without an entry is rotated by nobody: whatever the catalog's class says, a person must.
 * @internal
 */
export function automaticRotations(env: VezaEnvironment): Map<string, AutomaticRotation[]> {
  const out = new Map<string, AutomaticRotation[]>();
  const add = (key: string, r: AutomaticRotation) => out.set(key, [...(out.get(key) ?? []), r]);
  const applied = (c: Construct) => env.isApplied(c);
  for (const job of env.rotation && applied(env.rotation) ? env.rotation.rotations : []) {
    const days = `every ${job.intervalDays} days after the last rotation`;
    const when = job.method === RotationMethod.GENERATE
      ? `${days} (runs daily, rotates when due; the previous value stays accepted ${toGoDuration(Duration.seconds(job.gracePeriodSeconds ?? 0))})`
      : `${days} (runs daily, asks Vault's database secrets engine when due, then re-syncs and restarts the consumers)`;
    const grace = job.method === RotationMethod.GENERATE ? toGoDuration(Duration.seconds(job.gracePeriodSeconds ?? 0)) : undefined;
    for (const key of job.keys) add(key, { by: `CronJob \`${job.name}\``, when, grace });
  }
  const db = env.vaultIntegration && applied(env.vaultIntegration) ? env.vaultIntegration.database : undefined;
  const es = env.active.externalSecret;
  if (db && es.generatorSources.some((g) => g instanceof VaultDynamicSecret && g.path === db.staticCredentialsPath)) {
    for (const k of es.keys.filter((key) => key.template !== undefined)) {
      const days = db.rotationPeriod.toDays({ integral: false });
      add(k.secretKey, { by: `Vault's database secrets engine (static role \`${db.staticRoleName}\`)`, when: `${Number.isInteger(days) ? `every ${days} days` : `every ${toGoDuration(db.rotationPeriod)}`} at the latest (rotation_period ${toGoDuration(db.rotationPeriod)}: a backstop when a rotation job exists)` });
    }
  }
  return out;
}

/**
 * The keys whose catalog class rotates automatically (generated, or by Vault's database engine)
 * that nothing in the applied folder rotates: what the active provider dropped.
 * @internal
 */
export function droppedRotations(env: VezaEnvironment, catalog: VezaCatalog): { key: string; rotationClass: RotationClass }[] {
  const automatic = automaticRotations(env);
  return env.active.externalSecret.keys
    .filter((k) => catalog.has(k.secretKey))
    .map((k) => ({ key: k.secretKey, rotationClass: catalog.entry(k.secretKey as never).rotation as RotationClass }))
    .filter(({ key, rotationClass }) => rotationClass.method !== RotationMethod.MANUAL && !automatic.has(key));
}

/**
 * The synth's warning when the active provider drops automatic rotation; `undefined` when it does not.
 * @internal
 */
export function droppedRotationWarning(env: VezaEnvironment, catalog: VezaCatalog): string | undefined {
  const dropped = droppedRotations(env, catalog);
  if (dropped.length === 0) return undefined;
  return `${env.config.file}: provider ${env.active.store.provider} rotates nothing automatically: ${dropped.map((d) => `${d.key} (${d.rotationClass.name})`).join(', ')} must be rotated by hand (dist/${env.readme.file.path}, "Rotation")`;
}

/** The rotation cell of `<key>-previous`: the value its key had before the last rotation, or its key's value. */
function previousCell(key: string, automatic: Map<string, AutomaticRotation[]>): string {
  const kept = automatic.get(key)?.find((r) => r.grace !== undefined);
  return kept
    ? `the value \`${key}\` had before its last rotation, for ${kept.grace} after it; otherwise equal to \`${key}\``
    : `equal to \`${key}\` (read from the same remote: nothing here keeps a previous value)`;
}

/** The rotation cell of a key: the objects that rotate it, or who must. */
function rotationCell(key: string, rotationClass: RotationClass | undefined, automatic: Map<string, AutomaticRotation[]>): string {
  const found = automatic.get(key);
  if (found) return found.map((r) => `${r.by}, ${r.when}`).join('; ');
  const days = rotationClass?.interval ? `every ${rotationClass.interval.toDays()} days` : undefined;
  if (rotationClass && rotationClass.method !== RotationMethod.MANUAL) return `**by hand**${days ? `, ${days}` : ''}: nothing in this folder rotates it`;
  return days ? `${days}, by hand` : 'by hand, as the provider recommends';
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** What other constructs contribute to an environment's README. */
export interface ReadmeContributions {
  /** Sections of commands after "Apply" (GitOps, rotation runbooks). */
  readonly sections?: readonly RunbookSection[];
  /** Once-per-cluster steps of "By hand", first (the operator's install). */
  readonly clusterSteps?: readonly RunbookCommand[];
  /** Environment steps of "By hand", just before `kubectl apply -k` (a ConfigMap the store reads). */
  readonly applySteps?: readonly RunbookCommand[];
}

/**
 * The README of one environment: inventory, flow, rotation, apply, verify, migrate, troubleshoot.
 * @internal
 */
export function renderEnvironmentReadme(env: VezaEnvironment, catalog: VezaCatalog, contributions: ReadmeContributions = {}, filePath = env.readme.file.path): string {
  const { config } = env;
  const { store, externalSecret: es } = env.active;
  const ns = config.namespace;
  const automatic = automaticRotations(env);
  const rows = es.keys.map((k) => {
    // `<key>-previous` belongs to its key: same consumers and class; what it holds depends on the rotation.
    const base = k.secretKey.endsWith(PREVIOUS_SUFFIX) ? k.secretKey.slice(0, -PREVIOUS_SUFFIX.length) : undefined;
    const previousOf = base !== undefined && catalog.has(base) ? base : undefined;
    const entry = catalog.has(k.secretKey) ? catalog.entry(k.secretKey) : previousOf ? catalog.entry(previousOf as never) : undefined;
    const ref = k.remoteRef ?? store.remoteRef(k.remoteName);
    const remote = k.template !== undefined
      ? `template over ${es.generatorSources.map((g) => (g instanceof VaultDynamicSecret ? `\`${g.path}\`` : `\`${g.generatorName}\``)).join(', ') || 'the other keys'}`
      : ref.property === undefined ? `\`${ref.key}\`` : `\`${ref.key}\` property \`${ref.property}\``;
    return [
      `\`${k.secretKey}\``,
      `${store.provider}`,
      remote,
      `\`${es.targetName}\``,
      entry ? entry.consumers.map((c) => `\`${c}\``).join(', ') : '-',
      toGoDuration(es.refreshInterval),
      entry ? `\`${entry.rotation.name}\`` : '-',
      previousOf ? previousCell(previousOf, automatic) : rotationCell(k.secretKey, entry?.rotation as RotationClass | undefined, automatic),
    ].map(cell);
  });
  const table = [
    '| Key | Provider | Remote name | Target Secret | Consumers | Refresh | Rotation class | Rotation |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const shell = (section: RunbookSection) => [
    '```sh',
    ...section.commands.flatMap((c) => [`# ${c.why}`, c.command]),
    '```',
  ].join('\n');
  const prerequisites = cloudPrerequisites(store);
  const byHand = applyCommands(env, contributions);
  // Links relative to the file itself (dist/<env>/README.md), so they resolve where it is read (a Git host, an editor).
  const root = '../'.repeat(`dist/${filePath}`.split('/').length - 1);

  return [
    `# ${config.name}: Veza secrets`,
    '',
    `<!-- Generated by veza-secrets from environments/${config.name}.yaml and lib/veza/catalog.ts: do not edit. Run \`npm run synth\`. -->`,
    '',
    `Namespace \`${ns}\`. Provider **${PROVIDER_TITLES[store.provider]}**: the ${store.kind} \`${store.storeName}\` reads \`${store.location}\`; ` +
      `the ExternalSecret \`${es.name}\` writes the Secret \`${es.targetName}\` (${es.keys.length} keys, refreshed every ${toGoDuration(es.refreshInterval)}, ` +
      `creationPolicy ${es.creationPolicy}, deletionPolicy ${es.deletionPolicy}).`,
    '',
    `Run the commands below from the repository's root. More: ${DOC_LINKS.map(([title, doc]) => `[${title}](${root}${doc})`).join(', ')}.`,
    '',
    '## Flow',
    '',
    '```mermaid',
    renderMermaid(flowDiagram(env, catalog)).trimEnd(),
    '```',
    '',
    '## Inventory',
    '',
    table,
    '',
    '## Rotation',
    '',
    ...rotationParagraphs(env, catalog, automatic),
    '## Apply',
    '',
    ...(prerequisites ? [`### ${prerequisites.title}`, '', shell(prerequisites), ''] : []),
    // Before any apply: an object the store reads that the folder does not hold (Vault's CA).
    ...[vaultCaSection(env)].flatMap((section) => (section ? [`### ${section.title}`, '', shell(section), ''] : [])),
    `### ${byHand.title}`,
    '',
    shell(byHand),
    '',
    ...(contributions.sections ?? []).flatMap((section) => [`### ${section.title}`, '', shell(section), '']),
    '## Verify',
    '',
    shell(verificationCommands(env)),
    '',
    '## Migrate from a hand-made Secret',
    '',
    'Compare the keys of an existing Secret manifest or `.env` file with the catalog (values are never read into any output):',
    '',
    '```sh',
    `npx veza-secrets migrate path/to/secret.yaml --env ${config.name}`,
    '```',
    '',
    '## Troubleshooting',
    '',
    ...troubleshootingCommands(env, catalog).flatMap((section) => [`### ${section.title}`, '', shell(section), '']),
  ].join('\n');
}

/** "Rotation": what this folder rotates, and what it leaves to a person. */
function rotationParagraphs(env: VezaEnvironment, catalog: VezaCatalog, automatic: Map<string, AutomaticRotation[]>): string[] {
  const byObject = new Map<string, string[]>();
  for (const [key, rotations] of automatic) for (const r of rotations) byObject.set(r.by, [...(byObject.get(r.by) ?? []), key]);
  const dropped = droppedRotations(env, catalog);
  const out: string[] = [];
  if (byObject.size > 0) {
    out.push('Rotated automatically by the objects of this folder:', '', ...[...byObject].map(([by, keys]) => `- ${by}: ${keys.map((k) => `\`${k}\``).join(', ')}`), '');
  } else {
    out.push(`Nothing in this folder rotates a secret automatically (provider **${PROVIDER_TITLES[env.active.store.provider]}**).`, '');
  }
  if (dropped.length > 0) {
    out.push(
      `Not rotated automatically with this provider, although their rotation class would be with Vault (docs/rotation.md): ${dropped.map((d) => `\`${d.key}\` (\`${d.rotationClass.name}\`)`).join(', ')}. ` +
        `Write a new value in ${env.active.store.location} by hand on the class's interval, then force a sync and restart the consumers (Troubleshooting, "Secret not syncing" and "Secret not found in pod").`,
      '',
    );
  }
  return out;
}

/**
 * `dist/<env>/README.md`: produced at synth from the environment's constructs, so its names
 * always match the manifests next to it.
 *
 * @see https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/creating-diagrams
 */
export class EnvironmentReadme extends Construct {
  /** The file written below dist/. */
  public readonly file: TextFile;
  private readonly sections: RunbookSection[] = [];
  private readonly clusterSteps: RunbookCommand[] = [];
  private readonly applySteps: RunbookCommand[] = [];
  private readonly environment: VezaEnvironment;
  private readonly catalog: VezaCatalog;

  public constructor(scope: Construct, id: string, props: EnvironmentReadmeProps) {
    super(scope, id);
    this.environment = props.environment;
    this.catalog = props.catalog;
    this.file = new TextFile(this, 'File', {
      path: props.path ?? `${LAYOUT.appliedFolder(props.environment.config.name)}/${README_FILE}`,
      content: () => renderEnvironmentReadme(props.environment, props.catalog, this.contributions, this.file.path),
    });
  }

  /** Adds a section of commands after "Apply" (how GitOps deploys this environment, ...); returns it. */
  public addSection(section: RunbookSection): RunbookSection {
    if (this.sections.some((s) => s.title === section.title)) {
      throw new Error(`${where(this)}: a section titled ${JSON.stringify(section.title)} is already in the README.`);
    }
    this.sections.push(section);
    return section;
  }

  /** Adds a once-per-cluster step at the top of "By hand" (installing the operator); returns it. */
  public addClusterStep(step: RunbookCommand): RunbookCommand {
    this.clusterSteps.push(step);
    return step;
  }

  /** Adds a step of "By hand" just before `kubectl apply -k` (an object the folder needs and does not hold); returns it. */
  public addApplyStep(step: RunbookCommand): RunbookCommand {
    this.applySteps.push(step);
    return step;
  }

  /** What others added: sections, cluster steps and apply steps, in the order added. */
  public get contributions(): ReadmeContributions {
    return { sections: [...this.sections], clusterSteps: [...this.clusterSteps], applySteps: [...this.applySteps] };
  }

  /** The synth's warnings about this environment (automatic rotation dropped by its provider). */
  public warnings(): string[] {
    const w = droppedRotationWarning(this.environment, this.catalog);
    return w === undefined ? [] : [w];
  }
}
