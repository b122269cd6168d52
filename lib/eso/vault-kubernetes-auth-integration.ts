import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { toGoDuration } from './go-duration';
import { checkDnsLabel, checkDnsSubdomain, where } from './names';
import { RotationMethod } from './secret-catalog';
import { VaultPolicy } from './vault-policy';
import { VaultSecretStore } from './vault-secret-store';
import { isHttpUrl } from '../rules';
import { subjectNamespaceOf } from './scope';

/** The two rotations Vault grants: a generated KV secret, or the database engine's static role. */
export type VaultRotationMethod = RotationMethod.GENERATE | RotationMethod.DATABASE_ENGINE;

/** Options of {@link VaultKubernetesAuthIntegration.grantRotation}. */
export interface VaultRotationGrantOptions {
  /**
   * What the rotation does: GENERATE writes the KV v2 secret `<store path>/<name>` (its own, so
   * the job never reads the store's other keys); DATABASE_ENGINE asks the database engine to
   * rotate the static role (`database` must be set).
   */
  readonly method: VaultRotationMethod;
  /** The rotation's name (its rotation class): the policy `<store role>-rotation-<name>`, and for GENERATE the KV secret `<store path>/<name>`. */
  readonly name: string;
  /**
   * The Kubernetes-auth role the job logs in as; every grant to one service account shares it, so
   * give each rotation its own service account (SecretRotation does) for each to have only its policy.
   * @default - `<store role>-rotation-<name>` of the service account's first grant
   */
  readonly role?: string;
  /** The audience its token must carry. @default - the store's audience */
  readonly audience?: string;
  /** The lifetime of the Vault token it gets: one run lasts minutes. @default Duration.minutes(15) */
  readonly tokenTtl?: Duration;
}

/** What {@link VaultKubernetesAuthIntegration.grantRotation} created: read the names from here, never rebuild them. */
export interface VaultRotationGrant {
  /** The Kubernetes-auth role the job logs in as (shared by every grant to the same service account). */
  readonly role: VaultKubernetesRole;
  /** The policy of exactly this rotation, attached to `role`. */
  readonly policy: VaultPolicy;
  /** Where the Kubernetes auth method is mounted (`auth/<authMountPath>/login`). */
  readonly authMountPath: string;
  /** GENERATE: the KV v2 mount. @default - none for DATABASE_ENGINE */
  readonly kvMount?: string;
  /** GENERATE: the KV secret the job writes, `<store path>/<name>`. @default - none for DATABASE_ENGINE */
  readonly kvPath?: string;
  /** DATABASE_ENGINE: the engine's mount. @default - none for GENERATE */
  readonly databaseMount?: string;
  /** DATABASE_ENGINE: the static role the job rotates. @default - none for GENERATE */
  readonly staticRoleName?: string;
}

/** Vault's database secrets engine, which rotates a database login's password on both sides. */
export interface VaultDatabaseOptions {
  /** The PostgreSQL host as Vault reaches it. */
  readonly host: string;
  /** Its port. @default 5432 */
  readonly port?: number;
  /** The database Vault connects to. */
  readonly database: string;
  /** The login Vault connects as; its password is read from the operator's environment, never stored. */
  readonly username: string;
  /** The login whose password Vault rotates (the static role's `username`). */
  readonly staticUsername: string;
  /** How often Vault rotates that password (the static role's `rotation_period`). */
  readonly rotationPeriod: Duration;
  /** The connection's name (`database/config/<name>`). @default - the store's auth role */
  readonly connectionName?: string;
  /** The static role's name. @default - `<connectionName>-app` */
  readonly staticRoleName?: string;
  /** Where the engine is mounted. @default 'database' */
  readonly mount?: string;
  /**
   * The environment variable of the operator's shell holding the password of `username`; the
   * script needs it only to write the connection (first run, or `RECONFIGURE_DATABASE=1`).
   * @default 'VAULT_DB_PASSWORD'
   */
  readonly passwordVariable?: string;
  /**
   * The environment variable that may hold the current password of `staticUsername`. When set as
   * the script creates the static role, Vault keeps that password until its first rotation
   * (`skip_import_rotation=true`, Vault Enterprise 1.18+; the script refuses it on another Vault);
   * unset, Vault sets a new password at creation.
   * @default 'VAULT_APP_DB_PASSWORD'
   */
  readonly appPasswordVariable?: string;
}

