"""The op-level conformance suite: small programs that call one kernel each, over its dtypes.

    python op_suite.py [--only LABEL ...] [--list]

Every entry of ``OPS`` (a table of ops -> argument builders) becomes one BundledProgram,
``conformance/fixtures-ops/<label>.bpte``, with one method per dtype combination. A method
calls the op several times on inputs of different layouts (same shape, broadcast, 0-d, empty,
channels-last), so one export covers them all. Each method has two or three bundled test sets
with the same shapes:

* ``random``: seeded random values;
* ``edge``: the dtype's edge values (NaN, +-inf, -0.0, subnormals, integer extremes), laid out so
  that a broadcast [E,1] x [E] call sees every pair of them;
* ``hazard`` (integer division-like ops only): edge values with zero and -1 divisors.

Programs are exported by the real toolchain (torch.export -> to_edge -> to_executorch, portable
kernels, no delegate). Expected outputs come from ``executorch.runtime``; each test set runs in a
forked child process, so an abort inside ExecuTorch is recorded instead of killing the generator.
A test set ExecuTorch fails on is bundled with no expected outputs and recorded in the manifest
(``executorch``: the error); et4j must raise an ExecuTorchException on it.

A dtype the exporter (or eager PyTorch, which export traces) rejects is recorded per op in
``not_exported`` with the error.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import pickle
import signal
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
ROOT = os.path.join(CONFORMANCE, "fixtures-ops")

import torch  # noqa: E402

torch.set_num_threads(1)

f32, f64, f16, bf16 = torch.float32, torch.float64, torch.float16, torch.bfloat16
u8, i8, i16, i32, i64 = torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64
BOOL = torch.bool
FLOATS = [f32, f64, f16, bf16]
INTS = [u8, i8, i16, i32, i64]
REAL = FLOATS + INTS
ALL = REAL + [BOOL]
# Binary ops also get these mixed pairs (type promotion inside the kernel).
MIXED = [(i32, f32), (f16, f32), (BOOL, i64), (u8, i8)]


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class In:
    """One tensor input: its shape, whether it is channels-last, which dtype slot it takes,
    and whether it is a divisor (integer zero / -1 only in the hazard set)."""

    shape: Tuple[int, ...]
    cl: bool = False
    slot: int = 0
    divisor: bool = False
    # Restricts values: "shift" (0..bits-1), "positive", "unit" (-1..1), "index:N" (0..N-1).
    domain: Optional[str] = None


def cl(*shape, slot=0, divisor=False, domain=None):
    return In(tuple(shape), True, slot, divisor, domain)


def t(*shape, slot=0, divisor=False, domain=None):
    return In(tuple(shape), False, slot, divisor, domain)


def float_edges(dtype):
    e = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1.0, -1.0, 0.5, -1.5, 2.5, -3.0, 1e-3, 100.0, -1e4]
    if dtype == f32:
        e += [3.0e38, 1e-40]
    elif dtype == f64:
        e += [1.0e300, 5e-320]
    elif dtype == f16:
        e += [65504.0, 6e-8]
    elif dtype == bf16:
        e += [3.0e38, 1e-40]
    return e


def int_edges(dtype):
    if dtype == BOOL:
        return [True, False, True, True, False, False]
    info = torch.iinfo(dtype)
    if dtype == u8:
        return [0, 255, 1, 2, 128, 127, 254, 7, 3, 64]
    return [info.min, info.max, 0, -1, 1, 2, -2, 7, -8, info.min + 1, info.max - 1, 3]


def edges(dtype):
    return float_edges(dtype) if dtype.is_floating_point else int_edges(dtype)


def _bits(dtype):
    return torch.iinfo(dtype).bits


def make_value(spec: In, dtype, which: str, k: int, gen: torch.Generator) -> torch.Tensor:
    n = math.prod(spec.shape)
    if which == "random" or spec.domain is not None:
        if spec.domain == "shift":
            x = torch.randint(0, _bits(dtype), spec.shape, generator=gen).to(dtype)
        elif spec.domain and spec.domain.startswith("index:"):
            x = torch.randint(0, int(spec.domain[6:]), spec.shape, generator=gen).to(dtype)
        elif dtype.is_floating_point:
            x = torch.randn(spec.shape, generator=gen, dtype=f64) * 2
            if spec.domain == "positive":
                x = x.abs() + 0.1
            elif spec.domain == "unit":
                x = torch.rand(spec.shape, generator=gen, dtype=f64) * 1.8 - 0.9
            x = x.to(dtype)
        elif dtype == BOOL:
            x = torch.randint(0, 2, spec.shape, generator=gen).to(BOOL)
        else:
            lo, hi = (0, 40) if dtype == u8 else (-20, 21)
            if spec.domain == "positive":
                lo, hi = 1, 10
            x = torch.randint(lo, hi, spec.shape, generator=gen).to(dtype)
    else:
        values = edges(dtype)
        off = 0 if n == len(values) else (5 * k) % len(values)
        flat = [values[(off + j) % len(values)] for j in range(n)]
        x = torch.tensor(flat, dtype=f64 if dtype.is_floating_point else i64).to(dtype).reshape(spec.shape)
        if dtype == BOOL:
            x = torch.tensor(flat, dtype=BOOL).reshape(spec.shape)
    if spec.divisor and not dtype.is_floating_point and which != "hazard":
        bad = x == 0
        if which == "edge" and dtype != u8 and dtype != BOOL:
            bad = bad | (x == -1)
        x = torch.where(bad, torch.ones_like(x) * 3 if dtype != BOOL else torch.ones_like(x), x)
    return standard(x, spec.cl)


def standard(x: torch.Tensor, channels_last: bool) -> torch.Tensor:
    """A fresh tensor with default (or channels-last) strides: odd strides on size-1 dims would
    read as another dim order."""
    if channels_last:
        return torch.empty(x.shape, dtype=x.dtype).to(memory_format=torch.channels_last).copy_(x)
    return torch.empty(x.shape, dtype=x.dtype).copy_(x)


# --------------------------------------------------------------------------------------
# The table: ops -> calls
# --------------------------------------------------------------------------------------


@dataclass
class Op:
    """One program: ``calls`` is a list of (fn, [In...]); each dtype entry (a dtype, or a tuple
    of dtypes for the slots) becomes one method that makes every call."""

    label: str
    calls: List[Tuple[Callable, List[In]]]
    dtypes: Sequence[Any]
    family: str = "misc"
    # Compare outputs as deterministic values (False for random ops: only shapes are checked).
    note: str = ""
    needs_quantized: bool = False
    # How to export it (see export_methods): "preserve" (ops to_edge must not decompose), "non_core"
    # (ops outside Core ATen let through the verifier), "skip_dim_order", "reinplace",
    # "plan_inputs" (False: graph inputs not memory planned), "llama" (needs the llama:: custom ops).
    export: Dict[str, Any] = field(default_factory=dict)


def unary_calls(fn):
    return [(fn, [t(3, 4)]), (fn, [t()]), (fn, [t(0, 3)]), (fn, [cl(2, 3, 2, 2)]), (fn, [t(16)])]


def binary_calls(fn, divisor=False, domain=None):
    d = dict(divisor=divisor, domain=domain)
    return [
        (fn, [t(3, 4), t(3, 4, slot=1, **d)]),
        (fn, [t(16, 1), t(16, slot=1, **d)]),  # every pair of edge values (E <= 16)
        (fn, [t(), t(2, 3, slot=1, **d)]),
        (fn, [t(2, 3), t(slot=1, **d)]),
        (fn, [t(0, 3), t(3, slot=1, **d)]),
        (fn, [cl(2, 3, 2, 2), cl(2, 3, 2, 2, slot=1, **d)]),
    ]


def scalar_calls(fn):
    return [(fn, [t(3, 4)]), (fn, [t()]), (fn, [t(0, 2)]), (fn, [cl(2, 3, 2, 2)]), (fn, [t(16)])]


OPS: List[Op] = []


def unary(label, fn, dtypes=ALL, family="unary"):
    OPS.append(Op(label, unary_calls(fn), dtypes, family))


def binary(label, fn, dtypes=None, divisor=False, domain=None, family="binary"):
    if dtypes is None:
        dtypes = ALL + MIXED
    dtypes = [d if isinstance(d, tuple) else (d, d) for d in dtypes]
    OPS.append(Op(label, binary_calls(fn, divisor, domain), dtypes, family))


def scalar(label, fn, dtypes=ALL, family="scalar"):
    OPS.append(Op(label, scalar_calls(fn), dtypes, family))


def custom(label, calls, dtypes=ALL, family="shape"):
    OPS.append(Op(label, calls, dtypes, family))


F = torch
# Unary elementwise.
for _name in ["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "erf", "exp",
              "expm1", "floor", "log", "log10", "log1p", "log2", "neg", "reciprocal", "round", "rsqrt",
              "sigmoid", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "bitwise_not", "logical_not",
              "isinf", "isnan"]:
    unary(_name, getattr(torch, _name))
unary("relu", torch.relu)
unary("gelu", lambda x: torch.nn.functional.gelu(x), FLOATS)
unary("gelu_tanh", lambda x: torch.nn.functional.gelu(x, approximate="tanh"), FLOATS)
unary("elu", lambda x: torch.nn.functional.elu(x, alpha=0.7), FLOATS)
unary("leaky_relu", lambda x: torch.nn.functional.leaky_relu(x, 0.2), FLOATS)
unary("hardtanh", lambda x: torch.nn.functional.hardtanh(x, -0.5, 2.0), REAL)
unary("logit", lambda x: torch.logit(x, eps=0.01), FLOATS)
unary("logit_noeps", lambda x: torch.logit(x), FLOATS)
unary("clone", torch.clone)
unary("round_decimals", lambda x: torch.round(x, decimals=1), FLOATS)

# Binary elementwise (tensor, tensor).
binary("add", lambda a, b: a + b)
binary("add_alpha", lambda a, b: torch.add(a, b, alpha=2), REAL + [(i32, f32), (f16, f32)])
binary("sub", lambda a, b: a - b, REAL + [(i32, f32), (f16, f32), (u8, i8)])
binary("sub_alpha", lambda a, b: torch.sub(a, b, alpha=3), REAL)
binary("mul", lambda a, b: a * b)
binary("div", lambda a, b: a / b)
binary("div_trunc", lambda a, b: torch.div(a, b, rounding_mode="trunc"), REAL + MIXED[:2], divisor=True)
binary("div_floor", lambda a, b: torch.div(a, b, rounding_mode="floor"), REAL + MIXED[:2], divisor=True)
binary("floor_divide", lambda a, b: torch.floor_divide(a, b), REAL + MIXED[:2], divisor=True)
binary("remainder", lambda a, b: torch.remainder(a, b), REAL + MIXED[:2], divisor=True)
binary("fmod", lambda a, b: torch.fmod(a, b), REAL + MIXED[:2], divisor=True)
binary("atan2", torch.atan2, REAL + MIXED[:2])
binary("pow", torch.pow, REAL + MIXED[:2])
binary("maximum", torch.maximum)
binary("minimum", torch.minimum)
for _name in ["eq", "ne", "lt", "le", "gt", "ge"]:
    binary(_name, getattr(torch, _name))
for _name in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
    binary(_name, getattr(torch, _name), INTS + [BOOL, (u8, i8), (BOOL, i64)])
binary("bitwise_left_shift", torch.bitwise_left_shift, INTS, domain="shift")
binary("bitwise_right_shift", torch.bitwise_right_shift, INTS, domain="shift")
for _name in ["logical_and", "logical_or", "logical_xor"]:
    binary(_name, getattr(torch, _name))

# Tensor-scalar forms (the exporter keeps the Python scalar as a Scalar argument).
scalar("add_scalar", lambda x: torch.add(x, 3))
scalar("add_scalar_float", lambda x: torch.add(x, 1.5), REAL)
scalar("sub_scalar", lambda x: torch.sub(x, 2), REAL)
scalar("rsub_scalar", lambda x: torch.rsub(x, 2), REAL)
scalar("mul_scalar", lambda x: torch.mul(x, 3))
scalar("mul_scalar_float", lambda x: torch.mul(x, -0.5), REAL)
scalar("div_scalar", lambda x: torch.div(x, 4), ALL)
scalar("div_scalar_zero", lambda x: torch.div(x, 0), REAL)
scalar("div_scalar_trunc", lambda x: torch.div(x, 3, rounding_mode="trunc"), REAL)
scalar("div_scalar_floor", lambda x: torch.div(x, -3, rounding_mode="floor"), REAL)
scalar("remainder_scalar", lambda x: torch.remainder(x, 3), REAL)
scalar("remainder_scalar_neg", lambda x: torch.remainder(x, -2.5), REAL)
scalar("fmod_scalar", lambda x: torch.fmod(x, 3), REAL)
scalar("fmod_scalar_zero", lambda x: torch.fmod(x, 0), REAL)
scalar("pow_tensor_scalar", lambda x: torch.pow(x, 2), REAL)
scalar("pow_tensor_scalar_half", lambda x: torch.pow(x, 0.5), FLOATS)
scalar("pow_scalar", lambda x: torch.pow(2, x), REAL)
for _name in ["eq", "ne", "lt", "le", "gt", "ge"]:
    scalar(_name + "_scalar", (lambda n: lambda x: getattr(torch, n)(x, 1))(_name))
for _name in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
    scalar(_name + "_scalar", (lambda n: lambda x: getattr(torch, n)(x, 6))(_name), INTS + [BOOL])
scalar("bitwise_left_shift_scalar", lambda x: torch.bitwise_left_shift(x, 3), INTS)
scalar("bitwise_right_shift_scalar", lambda x: torch.bitwise_right_shift(x, 2), INTS)
scalar("clamp", lambda x: torch.clamp(x, -1, 2), REAL)
scalar("clamp_min", lambda x: torch.clamp(x, min=0.5), REAL)
scalar("clamp_max", lambda x: torch.clamp(x, max=3), REAL)
scalar("full_like", lambda x: torch.full_like(x, 7))
scalar("zeros_like", lambda x: torch.zeros_like(x) + x)
scalar("fill_scalar", lambda x: x.clone().fill_(-2))
scalar("to_float", lambda x: x.to(f32))
scalar("to_half", lambda x: x.to(f16))
scalar("to_bf16", lambda x: x.to(bf16))
scalar("to_double", lambda x: x.to(f64))
scalar("to_int32", lambda x: x.to(i32))
scalar("to_int64", lambda x: x.to(i64))
scalar("to_int8", lambda x: x.to(i8))
scalar("to_uint8", lambda x: x.to(u8))
scalar("to_bool", lambda x: x.to(BOOL))

custom("clamp_tensor", [
    (lambda x, lo, hi: torch.clamp(x, lo, hi), [t(3, 4), t(3, 4), t(3, 4)]),
    (lambda x, lo: torch.clamp(x, min=lo), [t(2, 3), t(3)]),
], REAL, "binary")
custom("where", [
    (lambda c, a, b: torch.where(c > 0, a, b), [t(3, 4), t(3, 4), t(3, 4)]),
    (lambda c, a, b: torch.where(c > 0, a, b), [t(3, 1), t(4), t()]),
    (lambda c, a, b: torch.where(c > 0, a, b), [cl(2, 3, 2, 2), cl(2, 3, 2, 2), cl(2, 3, 2, 2)]),
], ALL, "binary")
custom("masked_fill", [
    (lambda x, m: x.masked_fill(m > 0, -1), [t(3, 4), t(3, 4)]),
    (lambda x, m: x.masked_fill(m > 0, 5), [t(3, 4), t(4)]),
], ALL, "binary")

# Reductions.
def red(label, fns, dtypes=ALL, shapes=((3, 4, 5),), extra=()):
    calls = []
    for fn in fns:
        for s in shapes:
            calls.append((fn, [t(*s)]))
    calls.extend(extra)
    OPS.append(Op(label, calls, dtypes, "reduction"))


red("sum", [lambda x: x.sum(-1), lambda x: x.sum((0, 2), keepdim=True), lambda x: x.sum()],
    extra=[(lambda x: x.sum(0), [t(0, 3)]), (lambda x: x.sum(), [t()]), (lambda x: x.sum(1), [cl(2, 3, 2, 2)])])
red("sum_dtype", [lambda x: x.sum(-1, dtype=f64), lambda x: x.sum(0, dtype=i64)], REAL)
red("mean", [lambda x: x.mean(-1), lambda x: x.mean((0, 2), keepdim=True), lambda x: x.mean()], FLOATS,
    extra=[(lambda x: x.mean(0), [t(0, 3)]), (lambda x: x.mean(1), [cl(2, 3, 2, 2)])])
red("mean_dtype", [lambda x: x.mean(-1, dtype=f64)], REAL)
red("amax", [lambda x: x.amax(-1), lambda x: x.amax((0, 2), keepdim=True)], ALL,
    extra=[(lambda x: x.amax(1), [t(0, 3)]), (lambda x: x.amax(1), [cl(2, 3, 2, 2)])])
red("amin", [lambda x: x.amin(-1), lambda x: x.amin((0, 2), keepdim=True)], ALL,
    extra=[(lambda x: x.amin(1), [t(0, 3)])])
red("argmax", [lambda x: x.argmax(-1), lambda x: x.argmax(0, keepdim=True), lambda x: x.argmax()], REAL)
red("argmin", [lambda x: x.argmin(-1), lambda x: x.argmin(1, keepdim=True), lambda x: x.argmin()], REAL)
red("max_dim", [lambda x: torch.max(x, -1), lambda x: torch.max(x, 0, keepdim=True)], ALL)
red("min_dim", [lambda x: torch.min(x, -2), lambda x: torch.min(x, 1, keepdim=True)], ALL)
red("max_all", [lambda x: torch.max(x)], ALL)
red("min_all", [lambda x: torch.min(x)], ALL)
red("any", [lambda x: torch.any(x), lambda x: torch.any(x, -1), lambda x: torch.any(x, (0, 2))], ALL)
red("all", [lambda x: torch.all(x), lambda x: torch.all(x, 1)], ALL)
red("prod", [lambda x: torch.prod(x), lambda x: torch.prod(x, -1), lambda x: torch.prod(x, 0, keepdim=True)],
    REAL + [BOOL], shapes=((2, 3, 4),))
red("var", [lambda x: torch.var(x, -1), lambda x: torch.var(x, (0, 2), correction=0, keepdim=True),
            lambda x: torch.var(x)], FLOATS)
red("var_mean", [lambda x: torch.var_mean(x, -1), lambda x: torch.var_mean(x, 0, correction=0)], FLOATS)
red("std", [lambda x: torch.std(x, -1)], FLOATS)
red("cumsum", [lambda x: torch.cumsum(x, -1), lambda x: torch.cumsum(x, 0), lambda x: torch.cumsum(x, 1, dtype=f64)],
    REAL + [BOOL])
red("softmax", [lambda x: torch.softmax(x, -1), lambda x: torch.softmax(x, 0)], FLOATS,
    extra=[(lambda x: torch.softmax(x, 1), [cl(2, 3, 2, 2)])])
red("log_softmax", [lambda x: torch.log_softmax(x, -1), lambda x: torch.log_softmax(x, 1)], FLOATS)
red("logsumexp", [lambda x: torch.logsumexp(x, -1)], FLOATS)
red("norm", [lambda x: torch.linalg.vector_norm(x, 2, -1), lambda x: torch.linalg.vector_norm(x, 1, (0, 2))], FLOATS)
red("topk", [lambda x: torch.topk(x, 2, -1), lambda x: torch.topk(x, 3, 0, largest=False)], REAL,
    shapes=((4, 5),))
red("sort", [lambda x: torch.sort(x, -1)], REAL, shapes=((4, 5),))

# Shape and data movement (the values are the dtype's random or edge values).
def sh(label, calls, dtypes=ALL):
    OPS.append(Op(label, calls, dtypes, "shape"))


IDX = torch.tensor([2, 0, 1, 2], dtype=i64)
sh("permute", [(lambda x: torch.permute(x, (2, 0, 1)), [t(2, 3, 4)]),
               (lambda x: torch.permute(x, (0, 3, 1, 2)).contiguous(), [cl(2, 3, 2, 2)])])
sh("transpose", [(lambda x: torch.transpose(x, 0, -1), [t(2, 3, 4)]), (lambda x: x.t(), [t(3, 4)])])
sh("view", [(lambda x: x.reshape(6, 4).clone(), [t(2, 3, 4)]),
            (lambda x: x.reshape(-1).clone(), [t(3, 4)])])
sh("expand", [(lambda x: x.expand(3, 2, 4).clone(), [t(2, 1)]), (lambda x: x.expand(2, 3).clone(), [t()])])
sh("cat", [(lambda a, b: torch.cat([a, b], -1), [t(2, 3), t(2, 2)]),
           (lambda a, b: torch.cat([a, b], 0), [t(2, 3), t(0, 3)]),
           (lambda a, b: torch.cat([a, b], 1), [cl(2, 3, 2, 2), cl(2, 1, 2, 2)])])
sh("stack", [(lambda a, b: torch.stack([a, b], -1), [t(2, 3), t(2, 3)]),
             (lambda a, b: torch.stack([a, b], 0), [t(), t()])])
sh("slice", [(lambda x: x[:, 1:3].clone(), [t(3, 4)]), (lambda x: x[::2, -3:].clone(), [t(5, 4)]),
             (lambda x: x[:, :, 1:].clone(), [t(2, 3, 4)])])
sh("select", [(lambda x: x[1].clone(), [t(3, 4)]), (lambda x: x[:, -1].clone(), [t(3, 4)])])
sh("squeeze", [(lambda x: x.squeeze(1).clone(), [t(3, 1, 4)]), (lambda x: x.squeeze((0, 2)).clone(), [t(1, 3, 1)])])
sh("unsqueeze", [(lambda x: x.unsqueeze(-1).clone(), [t(3, 4)]), (lambda x: x.unsqueeze(0).clone(), [t()])])
sh("flip", [(lambda x: torch.flip(x, (0, -1)), [t(3, 4)]), (lambda x: torch.flip(x, (1,)), [cl(2, 3, 2, 2)])])
sh("roll", [(lambda x: torch.roll(x, 2, -1), [t(3, 5)]), (lambda x: torch.roll(x, (1, -1), (0, 1)), [t(3, 4)])])
sh("repeat", [(lambda x: x.repeat(2, 3), [t(2, 3)]), (lambda x: x.repeat(2, 1, 2), [t(3, 2)])])
sh("tril", [(lambda x: torch.tril(x), [t(4, 4)]), (lambda x: torch.tril(x, -1), [t(2, 3, 5)])])
sh("triu", [(lambda x: torch.triu(x, 1), [t(4, 4)])])
sh("narrow", [(lambda x: torch.narrow(x, 1, 1, 2).clone(), [t(3, 4)])])
sh("split", [(lambda x: torch.split(x, 2, -1), [t(3, 5)])])
sh("split_with_sizes", [(lambda x: torch.split(x, [1, 3, 1], 0), [t(5, 2)])])
sh("unbind", [(lambda x: torch.unbind(x, 1), [t(3, 2)])])
sh("chunk", [(lambda x: torch.chunk(x, 2, 0), [t(4, 3)])])
sh("diagonal", [(lambda x: torch.diagonal(x).clone(), [t(3, 4)]),
                (lambda x: torch.diagonal(x, 1, 0, 2).clone(), [t(3, 2, 4)])])
sh("unfold", [(lambda x: x.unfold(-1, 2, 1).clone(), [t(2, 5)])])
sh("pixel_shuffle", [(lambda x: torch.nn.functional.pixel_shuffle(x, 2), [t(1, 8, 2, 3)])])
sh("pixel_unshuffle", [(lambda x: torch.nn.functional.pixel_unshuffle(x, 2), [t(1, 2, 4, 6)])])
sh("constant_pad", [(lambda x: torch.nn.functional.pad(x, (1, 2), value=-1), [t(2, 3)]),
                    (lambda x: torch.nn.functional.pad(x, (1, 0, 0, 2)), [t(1, 2, 3)])])
sh("reflection_pad1d", [(lambda x: torch.nn.functional.pad(x, (2, 1), mode="reflect"), [t(2, 4)])], REAL)
sh("reflection_pad2d", [(lambda x: torch.nn.functional.pad(x, (2, 1, 1, 2), mode="reflect"), [t(1, 2, 3, 4)])], REAL)
sh("reflection_pad3d", [(lambda x: torch.nn.functional.pad(x, (1, 1, 1, 0, 0, 1), mode="reflect"),
                         [t(1, 2, 2, 3, 3)])], REAL)
sh("replication_pad1d", [(lambda x: torch.nn.functional.pad(x, (2, 3), mode="replicate"), [t(2, 4)])], REAL)
sh("replication_pad2d", [(lambda x: torch.nn.functional.pad(x, (2, 1, 1, 2), mode="replicate"), [t(1, 2, 3, 4)])],
   REAL)
sh("replication_pad3d", [(lambda x: torch.nn.functional.pad(x, (1, 1, 1, 0, 0, 1), mode="replicate"),
                          [t(1, 2, 2, 3, 3)])], REAL)
sh("index_select", [(lambda x: torch.index_select(x, 0, IDX), [t(3, 4)]),
                    (lambda x: torch.index_select(x, -1, IDX), [t(2, 3)])])
sh("gather", [(lambda x: torch.gather(x, 1, torch.tensor([[0, 2], [1, 1], [3, 0]])), [t(3, 4)])])
sh("index_tensor", [(lambda x: x[IDX].clone(), [t(3, 4)]),
                    (lambda x: x[:, torch.tensor([1, 0])].clone(), [t(3, 4)]),
                    (lambda x: x[torch.tensor([0, 2]), torch.tensor([1, 3])], [t(3, 4)])])
sh("index_put", [(lambda x, v: torch.index_put(x, (torch.tensor([0, 2]),), v), [t(3, 4), t(2, 4)]),
                 (lambda x, v: torch.index_put(x, (torch.tensor([1, 1]),), v, accumulate=True), [t(3, 4), t(4)])])
sh("scatter_src", [(lambda x, s: torch.scatter(x, 1, torch.tensor([[0, 2], [1, 3], [3, 0]]), s),
                    [t(3, 4), t(3, 2)])])
sh("scatter_value", [(lambda x: torch.scatter(x, 0, torch.tensor([[0, 2, 1, 0]]), 5), [t(3, 4)])])
sh("scatter_add", [(lambda x, s: torch.scatter_add(x, 1, torch.tensor([[0, 0], [1, 3], [3, 3]]), s),
                    [t(3, 4), t(3, 2)])], REAL)
sh("select_scatter", [(lambda x, s: torch.select_scatter(x, s, 1, -1), [t(3, 4), t(3)])])
sh("slice_scatter", [(lambda x, s: torch.slice_scatter(x, s, 1, 1, 3), [t(3, 4), t(3, 2)])])
sh("embedding", [(lambda w: torch.nn.functional.embedding(torch.tensor([[0, 3], [2, 2]]), w), [t(4, 3)])], REAL)
sh("repeat_interleave", [(lambda x: torch.repeat_interleave(x, torch.tensor([1, 0, 2]), dim=0, output_size=3), [t(3, 2)]),
                         (lambda x: torch.repeat_interleave(x, torch.tensor([2, 1]), dim=1, output_size=3), [t(2, 2)])])
sh("as_strided", [(lambda x: torch.as_strided(x, (2, 2), (1, 2)).clone(), [t(3, 4)])])
sh("clone_channels_last", [(lambda x: x.contiguous(memory_format=torch.channels_last), [t(2, 3, 2, 2)]),
                           (lambda x: x.contiguous(), [cl(2, 3, 2, 2)])])

# Factories (no data input; a dummy input keeps the signature uniform).
sh("arange", [(lambda x: torch.arange(5, dtype=x.dtype) + x, [t(5)]),
              (lambda x: torch.arange(2, 11, 3, dtype=x.dtype) + x, [t(3)])], REAL)
sh("full", [(lambda x: torch.full((2, 3), 4, dtype=x.dtype) + x, [t(2, 3)]),
            (lambda x: torch.zeros((2, 3), dtype=x.dtype) + x, [t(2, 3)]),
            (lambda x: torch.ones((2, 3), dtype=x.dtype) + x, [t(2, 3)])], REAL)
sh("scalar_tensor", [(lambda x: torch.scalar_tensor(3, dtype=x.dtype) * x, [t(2)])], REAL)

# Neural-network ops.
def nn(label, calls, dtypes=FLOATS):
    OPS.append(Op(label, calls, dtypes, "nn"))


FN = torch.nn.functional
nn("mm", [(torch.mm, [t(3, 5), t(5, 4)]), (torch.mm, [t(0, 5), t(5, 2)])], FLOATS + INTS)
nn("bmm", [(torch.bmm, [t(2, 3, 5), t(2, 5, 4)])], FLOATS + INTS)
nn("addmm", [(lambda b, x, w: torch.addmm(b, x, w, beta=0.5, alpha=2), [t(4), t(3, 5), t(5, 4)])], FLOATS + INTS)
nn("linear", [(lambda x, w, b: FN.linear(x, w, b), [t(3, 5), t(4, 5), t(4)]),
              (lambda x, w: FN.linear(x, w), [t(2, 3, 5), t(4, 5)])], FLOATS)
nn("conv2d", [(lambda x, w, b: FN.conv2d(x, w, b, padding=1), [t(1, 2, 5, 5), t(3, 2, 3, 3), t(3)]),
              (lambda x, w: FN.conv2d(x, w, stride=2, groups=2), [cl(1, 4, 5, 5), t(4, 2, 2, 2)])])
nn("conv1d", [(lambda x, w: FN.conv1d(x, w, dilation=2), [t(1, 2, 7), t(3, 2, 3)])])
nn("conv_transpose2d", [(lambda x, w: FN.conv_transpose2d(x, w, stride=2), [t(1, 2, 3, 3), t(2, 3, 2, 2)])])
nn("avg_pool2d", [(lambda x: FN.avg_pool2d(x, 2), [t(1, 2, 4, 5)]),
                  (lambda x: FN.avg_pool2d(x, 3, 2, 1, count_include_pad=False, ceil_mode=True), [t(1, 2, 5, 5)])])
nn("max_pool2d", [(lambda x: FN.max_pool2d(x, 2), [t(1, 2, 4, 5)]),
                  (lambda x: FN.max_pool2d(x, 3, 2, 1, ceil_mode=True), [t(1, 2, 5, 5)])], REAL)
nn("max_pool2d_indices", [(lambda x: FN.max_pool2d(x, 2, return_indices=True), [t(1, 2, 4, 4)])], REAL)
nn("adaptive_avg_pool2d", [(lambda x: FN.adaptive_avg_pool2d(x, (2, 3)), [t(1, 2, 5, 7)])])
nn("upsample_nearest2d", [(lambda x: FN.interpolate(x, scale_factor=2, mode="nearest"), [t(1, 2, 2, 3)]),
                          (lambda x: FN.interpolate(x, size=(3, 5), mode="nearest"), [t(1, 1, 2, 3)])], REAL)
nn("upsample_bilinear2d", [(lambda x: FN.interpolate(x, scale_factor=2, mode="bilinear"), [t(1, 2, 2, 3)]),
                           (lambda x: FN.interpolate(x, size=(3, 5), mode="bilinear", align_corners=True),
                            [t(1, 1, 2, 3)])])
nn("upsample_bilinear2d_aa", [(lambda x: FN.interpolate(x, size=(2, 3), mode="bilinear", antialias=True),
                               [t(1, 2, 5, 6)])])
nn("grid_sampler_2d", [(lambda x, g: FN.grid_sample(x, g, align_corners=False), [t(1, 2, 3, 4), t(1, 2, 2, 2, domain="unit")])])
nn("layer_norm", [(lambda x, w, b: FN.layer_norm(x, (4,), w, b), [t(2, 3, 4), t(4), t(4)]),
                  (lambda x: FN.layer_norm(x, (3, 4)), [t(2, 3, 4)])])
nn("group_norm", [(lambda x, w, b: FN.group_norm(x, 2, w, b), [t(2, 4, 3), t(4), t(4)])])
nn("batch_norm", [(lambda x, m, v, w, b: FN.batch_norm(x, m, v, w, b, False, 0.1, 1e-5),
                   [t(2, 3, 4), t(3), t(3, domain="positive"), t(3), t(3)])])
nn("batch_norm_training", [(lambda x, w, b: FN.batch_norm(x, None, None, w, b, True, 0.1, 1e-5),
                            [t(2, 3, 4), t(3), t(3)])])
nn("cdist", [(lambda a, b: torch.cdist(a, b), [t(3, 4), t(2, 4)])])
nn("pdist", [(lambda a: torch.pdist(a), [t(4, 3)])])
nn("glu", [(lambda x: FN.glu(x, -1), [t(3, 4)]), (lambda x: FN.glu(x, 0), [t(2, 3)])])
nn("hardswish", [(FN.hardswish, [t(3, 4)])])
nn("silu", [(FN.silu, [t(3, 4)])])
nn("softplus", [(FN.softplus, [t(3, 4)])])
nn("sdpa", [(FN.scaled_dot_product_attention, [t(1, 2, 3, 4), t(1, 2, 3, 4), t(1, 2, 3, 4)])], [f32, f64])



# --------------------------------------------------------------------------------------
# Kernels to_edge would otherwise decompose away. Each entry names the op the program must keep
# (preserve_ops, and the verifier's exception list for the ones outside Core ATen) or the export
# option that makes the toolchain emit the kernel, as ExecuTorch's own exporter tests do.
# --------------------------------------------------------------------------------------
AT = torch.ops.aten
BY_LABEL = {o.label: o for o in OPS}


def keep(label, *ops, **opts):
    """Exports the table's op ``label`` with ``ops`` kept whole (no decomposition)."""
    BY_LABEL[label].export = dict(opts, preserve=list(ops))


