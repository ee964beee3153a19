#!/usr/bin/env bash
# PostgreSQL for the locksmith-jdbc tests: 127.0.0.1:5432, database "test", user postgres
# without a password (trust on 127.0.0.1).
#   start: install the Debian package if missing; if nothing answers on 5432, start the newest
#          cluster (creating one if none exists) and record that; make sure "test" exists.
#   stop:  stop the cluster only if 'start' started it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
: "${LOCKSMITH_SERVICES_DIR:?run through scripts/services.sh}"
marker="$LOCKSMITH_SERVICES_DIR/postgres.started"
port=5432

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"; }

ensure_trust() { # trust local TCP logins for the tests; only on a cluster this script starts
  local hba=$1
  grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" && return 0
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  echo "services: postgres: trust for 127.0.0.1 added to $hba"
}

ensure_database() {
  if ! psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
    psql_admin -d postgres -c 'CREATE DATABASE test'
    echo "services: postgres: created database test"
  fi
}

start() {
  ensure_packages postgresql
  if port_open "$port"; then
    ensure_database
    return 0
  fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ] || [ ! -d "/etc/postgresql/$version/main" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main --port "$port" >/dev/null
    echo "services: postgres: created cluster $version/main"
  fi
  ensure_trust "/etc/postgresql/$version/main/pg_hba.conf"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  echo "$version" >"$marker"
  wait_port "$port" 60
  echo "services: started postgresql $version on 127.0.0.1:$port"
  ensure_database
}

stop() {
  [ -f "$marker" ] || return 0
  local version
  version=$(cat "$marker")
  pg_ctlcluster --skip-systemctl-redirect "$version" main stop || true
  rm -f "$marker"
  echo "services: stopped postgresql $version"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
