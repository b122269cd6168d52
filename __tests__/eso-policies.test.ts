/**
 * What an environment file may say about the live Secret's lifecycle, tested for every combination
 * of ESO's values: the loader's messages, the README's table and ESO's own webhook agree, and
 * every accepted combination renders and passes the policy pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { CreationPolicy, DeletionPolicy, enforcePolicy, renderApp } from '../lib';
import { ConfigError } from '../lib/config/field-reader';
import { parseEnvironment, POLICY_RULES, VEZA_CATALOG, VezaCluster, VezaEnvironment } from '../lib/veza';

const root = path.join(__dirname, '..');
const ENVIRONMENTS = fs.readdirSync(path.join(root, 'environments')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
const CREATION = Object.values(CreationPolicy) as string[];
const DELETION = Object.values(DeletionPolicy) as string[];

/** ESO's ExternalSecret webhook, `validatePolicies` (apis/externalsecrets/v1/externalsecret_validator.go), as ESO writes it. */
function esoWebhook(creation: string, deletion: string): string | undefined {
  if (deletion === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(creation)) {
    return "deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner";
  }
  if (deletion === 'Merge' && creation === 'None') return 'deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with';
  return undefined;
}

/** The values of a README table row, in backticks, before the first parenthesis. */
function readmeValues(field: string): string[] {
  const row = fs.readFileSync(path.join(root, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith(`| \`externalSecret.${field}\` |`));
  const cell = row!.split('|')[2].split('(')[0];
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

function committed(env: string): Record<string, any> {
  return yaml.load(fs.readFileSync(path.join(root, 'environments', `${env}.yaml`), 'utf8')) as Record<string, any>;
}

const COMBINATIONS: [string, string | undefined, string | undefined][] = ENVIRONMENTS.flatMap((env) =>
  [undefined, ...CREATION].flatMap((c) => [undefined, ...DELETION].map((d) => [env, c, d] as [string, string | undefined, string | undefined])));

test('the README lists what the loader allows', () => {
  const allowed = (field: string, value: string) => {
    const doc = committed('development');
    doc.externalSecret[field] = value;
    try {
      parseEnvironment(doc, 'environments/development.yaml');
    } catch (e) {
      return (e as ConfigError).messages[0].split('; allowed: ')[1].split(', ');
    }
    return [];
  };
  expect(readmeValues('creationPolicy')).toEqual(allowed('creationPolicy', 'bogus'));
  expect(readmeValues('deletionPolicy')).toEqual(allowed('deletionPolicy', 'bogus'));
});

test.each(COMBINATIONS)('%s: creationPolicy %s, deletionPolicy %s', (env, creation, deletion) => {
  const file = `environments/${env}.yaml`;
  const doc = committed(env);
  const production = parseEnvironment(committed(env), file).production;
  if (creation === undefined) delete doc.externalSecret.creationPolicy;
  else doc.externalSecret.creationPolicy = creation;
  if (deletion === undefined) delete doc.externalSecret.deletionPolicy;
  else doc.externalSecret.deletionPolicy = deletion;

  const expected: string[] = [];
  const creationOk = creation === undefined || ['Owner', 'Orphan'].includes(creation);
  const deletionOk = deletion === undefined || ['Retain', 'Delete'].includes(deletion);
  if (!creationOk) expected.push(`${file}: 'externalSecret.creationPolicy' is "${creation}"; allowed: Owner, Orphan`);
  if (!deletionOk) expected.push(`${file}: 'externalSecret.deletionPolicy' is "${deletion}"; allowed: Retain, Delete`);
  if (production && deletionOk && deletion !== undefined && deletion !== 'Retain') {
    expected.push(`${file}: 'externalSecret.deletionPolicy' is "${deletion}"; allowed: Retain outside development (the live Secret must never be dropped because a provider entry went missing)`);
  }
  if (production && creationOk && creation !== undefined && creation !== 'Orphan') {
    expected.push(`${file}: 'externalSecret.creationPolicy' is "${creation}"; allowed: Orphan outside development (deleting the ExternalSecret, by a prune or a provider switch, must not delete the live Secret)`);
  }

  let messages: string[] = [];
  let config;
  try {
    config = parseEnvironment(doc, file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    messages = e.messages;
  }
  expect(messages).toEqual(expected);
  if (!config) return;

  // Accepted: rendered as given (or by the default), accepted by ESO's webhook and by the policy pass.
  const app = new App();
  new VezaEnvironment(app, env, { catalog: VEZA_CATALOG, config, operator: new VezaCluster(app, 'cluster').operator });
  const files = renderApp(app);
  const externalSecrets = files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => yaml.loadAll(f.content) as any[]).filter((d) => d?.kind === 'ExternalSecret');
  expect(externalSecrets.length).toBeGreaterThan(0);
  for (const es of externalSecrets) {
    const target = es.spec.target;
    expect(target.creationPolicy).toBe(creation ?? (production ? 'Orphan' : 'Owner'));
    expect(target.deletionPolicy).toBe(deletion ?? 'Retain');
    expect(esoWebhook(target.creationPolicy, target.deletionPolicy)).toBeUndefined();
  }
  expect(() => enforcePolicy(files, { rules: POLICY_RULES, environments: [{ name: config.name, namespace: config.namespace, production: config.production }] })).not.toThrow();
});
