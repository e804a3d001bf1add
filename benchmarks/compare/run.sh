#!/usr/bin/env bash
# Runs compare.py in the conformance virtualenv (torch, executorch, numpy, threadpoolctl).
# The venv is used read-only. ET4J_VENV picks another one, e.g. a worktree's sibling checkout:
#   ET4J_VENV=/work/main/conformance/python/.venv benchmarks/compare/run.sh --quick
# Build the harness first: ./mvnw -B -ntp -q -o -pl benchmarks -am package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ET4J_VENV:-$repo/conformance/python/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "no virtualenv at $venv: run conformance/python/setup.sh, or set ET4J_VENV" >&2
  exit 2
fi
# shellcheck disable=SC1091
source "$venv/bin/activate"
exec python "$here/compare.py" "$@"
