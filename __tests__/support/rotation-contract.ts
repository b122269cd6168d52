// The rotation contract (/work/brief/rotation-contract.md, docs/rotation.md) as test data: the
// CronJob environment of each method, the Vault policy, and worlds (support/rotation-world.ts) set
// up with them.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { generatedRotations, RotationMethod } from '../../lib';
import { VEZA_CATALOG } from '../../lib/veza';
import { RotationWorld, WorldEnvironment } from './rotation-world';

/** An environment as the rotation job sees it: its name and its offset in days. */
export interface SimulatedEnvironment {
  readonly name: string;
  readonly offsetDays: number;
}

/** The contract's default offsets by tier (an environment file's `rotation.offsetDays` overrides). */
const DEFAULT_OFFSET_DAYS: Record<string, number> = { development: 0, staging: 7, production: 14 };

/**
 * The environments of `environments/*.yaml`, in rotation order: each file's `name`, and its
 * `rotation.offsetDays`, or the default of its tier (`tier`, else its name), else 0.
 */
export const ENVIRONMENTS: SimulatedEnvironment[] = fs.readdirSync(path.join(__dirname, '..', '..', 'environments'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => yaml.load(fs.readFileSync(path.join(__dirname, '..', '..', 'environments', f), 'utf8')) as any)
  .map((doc) => ({ name: String(doc.name), offsetDays: Number(doc.rotation?.offsetDays ?? DEFAULT_OFFSET_DAYS[doc.tier ?? doc.name] ?? 0) }))
  .sort((a, b) => a.offsetDays - b.offsetDays || a.name.localeCompare(b.name));

export const SUFFIX = '-previous';
export const GRACE_SECONDS = 86400;
export const KV_MOUNT = 'secret';
export const DB_MOUNT = 'database';
/** 2027-01-01T03:00:00Z: the CronJob's daily run. */
export const START = Date.UTC(2027, 0, 1, 3, 0, 0) / 1000;

/** The catalog's GENERATE classes (keys, consumers, interval in days). */
export const GENERATED = generatedRotations(VEZA_CATALOG).map((p) => ({
  name: p.rotationClass.name,
  keys: p.keys as string[],
  deployments: p.consumers as string[],
  intervalDays: p.rotationClass.interval!.toDays(),
}));
export const DATABASE_CLASS = VEZA_CATALOG.rotationClasses.find((c) => c.method === RotationMethod.DATABASE_ENGINE)!;
export const DATABASE = {
  name: DATABASE_CLASS.name,
  keys: VEZA_CATALOG.all.filter((e) => e.rotation.name === DATABASE_CLASS.name).map((e) => e.key as string),
  deployments: VEZA_CATALOG.services.filter((s) => VEZA_CATALOG.all.some((e) => e.rotation.name === DATABASE_CLASS.name && (e.consumers as readonly string[]).includes(s))) as string[],
  intervalDays: DATABASE_CLASS.interval!.toDays(),
};
export type GeneratedClass = (typeof GENERATED)[number];

export const SHELLS = ['sh', 'bash'].filter((s) => spawnSync(s, ['-c', 'exit 0']).status === 0);


export function worldEnvironment(env: SimulatedEnvironment, deployments: string[]): WorldEnvironment {
  return { name: env.name, namespace: `veza-${env.name}`, externalSecret: 'veza-secrets', deployments };
}

/** The Vault role a class's job logs in as: its own, holding only its class's policy. */
export const rotationRole = (env: SimulatedEnvironment, className: string) => `veza-${env.name}-rotation-${className}`;

export const kvPath = (env: SimulatedEnvironment, cls: GeneratedClass) => `veza/${env.name}/${cls.name}`;
export const dbRole = (env: SimulatedEnvironment) => `veza-${env.name}-app`;

/** The contract's CronJob environment for a GENERATE class. */
export function generateEnv(env: SimulatedEnvironment, cls: GeneratedClass, jobUid = 'job-uid-1'): Record<string, string> {
  return {
    ROTATION_METHOD: 'generate',
    ROTATION_CLASS: cls.name,
    ROTATION_NAMESPACE: `veza-${env.name}`,
    ROTATION_EXTERNAL_SECRET: 'veza-secrets',
    ROTATION_DEPLOYMENTS: cls.deployments.join(' '),
    ROTATION_VAULT_AUTH_MOUNT: 'kubernetes',
    ROTATION_VAULT_ROLE: rotationRole(env, cls.name),
    ROTATION_INTERVAL_DAYS: String(cls.intervalDays),
    ROTATION_OFFSET_DAYS: String(env.offsetDays),
    ROTATION_JOB_UID: jobUid,
    ROTATION_KEYS: cls.keys.join(' '),
    ROTATION_PREVIOUS_SUFFIX: SUFFIX,
    ROTATION_GRACE_SECONDS: String(GRACE_SECONDS),
    ROTATION_KV_MOUNT: KV_MOUNT,
    ROTATION_KV_PATH: kvPath(env, cls),
  };
}

/** The contract's CronJob environment for the DATABASE_ENGINE class. */
export function databaseEnv(env: SimulatedEnvironment, jobUid = 'job-uid-1'): Record<string, string> {
  return {
    ROTATION_METHOD: 'database-engine',
    ROTATION_CLASS: DATABASE.name,
    ROTATION_NAMESPACE: `veza-${env.name}`,
    ROTATION_EXTERNAL_SECRET: 'veza-secrets',
    ROTATION_DEPLOYMENTS: DATABASE.deployments.join(' '),
    ROTATION_VAULT_AUTH_MOUNT: 'kubernetes',
    ROTATION_VAULT_ROLE: rotationRole(env, DATABASE.name),
    ROTATION_INTERVAL_DAYS: String(DATABASE.intervalDays),
    ROTATION_OFFSET_DAYS: String(env.offsetDays),
    ROTATION_JOB_UID: jobUid,
    ROTATION_DB_MOUNT: DB_MOUNT,
    ROTATION_DB_ROLE: dbRole(env),
  };
}

/** The Vault policy of the contract for one class (GENERATE) or the database class, as `<path> <capability>` lines. */
export function contractCapabilities(env: SimulatedEnvironment, method: 'generate', cls: GeneratedClass): string[];
export function contractCapabilities(env: SimulatedEnvironment, method: 'database-engine'): string[];
export function contractCapabilities(env: SimulatedEnvironment, method: 'generate' | 'database-engine', cls?: GeneratedClass): string[] {
  if (method === 'database-engine') return [`${DB_MOUNT}/static-roles/${dbRole(env)} read`, `${DB_MOUNT}/rotate-role/${dbRole(env)} update`];
  return [
    ...['create', 'read', 'update'].map((c) => `${KV_MOUNT}/data/${kvPath(env, cls!)} ${c}`),
    ...['patch', 'read'].map((c) => `${KV_MOUNT}/metadata/${kvPath(env, cls!)} ${c}`),
  ];
}

/** Grants `role` the `<path> <capability>` lines, path by path. */
function grantLines(world: RotationWorld, role: string, lines: string[]): void {
  for (const p of new Set(lines.map((l) => l.split(' ')[0]))) {
    world.grant(role, p, lines.filter((l) => l.startsWith(`${p} `)).map((l) => l.split(' ')[1]));
  }
}

/** A world with the environments, their ExternalSecret reading every class's own secret, and each class's role granted its contract policy. */
export function generateWorld(envs: SimulatedEnvironment[]): RotationWorld {
  const world = new RotationWorld();
  const deployments = [...new Set(GENERATED.flatMap((c) => c.deployments))];
  for (const env of envs) {
    const w = worldEnvironment(env, deployments);
    world.addEnvironment(w, GENERATED.map((cls) => `kv ${KV_MOUNT}/${kvPath(env, cls)}`));
    for (const cls of GENERATED) grantLines(world, rotationRole(env, cls.name), contractCapabilities(env, 'generate', cls));
  }
  return world;
}

export function databaseWorld(envs: SimulatedEnvironment[], createdAt: number): RotationWorld {
  const world = new RotationWorld();
  for (const env of envs) {
    const w = worldEnvironment(env, DATABASE.deployments);
    world.addEnvironment(w, DATABASE.keys.map((k) => `db ${DB_MOUNT}/static-roles/${dbRole(env)} ${k}`));
    world.addStaticRole(DB_MOUNT, dbRole(env), createdAt);
    grantLines(world, rotationRole(env, DATABASE.name), contractCapabilities(env, 'database-engine'));
  }
  return world;
}

