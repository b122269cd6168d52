#!/bin/sh
# Rotates one rotation class, safely enough to run every day (docs/rotation.md, "How the job decides
# and resumes"). Each run:
#   1. logs in to Vault (Kubernetes auth, projected service-account token) and reads its state
#      (read-only), then decides what is due:
#      generate         the class's own KV v2 secret (<mount>/<path>) holds each key K and K-previous;
#                       its custom_metadata holds the state machine (rotation-phase, rotation-version,
#                       rotation-day, rotation-kind, rotation-job, grace-until, rotation-requested).
#                       Bootstrap when the secret is absent; rotate when today >= rotation-day +
#                       interval (+ offset while it is the bootstrap version) or rotation-requested=true;
#                       retire K-previous (:= K) at the first run past grace-until.
#      database-engine  the static role's last_vault_rotation: rotate-role when today >= its day +
#                       interval; heal (re-sync and restart) when a consumer was last restarted before it.
#      Nothing due: one log line saying until when, exit 0.
#   2. pre-flight, read-only, before the first write: its Vault capabilities on the exact paths,
#      `kubectl auth can-i` for each verb and name, the ExternalSecret and the Deployments exist.
#      Any failure: exit 1, nothing written.
#   3. writes (generate: the state first, then the data with check-and-set), forces the ExternalSecret
#      to re-sync, waits until ESO reports the sync, restarts each Deployment and waits for its rollout.
# A run killed or failed at any step resumes there on the next run (the state says where): one
# rotation per due date, and consumers always end on the value Vault holds.
# Values exist only in files of a private folder (never on argv, stdout, stderr or in the log).
#
# Inputs (environment variables, set by the CronJob that runs it):
#   ROTATION_METHOD             generate | database-engine
#   ROTATION_CLASS              the rotation class (signing-secret), for the log and the state
#   ROTATION_NAMESPACE          the namespace of the ExternalSecret and the Deployments
#   ROTATION_EXTERNAL_SECRET    the ExternalSecret to re-sync
#   ROTATION_DEPLOYMENTS        the Deployments to restart, separated by spaces
#   ROTATION_VAULT_AUTH_MOUNT   where Vault's Kubernetes auth is mounted (kubernetes)
#   ROTATION_VAULT_ROLE         the Vault role to log in as (veza-<env>-rotation-<class>, the job's own)
#   ROTATION_VAULT_TOKEN_FILE   the projected service-account token whose audience is Vault's
#   ROTATION_WORK_DIR           a private writable folder (a memory-backed emptyDir)
#   ROTATION_INTERVAL_DAYS      whole days between two rotations (90)
#   ROTATION_OFFSET_DAYS        whole days added to the first rotation after bootstrap (0/7/14)
#   ROTATION_JOB_UID            the Job's UID, recorded in the state
#   VAULT_ADDR (and VAULT_CACERT) are read by the vault CLI itself.
# generate only:
#   ROTATION_KEYS               the KV properties to regenerate, separated by spaces
#   ROTATION_PREVIOUS_SUFFIX    the suffix of the previous value's key (-previous)
#   ROTATION_GRACE_SECONDS      how long the previous value stays accepted after a rotation (86400)
#   ROTATION_KV_MOUNT           the KV v2 mount (secret)
#   ROTATION_KV_PATH            the class's own secret under that mount (veza/<env>/<class>)
# database-engine only:
#   ROTATION_DB_MOUNT           the database secrets engine's mount (database)
#   ROTATION_DB_ROLE            the static role (veza-<env>-app)
# Optional:
#   ROTATION_VALUE_BYTES        random bytes per value (default 48: 64 base64url characters)
#   ROTATION_SYNC_ATTEMPTS      how many times to check the ExternalSecret (default 60)
#   ROTATION_SYNC_INTERVAL      seconds between two checks (default 5)
#   ROTATION_ROLLOUT_TIMEOUT    how long to wait for each rollout (default 600s)
set -eu
umask 077

log() {
  printf 'rotate-secrets: %s: %s\n' "${ROTATION_CLASS:-?}" "$*" >&2
}

fail() {
  log "error: $*"
  exit 1
}

# A required variable: one line naming it when it is missing or empty.
required() {
  eval "required_value=\${$1:-}"
  [ -n "$required_value" ] || fail "$1 is required"
}