/** Props of {@link VaultKubernetesAuthIntegration}. */
export interface VaultKubernetesAuthIntegrationProps {
  /** The store whose Kubernetes-auth login this configures; a namespaced store with `VaultAuth.kubernetes()`. */
  readonly store: VaultSecretStore;
  /** The token reviewer's service account (and, with `-token`, its token Secret). @default 'vault-token-reviewer' */
  readonly reviewerName?: string;
  /**
   * The ClusterRoleBinding granting `system:auth-delegator`: cluster-scoped, so unique per namespace.
   * @default - `<namespace>-<reviewerName>`
   */
  readonly clusterRoleBindingName?: string;
  /** The lifetime of the Vault token the store gets. @default Duration.hours(1) */
  readonly tokenTtl?: Duration;
  /**
   * The Kubernetes API server as Vault reaches it (`auth/<mount>/config kubernetes_host`).
   * @default - read when the script runs: `$KUBERNETES_HOST`, else the server of the operator's kubectl context
   */
  readonly kubernetesHost?: string;
  /**
   * The cluster whose service-account tokens this auth mount reviews. A Kubernetes auth mount holds
   * one `kubernetes_host`, CA and reviewer token, so integrations of different clusters must not
   * configure the same mount of one Vault: the synth refuses it.
   * @default - the same cluster as every other integration
   */
  readonly cluster?: string;
  /** The database secrets engine connection and static role. @default - none */
  readonly database?: VaultDatabaseOptions;
}

/** Options of {@link VaultKubernetesAuthIntegration.configureScript}. */
export interface ConfigureScriptOptions {
  /** Comment lines put under the shebang (where the script comes from, how to run it). @default - none */
  readonly header?: string;
}

/** One Kubernetes-auth role, as the script writes it. */
export interface VaultKubernetesRole {
  /** The role's name in Vault (`auth/<mount>/role/<name>`). */
  readonly name: string;
  /** The service account allowed to log in (`bound_service_account_names`). */
  readonly serviceAccountName: string;
  /** Its namespace (`bound_service_account_namespaces`). */
  readonly namespace: string;
  /**
   * The audience the presented token must carry (`audience`): Vault checks the token's `aud` claim
   * against it. Optional in Vault (1.21 logs a warning for a role without one; it was once announced
   * as required from 1.21, which did not happen); set here so a token minted for another audience
   * cannot log in.
   */
  readonly audience: string;
  /** The policies a login is given (`token_policies`); a rotation role gains one per `grantRotation`. */
  readonly policies: readonly VaultPolicy[];
  /** How long a login's token lives (`token_ttl`). */
  readonly tokenTtl: Duration;
}

/** The database engine settings, resolved. */
export interface VaultDatabaseConnection {
  /** Where the database secrets engine is mounted. */
  readonly mount: string;
  /** The connection's name (`<mount>/config/<connectionName>`). */
  readonly connectionName: string;
  /** The static role Vault rotates (`<mount>/static-roles/<staticRoleName>`). */
  readonly staticRoleName: string;
  /** The PostgreSQL host as Vault reaches it. */
  readonly host: string;
  /** The database server's port. */
  readonly port: number;
  /** The database name. */
  readonly database: string;
  /** The login Vault connects as; its password is read from the operator's environment, never stored. */
  readonly username: string;
  /** The login whose password Vault rotates (the static role's `username`). */
  readonly staticUsername: string;
  /** How often Vault rotates that password (`rotation_period`). */
  readonly rotationPeriod: Duration;
  /** The environment variable of the operator's shell holding the password of `username`. */
  readonly passwordVariable: string;
  /** The environment variable that may hold the current password of `staticUsername` (`skip_import_rotation`). */
  readonly appPasswordVariable: string;
  /** Where Vault serves the static role's current credentials: `<mount>/static-creds/<staticRoleName>`. */
  readonly staticCredentialsPath: string;
}

/**
 * Everything Vault's Kubernetes auth method needs for one store, both sides from one object:
 *
 * - Kubernetes side (children of this construct, in its chart): the token reviewer's service
 *   account, its ClusterRoleBinding to `system:auth-delegator` and its long-lived token Secret
 *   (Kubernetes fills the token in: no value is synthesized).
 * - Vault side (values to write to files): the store's read-only policy on its KV path, the
 *   rotation job's write policy, and `configureScript()`, an idempotent `vault` CLI script
 *   writing those policies, the roles bound to exactly the store's (and the rotation job's)
 *   service account, namespace and audience, the auth method's config, and the database engine.
 *
 * @see https://developer.hashicorp.com/vault/docs/auth/kubernetes
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/#kubernetes-authentication
 */
