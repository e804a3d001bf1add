#!/usr/bin/env bash
# Runs coldstart.py with the conformance virtualenv's Python (ExecuTorch's runtime); the venv is
# only read. ET4J_VENV picks another one, e.g. from a worktree:
#   ET4J_VENV=/work/main/conformance/python/.venv benchmarks/compare/run-coldstart.sh M.pte --input X.npy
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ET4J_VENV:-$repo/conformance/python/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "no virtualenv at $venv: run conformance/python/setup.sh, or set ET4J_VENV" >&2
  exit 2
fi
exec "$venv/bin/python" "$here/coldstart.py" --python "$venv/bin/python" "$@"
