#!/usr/bin/env bash
# Compares this checkout's locksmith-bench with an earlier build of it, interleaved in one session,
# so that machine noise hits both alike (the issue "Backend kit": no speed lost).
#   scripts/bench-compare.sh OLD_JAR [--rounds N] [--spin] [--no-build] [-- extra bench options]
# OLD_JAR is a locksmith-bench.jar built from the earlier commit (with its target/lib beside it):
#   git worktree add /tmp/old <commit> && (cd /tmp/old && mvn -q -pl locksmith-bench -am package -DskipTests)
# Each round runs old then new (new then old on even rounds) with the same workloads and drivers;
# --spin keeps one vCPU busy during the runs (see ../shared/STORES.md: idle vCPUs make round trips
# about 3x slower and noisier). Prints medians over rounds and the ratios new/old, and each build's
# Locksmith-to-peer ratios. Does not start or stop servers.
set -euo pipefail
cd "$(dirname "$0")/.."
old_jar=${1:?usage: scripts/bench-compare.sh OLD_JAR [--rounds N] [--spin] [--no-build] [-- bench options]}
shift
rounds=3
spin=0
build=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --spin) spin=1; shift ;;
    --no-build) build=0; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench-compare: unknown option $1" >&2; exit 64 ;;
  esac
done
[ -f "$old_jar" ] || { echo "bench-compare: $old_jar is missing" >&2; exit 66; }
if [ "$build" = 1 ]; then
  mvn -B -q -ntp -pl locksmith-bench -am package -DskipTests -Dspotless.check.skip=true
fi
new_jar=locksmith-bench/target/locksmith-bench.jar
out=target/bench-compare/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
args=(--workloads uncontended-1,contended-16
      --drivers locksmith-redis,redisson,raw-jedis,locksmith-postgresql,spring-jdbc,shedlock-jdbc
      --duration 3s --warmup 1s --no-sqlite "${extra[@]}")
spinner=
if [ "$spin" = 1 ]; then
  taskset -c 1 sh -c 'while :; do :; done' &
  spinner=$!
  trap 'kill $spinner 2>/dev/null || true' EXIT
fi
run() { # run LABEL JAR ROUND
  echo "bench-compare: round $3, $1"
  java -jar "$2" "${args[@]}" --out "$out/$1-$3" > "$out/$1-$3.log" 2>&1 || {
    echo "bench-compare: the $1 run of round $3 failed; see $out/$1-$3.log" >&2; exit 1; }
}
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then run old "$old_jar" "$r"; run new "$new_jar" "$r"; else run new "$new_jar" "$r"; run old "$old_jar" "$r"; fi
done
python3 - "$out" "$rounds" <<'PY'
import csv, statistics, sys, os
out, rounds = sys.argv[1], int(sys.argv[2])
data = {}
for label in ("old", "new"):
    for r in range(1, rounds + 1):
        path = os.path.join(out, f"{label}-{r}", "results.csv")
        if not os.path.exists(path):
            continue
        for row in csv.DictReader(open(path)):
            if row["ops_per_s"]:
                key = (row["workload"], row["driver"])
                data.setdefault((label,) + key, []).append((float(row["ops_per_s"]), float(row["p50_us"] or 0)))
def med(label, w, d, i):
    v = data.get((label, w, d))
    return statistics.median(x[i] for x in v) if v else None
rows = sorted({k[1:] for k in data})
print(f"medians over {rounds} interleaved rounds ({out})")
print(f"{'workload':<16}{'driver':<22}{'old ops/s':>11}{'new ops/s':>11}{'new/old':>9}{'old p50':>10}{'new p50':>10}{'new/old':>9}")
for w, d in rows:
    o, n = med("old", w, d, 0), med("new", w, d, 0)
    op, np_ = med("old", w, d, 1), med("new", w, d, 1)
    if o is None or n is None:
        continue
    print(f"{w:<16}{d:<22}{o:>11.0f}{n:>11.0f}{n / o:>9.3f}{op:>10.1f}{np_:>10.1f}{(np_ / op if op else 0):>9.3f}")
print()
print("Locksmith to peers, ops/s (higher is better for Locksmith):")
for w in sorted({r[0] for r in rows}):
    for ours, peer in (("locksmith-redis", "raw-jedis"), ("locksmith-redis", "redisson"),
                       ("locksmith-postgresql", "spring-jdbc"), ("locksmith-postgresql", "shedlock-jdbc")):
        line = []
        for label in ("old", "new"):
            a, b = med(label, w, ours, 0), med(label, w, peer, 0)
            line.append(f"{label} {a / b:.3f}" if a and b else f"{label} -")
        print(f"  {w:<16}{ours} / {peer}: " + ", ".join(line))
PY
