// A simulated Vault + Kubernetes + ESO world for scripts/rotation/rotate-secrets.sh: stub `vault`,
// `kubectl` and `date` commands (POSIX sh, shell built-ins only on their hot paths, so a simulated
// year of daily runs stays fast) sharing one state folder. The state is plain files, read back by
// the tests.
//
// What the stubs reproduce, checked against the real CLIs' sources:
// - vault (hashicorp/vault command/*.go):
//   - `kv metadata get -field=F`: PrintRawField (command/util.go) prints fmt.Sprintf("%v", value)
//     without a newline when stdout is not a terminal; a field whose value is null (custom_metadata
//     never set: the KV backend returns `"custom_metadata": meta.CustomMetadata`, a nil map) prints
//     `Field "custom_metadata" not present in secret` on stderr, exit 1; a map prints Go's %v, keys
//     sorted: `map[k1:v1 k2:v2]`. An absent secret: `No value found at <mount>/metadata/<path>`,
//     exit 2 (kv_metadata_get.go). Every kv command first reads sys/internal/ui/mounts/<mount>
//     (isKVv2 -> kvPreflightVersionRequest), which needs no policy.
//   - `kv metadata patch`: client.Logical().JSONMergePatch = HTTP PATCH <mount>/metadata/<path>
//     (kv_metadata_patch.go); custom_metadata keys merge; the KV backend answers 404 when the key
//     metadata does not exist yet (path_metadata.go pathMetadataPatch: "The key metadata entry must
//     exist to apply the provided patch data").
//   - `kv put -cas=N`: HTTP PUT <mount>/data/<path> with options.cas; a mismatch is a 400
//     `check-and-set parameter did not match the current version`, exit 2. PUT needs `create` when
//     the secret is absent, `update` otherwise (the KV backend's existence check).
//   - `kv get -field=K`: prints the value raw (no newline); a missing property: `Field "K" not
//     present in secret`, exit 1 (kv_get.go -> PrintRawField on the data map).
//   - `token capabilities PATH`: POST sys/capabilities-self (allowed by the default policy);
//     table output: `sort.Strings(capabilities)` then `strings.Join(capabilities, ", ")`
//     (token_capabilities.go); `deny` when none.
//   - an API error: `Error ...: Error making API request.` ... `Code: 403. Errors:` ... `* permission
//     denied`, exit 2.
// - kubectl (kubernetes/kubectl): `auth can-i` prints yes/no and exits 0/1; `rollout restart` sets
//   the pod template annotation kubectl.kubernetes.io/restartedAt to time.Now().Format(time.RFC3339);
//   `rollout status` GETs the Deployment, then LISTs and WATCHes it with a metadata.name field
//   selector (rollout_status.go), so its Role needs get, list and watch on that name.
// - ESO: `force-sync` annotation changed -> the ExternalSecret reconciles, the Secret gets the
//   provider's current values and status.syncedResourceVersion changes (it hashes the annotations).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROTATION_SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'rotation', 'rotate-secrets.sh');

// Shared by both stubs: the call log, the call counter and the injected failure ("kill").
const COMMON = `
S="$STUB_STATE"
LC_ALL=C
export LC_ALL
logcall() { printf '%s\\n' "$*" >>"$S/calls"; }
# A kill: STUB_KILL_AT=<n>:before|after makes the n-th call (vault and kubectl together) fail before
# its effect, or after it (the request was served, the answer lost: the caller sees a failure).
if [ -n "\${STUB_KILL_AT:-}" ]; then
  n=0
  [ -f "$S/count" ] && { IFS= read -r n <"$S/count" || :; }
  n=$((n + 1))
  printf '%s\\n' "$n" >"$S/count"
  if [ "$n" -eq "\${STUB_KILL_AT%%:*}" ]; then
    printf '%s\\n' "$n" >"$S/killed"
    case "$STUB_KILL_AT" in
      *:before) echo 'stub: killed before the request' >&2; exit 1 ;;
      *:after) exec >/dev/null; trap 'echo "stub: killed after the request" >&2; exit 1' EXIT ;;
    esac
  fi
fi
readv() { v=''; if [ -f "$1" ]; then IFS= read -r v <"$1" || :; fi; }
`;

