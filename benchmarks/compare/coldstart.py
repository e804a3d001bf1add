"""Cold start: et4j and ExecuTorch's Python runtime, each in a fresh process, on the same .pte.

    benchmarks/compare/run-coldstart.sh MODEL.pte --input X.npy [--input Y.npy] [--rounds 5]
        [--iterations 100] [--threads 1] [--config NAME 'ENV=VALUE ...'] ...

Every round starts one fresh ExecuTorch process and one fresh `./et4j bench` process per et4j
configuration, in an order that rotates from round to round, and records:

- start: from spawning the process to the first line of its own code (the et4j launcher script
  and the JVM's start up to `bench`'s first line; the Python interpreter up to the script's
  first line; ExecuTorch's import time is listed on its own);
- load: program load + method load (ExecuTorch: `Runtime.load_program` + `load_method`;
  et4j: `Program.load` + `loadMethod`, bench's `model_load_time(ms)`);
- first: the first `execute` after load, inputs set (bench's `first_inference_latency(ms)`);
- process wall and CPU: the whole process, spawn to exit, and its user + system CPU time (children
  included), which other processes' load inflates much less than wall time;
- steady: the median of the following timed executions (`p50_inference_latency(ms)`), and for
  et4j the time from the first execute to steady state (`time_to_steady_state(ms)`).

A configuration is a name and environment assignments for the launcher, e.g.
`--config no-aot 'ET4J_AOT=off'` or `--config c2only 'ET4J_JAVA_OPTS=-XX:-TieredCompilation'`;
without any, one configuration `default` runs the launcher as it is. The table shows the median
over rounds of each column, with min-max. The venv is only read; nothing else needs Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def executorch_child(pte, inputs, threads, iterations):
    """Runs in a fresh interpreter: times ExecuTorch's import, load, first and steady execute."""
    entered = time.time_ns()
    t0 = time.perf_counter_ns()
    import numpy as np
    import torch
    from executorch.extension.pybindings import portable_lib
    from executorch.runtime import Runtime

    portable_lib._unsafe_reset_threadpool(threads)
    torch.set_num_threads(threads)
    values = [torch.from_numpy(np.load(p)) for p in inputs]
    runtime = Runtime.get()
    t1 = time.perf_counter_ns()
    program = runtime.load_program(pte)
    method = program.load_method("forward")
    t2 = time.perf_counter_ns()
    method.execute(values)
    t3 = time.perf_counter_ns()
    times = []
    for _ in range(iterations):
        t = time.perf_counter_ns()
        method.execute(values)
        times.append((time.perf_counter_ns() - t) / 1e6)
    print(json.dumps({
        "entered_epoch_us": entered // 1000,
        "import_ms": (t1 - t0) / 1e6,
        "load_ms": (t2 - t1) / 1e6,
        "first_ms": (t3 - t2) / 1e6,
        "steady_ms": statistics.median(times) if times else None,
        "threads": portable_lib._threadpool_get_thread_count(),
    }))