whole() {
  case "$2" in '' | *[!0-9]*) fail "$1 must be a whole number, not '$2'" ;; esac
}

for name in ROTATION_METHOD ROTATION_CLASS ROTATION_NAMESPACE ROTATION_EXTERNAL_SECRET ROTATION_DEPLOYMENTS \
  ROTATION_VAULT_AUTH_MOUNT ROTATION_VAULT_ROLE ROTATION_VAULT_TOKEN_FILE ROTATION_WORK_DIR \
  ROTATION_INTERVAL_DAYS ROTATION_OFFSET_DAYS ROTATION_JOB_UID VAULT_ADDR; do
  required "$name"
done
case "$ROTATION_METHOD" in
  generate)
    for name in ROTATION_KEYS ROTATION_PREVIOUS_SUFFIX ROTATION_GRACE_SECONDS ROTATION_KV_MOUNT ROTATION_KV_PATH; do
      required "$name"
    done
    ;;
  database-engine)
    for name in ROTATION_DB_MOUNT ROTATION_DB_ROLE; do required "$name"; done
    ;;
  *) fail "ROTATION_METHOD must be generate or database-engine, not '$ROTATION_METHOD'" ;;
esac
class="$ROTATION_CLASS"
ns="$ROTATION_NAMESPACE"
es="$ROTATION_EXTERNAL_SECRET"
interval_days="$ROTATION_INTERVAL_DAYS"
offset_days="$ROTATION_OFFSET_DAYS"
job="$ROTATION_JOB_UID"
bytes="${ROTATION_VALUE_BYTES:-48}"
attempts="${ROTATION_SYNC_ATTEMPTS:-60}"
sync_interval="${ROTATION_SYNC_INTERVAL:-5}"
rollout_timeout="${ROTATION_ROLLOUT_TIMEOUT:-600s}"

case "$class" in *[!-a-z0-9]*) fail "ROTATION_CLASS: '$class' is not a rotation class name (a-z, 0-9, -)" ;; esac
whole ROTATION_INTERVAL_DAYS "$interval_days"
[ "$interval_days" -ge 1 ] || fail "ROTATION_INTERVAL_DAYS must be at least 1, not $interval_days"
whole ROTATION_OFFSET_DAYS "$offset_days"
case "$job" in *[!-a-z0-9]*) fail "ROTATION_JOB_UID: '$job' is not a Job UID (a-z, 0-9, -)" ;; esac
whole ROTATION_VALUE_BYTES "$bytes"
[ "$bytes" -ge 32 ] || fail "ROTATION_VALUE_BYTES must be at least 32, not $bytes"
case "$attempts" in '' | *[!0-9]* | 0) fail "ROTATION_SYNC_ATTEMPTS must be a whole number above 0, not '$attempts'" ;; esac
whole ROTATION_SYNC_INTERVAL "$sync_interval"
case "$rollout_timeout" in
  *[!0-9smh]* | [!0-9]* | *[smh]*[0-9smh]) fail "ROTATION_ROLLOUT_TIMEOUT must be seconds or a duration like 600s or 10m, not '$rollout_timeout'" ;;
  *[0-9]) rollout_timeout="${rollout_timeout}s" ;;
esac
for deployment in $ROTATION_DEPLOYMENTS; do
  case "$deployment" in *[!-.a-z0-9]*) fail "ROTATION_DEPLOYMENTS: '$deployment' is not a Deployment name" ;; esac
done
if [ "$ROTATION_METHOD" = generate ]; then
  whole ROTATION_GRACE_SECONDS "$ROTATION_GRACE_SECONDS"
  [ "$ROTATION_GRACE_SECONDS" -lt $((interval_days * 86400)) ] ||
    fail "ROTATION_GRACE_SECONDS must be shorter than the interval ($interval_days days), not $ROTATION_GRACE_SECONDS"
  for key in $ROTATION_KEYS; do
    case "$key" in *[!-._a-zA-Z0-9]*) fail "ROTATION_KEYS: '$key' is not a Secret data key" ;; esac
  done
  case "$ROTATION_PREVIOUS_SUFFIX" in *[!-._a-zA-Z0-9]*) fail "ROTATION_PREVIOUS_SUFFIX: '$ROTATION_PREVIOUS_SUFFIX' is not a Secret data key suffix" ;; esac
  kv_mount="$ROTATION_KV_MOUNT"
  kv_path="$ROTATION_KV_PATH"
  data_path="$kv_mount/data/$kv_path"
  metadata_path="$kv_mount/metadata/$kv_path"
  suffix="$ROTATION_PREVIOUS_SUFFIX"
