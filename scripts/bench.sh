#!/usr/bin/env bash
# Benchmarks: never part of the test command. See docs/PERFORMANCE.md.
#   scripts/bench.sh [--no-build] [options]       load generator, e.g. --quick or --duration 5s --warmup 2s
#   scripts/bench.sh [--no-build] --jmh [args]    JMH engine-overhead benchmarks on mem: (JMH's own options)
# Builds locksmith-bench and the modules it needs (tests skipped) unless --no-build. It does not
# start or stop servers (stopping could pull them from under a test run in the same checkout): a
# store that does not answer is skipped with a printed line; `scripts/services.sh start` starts them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
jmh=0
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --jmh) jmh=1 ;;
    *) args+=("$a") ;;
  esac
done
if [ "$build" = 1 ]; then
  mvn -B -q -pl locksmith-bench -am package -DskipTests -Dspotless.check.skip=true
fi
jar=locksmith-bench/target/locksmith-bench.jar
[ -f "$jar" ] || { echo "bench: $jar is missing; run without --no-build" >&2; exit 1; }
if [ "$jmh" = 1 ]; then
  exec java -cp "$jar" org.openjdk.jmh.Main "${args[@]}"
fi
exec java -jar "$jar" "${args[@]}"
