#!/usr/bin/env bash
# Debian packages the test suite drives for real: pgbouncer (transaction-pooling isolation
# test), chromium (browser tests), and a JDK with Maven (deploy/elasticsearch assembles a real
# Elasticsearch node from Maven Central for the search suite). Installed only when missing;
# needs root and apt.
set -euo pipefail
missing=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: ${missing[*]} missing and cannot be installed here (needs root and apt-get);" \
       "the tests that need them will be skipped with that reason." >&2
  exit 0
fi
echo "installing ${missing[*]} from Debian packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The package starts a pgbouncer service on port 6432; the tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now pgbouncer >/dev/null 2>&1 || true; fi
service pgbouncer stop >/dev/null 2>&1 || true