else
  static_role_path="$ROTATION_DB_MOUNT/static-roles/$ROTATION_DB_ROLE"
  rotate_role_path="$ROTATION_DB_MOUNT/rotate-role/$ROTATION_DB_ROLE"
fi
[ -r "$ROTATION_VAULT_TOKEN_FILE" ] || fail "no service-account token at $ROTATION_VAULT_TOKEN_FILE"

# Values (and the CLI's error output) live only in this folder, removed on every exit.
work="$ROTATION_WORK_DIR/values.$$"
mkdir "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

# --- Dates: whole UTC days, computed with shell arithmetic (no `date -d`: busybox and GNU differ).

# days_from_civil Y M D -> $days (days since 1970-01-01).
days_from_civil() {
  dy=$1
  dm=${2#0}
  dd=${3#0}
  if [ "$dm" -le 2 ]; then dy=$((dy - 1)); fi
  dera=$((dy / 400))
  dyoe=$((dy - dera * 400))
  if [ "$dm" -gt 2 ]; then dmp=$((dm - 3)); else dmp=$((dm + 9)); fi
  ddoy=$(((153 * dmp + 2) / 5 + dd - 1))
  ddoe=$((dyoe * 365 + dyoe / 4 - dyoe / 100 + ddoy))
  days=$((dera * 146097 + ddoe - 719468))
}

# civil_from_days N -> $civil (YYYY-MM-DD).
civil_from_days() {
  cz=$(($1 + 719468))
  cera=$((cz / 146097))
  cdoe=$((cz - cera * 146097))
  cyoe=$(((cdoe - cdoe / 1460 + cdoe / 36524 - cdoe / 146096) / 365))
  cy=$((cyoe + cera * 400))
  cdoy=$((cdoe - (365 * cyoe + cyoe / 4 - cyoe / 100)))
  cmp=$(((5 * cdoy + 2) / 153))
  cd=$((cdoy - (153 * cmp + 2) / 5 + 1))
  if [ "$cmp" -lt 10 ]; then cm=$((cmp + 3)); else cm=$((cmp - 9)); fi
  if [ "$cm" -le 2 ]; then cy=$((cy + 1)); fi
  [ "$cm" -ge 10 ] || cm="0$cm"
  [ "$cd" -ge 10 ] || cd="0$cd"
  civil="$cy-$cm-$cd"
}

# rfc3339_epoch WHAT TIME -> $epoch (whole seconds; fraction dropped; Z or +hh:mm / -hh:mm).
rfc3339_epoch() {
  t="$2"
  case "$t" in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9]*) ;;
    *) fail "$1: '$t' is not an RFC 3339 time" ;;
  esac
  rest="${t#*-}"
  tmonth="${rest%%-*}"
  rest="${rest#*-}"
  days_from_civil "${t%%-*}" "$tmonth" "${rest%%[Tt]*}"
  rest="${rest#*[Tt]}"
  th="${rest%%:*}"
  rest="${rest#*:}"
  tm="${rest%%:*}"
  rest="${rest#*:}"
  zone="${rest#??}"
  ts="${rest%"$zone"}"
  case "$zone" in .*) zone="${zone#.}" && zone="${zone#"${zone%%[!0-9]*}"}" ;; esac
  epoch=$((days * 86400 + ${th#0} * 3600 + ${tm#0} * 60 + ${ts#0}))
  case "$zone" in
    Z | z) ;;
    [+-][0-9][0-9]:[0-9][0-9])
      zh="${zone#?}"
      zh="${zh%%:*}"
      zm="${zone#???:}"
      zoff=$((${zh#0} * 3600 + ${zm#0} * 60))
      case "$zone" in +*) epoch=$((epoch - zoff)) ;; *) epoch=$((epoch + zoff)) ;; esac
      ;;
    *) fail "$1: '$t' is not an RFC 3339 time" ;;
  esac
}