const VAULT_STUB = `#!/bin/sh
${COMMON}
api_error() { # prefix method path code message
  printf '%s: Error making API request.\\n\\nURL: %s %s/v1/%s\\nCode: %s. Errors:\\n\\n* %s\\n' "$1" "$2" "$VAULT_ADDR" "$3" "$4" "$5" >&2
  exit 2
}
role="\${VAULT_TOKEN#hvs.stub.}"
# need CAP METHOD PATH PREFIX: the role's capability table (caps/<role>: "<path> <cap>...").
need() {
  printf '%s %s %s\\n' "$role" "$3" "$1" >>"$S/used"
  if [ -f "$S/caps/$role" ]; then
    while read -r p c; do
      if [ "$p" = "$3" ]; then
        case " $c " in *" $1 "* | *" root "*) return 0 ;; esac
      fi
    done <"$S/caps/$role"
  fi
  api_error "$4" "$2" "$3" 403 'permission denied'
}
mountflag() { for a in "$@"; do case "$a" in -mount=*) m="\${a#-mount=}" ;; esac; done; }
fieldflag() { for a in "$@"; do case "$a" in -field=*) f="\${a#-field=}" ;; esac; done; }
last() { for a in "$@"; do l="$a"; done; }
# The CLI first reads sys/internal/ui/mounts/<mount> (isKVv2; no policy needed): not logged, one
# line per invocation keeps the kill counter and the log in step.
kvpre() { :; }
case "$1 $2" in
  "write -field=token")
    logcall "vault PUT $3"
    if [ -f "$S/login-fails" ]; then api_error "Error writing data to $3" PUT "$3" 400 'permission denied'; fi
    r="\${4#role=}"
    [ -r "\${5#jwt=@}" ] || { echo "error reading \${5#jwt=@}" >&2; exit 1; }
    printf 'hvs.stub.%s' "$r"; exit 0 ;;
  "token capabilities")
    logcall "vault POST sys/capabilities-self"
    out=''
    if [ -f "$S/caps/$role" ]; then
      while read -r p c; do [ "$p" = "$3" ] && out="$c"; done <"$S/caps/$role"
    fi
    # The table is kept sorted; the CLI joins with ", ".
    set -f; set -- \${out:-deny}; set +f
    j=''; for c in "$@"; do j="\${j:+$j, }$c"; done
    printf '%s\\n' "$j"; exit 0 ;;
  "kv metadata")
    mountflag "$@"; fieldflag "$@"; last "$@"; kvpre
    d="$S/kv/$m/$l"
    case "$3" in
      get)
        logcall "vault GET $m/metadata/$l"
        need read GET "$m/metadata/$l" "Error reading $m/metadata/$l"
        [ -f "$d/current" ] || { echo "No value found at $m/metadata/$l" >&2; exit 2; }
        case "$f" in
          current_version) readv "$d/current"; printf '%s' "$v" ;;
          custom_metadata)
            out=''
            for k in "$d"/meta/*; do [ -f "$k" ] || continue; readv "$k"; out="\${out:+$out }\${k##*/}:$v"; done
            [ -n "$out" ] || { echo 'Field "custom_metadata" not present in secret' >&2; exit 1; }
            printf 'map[%s]' "$out" ;;
          *) echo "Field \\"$f\\" not present in secret" >&2; exit 1 ;;
        esac
        exit 0 ;;
      patch)
        logcall "vault PATCH $m/metadata/$l"
        need patch PATCH "$m/metadata/$l" "Error writing data to $m/metadata/$l"
        [ -f "$d/current" ] || api_error "Error writing data to $m/metadata/$l" PATCH "$m/metadata/$l" 404 ''
        for a in "$@"; do
          case "$a" in
            -custom-metadata=*)
              kv="\${a#-custom-metadata=}"
              case "$kv" in *' '* | *:* | *']'* | *'['*) echo "stub: unsafe custom metadata $kv" >&2; exit 64 ;; esac
              [ -d "$d/meta" ] || mkdir "$d/meta"
              printf '%s\\n' "\${kv#*=}" >"$d/meta/\${kv%%=*}" ;;
          esac
        done
        exit 0 ;;
    esac ;;
  "kv get")
    mountflag "$@"; fieldflag "$@"; last "$@"; kvpre
    d="$S/kv/$m/$l"
    logcall "vault GET $m/data/$l"
    need read GET "$m/data/$l" "Error reading $m/data/$l"
    [ -f "$d/current" ] || { echo "No value found at $m/data/$l" >&2; exit 2; }
    readv "$d/current"
    [ -f "$d/v$v/$f" ] || { echo "Field \\"$f\\" not present in secret" >&2; exit 1; }
    readv "$d/v$v/$f"; printf '%s' "$v"; exit 0 ;;
  "kv put")
    mountflag "$@"; kvpre
    cas=-1; l=''
    for a in "$@"; do
      case "$a" in -cas=*) cas="\${a#-cas=}" ;; -*) ;; *=@*) ;; kv | put) ;; *) l="$a" ;; esac
    done
    d="$S/kv/$m/$l"
    logcall "vault PUT $m/data/$l"
    cur=0
    if [ -f "$d/current" ]; then readv "$d/current"; cur="$v"; need update PUT "$m/data/$l" "Error writing data to $m/data/$l"
    else need create PUT "$m/data/$l" "Error writing data to $m/data/$l"; fi
    if [ "$cas" -ge 0 ] && [ "$cas" -ne "$cur" ]; then
      api_error "Error writing data to $m/data/$l" PUT "$m/data/$l" 400 'check-and-set parameter did not match the current version'
    fi
    n=$((cur + 1))
    mkdir -p "$d/v$n"
    for a in "$@"; do
      case "$a" in -*) ;; *=@*) readv "\${a#*=@}"; printf '%s' "$v" >"$d/v$n/\${a%%=@*}" ;; esac
    done
    printf '%s\\n' "$STUB_NOW" >"$d/v$n.created"
    printf '%s\\n' "$n" >"$d/current"
    printf '======= Secret Path =======\\n%s\\n\\n======= Metadata =======\\nversion    %s\\n' "$m/data/$l" "$n"
    exit 0 ;;
  "read -field=last_vault_rotation")
    logcall "vault GET $3"
    need read GET "$3" "Error reading $3"
    [ -f "$S/db/$3/last" ] || { echo "No value found at $3" >&2; exit 2; }
    readv "$S/db/$3/last"; printf '%s' "$v"; exit 0 ;;
  "write -f")
    logcall "vault PUT $3"
    need update PUT "$3" "Error writing data to $3"
    r="$S/db/\${3%%/rotate-role/*}/static-roles/\${3#*/rotate-role/}"
    [ -d "$r" ] || api_error "Error writing data to $3" PUT "$3" 400 'unable to find role'
    readv "$r/serial"; v=$((\${v:-0} + 1)); printf '%s\\n' "$v" >"$r/serial"
    printf 'db-pw-%s-%s\\n' "$v" "$STUB_NOW" >"$r/password"
    printf '%s.123456Z\\n' "\${STUB_NOW_RFC3339%Z}" >"$r/last"
    echo "Success! Data written to: $3"; exit 0 ;;
esac
logcall "vault UNEXPECTED $*"
echo "vault stub: unexpected $*" >&2
exit 64
`;

