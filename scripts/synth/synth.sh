#!/bin/sh
# `npm run synth`: starts the synth from its V8 startup snapshot (docs/performance.md, "Startup").
# The snapshot checks first that it was built from the current sources, dependencies and Node.js;
# when it was not (exit 75), when Node.js cannot load it (exit 14: built by another version) or
# when there is none, scripts/synth/build.js type-checks and rebuilds it, then it runs.
# Environment files and gitops.yaml are read by the synth each time, never built in.
# The synth opens no network connection, so it needs no CA certificates: Node.js 20 builds its whole
# certificate store at start whenever NODE_EXTRA_CA_CERTS is set (40 to 80 ms here with a system
# bundle of 144 certificates; docs/performance.md, "Startup").
unset NODE_EXTRA_CA_CERTS
# --v8-pool-size=0: V8's helper threads (background compilation, concurrent GC) sized by Node.js to
# the processors beside the main thread, instead of 4 always; on 2 processors the synth takes 5% less
# time (docs/performance.md, "Startup"). A Node.js option: the snapshot starts with or without it.
node="node --v8-pool-size=0"
root="${0%/*}/../.."
blob="$root/build/synth/synth.blob"
if [ -f "$blob" ]; then
  $node --snapshot-blob "$blob" "$root/build/synth/synth.js" "$@"
  status=$?
  case "$status" in
    75 | 14) ;;
    *) exit "$status" ;;
  esac
fi
node "$root/scripts/synth/build.js" || exit
exec $node --snapshot-blob "$blob" "$root/build/synth/synth.js" "$@"
