#!/usr/bin/env bash
# Creates the git-ignored virtualenv conformance/python/.venv and installs the pinned
# generator dependencies. Idempotent: re-running only installs what is missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
if [ ! -x "$HERE/.venv/bin/python" ]; then
  "$PY" -m venv "$HERE/.venv"
fi
"$HERE/.venv/bin/python" -m pip install --upgrade pip
"$HERE/.venv/bin/python" -m pip install -r "$HERE/requirements.txt" -c "$HERE/requirements-lock.txt"
"$HERE/.venv/bin/python" - <<'PYCHECK'
import torch, executorch, executorch.runtime  # noqa: F401
from executorch.version import __version__ as et_version
print(f"ok: torch {torch.__version__}, executorch {et_version}")
PYCHECK
