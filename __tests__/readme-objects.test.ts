import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderApp, RotationMethod } from '../lib';
import { EnvironmentConfig, loadEnvironments, PROVIDERS, renderVeza, VEZA_CATALOG, VezaApp } from '../lib/veza';

// Issue 10.5, 10.7, 10.11: every sentence of dist/<env>/README.md comes from the objects synthesized
// for that folder. For every environment file and every provider it may switch to, the names and
// paths the README gives are checked against the manifests of the folder it describes.

const root = path.join(__dirname, '..');
const ENVIRONMENTS = loadEnvironments(path.join(root, 'environments'));
// The served ESO CRDs' names (scripts/extract-crd-schemas.js, from the CRD files scripts/import-crds.sh imports).
const ESO_CRDS = new Set(fs.readFileSync(path.join(root, 'imports', 'schemas', 'crd-names.txt'), 'utf8').split('\n').filter((l) => l !== ''));

interface K8sObject { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any }

function render(config: EnvironmentConfig) {
  const warnings: string[] = [];
  const app = new VezaApp({ environments: [config] });
  const files = renderApp(app);
  for (const env of app.environments) warnings.push(...env.readme.warnings());
  const file = (p: string) => files.find((f) => f.path === p);
  const kustomization = yaml.load(file(`${config.name}/kustomization.yaml`)!.content) as { resources: string[] };
  const objects = kustomization.resources.flatMap((r) => yaml.loadAll(file(`${config.name}/${r}`)!.content) as K8sObject[]);
  const readme = file(`${config.name}/README.md`)!.content;
  return { files, objects, readme, warnings };
}

/** The shell lines of a README section (`### title` up to the end of its first code block). */
function commandsOf(readme: string, title: string): string[] {
  const start = readme.indexOf(`### ${title}`);
  if (start < 0) return [];
  const block = readme.slice(readme.indexOf('```sh\n', start) + 6);
  return block.slice(0, block.indexOf('```\n')).split('\n').filter((l) => l && !l.startsWith('#'));
}

const CASES = ENVIRONMENTS.flatMap((config) => PROVIDERS.map((provider) => [config.name, provider, { ...config, provider }] as const));