now="$(date +%s)"
whole 'date +%s' "$now"
today=$((now / 86400))

# --- Vault and Kubernetes calls (each logged step is one line).

log "logging in to Vault as role $ROTATION_VAULT_ROLE"
# jwt=@file: the token is read from the file by the CLI, never put on argv.
VAULT_TOKEN="$(vault write -field=token "auth/$ROTATION_VAULT_AUTH_MOUNT/login" "role=$ROTATION_VAULT_ROLE" "jwt=@$ROTATION_VAULT_TOKEN_FILE")" ||
  fail "pre-flight: Vault login failed; nothing written"
[ -n "$VAULT_TOKEN" ] || fail "pre-flight: Vault login returned no token; nothing written"
export VAULT_TOKEN

# require_capabilities PATH CAPABILITY...: `vault token capabilities` prints them sorted, joined by ", ".
require_capabilities() {
  cap_path="$1"
  shift
  caps="$(vault token capabilities "$cap_path")" || fail "pre-flight: cannot read the token's capabilities on $cap_path; nothing written"
  for cap in "$@"; do
    case ", $caps, " in
      *", $cap, "* | *", root, "*) ;;
      *) fail "pre-flight: the Vault token lacks '$cap' on $cap_path (it has: $caps); nothing written" ;;
    esac
  done
}

# require_can_i VERB RESOURCE/NAME: `kubectl auth can-i` prints yes (exit 0) or no (exit 1).
require_can_i() {
  answer="$(kubectl auth can-i "$1" "$2" -n "$ns" 2>"$work/stderr")" || answer="${answer:-no}"
  [ "$answer" = yes ] || fail "pre-flight: the service account may not $1 $2 in $ns; nothing written"
}

# restarted_at DEPLOYMENT -> $restarted (the kubectl.kubernetes.io/restartedAt annotation, may be empty);
# returns 1 when the Deployment cannot be read.
restarted_at() {
  restarted="$(kubectl get deployment "$1" -n "$ns" -o 'jsonpath={.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}' 2>"$work/stderr")"
}

preflight_kubernetes() {
  for verb in get patch; do require_can_i "$verb" "externalsecrets.external-secrets.io/$es"; done
  # rollout restart: get + patch; rollout status: get + list + watch (a metadata.name field selector).
  for deployment in $ROTATION_DEPLOYMENTS; do
    for verb in get patch list watch; do require_can_i "$verb" "deployments.apps/$deployment"; done
  done
  es_state >/dev/null || fail "pre-flight: externalsecret/$es not found in $ns; nothing written"
}

# es_state -> "<syncedResourceVersion> <Ready status>"
es_state() {
  kubectl get externalsecret "$es" -n "$ns" \
    -o 'jsonpath={.status.syncedResourceVersion} {.status.conditions[?(@.type=="Ready")].status}'
}

# existing_deployments (sets $present): the Deployments that exist; fails on a missing one unless $1 = optional.
existing_deployments() {
  present=''
  for deployment in $ROTATION_DEPLOYMENTS; do
    if restarted_at "$deployment"; then
      present="$present $deployment"
    elif [ "$1" = optional ]; then
      log "deployment/$deployment does not exist yet; it will read the values when it starts"
    else
      fail "pre-flight: deployment/$deployment not found in $ns; nothing written"
    fi
  done
  present="${present# }"
}

# Force ESO to re-sync and wait until it reports the new sync (status.syncedResourceVersion changes
# with the annotation, Ready=True).
sync_external_secret() {
  state="$(es_state)" || fail "cannot read externalsecret/$es"
  before="${state%% *}"
  log "forcing externalsecret/$es to re-sync"
  kubectl annotate externalsecret "$es" "force-sync=$(date +%s)" --overwrite -n "$ns" >/dev/null ||
    fail "cannot annotate externalsecret/$es; the next run resumes here"
  tries=0
  while :; do
    tries=$((tries + 1))
    state="$(es_state)" || fail "cannot read externalsecret/$es; the next run resumes here"
    version="${state%% *}"
    ready="${state#* }"
    if [ -n "$version" ] && [ "$version" != "$before" ] && [ "$ready" = True ]; then
      break
    fi
    [ "$tries" -lt "$attempts" ] ||
      fail "externalsecret/$es did not sync after $attempts checks; Deployments not restarted (the next run resumes here)"
    sleep "$sync_interval"
  done
  log "externalsecret/$es synced"
}

