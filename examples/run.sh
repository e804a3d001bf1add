#!/usr/bin/env bash
# Builds the example against the installed et4j artifacts and runs it four ways: module path and
# class path, each with and without --add-modules jdk.incubator.vector. Without it et4j runs its
# scalar kernels and must say so in exactly one warning.
#   examples/run.sh [extra maven args, e.g. -Dmaven.repo.local=...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
"$ROOT/mvnw" -B -ntp -q -f "$HERE/pom.xml" package "$@"
FIX="$ROOT/conformance/fixtures/digits_cnn"
ARGS=("$FIX/digits_cnn.portable.pte" "$FIX/digits_test.npy" "$FIX/digits_test_labels.npy")
MAIN=org.et4j.examples.digits.ClassifyDigits
LIB="$HERE/target/lib"
CLASSES="$HERE/target/classes"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
fail=0
for path in module class; do
  for vector in with without; do
    flags=()
    if [[ $vector == with ]]; then flags=(--add-modules jdk.incubator.vector); fi
    if [[ $path == module ]]; then
      cmd=("$JAVA" "${flags[@]}" -p "$LIB:$CLASSES" -m "org.et4j.examples.digits/$MAIN" "${ARGS[@]}")
    else
      cmd=("$JAVA" "${flags[@]}" -cp "$LIB/*:$CLASSES" "$MAIN" "${ARGS[@]}")
    fi
    err="$(mktemp)"
    if ! out="$("${cmd[@]}" 2>"$err")"; then
      echo "examples: $path path, $vector the Vector API: FAILED"; cat "$err"; fail=1; continue
    fi
    # The JVM's own notice about incubator modules is not et4j's; count et4j's warnings.
    warnings="$(grep -iv 'incubator modules' "$err" | grep -ic 'warning' || true)"
    expected=0
    if [[ $vector == without ]]; then expected=1; fi
    echo "examples: $path path, $vector the Vector API: $(echo "$out" | tr '\n' ' ')($warnings et4j warning(s))"
    if [[ $warnings != "$expected" ]]; then
      echo "examples: expected $expected et4j warning(s), stderr was:"; cat "$err"; fail=1
    fi
    rm -f "$err"
  done
done
exit $fail