const KUBECTL_STUB = `#!/bin/sh
${COMMON}
ns=''
prev=''
for a in "$@"; do [ "$prev" = -n ] && ns="$a"; prev="$a"; done
K="$S/k8s/$ns"
notfound() { echo "Error from server (NotFound): $1 \\"$2\\" not found" >&2; exit 1; }
# ESO: copy the provider's current values of every source into the Secret.
eso_sync() { # es
  e="$K/es/$1"
  while read -r kind src key; do
    case "$kind" in
      kv)
        [ -f "$S/kv/$src/current" ] || { printf 'False\\n' >"$e/ready"; return 0; }
        readv "$S/kv/$src/current"
        for f in "$S/kv/$src/v$v"/*; do readv "$f"; printf '%s' "$v" >"$K/secret/\${f##*/}"; done ;;
      db)
        readv "$S/db/$src/password"; printf '%s' "$v" >"$K/secret/$key" ;;
    esac
  done <"$e/sources"
  readv "$e/rv"; printf '%s\\n' "$((\${v:-0} + 1))" >"$e/rv"
  printf 'True\\n' >"$e/ready"
}
case "$1" in
  auth)
    logcall "kubectl auth can-i $3 $4 -n $ns"
    if [ -f "$K/deny" ]; then
      while read -r verb res; do
        if [ "$verb" = "$3" ] && [ "$res" = "$4" ]; then echo no; exit 1; fi
      done <"$K/deny"
    fi
    echo yes; exit 0 ;;
  get)
    logcall "kubectl get $2 $3 -n $ns"
    case "$2" in
      externalsecret)
        [ -d "$K/es/$3" ] || notfound externalsecrets.external-secrets.io "$3"
        readv "$K/es/$3/rv"; r="$v"; readv "$K/es/$3/ready"
        printf '%s %s' "\${r:+$r-stub}" "$v"; exit 0 ;;
      deployment)
        [ -d "$K/deploy/$3" ] || notfound deployments.apps "$3"
        readv "$K/deploy/$3/restartedAt"; printf '%s' "$v"; exit 0 ;;
    esac ;;
  annotate)
    logcall "kubectl annotate $2 $3 \${4%%=*} -n $ns"
    [ -d "$K/es/$3" ] || notfound externalsecrets.external-secrets.io "$3"
    readv "$K/es/$3/force-sync"
    if [ "$v" != "\${4#force-sync=}" ]; then
      printf '%s\\n' "\${4#force-sync=}" >"$K/es/$3/force-sync"
      [ -f "$K/eso-down" ] || eso_sync "$3"
    fi
    echo "externalsecret.external-secrets.io/$3 annotated"; exit 0 ;;
  rollout)
    d="\${3#deployment/}"
    logcall "kubectl rollout $2 $3 -n $ns"
    [ -d "$K/deploy/$d" ] || notfound deployments.apps "$d"
    case "$2" in
      restart)
        printf '%s\\n' "$STUB_NOW_RFC3339" >"$K/deploy/$d/restartedAt"
        # The new pods read the Secret as it is now (a key gone from the Secret is gone from the pods;
        # shell built-ins only, but for that rm).
        [ -d "$K/deploy/$d/pods" ] || mkdir "$K/deploy/$d/pods"
        for f in "$K/deploy/$d/pods"/*; do [ ! -f "$f" ] || [ -f "$K/secret/\${f##*/}" ] || rm -f "$f"; done
        for f in "$K/secret"/*; do [ -f "$f" ] || continue; readv "$f"; printf '%s' "$v" >"$K/deploy/$d/pods/\${f##*/}"; done
        echo "deployment.apps/$d restarted"; exit 0 ;;
      status)
        [ ! -f "$K/deploy/$d/stuck" ] || { echo "error: timed out waiting for the condition" >&2; exit 1; }
        echo "deployment \\"$d\\" successfully rolled out"; exit 0 ;;
    esac ;;
esac
logcall "kubectl UNEXPECTED $*"
echo "kubectl stub: unexpected $*" >&2
exit 64
`;

