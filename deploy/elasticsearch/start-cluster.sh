#!/usr/bin/env bash
# Start a three-node Elasticsearch cluster on 127.0.0.1 (development and the reliability test,
# tests/search/cluster): the same assembled server as start-local.sh, one copy of it per node
# (each node reads its own config/), distinct data and log dirs, discovery by seed hosts.
#
# Prints the nodes' URLs comma-separated (what ELASTICSEARCH_URL takes) once the cluster is green.
#
# Environment:
#   ES_CLUSTER_BASE  (<repo>/.data/es-cluster)   node<N>/ holds each node's home, data, logs
#   ES_CLUSTER_PORT  (9271)   HTTP of node 1; node N listens on +N-1, transport on HTTP+100
#   ES_CLUSTER_NAME  (partycloud-cluster)
#   ES_NODES         (3)
#   ES_HEAP          (384m)   per node: 3 x ~0.6 GB resident on a small machine
#   ES_CLUSTER_FRESH (0)      1: delete the nodes' data first (a new cluster, as the test wants)
#   ES_SHARED_BASE   (<repo>/.data/elasticsearch)  where start-local.sh assembles the server once
#   ES_NODE          (unset)  start only node N of an existing cluster (a node that was killed)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_CLUSTER_BASE="${ES_CLUSTER_BASE:-$REPO/.data/es-cluster}"
ES_CLUSTER_PORT="${ES_CLUSTER_PORT:-9271}"
ES_CLUSTER_NAME="${ES_CLUSTER_NAME:-partycloud-cluster}"
ES_NODES="${ES_NODES:-3}"
ES_SHARED_BASE="${ES_SHARED_BASE:-$REPO/.data/elasticsearch}"
export ES_HEAP="${ES_HEAP:-384m}"
export ES_VERSION

log() { echo "[es-cluster] $*" >&2; }

SHARED_HOME="$ES_SHARED_BASE/home-$ES_VERSION"
if [[ ! -f "$SHARED_HOME/.assembled" ]]; then
    # start-local.sh assembles once; with ES_ASSEMBLE_ONLY it stops there.
    ES_BASE="$ES_SHARED_BASE" ES_ASSEMBLE_ONLY=1 bash "$HERE/start-local.sh" >/dev/null
fi

seeds=() masters=() urls=()
for ((n = 1; n <= ES_NODES; n++)); do
    port=$((ES_CLUSTER_PORT + n - 1))
    seeds+=("127.0.0.1:$((port + 100))")
    masters+=("es$n")
    urls+=("http://127.0.0.1:$port")
done
join() { local IFS=,; echo "$*"; }

start_node() { # <n>: start-local.sh with this node's settings, in the background; its log in node<n>/start.log
    local n="$1" port=$((ES_CLUSTER_PORT + $1 - 1))
    mkdir -p "$ES_CLUSTER_BASE/node$n"
    ES_BASE="$ES_CLUSTER_BASE/node$n" ES_PORT="$port" ES_NODE_NAME="es$n" ES_CLUSTER_NAME="$ES_CLUSTER_NAME" \
        ES_SEED_HOSTS="$(join "${seeds[@]}")" ES_MASTER_NODES="$(join "${masters[@]}")" ES_HOME_FROM="$SHARED_HOME" \
        bash "$HERE/start-local.sh" >"$ES_CLUSTER_BASE/node$n/start.out" 2>"$ES_CLUSTER_BASE/node$n/start.log" &
}

START_NS=$(date +%s%N)
if [[ -n "${ES_NODE:-}" ]]; then
    targets=("$ES_NODE")
else
    targets=()
    for ((n = 1; n <= ES_NODES; n++)); do targets+=("$n"); done
    if [[ "${ES_CLUSTER_FRESH:-0}" == 1 ]]; then
        bash "$HERE/stop-cluster.sh" || true
        for n in "${targets[@]}"; do rm -rf "$ES_CLUSTER_BASE/node$n/data"; done
    fi
fi
pids=()
for n in "${targets[@]}"; do
    start_node "$n"
    pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        log "node es${targets[$i]} did not start; its start log:"
        cat "$ES_CLUSTER_BASE/node${targets[$i]}/start.log" >&2 || true
        failed=1
    fi
done
(( failed == 0 )) || exit 1

# Every node answers; now the cluster as a whole: all nodes joined, every shard copy assigned.
wait_s="${ES_WAIT:-120}"
health="${urls[0]}/_cluster/health?wait_for_nodes=$ES_NODES&wait_for_status=green&timeout=${wait_s}s"
if [[ -n "${ES_NODE:-}" ]]; then
    health="${urls[$((ES_NODE - 1))]}/_cluster/health?wait_for_nodes=$ES_NODES&wait_for_status=green&timeout=${wait_s}s"
fi
if ! curl -fsS -m $((wait_s + 5)) "$health" | grep -q '"status":"green"'; then
    log "the cluster did not become green with $ES_NODES nodes:"
    curl -sS -m 5 "${urls[0]}/_cat/nodes?v" >&2 || true
    exit 1
fi
log "${#targets[@]} node(s) up, cluster green after $(( ($(date +%s%N) - START_NS) / 1000000 )) ms"
join "${urls[@]}"
