import { Construct } from 'constructs';
import { toGoDuration } from '../eso/go-duration';
import { gracePeriodOf, RotationClass, RotationMethod } from '../eso/secret-catalog';
import type { RotationCronJob } from '../eso/secret-rotation';
import { SecretProvider, SecretStoreKind } from '../eso/secret-store';
import { where } from '../eso/names';
import { VaultDynamicSecret } from '../eso/vault-dynamic-secret';
import { TextFile } from '../output/files';
import type { VezaCatalog } from './catalog';
import { LAYOUT } from './layout';
import { applyCommands, consumersOf, RunbookSection, troubleshootingCommands, verificationCommands } from './runbook';
import { ESO_DEPLOYMENT, ESO_NAMESPACE } from './veza-cluster';
import type { VezaEnvironment } from './veza-environment';

/** The README's file name in an environment's folder. */
export const README_FILE = 'README.md';

/** Props of {@link EnvironmentReadme}. */
export interface EnvironmentReadmeProps {
  /** The environment it describes; read at synth, so everything added to it appears. */
  readonly environment: VezaEnvironment;
  /** The catalog: consumers and rotation classes. */
  readonly catalog: VezaCatalog;
  /** The file below dist/. @default - `<env>/README.md` */
  readonly path?: string;
}

/** A node of the flow diagram. */
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

/** An edge of the flow diagram. */
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

/** The flow provider -> store -> ExternalSecret -> Secret -> workloads of one environment. */
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

/** A Mermaid id from a Kubernetes name: `veza-backend-api` -> `veza_backend_api`. */
export function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * The seed's architecture drawing made true for one environment: built from the constructs
 * (the active store, the ExternalSecret's keys, the catalog's consumers), never from strings.
 */
export function flowDiagram(env: VezaEnvironment, catalog: VezaCatalog): FlowDiagram {
  const { store, externalSecret: es } = env.active;
  const keys = es.keys.map((k) => k.secretKey);
  const storeKind = store.kind === SecretStoreKind.CLUSTER_SECRET_STORE ? 'ClusterSecretStore' : 'SecretStore';
  const nodes: FlowNode[] = [
    { id: 'provider', kind: 'Provider', name: store.location, label: `${PROVIDER_TITLES[store.provider]}<br/>${store.location}` },
    { id: 'operator', kind: 'Operator', name: ESO_DEPLOYMENT, label: `External Secrets Operator<br/>deployment/${ESO_DEPLOYMENT} in ${ESO_NAMESPACE}` },
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

/** Mermaid text of a diagram: `flowchart LR`, quoted labels. */
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
 * How a rotation class renews its secrets, in words; `job` is the rotation CronJob synthesized for
 * it in this environment, if any (its name is read from it, never rebuilt).
 */
export function rotationSchedule(rotation: RotationClass, job?: RotationCronJob): string {
  const days = rotation.interval ? `every ${rotation.interval.toDays()} days` : undefined;
  if (rotation.method === RotationMethod.MANUAL) return days ? `${days}, by hand` : 'by hand, as the provider recommends';
  if (!job) return `${days}, by hand: no rotation job for this provider (docs/rotation.md)`;
  return rotation.method === RotationMethod.GENERATE
    ? `${days} after the last rotation: CronJob \`${job.name}\` (daily, rotates when due); previous value kept ${toGoDuration(gracePeriodOf(rotation)!)}`
    : `${days} after the last rotation: CronJob \`${job.name}\` asks Vault's database secrets engine`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README of one environment: inventory, flow, apply, verify, migrate, troubleshoot. */
export function renderEnvironmentReadme(env: VezaEnvironment, catalog: VezaCatalog, extraSections: readonly RunbookSection[] = []): string {
  const { config } = env;
  const { store, externalSecret: es } = env.active;
  const ns = config.namespace;
  const rows = es.keys.map((k) => {
    const entry = catalog.has(k.secretKey) ? catalog.entry(k.secretKey) : undefined;
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
      entry ? rotationSchedule(entry.rotation, env.rotation?.rotations.find((j) => j.rotationClass.name === entry.rotation.name)) : '-',
    ].map(cell);
  });
  const table = [
    '| Key | Provider | Remote name | Target Secret | Consumers | Refresh | Rotation class | Rotation schedule |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const shell = (section: RunbookSection) => [
    '```sh',
    ...section.commands.flatMap((c) => [`# ${c.why}`, c.command]),
    '```',
  ].join('\n');

  return [
    `# ${config.name}: Veza secrets`,
    '',
    `<!-- Generated by veza-secrets from environments/${config.name}.yaml and lib/veza/catalog.ts: do not edit. Run \`npm run synth\`. -->`,
    '',
    `Namespace \`${ns}\`. Provider **${PROVIDER_TITLES[store.provider]}**: the ${store.kind} \`${store.storeName}\` reads \`${store.location}\`; ` +
      `the ExternalSecret \`${es.name}\` writes the Secret \`${es.targetName}\` (${es.keys.length} keys, refreshed every ${toGoDuration(es.refreshInterval)}, ` +
      `creationPolicy ${es.creationPolicy}, deletionPolicy ${es.deletionPolicy}).`,
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
    '## Apply',
    '',
    `### ${applyCommands(env).title}`,
    '',
    shell(applyCommands(env)),
    '',
    ...extraSections.flatMap((section) => [`### ${section.title}`, '', shell(section), '']),
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

  public constructor(scope: Construct, id: string, props: EnvironmentReadmeProps) {
    super(scope, id);
    this.file = new TextFile(this, 'File', {
      path: props.path ?? `${LAYOUT.appliedFolder(props.environment.config.name)}/${README_FILE}`,
      content: () => renderEnvironmentReadme(props.environment, props.catalog, this.sections),
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
}
