"""Side-by-side latency of et4j, ExecuTorch's Python runtime and PyTorch eager on the same .pte.

    benchmarks/compare/run.sh [--models mlp resnet18] [--threads 1 2] [--rounds 3] [--quick] ...

What it does (see benchmarks/README.md, "Side by side with ExecuTorch"):

1. Exports each model `portable` and `xnnpack` with the conformance generator's own recipe
   (pipeline.export_variant on the generator's CaseSpec, first test input), once, into
   benchmarks/compare/models/<hash of the generator sources>/ (git-ignored). Both runtimes
   load those identical bytes.
2. For each model and thread count, starts one worker per runtime and variant -- ExecuTorch
   (executorch.runtime, thread pool set with _unsafe_reset_threadpool), et4j (the
   ModelLatency harness in a JVM of its own) and eager PyTorch (torch.set_num_threads) --
   warms each up, then runs rounds: in every round each worker, in a rotating order, times K
   executions and reports their median. A table cell is the median of the round medians.
3. Measures SGEMM: numpy's OpenBLAS on one thread against et4j's JMH GemmBenchmark.
4. Prints the table and writes benchmarks/RESULTS.md.

Workers are separate processes so that one runtime's threads (OpenMP spinning after an eager
call, XNNPACK's pool) cannot run during another runtime's timed loop, and so that a runtime
that crashes costs one cell, not the run.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GENERATOR = os.path.join(REPO, "conformance", "python")
MODELS_ROOT = os.path.join(HERE, "models")
JAR = os.path.join(REPO, "benchmarks", "target", "benchmarks.jar")
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"

ALL_MODELS = ["mlp", "lstm", "attention", "mobilenet_v2", "resnet18", "mobilenet_v3_small", "minilm"]
ALL_VARIANTS = ["portable", "xnnpack"]
RUNTIMES = ["executorch", "et4j", "eager"]
JVM_FLAGS = ["--add-modules", "jdk.incubator.vector"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------
# Export, cached by the generator's sources
# ------------------------------------------------------------------------------------------


def generator_hash():
    """A key over every file that decides the exported bytes: the generator and the exporter."""
    files = [os.path.join(GENERATOR, "pipeline.py"), os.path.join(GENERATOR, "generate.py")]
    files += sorted(glob.glob(os.path.join(GENERATOR, "models", "*.py")))
    files.append(os.path.join(HERE, "export_models.py"))
    h = hashlib.sha256()
    for p in files:
        h.update(os.path.relpath(p, REPO).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def ensure_exported(models, variants):
    """Exports what the cache lacks; returns (dir, {(model, variant): export info})."""
    out_dir = os.path.join(MODELS_ROOT, generator_hash())
    missing = [m for m in models
               if any(not os.path.exists(os.path.join(out_dir, f"{m}.{v}.json")) for v in variants)]
    if missing:
        log(f"exporting {missing} into {os.path.relpath(out_dir, REPO)} (once per generator version)")
        subprocess.run(
            [sys.executable, os.path.join(HERE, "export_models.py"), out_dir, *missing,
             "--variants", *variants],
            check=True,
        )
    infos = {}
    for m in models:
        for v in variants:
            with open(os.path.join(out_dir, f"{m}.{v}.json")) as f:
                infos[(m, v)] = json.load(f)
    return out_dir, infos


# ------------------------------------------------------------------------------------------
# Workers: one process per runtime, one JSON line per answer
# ------------------------------------------------------------------------------------------


class Worker:
    """A child process that loads one program and answers `run ...` lines with JSON lines."""

    def __init__(self, runtime, variant, argv, log_path):
        self.runtime = runtime
        self.variant = variant
        self.error = None
        self.ready = {}
        # stderr goes to a file, not a pipe: a pipe nobody reads during the timed rounds would
        # fill up and stall a chatty runtime in the middle of a measurement.
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1,
        )
        answer = self._read()
        if "error" in answer:
            self.error = answer["error"]
        else:
            self.ready = answer

    def _read(self):
        # Anything that is not one of our JSON lines (a library printing to stdout) is skipped.
        while True:
            line = self.proc.stdout.readline()
            if not line:
                status = self.proc.wait()
                self.log.flush()
                with open(self.log_path, errors="replace") as f:
                    tail = " / ".join(x.strip() for x in f.read().strip().splitlines()[-2:])
                return {"error": f"{self.runtime} worker exited with status {status}: {tail[-300:]}"}
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue

    def command(self, line):
        """Sends one command line, returns the JSON answer (or an error if the process died)."""
        if self.proc.poll() is not None:
            return {"error": self.error or f"{self.runtime} worker is not running"}
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        return self._read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def log_file(model_dir, runtime, model, variant, threads):
    d = os.path.join(model_dir, "logs")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, f"{model}.{variant or 'eager'}.{runtime}.t{threads}.log")


def python_worker(model, variants, model_dir):
    argv = [sys.executable, os.path.abspath(__file__), "_worker", model, ",".join(variants), model_dir]
    return Worker("python", None, argv, log_file(model_dir, "python", model, None, "all"))


def java_worker(java, variant, model, threads, model_dir, inputs, native_venv=None):
    # native_venv: run the XNNPACK delegates through the native bridge (et4j's FFM calls into the
    # ExecuTorch wheel's libexecutorch_backend_xnnpack.so in that environment) instead of Java.
    native = [] if native_venv is None else [
        "--enable-native-access=ALL-UNNAMED", "-Det4j.xnnpack=native", f"-Det4j.xnnpack.native.venv={native_venv}"]
    argv = [java, *JVM_FLAGS, *native, f"-Det4j.threads={threads}", "-cp", JAR,
            "org.et4j.benchmarks.ModelLatency", os.path.join(model_dir, f"{model}.{variant}.pte"),
            *sum((["--input", os.path.join(model_dir, i)] for i in inputs), []), "--serve"]
    runtime = "et4j" if native_venv is None else "et4j-native"
    return Worker(runtime, variant, argv, log_file(model_dir, runtime, model, variant, threads))


def worker_main(model, variants, model_dir):
    """The Python side: ExecuTorch (one method per variant) and eager in one process, driven
    through stdin. One process per model, because importing torch and executorch on a loaded
    2-core machine takes longer than measuring a small model. While the JVM is measured this
    process is blocked on stdin; XNNPACK's and OpenMP's worker threads sleep after a short spin."""
    import gc
    import warnings

    warnings.filterwarnings("ignore")
    # The libraries' own chatter goes to stderr; stdout carries only our JSON lines.
    real_stdout = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)

    def emit(obj):
        real_stdout.write(json.dumps(obj) + "\n")
        real_stdout.flush()

    try:
        import numpy as np
        import torch
        from executorch.extension.pybindings import portable_lib
        from executorch.runtime import Runtime

        sys.path.insert(0, HERE)
        sys.path.insert(0, GENERATOR)
        import export_models
        import pipeline

        runtime = Runtime.get()
    except Exception as e:  # noqa: BLE001
        emit({"error": f"{type(e).__name__}: {str(e).strip()[:400]}"})
        return 2

    slots, ready = {}, {}

    def load(name, make):
        try:
            t0 = time.perf_counter_ns()
            once = make()
            t1 = time.perf_counter_ns()
            once()
            t2 = time.perf_counter_ns()
            slots[name] = once
            ready[name] = {"model_load_ms": (t1 - t0) / 1e6, "first_inference_ms": (t2 - t1) / 1e6}
        except Exception as e:  # noqa: BLE001 -- one failing runtime costs one cell
            ready[name] = {"error": f"{type(e).__name__}: {str(e).strip()[:400]}"}

    def executorch_slot(variant, inputs):
        def make():
            program = runtime.load_program(os.path.join(model_dir, f"{model}.{variant}.pte"))
            method = program.load_method("forward")
            return lambda: method.execute(inputs)
        return make

    def eager_make(inputs):
        case = export_models.cases_by_name()[model]
        # The generator's seed and build: the weights the programs were exported from.
        pipeline.seed_everything(pipeline.stable_seed(model))
        module = case.build()["forward"].module.eval()

        def once():
            with torch.inference_mode():
                module(*inputs)
        return once

    inputs = None
    loaded = []
    for variant in variants:
        meta = json.load(open(os.path.join(model_dir, f"{model}.{variant}.json")))
        if meta["error"]:
            continue
        inputs = [torch.from_numpy(np.load(os.path.join(model_dir, n))) for n in meta["inputs"]]
        loaded.append(variant)
    if inputs is not None:
        load("eager", lambda: eager_make(inputs))

    def load_executorch():
        for variant in loaded:
            load(f"executorch.{variant}", executorch_slot(variant, inputs))

    load_executorch()
    emit({"ready": True, "slots": ready})

    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        try:
            if words[0] == "threads":
                n = int(words[1])
                # ExecuTorch's pool (XNNPACK, optimized kernels) ignores torch's setting. The
                # reset destroys the old pool, and an XNNPACK runtime keeps the pool it was
                # created with: methods loaded before the reset point at freed memory (minilm
                # crashed with SIGSEGV that way). So: drop the methods, reset, load them again.
                for name in [k for k in slots if k.startswith("executorch.")]:
                    del slots[name]
                gc.collect()
                if portable_lib._threadpool_get_thread_count() != n:
                    portable_lib._unsafe_reset_threadpool(n)
                torch.set_num_threads(n)
                load_executorch()
                emit({"executorch_threadpool": portable_lib._threadpool_get_thread_count(),
                      "torch_threads": torch.get_num_threads(),
                      "slots": {k: v for k, v in ready.items() if k.startswith("executorch.")}})
                continue
            once = slots[words[1]]
            warmup_s, warmup_n, cap_s, iterations, budget_s = (
                float(words[2]), int(words[3]), float(words[4]), int(words[5]), float(words[6]))
            start = time.perf_counter()
            warm = 0
            while True:
                elapsed = time.perf_counter() - start
                if (elapsed >= warmup_s and warm >= warmup_n) or (elapsed >= cap_s and warm > 0):
                    break
                once()
                warm += 1
            times = []
            timed_start = time.perf_counter()
            while len(times) < max(1, iterations) and (not times or time.perf_counter() - timed_start < budget_s):
                t = time.perf_counter_ns()
                once()
                times.append((time.perf_counter_ns() - t) / 1e6)
            times.sort()
            emit({"warmup_iterations": warm, "iterations": len(times),
                  "median_ms": statistics.median(times), "min_ms": times[0], "max_ms": times[-1]})
        except Exception as e:  # noqa: BLE001
            emit({"error": f"{type(e).__name__}: {str(e).strip()[:400]}"})
    return 0


# ------------------------------------------------------------------------------------------
# One model at each thread count
# ------------------------------------------------------------------------------------------


class Slot:
    """One runtime x variant inside a worker: what a round measures."""

    def __init__(self, worker, runtime, variant, slot=None, ready=None, error=None):
        self.worker, self.runtime, self.variant, self.slot = worker, runtime, variant, slot
        self.ready = ready or {}
        self.error = error
        self.rounds = []

    @property
    def label(self):
        return self.runtime + ("." + self.variant if self.variant else "")

    def run(self, warmup_s, warmup_n, cap_s, iterations, budget_s):
        if self.error:
            return {"error": self.error}
        prefix = f"{self.slot} " if self.slot else ""
        ans = self.worker.command(f"run {prefix}{warmup_s} {warmup_n} {cap_s} {iterations} {budget_s}")
        if "error" in ans and self.worker.proc.poll() is not None:
            self.error = ans["error"]
        return ans


def measure_model(args, model, model_dir, infos):
    """Every runtime x variant of one model, per thread count, in alternating rounds.
    Returns {threads: {(runtime, variant): cell}}."""
    variants = [v for v in args.variants if not infos[(model, v)]["error"]]
    out = {}
    if not variants:
        return out
    py = python_worker(model, variants, model_dir)
    py_slots = []
    for variant in variants + [None]:
        name = f"executorch.{variant}" if variant else "eager"
        r = py.ready.get("slots", {}).get(name, {"error": py.error or "not loaded"})
        py_slots.append(Slot(py, "executorch" if variant else "eager", variant, name,
                             ready=r, error=r.get("error")))
    for threads in args.threads:
        log(f"{model}, {threads} thread(s):")
        got = py.command(f"threads {threads}") if not py.error else {"error": py.error}
        slots = []
        for s in py_slots:
            s.rounds = []
            s.threads_used = {k: v for k, v in got.items() if k != "slots"}
            if s.slot in got.get("slots", {}):
                # The ExecuTorch methods were loaded again on the resized pool.
                s.ready = got["slots"][s.slot]
                s.error = s.ready.get("error")
            slots.append(s)
        jvms = []
        for variant in variants:
            w = java_worker(args.java, variant, model, threads, model_dir, infos[(model, variant)]["inputs"])
            jvms.append(w)
            js = Slot(w, "et4j", variant, ready=w.ready, error=w.error)
            js.threads_used = {"et4j.threads": threads, "threads_used": w.ready.get("threads_used")}
            slots.insert(slots.index(py_slots[variants.index(variant)]) + 1, js)
            if args.native_xnnpack and variant.startswith("xnnpack"):
                nw = java_worker(args.java, variant, model, threads, model_dir, infos[(model, variant)]["inputs"],
                                 native_venv=sys.prefix)
                jvms.append(nw)
                ns = Slot(nw, "et4j-native", variant, ready=nw.ready, error=nw.error)
                ns.threads_used = {"et4j.threads": threads, "threads_used": nw.ready.get("threads_used")}
                slots.insert(slots.index(js) + 1, ns)
        for s in slots:
            log(f"  {s.label}: " + (f"ERROR {s.error}" if s.error else
                f"load {s.ready.get('model_load_ms', 0):.1f} ms, first inference {s.ready.get('first_inference_ms', 0):.1f} ms"))
        for r in range(args.rounds):
            # Rotate who goes first, so no runtime always runs right after the same neighbour.
            order = slots[r % len(slots):] + slots[:r % len(slots)]
            for s in order:
                if not s.rounds:
                    ws, wn, cap = args.warmup_seconds, args.warmup_iterations, args.warmup_cap
                elif s.rounds[-1]["median_ms"] > 1000 * args.rewarm_seconds:
                    # One execution outlasts the re-warm: the timed ones warm each other.
                    ws, wn, cap = 0, 0, 0
                else:
                    ws, wn, cap = args.rewarm_seconds, 1, args.rewarm_seconds
                ans = s.run(ws, wn, cap, args.iterations, args.budget)
                if "error" not in ans:
                    s.rounds.append(ans)
                elif not s.error:
                    s.error = ans["error"]
                log(f"  round {r + 1} {s.label}: " + (f"ERROR {ans['error']}" if "error" in ans else
                    f"median {ans['median_ms']:.3f} ms over {ans['iterations']} (warm-up {ans['warmup_iterations']})"))
        for w in jvms:
            w.close()
        cells = {}
        for s in slots:
            meds = [a["median_ms"] for a in s.rounds]
            cells[(s.runtime, s.variant)] = {
                "error": s.error if not meds else None,
                "median_ms": statistics.median(meds) if meds else None,
                "round_medians": meds,
                "iterations": [a["iterations"] for a in s.rounds],
                "load_ms": s.ready.get("model_load_ms"),
                "first_ms": s.ready.get("first_inference_ms"),
                "threads_used": s.threads_used,
            }
        out[threads] = cells
    py.close()
    return out


# ------------------------------------------------------------------------------------------
# SGEMM: OpenBLAS (numpy) against et4j's JMH GemmBenchmark
# ------------------------------------------------------------------------------------------


SKINNY_M = [1, 8, 32]
SKINNY_N = 1024


def sgemm_numpy_main(sizes, seconds):
    """Child process: GFLOPS of numpy.matmul on float32 squares, one BLAS thread."""
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    out = {"env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}}
    with threadpool_limits(limits=1, user_api="blas"):
        out["threadpool"] = [
            {k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for i in threadpool_info() if i.get("user_api") == "blas"
        ]
        rng = np.random.default_rng(0)
        for n in sizes:
            a = rng.standard_normal((n, n), dtype=np.float32)
            b = rng.standard_normal((n, n), dtype=np.float32)
            c = np.empty((n, n), dtype=np.float32)
            windows = []
            for rep in range(-2, 7):  # two warm-up windows, seven measured
                calls = 0
                t0 = time.perf_counter()
                while time.perf_counter() - t0 < seconds:
                    np.matmul(a, b, out=c)
                    calls += 1
                gf = 2.0 * n ** 3 * calls / (time.perf_counter() - t0) / 1e9
                if rep >= 0:
                    windows.append(gf)
            out[str(n)] = {"median": statistics.median(windows), "min": min(windows), "max": max(windows)}
        # The skinny shapes of a linear layer: M rows of activations times a transposed
        # SKINNY_N x SKINNY_N weight, as torch.nn.Linear computes it.
        n = SKINNY_N
        w = rng.standard_normal((n, n), dtype=np.float32)
        for m in SKINNY_M:
            a = rng.standard_normal((m, n), dtype=np.float32)
            c = np.empty((m, n), dtype=np.float32)
            windows = []
            for rep in range(-2, 7):
                calls = 0
                t0 = time.perf_counter()
                while time.perf_counter() - t0 < seconds:
                    np.matmul(a, w.T, out=c)
                    calls += 1
                gf = 2.0 * m * n * n * calls / (time.perf_counter() - t0) / 1e9
                if rep >= 0:
                    windows.append(gf)
            out[f"m{m}"] = {"median": statistics.median(windows), "min": min(windows), "max": max(windows)}
    print(json.dumps(out))
    return 0


def sgemm_numpy(sizes, seconds, clean_env):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"
    if clean_env:
        # The environment pins OpenBLAS to another core type and L2 size; for the reference
        # measurement OpenBLAS detects this CPU itself. Only this child sees the change.
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "_sgemm", str(seconds), *map(str, sizes)],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return {"error": p.stderr.strip()[-400:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def sgemm_jmh(java, sizes):
    with tempfile.TemporaryDirectory() as tmp:
        rff = os.path.join(tmp, "gemm.json")
        # Anchored: a bare 'GemmBenchmark.vector$' also matches PackedGemmBenchmark.vector.
        # One compute thread, as numpy's OpenBLAS is limited to: et4j's pool would otherwise take
        # every processor. JMH's forks inherit the host JVM's -D flags.
        cmd = [java, "-Det4j.threads=1", "-jar", JAR, r"^org\.et4j\.benchmarks\.GemmBenchmark\.vector$", "-p", "size=" + ",".join(map(str, sizes)),
               "-f", "1", "-wi", "3", "-i", "5", "-rf", "json", "-rff", rff]
        # The linear layers' path (weights packed once at load, as the runtime does), at the skinny
        # shapes; a second JMH run, since its parameters differ.
        skinny_rff = os.path.join(tmp, "skinny.json")
        skinny_cmd = [java, "-Det4j.threads=1", "-jar", JAR, r"^org\.et4j\.benchmarks\.PackedGemmBenchmark\.packed$",
                      "-p", "m=" + ",".join(map(str, SKINNY_M)), "-p", f"size={SKINNY_N}",
                      "-f", "1", "-wi", "3", "-i", "5", "-rf", "json", "-rff", skinny_rff]
        # JMH takes a machine-wide lock (/tmp/jmh.lock): another engineer's benchmark may hold
        # it. Wait for it a while; then run anyway and say so, rather than lose the measurement.
        for attempt in range(4):
            p = subprocess.run(cmd, capture_output=True, text=True)
            if "Unable to acquire the JMH lock" not in (p.stdout + p.stderr):
                break
            if attempt == 2:
                cmd = cmd[:1] + ["-Djmh.ignoreLock=true"] + cmd[1:]
            else:
                time.sleep(30)
        if p.returncode != 0 or not os.path.exists(rff):
            return {"error": (p.stderr or p.stdout).strip()[-400:], "command": cmd}
        out = {"command": cmd}
        for r in json.load(open(rff)):
            g = r.get("secondaryMetrics", {}).get("gflops")
            if not g or not r["benchmark"].endswith(".GemmBenchmark.vector"):
                continue
            raw = [x for fork in g["rawData"] for x in fork]
            out[r["params"]["size"]] = {"median": statistics.median(raw), "min": min(raw), "max": max(raw)}
        p = subprocess.run(skinny_cmd[:1] + (["-Djmh.ignoreLock=true"] if "-Djmh.ignoreLock=true" in cmd else [])
                           + skinny_cmd[1:], capture_output=True, text=True)
        out["skinny_command"] = skinny_cmd
        if p.returncode == 0 and os.path.exists(skinny_rff):
            for r in json.load(open(skinny_rff)):
                g = r.get("secondaryMetrics", {}).get("gflops")
                if g and r["benchmark"].endswith(".PackedGemmBenchmark.packed"):
                    raw = [x for fork in g["rawData"] for x in fork]
                    out["m" + r["params"]["m"]] = {"median": statistics.median(raw), "min": min(raw), "max": max(raw)}
        else:
            out["skinny_error"] = (p.stderr or p.stdout).strip()[-400:]
        return out


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------


def fmt_ms(cell):
    if cell is None:
        return "-"
    if cell["error"]:
        return "error: " + cell["error"].replace("|", "/")[:160]
    return f"{cell['median_ms']:.3f}" if cell["median_ms"] < 10 else f"{cell['median_ms']:.1f}"


def spread(cell):
    if not cell or cell["error"] or not cell["round_medians"]:
        return "-"
    m = cell["round_medians"]
    return f"{min(m):.3g}-{max(m):.3g} ({len(m)}x, n={'/'.join(map(str, cell['iterations']))})"


def ratio(a, b):
    if not a or not b or a["error"] or b["error"]:
        return "-"
    return f"{a['median_ms'] / b['median_ms']:.2f}"


# (model, variant, threads) -> the native-bridge cell, when --native-xnnpack measured one.
NATIVE = {}


def table_rows(results, models, variants, threads_list, infos):
    rows = []
    for model in models:
        for variant in variants:
            for threads in threads_list:
                res = results.get((model, threads), {})
                exp_err = infos[(model, variant)]["error"]
                et = res.get(("executorch", variant)) if not exp_err else {"error": exp_err}
                j = res.get(("et4j", variant)) if not exp_err else {"error": exp_err}
                eager = res.get(("eager", None))
                if ("et4j-native", variant) in res:
                    NATIVE[(model, variant, threads)] = res[("et4j-native", variant)]
                rows.append((model, variant, threads, et, j, eager))
    return rows


def print_table(rows):
    head = ("model", "variant", "threads", "ExecuTorch ms", "et4j ms", "eager ms", "et4j/ExecuTorch")
    body = [(m, v, str(t), fmt_ms(et), fmt_ms(j), fmt_ms(e), ratio(j, et)) for m, v, t, et, j, e in rows]
    if NATIVE:
        head += ("et4j native-bridge ms", "native/ExecuTorch", "et4j Java/native")
        body = [r + ((fmt_ms(NATIVE[(m, v, t)]), ratio(NATIVE[(m, v, t)], et), ratio(j, NATIVE[(m, v, t)]))
                     if (m, v, t) in NATIVE else ("-", "-", "-"))
                for r, (m, v, t, et, j, e) in zip(body, rows)]
    widths = [max(len(r[i][:60]) for r in [head] + body) for i in range(len(head))]
    for r in [head] + body:
        print("  ".join(c[:60].ljust(w) for c, w in zip(r, widths)))


def machine_facts(java):
    facts = {}
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in lscpu.splitlines():
        k, _, v = line.partition(":")
        facts.setdefault(k.strip(), v.strip())
    flags = facts.get("Flags", "").split()
    jv = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    return {
        "cpu": facts.get("Model name", platform.processor()),
        "cpus": facts.get("CPU(s)"),
        "avx512": "yes (" + " ".join(f for f in flags if f.startswith("avx512")) + ")"
        if "avx512f" in flags else "no",
        "avx2": "avx2" in flags,
        "jdk": " / ".join(jv),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def versions():
    code = ("import json, torch, numpy, executorch.version as v; "
            "print(json.dumps({'torch': torch.__version__, 'executorch': v.__version__, "
            "'numpy': numpy.__version__}))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": p.stderr.strip()[-200:]}


def git_head():
    p = subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return p.stdout.strip()[:100] + (" (with uncommitted changes)" if dirty else "")


# The speed issue's targets, each judged from this run's own numbers.
TARGET_MODELS = ["mobilenet_v2", "resnet18", "minilm", "lstm", "attention"]
SMALL_MODELS = ["mlp", "lstm", "attention"]
SPEEDUP_MODELS = ["mobilenet_v2", "resnet18"]


def _ms(cell):
    return None if not cell or cell.get("error") else cell["median_ms"]


def target_lines(rows, sgemm, args):
    """Rows of (target, measured, verdict) for the issue's targets that this run measures."""
    by = {(m, v, t): (et, j) for m, v, t, et, j, e in rows}
    out = []

    def verdict(ok):
        return "met" if ok else "**missed**"

    if sgemm and sgemm.get("jmh"):
        for n in args.sgemm_sizes:
            j = sgemm["jmh"].get(str(n))
            refs = [x["median"] for x in (sgemm["before"].get(str(n)), sgemm["after"].get(str(n))) if x]
            if j and refs:
                r = j["median"] / statistics.median(refs)
                out.append((f"sgemm n={n}, one thread, >= 0.85 of OpenBLAS", f"{r:.2f}", verdict(r >= 0.85)))
        for m in SKINNY_M:
            j = sgemm["jmh"].get(f"m{m}")
            refs = [x["median"] for x in (sgemm["before"].get(f"m{m}"), sgemm["after"].get(f"m{m}")) if x]
            if j and refs:
                r = j["median"] / statistics.median(refs)
                out.append((f"linear M={m} x {SKINNY_N}x{SKINNY_N} (transposed weights), one thread, >= 0.7 of OpenBLAS",
                            f"{r:.2f}", verdict(r >= 0.7)))
    for t in args.threads:
        for m in TARGET_MODELS:
            et, j = by.get((m, "xnnpack", t), (None, None))
            if _ms(et) and _ms(j):
                r = _ms(j) / _ms(et)
                out.append((f"{m} xnnpack file, {t} thread(s): et4j <= 1.0x ExecuTorch+XNNPACK", f"{r:.2f}",
                            verdict(r <= 1.0)))
            _, jp = by.get((m, "portable", t), (None, None))
            if _ms(et) and _ms(jp):
                r = _ms(jp) / _ms(et)
                out.append((f"{m} portable file, {t} thread(s): et4j <= 1.5x ExecuTorch+XNNPACK", f"{r:.2f}",
                            verdict(r <= 1.5)))
    if 1 in args.threads and 2 in args.threads:
        for m in SPEEDUP_MODELS:
            for v in ("xnnpack", "portable"):
                _, j1 = by.get((m, v, 1), (None, None))
                _, j2 = by.get((m, v, 2), (None, None))
                et1, _ = by.get((m, v, 1), (None, None))
                et2, _ = by.get((m, v, 2), (None, None))
                if _ms(j1) and _ms(j2):
                    s = _ms(j1) / _ms(j2)
                    peer = (f" (ExecuTorch {_ms(et1) / _ms(et2):.2f}x)" if v == "xnnpack" and _ms(et1) and _ms(et2)
                            else "")
                    out.append((f"{m} {v} file: et4j 2-thread speed-up >= 1.7x", f"{s:.2f}x{peer}",
                                verdict(s >= 1.7)))
    for t in args.threads:
        for m in SMALL_MODELS:
            for v in ("portable", "xnnpack"):
                et, j = by.get((m, v, t), (None, None))
                if _ms(et) and _ms(j):
                    out.append((f"{m} {v} file, {t} thread(s): per call from Java <= Python runtime per call",
                                f"{_ms(j):.3f} vs {_ms(et):.3f} ms", verdict(_ms(j) <= _ms(et))))
    for t in args.threads[:1]:
        et, j = by.get(("mobilenet_v2", "xnnpack", t), (None, None))
        if et and j and not et.get("error") and not j.get("error") and et.get("load_ms") is not None \
                and j.get("load_ms") is not None:
            a = et["load_ms"] + et["first_ms"]
            b = j["load_ms"] + j["first_ms"]
            out.append(("mobilenet_v2 xnnpack, load + first execute (in an already started JVM): <= 3x ExecuTorch",
                        f"{b:.0f} vs {a:.0f} ms = {b / a:.1f}x", verdict(b <= 3 * a)))
    return out