keep("pixel_shuffle", AT.pixel_shuffle.default)
keep("pixel_unshuffle", AT.pixel_unshuffle.default)
keep("roll", AT.roll.default)
keep("reflection_pad1d", AT.reflection_pad1d.default)
keep("reflection_pad2d", AT.reflection_pad2d.default)
keep("reflection_pad3d", AT.reflection_pad3d.default)
keep("replication_pad1d", AT.replication_pad1d.default)
keep("replication_pad2d", AT.replication_pad2d.default)
keep("replication_pad3d", AT.replication_pad3d.default)
keep("stack", AT.stack.default)
keep("tril", AT.tril.default)
keep("linear", AT.linear.default)
keep("glu", AT.glu.default)
keep("select_scatter", AT.select_scatter.default)
keep("repeat_interleave", AT.repeat_interleave.Tensor)
# round(x, decimals) has no ExecuTorch kernel: let it through, and the fixture records what the
# runtime does with a program calling it (et4j must fail the same way).
BY_LABEL["round_decimals"].export = dict(non_core=[AT.round.decimals])


def kept(label, calls, dtypes, family, *ops, **opts):
    OPS.append(Op(label, calls, dtypes, family, export=dict(opts, preserve=list(ops))))


kept("t_copy", [(lambda x: AT.t_copy.default(x), [t(3, 4)]), (lambda x: AT.t_copy.default(x), [t(5)]),
                (lambda x: AT.t_copy.default(x), [t(0, 2)])], ALL, "shape", AT.t_copy.default)
