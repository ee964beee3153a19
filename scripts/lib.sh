# Shared helpers for scripts/services.d/*.sh. Source it; do not run it.

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT SECONDS: wait until the port accepts connections
wait_port() {
  local port=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do port_open "$port" && return 0; sleep 0.1; done
  echo "services: nothing answers on 127.0.0.1:$port after ${secs}s" >&2
  return 1
}

# ensure_packages PKG...: install Debian packages that are missing
ensure_packages() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "services: installing ${missing[*]}"
  if [ ! -f "$LOCKSMITH_SERVICES_DIR/.apt-updated" ]; then
    apt-get update -qq >/dev/null && touch "$LOCKSMITH_SERVICES_DIR/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
