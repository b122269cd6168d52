#!/bin/sh
# Rotates the generated secrets of one rotation class (docs/rotation.md):
#   1. logs in to Vault with Kubernetes auth, presenting a projected service-account token;
#   2. generates each key's new value from /dev/urandom and writes them all to the KV v2
#      secret in one `vault kv patch` (one new version; values never on argv, stdout or stderr);
#   3. forces the ExternalSecret to re-sync (the `force-sync` annotation) and waits until ESO
#      reports the new sync;
#   4. restarts each consuming Deployment (`kubectl rollout restart`).
# It stops at the first failure: a Deployment is never restarted onto a Secret that did not sync.
#
# Inputs (environment variables, set by the CronJob that runs it):
#   ROTATION_NAMESPACE          the namespace of the ExternalSecret and the Deployments
#   ROTATION_EXTERNAL_SECRET    the ExternalSecret to re-sync
#   ROTATION_KEYS               the KV properties to regenerate, separated by spaces
#   ROTATION_DEPLOYMENTS        the Deployments to restart, separated by spaces
#   ROTATION_KV_MOUNT           the KV v2 mount (secret)
#   ROTATION_KV_PATH            the path of the secret under that mount (veza/<env>)
#   ROTATION_VAULT_AUTH_MOUNT   where Vault's Kubernetes auth is mounted (kubernetes)
#   ROTATION_VAULT_ROLE         the Vault role to log in as (veza-<env>-rotation)
#   ROTATION_VAULT_TOKEN_FILE   the projected service-account token whose audience is Vault's
#   ROTATION_WORK_DIR           a private writable folder (a memory-backed emptyDir)
#   VAULT_ADDR (and VAULT_CACERT) are read by the vault CLI itself.
# Optional:
#   ROTATION_VALUE_BYTES        random bytes per value (default 48: 64 base64url characters)
#   ROTATION_SYNC_ATTEMPTS      how many times to check the ExternalSecret (default 60)
#   ROTATION_SYNC_INTERVAL      seconds between two checks (default 5)
set -eu
umask 077

log() {
  printf 'rotate-secrets: %s\n' "$*" >&2
}

fail() {
  log "error: $*"
  exit 1
}

: "${ROTATION_NAMESPACE:?is required}"
: "${ROTATION_EXTERNAL_SECRET:?is required}"
: "${ROTATION_KEYS:?is required}"
: "${ROTATION_DEPLOYMENTS:?is required}"
: "${ROTATION_KV_MOUNT:?is required}"
: "${ROTATION_KV_PATH:?is required}"
: "${ROTATION_VAULT_AUTH_MOUNT:?is required}"
: "${ROTATION_VAULT_ROLE:?is required}"
: "${ROTATION_VAULT_TOKEN_FILE:?is required}"
: "${ROTATION_WORK_DIR:?is required}"
: "${VAULT_ADDR:?is required}"
bytes="${ROTATION_VALUE_BYTES:-48}"
attempts="${ROTATION_SYNC_ATTEMPTS:-60}"
interval="${ROTATION_SYNC_INTERVAL:-5}"

case "$bytes" in '' | *[!0-9]*) fail "ROTATION_VALUE_BYTES must be a whole number, not '$bytes'" ;; esac
[ "$bytes" -ge 32 ] || fail "ROTATION_VALUE_BYTES must be at least 32, not $bytes"
case "$attempts" in '' | *[!0-9]* | 0) fail "ROTATION_SYNC_ATTEMPTS must be a whole number above 0, not '$attempts'" ;; esac
case "$interval" in '' | *[!0-9]*) fail "ROTATION_SYNC_INTERVAL must be a whole number, not '$interval'" ;; esac
for key in $ROTATION_KEYS; do
  case "$key" in *[!-._a-zA-Z0-9]*) fail "ROTATION_KEYS: '$key' is not a Secret data key" ;; esac
done
for deployment in $ROTATION_DEPLOYMENTS; do
  case "$deployment" in *[!-.a-z0-9]*) fail "ROTATION_DEPLOYMENTS: '$deployment' is not a Deployment name" ;; esac
done
[ -r "$ROTATION_VAULT_TOKEN_FILE" ] || fail "no service-account token at $ROTATION_VAULT_TOKEN_FILE"

# The generated values live only in this folder, removed on every exit.
work="$ROTATION_WORK_DIR/values.$$"
mkdir "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

log "logging in to Vault as role $ROTATION_VAULT_ROLE"
# jwt=@file: the token is read from the file by the CLI, never put on argv.
VAULT_TOKEN="$(vault write -field=token "auth/$ROTATION_VAULT_AUTH_MOUNT/login" "role=$ROTATION_VAULT_ROLE" "jwt=@$ROTATION_VAULT_TOKEN_FILE")" ||
  fail "Vault login failed"
[ -n "$VAULT_TOKEN" ] || fail "Vault login returned no token"
export VAULT_TOKEN

# One `key=@file` argument per key: the CLI reads each value from its file.
set --
for key in $ROTATION_KEYS; do
  head -c "$bytes" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$work/$key"
  length="$(wc -c <"$work/$key" | tr -d ' ')"
  [ "$length" -ge 43 ] || fail "could not generate a value for $key"
  set -- "$@" "$key=@$work/$key"
done

log "writing $ROTATION_KEYS to $ROTATION_KV_MOUNT/$ROTATION_KV_PATH"
vault kv patch "-mount=$ROTATION_KV_MOUNT" "$ROTATION_KV_PATH" "$@" >/dev/null ||
  fail "writing to Vault failed; nothing else was changed"
rm -rf "$work"
unset VAULT_TOKEN

# ESO's status.syncedResourceVersion changes once it has synced with the new annotation.
synced() {
  kubectl get externalsecret "$ROTATION_EXTERNAL_SECRET" -n "$ROTATION_NAMESPACE" \
    -o 'jsonpath={.status.syncedResourceVersion} {.status.conditions[?(@.type=="Ready")].status}'
}
before="$(synced)" || fail "cannot read externalsecret/$ROTATION_EXTERNAL_SECRET"
before="${before%% *}"

log "forcing externalsecret/$ROTATION_EXTERNAL_SECRET to re-sync"
kubectl annotate externalsecret "$ROTATION_EXTERNAL_SECRET" "force-sync=$(date +%s)" --overwrite -n "$ROTATION_NAMESPACE" >/dev/null

tries=0
while :; do
  tries=$((tries + 1))
  state="$(synced)" || fail "cannot read externalsecret/$ROTATION_EXTERNAL_SECRET"
  version="${state%% *}"
  ready="${state#* }"
  if [ -n "$version" ] && [ "$version" != "$before" ] && [ "$ready" = "True" ]; then
    break
  fi
  [ "$tries" -lt "$attempts" ] ||
    fail "externalsecret/$ROTATION_EXTERNAL_SECRET did not sync after $attempts checks; Deployments not restarted (Vault holds the new values)"
  sleep "$interval"
done
log "externalsecret/$ROTATION_EXTERNAL_SECRET synced"

for deployment in $ROTATION_DEPLOYMENTS; do
  log "restarting deployment/$deployment"
  kubectl rollout restart "deployment/$deployment" -n "$ROTATION_NAMESPACE" >/dev/null
done
log "rotated $ROTATION_KEYS"
