/** Small helpers shared by the construct tests: a chart to build in, and a checked synth. */
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { validateObject } from './schema';

/** The namespace the test charts use. */
export const TEST_NAMESPACE = 'veza-test';

/** A fresh app (never written to disk: the outdir is only named). */
export function testApp(): App {
  return Testing.app({ outdir: path.join(os.tmpdir(), 'veza-secrets-tests-unused') });
}

/**
 * A chart `test` with a namespace in a fresh app: construct paths in messages read `[test/<id>]`.
 * `null` gives a chart without a namespace.
 */
export function testChart(namespace: string | null = TEST_NAMESPACE, app: App = testApp()): Chart {
  return new Chart(app, 'test', { namespace: namespace ?? undefined });
}

/** A synthesized object, loosely typed for assertions. */
export type Manifest = Record<string, any>;

/** Synthesizes a chart and asserts every object validates against its schema. */
export function synthValid(chart: Chart): Manifest[] {
  const objects = Testing.synth(chart) as Manifest[];
  expect(objects.flatMap((o) => validateObject(o))).toEqual([]);
  return objects;
}

/** The one object of `kind` (and `name`, when given) among `objects`; fails when there is not exactly one. */
export function only(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** `kind/name` of every object, in order. */
export function kindsAndNames(objects: Manifest[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata?.name}`);
}
