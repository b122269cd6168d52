import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Duration } from 'cdk8s';
import { lookup, testWith, toolPath, UNDER_CI } from './support/tools';
import { renderApp, SecretCatalog, RotationMethod } from '../lib';
import { EnvironmentReadme, loadEnvironments, renderVeza, VEZA_CATALOG, VezaApp, VezaCatalog } from '../lib/veza';
import { flowDiagram, renderMermaid } from '../lib/veza/environment-readme';
import { databaseRotationSection } from '../lib/veza/vault-integration';

interface ParsedFlowchart {
  type: string;
  nodes: { id: string; label: string }[];
  edges: { from: string; to: string; label: string; dotted: boolean }[];
  error?: string;
}

/** Tests that parse with Mermaid: skipped with the reason where mermaid is not installed (it is optional; CI installs it). */
const withMermaid = testWith('mermaid');

/** Parses diagrams with Mermaid's own parser (an ES module, so run by node: support/parse-mermaid.mjs); without mermaid, nothing. */
function parseMermaid(texts: string[]): ParsedFlowchart[] {
  if (!lookup('mermaid').found) {
    if (UNDER_CI) toolPath('mermaid'); // throws: under CI the whole file fails with the reason
    return texts.map(() => ({ type: '', nodes: [], edges: [], error: 'mermaid is not installed' }));
  }
  const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'parse-mermaid.mjs')], { input: JSON.stringify(texts) });
  return JSON.parse(out.toString());
}

/** The body of the first mermaid block of a Markdown text. */
function mermaidBlock(markdown: string): string {
  const m = /^```mermaid\n([\s\S]*?)^```$/m.exec(markdown);
  if (!m) throw new Error('no mermaid block');
  return m[1];
}

const root = path.join(__dirname, '..');
const files = renderVeza(path.join(root, 'environments'));
const ENVS = ['development', 'staging', 'production'];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
}

/** Every object GitOps applies for `env`: the files its kustomization.yaml lists. */
function appliedObjects(env: string): K8sObject[] {
  const kustomization = yaml.load(files.find((f) => f.path === `${env}/kustomization.yaml`)!.content) as { resources: string[] };
  return kustomization.resources.flatMap((r) => yaml.loadAll(files.find((f) => f.path === `${env}/${r}`)!.content) as K8sObject[]);
}

/**
 * The keys of the Secret an ExternalSecret writes, in the README's order: its `data`, then the
 * keys only its template renders (with a template, ESO writes exactly the templated keys).
 */
function secretKeys(es: K8sObject): string[] {
  const spec = (es as unknown as { spec: { data: { secretKey: string }[]; target: { template?: { data?: Record<string, string> } } } }).spec;
  const read = spec.data.map((d) => d.secretKey);
  const templated = Object.keys(spec.target.template?.data ?? {});
  if (templated.length > 0) expect([...templated].sort()).toEqual(expect.arrayContaining([...read].sort()));
  return [...read, ...templated.filter((k) => !read.includes(k))];
}

function readme(env: string): string {
  return files.find((f) => f.path === `${env}/README.md`)!.content;
}

// The README of production on AWS with a one-key catalog: it must follow the constructs.
const [production] = loadEnvironments(path.join(root, 'environments')).filter((e) => e.name === 'production');
const ONE_KEY_CATALOG: VezaCatalog = SecretCatalog.define({
  services: ['veza-backend-api', 'veza-stream-server'],
  secrets: {
    'jwt-secret': {
      description: 'JWT',
      placeholder: 'X',
      consumers: ['veza-stream-server'],
      rotation: { name: 'weekly', method: RotationMethod.GENERATE, interval: Duration.days(7), description: 'weekly' },
    },
  },
}) as unknown as VezaCatalog;
const awsReadme = renderApp(new VezaApp({ environments: [{ ...production, provider: 'aws' }], catalog: ONE_KEY_CATALOG }))
  .find((f) => f.path === 'production/README.md')!.content;
const escaped = renderMermaid({
  nodes: [{ id: 'a', kind: 'Secret', name: 'a', label: 'say "hi" (end)' }, { id: 'end_', kind: 'Secret', name: 'b', label: 'b' }],
  edges: [{ from: 'a', to: 'end_', label: 'x|y' }],
});
// Mermaid is slow to load: every diagram of this file is parsed by one node process.
const [envCharts, [awsChart, escapedChart, unquotedChart, keywordChart]] = ((all) => [all.slice(0, ENVS.length), all.slice(ENVS.length)])(parseMermaid([
  ...ENVS.map((env) => mermaidBlock(readme(env))),
  mermaidBlock(awsReadme),
  escaped,
  'flowchart LR\n  a[say "hi" (end)]\n',
  'flowchart LR\n  end["x"]\n',
]));

