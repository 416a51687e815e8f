#!/usr/bin/env bash
# Restore one institution from an export archive: `manage.py institution_restore <archive>`.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: restore-institution.sh <archive>

Restores an institution exported by backup-institution.sh / backup-all.sh (or the console's
archive action) with `manage.py institution_restore <archive>`:
  <archive>  a local .tar.gz path (inside the container when run there), or a storage key
             such as _archives/pku/pku-20260101020000.tar.gz

What it does: pg_restore of the schema in one transaction, then the registry row, the domain
and the stored files, then migrations for that schema if the archive is older than the code.
It REFUSES to overwrite: the code and the schema must not exist. To roll an existing
institution back, archive and delete it first (console, or institution_lifecycle archive /
delete). The restored institution is active, whatever its status was when exported.

Before restoring:
  - the archive is readable only with the same keys: FIELD_ENCRYPTION_KEYS must contain the
    key its data was encrypted with (else national IDs, phones and TOTP secrets cannot be
    decrypted; a retired key can be added at the end of the list for the restore, followed by
    `manage.py rotate_field_keys`), and FIELD_INDEX_KEY must be the one of the deployment that
    wrote it (else lookups of encrypted values find nothing);
  - pg_restore (PG_BIN_DIR) must be at least the version of the pg_dump that wrote it;
  - the institution gets THIS deployment's address, <code>.<BASE_DOMAIN>, whatever domains it
    had where the archive was made.

Options:
  -h   show this help

Environment: DIRECT_DATABASE_URL (recommended: bypasses a transaction-mode PgBouncer), PYTHON,
and the application's settings.
Example:
  docker compose -f deploy/docker-compose.yml run --rm worker deploy/backup/restore-institution.sh /backups/2026-01-01/pku-20260101020000.tar.gz
EOF
}

while getopts ":h" opt; do
  case "$opt" in
    h) usage; exit 0 ;;
    *) echo "unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -ne 1 ]]; then
  usage >&2
  exit 2
fi
archive="$1"

# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ -f "$archive" ]]; then
  gzip -t "$archive"
  if [[ -f "$archive.sha256" ]]; then
    (cd "$(dirname "$archive")" && sha256sum --check --quiet "$(basename "$archive").sha256")
  fi
  archive="$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")"
else
  log "$archive is not a local file: treating it as a storage key"
fi

log "restoring from $archive"
manage institution_restore "$archive"