export class VaultKubernetesAuthIntegration extends Construct {
  public readonly store: VaultSecretStore;
  /** The namespace of the store, the reviewer and every bound service account. */
  public readonly namespace: string;
  /** The token reviewer's service account. */
  public readonly reviewer: kplus.ServiceAccount;
  /** Its long-lived token, filled in by Kubernetes. */
  public readonly reviewerToken: kplus.Secret;
  /** The binding of the reviewer to `system:auth-delegator`. */
  public readonly reviewerBinding: kplus.ClusterRoleBinding;
  /** Where the Kubernetes auth method is mounted in Vault. */
  public readonly authMountPath: string;
  /** The store's read-only policy. */
  public readonly readPolicy: VaultPolicy;
  /** The database engine settings, when `database` is set. */
  public readonly database?: VaultDatabaseConnection;
  /** The cluster whose tokens the auth mount reviews; `undefined`: the same as every other integration's. */
  public readonly cluster?: string;
  private readonly kubernetesHost?: string;
  private readonly storeRole: VaultKubernetesRole;
  private readonly retired: string[] = [];
  // Whether a rotation role took grantRotation's default name, whose form changed (retiredRoles).
  private defaultRotationRole = false;
  // Filled by grantRotation: a Vault role only for a rotation that exists.
  private readonly rotationRoles: { role: VaultKubernetesRole & { policies: VaultPolicy[] }; grants: VaultRotationGrant[] }[] = [];