def spawn(argv, env=None):
    """Runs argv to completion; returns (returncode, stdout, stderr, CPU ms of the process and its
    children: user + system, which the machine's other load inflates far less than wall time)."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read(), err.read(), (usage.ru_utime + usage.ru_stime) * 1000


def run_executorch(args):
    argv = [args.python, os.path.abspath(__file__), "--executorch-child", args.pte,
            "--threads", str(args.threads), "--iterations", str(min(args.iterations, args.executorch_iterations))]
    for x in args.input:
        argv += ["--input", x]
    t_spawn = time.time_ns()
    code, stdout, stderr, cpu = spawn(argv)
    wall = (time.time_ns() - t_spawn) / 1e6
    if code != 0:
        return {"error": stderr.strip()[-400:]}
    r = json.loads(stdout.strip().splitlines()[-1])
    return {"start": r["entered_epoch_us"] / 1000 - t_spawn / 1e6, "import": r["import_ms"],
            "load": r["load_ms"], "first": r["first_ms"], "steady": r["steady_ms"], "to_steady": None,
            "wall": wall, "cpu": cpu}


def run_et4j(args, env_assignments):
    env = dict(os.environ)
    env.update(env_assignments)
    argv = [os.path.join(args.repo, "et4j"), "bench", args.pte, "--json", "--warmup", "0",
            "--iterations", str(args.iterations), "--threads", str(args.threads)]
    if args.input:
        argv += ["--input"] + args.input
    t_spawn = time.time_ns()
    code, stdout, stderr, cpu = spawn(argv, env)
    wall = (time.time_ns() - t_spawn) / 1e6
    if code != 0:
        return {"error": (stdout + stderr).strip()[-400:]}
    r = json.loads(stdout)
    m = r["metrics"]
    return {"start": r["command_started_epoch_us"] / 1000 - t_spawn / 1e6, "import": None,
            "load": m["model_load_time(ms)"], "first": m["first_inference_latency(ms)"],
            "steady": m["p50_inference_latency(ms)"], "to_steady": m["time_to_steady_state(ms)"],
            "wall": wall, "cpu": cpu}


def loadavg():
    with open("/proc/loadavg") as f:
        return "/".join(f.read().split()[:3])


def cell(values):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    med = statistics.median(values)
    fmt = (lambda x: f"{x:.1f}") if med >= 10 else (lambda x: f"{x:.2f}")
    return f"{fmt(med)} ({fmt(min(values))}-{fmt(max(values))})" if len(values) > 1 else fmt(med)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pte")
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--executorch-iterations", type=int, default=20,
                    help="at most this many executions after the first for ExecuTorch (its portable kernels are slow)")
    ap.add_argument("--config", nargs=2, action="append", metavar=("NAME", "ENV"), default=[])
    ap.add_argument("--no-executorch", action="store_true")
    ap.add_argument("--repo", default=REPO, help="the checkout whose ./et4j runs")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--executorch-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.executorch_child:
        executorch_child(args.pte, args.input, args.threads, args.iterations)
        return 0

    configs = [(name, dict(a.split("=", 1) for a in shlex.split(env))) for name, env in args.config]
    if not configs:
        configs = [("default", {})]
    runners = [(f"et4j {name}", (lambda e: lambda: run_et4j(args, e))(env)) for name, env in configs]
    if not args.no_executorch:
        runners.append(("ExecuTorch", lambda: run_executorch(args)))

    # One untimed start of each et4j configuration first: the launcher builds the CLI and trains
    # its AOT cache if needed.
    for _, env in configs:
        run_et4j(args, env)
    results = {name: [] for name, _ in runners}
    loads = [loadavg()]
    for rnd in range(args.rounds):
        k = rnd % len(runners)
        for name, fn in runners[k:] + runners[:k]:
            r = fn()
            results[name].append(r)
            if "error" in r:
                print(f"round {rnd + 1} {name}: {r['error']}", file=sys.stderr)
        loads.append(loadavg())
        print(f"round {rnd + 1}/{args.rounds} done, load {loads[-1]}", file=sys.stderr)

    print(f"{os.path.basename(args.pte)}, {args.threads} thread(s), {args.rounds} rounds, "
          f"{args.iterations} executions after the first; load average per round: {', '.join(loads)}")
    print()
    print("| runtime | start ms | import ms | load ms | first execute ms | load + first ms | steady ms | first execute to steady ms | process wall ms | process CPU ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, rs in results.items():
        ok = [r for r in rs if "error" not in r]
        col = lambda key: cell([r[key] for r in ok])
        both = cell([r["load"] + r["first"] for r in ok])
        print(f"| {name} | {col('start')} | {col('import')} | {col('load')} | {col('first')} | {both} | "
              f"{col('steady')} | {col('to_steady')} | {col('wall')} | {col('cpu')} |" + ("" if len(ok) == len(rs) else f" ({len(rs) - len(ok)} failed)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
