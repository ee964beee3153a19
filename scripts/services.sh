#!/usr/bin/env bash
# Makes sure every server the tests need is installed and running on loopback.
#   scripts/services.sh start   install (Debian packages) and start what is missing
#   scripts/services.sh stop    stop only what a previous 'start' of this checkout started
# Each store has its own script in scripts/services.d/, called with the same argument.
# A server that was already running is left alone, and never stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:-start}"
export LOCKSMITH_SERVICES_DIR="$PWD/.services"
mkdir -p "$LOCKSMITH_SERVICES_DIR"
shopt -s nullglob
for script in scripts/services.d/*.sh; do
  bash "$script" "$action"
done