  public constructor(scope: Construct, id: string, props: VaultKubernetesAuthIntegrationProps) {
    super(scope, id);
    const store = props.store;
    this.store = store;
    const login = store.kubernetesAuth;
    if (!login) {
      throw new Error(`${where(this)}: 'store' must log in with VaultAuth.kubernetes(); ${store.node.path} uses ${store.authMethod} auth.`);
    }
    if (store.kvVersion !== 'v2') {
      throw new Error(`${where(this)}: 'store' must read a KV v2 engine (the policies name its data/ and metadata/ paths); ${store.node.path} reads KV ${store.kvVersion}.`);
    }
    if (!store.namespace) {
      throw new Error(`${where(this)}: 'store' must be a namespaced SecretStore; ${store.node.path} is a ClusterSecretStore, whose role would be bound to no namespace.`);
    }
    const chartNamespace = Chart.of(this).namespace;
    if (chartNamespace !== store.namespace) {
      throw new Error(`${where(this)}: must be in a chart of the store's namespace ${JSON.stringify(store.namespace)} (the reviewer lives next to the store); its chart's namespace is ${JSON.stringify(chartNamespace)}.`);
    }
    const { role, audience, serviceAccount: storeAccount } = login;
    this.namespace = store.namespace;
    this.authMountPath = login.mountPath;
    this.cluster = props.cluster;
    // One mount, one cluster: reported once, by the later of two integrations.
    this.node.addValidation({
      validate: () => {
        const earlier = sharingMount(this, { before: true }).find((o) => o.cluster !== this.cluster);
        if (!earlier) return [];
        return [`the auth mount ${this.authMountPath}/ of ${store.server} is also the mount of ${earlier.node.path} (cluster ${earlier.cluster ?? '(default)'}), but this integration's cluster is ${this.cluster ?? '(default)'}: a Kubernetes auth mount reviews the tokens of one cluster (one kubernetes_host, CA and reviewer token); give each cluster its own mount, such as ${this.cluster ? `kubernetes-${this.cluster}` : 'kubernetes-<cluster>'}`];
      },
    });
    this.kubernetesHost = props.kubernetesHost === undefined ? undefined : checkHost(this, 'kubernetesHost', props.kubernetesHost);
    this.node.addValidation({
      validate: () => this.retired.filter((name) => this.roles.some((r) => r.name === name))
        .map((name) => `${where(this)}: retireRole(${JSON.stringify(name)}) names a role the integration defines; the script would delete it after writing it. Retire only roles it no longer has.`),
    });

    // Kubernetes side.
    const reviewerName = checkDnsLabel(where(this), 'reviewerName', props.reviewerName ?? 'vault-token-reviewer');
    this.reviewer = new kplus.ServiceAccount(this, 'Reviewer', {
      metadata: { name: reviewerName },
      // Vault presents the token from the Secret below; no pod runs as the reviewer.
      automountToken: false,
    });
    this.reviewerBinding = new kplus.ClusterRoleBinding(this, 'ReviewerBinding', {
      metadata: { name: checkDnsSubdomain(where(this), 'clusterRoleBindingName', props.clusterRoleBindingName ?? `${this.namespace}-${reviewerName}`) },
      role: kplus.ClusterRole.fromClusterRoleName(this, 'AuthDelegator', 'system:auth-delegator'),
    });
    this.reviewerBinding.addSubjects(this.reviewer);
    // Cluster-scoped: the chart's namespace does not apply.
    ApiObject.of(this.reviewerBinding).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    this.reviewerToken = new kplus.ServiceAccountTokenSecret(this, 'ReviewerToken', {
      metadata: { name: `${reviewerName}-token` },
      serviceAccount: this.reviewer,
    });
    // Kubernetes writes the token, the CA and the namespace into it; nothing is synthesized.
    ApiObject.of(this.reviewerToken).addJsonPatch(JsonPatch.remove('/stringData'), JsonPatch.remove('/immutable'));

    // The database engine first: the store's read policy names its static credentials.
    if (props.database) {
      const d = props.database;
      const connectionName = d.connectionName ?? role;
      const port = d.port ?? 5432;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${where(this)}: 'database.port' must be a whole number from 1 to 65535. The value passed is: ${port}`);
      }
      const passwordVariable = d.passwordVariable ?? 'VAULT_DB_PASSWORD';
      const appPasswordVariable = d.appPasswordVariable ?? 'VAULT_APP_DB_PASSWORD';
      for (const [field, value] of [['database.passwordVariable', passwordVariable], ['database.appPasswordVariable', appPasswordVariable]] as const) {
        if (!/^[A-Z_][A-Z0-9_]*$/.test(value)) {
          throw new Error(`${where(this)}: '${field}' must be an environment variable name (upper-case letters, digits and '_'). The value passed is: ${JSON.stringify(value)}`);
        }
      }
      if (passwordVariable === appPasswordVariable || [passwordVariable, appPasswordVariable].includes(RECONFIGURE_VARIABLE)) {
        throw new Error(`${where(this)}: 'database.passwordVariable' and 'database.appPasswordVariable' must differ from each other and from ${RECONFIGURE_VARIABLE}. The values passed are: ${JSON.stringify(passwordVariable)}, ${JSON.stringify(appPasswordVariable)}`);
      }
      for (const [field, value] of [['database.database', d.database], ['database.username', d.username], ['database.staticUsername', d.staticUsername]] as const) {
        if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
          throw new Error(`${where(this)}: '${field}' must be a PostgreSQL identifier (lower-case letters, digits and '_', at most 63 characters). The value passed is: ${JSON.stringify(value)}`);
        }
      }
      if (d.rotationPeriod.toSeconds() < 24 * 3600) {
        throw new Error(`${where(this)}: 'database.rotationPeriod' must be at least 24 hours. The value passed is: ${toGoDuration(d.rotationPeriod)}`);
      }
      const mount = checkVaultSegment(this, 'database.mount', d.mount ?? 'database');
      const staticRoleName = checkVaultSegment(this, 'database.staticRoleName', d.staticRoleName ?? `${connectionName}-app`);
      this.database = {
        mount,
        connectionName: checkVaultSegment(this, 'database.connectionName', connectionName),
        staticRoleName,
        host: checkHostname(this, 'database.host', d.host),
        port,
        database: d.database,
        username: d.username,
        staticUsername: d.staticUsername,
        rotationPeriod: d.rotationPeriod,
        passwordVariable,
        appPasswordVariable,
        staticCredentialsPath: `${mount}/static-creds/${staticRoleName}`,
      };
    }

    // Vault side.
    const dataPath = `${store.mount}/data/${store.path}`;
    this.readPolicy = new VaultPolicy({
      name: `${role}-read`,
      description: `Read-only access of the SecretStore ${store.storeName} (namespace ${this.namespace}) to ${store.location}${this.database ? ` and ${this.database.staticCredentialsPath}` : ''}, and nothing else.`,
      rules: [
        {
          path: dataPath,
          capabilities: ['read'],
          comment: 'The values: ESO reads one property per key of this single KV v2 secret (a GET of this path).\nNothing of metadata/: ESO reads it only for a remoteRef with metadataPolicy Fetch, or to list for\ndataFrom.find; the ExternalSecret uses neither.',
        },
        ...(this.database ? [{
          path: this.database.staticCredentialsPath,
          capabilities: ['read' as const],
          comment: `The app login's current credentials (username, password), which the database engine rotates every\n${toGoDuration(this.database.rotationPeriod)}: ESO's VaultDynamicSecret generator reads them (GET) at every refresh. Nothing else of the engine.`,
        }] : []),
      ],
    });
    this.storeRole = {
      name: role,
      serviceAccountName: storeAccount.name,
      namespace: subjectNamespaceOf(storeAccount) ?? this.namespace,
      audience,
      policies: [this.readPolicy],
      tokenTtl: props.tokenTtl ?? Duration.hours(1),
    };
  }

  /** The store's role, then one per service account granted a rotation, in the order granted. */
  public get roles(): VaultKubernetesRole[] {
    return [this.storeRole, ...this.rotationRoles.map((r) => r.role)];
  }

  /**
   * The roles `configureScript()` deletes: those {@link retireRole} names, then, once a rotation
   * role takes grantRotation's default name, the default of earlier versions, `<store role>-rotation`,
   * which held every rotation's policy (unless a role of the integration is named so).
   */
  public get retiredRoles(): string[] {
    const former = `${this.storeRole.name}-rotation`;
    const formerToo = this.defaultRotationRole && !this.retired.includes(former) && !this.roles.some((r) => r.name === former);
    return formerToo ? [...this.retired, former] : [...this.retired];
  }

  /**
   * Names a role of this mount that an earlier version of the setup created and this one no longer
   * defines: `configureScript()` deletes it (`vault delete auth/<mount>/role/<name>`; nothing
   * happens when it is absent). A Vault role outlives the service account it is bound to, and an
   * account created again under that name would log in with the role's old policies. The synth
   * refuses a name that is also a role of the integration. grantRotation's own former default
   * needs no call: see {@link retiredRoles}.
   */
  public retireRole(name: string): void {
    const checked = checkVaultSegment(this, 'retireRole', name);
    if (!this.retired.includes(checked)) this.retired.push(checked);
  }

  /** Every grant made by {@link grantRotation}, in order. */
  public get rotationGrants(): VaultRotationGrant[] {
    return this.rotationRoles.flatMap((r) => r.grants);
  }

  /**
   * Lets `serviceAccount` run one rotation: creates (on its first grant) the Kubernetes-auth role
   * it logs in as, and a policy of exactly what that rotation does, and returns both with the
   * mount to log in at. GENERATE (`name` = the rotation class): `create`, `read`, `update` on
   * `<mount>/data/<store path>/<name>` and `read`, `patch` on its `metadata/` (custom metadata
   * is the job's state), nothing else; the store's read policy gains `read` on that secret,
   * which the ExternalSecret reads. DATABASE_ENGINE: `read` on the static role (its last
   * rotation) and `update` on `rotate-role/<role>`.
   */
  public grantRotation(serviceAccount: kplus.IServiceAccount, options: VaultRotationGrantOptions): VaultRotationGrant {
    const store = this.store;
    const namespace = subjectNamespaceOf(serviceAccount) ?? this.namespace;
    if (namespace !== this.namespace) {
      throw new Error(`${where(this)}: 'serviceAccount' of grantRotation must be in the store's namespace ${JSON.stringify(this.namespace)}. The value passed is in: ${JSON.stringify(namespace)}`);
    }
    const name = checkVaultSegment(this, 'name', options.name);
    // The rotation's own name: its policy's, and its role's unless the role is given or already made.
    const rotationName = `${this.storeRole.name}-rotation-${name}`;
    let entry = this.rotationRoles.find((r) => r.role.serviceAccountName === serviceAccount.name);
    const roleName = options.role ?? entry?.role.name ?? rotationName;
    if (entry && roleName !== entry.role.name) {
      throw new Error(`${where(this)}: 'role' of grantRotation differs from the first grant to ${serviceAccount.name} (${entry.role.name}); one role per service account. The value passed is: ${JSON.stringify(roleName)}`);
    }
    if (!entry) {
      if (this.roles.some((r) => r.name === roleName)) {
        throw new Error(`${where(this)}: the Vault role ${JSON.stringify(roleName)} is already taken; 'role' of grantRotation must differ.`);
      }
      entry = {
        role: {
          name: roleName,
          serviceAccountName: serviceAccount.name,
          namespace,
          audience: options.audience ?? this.storeRole.audience,
          policies: [],
          tokenTtl: options.tokenTtl ?? Duration.minutes(15),
        },
        grants: [],
      };
      this.rotationRoles.push(entry);
      if (options.role === undefined) this.defaultRotationRole = true;
    }
    const policyName = rotationName;
    if (this.policies.some((p) => p.name === policyName)) {
      throw new Error(`${where(this)}: the rotation ${JSON.stringify(name)} is already granted (policy ${policyName}).`);
    }
    let grant: VaultRotationGrant;
    if (options.method === RotationMethod.GENERATE) {
      const kvPath = `${store.path}/${name}`;
      const location = `${store.mount}/${kvPath}`;
      const policy = new VaultPolicy({
        name: policyName,
        description: `What the rotation ${name} of ${this.namespace} may do: create and rewrite ${location} (its generated keys and their\nprevious values) and its custom metadata, and nothing else: not ${store.location}, where the other keys live.`,
        rules: [
          {
            path: `${store.mount}/data/${kvPath}`,
            capabilities: ['create', 'read', 'update'],
            comment: '"read": the current value becomes <key>-previous; "create" for the first run (bootstrap, check-and-set 0);\n"update" for `vault kv put -cas=<n>` afterwards. No "delete", no "list".',
          },
          {
            path: `${store.mount}/metadata/${kvPath}`,
            capabilities: ['read', 'patch'],
            comment: '"read": current_version and custom_metadata (when it last rotated, a run in progress);\n"patch": `vault kv metadata patch`, which records the run before the write.',
          },
        ],
      });
      this.readPolicy.addRule({
        path: `${store.mount}/data/${kvPath}`,
        capabilities: ['read'],
        comment: `The keys of the rotation ${name} and their previous values, which its job writes there.`,
      });
      grant = { role: entry.role, policy, authMountPath: this.authMountPath, kvMount: store.mount, kvPath };
    } else {
      const db = this.database;
      if (!db) throw new Error(`${where(this)}: grantRotation of ${name} (database-engine) needs 'database' set on the integration.`);
      const policy = new VaultPolicy({
        name: policyName,
        description: `What the rotation ${name} of ${this.namespace} may do: read when the static role ${db.staticRoleName} last rotated and rotate it,\nand nothing else (never its credentials).`,
        rules: [
          { path: `${db.mount}/static-roles/${db.staticRoleName}`, capabilities: ['read'], comment: 'last_vault_rotation: whether the rotation is due, and whether the consumers were restarted since.' },
          { path: `${db.mount}/rotate-role/${db.staticRoleName}`, capabilities: ['update'], comment: '`vault write -f rotate-role/<role>`: Vault changes the password on both sides.' },
        ],
      });
      grant = { role: entry.role, policy, authMountPath: this.authMountPath, databaseMount: db.mount, staticRoleName: db.staticRoleName };
    }
    entry.role.policies.push(grant.policy);
    entry.grants.push(grant);
    return grant;
  }