restart_deployments() {
  for deployment in $1; do
    log "restarting deployment/$deployment"
    kubectl rollout restart "deployment/$deployment" -n "$ns" >/dev/null ||
      fail "cannot restart deployment/$deployment; the next run resumes here"
  done
  for deployment in $1; do
    kubectl rollout status "deployment/$deployment" -n "$ns" "--timeout=$rollout_timeout" >/dev/null ||
      fail "deployment/$deployment did not finish its rollout within $rollout_timeout; the next run resumes here"
    log "deployment/$deployment rolled out"
  done
}

# ============================================================ database-engine
if [ "$ROTATION_METHOD" = database-engine ]; then
  # The oldest restart among the consumers (0: never restarted by kubectl).
  oldest=''
  for deployment in $ROTATION_DEPLOYMENTS; do
    restarted_at "$deployment" || fail "cannot read deployment/$deployment in $ns; nothing written"
    if [ -z "$restarted" ]; then
      epoch=0
    else
      rfc3339_epoch "deployment/$deployment restartedAt" "$restarted"
    fi
    if [ -z "$oldest" ] || [ "$epoch" -lt "$oldest" ]; then oldest="$epoch"; fi
  done
  last="$(vault read -field=last_vault_rotation "$static_role_path")" ||
    fail "cannot read last_vault_rotation of $static_role_path; nothing written"
  rfc3339_epoch "$static_role_path last_vault_rotation" "$last"
  last_epoch="$epoch"
  due_day=$((last_epoch / 86400 + interval_days))
  civil_from_days $((last_epoch / 86400))
  if [ "$today" -ge "$due_day" ]; then
    action=rotate
    log "due: last rotated by Vault on $civil, every $interval_days days"
  elif [ "$oldest" -lt "$last_epoch" ]; then
    action=heal
    log "healing: Vault rotated $static_role_path on $civil, after the last restart of the consumers"
  else
    last_civil="$civil"
    civil_from_days "$due_day"
    log "not due until $civil (last rotated by Vault on $last_civil, every $interval_days days); consumers restarted since"
    exit 0
  fi
  require_capabilities "$static_role_path" read
  require_capabilities "$rotate_role_path" update
  preflight_kubernetes
  existing_deployments required
  log "pre-flight passed"
  if [ "$action" = rotate ]; then
    log "rotating $rotate_role_path"
    vault write -f "$rotate_role_path" >/dev/null ||
      fail "rotating $rotate_role_path failed; the next run heals the consumers if Vault rotated it"
  fi
  sync_external_secret
  restart_deployments "$present"
  log "done"
  exit 0
fi

# ============================================================ generate

# current_version: absent secret -> `No value found at <mount>/metadata/<path>`, exit 2.
if current="$(vault kv metadata get "-mount=$kv_mount" -field=current_version "$kv_path" 2>"$work/stderr")"; then
  whole "current_version of $metadata_path" "$current"
  exists=yes
elif grep -q '^No value found at ' "$work/stderr"; then
  current=0
  exists=no
else
  cat "$work/stderr" >&2
  fail "cannot read $metadata_path; nothing written"
fi

# custom_metadata: Go's %v of a map (`map[k1:v1 k2:v2]`); never set -> `Field "custom_metadata" not
# present in secret`, exit 1 (PrintRawField: a null field is an error, command/util.go).
meta=''
if [ "$exists" = yes ]; then
  if meta="$(vault kv metadata get "-mount=$kv_mount" -field=custom_metadata "$kv_path" 2>"$work/stderr")"; then
    :
  elif grep -q 'not present in secret' "$work/stderr"; then
    meta=''
  else
    cat "$work/stderr" >&2
    fail "cannot read the custom metadata of $metadata_path; nothing written"
  fi
fi
case "$meta" in map\[*\]) meta="${meta#map[}" && meta=" ${meta%]} " ;; *) meta=' ' ;; esac