def write_results(path, args, argv, rows, results, facts, vers, loads, sgemm, infos, started, elapsed):
    L = []
    L.append("# et4j against ExecuTorch and PyTorch eager, same .pte files")
    L.append("")
    L.append(f"Generated by `benchmarks/compare/run.sh {' '.join(argv)}` on {started} "
             f"({elapsed / 60:.1f} min). Every number below comes from that run; rerun the command to refresh.")
    L.append("")
    L.append("## Machine and software")
    L.append("")
    L.append(f"- CPU: {facts['cpu']}, {facts['cpus']} CPUs; AVX-512: {facts['avx512']}")
    L.append(f"- Load average (1/5/15 min) before, between groups, after: "
             + "; ".join(f"{label} {a:.2f}/{b:.2f}/{c:.2f}" for label, (a, b, c) in loads)
             + ". The machine is shared by other engineers' builds, so absolute times move with the load; "
             "the runtimes of one model alternate round by round so that each ratio compares like with like.")
    L.append(f"- JDK: {facts['jdk']}; JVM flags `{' '.join(JVM_FLAGS)} -Det4j.threads=N` "
             "(VECTOR_ACCESS_OOB_CHECK at its default)")
    L.append(f"- Python {facts['python']}, torch {vers.get('torch')}, executorch {vers.get('executorch')}, "
             f"numpy {vers.get('numpy')}; {facts['os']}")
    L.append(f"- et4j: {git_head()}")
    L.append("")
    L.append("## Method")
    L.append("")
    L.append(f"- Programs: exported once per generator version with `pipeline.export_variant` "
             f"(`portable`: `to_edge` + `to_executorch`; `xnnpack`: `to_edge_transform_and_lower` + "
             f"`XnnpackPartitioner`), inputs = the generator's first test input of `forward`. "
             f"ExecuTorch and et4j load the identical bytes from `benchmarks/compare/models/` (git-ignored).")
    L.append(f"- Thread counts: {', '.join(map(str, args.threads))}. ExecuTorch: "
             "`executorch.extension.pybindings.portable_lib._unsafe_reset_threadpool(N)` sets the "
             "thread pool XNNPACK runs on (checked with `_threadpool_get_thread_count()`; "
             "`torch.set_num_threads` does not reach it); the portable kernels run on the calling thread "
             "whatever N is. Eager: `torch.set_num_threads(N)`. et4j: `-Det4j.threads=N` sizes its "
             "compute pool (GEMM, convolutions, depthwise, pooling and quantized GEMM split their "
             "outputs over it; elementwise and other ops stay on the calling thread).")
    L.append(f"- Per model, one Python process holds the ExecuTorch method of each variant and the eager module; "
             f"per model and thread count, one JVM per variant runs `ModelLatency --serve`. "
             f"Then {args.rounds} rounds, each runtime in turn (the order rotates every round). "
             f"First round: warm-up until {args.warmup_seconds} s and {args.warmup_iterations} executions "
             f"(at most {args.warmup_cap} s), later rounds re-warm for {args.rewarm_seconds} s; then up to "
             f"{args.iterations} timed executions or {args.budget} s, at least one. A cell is the median "
             f"over rounds of each round's median.")
    L.append("- Timed call: ExecuTorch `Method.execute(inputs)`; et4j `Method.setInputs(...)` + "
             "`execute()` (the same work: copy the inputs in, run); eager `module(*inputs)` under "
             "`torch.inference_mode()`. Eager does not depend on the variant: one measurement, shown on both rows.")
    L.append("")
    targets = target_lines(rows, sgemm, args)
    if targets:
        L.append("## Targets of the speed issue, judged from this run")
        L.append("")
        L.append("Ratios are et4j over its peer in this run; a missed target's gap, its profile and what would "
                 "close it are in `benchmarks/GAPS.md`.")
        L.append("")
        L.append("| target | measured | verdict |")
        L.append("|---|---|---|")
        for name, measured, v in targets:
            L.append(f"| {name} | {measured} | {v} |")
        L.append("")
    L.append("## Latency")
    L.append("")
    native_head = " et4j native-bridge ms | native/ExecuTorch | et4j Java/native |" if NATIVE else ""
    L.append("| model | variant | threads | ExecuTorch ms | et4j ms | eager ms | et4j/ExecuTorch |" + native_head)
    L.append("|---|---|---|---|---|---|---|" + ("---|---|---|" if NATIVE else ""))
    for m, v, t, et, j, e in rows:
        n = NATIVE.get((m, v, t))
        extra = "" if not NATIVE else (f" {fmt_ms(n)} | {ratio(n, et)} | {ratio(j, n)} |" if n else " - | - | - |")
        L.append(f"| {m} | {v} | {t} | {fmt_ms(et)} | {fmt_ms(j)} | {fmt_ms(e)} | {ratio(j, et)} |" + extra)
    L.append("")
    L.append("Round medians (min-max over rounds, executions per round) and load / first-inference times:")
    L.append("")
    L.append("| model | variant | threads | runtime | round medians ms | load ms | first inference ms | threads read back |")
    L.append("|---|---|---|---|---|---|---|---|")
    for m, v, t, et, j, e in rows:
        for name, cell in (("ExecuTorch", et), ("et4j", j), ("eager", e)):
            if cell is None or (cell.get("error") and name == "eager"):
                continue
            load = f"{cell['load_ms']:.1f}" if cell.get("load_ms") is not None else "-"
            first = f"{cell['first_ms']:.1f}" if cell.get("first_ms") is not None else "-"
            used = cell.get("threads_used") or {}
            used = ", ".join(f"{k} {x}" for k, x in used.items() if k != "error") or "-"
            L.append(f"| {m} | {v} | {t} | {name} | {spread(cell)} | {load} | {first} | {used} |")
    L.append("")
    L.append("Delegation of the exported programs:")
    L.append("")
    L.append("| model | variant | .pte bytes | delegates | operators outside the delegate |")
    L.append("|---|---|---|---|---|")
    for (m, v), info in infos.items():
        if info["error"]:
            L.append(f"| {m} | {v} | - | - | {info['error'][:200]} |")
        else:
            ops = ", ".join(info["operators"]) if len(info["operators"]) <= 12 else \
                f"{len(info['operators'])} operators"
            L.append(f"| {m} | {v} | {info['bytes']} | {', '.join(info['delegates']) or '-'} | {ops} |")
    L.append("")
    if sgemm:
        L.append("## SGEMM, one thread, GFLOPS")
        L.append("")
        L.append("numpy `matmul` on float32 squares (median of 7 windows of "
                 f"{args.sgemm_window} s after 2 warm-up windows), `OPENBLAS_NUM_THREADS=1` and "
                 "`threadpoolctl.threadpool_limits(1)`, measured before and after et4j's "
                 "`GemmBenchmark.vector` (JMH, 1 fork, 3 warm-up + 5 measured iterations of 1 s, "
                 "median of the 5). \"Reference\": `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset for "
                 "that child process only, so OpenBLAS picks its kernel for this CPU.")
        L.append("")
        env_note = sgemm.get("env_coretype")
        L.append("| n | OpenBLAS reference, before | et4j JMH | OpenBLAS reference, after | et4j / OpenBLAS"
                 + (f" | OpenBLAS with the environment's `OPENBLAS_CORETYPE={env_note}`" if env_note else "") + " |")
        L.append("|---|---|---|---|---|" + ("---|" if env_note else ""))
        for n in args.sgemm_sizes:
            b = sgemm["before"].get(str(n))
            a = sgemm["after"].get(str(n))
            j = sgemm["jmh"].get(str(n))
            cells = [f"{x['median']:.1f} ({x['min']:.0f}-{x['max']:.0f})" if x else "-" for x in (b, j, a)]
            ref = statistics.median([x["median"] for x in (b, a) if x]) if (a or b) else None
            r = f"{j['median'] / ref:.2f}" if j and ref else "-"
            extra = ""
            if env_note:
                x = sgemm["env"].get(str(n))
                extra = f" | {x['median']:.1f}" if x else " | -"
            L.append(f"| {n} | {cells[0]} | {cells[1]} | {cells[2]} | {r}{extra} |")
        for m in SKINNY_M:
            b = sgemm["before"].get(f"m{m}")
            a = sgemm["after"].get(f"m{m}")
            j = sgemm["jmh"].get(f"m{m}")
            if not (b or a or j):
                continue
            cells = [f"{x['median']:.1f} ({x['min']:.0f}-{x['max']:.0f})" if x else "-" for x in (b, j, a)]
            ref = statistics.median([x["median"] for x in (b, a) if x]) if (a or b) else None
            r = f"{j['median'] / ref:.2f}" if j and ref else "-"
            L.append(f"| linear {m} x {SKINNY_N} x {SKINNY_N}, W^T (et4j: `PackedGemmBenchmark.packed`, packed once) "
                     f"| {cells[0]} | {cells[1]} | {cells[2]} | {r}{' | -' if env_note else ''} |")
        L.append("")
        for label in ("before", "env"):
            tp = sgemm.get(label, {}).get("threadpool")
            if tp:
                L.append(f"- threadpoolctl, {'reference' if label == 'before' else 'environment as set'}: "
                         + "; ".join(f"{t['internal_api']} {t['version']}, kernel `{t['architecture']}`, "
                                     f"{t['num_threads']} thread(s)" for t in tp)
                         + f" (env {sgemm[label]['env']})")
        for label in ("before", "after", "env", "jmh"):
            if sgemm.get(label, {}).get("error"):
                L.append(f"- {label}: error {sgemm[label]['error']}")
        if sgemm["jmh"].get("skinny_error"):
            L.append(f"- linear shapes, JMH: error {sgemm['jmh']['skinny_error']}")
        if sgemm["jmh"].get("command"):
            cmd = sgemm["jmh"]["command"]
            jar = cmd.index("-jar") + 1
            L.append(f"- JMH command: `java {' '.join(cmd[1:jar])} {os.path.relpath(cmd[jar], REPO)} "
                     f"'{cmd[jar + 1]}' {' '.join(cmd[jar + 2:-4])}`"
                     + (" (another JMH run held /tmp/jmh.lock for 90 s: ran beside it)"
                        if "-Djmh.ignoreLock=true" in cmd else ""))
        L.append("")
    # Sections measured by other harnesses (serving throughput, cold start) follow this marker and
    # are kept as they are: this command does not measure them.
    kept = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if KEPT_MARKER in old:
            kept = old[old.index(KEPT_MARKER):]
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n" + ("\n" + kept if kept else ""))


