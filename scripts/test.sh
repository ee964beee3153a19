#!/usr/bin/env bash
# The one test command: starts the servers the tests need, runs the whole build with every
# unit, conformance and integration test, and stops only the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh start
trap 'bash scripts/services.sh stop' EXIT
mvn -B -ntp verify "$@"