# meta_get KEY VARIABLE: sets VARIABLE to the value of KEY in the custom metadata ('' when absent).
meta_get() {
  meta_value=''
  case "$meta" in *" $1:"*) meta_value="${meta#*" $1:"}" && meta_value="${meta_value%% *}" ;; esac
  eval "$2=\$meta_value"
}
phase='' target='' day='' kind='' last_job='' grace_until='' requested=''
meta_get rotation-phase phase
meta_get rotation-version target
meta_get rotation-day day
meta_get rotation-kind kind
meta_get rotation-job last_job
meta_get grace-until grace_until
meta_get rotation-requested requested
for field in "rotation-version:$target" "rotation-day:$day" "grace-until:$grace_until"; do
  case "${field#*:}" in *[!0-9]*) fail "the custom metadata of $metadata_path has a bad ${field%%:*}: '${field#*:}'" ;; esac
done

# preflight: before the first write, everything the run may touch (read-only).
preflight() {
  require_capabilities "$data_path" create read update
  require_capabilities "$metadata_path" patch read
  preflight_kubernetes
  if [ "$exists" = yes ]; then existing_deployments required; else existing_deployments optional; fi
  log "pre-flight passed"
}

# patch_state KEY=VALUE...: merges keys into the custom metadata (an HTTP PATCH, JSON merge patch).
# Keys and values are free of spaces, ':' and ']' (they are read back from Go's %v of the map).
patch_state() {
  count=$#
  while [ "$count" -gt 0 ]; do
    set -- "$@" "-custom-metadata=$1"
    shift
    count=$((count - 1))
  done
  vault kv metadata patch "-mount=$kv_mount" "$@" "$kv_path" >/dev/null ||
    fail "cannot write the state of $metadata_path; the next run resumes here"
}

# new_value FILE: a random base64url value.
new_value() {
  head -c "$bytes" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$1"
  length="$(wc -c <"$1" | tr -d ' ')"
  [ "$length" -ge 43 ] || fail "could not generate a value"
}

# read_value KEY FILE: the current value of KEY into FILE; returns 1 when KEY is not in the secret.
read_value() {
  if vault kv get "-mount=$kv_mount" "-field=$1" "$kv_path" >"$2" 2>"$work/stderr"; then
    return 0
  fi
  grep -q 'not present in secret' "$work/stderr" && return 1
  cat "$work/stderr" >&2
  fail "cannot read $1 from $data_path; nothing written"
}

# write_values KIND CAS: builds each K and K-previous in files, then one `vault kv put -cas`.
write_values() {
  write_kind="$1"
  write_cas="$2"
  set --
  for key in $ROTATION_KEYS; do
    case "$write_kind" in
      bootstrap)
        if [ "$write_cas" -eq 0 ] || ! read_value "$key" "$work/$key"; then new_value "$work/$key"; fi
        cp "$work/$key" "$work/$key.previous"
        ;;
      rotation)
        read_value "$key" "$work/$key.previous" || new_value "$work/$key.previous"
        new_value "$work/$key"
        ;;
      retire)
        read_value "$key" "$work/$key" || fail "$key is missing from $data_path; cannot retire $key$suffix"
        cp "$work/$key" "$work/$key.previous"
        ;;
    esac
    set -- "$@" "$key=@$work/$key" "$key$suffix=@$work/$key.previous"
  done
  log "writing version $((write_cas + 1)) of $data_path ($write_kind: $ROTATION_KEYS)"
  if ! vault kv put "-mount=$kv_mount" "-cas=$write_cas" "$kv_path" "$@" >/dev/null 2>"$work/stderr"; then
    cat "$work/stderr" >&2
    fail "writing $data_path failed (check-and-set on version $write_cas); the next run resumes here"
  fi
  for key in $ROTATION_KEYS; do rm -f "$work/$key" "$work/$key.previous"; done
}

# finish KIND: re-sync, restart, then the final state.
finish() {
  if [ "$phase" != synced ]; then
    sync_external_secret
    patch_state rotation-phase=synced
  fi
  restart_deployments "$present"
  if [ "$1" = rotation ]; then
    grace_end=$(($(date +%s) + ROTATION_GRACE_SECONDS))
    patch_state rotation-phase=grace "grace-until=$grace_end"
    log "done: rotated $ROTATION_KEYS; $ROTATION_KEYS with suffix $suffix accepted until epoch $grace_end"
  else
    patch_state rotation-phase=done
    log "done: $1 of $ROTATION_KEYS"
  fi
}

