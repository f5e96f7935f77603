#!/usr/bin/env bash
# Times scipy and mlops4j's stats on the same data files, one after the other, RUNS times.
# Usage (from the repository root, after
#   mvn -B -q -pl mlops-benchmarks -am package -DskipTests):
#   mlops-benchmarks/scripts/stats-vs-scipy.sh [RUNS=3] [DATA_DIR=/tmp/mlops4j-stats] [JAR]
set -euo pipefail
runs=${1:-3}
dir=${2:-/tmp/mlops4j-stats}
jar=${3:-mlops-benchmarks/target/benchmarks.jar}
here=$(cd "$(dirname "$0")" && pwd)
py="$here/stats_vs_scipy.py"
[ -f "$dir/ks_ref.f64" ] || python3 "$py" write "$dir"
# JMH refuses to start while another JMH run holds /tmp/jmh.lock: wait for it (up to 30 min), or
# set JMH_JAVA_OPTS=-Djmh.ignoreLock=true on a shared machine where others run benchmarks anyway.
jmh() {
  local log=$1
  shift
  for _ in $(seq 1 120); do
    # shellcheck disable=SC2086
    if java ${JMH_JAVA_OPTS:-} -jar "$jar" "$@" > "$log" 2>&1; then return 0; fi
    grep -q "Unable to acquire the JMH lock" "$log" || { cat "$log"; return 1; }
    sleep 15
  done
  return 1
}
for run in $(seq 1 "$runs"); do
  echo "== run $run: $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  jmh "$dir/jmh-$run.log" StatsVsScipyBenchmark -p dataDir="$dir" -f 1 -wi 3 -w 1 -i 5 -r 1 \
    -rf json -rff "$dir/jmh-$run.json"
  echo "load between: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 "$py" time "$dir" "$dir/scipy-$run.json"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 "$py" ratios "$dir/scipy-$run.json" "$dir/jmh-$run.json"
done
