"""Small hand-written models: mul2, mlp, lstm forecaster, attention block."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.export import Dim

from pipeline import CaseSpec, MethodSpec

ALL_VARIANTS = [
    "portable", "xnnpack", "xnnpack-qd8", "xnnpack-4bit", "pt2e-int8", "ptd", "xnnpack-ptd",
    "xnnpack-int8",
]


class Mul2(nn.Module):
    def forward(self, x):
        return x * 2


def build_mul2():
    tests = [(torch.randn(2, 3),), (torch.randn(2, 3) * 100,), (torch.arange(6.0).reshape(2, 3),)]
    return {"forward": MethodSpec(Mul2().eval(), tests[0], tests)}


class MLP(nn.Module):
    """20 -> 64 -> 32 -> 4 classifier (logits)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 4)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def build_mlp():
    model = MLP().eval()
    tests = [(torch.randn(8, 20),) for _ in range(3)]
    calib = [(torch.randn(8, 20),) for _ in range(8)]
    return {"forward": MethodSpec(model, tests[0], tests, calibration_inputs=calib)}


class LSTMForecaster(nn.Module):
    """Two-layer LSTM over [batch, seq, features]; predicts the next step's features."""

    def __init__(self, features=6, hidden=32, horizon=1):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, features * horizon)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def build_lstm():
    model = LSTMForecaster().eval()
    seq, feat = 12, 6

    def series(batch):
        # seeded noisy sinusoids, a realistic forecasting input
        t = torch.arange(seq, dtype=torch.float32).view(1, seq, 1)
        phase = torch.rand(batch, 1, feat) * 6.28
        freq = 0.2 + torch.rand(batch, 1, feat) * 0.5
        return torch.sin(t * freq + phase) + 0.05 * torch.randn(batch, seq, feat)

    tests = [(series(1),), (series(7),), (series(32),), (series(128),)]
    batch = Dim("batch", min=1, max=128)
    return {
        "forward": MethodSpec(
            model, (series(4),), tests, dynamic_shapes=({0: batch},),
        )
    }


class SelfAttention(nn.Module):
    """Pre-norm multi-head self-attention block with a residual and an MLP."""

    def __init__(self, dim=64, heads=4):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.ff1 = nn.Linear(dim, 4 * dim)
        self.ff2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        h = self.norm1(x)
        q, k, v = self.qkv(h).split(c, dim=-1)
        q = q.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, c))
        return x + self.ff2(F.gelu(self.ff1(self.norm2(x))))


def build_attention():
    model = SelfAttention().eval()
    tests = [(torch.randn(2, 16, 64),) for _ in range(3)]
    calib = [(torch.randn(2, 16, 64),) for _ in range(4)]
    return {"forward": MethodSpec(model, tests[0], tests, calibration_inputs=calib)}


CASES = [
    CaseSpec("mul2", "x * 2 on float32[2,3]", build_mul2, ["portable", "xnnpack"]),
    CaseSpec("mlp", "20->64->32->4 ReLU classifier, batch 8", build_mlp, ALL_VARIANTS),
    CaseSpec(
        "lstm",
        "2-layer LSTM forecaster over [batch, 12, 6], dynamic batch 1..128",
        build_lstm,
        ["portable", "xnnpack", "ptd"],
    ),
    CaseSpec(
        "attention",
        "pre-norm causal multi-head self-attention block (F.scaled_dot_product_attention), [2,16,64]",
        build_attention,
        ["portable", "xnnpack", "xnnpack-qd8", "xnnpack-4bit", "pt2e-int8"],
    ),
]