  /** Every policy, in the order the script writes them. */
  public get policies(): VaultPolicy[] {
    return [this.readPolicy, ...this.rotationRoles.flatMap((r) => r.role.policies)];
  }

  /**
   * An idempotent bash script that configures Vault with the `vault` CLI; it expects the
   * policies next to it as `<policy name>.hcl`. Secrets are read when it runs and passed to
   * `vault` on stdin, never as arguments, never stored: the reviewer's token from its Secret
   * through `kubectl`, the database password from the operator's environment.
   */
  public configureScript(options: ConfigureScriptOptions = {}): string {
    const store = this.store;
    const mount = this.authMountPath;
    const db = this.database;
    const retired = this.retiredRoles;
    const lines: string[] = [
      '#!/usr/bin/env bash',
      ...(options.header ? options.header.trimEnd().split('\n').map((l) => `# ${l}`.trimEnd()) : []),
      `# Configures Vault for the SecretStore ${store.storeName} of namespace ${this.namespace}: policies,`,
      `# Kubernetes auth (mount ${mount}/) and its roles${db ? ', the database secrets engine' : ''}. Idempotent: run it again after every change.`,
      '#',
      '# Needs: `vault` logged in with a token allowed to write sys/policy, sys/mounts, sys/auth and the paths',
      `# below; \`kubectl\` on the cluster of ${this.namespace}, after its vault-integration.yaml is applied.`,
      ...(retired.length === 0 ? [] : [`# The token also deletes the roles this setup no longer has: ${retired.map((r) => `auth/${mount}/role/${r}`).join(', ')}.`]),
      `# VAULT_ADDR defaults to the store's server; KUBERNETES_HOST to the server of the kubectl context.`,
      ...(db ? [
        `# ${db.passwordVariable}: the password of the database login ${db.username}, needed only to write ${db.mount}/config/${db.connectionName}`,
        `# (it does not exist yet, or ${RECONFIGURE_VARIABLE}=1); after \`vault write -f ${db.mount}/rotate-root/${db.connectionName}\` only Vault knows it.`,
        `# ${db.appPasswordVariable} (optional, Vault Enterprise 1.18+): the current password of ${db.staticUsername}, kept when the`,
        '# static role is created (skip_import_rotation); unset, Vault sets a new one then. From your environment; never stored.',
      ] : []),
      'set -euo pipefail',
      '',
      'here=$(cd -- "$(dirname -- "$0")" && pwd)',
      `: "\${VAULT_ADDR:=${store.server}}"`,
      'export VAULT_ADDR',
    ];
    if (db) {
      const config = `${db.mount}/config/${shq(db.connectionName)}`;
      const role = `${db.mount}/static-roles/${shq(db.staticRoleName)}`;
      lines.push(
        `db_host=${shq(db.host)}`,
        'case "$db_host" in',
        '  *.invalid)',
        '    echo "error: the database host $db_host is a placeholder (.invalid never resolves); set the real host and generate this script again." >&2',
        '    exit 1',
        '    ;;',
        'esac',
        '',
        '# Pre-flight, read-only: what exists decides what is written, and which passwords are needed.',
        `case "\${${RECONFIGURE_VARIABLE}:-0}" in`,
        '  0|1) ;;',
        `  *) echo "error: ${RECONFIGURE_VARIABLE} is '$${RECONFIGURE_VARIABLE}'; allowed: 1 (rewrite ${db.mount}/config/${db.connectionName}) or 0" >&2; exit 1 ;;`,
        'esac',
        `if [ "\${${RECONFIGURE_VARIABLE}:-0}" = 1 ] || ! vault read ${config} >/dev/null 2>&1; then`,
        '  write_db_config=1',
        `  : "\${${db.passwordVariable}:?set ${db.passwordVariable} to the password of the database login ${db.username} (${db.mount}/config/${db.connectionName} is written: it does not exist yet, or ${RECONFIGURE_VARIABLE}=1)}"`,
        'else',
        '  write_db_config=0',
        'fi',
        `if static_period=$(vault read -field=rotation_period ${role} 2>/dev/null); then`,
        '  static_role_exists=1',
        'else',
        '  static_role_exists=0',
        `  if [ -n "\${${db.appPasswordVariable}:-}" ] && ! vault status -format=json 2>/dev/null | grep -q '"version": "[^"]*+ent'; then`,
        `    echo "error: ${db.appPasswordVariable} is set, but skip_import_rotation needs Vault Enterprise 1.18 or later; unset it (Vault then sets a new password for ${db.staticUsername} when it creates the static role)" >&2`,
        '    exit 1',
        '  fi',
        'fi',
      );
    }
    lines.push(
      '',
      `# 1. The KV v2 engine holding the values (${store.location}).`,
      ...enableGuarded('secrets', store.mount, 'kv-v2'),
      '',
      '# 2. The policies, exactly the files next to this script.',
      ...this.policies.map((p) => `vault policy write ${shq(p.name)} "$here/${p.fileName}"`),
      '',
      `# 3. The Kubernetes auth method; Vault reviews tokens with ${this.reviewer.name}'s token, read now, never stored.`,
      ...this.sharedMountNote(),
      ...enableGuarded('auth', mount, 'kubernetes'),
      `reviewer_jwt=$(kubectl get secret ${shq(this.reviewerToken.name)} --namespace ${shq(this.namespace)} -o jsonpath='{.data.token}' | base64 -d)`,
      'if [ -z "$reviewer_jwt" ]; then',
      `  echo "error: the Secret ${this.reviewerToken.name} in ${this.namespace} holds no token yet; apply vault-integration.yaml and retry." >&2`,
      '  exit 1',
      'fi',
      `reviewer_ca=$(kubectl get secret ${shq(this.reviewerToken.name)} --namespace ${shq(this.namespace)} -o jsonpath='{.data.ca\\.crt}' | base64 -d)`,
      this.kubernetesHost
        ? `kubernetes_host=\${KUBERNETES_HOST:-${shq(this.kubernetesHost)}}`
        : "kubernetes_host=${KUBERNETES_HOST:-$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')}",
      'printf \'%s\' "$reviewer_jwt" | vault write ' + `auth/${mount}/config kubernetes_host="$kubernetes_host" kubernetes_ca_cert="$reviewer_ca" token_reviewer_jwt=-`,
      '',
      '# 4. The roles: each bound to exactly one service account, namespace and audience.',
      ...this.roles.map((r) => [
        `vault write auth/${mount}/role/${shq(r.name)}`,
        `bound_service_account_names=${shq(r.serviceAccountName)}`,
        `bound_service_account_namespaces=${shq(r.namespace)}`,
        `audience=${shq(r.audience)}`,
        `token_policies=${shq(r.policies.map((p) => p.name).join(','))}`,
        `token_ttl=${toGoDuration(r.tokenTtl)}`,
      ].join(' \\\n  ')),
      ...(retired.length === 0 ? [] : [
        '# Roles this setup no longer has, deleted (nothing happens when absent): a role outlives the service',
        '# account it is bound to, and an account created again under that name would get its old policies.',
        ...retired.map((name) => `vault delete auth/${mount}/role/${shq(name)}`),
      ]),
    );
    if (db) {
      const url = `postgresql://{{username}}:{{password}}@${db.host}:${db.port}/${db.database}`;
      lines.push(
        '',
        `# 5. The database secrets engine: Vault rotates the password of ${db.staticUsername} every ${toGoDuration(db.rotationPeriod)}, on both sides.`,
        ...enableGuarded('secrets', db.mount, 'database'),
        'if [ "$write_db_config" = 1 ]; then',
        `  printf '%s' "$${db.passwordVariable}" | vault write ${db.mount}/config/${shq(db.connectionName)} \\`,
        '    plugin_name=postgresql-database-plugin \\',
        `    allowed_roles=${shq(db.staticRoleName)} \\`,
        `    connection_url='${url}' \\`,
        `    username=${shq(db.username)} \\`,
        '    password=-',
        'else',
        `  echo "${db.mount}/config/${db.connectionName} exists: not rewritten (${RECONFIGURE_VARIABLE}=1 rewrites it, with ${db.passwordVariable})"`,
        'fi',
        `# The static role: created once; an update never rotates, so a re-run only sets rotation_period.`,
        'if [ "$static_role_exists" = 1 ]; then',
        `  if [ "$static_period" = ${db.rotationPeriod.toSeconds()} ]; then`,
        `    echo "${db.mount}/static-roles/${db.staticRoleName} exists, rotation_period ${toGoDuration(db.rotationPeriod)}: unchanged"`,
        '  else',
        `    ${staticRoleWrite(db, '      ')}`,
        '  fi',
        `elif [ -n "\${${db.appPasswordVariable}:-}" ]; then`,
        `  # Vault Enterprise: keep the current password of ${db.staticUsername} (given on stdin) until the first rotation.`,
        `  printf '%s' "$${db.appPasswordVariable}" | ${staticRoleWrite(db, '    ', ['skip_import_rotation=true', 'password=-'])}`,
        'else',
        `  ${staticRoleWrite(db, '    ')}`,
        `  echo "note: Vault set a new password for ${db.staticUsername} on creating the static role: pods still using the old one are refused new connections until the Secret is re-synced from ${db.staticCredentialsPath} and they restart."`,
        'fi',
      );
    }
    lines.push('', `echo "Vault configured for ${this.namespace}."`, '');
    return lines.join('\n');
  }