KEPT_MARKER = "<!-- Measured by other harnesses; benchmarks/compare/run.sh keeps everything below this line. -->"


# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(description="et4j vs ExecuTorch vs eager latency on the same .pte")
    ap.add_argument("--models", nargs="+", default=ALL_MODELS, choices=ALL_MODELS)
    ap.add_argument("--variants", nargs="+", default=ALL_VARIANTS, choices=ALL_VARIANTS)
    ap.add_argument("--threads", nargs="+", type=int, default=None, help="default 1 2 (--quick: 1)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=20, help="timed executions per round (at most)")
    ap.add_argument("--budget", type=float, default=3.0, help="seconds of timed executions per round (at most)")
    ap.add_argument("--warmup-seconds", type=float, default=3.0)
    ap.add_argument("--warmup-iterations", type=int, default=30)
    ap.add_argument("--warmup-cap", type=float, default=10.0, help="longest first warm-up, seconds")
    ap.add_argument("--rewarm-seconds", type=float, default=0.3)
    ap.add_argument("--sgemm-sizes", nargs="+", type=int, default=[256, 512, 1024])
    ap.add_argument("--sgemm-window", type=float, default=0.5)
    ap.add_argument("--no-sgemm", action="store_true")
    ap.add_argument("--native-xnnpack", action="store_true",
                    help="also run the xnnpack files through et4j's native XNNPACK bridge (FFM into this "
                         "virtualenv's ExecuTorch wheel): a third runtime column")
    ap.add_argument("--no-models", action="store_true", help="SGEMM only")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: small models, one thread, 3 short rounds")
    ap.add_argument("--java", default=os.environ.get("JAVA", DEFAULT_JAVA))
    ap.add_argument("--results", default=os.path.join(REPO, "benchmarks", "RESULTS.md"))
    ap.add_argument("--no-results", action="store_true", help="print the table only")
    args = ap.parse_args(argv)
    if args.quick:
        if args.models == ALL_MODELS:
            args.models = ["mlp", "lstm", "attention"]
        args.threads = args.threads or [1]
        args.iterations, args.budget = min(args.iterations, 10), min(args.budget, 2.0)
        args.warmup_seconds, args.warmup_cap = min(args.warmup_seconds, 1.0), min(args.warmup_cap, 5.0)
        args.sgemm_sizes = [256, 512] if args.sgemm_sizes == [256, 512, 1024] else args.sgemm_sizes
    args.threads = args.threads or [1, 2]
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    t_start = time.time()
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: ./mvnw -B -ntp -q -o -pl benchmarks -am package -DskipTests")
    loads = [("before", os.getloadavg())]
    facts = machine_facts(args.java)
    vers = versions()
    results, infos = {}, {}
    if not args.no_models:
        model_dir, infos = ensure_exported(args.models, args.variants)
        for model in args.models:
            for threads, cells in measure_model(args, model, model_dir, infos).items():
                results[(model, threads)] = cells
            loads.append((f"after {model}", os.getloadavg()))
    raw = os.path.join(MODELS_ROOT, "last-run.json")
    os.makedirs(MODELS_ROOT, exist_ok=True)

    def dump(sgemm):
        # Written before SGEMM too, so that a failure there cannot lose the model rounds.
        with open(raw, "w") as f:
            json.dump({"argv": argv, "results": {f"{m}|{t}": {f"{r}|{v}": c for (r, v), c in cells.items()}
                                                  for (m, t), cells in results.items()},
                       "sgemm": sgemm, "loads": loads, "facts": facts, "versions": vers}, f, indent=1)

    dump(None)
    sgemm = None
    if not args.no_sgemm:
        log("sgemm: numpy (reference), JMH, numpy again")
        sgemm = {"before": sgemm_numpy(args.sgemm_sizes, args.sgemm_window, True)}
        try:
            sgemm["jmh"] = sgemm_jmh(args.java, args.sgemm_sizes)
        except Exception as e:  # noqa: BLE001 -- reported in RESULTS.md, the model rounds are kept
            sgemm["jmh"] = {"error": f"{type(e).__name__}: {e}"}
        sgemm["after"] = sgemm_numpy(args.sgemm_sizes, args.sgemm_window, True)
        if os.environ.get("OPENBLAS_CORETYPE"):
            sgemm["env_coretype"] = os.environ["OPENBLAS_CORETYPE"]
            sgemm["env"] = sgemm_numpy(args.sgemm_sizes, args.sgemm_window, False)
        loads.append(("after sgemm", os.getloadavg()))
    rows = table_rows(results, args.models, args.variants, args.threads, infos) if not args.no_models else []
    print_table(rows)
    if sgemm:
        for n in args.sgemm_sizes:
            vals = {k: sgemm[k].get(str(n), {}).get("median") for k in ("before", "jmh", "after")}
            show = {k: f"{v:.1f}" if v else "-" for k, v in vals.items()}
            print(f"sgemm n={n}: OpenBLAS {show['before']} / {show['after']} GFLOPS, et4j JMH {show['jmh']} GFLOPS")
        for m in SKINNY_M:
            vals = {k: sgemm[k].get(f"m{m}", {}).get("median") for k in ("before", "jmh", "after")}
            show = {k: f"{v:.1f}" if v else "-" for k, v in vals.items()}
            print(f"linear m={m} n=k={SKINNY_N}: OpenBLAS {show['before']} / {show['after']} GFLOPS, "
                  f"et4j packed {show['jmh']} GFLOPS")
    dump(sgemm)
    if not args.no_results:
        write_results(args.results, args, argv, rows, results, facts, vers, loads, sgemm, infos,
                      started, time.time() - t_start)
        log(f"wrote {os.path.relpath(args.results, REPO)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        sys.exit(worker_main(sys.argv[2], sys.argv[3].split(","), sys.argv[4]))
    if len(sys.argv) > 1 and sys.argv[1] == "_sgemm":
        sys.exit(sgemm_numpy_main([int(s) for s in sys.argv[3:]], float(sys.argv[2])))
    sys.exit(main(sys.argv[1:]))