describe.each(ENVS)('dist/%s/README.md', (env) => {
  const objects = appliedObjects(env);
  const chart = envCharts[ENVS.indexOf(env)];
  const node = (id: string) => chart.nodes.find((n) => n.id === id)!;

  withMermaid("the Mermaid block parses with Mermaid's parser as a flowchart", () => {
    expect(chart.error).toBeUndefined();
    expect(chart.type).toBe('flowchart-v2');
    expect(mermaidBlock(readme(env)).startsWith('flowchart LR\n')).toBe(true);
    expect(chart.nodes.length).toBeGreaterThanOrEqual(6);
  });

  withMermaid("the diagram's store, ExternalSecret and Secret are the synthesized objects", () => {
    const stores = objects.filter((o) => o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore');
    const externalSecrets = objects.filter((o) => o.kind === 'ExternalSecret');
    expect(stores).toHaveLength(1);
    expect(externalSecrets).toHaveLength(1);
    const [store] = stores;
    const [es] = externalSecrets;
    expect(node('store').label).toBe(`${store.kind} ${store.metadata.name}`);
    expect(es.spec.secretStoreRef).toEqual({ kind: store.kind, name: store.metadata.name });
    expect(node('externalsecret').label).toBe(`ExternalSecret ${es.metadata.name}<br/>refresh every ${es.spec.refreshInterval}`);
    expect(node('secret').label).toBe(`Secret ${es.spec.target.name}<br/>${secretKeys(es).length} keys`);
    // The provider node names where the store reads: Vault's KV mount and the ExternalSecret's path.
    const vault = store.spec.provider.vault;
    expect(vault).toBeDefined();
    expect(node('provider').label).toBe(`HashiCorp Vault<br/>${vault.path}/${es.spec.data[0].remoteRef.key}`);
  });

  withMermaid('the edges are provider -> store -> ExternalSecret -> Secret -> each consuming Deployment', () => {
    const es = objects.find((o) => o.kind === 'ExternalSecret')!;
    const keys = secretKeys(es);
    const consumers = VEZA_CATALOG.services.filter((s) => keys.some((k) => VEZA_CATALOG.has(k) && (VEZA_CATALOG.entry(k).consumers as readonly string[]).includes(s)));
    const solid = chart.edges.filter((e) => !e.dotted).map((e) => `${e.from}->${e.to}`);
    // Each generator the ExternalSecret references reads the same Vault and feeds the ExternalSecret.
    const generators: string[] = (es.spec.dataFrom ?? []).map((d: { sourceRef: { generatorRef: { kind: string; name: string } } }) => {
      const ref = d.sourceRef.generatorRef;
      const object = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name) as unknown as { spec: { method: string; path: string } };
      const id = `generator_${ref.name.replace(/-/g, '_')}`;
      expect(node(id).label).toBe(`${ref.kind} ${ref.name}<br/>${object.spec.method} ${object.spec.path}`);
      return id;
    });
    expect(generators).toEqual(['generator_veza_database_credentials']);
    expect(solid).toEqual([
      'provider->store',
      'store->externalsecret',
      ...generators.flatMap((g) => [`provider->${g}`, `${g}->externalsecret`]),
      'externalsecret->secret',
      ...consumers.map((c) => `secret->deploy_${c.replace(/-/g, '_')}`),
    ]);
    for (const c of consumers) {
      expect(node(`deploy_${c.replace(/-/g, '_')}`).label).toBe(`Deployment ${c}`);
      const edge = chart.edges.find((e) => e.to === `deploy_${c.replace(/-/g, '_')}`)!;
      // In the catalog's order.
      expect(edge.label!.split(', ')).toEqual(VEZA_CATALOG.keys.filter((k) => keys.includes(k) && (VEZA_CATALOG.entry(k).consumers as readonly string[]).includes(c)));
    }
    // Once Deployments are synthesized into the environment, every workload node must be one of them.
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    if (deployments.length > 0) expect(deployments).toEqual(expect.arrayContaining(consumers));
  });

  test('the permission commands name the accounts rbac.yaml binds to secrets-reader', () => {
    const text = readme(env);
    const ns = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
    const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'secrets-reader') as K8sObject & { subjects: { kind: string; name: string }[] };
    const accounts = [...text.matchAll(/--as=system:serviceaccount:([^:]+):(\S+)/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(accounts.length).toBeGreaterThan(0);
    expect(accounts).toEqual(binding.subjects.filter((s) => s.kind === 'ServiceAccount').map((s) => `${ns}/${s.name}`));
    for (const a of accounts) {
      expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === a.split('/')[1])).toBe(true);
    }
  });

  test('the inventory has one row per key of the ExternalSecret, with its remote name', () => {
    const es = objects.find((o) => o.kind === 'ExternalSecret')!;
    const rows = readme(env).split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => r.split(' | ')[0].replace('| ', ''))).toEqual(secretKeys(es).map((k) => `\`${k}\``));
    for (const d of es.spec.data) {
      const row = rows.find((r) => r.startsWith(`| \`${d.secretKey}\` `))!;
      expect(row).toContain(`| \`${d.remoteRef.key}\` property \`${d.remoteRef.property}\` |`);
      expect(row).toContain(`| ${es.spec.refreshInterval} |`);
    }
    // Keys rendered from a generator name the Vault path the generator reads.
    const generators = objects.filter((o) => o.kind === 'VaultDynamicSecret') as unknown as { metadata: { name: string }; spec: { path: string } }[];
    const fromGenerators = secretKeys(es).filter((k) => !es.spec.data.some((d: { secretKey: string }) => d.secretKey === k));
    expect(generators.map((g) => g.metadata.name)).toEqual(fromGenerators.length > 0 ? ['veza-database-credentials'] : []);
    for (const k of fromGenerators) {
      expect(rows.find((r) => r.startsWith(`| \`${k}\` `))).toContain(`| template over \`${generators[0].spec.path}\` |`);
    }
  });

  test("the troubleshooting commands use this environment's names", () => {
    const text = readme(env);
    const ns = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
    expect(text).toContain(`kubectl describe externalsecret veza-secrets -n ${ns}\n`);
    expect(text).toContain('kubectl logs -n external-secrets-system deployment/external-secrets\n');
    expect(text).toContain(`kubectl describe secretstore vault-store -n ${ns}\n`);
    expect(text).toContain(`kubectl get secret veza-secrets -n ${ns}\n`);
    expect(text).toContain(`kubectl describe serviceaccount veza-backend-api -n ${ns}\n`);
    expect(text).toContain(`kubectl rollout restart deployment/veza-backend-api -n ${ns}\n`);
    // Every namespace named in a command is this environment's.
    const namespaces = new Set([...text.matchAll(/ -n (\S+)/g)].map((m) => m[1]));
    expect([...namespaces].sort()).toEqual(['argocd', 'external-secrets-system', 'flux-system', ns].sort());
  });

  test('the GitOps section names the Application and Kustomization that deploy this environment', () => {
    const text = readme(env);
    const app = yaml.load(files.find((f) => f.path === `gitops/argocd/apps/veza-secrets-${env}.yaml`)!.content) as K8sObject;
    const kustomization = yaml.load(files.find((f) => f.path === `gitops/flux/veza/veza-secrets-${env}.yaml`)!.content) as K8sObject;
    expect(app.spec.source.path).toBe(`dist/${env}`);
    expect(kustomization.spec.path).toBe(`./dist/${env}`);
    expect(text).toContain(`kubectl get application ${app.metadata.name} -n ${app.metadata.namespace}\n`);
    expect(text).toContain(`flux reconcile kustomization ${kustomization.metadata.name} -n ${kustomization.metadata.namespace} --with-source\n`);
  });
});