kept("transpose_copy", [(lambda x: AT.transpose_copy.int(x, 0, -1), [t(2, 3, 4)]),
                        (lambda x: AT.transpose_copy.int(x, 1, 2), [t(2, 3, 4)])], ALL, "shape",
     AT.transpose_copy.int)
kept("narrow_copy", [(lambda x: AT.narrow_copy.default(x, 1, 1, 2), [t(3, 4)]),
                     (lambda x: AT.narrow_copy.default(x, -1, 0, 1), [t(2, 3, 4)])], ALL, "shape",
     AT.narrow_copy.default)
kept("unbind_copy", [(lambda x: AT.unbind_copy.int(x, 1), [t(3, 2)]), (lambda x: AT.unbind_copy.int(x, -1), [t(2, 2, 3)])],
     ALL, "shape", AT.unbind_copy.int)
kept("split_copy", [(lambda x: AT.split_copy.Tensor(x, 2, -1), [t(3, 5)]), (lambda x: AT.split_copy.Tensor(x, 3, 0), [t(6, 2)])],
     ALL, "shape", AT.split_copy.Tensor)
kept("squeeze_copy_dim", [(lambda x: AT.squeeze_copy.dim(x, 1), [t(3, 1, 4)]), (lambda x: AT.squeeze_copy.dim(x, -1), [t(3, 4)]),
                          (lambda x: AT.squeeze_copy.dim(x, 0), [t()])], ALL, "shape", AT.squeeze_copy.dim)
