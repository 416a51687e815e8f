#!/usr/bin/env bash
# Export every institution, one schema at a time, plus the public schema.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: backup-all.sh [-o DIR] [-s STATUS] [-k DAYS] [-P]

Exports every institution (backup-institution.sh for each code that
`manage.py institution_list` prints, in code order) and dumps the public schema. Per-schema
dumps on purpose: a whole-database pg_dump takes a lock on every table in one transaction and
stops working beyond ~100k tables (max_locks_per_transaction), which a few thousand
institutions reach. Per-institution archives restore one institution without touching the
others.

These archives are not one consistent snapshot across institutions: for disaster recovery of
the whole database use PostgreSQL's own physical backups / PITR (pgBackRest, WAL archiving,
your provider's snapshots) as well.

A failed institution does not stop the run; the exit status is 1 if any export failed.

Options:
  -o DIR     copy every archive out of storage into DIR/<UTC date>/ (with .sha256 files) and
             write the public schema dump there (public-<stamp>.dump, pg_dump custom format)
  -s STATUS  only institutions in this status: active, suspended or archived (default: all)
  -k DAYS    with -o: delete dated directories in DIR older than DAYS days
  -P         skip the public schema dump
  -h         show this help

The public schema holds the institution registry, platform operators and committee accounts
and their audit log; institution archives do not include it. Its dump needs pg_dump (PG_BIN_DIR
or PATH) and DIRECT_DATABASE_URL or DATABASE_URL.

Archives written into storage (_archives/<code>/) are not pruned here: an archived
institution's last export must stay available.

Encrypted fields stay encrypted in the archives and the public dump: restoring them needs the
FIELD_ENCRYPTION_KEYS key they were written under and the same FIELD_INDEX_KEY. Back the keys
up separately from these files (deploy/README.md, "Key rotation").

Environment: as backup-institution.sh (DIRECT_DATABASE_URL, PYTHON, the app's settings).
Example (cron on the Docker host, nightly):
  docker compose -f deploy/docker-compose.yml run --rm worker deploy/backup/backup-all.sh -o /backups -k 14
EOF
}

out_dir=""
status=""
keep_days=""
public=1
while getopts ":o:s:k:Ph" opt; do
  case "$opt" in
    o) out_dir="$OPTARG" ;;
    s) status="$OPTARG" ;;
    k) keep_days="$OPTARG" ;;
    P) public=0 ;;
    h) usage; exit 0 ;;
    :) echo "option -$OPTARG needs an argument" >&2; usage >&2; exit 2 ;;
    *) echo "unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -ne 0 ]]; then
  usage >&2
  exit 2
fi
case "$status" in
  ""|active|suspended|archived) ;;
  *) echo "unknown status: $status (active, suspended or archived)" >&2; exit 2 ;;
esac
if [[ -n "$keep_days" && ! "$keep_days" =~ ^[0-9]+$ ]]; then
  echo "-k needs a number of days" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$here/common.sh"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target=""
if [[ -n "$out_dir" ]]; then
  target="$out_dir/$(date -u +%Y-%m-%d)"
  mkdir -p "$target"
fi

# `institution_list` prints one institution per line, in code order:
# code<TAB>status<TAB>schema<TAB>name. Codes are lower-case letters and digits.
list_args=()
[[ -n "$status" ]] && list_args=(--status "$status")
if ! listing="$(manage institution_list "${list_args[@]}")"; then
  log "cannot list the institutions (manage.py institution_list failed)"
  exit 1
fi
codes="$(printf '%s\n' "$listing" | cut -f1)"

total=0
failed=()
while IFS= read -r code; do
  [[ -n "$code" ]] || continue
  total=$((total + 1))
  args=()
  [[ -n "$target" ]] && args=(-o "$target")
  if ! "$here/backup-institution.sh" "${args[@]}" "$code" >/dev/null; then
    log "FAILED: $code"
    failed+=("$code")
  fi
done <<< "$codes"

if [[ "$public" == 1 ]]; then
  url="${DATABASE_URL:-}"
  if [[ -z "$target" ]]; then
    log "public schema not dumped: it needs -o DIR"
  elif [[ -z "$url" ]]; then
    log "public schema not dumped: neither DIRECT_DATABASE_URL nor DATABASE_URL is set"
    failed+=("public")
  else
    pg_dump_bin="pg_dump"
    [[ -n "${PG_BIN_DIR:-}" ]] && pg_dump_bin="$PG_BIN_DIR/pg_dump"
    log "dumping the public schema"
    if "$pg_dump_bin" --format=custom --schema=public --no-owner --no-privileges \
         --file="$target/public-$stamp.dump" --dbname="$url"; then
      (cd "$target" && sha256sum "public-$stamp.dump" > "public-$stamp.dump.sha256")
    else
      log "FAILED: public schema dump"
      failed+=("public")
    fi
  fi
fi

if [[ -n "$out_dir" && -n "$keep_days" ]]; then
  find "$out_dir" -mindepth 1 -maxdepth 1 -type d -name '????-??-??' -mtime +"$keep_days" \
    -exec rm -rf -- {} +
fi

log "institutions: $total, failed: ${#failed[@]}${failed[*]:+ (${failed[*]})}"
[[ ${#failed[@]} -eq 0 ]]
