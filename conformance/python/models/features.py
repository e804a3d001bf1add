"""Program-feature cases: multiple methods, mutable state, control flow, dynamic
shapes, scalar inputs, half/bfloat16 tensors and int64 indexing."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.export import Dim

from pipeline import CaseSpec, MethodSpec

# ---------------------------------------------------------------- multi_method


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(16, 32)
        self.head = nn.Linear(32, 3)


class ForwardMethod(nn.Module):
    """forward(x): class logits."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.head(torch.tanh(self.net.embed(x)))


class EmbedMethod(nn.Module):
    """embed(x): L2-normalised features."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return F.normalize(torch.tanh(self.net.embed(x)), dim=-1)


class SimilarityMethod(nn.Module):
    """similarity(a, b): cosine similarity matrix of two batches, plus a's norms."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, a, b):
        ea = torch.tanh(self.net.embed(a))
        eb = torch.tanh(self.net.embed(b))
        sim = F.normalize(ea, dim=-1) @ F.normalize(eb, dim=-1).t()
        return sim, ea.norm(dim=-1)


def build_multi_method():
    net = Backbone().eval()
    x = [(torch.randn(4, 16),) for _ in range(3)]
    ab = [(torch.randn(4, 16), torch.randn(5, 16)) for _ in range(2)]
    return {
        "forward": MethodSpec(ForwardMethod(net), x[0], x),
        "embed": MethodSpec(EmbedMethod(net), x[0], x[::-1]),
        "similarity": MethodSpec(SimilarityMethod(net), ab[0], ab),
    }


# ---------------------------------------------------------------- stateful_counter


class StatefulCounter(nn.Module):
    """Two buffers persist across executions: ``count`` starts at 10 (its initial value
    is serialized into the program) and ``total`` starts zeroed (uninitialised planned
    memory, zero in the reference runtimes)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("count", torch.tensor([10.0]))
        self.register_buffer("total", torch.zeros(4))

    def forward(self, x):
        self.count.add_(1.0)
        self.total.add_(x.sum(dim=0))
        return x * self.count, self.total * 1.0


def build_stateful_counter():
    tests = [(torch.randn(3, 4),) for _ in range(4)]
    return {"forward": MethodSpec(StatefulCounter().eval(), tests[0], tests)}


# ---------------------------------------------------------------- cond


class CondModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 8)
        self.b = nn.Linear(8, 8)

    def forward(self, x):
        def positive(t):
            return torch.relu(self.a(t)) + 1.0

        def negative(t):
            return torch.sigmoid(self.b(t)) - 1.0

        return torch.cond(x.sum() > 0, positive, negative, (x,))


def build_cond():
    pos = torch.rand(2, 8) + 0.1
    neg = -torch.rand(2, 8) - 0.1
    tests = [(pos,), (neg,), (pos * 3,), (neg * 0.5,)]
    return {"forward": MethodSpec(CondModel().eval(), tests[0], tests)}


# ---------------------------------------------------------------- cond_kernels


class CondFeedsKernels(nn.Module):
    """A torch.cond with two results that later kernels read: a convolution, a Linear
    (addmm on the 2-D result) and a softmax. ExecuTorch moves each branch's results into the
    cond's output values (MoveCall), which those kernels were bound to."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3)
        self.lin = nn.Linear(6, 4)

    def forward(self, img, vec):
        def positive(i, v):
            return i * 2.0, v + 1.0

        def negative(i, v):
            return i - 1.0, v * 0.5

        a, b = torch.cond(vec.sum() > 0, positive, negative, (img, vec))
        return self.conv(a), self.lin(b), torch.softmax(b, dim=-1)


def build_cond_kernels():
    img = torch.rand(1, 2, 6, 6)
    vec = torch.rand(3, 6) + 0.1
    tests = [(img, vec), (-img, -vec), (img * 3, vec * 2), (img * 0.5, -vec * 0.5)]
    return {"forward": MethodSpec(CondFeedsKernels().eval(), tests[0], tests)}


# ---------------------------------------------------------------- integer_matmul