kept("var_dim", [(lambda x: AT.var.dim(x, [-1], True, False), [t(3, 4, 5)]),
                 (lambda x: AT.var.dim(x, [0, 2], False, True), [t(3, 4, 5)])], FLOATS, "reduction", AT.var.dim)
kept("masked_scatter", [(lambda x, m, s: x.masked_scatter(m > 0, s), [t(3, 4), t(3, 4), t(12)]),
                        (lambda x, m, s: x.masked_scatter(m > 0, s), [t(3, 4), t(4), t(3, 4)])], ALL, "shape",
     AT.masked_scatter.default)
kept("zeros_ones", [(lambda x: torch.zeros((2, 3), dtype=x.dtype) + x, [t(2, 3)]),
                    (lambda x: torch.ones((2, 3), dtype=x.dtype) + x, [t(2, 3)])], REAL, "shape",
     AT.zeros.default, AT.ones.default)
kept("arange_end", [(lambda x: torch.arange(5, dtype=x.dtype) + x, [t(5)])], REAL, "shape", AT.arange.default)
kept("copy", [(lambda x, y: AT.copy.default(x, y), [t(3, 4), t(3, 4, slot=1)]),
              (lambda x, y: AT.copy.default(x, y), [t(3, 4), t(4, slot=1)])],
     [(d, d) for d in ALL] + MIXED, "shape", AT.copy.default)
