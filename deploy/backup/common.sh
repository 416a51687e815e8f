# shellcheck shell=bash
# Shared by backup-institution.sh, backup-all.sh and restore-institution.sh (sourced, not run).
#
# Runs manage.py from the repository these scripts belong to, with the interpreter in PYTHON,
# or the checkout's .venv, or `python3`/`python` on PATH (the image's). When DIRECT_DATABASE_URL
# is set, it replaces DATABASE_URL and the pool mode becomes `session` for these commands:
# pg_dump / pg_restore should reach PostgreSQL directly, not a transaction-mode PgBouncer.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then
    PYTHON="$ROOT/.venv/bin/python"
  elif command -v python3 >/dev/null 2>&1; then
    PYTHON=python3
  else
    PYTHON=python
  fi
fi

if [[ -n "${DIRECT_DATABASE_URL:-}" ]]; then
  export DATABASE_URL="$DIRECT_DATABASE_URL"
  export DATABASE_POOL_MODE=session
fi

manage() {
  "$PYTHON" "$ROOT/manage.py" "$@"
}

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

# copy_out KEY DIR: copy the archive at storage key KEY into DIR (any storage backend), check
# that it is a readable gzip file and write a .sha256 next to it. Prints the local path.
copy_out() {
  local key="$1" dir="$2" dest
  dest="$dir/$(basename "$key")"
  PC_ARCHIVE_KEY="$key" PC_ARCHIVE_DEST="$dest" manage shell --no-imports --verbosity 0 --command '
import os, shutil
from services.storage.backends import get_storage
key, dest = os.environ["PC_ARCHIVE_KEY"], os.environ["PC_ARCHIVE_DEST"]
part = dest + ".part"
with get_storage().open(key) as src, open(part, "wb") as out:
    shutil.copyfileobj(src, out, 1024 * 1024)
os.replace(part, dest)
'
  gzip -t "$dest"
  (cd "$dir" && sha256sum "$(basename "$dest")" > "$(basename "$dest").sha256")
  printf '%s\n' "$dest"
}
