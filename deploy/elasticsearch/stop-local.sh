#!/usr/bin/env bash
# Stop the local Elasticsearch node started by start-local.sh (its data is kept).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ES_BASE="${ES_BASE:-$REPO/.data/elasticsearch}"
PID_FILE="$ES_BASE/run/elasticsearch.pid"
# shellcheck source=alive.sh
source "$HERE/alive.sh"

if [[ ! -f "$PID_FILE" ]]; then
    echo "[es-local] not running (no $PID_FILE)" >&2
    exit 0
fi
PID="$(cat "$PID_FILE")"
if ! es_alive "$PID"; then
    echo "[es-local] not running (stale pid $PID)" >&2
    rm -f "$PID_FILE"
    exit 0
fi
kill -TERM "$PID"
for _ in $(seq 1 60); do
    if ! es_alive "$PID"; then
        echo "[es-local] stopped (pid $PID)" >&2
        rm -f "$PID_FILE"
        exit 0
    fi
    sleep 0.5
done
echo "[es-local] pid $PID did not stop within 30 s; sending KILL" >&2
kill -KILL "$PID" 2>/dev/null || true
rm -f "$PID_FILE"
