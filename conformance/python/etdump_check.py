"""Checks et4j's ETDumps with ExecuTorch's own devtools (run by hand, not by CI).

    conformance/python/.venv/bin/python conformance/python/etdump_check.py [--only MODEL.VARIANT ...]

For each case below this script

1. re-exports the conformance model with the fixture's recipe and ``generate_etrecord=True``,
   saves the ETRecord with the first test case as its representative input and the program,
   with the case's test inputs, as a BundledProgram (and reports whether the program is byte
   for byte the committed fixture's);
2. runs ``./et4j profile THAT.bpte --etdump ... --debug-buffer ...`` (et4j's ETDump, with
   intermediate outputs) and ExecuTorch's Python runtime with ``enable_etdump=True`` on the same
   program and test cases (ExecuTorch's ETDump);
3. compares the two ETDumps event by event (names, chain indexes, instruction ids, delegate
   debug ids, debug-event shapes), loads et4j's with ``Inspector`` without and with the ETRecord
   and checks the op names, counts and instruction ids it reports against Inspector's view of
   ExecuTorch's ETDump, and runs ``calculate_numeric_gap`` on et4j's intermediates;
4. prints ``./et4j profile --compare`` for one case.

Outputs go to the git-ignored conformance/python/etdump-work/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "conformance", "fixtures")
WORK = os.path.join(HERE, "etdump-work")

CASES = [
    "mul2.portable",
    "mlp.portable",
    "mlp.xnnpack",
    "digits_cnn.portable",
    "digits_cnn.xnnpack",
    "attention.portable",
    "attention.xnnpack",
    "lstm.portable",
]
NUMERIC_GAP = ["digits_cnn.portable", "mlp.xnnpack"]
COMPARE = "digits_cnn.portable"
ITERATIONS = 2


def export_with_etrecord(model: str, variant: str, etrecord_path: str, bpte_path: str):
    """Re-exports a fixture's model with its recipe; saves the ETRecord (first test case as the
    representative input) and a BundledProgram of the re-exported program with the case's test
    inputs. Returns the program bytes."""
    import generate
    import pipeline
    from executorch.devtools import BundledProgram
    from executorch.devtools.bundled_program.config import MethodTestCase, MethodTestSuite
    from executorch.devtools.bundled_program.serialize import (
        serialize_from_bundled_program_to_flatbuffer,
    )

    case = next(c for c in generate.all_cases() if c.model == model)
    pipeline.seed_everything(pipeline.stable_seed(case.model))
    methods = {n: pipeline.normalize_spec(s) for n, s in case.build().items()}
    et, _ = pipeline.export_variant(case, methods, variant, generate_etrecord=True)
    etrecord = et.get_etrecord()
    etrecord.update_representative_inputs(list(methods["forward"].test_inputs[0]))
    etrecord.save(etrecord_path)
    suites = [MethodTestSuite(method_name=n, test_cases=[MethodTestCase(inputs=list(i)) for i in s.test_inputs])
              for n, s in methods.items()]
    with open(bpte_path, "wb") as f:
        f.write(serialize_from_bundled_program_to_flatbuffer(BundledProgram(et, suites)))
    return et.buffer


def to_torch(value):
    import torch
    from executorch.devtools.bundled_program.schema.bundled_program_schema import Tensor

    x = value.val
    if isinstance(x, Tensor):
        dtypes = {0: torch.uint8, 1: torch.int8, 3: torch.int32, 4: torch.int64, 5: torch.float16,
                  6: torch.float32, 7: torch.float64, 11: torch.bool, 15: torch.bfloat16}
        t = torch.frombuffer(bytearray(bytes(x.data)), dtype=dtypes[int(x.scalar_type)])
        return t.reshape(list(x.sizes)).clone()
    for attr in ("int_val", "bool_val", "double_val"):
        if hasattr(x, attr):
            return getattr(x, attr)
    raise TypeError(type(x))


def executorch_etdump(program: bytes, bundled, etdp: str, debug: str) -> None:
    from executorch.runtime import Runtime

    rt = Runtime.get()
    prog = rt.load_program(program, enable_etdump=True, debug_buffer_size=64 << 20)
    method = prog.load_method("forward")
    suite = next(s for s in bundled.method_test_suites if s.method_name == "forward")
    # The first test case every time: ExecuTorch's Python runtime sets no bundled input index,
    # and Inspector requires the runs of one signature to log equal values.
    for _ in range(ITERATIONS):
        method.execute([to_torch(v) for v in suite.test_cases[0].inputs])
    prog.write_etdump_result_to_file(etdp, debug)


def et4j_etdump(fixture: str, etdp: str, debug: str) -> str:
    cmd = [os.path.join(ROOT, "et4j"), "profile", fixture, "--iterations", str(ITERATIONS), "--warmup", "1",
           "--etdump", etdp, "--debug-buffer", debug]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def structure(etdp: str):
    """Per Execute run: the profile events and debug events, without times and offsets."""
    from executorch.devtools.etdump.serialize import deserialize_from_etdump_flatcc

    with open(etdp, "rb") as f:
        dump = deserialize_from_etdump_flatcc(f.read())
    runs = []
    for run in dump.run_data:
        if run.name != "Execute":
            continue
        events = []
        for e in run.events:
            if e.profile_event is not None:
                p = e.profile_event
                events.append(("P", p.name, p.chain_index, p.instruction_id, p.delegate_debug_id_int,
                               p.delegate_debug_id_str))
            elif e.debug_event is not None:
                d = e.debug_event
                v = d.debug_entry
                shape = tuple(v.tensor.sizes) if v.tensor is not None else (
                    tuple(tuple(t.sizes) for t in v.tensor_list.tensors) if v.tensor_list is not None else None)
                events.append(("D", d.chain_index, d.instruction_id, v.val, shape,
                               bool(v.output is not None and v.output.bool_val)))
            else:
                events.append(("A",))
        runs.append(events)
    return runs


def inspector_view(inspector):
    """(event name, instruction id, number of samples, op types) of each event of each block."""
    return [
        [(e.name, e._instruction_id, len(e.perf_data.raw) if e.perf_data else 0, tuple(e.op_types))
         for e in block.events]
        for block in inspector.event_blocks
        if block.name == "Execute"  # ExecuTorch's also has a "Default" block for Method::init
    ]


def check_case(name: str) -> dict:
    from executorch.devtools import Inspector
    from executorch.devtools.bundled_program.serialize import (
        deserialize_from_flatbuffer_to_bundled_program,
    )

    model, variant = name.split(".", 1)
    fixture = os.path.join(FIXTURES, model, f"{model}.{variant}.bpte")
    with open(fixture, "rb") as f:
        fixture_program = bytes(deserialize_from_flatbuffer_to_bundled_program(f.read()).program)
    out = os.path.join(WORK, name)
    etrecord = out + ".etrecord"
    # The ETRecord must describe the program that runs: re-export, and run the re-export. It is
    # the fixture byte for byte except for models trained at export (digits_cnn's weights come
    # out different on this machine); their instructions and debug handles are the same.
    bpte = out + ".bpte"
    program = export_with_etrecord(model, variant, etrecord, bpte)
    with open(bpte, "rb") as f:
        bundled = deserialize_from_flatbuffer_to_bundled_program(f.read())
    fixture = bpte

    mine, mine_bin = out + ".et4j.etdp", out + ".et4j.bin"
    theirs, theirs_bin = out + ".executorch.etdp", out + ".executorch.bin"
    et4j_etdump(fixture, mine, mine_bin)
    executorch_etdump(program, bundled, theirs, theirs_bin)

    # 1. Event by event, et4j's ETDump records what ExecuTorch's runtime records.
    # ExecuTorch ran the first test case every time, et4j the test cases in turn: shapes are
    # compared for et4j's first run only.
    s_mine, s_theirs = structure(mine), structure(theirs)
    assert len(s_mine) == len(s_theirs) == ITERATIONS, (len(s_mine), len(s_theirs))
    s_mine = [s_mine[0]] + [[e[:4] if e[0] == "D" else e for e in run] for run in s_mine[1:]]
    s_theirs = [s_theirs[0]] + [[e[:4] if e[0] == "D" else e for e in run] for run in s_theirs[1:]]
    for i, (a, b) in enumerate(zip(s_mine, s_theirs)):
        if a != b:
            for x, y in zip(a, b):
                if x != y:
                    print(f"  first difference in run {i}: et4j {x} vs ExecuTorch {y}")
                    break
            raise AssertionError(f"{name}: run {i} differs from ExecuTorch's ({len(a)} vs {len(b)} events)")

    # 2. Inspector, without the ETRecord: the same events, names and instruction ids.
    plain_mine = inspector_view(Inspector(etdump_path=mine))
    plain_theirs = inspector_view(Inspector(etdump_path=theirs))
    names_mine = [[(n, i) for n, i, _, _ in block] for block in plain_mine]
    names_theirs = [[(n, i) for n, i, _, _ in block] for block in plain_theirs]
    # et4j records the bundled input index, so each test case is a block of its own.
    assert all(b == names_theirs[0] for b in names_mine), f"{name}: Inspector event names/ids differ"
    samples = sum(block[0][2] for block in plain_mine)
    assert samples == ITERATIONS, f"{name}: {samples} samples of the first event over all blocks"

    # 3. With the ETRecord: the same op types for every event.
    rec_mine = inspector_view(Inspector(etdump_path=mine, etrecord=etrecord))
    rec_theirs = inspector_view(Inspector(etdump_path=theirs, etrecord=etrecord))
    ops_mine = [[(n, i, ops) for n, i, _, ops in block] for block in rec_mine]
    ops_theirs = [[(n, i, ops) for n, i, _, ops in block] for block in rec_theirs]
    assert all(b == ops_theirs[0] for b in ops_mine), f"{name}: op types from the ETRecord differ"
    with_ops = sum(1 for _, _, ops in ops_mine[0] if ops)
    assert with_ops > 0, f"{name}: no event got op types from the ETRecord"

    result = {
        "case": name,
        "same_program_as_fixture": program == fixture_program,
        "runs": len(s_mine),
        "events_per_run": len(s_mine[0]),
        "inspector_events": len(names_mine[0]),
        "events_with_op_types": with_ops,
        "op_names": sorted({n for n, _ in names_mine[0]}),
    }

    # 4. Numeric gap of et4j's intermediates against the eager graph of the ETRecord.
    if name in NUMERIC_GAP:
        ins = Inspector(etdump_path=mine, etrecord=etrecord, debug_buffer_path=mine_bin)
        df = ins.calculate_numeric_gap("MSE")
        ref = Inspector(etdump_path=theirs, etrecord=etrecord, debug_buffer_path=theirs_bin)
        df_ref = ref.calculate_numeric_gap("MSE")
        gaps = [float(g[0]) if isinstance(g, (list, tuple)) else float(g) for g in df["gap"]]
        gaps_ref = [float(g[0]) if isinstance(g, (list, tuple)) else float(g) for g in df_ref["gap"]]
        assert len(df) == len(df_ref) > 0, (len(df), len(df_ref))
        assert max(gaps) < 1e-6, f"{name}: et4j's intermediates drift from eager: {gaps}"
        result["numeric_gap_rows"] = len(df)
        result["numeric_gap_max_mse"] = max(gaps)
        result["executorch_numeric_gap_max_mse"] = max(gaps_ref)
        print(df[["aot_ops", "runtime_ops", "gap"]].to_string(max_colwidth=60))
    return result


def main() -> int:
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    failures = 0
    for name in args.only or CASES:
        try:
            r = check_case(name)
            print("ok  ", r)
        except Exception as e:  # noqa: BLE001 - report every case, then fail
            failures += 1
            print("FAIL", name, f"{type(e).__name__}: {e}")
    if COMPARE in (args.only or CASES):
        fixture = os.path.join(WORK, COMPARE + ".bpte")
        theirs = os.path.join(WORK, COMPARE + ".executorch.etdp")
        print(subprocess.run([os.path.join(ROOT, "et4j"), "profile", fixture, "--iterations", "50", "--warmup", "50", "--case", "0",
                              "--compare", theirs], check=True, capture_output=True, text=True).stdout)
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
