#!/usr/bin/env bash
# Drift check (CI): synthesizes environments/ and gitops.yaml into a temporary folder and compares it with the
# committed dist/. Fails, listing the differing files and the diff, when they differ: run
# `npm run synth` and commit dist/ with the change that caused it.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ln -s "$PWD/environments" "$tmp/environments"
ln -s "$PWD/gitops.yaml" "$tmp/gitops.yaml"
# What `npm run synth` runs (scripts/synth/synth.sh: the startup snapshot, rebuilt and type-checked when the sources changed).
VEZA_PROJECT_DIR="$tmp" sh scripts/synth/synth.sh > /dev/null
# File modes git keeps: the executable bit.
(cd dist && find . -type f -perm -u+x | sort) > "$tmp/committed.x"
(cd "$tmp/dist" && find . -type f -perm -u+x | sort) > "$tmp/fresh.x"
status=0
if ! diff -rq dist "$tmp/dist" > "$tmp/files.txt"; then status=1; fi
if ! diff "$tmp/committed.x" "$tmp/fresh.x" > "$tmp/modes.txt"; then status=1; fi
if [ "$status" -ne 0 ]; then
  echo "drift: the committed dist/ differs from a fresh synth of environments/:" >&2
  sed -e "s#$tmp/dist#<fresh synth>#g" "$tmp/files.txt" >&2
  [ -s "$tmp/modes.txt" ] && { echo "executable files differ (< committed, > fresh):" >&2; cat "$tmp/modes.txt" >&2; }
  echo "--- diff (committed dist/ -> fresh synth)" >&2
  diff -ru dist "$tmp/dist" | sed -e "s#$tmp/dist#fresh#g" >&2 || true
  echo "drift: run \`npm run synth\` and commit dist/." >&2
  exit 1
fi
echo "drift: dist/ is what environments/ and the code synthesize ($(find dist -type f | wc -l | tr -d ' ') files)."