const DATE_STUB = `#!/bin/sh
case "$*" in
  +%s) printf '%s\\n' "$STUB_NOW" ;;
  *) echo "date stub: unexpected $*" >&2; exit 64 ;;
esac
`;

// One long-lived dash process starts every run of the script. On this kind of machine a fork of the
// Node process running the tests (hundreds of MiB mapped) costs several times a fork of a small
// shell, and a simulation makes thousands of runs: each run is one request to this runner, which
// forks a subshell that takes the run's environment (and nothing else) and execs `<shell> <script>`,
// as spawnSync would. Requests and answers go through two FIFOs, so a run stays synchronous: the
// answer is the run's exit status; when the runner dies, the read sees end-of-file and throws.
const RUNNER = `
exec 3>"$1" 4<"$2"
while IFS= read -r req <&4; do
  (. "$req.env" && exec "$run_shell" "$run_script") >"$req.out" 2>"$req.err" </dev/null
  printf '%s\\n' "$?" >&3
done
`;

interface Runner {
  readonly dir: string;
  readonly requests: number;
  readonly answers: number;
  readonly exited: Promise<void>;
}

let runner: Runner | undefined;

function startRunner(): Runner {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-runner-'));
  const answers = path.join(dir, 'answers');
  const requests = path.join(dir, 'requests');
  const made = spawnSync('mkfifo', [answers, requests], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo: ${made.stderr}`);
  // An empty environment: each run exports its own (dash adds PWD, as it does when spawned directly).
  const child = spawn('/bin/sh', ['-c', RUNNER, 'rotation-runner', answers, requests], { stdio: 'ignore', env: {} });
  child.unref();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Each open blocks until the runner opens the other end (its first command), in this order on both sides.
  const a = fs.openSync(answers, 'r');
  const r = fs.openSync(requests, 'w');
  // Both ends open: the FIFOs' names are no longer needed. The runner's read sees end-of-file when
  // stopRunner closes its end (or this process ends), and the runner ends.
  fs.rmSync(answers);
  fs.rmSync(requests);
  return { dir, requests: r, answers: a, exited };
}

/** Ends the runner and waits for it (an afterAll of each test file that runs the script). */
export async function stopRunner(): Promise<void> {
  if (!runner) return;
  const { dir, requests, answers, exited } = runner;
  runner = undefined;
  fs.closeSync(requests);
  await exited;
  fs.closeSync(answers);
  fs.rmSync(dir, { recursive: true, force: true });
}

let serial = 0;

/** Runs `shell script` with exactly `env` (as spawnSync with `env` would), through the runner. */
function runScript(shell: string, script: string, env: Record<string, string>): { status: number; stdout: string; stderr: string } {
  runner ??= startRunner();
  const req = path.join(runner.dir, `run-${++serial}`);
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  // Exported: the run's environment; not exported: what the runner execs.
  const lines = [...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`), `run_shell=${quote(shell)}`, `run_script=${quote(script)}`];
  fs.writeFileSync(`${req}.env`, lines.map((l) => `${l}\n`).join(''));
  fs.writeSync(runner.requests, `${req}\n`);
  let answer = '';
  const buffer = Buffer.alloc(64);
  while (!answer.endsWith('\n')) {
    const n = fs.readSync(runner.answers, buffer, 0, buffer.length, null);
    if (n === 0) throw new Error('the rotation runner exited');
    answer += buffer.toString('utf8', 0, n);
  }
  const result = { status: Number(answer.trim()), stdout: fs.readFileSync(`${req}.out`, 'utf8'), stderr: fs.readFileSync(`${req}.err`, 'utf8') };
  for (const ext of ['env', 'out', 'err']) fs.rmSync(`${req}.${ext}`, { force: true });
  return result;
}

