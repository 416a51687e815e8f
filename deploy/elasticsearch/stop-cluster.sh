#!/usr/bin/env bash
# Stop the nodes started by start-cluster.sh (their data is kept). ES_NODE=<n>: only that node.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ES_CLUSTER_BASE="${ES_CLUSTER_BASE:-$REPO/.data/es-cluster}"
ES_NODES="${ES_NODES:-3}"
targets=()
if [[ -n "${ES_NODE:-}" ]]; then
    targets=("$ES_NODE")
else
    for ((n = 1; n <= ES_NODES; n++)); do targets+=("$n"); done
fi
pids=()
for n in "${targets[@]}"; do
    if [[ -d "$ES_CLUSTER_BASE/node$n" ]]; then
        ES_BASE="$ES_CLUSTER_BASE/node$n" bash "$HERE/stop-local.sh" &
        pids+=($!)
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