withMermaid('the README follows the active provider and the catalog, not fixed strings', () => {
  const chart = awsChart;
  const text = awsReadme;
  expect(chart.error).toBeUndefined();
  expect(chart.nodes.map((n) => n.id)).toEqual(['provider', 'operator', 'store', 'externalsecret', 'secret', 'deploy_veza_stream_server']);
  expect(chart.nodes[0].label).toBe('AWS<br/>aws:SecretsManager:eu-west-3:veza/production/');
  expect(chart.nodes[2].label).toBe('SecretStore aws-store');
  // AWS has no rotation CronJob: the README promises none.
  expect(text).toContain('| `jwt-secret` | aws | `veza/production/jwt-secret` | `veza-secrets` | `veza-stream-server` | 1h | `weekly` | **by hand**, every 7 days: nothing in this folder rotates it |');
  expect(text).not.toContain('secrets-rotation');
  // Not Vault: the previous value is read from the same remote as the key.
  expect(text).toContain('| `jwt-secret-previous` | aws | `veza/production/jwt-secret` | `veza-secrets` |');
  expect(text).toContain('kubectl describe secretstore aws-store -n veza-production\n');
  expect(text).not.toContain('veza-backend-api');
});

withMermaid('renderMermaid quotes labels and escapes double quotes; Mermaid rejects what it must', () => {
  expect(escaped).toBe('flowchart LR\n  a["say #quot;hi#quot; (end)"]\n  end_["b"]\n  a -->|"x|y"| end_\n');
  expect(escapedChart.error).toBeUndefined();
  expect(escapedChart.edges).toEqual([{ from: 'a', to: 'end_', label: 'x|y', dotted: false }]);
  // The parser can fail: an unquoted label with quotes and parentheses, a keyword as an id.
  expect(unquotedChart.error).toMatch(/^Parse error on line 2/);
  expect(keywordChart.error).toMatch(/^Parse error on line 2/);
});