describe.each(CASES)('%s with provider %s', (_env, provider, config) => {
  const { files, objects, readme, warnings } = render(config);
  const ns = config.namespace;
  const named = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);

  test('every rotation claim is a CronJob or Vault database engine of this folder, and every CronJob is claimed', () => {
    const cronJobs = objects.filter((o) => o.kind === 'CronJob');
    const claimed = [...new Set([...readme.matchAll(/CronJob `([^`]+)`/g)].map((m) => m[1]))];
    expect(claimed.sort()).toEqual(cronJobs.map((c) => c.metadata.name).sort());
    // Each key a CronJob is said to rotate is one its pod is given.
    for (const line of readme.split('\n').filter((l) => l.startsWith('- CronJob `'))) {
      const job = cronJobs.find((c) => line.startsWith(`- CronJob \`${c.metadata.name}\``))!;
      const jobEnv = Object.fromEntries((job.spec.jobTemplate.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
      for (const key of [...line.slice(line.indexOf(':')).matchAll(/`([^`]+)`/g)].map((m) => m[1])) {
        if (jobEnv.ROTATION_METHOD === 'database-engine') {
          // The job rotates a static role: the key is rendered from that role's credentials.
          expect(objects.some((o) => o.kind === 'VaultDynamicSecret' && o.spec.path === `${jobEnv.ROTATION_DB_MOUNT}/static-creds/${jobEnv.ROTATION_DB_ROLE}`)).toBe(true);
          expect(Object.keys(objects.find((o) => o.kind === 'ExternalSecret')!.spec.target.template.data)).toContain(key);
        } else {
          expect((jobEnv.ROTATION_KEYS ?? '').split(' ')).toContain(key);
        }
      }
    }
    for (const m of readme.matchAll(/Vault's database secrets engine \(static role `([^`]+)`\)/g)) {
      expect(objects.some((o) => o.kind === 'VaultDynamicSecret' && o.spec.path.endsWith(`/static-creds/${m[1]}`))).toBe(true);
    }
    if (provider !== 'vault') {
      expect(cronJobs).toEqual([]);
      expect(readme).not.toContain('Vault\'s database secrets engine');
      expect(readme).toContain('Nothing in this folder rotates a secret automatically');
    }
  });

  test('the synth warns, once, exactly when an automatic rotation class is left to a person', () => {
    const automaticKeys = VEZA_CATALOG.all.filter((e) => e.rotation.method !== RotationMethod.MANUAL).map((e) => e.key);
    const rotatedHere = automaticKeys.filter((k) => new RegExp(`\\| \`${k}\` \\|.*\\| (CronJob|Vault's database)`).test(readme));
    const dropped = automaticKeys.filter((k) => !rotatedHere.includes(k));
    expect(warnings).toHaveLength(dropped.length > 0 ? 1 : 0);
    if (dropped.length > 0) {
      expect(warnings[0]).toMatch(new RegExp(`^${config.file}: provider ${provider} rotates nothing automatically: `));
      for (const k of dropped) expect(warnings[0]).toContain(`${k} (`);
    }
  });

  test('"By hand" applies files that exist, after waiting for the CRDs of every ESO kind the folder uses', () => {
    const commands = commandsOf(readme, 'By hand');
    for (const c of commands) {
      for (const m of c.matchAll(/(?:-k|-f|--values) dist\/(\S+)/g)) {
        const p = m[1];
        expect(files.some((f) => f.path === p || f.path === `${p}/kustomization.yaml`)).toBe(true);
      }
    }
    const waited = [...commands.join('\n').matchAll(/crd\/(\S+)/g)].map((m) => m[1]);
    const used = [...new Set(objects.filter((o) => o.apiVersion.split('/')[0].endsWith('external-secrets.io')).map((o) => `${o.kind.toLowerCase()}s.${o.apiVersion.split('/')[0]}`))];
    expect(waited.sort()).toEqual(used.sort());
    for (const crd of waited) expect(ESO_CRDS.has(crd)).toBe(true);
    const order = (re: RegExp) => commands.findIndex((c) => re.test(c));
    expect(order(/^helm upgrade --install /)).toBeGreaterThanOrEqual(0);
    expect(order(/^helm upgrade --install /)).toBeLessThan(order(/condition=Available .*deployment\/external-secrets-webhook /));
    expect(order(/condition=Available/)).toBeLessThan(order(/condition=Established/));
    expect(order(/condition=Established/)).toBeLessThan(order(new RegExp(`^kubectl apply -k dist/${config.name}$`)));
    // After the apply, only what the applied objects wait for: Vault configured by its script, the
    // values people manage written to the store's path, a first run of each generating CronJob.
    const after = commands.slice(order(new RegExp(`^kubectl apply -k dist/${config.name}$`)) + 1);
    const cronJobs = objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name);
    for (const c of after) {
      const job = /^kubectl create job --from=cronjob\/(\S+) bootstrap-\$\(date \+%s\) -n (\S+)$/.exec(c);
      const script = new RegExp(`^(VAULT_DB_PASSWORD=\\.\\.\\. )?dist/${config.name}/vault/configure-vault\\.sh$`).test(c);
      const put = c.startsWith('vault kv put -mount=');
      expect({ c, known: script || put || (job !== null && cronJobs.includes(job[1]) && job[2] === ns) }).toEqual({ c, known: true });
    }
    expect(after.length > 0).toBe(provider === 'vault');
    // No `kubectl apply -k dist/cluster` by hand: it needs Flux's CRDs.
    expect(commands.some((c) => c.includes('dist/cluster'))).toBe(false);
  });

  test('object names in commands are objects of this folder', () => {
    for (const m of readme.matchAll(/kubectl (?:get|describe|wait[^\n]*?) (externalsecret|secretstore|serviceaccount)[ /](\S+) -n (\S+)/g)) {
      expect({ ns: m[3], found: named({ externalsecret: 'ExternalSecret', secretstore: 'SecretStore', serviceaccount: 'ServiceAccount' }[m[1]]!, m[2]) }).toEqual({ ns, found: true });
    }
    const store = objects.find((o) => o.kind === 'SecretStore')!;
    expect(Object.keys(store.spec.provider)).toEqual([{ vault: 'vault', aws: 'aws', gcp: 'gcpsm', azure: 'azurekv' }[provider]]);
    expect(readme).toContain(`kubectl get secretstore ${store.metadata.name} -n ${ns}\n`);
  });

  test('the cloud identity commands name the store\'s own service account and its annotations', () => {
    const commands = commandsOf(readme, `Cloud identity: what ${provider}-store logs in as (once per environment)`);
    const store = objects.find((o) => o.kind === 'SecretStore')!;
    const p = store.spec.provider;
    const accountName = p.aws?.auth?.jwt?.serviceAccountRef?.name ?? p.gcpsm?.auth?.workloadIdentity?.serviceAccountRef?.name ?? p.azurekv?.serviceAccountRef?.name;
    if (provider === 'vault' || accountName === undefined) {
      expect(commands).toEqual([]);
      return;
    }
    const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === accountName)!;
    const annotations = account.metadata.annotations!;
    const subject = `system:serviceaccount:${ns}:${accountName}`;
    const text = commands.join('\n');
    if (provider === 'aws') {
      const roleName = annotations['eks.amazonaws.com/role-arn'].split('/').pop();
      expect(text).toContain(`aws iam update-assume-role-policy --role-name ${roleName} `);
      expect(text).toContain(`:sub\\":\\"${subject}\\"`);
      expect(text).toContain(`:aud\\":\\"sts.amazonaws.com\\"`);
      expect(text).toContain(`secret:${p.aws.auth ? config.providers.aws.namePrefix : ''}*`);
    } else if (provider === 'gcp') {
      const gsa = annotations['iam.gke.io/gcp-service-account'];
      expect(text).toContain(`gcloud iam service-accounts add-iam-policy-binding ${gsa} `);
      expect(text).toContain('--role roles/iam.workloadIdentityUser');
      expect(text).toContain(`.svc.id.goog[${ns}/${accountName}]"`);
      expect(text).toContain(`gcloud projects add-iam-policy-binding ${p.gcpsm.projectID} --role roles/secretmanager.secretAccessor --member serviceAccount:${gsa}`);
    } else {
      const clientId = annotations['azure.workload.identity/client-id'];
      expect(text).toContain(`az ad app federated-credential create --id ${clientId} `);
      expect(text).toContain(`\\"subject\\":\\"${subject}\\"`);
      expect(text).toContain('\\"audiences\\":[\\"api://AzureADTokenExchange\\"]');
      expect(text).toContain(`az keyvault show --name ${new URL(p.azurekv.vaultUrl).hostname.split('.')[0]} `);
    }
  });
});

test('the committed READMEs: docs and README commands reference files that exist', () => {
  const files = renderVeza(path.join(root, 'environments'));
  const exists = (p: string) => files.some((f) => f.path === p || f.path.startsWith(`${p}/`)) || fs.existsSync(path.join(root, 'dist', p));
  for (const doc of ['README.md', 'docs/cluster.md', 'docs/gitops.md', 'docs/providers.md']) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    const blocks = [...text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]);
    // A line for the other topology (gitops.yaml's cluster-per-environment) names a folder not synthesized today.
    const lines = blocks.join('\n').split('\n').filter((l) => !l.includes('# cluster-per-environment'));
    for (const m of lines.join('\n').matchAll(/(?:-k|-f|--values|install -D -m \d+) dist\/([\w./-]+)/g)) {
      expect({ doc, path: m[1], exists: exists(m[1]) }).toEqual({ doc, path: m[1], exists: true });
    }
  }
});
