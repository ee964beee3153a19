#!/usr/bin/env bash
# NATS with JetStream for the locksmith-nats tests: a server on 127.0.0.1:4222, started only if
# nothing answers there (store directory $LOCKSMITH_SERVICES_DIR/nats), stopped only if this script
# started it. Restart, crash and cluster tests start their own servers on private ports.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
: "${LOCKSMITH_SERVICES_DIR:?run through scripts/services.sh}"
dir="$LOCKSMITH_SERVICES_DIR"
port=4222

case "${1:-start}" in
  start)
    command -v nats-server >/dev/null 2>&1 || ensure_packages nats-server
    port_open "$port" && exit 0
    mkdir -p "$dir/nats"
    nohup nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/nats" -P "$dir/nats.pid" \
      -l "$dir/nats.log" >/dev/null 2>&1 &
    wait_port "$port" 30
    touch "$dir/nats.started"
    echo "services: started nats-server (JetStream) on 127.0.0.1:$port"
    ;;
  stop)
    if [ -f "$dir/nats.started" ]; then
      if [ -f "$dir/nats.pid" ]; then
        pid=$(cat "$dir/nats.pid")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
          kill "$pid"
          for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$dir/nats.pid"
      fi
      rm -f "$dir/nats.started"
      echo "services: stopped nats-server on 127.0.0.1:$port"
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
