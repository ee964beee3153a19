#!/usr/bin/env bash
# MariaDB for the locksmith-jdbc tests: 127.0.0.1:3306, database "test", root without a password
# from 127.0.0.1.
#   start: install the Debian package if missing; if nothing answers on 3306, start mariadbd
#          (initialising the data directory if needed) and record its pid; make sure "test"
#          exists and root may log in from 127.0.0.1.
#   stop:  stop mariadbd only if 'start' started it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
: "${LOCKSMITH_SERVICES_DIR:?run through scripts/services.sh}"
pidfile="$LOCKSMITH_SERVICES_DIR/mariadb.pid"
port=3306

sql_tcp() { mariadb -h 127.0.0.1 -P "$port" -uroot "$@"; }

start() {
  ensure_packages mariadb-server
  if port_open "$port"; then
    # a server someone else runs: only make sure the database exists (if root may do that)
    sql_tcp -e 'CREATE DATABASE IF NOT EXISTS test' 2>/dev/null \
      || echo "services: mariadb on $port does not accept root without a password from 127.0.0.1" >&2
    return 0
  fi
  if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    echo "services: mariadb: initialised /var/lib/mysql"
  fi
  install -d -o mysql -g mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$pidfile" \
    --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port="$port" --skip-name-resolve
  wait_port "$port" 60
  echo "services: started mariadb on 127.0.0.1:$port"
  # root over the socket (unix_socket auth on Debian) grants root from 127.0.0.1 without a password
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test;
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
}

stop() {
  [ -f "$pidfile" ] || return 0
  start-stop-daemon --stop --oknodo --quiet --pidfile "$pidfile" --retry TERM/60/KILL/5 || true
  rm -f "$pidfile"
  echo "services: stopped mariadb"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