class IntegerMatmul(nn.Module):
    """mm, bmm, addmm and convolution over int64 and int32 whose sums pass 2^53 (int64) and
    overflow (both): ExecuTorch's portable kernels accumulate in the element type and wrap."""

    def forward(self, a64, b64, c64, x64, w64, a32, b32, x32, w32):
        return (
            torch.mm(a64, b64),
            torch.bmm(a64.unsqueeze(0), b64.unsqueeze(0)),
            torch.addmm(c64, a64, b64),
            F.conv2d(x64, w64, c64[0, :2]),
            F.conv_transpose2d(x64, w64.transpose(0, 1).contiguous()),
            torch.mm(a32, b32),
            torch.addmm(b32[0], a32, b32),
            F.conv2d(x32, w32),
        )


def build_integer_matmul():
    def case(big):
        i64 = torch.int64
        i32 = torch.int32
        return (
            torch.randint(-big, big, (3, 4), dtype=i64),
            torch.randint(-2**22, 2**22, (4, 2), dtype=i64),
            torch.randint(-2**62, 2**62, (3, 2), dtype=i64),
            torch.randint(-big, big, (1, 2, 4, 4), dtype=i64),
            torch.randint(-2**22, 2**22, (2, 2, 3, 3), dtype=i64),
            torch.randint(-2**20, 2**20, (3, 4), dtype=i32),
            torch.randint(-2**20, 2**20, (4, 2), dtype=i32),
            torch.randint(-2**20, 2**20, (1, 2, 4, 4), dtype=i32),
            torch.randint(-2**20, 2**20, (2, 2, 3, 3), dtype=i32),
        )

    # 2^41 * 2^22 products: sums beyond 2^53, and beyond 2^63 where they wrap.
    tests = [case(2**41), case(2**40), case(2**38)]
    return {"forward": MethodSpec(IntegerMatmul().eval(), tests[0], tests)}


# ---------------------------------------------------------------- half_matmul


class HalfMatmul(nn.Module):
    """float16 and bfloat16 mm, bmm, addmm and convolution: ExecuTorch's portable kernels round
    each product and each partial sum to the element type as they go."""

    def forward(self, a16, b16, c16, x16, w16, abf, bbf, xbf, wbf):
        return (
            torch.mm(a16, b16),
            torch.bmm(a16.unsqueeze(0), b16.unsqueeze(0)),
            torch.addmm(c16, a16, b16),
            F.conv2d(x16, w16, c16[0, :3]),
            torch.mm(abf, bbf),
            torch.addmm(bbf[0], abf, bbf),
            F.conv2d(xbf, wbf),
        )


def build_half_matmul():
    def case():
        def mats(dtype):
            # A large first term, then many small ones: a partial sum rounded to 11 (8) bits
            # stops growing where one rounded at the end does not.
            a = torch.randn(4, 96)
            a[:, 0] *= 256
            b = torch.rand(96, 3) + 0.25
            return a.to(dtype), b.to(dtype)

        a16, b16 = mats(torch.float16)
        abf, bbf = mats(torch.bfloat16)
        x = torch.randn(1, 8, 5, 5)
        x[:, 0] *= 64
        w = torch.rand(3, 8, 3, 3) + 0.25
        return (
            a16, b16, torch.randn(4, 3).to(torch.float16), x.to(torch.float16),
            w.to(torch.float16), abf, bbf, x.to(torch.bfloat16), w.to(torch.bfloat16),
        )

    tests = [case() for _ in range(3)]
    return {"forward": MethodSpec(HalfMatmul().eval(), tests[0], tests)}


# ---------------------------------------------------------------- dynamic_shapes