  /**
   * Vault keeps one reviewer token per auth mount: when other integrations configure the same
   * mount of the same Vault, the last script run sets it. Says so where the operator reads.
   */
  private sharedMountNote(): string[] {
    const others = sharingMount(this).map((o) => `${o.namespace} (reviewer ${o.reviewer.name})`);
    if (others.length === 0) return [];
    return [
      `# The mount ${this.authMountPath}/ of this Vault is also configured by the script of ${others.join(', ')}.`,
      '# A mount reviews the tokens of one cluster with one reviewer token: the script run last sets it, for all of them.',
      '# After deleting a namespace whose reviewer is set, run a remaining one\'s script, or give each environment its',
      '# own mount (docs/vault-integration.md).',
    ];
  }
}

/** Integrations of one app that configure the same auth mount of the same Vault (those before `self` in the tree, with `before`). */
function sharingMount(self: VaultKubernetesAuthIntegration, options: { readonly before?: boolean } = {}): VaultKubernetesAuthIntegration[] {
  const all = self.node.root.node.findAll();
  const candidates = options.before ? all.slice(0, all.indexOf(self)) : all;
  return candidates.filter((c): c is VaultKubernetesAuthIntegration =>
    c instanceof VaultKubernetesAuthIntegration && c !== self && c.store.server === self.store.server && c.authMountPath === self.authMountPath);
}