test.each(ENVS)('%s: the README has each rotation job\'s runbook (rule, contract, rotate now, last run, roll back), from the job itself', (env) => {
  const text = readme(env);
  const app = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')).filter((e) => e.name === env) });
  const jobs = app.environments[0].rotation!.rotations;
  expect(jobs.length).toBeGreaterThan(0);
  for (const job of jobs) {
    const runbook = job.runbook();
    const section = text.slice(text.indexOf(`### ${runbook.title}\n`));
    const block = section.slice(0, section.indexOf('```\n', section.indexOf('```sh') + 5));
    expect(block.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('```'))).toEqual(runbook.commands.map((c) => c.command));
    expect(block).toContain(`kubectl create job --from=cronjob/${job.name} rotate-now-$(date +%s) -n veza-${env}`);
    expect(block).toContain(`-l veza.io/rotation-class=${job.rotationClass.name}`);
    for (const key of job.keys) expect(block).toContain(key);
    if (job.rotationClass.method === RotationMethod.GENERATE) {
      // The application contract and the roll back, with this environment's names.
      for (const key of job.keys) expect(block).toContain(`accept ${key} or ${key}-previous`);
      expect(block).toContain(`vault kv rollback -mount=secret -version=<n> veza/${env}/${job.rotationClass.name}`);
      expect(block).toContain(`${job.intervalDays + job.offsetDays} days`);
    } else {
      expect(block).toContain(`vault read database/static-roles/veza-${env}-app`);
    }
  }
  // The database job replaces the hand-run runbook.
  expect(text).not.toContain('### Database password rotated by Vault');
});

test('no database rotation runbook where database-url is read from KV (a Vault store without Kubernetes auth)', () => {
  const env = new VezaApp({ environments: [{ ...production, providers: { ...production.providers, vault: { ...production.providers.vault!, auth: { method: 'token', token: { name: 'vault-token', key: 'token' } } } } }] }).environments[0];
  expect(env.active.externalSecret.keys.find((k) => k.secretKey === 'database-url')).toMatchObject({ secretKey: 'database-url', remoteName: 'database-url', remoteRef: { key: 'veza/production', property: 'database-url' } });
  expect(databaseRotationSection(env.active.store, env.active.externalSecret, env.config, VEZA_CATALOG)).toBeUndefined();
  expect(env.readme.file.render()).not.toContain('Database password rotated by Vault');
});

test('without GitOps wiring the README has no GitOps section; addSection refuses a duplicate title', () => {
  const env = new VezaApp({ environments: [production] }).environments[0];
  expect(env.readme.file.render()).not.toContain('### GitOps');
  const section = env.readme.addSection({ title: 'Extra', commands: [{ why: 'w', command: 'c' }] });
  expect(section.title).toBe('Extra');
  expect(env.readme.file.render()).toContain('### Extra\n\n```sh\n# w\nc\n```\n');
  expect(() => env.readme.addSection({ title: 'Extra', commands: [] })).toThrow('[production/Readme]: a section titled "Extra" is already in the README.');
});

test('EnvironmentReadme: path defaults to <env>/README.md and can be set', () => {
  const env = new VezaApp({ environments: loadEnvironments(path.join(root, 'environments')).filter((e) => e.name === 'staging') }).environments[0];
  const defaulted = env.node.findChild('Readme') as EnvironmentReadme;
  expect(defaulted.file.path).toBe('staging/README.md');
  const custom = new EnvironmentReadme(env, 'Other', { environment: env, catalog: VEZA_CATALOG, path: 'docs/staging.md' });
  expect(custom.file.path).toBe('docs/staging.md');
  // ...and the app puts the operator's install by hand at the top of "By hand".
  for (const step of defaulted.contributions.clusterSteps ?? []) custom.addClusterStep(step);
  // The environment adds each rotation job's runbook to its own README.
  for (const job of env.rotation!.rotations) custom.addSection(job.runbook());
  expect(custom.file.render()).toBe(defaulted.file.render());
  expect(flowDiagram(env, VEZA_CATALOG).nodes.map((n) => n.kind)).toEqual(['Provider', 'Operator', 'SecretStore', 'Generator', 'ExternalSecret', 'Secret', 'Deployment', 'Deployment']);
});

test('every Markdown link of a generated README resolves from where the README is', () => {
  const dist = path.join(__dirname, '..', 'dist');
  const readmes = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? readmes(path.join(dir, e.name)) : e.name === 'README.md' ? [path.join(dir, e.name)] : []));
  const found = readmes(dist);
  expect(found.length).toBeGreaterThan(0);
  for (const file of found) {
    const links = [...fs.readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect({ file: path.relative(dist, file), link, exists: fs.existsSync(path.resolve(path.dirname(file), link)) }).toMatchObject({ exists: true });
  }
});
