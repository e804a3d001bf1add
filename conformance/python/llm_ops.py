"""Fixtures for et4j's llama:: kernels: small programs calling ExecuTorch's LLM custom ops
(llama::update_cache, llama::custom_sdpa), exported by the real toolchain, with the outputs of the
ExecuTorch runtime bundled as the expected ones (BundledProgram .bpte).

    llm_ops.py --out kernels/src/test/resources/org/et4j/kernels/llama

kv_attend: grouped-query causal attention over a KV cache held in mutable buffers; its test cases
run in order on one method (a 5-token prefill at position 0, then decode steps at 5, 6 and 7), so
the cache carries state between them. masked_attend: a float mask [S, max_seq_len] and an
explicit scale, not causal (with a mask ExecuTorch attends over the whole cache, start_pos unused).
"""

import argparse
import os

import torch
from torch import nn
from torch.export import Dim

import executorch.extension.llm.custom_ops.custom_ops  # noqa: F401  (registers llama:: ops)

MAX_SEQ, HEADS, KV_HEADS, HEAD_DIM = 16, 4, 2, 8


class KvAttend(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("k_cache", torch.zeros(1, MAX_SEQ, KV_HEADS, HEAD_DIM))
        self.register_buffer("v_cache", torch.zeros(1, MAX_SEQ, KV_HEADS, HEAD_DIM))

    def forward(self, q, k, v, input_pos):
        start = input_pos[0].item()
        torch._check_is_size(start)
        torch._check(start < MAX_SEQ)
        seq = q.size(1)
        torch._check(start + seq <= MAX_SEQ)
        torch.ops.llama.update_cache(k, self.k_cache, start)
        torch.ops.llama.update_cache(v, self.v_cache, start)
        return torch.ops.llama.custom_sdpa(q, self.k_cache, self.v_cache, start, None, 0.0, True)


class MaskedAttend(nn.Module):
    def forward(self, q, k_cache, v_cache, mask):
        return torch.ops.llama.custom_sdpa(q, k_cache, v_cache, 3, mask, 0.0, False, 0.3)


def export(module, example, dynamic_shapes, path, test_inputs):
    from executorch.devtools import BundledProgram
    from executorch.devtools.bundled_program.config import MethodTestCase, MethodTestSuite
    from executorch.devtools.bundled_program.serialize import serialize_from_bundled_program_to_flatbuffer
    from executorch.exir import EdgeCompileConfig, to_edge
    from executorch.runtime import Runtime

    with torch.no_grad():
        ep = torch.export.export(module, example, dynamic_shapes=dynamic_shapes, strict=False)
    et = to_edge(ep, compile_config=EdgeCompileConfig(_check_ir_validity=False)).to_executorch()
    method = Runtime.get().load_program(et.buffer).load_method("forward")
    cases = []
    for inputs in test_inputs:
        outs = method.execute([x.clone() for x in inputs])
        cases.append(MethodTestCase(inputs=list(inputs), expected_outputs=[o.clone() for o in outs]))
    bundled = BundledProgram(et, [MethodTestSuite(method_name="forward", test_cases=cases)])
    with open(path, "wb") as f:
        f.write(serialize_from_bundled_program_to_flatbuffer(bundled))
    print(path, len(cases), "cases")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    g = torch.Generator().manual_seed(7)

    def qkv(s):
        return (torch.randn(1, s, HEADS, HEAD_DIM, generator=g), torch.randn(1, s, KV_HEADS, HEAD_DIM, generator=g),
                torch.randn(1, s, KV_HEADS, HEAD_DIM, generator=g))

    seq = Dim("seq", min=1, max=MAX_SEQ - 1)
    tests = []
    for pos, s in ((0, 5), (5, 1), (6, 1), (7, 3)):
        q, k, v = qkv(s)
        tests.append((q, k, v, torch.tensor([pos], dtype=torch.long)))
    export(KvAttend(), tests[0], ({1: seq}, {1: seq}, {1: seq}, None), os.path.join(a.out, "kv_attend.bpte"), tests)

    q = torch.randn(1, 2, HEADS, HEAD_DIM, generator=g)
    kc = torch.randn(1, MAX_SEQ, KV_HEADS, HEAD_DIM, generator=g)
    vc = torch.randn(1, MAX_SEQ, KV_HEADS, HEAD_DIM, generator=g)
    mask = torch.where(torch.rand(2, MAX_SEQ, generator=g) < 0.3, torch.tensor(float("-inf")), torch.randn(2, MAX_SEQ, generator=g))
    mask[:, 0] = 0.0  # every row keeps one key
    export(MaskedAttend(), (q, kc, vc, mask), None, os.path.join(a.out, "masked_attend.bpte"), [(q, kc, vc, mask)])


if __name__ == "__main__":
    main()
