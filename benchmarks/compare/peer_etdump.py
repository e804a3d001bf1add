"""Writes an ETDump of ExecuTorch's own Python runtime running a .pte, for `./et4j profile --compare`.

The per-operator and per-XNNPACK-node profile of ExecuTorch beside et4j's on the same file is what
explains a latency gap op by op (benchmarks/GAPS.md). Runs in the conformance virtualenv:

    conformance/python/.venv/bin/python benchmarks/compare/peer_etdump.py MODEL.pte OUT.etdp \
        [--input IN0.npy ...] [--threads 1] [--warmup 20] [--iterations 50]

ExecuTorch's tracer is on for the program's whole life, so the ETDump holds every execution,
the first (cold) ones included: compare the p50 columns of `et4j profile --compare`.
"""
import argparse
import sys

import numpy as np
import torch


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("pte")
    ap.add_argument("out")
    ap.add_argument("--input", nargs="*", default=[])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=50)
    args = ap.parse_args(argv)

    from executorch.extension.pybindings import portable_lib
    from executorch.runtime import Runtime

    # The XNNPACK thread pool, as benchmarks/compare/compare.py sets it.
    portable_lib._unsafe_reset_threadpool(args.threads)
    torch.set_num_threads(args.threads)
    with open(args.pte, "rb") as f:
        program = f.read()
    rt = Runtime.get()
    prog = rt.load_program(program, enable_etdump=True, debug_buffer_size=0)
    method = prog.load_method("forward")
    inputs = [torch.from_numpy(np.load(p)) for p in args.input]
    for _ in range(args.iterations):
        method.execute(inputs)
    prog.write_etdump_result_to_file(args.out, None)
    print(f"wrote {args.out}: {args.iterations} executions, {args.threads} XNNPACK thread(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