# A program that writes into its input: ExecuTorch writes the result back with copy_.
kept("copy_", [(lambda x, y: x.copy_(y), [t(3, 4), t(4, slot=1)])], [(d, d) for d in ALL] + MIXED, "shape")
# aten::clone.out where to_edge's dim-order pass is off (it turns clone into _clone_dim_order).
kept("clone_out", [(torch.clone, [t(3, 4)]), (torch.clone, [t()]), (torch.clone, [t(0, 3)])], ALL, "shape",
     skip_dim_order=True)
# index_put_: ExecuTorch's reinplace pass turns an index_put whose input is not used again in place.
kept("index_put_", [(lambda x, v: torch.index_put(x.clone(), (torch.tensor([0, 2]),), v), [t(3, 4), t(2, 4)]),
                    (lambda x, v: torch.index_put(x.clone(), (torch.tensor([1, 1]),), v, accumulate=True),
                     [t(3, 4), t(4)])], ALL, "shape", reinplace=True)
# executorch_prim::et_view: a view of a graph input that is not memory planned stays a run-time view.
kept("et_view", [(lambda x: x.reshape(4, 3).clone(), [t(3, 4)]), (lambda x: x.reshape(-1).clone(), [t(2, 3, 2)])],
     ALL, "shape", plan_inputs=False)

