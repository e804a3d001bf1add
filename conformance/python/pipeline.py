"""Export / run / bundle pipeline shared by every conformance case.

A case (see ``models/``) describes one model: one or more methods, each with an eager
``torch.nn.Module``, example inputs, optional dynamic shapes and 2-4 seeded test input
sets. For every requested variant this module

1. exports the model with the variant's recipe (portable, xnnpack, quantized, ...),
2. loads the resulting plain program bytes with the real ExecuTorch Python runtime
   (``executorch.runtime``) and executes every test input set -- in order, on one loaded
   method, so stateful models see their state evolve,
3. bundles program + inputs + runtime outputs into a BundledProgram (``.bpte``),
4. returns a manifest entry (operators, delegates, dtypes, shapes, errors vs. eager).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import random
import tempfile
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

VARIANTS = (
    "portable", "xnnpack", "xnnpack-qd8", "xnnpack-4bit", "pt2e-int8", "ptd", "xnnpack-ptd",
    "xnnpack-int8",
)
PTD_VARIANTS = ("ptd", "xnnpack-ptd")


# --------------------------------------------------------------------------------------
# Case description
# --------------------------------------------------------------------------------------


@dataclass
class MethodSpec:
    """One method of a program: the eager module and its test inputs."""

    module: torch.nn.Module
    example_inputs: Tuple[Any, ...]
    test_inputs: List[Tuple[Any, ...]]
    dynamic_shapes: Any = None
    # Extra inputs used only to calibrate static quantization (pt2e-int8).
    calibration_inputs: Optional[List[Tuple[Any, ...]]] = None


@dataclass
class CaseSpec:
    model: str
    description: str
    # Builds the methods; called once per variant with the global seed already set,
    # so every variant starts from identical weights.
    build: Callable[[], Dict[str, MethodSpec]]
    variants: Sequence[str]
    large: bool = False
    stateful: bool = False
    # Names (substrings) of mutable buffers whose initial value is serialized into the
    # program (InitializedMutableBufferPass); other mutable buffers start zeroed.
    init_buffers: Sequence[str] = ()
    # Constant methods (name -> python value) added to the program, never tested.
    constant_methods: Optional[Dict[str, Any]] = None
    # Variant-specific reasons not to build something, recorded as skipped.
    skip: Dict[str, str] = field(default_factory=dict)
    # Hook run once after all variants: (output_dir, results) -> extra manifest info.
    after: Optional[Callable[[str, Dict[str, Any]], Dict[str, Any]]] = None
    # Keep the plain .pte for these variants next to the .bpte.
    keep_pte: Sequence[str] = ()
    # PT2E: quantize only these module types (default: the whole graph, set_global).
    quant_module_types: Optional[Sequence[type]] = None
    # 4-bit weight group size (None -> per output channel).
    int4_group_size: Optional[int] = 32


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def stable_seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


# --------------------------------------------------------------------------------------
# Export recipes
# --------------------------------------------------------------------------------------


def _export(module: torch.nn.Module, spec: MethodSpec):
    # no_grad: in-place buffer updates (KV cache index_put_) from values computed with
    # parameters must not be recorded for autograd.
    with torch.no_grad():
        return torch.export.export(
            module, spec.example_inputs, dynamic_shapes=spec.dynamic_shapes, strict=False
        )


def _pt2e_quantize(
    spec: MethodSpec, dynamic: bool, module_types: Optional[Sequence[type]] = None
) -> torch.nn.Module:
    """PT2E quantization with the XNNPACK quantizer; returns the converted module."""
    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    quantizer = XNNPACKQuantizer()
    config = get_symmetric_quantization_config(is_per_channel=True, is_dynamic=dynamic)
    if module_types:
        for module_type in module_types:
            quantizer.set_module_type(module_type, config)
    else:
        quantizer.set_global(config)
    # Calibration runs mutate a stateful model's buffers (KV cache, counters): snapshot
    # them and put the initial values back afterwards, in both modules.
    state = {n: b.detach().clone() for n, b in spec.module.named_buffers()}
    captured = _export(spec.module, spec).module()
    prepared = prepare_pt2e(captured, quantizer)
    calib = list(spec.calibration_inputs or []) + list(spec.test_inputs)
    with torch.no_grad():
        for inputs in calib:
            prepared(*inputs)
    converted = convert_pt2e(prepared)
    with torch.no_grad():
        for module in (spec.module, converted):
            for n, b in module.named_buffers():
                if n in state and b.shape == state[n].shape:
                    b.copy_(state[n])
    return converted


def _int4_quantize(module: torch.nn.Module, group_size: Optional[int]) -> torch.nn.Module:
    """torchao int8-dynamic-activation / int4-weight for nn.Linear layers.

    XNNPACK needs the group size to be a multiple of 32, so only Linear layers whose
    in_features is a multiple of the group size are quantized (group_size=None: one
    group per output channel, for in_features % 32 == 0); the others stay float32.
    """
    from torchao.quantization import Int8DynamicActivationIntxWeightConfig, quantize_
    from torchao.quantization.granularity import PerAxis, PerGroup

    module = copy.deepcopy(module)
    step = group_size or 32

    def eligible(m, fqn):
        return isinstance(m, torch.nn.Linear) and m.in_features % step == 0

    granularity = PerGroup(group_size) if group_size else PerAxis(0)
    with torch.no_grad():
        quantize_(
            module,
            Int8DynamicActivationIntxWeightConfig(
                weight_dtype=torch.int4, weight_granularity=granularity
            ),
            filter_fn=eligible,
        )
    return module


def export_variant(
    case: CaseSpec, methods: Dict[str, MethodSpec], variant: str, generate_etrecord: bool = False
):
    """Returns (ExecutorchProgramManager, {method: quantized eager module or None}).

    generate_etrecord: also record the ETRecord (``et.get_etrecord()``) for the devtools."""
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import (
        XnnpackPartitioner,
    )
    from executorch.exir import (
        EdgeCompileConfig,
        ExecutorchBackendConfig,
        to_edge,
        to_edge_transform_and_lower,
    )
    from executorch.exir.passes.init_mutable_pass import InitializedMutableBufferPass
    from executorch.exir.passes.sym_shape_eval_pass import (
        ConstraintBasedSymShapeEvalPass,
    )

    if variant == "pt2e-int8":
        # Registers the quantized_decomposed::*.out variants needed to emit the
        # quantize/dequantize ops that stay in the (undelegated) program.
        import executorch.kernels.quantized  # noqa: F401

    quant_refs: Dict[str, Optional[torch.nn.Module]] = {}
    eps = {}
    for name, spec in methods.items():
        if variant in ("xnnpack-qd8", "pt2e-int8", "xnnpack-int8"):
            qmod = _pt2e_quantize(
                spec, dynamic=(variant == "xnnpack-qd8"), module_types=case.quant_module_types
            )
            quant_refs[name] = qmod
            eps[name] = _export(qmod, spec)
        elif variant == "xnnpack-4bit":
            qmod = _int4_quantize(spec.module, case.int4_group_size)
            quant_refs[name] = qmod
            eps[name] = _export(qmod, spec)
        elif variant == "xnnpack-ptd":
            # Tag every constant for external storage, including those the XNNPACK
            # delegate consumes: its weights then live in the .ptd as named data.
            from executorch.exir.passes.external_constants_pass import (
                delegate_external_constants_pass_unlifted,
            )

            quant_refs[name] = None
            unlifted = _export(spec.module, spec).module()
            delegate_external_constants_pass_unlifted(
                unlifted, gen_tag_fn=lambda node: case.model
            )
            eps[name] = _export(unlifted, spec)
        else:
            quant_refs[name] = None
            eps[name] = _export(spec.module, spec)

    compile_config = EdgeCompileConfig(_check_ir_validity=True)
    if variant.startswith("xnnpack"):
        edge = to_edge_transform_and_lower(
            eps,
            partitioner=[XnnpackPartitioner()],
            constant_methods=case.constant_methods,
            compile_config=compile_config,
            generate_etrecord=generate_etrecord,
        )
    else:
        edge = to_edge(
            eps,
            constant_methods=case.constant_methods,
            compile_config=compile_config,
            generate_etrecord=generate_etrecord,
        )

    passes = []
    if case.init_buffers:
        passes.append(InitializedMutableBufferPass(list(case.init_buffers)))
    dynamic = any(s.dynamic_shapes is not None for s in methods.values())
    kwargs: Dict[str, Any] = dict(passes=passes, emit_mutable_buffer_names=True)
    if dynamic:
        kwargs["sym_shape_eval_pass"] = ConstraintBasedSymShapeEvalPass()
    if variant == "ptd":
        kwargs["external_constants"] = True
    elif variant == "xnnpack-ptd":
        kwargs["external_constants"] = lambda node: case.model
    et = edge.to_executorch(ExecutorchBackendConfig(**kwargs))
    return et, quant_refs


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def _clone_out(v):
    if isinstance(v, torch.Tensor):
        return v.detach().clone()
    return v


def run_executorch(pte: bytes, ptd_path: Optional[str], methods: Dict[str, MethodSpec]):
    """Runs every test input set through executorch.runtime; returns {method: [[outs]]}."""
    from executorch.runtime import Runtime

    rt = Runtime.get()
    program = rt.load_program(pte, data_path=ptd_path)
    results = {}
    for name, spec in methods.items():
        method = program.load_method(name)
        outs = []
        for inputs in spec.test_inputs:
            got = method.execute([_clone_out(x) for x in inputs])
            outs.append([_clone_out(o) for o in got])
        results[name] = outs
    return results


def _flatten(out) -> List[Any]:
    if isinstance(out, (list, tuple)):
        flat = []
        for o in out:
            flat.extend(_flatten(o))
        return flat
    return [out]


def run_eager(module: torch.nn.Module, spec: MethodSpec) -> List[List[Any]]:
    """Eager outputs, in order, on a private copy (state evolves like on device)."""
    module = copy.deepcopy(module)
    outs = []
    with torch.no_grad():
        for inputs in spec.test_inputs:
            outs.append(
                [_clone_out(o) for o in _flatten(module(*[_clone_out(x) for x in inputs]))]
            )
    return outs


def compare(et_outs: List[List[Any]], ref_outs: List[List[Any]]) -> List[Dict[str, Any]]:
    """Per output index: max abs error, max elementwise relative error, max |ref|."""
    n = len(et_outs[0])
    stats = []
    for i in range(n):
        max_abs = 0.0
        max_rel = 0.0
        ref_max = 0.0
        for got_case, ref_case in zip(et_outs, ref_outs):
            got = got_case[i].detach().to(torch.float64)
            ref = ref_case[i].detach().to(torch.float64)
            if got.shape != ref.shape:
                raise RuntimeError(
                    f"output {i}: shape {tuple(got.shape)} vs eager {tuple(ref.shape)}"
                )
            if got.numel() == 0:
                continue
            diff = (got - ref).abs()
            max_abs = max(max_abs, float(diff.max()))
            max_rel = max(max_rel, float((diff / ref.abs().clamp_min(1e-6)).max()))
            ref_max = max(ref_max, float(ref.abs().max()))
        stats.append(
            {"output": i, "max_abs": max_abs, "max_rel": max_rel, "ref_max_abs": ref_max}
        )
    return stats


# --------------------------------------------------------------------------------------
# Program introspection (from the emitted flatbuffer program)
# --------------------------------------------------------------------------------------

_DTYPE_NAMES = {
    0: "uint8", 1: "int8", 2: "int16", 3: "int32", 4: "int64", 5: "float16",
    6: "float32", 7: "float64", 11: "bool", 12: "qint8", 13: "quint8", 14: "qint32",
    15: "bfloat16", 16: "quint4x2", 17: "quint2x4", 22: "bits16", 23: "float8_e5m2",
    24: "float8_e4m3fn", 27: "uint16", 28: "uint32", 29: "uint64",
}


def _describe_value(value) -> Dict[str, Any]:
    from executorch.exir.schema import Bool, Double, Int, Tensor

    val = value.val
    if isinstance(val, Tensor):
        return {
            "kind": "tensor",
            "dtype": _DTYPE_NAMES.get(int(val.scalar_type), str(int(val.scalar_type))),
            "shape": list(val.sizes),
            "dim_order": list(val.dim_order),
            "dynamic": int(val.shape_dynamism) != 0,
        }
    if isinstance(val, Int):
        return {"kind": "int", "value": val.int_val}
    if isinstance(val, Bool):
        return {"kind": "bool", "value": val.bool_val}
    if isinstance(val, Double):
        return {"kind": "double", "value": val.double_val}
    return {"kind": type(val).__name__}


def describe_program(et) -> Dict[str, Dict[str, Any]]:
    program = et.executorch_program
    info = {}
    for plan in program.execution_plan:
        ops = sorted(
            {op.name + ("." + op.overload if op.overload else "") for op in plan.operators}
        )
        n_instr = sum(len(c.instructions) for c in plan.chains)
        info[plan.name] = {
            "inputs": [_describe_value(plan.values[i]) for i in plan.inputs],
            "outputs": [_describe_value(plan.values[i]) for i in plan.outputs],
            "operators": ops,
            "delegates": sorted({d.id for d in plan.delegates}),
            "num_instructions": n_instr,
        }
    return info


def _io_desc(x) -> Dict[str, Any]:
    if isinstance(x, torch.Tensor):
        return {"dtype": str(x.dtype).replace("torch.", ""), "shape": list(x.shape)}
    return {"dtype": type(x).__name__, "value": x}


# --------------------------------------------------------------------------------------
# One case x variant
# --------------------------------------------------------------------------------------


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _standard(x):
    """Copies tensors into fresh default (contiguous, dim_order 0..n-1) strides: tensors
    from numpy may carry odd strides on size-1 dims, which ExecuTorch reads as another
    dim order."""
    if isinstance(x, torch.Tensor):
        return torch.empty(x.shape, dtype=x.dtype).copy_(x)
    return x


def normalize_spec(spec: MethodSpec) -> MethodSpec:
    def fix(inputs):
        return tuple(_standard(x) for x in inputs)

    return dataclasses.replace(
        spec,
        example_inputs=fix(spec.example_inputs),
        test_inputs=[fix(t) for t in spec.test_inputs],
        calibration_inputs=(
            [fix(t) for t in spec.calibration_inputs] if spec.calibration_inputs else None
        ),
    )


def bundled_selfcheck(bpte_path: str, methods: Dict[str, MethodSpec]) -> str:
    """Round-trips the .bpte through the C++ bundled-program loader of the pybindings:
    it re-runs every test case (in order, on one loaded module) and compares with the
    bundled expected outputs. Returns "exact", "within rtol=1e-5/atol=1e-6" or an error."""
    from executorch.extension.pybindings import portable_lib

    with open(bpte_path, "rb") as f:
        buf = f.read()
    verdict = "exact"
    for tol in ((0.0, 0.0), (1e-5, 1e-6)):
        try:
            bundle = portable_lib._load_bundled_program_from_buffer(buf)
            for name, spec in methods.items():
                for i in range(len(spec.test_inputs)):
                    bundle.verify_result_with_bundled_expected_output(
                        name, i, rtol=tol[0], atol=tol[1]
                    )
            return verdict
        except Exception as e:  # noqa: BLE001
            verdict = "within rtol=1e-5/atol=1e-6"
            last = f"{type(e).__name__}: {str(e).strip()[:500]}"
    return "FAILED: " + last


def build_variant(case: CaseSpec, variant: str, root: str, seed: int) -> Dict[str, Any]:
    from executorch.devtools import BundledProgram
    from executorch.devtools.bundled_program.config import (
        MethodTestCase,
        MethodTestSuite,
    )
    from executorch.devtools.bundled_program.serialize import (
        serialize_from_bundled_program_to_flatbuffer,
    )

    entry: Dict[str, Any] = {
        "model": case.model,
        "variant": variant,
        "description": case.description,
        "stateful": case.stateful,
        "bpte": None,
        "pte": None,
        "ptd": None,
        "skipped": None,
    }
    if variant in case.skip:
        entry["skipped"] = case.skip[variant]
        return entry

    seed_everything(seed)
    methods = {name: normalize_spec(spec) for name, spec in case.build().items()}
    out_dir = os.path.join(root, case.model)
    os.makedirs(out_dir, exist_ok=True)
    stem = f"{case.model}.{variant}"
    for ext in (".bpte", ".ptd", ".pte"):  # no stale files if this variant now fails
        if os.path.exists(os.path.join(out_dir, stem + ext)):
            os.remove(os.path.join(out_dir, stem + ext))
    try:
        et, quant_refs = export_variant(case, methods, variant)
    except Exception as e:  # a genuine exporter failure is recorded, not hidden
        entry["skipped"] = f"export failed: {type(e).__name__}: {str(e).strip()[:2000]}"
        traceback.print_exc()
        return entry

    pte = et.buffer
    ptd_rel = None
    ptd_path = None
    if variant in PTD_VARIANTS:
        with tempfile.TemporaryDirectory() as tmp:
            et.write_tensor_data_to_file(tmp)
            files = sorted(os.listdir(tmp))
            if len(files) != 1:
                raise RuntimeError(f"expected one .ptd file, got {files}")
            ptd_path = os.path.join(out_dir, stem + ".ptd")
            with open(os.path.join(tmp, files[0]), "rb") as src, open(ptd_path, "wb") as dst:
                dst.write(src.read())
        ptd_rel = os.path.relpath(ptd_path, root)

    try:
        et_results = run_executorch(pte, ptd_path, methods)
    except Exception as e:
        entry["skipped"] = f"executorch runtime failed: {type(e).__name__}: {str(e).strip()[:2000]}"
        traceback.print_exc()
        return entry

    suites = []
    for name, spec in methods.items():
        cases = [
            MethodTestCase(inputs=list(inputs), expected_outputs=list(outs))
            for inputs, outs in zip(spec.test_inputs, et_results[name])
        ]
        suites.append(MethodTestSuite(method_name=name, test_cases=cases))
    bundled = BundledProgram(et, suites)
    bpte_path = os.path.join(out_dir, stem + ".bpte")
    with open(bpte_path, "wb") as f:
        f.write(serialize_from_bundled_program_to_flatbuffer(bundled))
    entry["bpte"] = os.path.relpath(bpte_path, root)
    entry["ptd"] = ptd_rel
    entry["bundled_selfcheck"] = (
        "n/a (the pybindings bundled loader takes no .ptd)"
        if ptd_path
        else bundled_selfcheck(bpte_path, methods)
    )
    if variant in case.keep_pte:
        pte_path = os.path.join(out_dir, stem + ".pte")
        with open(pte_path, "wb") as f:
            f.write(pte)
        entry["pte"] = os.path.relpath(pte_path, root)

    prog = describe_program(et)
    method_entries = []
    for name in sorted(prog):
        info = prog[name]
        m: Dict[str, Any] = {"name": name}
        if name in methods:
            spec = methods[name]
            outs = et_results[name]
            m["test_cases"] = len(spec.test_inputs)
            m["test_case_inputs"] = [[_io_desc(x) for x in ins] for ins in spec.test_inputs]
            m["test_case_outputs"] = [[_io_desc(o) for o in outs_i] for outs_i in outs]
            m["error_vs_eager"] = compare(outs, run_eager(spec.module, spec))
            if quant_refs.get(name) is not None:
                m["error_vs_quantized_eager"] = compare(
                    outs, run_eager(quant_refs[name], spec)
                )
        else:
            m["test_cases"] = 0
            m["constant_method"] = True
        m.update(info)
        method_entries.append(m)
    entry["methods"] = method_entries
    entry["delegates"] = sorted({d for m in method_entries for d in m["delegates"]})
    entry["sizes"] = {
        "bpte": os.path.getsize(bpte_path),
        "program": len(pte),
        "ptd": os.path.getsize(ptd_path) if ptd_path else None,
    }
    entry["sha256"] = {
        "bpte": sha256_file(bpte_path),
        "ptd": sha256_file(ptd_path) if ptd_path else None,
    }
    return entry