# start KIND DAY: record the intended version, then write it (state before data).
start() {
  preflight
  target=$((current + 1))
  if [ "$current" -eq 0 ] && [ "$exists" = no ]; then
    # No metadata exists before the first write (a PATCH on it is a 404): write with cas=0 (only
    # if still absent), then record the state.
    write_values bootstrap 0
    patch_state rotation-phase=written "rotation-version=$target" "rotation-day=$2" rotation-kind=bootstrap "rotation-job=$job"
  else
    if [ "$requested" = true ]; then
      patch_state rotation-phase=writing "rotation-version=$target" "rotation-day=$2" "rotation-kind=$1" "rotation-job=$job" rotation-requested=false
    else
      patch_state rotation-phase=writing "rotation-version=$target" "rotation-day=$2" "rotation-kind=$1" "rotation-job=$job"
    fi
    write_values "$1" "$current"
    patch_state rotation-phase=written
  fi
  phase=written
  finish "$1"
}

# --- Resume an interrupted run.
case "$phase" in
  writing)
    [ -n "$target" ] || fail "the custom metadata of $metadata_path says phase writing without rotation-version"
    [ "$current" -le "$target" ] ||
      fail "$data_path is at version $current, past the version $target this job meant to write: someone else wrote it; check it, then set rotation-phase=done"
    preflight
    if [ "$current" -eq "$target" ]; then
      log "resuming the $kind of job ${last_job:-?}: version $target was written"
      patch_state rotation-phase=written
      phase=written
      finish "$kind"
      exit 0
    elif [ "$current" -lt "$target" ]; then
      log "resuming the $kind of job ${last_job:-?}: version $target was not written; writing it"
      write_values "$kind" "$current"
      patch_state rotation-phase=written
      phase=written
      finish "$kind"
      exit 0
    fi
    ;;
  written | synced)
    preflight
    log "resuming the $kind of job ${last_job:-?} at phase $phase (version ${target:-?})"
    finish "$kind"
    exit 0
    ;;
esac

# --- Decide.
if [ "$exists" = no ]; then
  log "bootstrap: $data_path does not exist"
  start bootstrap "$today"
  exit 0
fi
if [ -z "$phase" ]; then
  # A secret written by someone else (or a bootstrap killed before its state was recorded).
  adopt=yes
  for key in $ROTATION_KEYS; do
    if ! read_value "$key" "$work/$key" || ! read_value "$key$suffix" "$work/$key.previous" ||
      ! cmp -s "$work/$key" "$work/$key.previous"; then
      adopt=no
    fi
    rm -f "$work/$key" "$work/$key.previous"
  done
  if [ "$adopt" = yes ]; then
    preflight
    log "adopting $data_path (version $current) as the bootstrap version"
    patch_state rotation-phase=written "rotation-version=$current" "rotation-day=$today" rotation-kind=bootstrap "rotation-job=$job"
    phase=written
    finish bootstrap
  else
    log "bootstrap: $data_path has no rotation state; keeping its values, adding the missing ones"
    start bootstrap "$today"
  fi
  exit 0
fi
[ -n "$day" ] || fail "the custom metadata of $metadata_path has no rotation-day"

if [ "$phase" = grace ] && [ -n "$grace_until" ] && [ "$now" -ge "$grace_until" ]; then
  log "grace period over: retiring $ROTATION_KEYS with suffix $suffix"
  start retire "$day"
  exit 0
fi

if [ "$kind" = bootstrap ]; then
  due_day=$((day + interval_days + offset_days))
  rule="bootstrapped, every $interval_days days + offset $offset_days"
else
  due_day=$((day + interval_days))
  rule="every $interval_days days"
fi
civil_from_days "$day"
if [ "$requested" = true ]; then
  log "due: rotation-requested=true (last rotation on $civil)"
  start rotation "$today"
elif [ "$today" -ge "$due_day" ]; then
  log "due: last rotation on $civil, $rule"
  start rotation "$today"
else
  last_civil="$civil"
  civil_from_days "$due_day"
  if [ "$phase" = grace ]; then
    log "not due until $civil (last rotation on $last_civil, $rule); previous values accepted until epoch $grace_until"
  else
    log "not due until $civil (last rotation on $last_civil, $rule)"
  fi
fi
