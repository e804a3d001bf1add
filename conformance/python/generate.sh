#!/usr/bin/env bash
# Regenerates every conformance fixture deterministically (seeded).
#   conformance/python/generate.sh [--large] [--only NAME...] [--variants V...] [--list]
# Run conformance/python/setup.sh once first.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$HERE/.venv/bin/python" ]; then
  echo "missing $HERE/.venv: run conformance/python/setup.sh first" >&2
  exit 1
fi
cd "$HERE"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
exec "$HERE/.venv/bin/python" generate.py "$@"
