"""Regenerates the conformance fixtures (see conformance/README.md).

    python generate.py [--large] [--only NAME ...] [--variants V ...]

Default: the committed set into conformance/fixtures/. With --large, additionally the
large models into the git-ignored conformance/fixtures-large/ (own manifest.json).
--only regenerates the named models and merges them into the existing manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
CONFORMANCE = os.path.dirname(HERE)
SMALL_ROOT = os.path.join(CONFORMANCE, "fixtures")
LARGE_ROOT = os.path.join(CONFORMANCE, "fixtures-large")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Determinism for cuBLAS-free CPU runs as well; harmless on CPU.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

MANIFEST_VERSION = 1


def all_cases():
    from models import digits, features, llama, minilm, simple, vision

    cases = []
    for mod in (simple, features, digits, llama, vision, minilm):
        cases.extend(mod.CASES)
    names = [c.model for c in cases]
    assert len(names) == len(set(names)), names
    return cases


def versions():
    import executorch.version
    import numpy
    import torch
    import torchao

    v = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "executorch": executorch.version.__version__,
        "executorch_git": executorch.version.git_version,
        "torchao": torchao.__version__,
        "numpy": numpy.__version__,
    }
    try:
        import torchvision

        v["torchvision"] = torchvision.__version__
    except ImportError:
        pass
    try:
        import sklearn

        v["scikit-learn"] = sklearn.__version__
    except ImportError:
        pass
    return v


def load_manifest(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return None


def dump_json(obj) -> str:
    """Indented JSON where any object or list that fits in 100 columns stays on one line."""

    def fmt(o, indent):
        flat = json.dumps(o)
        if len(flat) + indent <= 100 or not isinstance(o, (dict, list)) or not o:
            return flat
        pad = " " * (indent + 1)
        if isinstance(o, dict):
            items = [f"{pad}{json.dumps(k)}: {fmt(v, indent + 1)}" for k, v in o.items()]
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        items = [pad + fmt(v, indent + 1) for v in o]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"

    return fmt(obj, 0) + "\n"


def write_manifest(root, entries, extras, large):
    path = os.path.join(root, "manifest.json")
    for e in entries:  # wall time varies run to run; keep the manifest byte-stable
        e.pop("generation_seconds", None)
    entries = sorted(entries, key=lambda e: (e["model"], e["variant"]))
    committed = [e for e in entries if e.get("bpte")]
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "description": (
            "et4j conformance fixtures: BundledPrograms whose expected outputs were "
            "produced by the ExecuTorch Python runtime. See conformance/README.md."
        ),
        "large": large,
        "generator": "conformance/python/generate.py",
        "versions": versions(),
        "models": {k: extras[k] for k in sorted(extras)},
        "cases": entries,
    }
    total = 0
    for dirpath, _, files in os.walk(root):
        for fn in files:
            if fn != "manifest.json":
                total += os.path.getsize(os.path.join(dirpath, fn))
    manifest["total_bytes"] = total
    manifest["num_cases"] = len(committed)
    manifest["num_skipped"] = len(entries) - len(committed)
    with open(path, "w") as f:
        f.write(dump_json(manifest))
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also build the large models")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these models")
    ap.add_argument("--variants", nargs="+", metavar="V", help="only these variants")
    ap.add_argument("--list", action="store_true", help="list models and exit")
    args = ap.parse_args(argv)

    warnings.filterwarnings("ignore")
    import torch

    import pipeline

    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.set_num_threads(1)  # identical float reduction order run-to-run

    cases = all_cases()
    if args.list:
        for c in cases:
            print(f"{c.model:20s} {'large' if c.large else 'small':5s} {','.join(c.variants)}")
        return 0
    known = {c.model for c in cases}
    if args.only:
        unknown = set(args.only) - known
        if unknown:
            ap.error(f"unknown model(s): {sorted(unknown)}; known: {sorted(known)}")
        cases = [c for c in cases if c.model in args.only]
    if not args.large:
        if args.only and any(c.large for c in cases):
            ap.error("large models need --large")
        cases = [c for c in cases if not c.large]

    roots = {False: SMALL_ROOT, True: LARGE_ROOT}
    results = {False: [], True: []}
    extras = {False: {}, True: {}}
    failures = []
    for case in cases:
        root = roots[case.large]
        os.makedirs(root, exist_ok=True)
        by_variant = {}
        for variant in case.variants:
            if args.variants and variant not in args.variants:
                continue
            t0 = time.time()
            seed = pipeline.stable_seed(case.model)
            entry = pipeline.build_variant(case, variant, root, seed)
            entry["generation_seconds"] = round(time.time() - t0, 1)
            status = "SKIPPED: " + entry["skipped"][:300] if entry["skipped"] else "ok"
            print(f"[{case.model}.{variant}] {status} ({entry['generation_seconds']}s)", flush=True)
            if entry["skipped"]:
                failures.append((case.model, variant, entry["skipped"]))
            by_variant[variant] = entry
            results[case.large].append(entry)
        if case.after is not None:
            pipeline.seed_everything(pipeline.stable_seed(case.model))
            extra = case.after(os.path.join(root, case.model), by_variant)
            if extra:
                extras[case.large][case.model] = extra

    partial = bool(args.only or args.variants)
    regenerated_models = {c.model for c in cases}
    for large in (False, True):
        if not results[large] and not extras[large]:
            continue
        root = roots[large]
        entries = results[large]
        if partial:
            # Keep every old entry that this run did not regenerate.
            old = load_manifest(os.path.join(root, "manifest.json")) or {}
            fresh = {(e["model"], e["variant"]) for e in entries}
            for e in old.get("cases", []):
                redone = (e["model"], e["variant"]) in fresh or (
                    not args.variants and e["model"] in regenerated_models
                )
                if not redone:
                    entries.append(e)
            for k, v in old.get("models", {}).items():
                extras[large].setdefault(k, v)
        m = write_manifest(root, entries, extras[large], large)
        print(f"wrote {root}/manifest.json: {m['num_cases']} cases, "
              f"{m['num_skipped']} skipped, {m['total_bytes']} bytes")
    for model, variant, reason in failures:
        print(f"skipped {model}.{variant}: {reason[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