/** `vault write <mount>/static-roles/<name> ...`, one argument per line. */
function staticRoleWrite(db: VaultDatabaseConnection, indent: string, extra: string[] = []): string {
  return [
    `vault write ${db.mount}/static-roles/${shq(db.staticRoleName)}`,
    `db_name=${shq(db.connectionName)}`,
    `username=${shq(db.staticUsername)}`,
    `rotation_period=${toGoDuration(db.rotationPeriod)}`,
    ...extra,
  ].join(` \\\n${indent}`);
}

/**
 * The variable that makes `configure-vault.sh` rewrite an existing database connection: `RECONFIGURE_DATABASE=1`.
 * @internal
 */
export const RECONFIGURE_VARIABLE = 'RECONFIGURE_DATABASE';

/** `vault secrets enable` / `vault auth enable`, skipped when the path is already mounted. */
function enableGuarded(kind: 'secrets' | 'auth', path: string, type: string): string[] {
  const sysPath = kind === 'secrets' ? `sys/mounts/${path}` : `sys/auth/${path}`;
  return [
    `if vault read ${sysPath} >/dev/null 2>&1; then`,
    `  echo "${path}/ is already enabled"`,
    'else',
    `  vault ${kind} enable -path=${path} ${type}`,
    'fi',
  ];
}

/** Quotes a word for bash unless it needs none. */
function shq(value: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function checkHost(scope: Construct, field: string, value: string): string {
  if (!isHttpUrl(value, true)) throw new Error(`${where(scope)}: '${field}' must be an https:// URL such as https://kubernetes.default.svc. The value passed is: ${JSON.stringify(value)}`);
  return value;
}

function checkHostname(scope: Construct, field: string, value: string): string {
  if (value.length > 253 || !/^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/.test(value)) {
    throw new Error(`${where(scope)}: '${field}' must be a host name such as postgres.example.internal. The value passed is: ${JSON.stringify(value)}`);
  }
  return value;
}

function checkVaultSegment(scope: Construct, field: string, value: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) {
    throw new Error(`${where(scope)}: '${field}' must be one Vault path segment (letters, digits, '_', '.' and '-'). The value passed is: ${JSON.stringify(value)}`);
  }
  return value;
}
