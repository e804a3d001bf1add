"""Exports the models compare.py measures, with the conformance generator's own recipe.

Run by compare.py in a child process (it imports torch and executorch, which the driver
does not need):

    python export_models.py OUT_DIR MODEL [MODEL ...] --variants portable xnnpack

For every model it seeds exactly as conformance/python/pipeline.build_variant does, builds
the generator's CaseSpec methods, and calls pipeline.export_variant, so the bytes are the
plain program that the .bpte in conformance/fixtures*/ bundles (up to exporter
nondeterminism). Writes OUT_DIR/<model>.<variant>.pte, the first test input of `forward` as
OUT_DIR/<model>.in<i>.npy, and OUT_DIR/<model>.<variant>.json (operators, delegates, sizes,
export time, or the exporter's error).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "conformance", "python")
sys.path.insert(0, GENERATOR)

# The same offline switches generate.py sets: minilm's weights come from a local package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def cases_by_name():
    import generate

    return {c.model: c for c in generate.all_cases()}


def save_inputs(out_dir, model, inputs):
    import numpy as np
    import torch

    written = []
    for i, x in enumerate(inputs):
        if not isinstance(x, torch.Tensor):
            raise RuntimeError(f"{model}: input {i} is a {type(x).__name__}, not a tensor")
        path = os.path.join(out_dir, f"{model}.in{i}.npy")
        np.save(path, np.ascontiguousarray(x.detach().numpy()))
        written.append(os.path.basename(path))
    return written


def export_one(case, variant, out_dir):
    import pipeline

    stem = os.path.join(out_dir, f"{case.model}.{variant}")
    info = {"model": case.model, "variant": variant, "pte": None, "error": None}
    t0 = time.time()
    try:
        # Same seed, same build, same normalisation as build_variant: identical weights and
        # inputs for every variant and for the eager reference.
        pipeline.seed_everything(pipeline.stable_seed(case.model))
        methods = {n: pipeline.normalize_spec(s) for n, s in case.build().items()}
        info["inputs"] = save_inputs(out_dir, case.model, methods["forward"].test_inputs[0])
        et, _ = pipeline.export_variant(case, methods, variant)
        pte = et.buffer
        with open(stem + ".pte", "wb") as f:
            f.write(pte)
        prog = pipeline.describe_program(et)["forward"]
        info.update(
            pte=os.path.basename(stem + ".pte"),
            bytes=len(pte),
            sha256=hashlib.sha256(pte).hexdigest(),
            operators=prog["operators"],
            delegates=prog["delegates"],
        )
    except Exception as e:  # noqa: BLE001 -- recorded and shown in the table, not fatal
        traceback.print_exc()
        info["error"] = f"export failed: {type(e).__name__}: {str(e).strip()[:500]}"
    info["export_seconds"] = round(time.time() - t0, 1)
    with open(stem + ".json", "w") as f:
        json.dump(info, f, indent=1)
    print(f"[export] {case.model}.{variant}: {info['error'] or 'ok'} ({info['export_seconds']} s)",
          flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--variants", nargs="+", default=["portable", "xnnpack"])
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    import torch

    # generate.py exports with one thread for a run-to-run stable float order; do the same.
    torch.set_num_threads(1)
    os.makedirs(args.out_dir, exist_ok=True)
    cases = cases_by_name()
    for model in args.models:
        if model not in cases:
            sys.exit(f"unknown model {model}; the generator knows {sorted(cases)}")
        for variant in args.variants:
            export_one(cases[model], variant, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