# ExecuTorch's LLM custom ops (llama::), [batch, seq, heads, head_dim] layout; caches of 6 positions.
kept("update_cache", [(lambda v, c: (torch.ops.llama.update_cache(v, c, 2), c.clone()), [t(1, 3, 2, 4), t(1, 6, 2, 4)]),
                      (lambda v, c: (torch.ops.llama.update_cache(v, c, 0), c.clone()), [t(1, 1, 2, 4), t(1, 6, 2, 4)])],
     REAL, "llama", llama=True)
kept("update_cache_with_indices",
     [(lambda v, c: (torch.ops.llama.update_cache_with_indices(v, c, 0, torch.tensor([[4, 1, 3]])), c.clone()),
       [t(1, 3, 2, 4), t(1, 6, 2, 4)])], REAL, "llama", llama=True)
SDPA_CALLS = [
    (lambda q, k, v: torch.ops.llama.custom_sdpa(q, k, v, 0, None, 0.0, True), [t(1, 3, 4, 8), t(1, 6, 2, 8), t(1, 6, 2, 8)]),
    (lambda q, k, v: torch.ops.llama.custom_sdpa(q, k, v, 3, None, 0.0, True), [t(1, 2, 2, 8), t(1, 6, 2, 8), t(1, 6, 2, 8)]),
    (lambda q, k, v, m: torch.ops.llama.custom_sdpa(q, k, v, 0, m, 0.0, False, 0.3),
     [t(1, 2, 2, 4), t(1, 6, 2, 4), t(1, 6, 2, 4), t(2, 6, slot=1)])]
# The mask is float32 whatever the query's dtype (ExecuTorch's check); half types in a program of
# their own, so that float32's verdict does not hang on theirs.
kept("custom_sdpa", SDPA_CALLS, [(f32, f32)], "llama", llama=True)
kept("custom_sdpa_half", SDPA_CALLS, [(f16, f32), (bf16, f32)], "llama", llama=True)

# Kernels no program of this table reaches, and why (the Java side reports these for every
# registered kernel that no method verified).
UNREACHABLE = {
    "aten::convolution_backward.out": "a backward op: inference export (torch.export -> to_edge) never emits it; "
                                      "port op_convolution_backward_test.cpp",
    "aten::max_pool2d_with_indices_backward.grad_input": "a backward op: inference export never emits it; "
                                                         "port op_max_pool2d_with_indices_backward_test.cpp",
    "aten::rand.out": "random values: ExecuTorch's and et4j's generators differ, nothing to compare but shapes",
    "aten::randn.out": "random values: nothing to compare but shapes",
    "aten::native_dropout.out": "random mask in training mode; eval-mode export removes dropout",
    "aten::empty.out": "uninitialised memory: nothing to compare",
    "dim_order_ops::_empty_dim_order.out": "uninitialised memory: nothing to compare",
    "et_copy::_h2d_copy.out": "emitted only for programs placed on a device; portable CPU export never has one",
    "et_copy::_d2h_copy.out": "emitted only for programs placed on a device; portable CPU export never has one",
    "aten::sym_size.int": "emitted only for dynamic shapes; the op suite's programs are static",
    "aten::sym_numel": "emitted only for dynamic shapes; the op suite's programs are static",
    "aten::_local_scalar_dense": "Tensor.item(): export turns it into a data-dependent symbol; not in the table yet",
    "aten::view_as_real_copy.out": "needs a complex input, which BundledProgram cannot carry",
    "aten::_conj_physical.out": "conj of a real tensor is removed at export; complex inputs cannot be bundled",
    "aten::masked_select.out": "data-dependent output shape (unbacked symbol at export); not in the table yet",
    "aten::nonzero.out": "data-dependent output shape (unbacked symbol at export); not in the table yet",
    "aten::allclose.out": "returns a Python bool at export time; not emitted by to_edge",
    "aten::lift_fresh_copy.out": "removed by export (constants are lifted), never emitted",
    "aten::alias_copy.out": "removed by to_edge, never emitted for a plain alias",
    "aten::detach_copy.out": "removed by to_edge under no_grad export, never emitted",
    "aten::var_mean.correction_out": "to_edge rejects aten.var_mean.correction: not in the Core ATen opset "
                                     "(it is decomposed into var and mean unless listed as an exception)",
}
for _k in ["add.Scalar", "ceil.Scalar", "eq.Scalar", "floordiv.Scalar", "floordiv.int", "ge.Scalar", "gt.Scalar",
           "le.Scalar", "lt.Scalar", "mod.Scalar", "mod.int", "mul.Scalar", "neg.Scalar", "round.Scalar",
           "sub.Scalar", "sym_float.Scalar", "sym_int.Scalar", "sym_ite.Scalar", "sym_max.Scalar", "sym_min.Scalar",
           "sym_not.Scalar", "truediv.Scalar", "trunc.Scalar"]:
    UNREACHABLE["executorch_prim::" + _k] = ("symbolic-int arithmetic, emitted only for dynamic shapes; "
                                             "the op suite's programs are static")
