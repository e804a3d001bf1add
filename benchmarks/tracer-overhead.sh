#!/usr/bin/env bash
# Does Method.execute with no tracer attached cost what it cost before the event tracer landed?
# Builds the benchmarks jar of a base commit (default: where this branch left main) beside this
# tree's, then runs TracerOverhead on each model alternately with both jars, ROUNDS times, so both
# builds see the same machine state.
#   benchmarks/tracer-overhead.sh [--base COMMIT] [--rounds N] [--seconds S] FILE.bpte...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="$(git -C "$root" merge-base HEAD main)"
rounds=3
seconds=2
files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
work="${TMPDIR:-/tmp}/et4j-tracer-overhead-$(git -C "$root" rev-parse --short "$base")"
if [[ ! -f "$work/benchmarks/target/benchmarks.jar" ]]; then
  rm -rf "$work"
  git -C "$root" worktree add --detach "$work" "$base" >/dev/null
  # The harness uses only API the base has; give the base its copy.
  cp "$root/benchmarks/src/main/java/org/et4j/benchmarks/TracerOverhead.java" "$work/benchmarks/src/main/java/org/et4j/benchmarks/"
  (cd "$work" && ./mvnw -B -ntp -o -q -DskipTests -pl benchmarks -am package)
fi
if [[ ! -f "$root/benchmarks/target/benchmarks.jar" || -n "$(find "$root" -path '*/target' -prune -o -name '*.java' -newer "$root/benchmarks/target/benchmarks.jar" -print -quit)" ]]; then
  (cd "$root" && ./mvnw -B -ntp -o -q -DskipTests -pl benchmarks -am package)
fi
for ((r = 1; r <= rounds; r++)); do
  for f in "${files[@]}"; do
    for build in base branch; do
      jar="$root/benchmarks/target/benchmarks.jar"
      [[ "$build" == base ]] && jar="$work/benchmarks/target/benchmarks.jar"
      printf '{"round": %d, "build": "%s", "result": ' "$r" "$build"
      "$java" --add-modules jdk.incubator.vector -Det4j.threads=1 -cp "$jar" org.et4j.benchmarks.TracerOverhead "$f" --seconds "$seconds" 2>/dev/null | tr -d '\n'
      echo '}'
    done
  done
done