/** An RFC 3339 UTC time (whole seconds), as kubectl's time.Now().Format(time.RFC3339) in UTC. */
export function rfc3339(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const DAY = 86400;

/** One environment of the world: a namespace with its ExternalSecret and Deployments (Vault roles: grant). */
export interface WorldEnvironment {
  readonly name: string;
  readonly namespace: string;
  readonly externalSecret: string;
  readonly deployments: string[];
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The stub calls of this run, e.g. `vault PATCH secret/metadata/veza/production/signing-secret`. */
  readonly calls: string[];
  /** The stub call the kill hit, if any. */
  readonly killedAt?: number;
}

export class RotationWorld {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-world-'));
  private readonly bin = path.join(this.dir, 'bin');
  readonly state = path.join(this.dir, 'state');
  /** Every output of every run, to scan for values. */
  readonly outputs: string[] = [];
  now = 0;

  constructor() {
    fs.mkdirSync(this.bin);
    fs.mkdirSync(path.join(this.state, 'caps'), { recursive: true });
    fs.writeFileSync(path.join(this.bin, 'vault'), VAULT_STUB, { mode: 0o755 });
    fs.writeFileSync(path.join(this.bin, 'kubectl'), KUBECTL_STUB, { mode: 0o755 });
    fs.writeFileSync(path.join(this.bin, 'date'), DATE_STUB, { mode: 0o755 });
    fs.writeFileSync(path.join(this.state, 'calls'), '');
    fs.writeFileSync(path.join(this.dir, 'sa-token'), 'PROJECTED.SA.TOKEN');
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private k8s(ns: string, ...parts: string[]): string {
    return path.join(this.state, 'k8s', ns, ...parts);
  }

  /** Grants `role` these capabilities on `vaultPath` (kept sorted, as the CLI prints them). */
  grant(role: string, vaultPath: string, capabilities: string[]): void {
    const file = path.join(this.state, 'caps', role);
    const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith(`${vaultPath} `)) : [];
    if (capabilities.length > 0) lines.push(`${vaultPath} ${[...capabilities].sort().join(' ')}`);
    fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  }

  /** Creates the namespace's ExternalSecret (reading `sources`: `kv <mount>/<path>` or `db <mount>/static-roles/<role> <key>`) and Deployments. */
  addEnvironment(env: WorldEnvironment, sources: string[]): void {
    const es = this.k8s(env.namespace, 'es', env.externalSecret);
    fs.mkdirSync(es, { recursive: true });
    fs.writeFileSync(path.join(es, 'sources'), sources.map((s) => `${s}\n`).join(''));
    fs.writeFileSync(path.join(es, 'rv'), '1\n');
    fs.writeFileSync(path.join(es, 'ready'), 'False\n');
    fs.mkdirSync(this.k8s(env.namespace, 'secret'), { recursive: true });
    for (const d of env.deployments) this.addDeployment(env.namespace, d);
  }

  addDeployment(ns: string, name: string): void {
    fs.mkdirSync(this.k8s(ns, 'deploy', name, 'pods'), { recursive: true });
    fs.writeFileSync(this.k8s(ns, 'deploy', name, 'restartedAt'), '');
  }

  removeDeployment(ns: string, name: string): void {
    fs.rmSync(this.k8s(ns, 'deploy', name), { recursive: true, force: true });
  }

  removeExternalSecret(ns: string, name: string): void {
    fs.rmSync(this.k8s(ns, 'es', name), { recursive: true, force: true });
  }

  /** `kubectl auth can-i <verb> <resource>` answers no in `ns`. */
  deny(ns: string, verb: string, resource: string): void {
    fs.appendFileSync(this.k8s(ns, 'deny'), `${verb} ${resource}\n`);
  }

  /** The next logins fail. */
  set loginFails(fails: boolean) {
    const f = path.join(this.state, 'login-fails');
    if (fails) fs.writeFileSync(f, '');
    else fs.rmSync(f, { force: true });
  }

  /**
   * ESO's periodic refresh (no restart): the Secret takes the provider's current values. The same
   * copy as the kubectl stub's `eso_sync`, done here without a process (it runs after every run).
   */
  esoRefresh(ns: string): void {
    const esDir = this.k8s(ns, 'es');
    for (const es of fs.readdirSync(esDir)) {
      for (const line of fs.readFileSync(path.join(esDir, es, 'sources'), 'utf8').split('\n').filter((l) => l !== '')) {
        const [kind, src, key] = line.split(' ');
        if (kind === 'kv') {
          const [mount, ...rest] = src.split('/');
          if (this.kvVersion(mount, rest.join('/')) === 0) continue;
          for (const [k, v] of Object.entries(this.kvData(mount, rest.join('/')))) fs.writeFileSync(this.k8s(ns, 'secret', k), v);
        } else {
          fs.writeFileSync(this.k8s(ns, 'secret', key), this.read(path.join(this.state, 'db', src, 'password')).trim());
        }
      }
    }
  }

  /** A database static role as Vault's configure script creates it (first rotation at creation). */
  addStaticRole(mount: string, role: string, rotatedAt: number): void {
    const dir = path.join(this.state, 'db', mount, 'static-roles', role);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'serial'), '0\n');
    fs.writeFileSync(path.join(dir, 'password'), `db-pw-0-${rotatedAt}\n`);
    fs.writeFileSync(path.join(dir, 'last'), `${rfc3339(rotatedAt).replace(/Z$/, '.5Z')}\n`);
  }

  /** Vault rotates the static role by itself (its rotation_period backstop, or someone by hand). */
  vaultRotatesRole(mount: string, role: string, at: number): void {
    const dir = path.join(this.state, 'db', mount, 'static-roles', role);
    const serial = Number(fs.readFileSync(path.join(dir, 'serial'), 'utf8')) + 1;
    fs.writeFileSync(path.join(dir, 'serial'), `${serial}\n`);
    fs.writeFileSync(path.join(dir, 'password'), `db-pw-${serial}-${at}\n`);
    fs.writeFileSync(path.join(dir, 'last'), `${rfc3339(at).replace(/Z$/, '.000001Z')}\n`);
  }

  dbPassword(mount: string, role: string): string {
    return this.read(path.join(this.state, 'db', mount, 'static-roles', role, 'password')).trim();
  }

  /** A copy of this world (its state and clock), to replay a scenario from the same point. */
  clone(): RotationWorld {
    const copy = new RotationWorld();
    fs.rmSync(copy.state, { recursive: true, force: true });
    fs.cpSync(this.state, copy.state, { recursive: true });
    copy.now = this.now;
    return copy;
  }

  private read(file: string): string {
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** KV v2: the current version (0: absent). */
  kvVersion(mount: string, kvPath: string): number {
    return Number(this.read(path.join(this.state, 'kv', mount, kvPath, 'current')).trim() || '0');
  }

  /** KV v2: the data of a version (default: the current one). */
  kvData(mount: string, kvPath: string, version = this.kvVersion(mount, kvPath)): Record<string, string> {
    const dir = path.join(this.state, 'kv', mount, kvPath, `v${version}`);
    if (!fs.existsSync(dir)) return {};
    return Object.fromEntries(fs.readdirSync(dir).sort().map((k) => [k, fs.readFileSync(path.join(dir, k), 'utf8')]));
  }

  /** KV v2: created_time (epoch) of a version. */
  kvCreated(mount: string, kvPath: string, version: number): number {
    return Number(this.read(path.join(this.state, 'kv', mount, kvPath, `v${version}.created`)).trim());
  }

  /** KV v2: the custom metadata. */
  kvMeta(mount: string, kvPath: string): Record<string, string> {
    const dir = path.join(this.state, 'kv', mount, kvPath, 'meta');
    if (!fs.existsSync(dir)) return {};
    return Object.fromEntries(fs.readdirSync(dir).sort().map((k) => [k, fs.readFileSync(path.join(dir, k), 'utf8').trim()]));
  }

  /** Writes custom metadata as `vault kv metadata patch` would (an operator's "rotate now"). */
  patchMeta(mount: string, kvPath: string, meta: Record<string, string>): void {
    const dir = path.join(this.state, 'kv', mount, kvPath, 'meta');
    fs.mkdirSync(dir, { recursive: true });
    for (const [k, v] of Object.entries(meta)) fs.writeFileSync(path.join(dir, k), `${v}\n`);
  }

  /** What the pods of a Deployment hold (the Secret's data when they last restarted). */
  pods(ns: string, deployment: string): Record<string, string> {
    const dir = this.k8s(ns, 'deploy', deployment, 'pods');
    if (!fs.existsSync(dir)) return {};
    return Object.fromEntries(fs.readdirSync(dir).sort().map((k) => [k, fs.readFileSync(path.join(dir, k), 'utf8')]));
  }

  /** The Secret's data. */
  secret(ns: string): Record<string, string> {
    const dir = this.k8s(ns, 'secret');
    return Object.fromEntries(fs.readdirSync(dir).sort().map((k) => [k, fs.readFileSync(path.join(dir, k), 'utf8')]));
  }

  restartedAt(ns: string, deployment: string): string {
    return this.read(this.k8s(ns, 'deploy', deployment, 'restartedAt')).trim();
  }

  /** Every Vault capability checked so far: `<role> <path> <capability>`, deduplicated, sorted. */
  capabilitiesUsed(): string[] {
    return [...new Set(this.read(path.join(this.state, 'used')).split('\n').filter((l) => l !== ''))].sort();
  }

  /** Every stub call so far. */
  allCalls(): string[] {
    return this.read(path.join(this.state, 'calls')).split('\n').filter((l) => l !== '');
  }

  private env(extra: Record<string, string>): Record<string, string> {
    return {
      PATH: `${this.bin}:/usr/bin:/bin`,
      HOME: this.dir,
      STUB_STATE: this.state,
      STUB_NOW: String(this.now),
      STUB_NOW_RFC3339: rfc3339(this.now),
      VAULT_ADDR: 'https://vault.example:8200',
      ...extra,
    };
  }

  /**
   * Runs the real script under `shell` with `env` at the world's clock; `killAt` = `<n>:before|after`
   * fails the n-th stub call before or after its effect.
   */
  run(env: Record<string, string>, shell = 'sh', killAt?: string): RunResult {
    const callsFile = path.join(this.state, 'calls');
    const before = fs.statSync(callsFile).size;
    fs.rmSync(path.join(this.state, 'count'), { force: true });
    fs.rmSync(path.join(this.state, 'killed'), { force: true });
    const work = path.join(this.dir, 'work');
    fs.mkdirSync(work, { recursive: true });
    const r = runScript(shell, ROTATION_SCRIPT, this.env({ ROTATION_VAULT_TOKEN_FILE: path.join(this.dir, 'sa-token'), ROTATION_WORK_DIR: work, ROTATION_SYNC_INTERVAL: '0', ...env, ...(killAt ? { STUB_KILL_AT: killAt } : {}) }));
    const left = fs.readdirSync(work);
    if (left.length > 0) throw new Error(`the script left ${left.join(', ')} in its work folder`);
    this.outputs.push(r.stdout, r.stderr);
    const killed = this.read(path.join(this.state, 'killed')).trim();
    const size = fs.statSync(callsFile).size;
    const fd = fs.openSync(callsFile, 'r');
    const buffer = Buffer.alloc(size - before);
    fs.readSync(fd, buffer, 0, buffer.length, before);
    fs.closeSync(fd);
    const calls = buffer.toString('utf8').split('\n').filter((l) => l !== '');
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls, killedAt: killed === '' ? undefined : Number(killed) };
  }
}

/** Stub calls that change something (Vault writes, kubectl annotate / rollout restart). */
export function isWrite(call: string): boolean {
  if (/^vault (PUT|POST|PATCH|DELETE) /.test(call)) return !/^vault (PUT auth\/[^ ]+\/login|POST sys\/capabilities-self)$/.test(call);
  return /^kubectl (annotate|rollout restart) /.test(call);
}

/**
 * The Vault capability each logged request needs (`<path> <capability>`), for policy comparisons:
 * login and sys/capabilities-self need none (unauthenticated / default policy), nor does the KV
 * CLI's sys/internal/ui/mounts preflight. PUT on KV data is create (absent) or update (present):
 * callers pass the secret's existence per call through `created`.
 */
export function vaultRequests(calls: string[]): string[] {
  return calls.filter((c) => c.startsWith('vault ') && !/ (auth\/[^ ]+\/login|sys\/capabilities-self|sys\/internal\/ui\/mounts\/.*)$/.test(c)).map((c) => c.slice('vault '.length));
}