UNREACHABLE["executorch_prim::et_copy_index.tensor"] = "emitted only for data-dependent loops (torch.cond/map)"
for _k in ["add.out", "choose_qparams.Tensor_out", "choose_qparams_per_token_asymmetric.out",
           "dequantize_per_channel.out", "dequantize_per_tensor.Tensor_out", "dequantize_per_tensor.out",
           "dequantize_per_token.out", "embedding_2bit.dtype_out", "embedding_2bit.out", "embedding_4bit.dtype_out",
           "embedding_4bit.out", "embedding_byte.dtype_out", "embedding_byte.out", "mixed_linear.out", "mixed_mm.out",
           "quantize_per_channel.out", "quantize_per_tensor.Tensor_out", "quantize_per_tensor.out",
           "quantize_per_token.out"]:
    UNREACHABLE["quantized_decomposed::" + _k] = ("not in the op suite's table yet (needs the quantized kernels "
                                                  "library registered at export); the pt2e-int8 model fixtures "
                                                  "cover some")


# --------------------------------------------------------------------------------------
# Building one op
# --------------------------------------------------------------------------------------


def flatten(out) -> List[Any]:
    if isinstance(out, (list, tuple)):
        flat = []
        for o in out:
            flat.extend(flatten(o))
        return flat
    return [out]


class OpModule(torch.nn.Module):
    def __init__(self, calls):
        super().__init__()
        self.calls = calls

    def forward(self, *xs):
        outs = []
        k = 0
        for fn, specs in self.calls:
            args = xs[k:k + len(specs)]
            k += len(specs)
            outs.extend(flatten(fn(*args)))
        return tuple(outs)


def dtype_name(d) -> str:
    return str(d).replace("torch.", "")


def method_name(dtypes: Tuple[Any, ...]) -> str:
    names = [dtype_name(d) for d in dtypes]
    return "_".join(names if len(set(names)) > 1 else names[:1])


def inputs_for(op: Op, dtypes: Tuple[Any, ...], which: str, seed: int) -> Tuple[torch.Tensor, ...]:
    gen = torch.Generator().manual_seed(seed)
    xs = []
    for _fn, specs in op.calls:
        for k, spec in enumerate(specs):
            xs.append(make_value(spec, dtypes[min(spec.slot, len(dtypes) - 1)], which, k, gen))
    return tuple(xs)


def has_hazard(op: Op, dtypes) -> bool:
    return any(s.divisor and not dtypes[min(s.slot, len(dtypes) - 1)].is_floating_point
               for _fn, specs in op.calls for s in specs)


def _describe_error(e: BaseException) -> str:
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0][:300] if str(e).strip() else ''}"


def run_isolated(pte_path: str, method: str, inputs, timeout: float = 120.0):
    """Runs one method on one input set in a forked child; returns ("ok", outputs) or
    ("error"|"abort"|"timeout", message)."""
    fd, out_path = tempfile.mkstemp(suffix=".pkl")
    os.close(fd)
    log_fd, log_path = tempfile.mkstemp(suffix=".log")
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        os.dup2(log_fd, 2)  # ExecuTorch's own log lines say which check failed where
        try:
            from executorch.runtime import Runtime

            program = Runtime.get().load_program(pte_path)
            m = program.load_method(method)
            got = m.execute([x.clone() for x in inputs])
            result = ("ok", [g.detach().clone() for g in got])
        except BaseException as e:  # noqa: BLE001
            result = ("error", _describe_error(e))
        try:
            with open(out_path, "wb") as f:
                pickle.dump(result, f)
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    deadline = time.time() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.remove(out_path)
            os.close(log_fd)
            os.remove(log_path)
            return "timeout", f"no result within {timeout:.0f} s"
        time.sleep(0.01)
    os.close(log_fd)
    with open(log_path, errors="replace") as f:
        log = [ln.strip() for ln in f if "Check failed" in ln or "KernelCall failed" in ln or "rror" in ln]
    os.remove(log_path)
    said = ("; ExecuTorch logged: " + " | ".join(log[:3])[:600]) if log else ""
    try:
        if os.WIFSIGNALED(status):
            return "abort", f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}{said}"
        if os.WEXITSTATUS(status) != 0:
            return "abort", f"exit status {os.WEXITSTATUS(status)}{said}"
        with open(out_path, "rb") as f:
            status, result = pickle.load(f)
        return (status, result + said) if status != "ok" else (status, result)
    finally:
        if os.path.exists(out_path):
            os.remove(out_path)


# Ops outside the Core ATen opset that ExecuTorch's portable library still has kernels for: to_edge
# keeps them instead of rejecting the program.
NON_CORE_WITH_KERNELS = [
    torch.ops.aten.unfold.default,
    torch.ops.aten.var_mean.correction,
    torch.ops.aten.bitwise_left_shift.Tensor,
    torch.ops.aten.bitwise_right_shift.Tensor,
    torch.ops.aten.bitwise_left_shift.Tensor_Scalar,
    torch.ops.aten.bitwise_right_shift.Tensor_Scalar,
]


def export_methods(methods: Dict[str, Tuple[Op, List[Tuple[Any, ...]]]], examples):
    """One program; each method makes its op's calls once per dtype combination it holds."""
    from executorch.exir import EdgeCompileConfig, ExecutorchBackendConfig, to_edge

    eps = {}
    for name, (op, combos) in methods.items():
        eps[name] = torch.export.export(OpModule(op.calls * len(combos)), examples[name], strict=False)
    # Every method of one program is one op's, so they share its export options.
    opts = next(iter(methods.values()))[0].export
    preserve = list(opts.get("preserve", ()))
    config = EdgeCompileConfig(
        _check_ir_validity=True, _skip_dim_order=opts.get("skip_dim_order", False), preserve_ops=preserve,
        _core_aten_ops_exception_list=NON_CORE_WITH_KERNELS + preserve + list(opts.get("non_core", ())))
    edge = to_edge(eps, compile_config=config)
    backend: Dict[str, Any] = dict(emit_mutable_buffer_names=True, run_reinplace_pass=opts.get("reinplace", False))
    if not opts.get("plan_inputs", True):
        from executorch.exir.passes import MemoryPlanningPass

        backend["memory_planning_pass"] = MemoryPlanningPass(alloc_graph_input=False)
    return edge.to_executorch(ExecutorchBackendConfig(**backend))


def method_inputs(op: Op, combos, which: str, seed: int):
    xs = []
    for i, dts in enumerate(combos):
        xs.extend(inputs_for(op, dts, which, seed + 1000 * i))
    return tuple(xs)


def run_sets(op: Op, pte_path: str, name: str, combos, seed: int):
    """Runs every test set of one method; returns [(set name, inputs, status, outputs or error)]."""
    sets = ["random", "edge"] + (["hazard"] if any(has_hazard(op, d) for d in combos) else [])
    results = []
    for si, which in enumerate(sets):
        inputs = method_inputs(op, combos, which, seed + 17 * si)
        status, result = run_isolated(pte_path, name, inputs)
        results.append((which, inputs, status, result))
    return results


