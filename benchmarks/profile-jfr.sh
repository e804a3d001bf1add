#!/usr/bin/env bash
# A JFR profile of et4j running one program in steady state: where the CPU time goes, method by
# method. `et4j bench --jfr` records the timed runs only (JFR's execution samples every 2 ms, et4j's
# per-operator events off), after the warm-up; this prints JFR's hot-methods view of it and the
# allocation sites. Sampling proportions stay meaningful on a busy machine; wall-clock numbers do
# not (measure those with benchmarks/compare).
#   benchmarks/profile-jfr.sh FILE.pte [--threads N] [--warmup N] [--iterations N] [--input X.npy] [--top K]
# The recording is left at ${TMPDIR:-/tmp}/et4j-profile-<name>-<threads>t.jfr for JMC or `jfr print`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
file="$1"; shift
threads=1; warmup=300; iterations=2000; top=25; input=(--random 7)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    --input) input=(--input "$2"); shift 2 ;;
    --top) top="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
name="$(basename "$file" | sed 's/\.[^.]*$//')"
rec="${TMPDIR:-/tmp}/et4j-profile-$name-${threads}t.jfr"
ET4J_JAVA_OPTS="-Det4j.threads=$threads ${ET4J_JAVA_OPTS:-}" "$root/et4j" bench "$file" "${input[@]}" \
  --warmup "$warmup" --iterations "$iterations" --threads "$threads" --jfr "$rec" | grep -E 'inference_latency|threads'
"$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$rec" | head -n $((top + 6))
"$JAVA_HOME/bin/jfr" view --width 200 allocation-by-site "$rec" | head -n 12 || true
