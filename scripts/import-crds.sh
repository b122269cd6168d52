#!/usr/bin/env bash
# Regenerates imports/ from the External Secrets Operator CRDs.
#
#   scripts/import-crds.sh [CRD_DIR]     (default: ../shared/crds/external-secrets-v2.9.0)
#
# `cdk8s import` writes one file per API group, so each group is imported from its own
# multi-document file holding only the served versions (the `*.served.yaml` files): importing
# one group from two files would overwrite the first. Each generated file's undefined-dropping
# `reduce` (quadratic in fields) is then replaced by a loop that builds the same object
# (scripts/import-fast-json.js). The JSON schemas the tests validate against are extracted from
# the same files by scripts/extract-crd-schemas.js.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
crd_dir=${1:-$here/../shared/crds/external-secrets-v2.9.0}
cd "$here"
for group in external-secrets.io generators.external-secrets.io; do
  npx --no-install cdk8s import "$crd_dir/$group.served.yaml" \
    --language typescript --output imports --check-upgrade=false
  node scripts/import-fast-json.js "imports/$group.ts"
done
node scripts/extract-crd-schemas.js "$crd_dir" imports/schemas
