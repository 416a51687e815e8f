#!/usr/bin/env bash
# Export one institution: `manage.py institution_lifecycle export <code>`.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: backup-institution.sh [-o DIR] <code>

Exports institution <code> with `manage.py institution_lifecycle export <code>`: a pg_dump of
that institution's schema alone plus its stored files, as one .tar.gz written into the
platform's own storage under _archives/<code>/<code>-<UTC timestamp>.tar.gz. Prints the
storage key (and the local copy's path with -o). Each export is recorded in the audit log and
becomes the institution's "last export".

Options:
  -o DIR   also copy the archive out of storage into DIR (a backup volume, not the same
           disk as the storage), check it with gzip -t and write DIR/<name>.sha256
  -h       show this help

Environment:
  DIRECT_DATABASE_URL  PostgreSQL URL that bypasses PgBouncer; used (in session mode) instead
                       of DATABASE_URL when set. Recommended with a transaction-mode PgBouncer.
  PYTHON               interpreter to run manage.py with (default: .venv/bin/python, python3)
  plus the application's own environment (DATABASE_URL, storage, PG_BIN_DIR, ...).

Run it where the application runs, e.g.
  docker compose -f deploy/docker-compose.yml run --rm worker deploy/backup/backup-institution.sh -o /backups pku
  kubectl -n partycloud exec deploy/partycloud-worker -- deploy/backup/backup-institution.sh pku
EOF
}

out_dir=""
while getopts ":o:h" opt; do
  case "$opt" in
    o) out_dir="$OPTARG" ;;
    h) usage; exit 0 ;;
    :) echo "option -$OPTARG needs an argument" >&2; usage >&2; exit 2 ;;
    *) echo "unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -ne 1 ]]; then
  usage >&2
  exit 2
fi
code="$1"

# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ -n "$out_dir" ]]; then
  mkdir -p "$out_dir"
  [[ -w "$out_dir" ]] || { echo "cannot write to $out_dir" >&2; exit 1; }
fi

log "exporting institution $code"
output="$(manage institution_lifecycle export "$code")"
key="$(printf '%s\n' "$output" | sed -n 's/^archive: //p' | tail -n 1)"
if [[ -z "$key" ]]; then
  printf '%s\n' "$output" >&2
  echo "export of $code printed no archive key" >&2
  exit 1
fi
log "archive in storage: $key"
printf '%s\n' "$key"

if [[ -n "$out_dir" ]]; then
  local_path="$(copy_out "$key" "$out_dir")"
  log "copied to $local_path"
  printf '%s\n' "$local_path"
fi