class DynamicSeq(nn.Module):
    """Sequence model over [1, T, 16] with T dynamic (1..64): projection, softmax
    pooling over time, a cumulative sum and a concatenation."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(16, 16)
        self.score = nn.Linear(16, 1)

    def forward(self, x):
        h = torch.tanh(self.proj(x))
        w = torch.softmax(self.score(h), dim=1)
        pooled = (w * h).sum(dim=1, keepdim=True)
        running = torch.cumsum(h, dim=1) / x.shape[1]
        return torch.cat([running, pooled], dim=1)


def build_dynamic_shapes():
    tests = [(torch.randn(1, t, 16),) for t in (1, 5, 33, 64)]
    seq = Dim("seq", min=1, max=64)
    return {
        "forward": MethodSpec(
            DynamicSeq().eval(), (torch.randn(1, 64, 16),), tests, dynamic_shapes=({1: seq},)
        )
    }


# ---------------------------------------------------------------- scalar_inputs


class ScalarInputs(nn.Module):
    def forward(self, x, n: int, flag: bool, alpha: float):
        y = x * alpha + n
        if flag:
            y = torch.relu(y)
        return y


def build_scalar_inputs():
    # ExecuTorch specialises non-tensor inputs at export time: the program records the
    # exported values and rejects any other, so every test case uses the same scalars.
    n, flag, alpha = 3, True, 0.5
    tests = [(torch.randn(2, 5), n, flag, alpha) for _ in range(3)]
    return {"forward": MethodSpec(ScalarInputs().eval(), tests[0], tests)}


# ---------------------------------------------------------------- half_bf16


class HalfBf16(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin16 = nn.Linear(8, 8).to(torch.float16)
        self.register_buffer("scale_bf16", torch.linspace(0.5, 2.0, 8).to(torch.bfloat16))

    def forward(self, a16, b16):
        h = torch.relu(self.lin16(a16)) * 0.5 + a16
        s = torch.softmax(b16 * self.scale_bf16, dim=-1)
        mixed = h.to(torch.bfloat16) + s
        return h, s, mixed.to(torch.float32)


def build_half_bf16():
    tests = [
        (torch.randn(3, 8).to(torch.float16), torch.randn(3, 8).to(torch.bfloat16))
        for _ in range(3)
    ]
    return {"forward": MethodSpec(HalfBf16().eval(), tests[0], tests)}


# ---------------------------------------------------------------- int64_indexing


class Int64Indexing(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 8)

    def forward(self, ids, rows, gather_idx):
        e = self.emb(ids)  # [2, 5, 8]
        picked = e[:, rows]  # aten.index.Tensor -> [2, 3, 8]
        g = torch.gather(e, 2, gather_idx)  # [2, 5, 3]
        sel = torch.index_select(e, 1, rows)  # [2, 3, 8]
        best = torch.argmax(g, dim=-1)  # int64 output
        return picked + sel, g, best


def build_int64_indexing():
    def case():
        return (
            torch.randint(0, 50, (2, 5), dtype=torch.int64),
            torch.randint(0, 5, (3,), dtype=torch.int64),
            torch.randint(0, 8, (2, 5, 3), dtype=torch.int64),
        )

    tests = [case() for _ in range(3)]
    return {"forward": MethodSpec(Int64Indexing().eval(), tests[0], tests)}


CASES = [
    CaseSpec(
        "multi_method",
        "three methods (forward, embed, similarity) sharing weights, plus a constant "
        "method get_num_classes (not tested: BundledProgram supports tensor outputs only)",
        build_multi_method,
        ["portable", "xnnpack"],
        constant_methods={"get_num_classes": 3},
    ),
    CaseSpec(
        "stateful_counter",
        "buffers mutated in forward: count (initial 10, serialized) and total (zeroed)",
        build_stateful_counter,
        ["portable", "xnnpack"],
        stateful=True,
        init_buffers=("count",),
    ),
    CaseSpec("cond", "torch.cond on x.sum() > 0 with two Linear branches", build_cond,
             ["portable", "xnnpack"]),
    CaseSpec("cond_kernels", "torch.cond whose results feed a convolution, a Linear and a softmax",
             build_cond_kernels, ["portable"]),
    CaseSpec("integer_matmul", "int64 / int32 mm, bmm, addmm, convolution that pass 2^53 and wrap",
             build_integer_matmul, ["portable"]),
    CaseSpec("half_matmul", "float16 / bfloat16 mm, bmm, addmm, convolution rounded as they go",
             build_half_matmul, ["portable"]),
    CaseSpec("dynamic_shapes", "dynamic sequence length T in 1..64 over [1, T, 16]",
             build_dynamic_shapes, ["portable", "xnnpack"]),
    CaseSpec("scalar_inputs", "int, bool and float inputs (compile-time constants)",
             build_scalar_inputs, ["portable"]),
    CaseSpec("half_bf16", "float16 linear and bfloat16 softmax, mixed output",
             build_half_bf16, ["portable", "xnnpack"]),
    CaseSpec("int64_indexing", "embedding, index.Tensor, gather, index_select, argmax",
             build_int64_indexing, ["portable", "xnnpack"]),
]
