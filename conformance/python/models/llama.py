"""llama_decoder: a small llama-style decoder (RMSNorm, RoPE, grouped-query attention,
SwiGLU) whose KV cache lives in mutable registered buffers updated with index_put_.
The test cases are one generation run, executed in order on one loaded method: a
5-token prefill followed by single-token decode steps (stateful)."""

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.export import Dim

from pipeline import CaseSpec, MethodSpec

VOCAB, DIM, LAYERS, HEADS, KV_HEADS, HIDDEN, MAX_SEQ, MAX_T = 256, 64, 2, 4, 2, 128, 32, 8
HEAD_DIM = DIM // HEADS


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x, cos, sin):
    """x: [B, H, T, D]; cos/sin: [T, D/2]. Rotates (even, odd) pairs."""
    x1, x2 = x[..., 0::2], x[..., 1::2]
    r1 = x1 * cos - x2 * sin
    r2 = x1 * sin + x2 * cos
    return torch.stack([r1, r2], dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.wq = nn.Linear(DIM, HEADS * HEAD_DIM, bias=False)
        self.wk = nn.Linear(DIM, KV_HEADS * HEAD_DIM, bias=False)
        self.wv = nn.Linear(DIM, KV_HEADS * HEAD_DIM, bias=False)
        self.wo = nn.Linear(HEADS * HEAD_DIM, DIM, bias=False)
        self.register_buffer("k_cache", torch.zeros(1, KV_HEADS, MAX_SEQ, HEAD_DIM))
        self.register_buffer("v_cache", torch.zeros(1, KV_HEADS, MAX_SEQ, HEAD_DIM))

    def forward(self, x, input_pos, cos, sin, mask):
        b, t, _ = x.shape
        q = self.wq(x).view(b, t, HEADS, HEAD_DIM).transpose(1, 2)
        k = self.wk(x).view(b, t, KV_HEADS, HEAD_DIM).transpose(1, 2)
        v = self.wv(x).view(b, t, KV_HEADS, HEAD_DIM).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        # The cache update: aten.index_put_ on the mutable buffers.
        self.k_cache[:, :, input_pos] = k
        self.v_cache[:, :, input_pos] = v
        keys = self.k_cache.repeat_interleave(HEADS // KV_HEADS, dim=1)
        values = self.v_cache.repeat_interleave(HEADS // KV_HEADS, dim=1)
        y = F.scaled_dot_product_attention(q, keys, values, attn_mask=mask)
        return self.wo(y.transpose(1, 2).reshape(b, t, HEADS * HEAD_DIM))


class FeedForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Linear(DIM, HIDDEN, bias=False)
        self.w3 = nn.Linear(DIM, HIDDEN, bias=False)
        self.w2 = nn.Linear(HIDDEN, DIM, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention_norm = RMSNorm(DIM)
        self.attention = Attention()
        self.ffn_norm = RMSNorm(DIM)
        self.feed_forward = FeedForward()

    def forward(self, x, input_pos, cos, sin, mask):
        x = x + self.attention(self.attention_norm(x), input_pos, cos, sin, mask)
        return x + self.feed_forward(self.ffn_norm(x))


class LlamaDecoder(nn.Module):
    """forward(tokens int64 [1, T], input_pos int64 [T]) -> logits [1, T, VOCAB]."""

    def __init__(self):
        super().__init__()
        self.tok_embeddings = nn.Embedding(VOCAB, DIM)
        self.layers = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.norm = RMSNorm(DIM)
        self.output = nn.Linear(DIM, VOCAB, bias=False)
        freqs = 1.0 / (10000.0 ** (torch.arange(0, HEAD_DIM, 2).float() / HEAD_DIM))
        angles = torch.outer(torch.arange(MAX_SEQ).float(), freqs)
        self.register_buffer("freqs_cos", torch.cos(angles), persistent=False)
        self.register_buffer("freqs_sin", torch.sin(angles), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02 if "embeddings" not in name else 1.0)

    def forward(self, tokens, input_pos):
        x = self.tok_embeddings(tokens)
        cos = torch.index_select(self.freqs_cos, 0, input_pos)
        sin = torch.index_select(self.freqs_sin, 0, input_pos)
        # Causal over absolute positions: query at p sees cache slots 0..p.
        mask = torch.arange(MAX_SEQ).unsqueeze(0) <= input_pos.unsqueeze(1)
        for layer in self.layers:
            x = layer(x, input_pos, cos, sin, mask)
        return self.output(self.norm(x))


def build_llama():
    model = LlamaDecoder().eval()
    prompt = torch.randint(0, VOCAB, (1, 5), dtype=torch.int64)
    steps = [(prompt, torch.arange(0, 5, dtype=torch.int64))]
    for pos in range(5, 8):
        tok = torch.randint(0, VOCAB, (1, 1), dtype=torch.int64)
        steps.append((tok, torch.tensor([pos], dtype=torch.int64)))
    t = Dim("t", min=1, max=MAX_T)
    example = (
        torch.randint(0, VOCAB, (1, MAX_T), dtype=torch.int64),
        torch.arange(MAX_T, dtype=torch.int64),
    )
    calib = [(torch.randint(0, VOCAB, (1, 4), dtype=torch.int64), torch.arange(4))]
    return {
        "forward": MethodSpec(
            model,
            example,
            steps,
            dynamic_shapes=({1: t}, {0: t}),
            calibration_inputs=calib,
        )
    }


CASES = [
    CaseSpec(
        "llama_decoder",
        f"llama-style decoder (vocab {VOCAB}, dim {DIM}, {LAYERS} layers, {HEADS} heads / "
        f"{KV_HEADS} kv heads, max_seq {MAX_SEQ}); KV cache in mutable buffers via "
        "index_put_, dynamic T 1..8; cases: 5-token prefill then 3 decode steps, in order",
        build_llama,
        ["portable", "xnnpack", "xnnpack-qd8", "xnnpack-4bit"],
        stateful=True,
    ),
]
