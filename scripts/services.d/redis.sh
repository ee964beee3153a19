#!/usr/bin/env bash
# Redis for the locksmith-redis tests:
#   - a standalone server on 127.0.0.1:6379 (started only if nothing answers there; stopped only if
#     this script started it), and
#   - a throwaway 3-master cluster on 127.0.0.1:7101-7103 (always this script's own, data under
#     $LOCKSMITH_SERVICES_DIR/redis-cluster, always stopped and deleted by 'stop').
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
: "${LOCKSMITH_SERVICES_DIR:?run through scripts/services.sh}"
dir="$LOCKSMITH_SERVICES_DIR"
cluster_dir="$dir/redis-cluster"
cluster_ports=(7101 7102 7103)

stop_pidfile() { # stop_pidfile FILE: stop the process named in FILE and wait for it to go
  local f=$1 pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$f"
}

start_standalone() {
  port_open 6379 && return 0
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  wait_port 6379 30
  touch "$dir/redis.started"
  echo "services: started redis on 127.0.0.1:6379"
}

cluster_ok() { redis-cli -p "${cluster_ports[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

start_cluster() {
  local port ours=1
  for port in "${cluster_ports[@]}"; do
    [ -f "$cluster_dir/$port/redis.pid" ] && kill -0 "$(cat "$cluster_dir/$port/redis.pid")" 2>/dev/null || ours=0
  done
  if [ $ours -eq 1 ] && cluster_ok; then return 0; fi
  stop_cluster
  for port in "${cluster_ports[@]}"; do
    if port_open "$port"; then
      echo "services: port $port is taken by a process this script did not start; cannot start the redis cluster" >&2
      return 1
    fi
  done
  for port in "${cluster_ports[@]}"; do
    mkdir -p "$cluster_dir/$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --dir "$cluster_dir/$port" --pidfile "$cluster_dir/$port/redis.pid" --logfile "$cluster_dir/$port/redis.log"
  done
  for port in "${cluster_ports[@]}"; do wait_port "$port" 30; done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${cluster_ports[@]}") --cluster-replicas 0 --cluster-yes >"$cluster_dir/create.log" 2>&1 \
    || { cat "$cluster_dir/create.log" >&2; return 1; }
  local i
  for ((i = 0; i < 300; i++)); do
    if cluster_ok && redis-cli -p "${cluster_ports[2]}" cluster info | grep -q '^cluster_state:ok'; then
      echo "services: started redis cluster on 127.0.0.1:${cluster_ports[0]}-${cluster_ports[2]}"
      return 0
    fi
    sleep 0.1
  done
  echo "services: redis cluster did not reach cluster_state:ok" >&2
  return 1
}

stop_cluster() {
  local port
  [ -d "$cluster_dir" ] || return 0
  for port in "${cluster_ports[@]}"; do stop_pidfile "$cluster_dir/$port/redis.pid"; done
  rm -rf "$cluster_dir"
}

case "${1:-start}" in
  start)
    ensure_packages redis-server redis-tools
    start_standalone
    start_cluster
    ;;
  stop)
    if [ -d "$cluster_dir" ]; then
      stop_cluster
      echo "services: stopped redis cluster"
    fi
    if [ -f "$dir/redis.started" ]; then
      stop_pidfile "$dir/redis.pid"
      rm -f "$dir/redis.started"
      echo "services: stopped redis on 127.0.0.1:6379"
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