def build_op(op: Op, seed: int) -> Dict[str, Any]:
    """Exports the op's dtype combinations as one method ("all"); when ExecuTorch fails on any
    test set of it, again as one method per combination, so that each failure is pinned on its
    dtypes."""
    from executorch.devtools import BundledProgram
    from executorch.devtools.bundled_program.config import MethodTestCase, MethodTestSuite
    from executorch.devtools.bundled_program.serialize import serialize_from_bundled_program_to_flatbuffer

    entry: Dict[str, Any] = {"label": op.label, "family": op.family, "bpte": None, "methods": [],
                             "not_exported": []}
    good: List[Tuple[Any, ...]] = []
    for d in op.dtypes:
        dts = d if isinstance(d, tuple) else (d,)
        try:
            with torch.no_grad():
                OpModule(op.calls)(*inputs_for(op, dts, "random", seed))
            good.append(dts)
        except Exception as e:  # noqa: BLE001
            entry["not_exported"].append({"dtypes": [dtype_name(x) for x in dts], "stage": "eager",
                                          "error": _describe_error(e)})

    def examples_of(methods):
        return {n: method_inputs(o, c, "random", seed) for n, (o, c) in methods.items()}

    def export(methods):
        return export_methods(methods, examples_of(methods))

    if not good:
        return entry
    try:
        methods = {"all": (op, good)}
        et = export(methods)
    except Exception:  # noqa: BLE001
        # Find the combinations the toolchain rejects, one by one.
        kept = []
        for dts in good:
            try:
                export({"one": (op, [dts])})
                kept.append(dts)
            except Exception as e:  # noqa: BLE001
                entry["not_exported"].append({"dtypes": [dtype_name(x) for x in dts], "stage": "export",
                                              "error": _describe_error(e)})
        good = kept
        if not good:
            return entry
        methods = {"all": (op, good)}
        et = export(methods)

    def run_all(et, methods, only=None):
        with tempfile.NamedTemporaryFile(suffix=".pte", delete=False) as f:
            f.write(et.buffer)
            pte_path = f.name
        try:
            return {n: run_sets(o, pte_path, n, c, seed) for n, (o, c) in methods.items()
                    if only is None or n in only}
        finally:
            os.remove(pte_path)

    def failed(rs):
        return any(r[2] != "ok" for r in rs)

    results = run_all(et, methods)
    if failed(results["all"]) and len(good) > 1:
        # Pin each failure on its dtypes: one method per combination.
        methods = {method_name(d): (op, [d]) for d in good}
        et = export(methods)
        results = run_all(et, methods)
    if len(op.calls) > 1 and any(failed(r) for r in results.values()):
        # And on its call: a failing combination gets one method per call, so that one rejected
        # call (a channels-last input, an empty one) leaves the others verified.
        split = {}
        for name, (o, combos) in methods.items():
            if failed(results[name]):
                for k, call in enumerate(o.calls):
                    sub = dataclasses.replace(o, calls=[call])
                    split[f"{name}_call{k}"] = (sub, combos)
            else:
                split[name] = (o, combos)
        methods = split
        et = export(methods)
        results.update(run_all(et, methods, only={n for n in methods if n not in results}))
        results = {n: results[n] for n in methods}

    plans = {p.name: p for p in et.executorch_program.execution_plan}
    suites = []
    for name in sorted(methods):
        plan = plans[name]
        cases = []
        records = []
        for which, inputs, status, result in results[name]:
            if status == "ok":
                cases.append(MethodTestCase(inputs=list(inputs), expected_outputs=list(result)))
                records.append({"name": which, "executorch": "ok"})
            else:
                cases.append(MethodTestCase(inputs=list(inputs), expected_outputs=[]))
                records.append({"name": which, "executorch": f"{status}: {result}"})
        suites.append(MethodTestSuite(method_name=name, test_cases=cases))
        ops_used = sorted({o.name + ("." + o.overload if o.overload else "") for o in plan.operators})
        entry["methods"].append({
            "name": name, "dtypes": [[dtype_name(x) for x in d] for d in methods[name][1]],
            "operators": ops_used, "outputs": len(plan.outputs), "test_sets": records,
        })
    bundled = BundledProgram(et, suites)
    os.makedirs(ROOT, exist_ok=True)
    path = os.path.join(ROOT, op.label + ".bpte.gz")
    write_gzip(path, serialize_from_bundled_program_to_flatbuffer(bundled))
    entry["bpte"] = op.label + ".bpte.gz"
    entry["bytes"] = os.path.getsize(path)
    return entry


def write_gzip(path: str, data: bytes) -> None:
    """gzip with no name and mtime 0, so the same program gives the same bytes."""
    import gzip

    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(data)


def pack(manifest_path: str) -> None:
    """Compresses the plain .bpte files an older run left into .bpte.gz, in the manifest as well."""
    import fcntl

    with open(manifest_path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(manifest_path) as f:
            manifest = json.load(f)
        for entry in manifest["ops"].values():
            if entry.get("bpte") and entry["bpte"].endswith(".bpte"):
                src = os.path.join(ROOT, entry["bpte"])
                with open(src, "rb") as f:
                    write_gzip(src + ".gz", f.read())
                os.remove(src)
                entry["bpte"] += ".gz"
                entry["bytes"] = os.path.getsize(src + ".gz")
        with open(manifest_path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(manifest_path + ".tmp", manifest_path)


def write_entry(manifest_path: str, entry: Dict[str, Any]) -> None:
    """Merges one op's entry into the manifest, under a lock (several generators may run at once)."""
    import fcntl
    import executorch.version

    os.makedirs(ROOT, exist_ok=True)
    with open(manifest_path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = {"manifest_version": 1, "ops": {}}
        if os.path.exists(manifest_path):
            with open(manifest_path) as f:
                manifest = json.load(f)
        manifest["versions"] = {"torch": torch.__version__, "executorch": executorch.version.__version__}
        manifest["unreachable"] = UNREACHABLE
        manifest["ops"][entry["label"]] = entry
        manifest["ops"] = dict(sorted(manifest["ops"].items()))
        with open(manifest_path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(manifest_path + ".tmp", manifest_path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=None, help="labels to (re)build, merged into the manifest")
    ap.add_argument("--family", nargs="*", default=None, help="families to (re)build")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--pack", action="store_true", help="only compress plain .bpte files into .bpte.gz")
    args = ap.parse_args(argv)
    labels = [o.label for o in OPS]
    assert len(labels) == len(set(labels)), [x for x in labels if labels.count(x) > 1]
    if args.list:
        for o in OPS:
            print(o.family, o.label, len(o.dtypes))
        return 0
    manifest_path = os.path.join(ROOT, "manifest.json")
    if args.pack:
        pack(manifest_path)
        return 0
    warnings.filterwarnings("ignore")
    import executorch.version
    from executorch.runtime import Runtime

    if any(o.export.get("llama") for o in OPS if args.only is None or o.label in args.only):
        import executorch.extension.llm.custom_ops.custom_ops  # noqa: F401  (llama:: ops and their kernels)
    Runtime.get()  # loaded once here, so each forked child starts with it

    manifest_path = os.path.join(ROOT, "manifest.json")
    by_label = {o.label: o for o in OPS}
    unknown = [x for x in (args.only or []) if x not in by_label]
    if unknown:
        ap.error(f"no such op labels: {unknown}")
    chosen = [by_label[x] for x in args.only] if args.only is not None else OPS
    chosen = [o for o in chosen if args.family is None or o.family in args.family]
    for op in chosen:
        t0 = time.time()
        seed = int.from_bytes(hashlib.sha256(op.label.encode()).digest()[:4], "little") % (1 << 30)
        try:
            entry = build_op(op, seed)
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            entry = {"label": op.label, "family": op.family, "bpte": None, "methods": [],
                     "not_exported": [{"dtypes": ["*"], "stage": "generator", "error": _describe_error(e)}]}
        bad = sum(1 for m in entry["methods"] for s in m["test_sets"] if s["executorch"] != "ok")
        print(f"{op.label}: {len(entry['methods'])} methods, {len(entry['not_exported'])} not exported, "
              f"{bad} ExecuTorch failures, {entry.get('bytes', 0)} bytes, {time.time() - t0:.1f} s", flush=True)
        write_entry(manifest_path, entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
