#!/usr/bin/python3
"""Driver behind scripts/bench-compare (run that; it makes sure torch is installed).

For each workload, runs the Tessera side and the PyTorch side one after the
other as child processes with the same thread count, reads the JSON line each
prints, takes each child's peak RSS from os.wait4 (ru_maxrss), and prints

  <workload> tessera=<s> pytorch=<s> ratio=<t/p> tessera_peak_mb=<m> pytorch_peak_mb=<m>

Details (runs, tokens/s, per-position times) go to stderr as '# ...' lines.
A side that fails is shown as <side>=ERROR(<first stderr line>); the run goes
on and the exit status is 1 at the end.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
# Whole commands, each a fresh process on a saved log directory (torch_cmd.py).
COMMANDS = ["decode_cmd", "encode_cmd", "sample_cmd"]
WORKLOADS = ["encode256", "decode256", "gpt_sample", "sliding_window", "train_vqgan", "train_gpt"] + COMMANDS


def run_child(argv, env, timeout=None):
    """Run argv; return (stdout, stderr, returncode, peak_rss_mb).
    Peak RSS comes from wait4 on this very child (Linux reports ru_maxrss in KiB)."""
    out_f, err_f = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, stdout=out_f, stderr=err_f, env=env, cwd=ROOT)
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer:
        timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)  # reap it ourselves to get its rusage
    finally:
        if timer:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_f.seek(0)
    err_f.seek(0)
    out = out_f.read().decode(errors="replace")
    err = err_f.read().decode(errors="replace")
    return out, err, proc.returncode, usage.ru_maxrss / 1024.0


def parse_result(out, workload, side):
    """The last stdout line that is a JSON object for this workload and side."""
    for line in reversed(out.strip().splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("workload") == workload and obj.get("side") == side:
            if not isinstance(obj.get("seconds"), (int, float)):
                raise ValueError("JSON line without numeric 'seconds'")
            return obj
    raise ValueError(f"no JSON line with workload={workload} side={side} on stdout")


def first_line(text, default):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return default


def _cpu_ticks():
    """(busy, total) jiffies over all CPUs from /proc/stat (Linux)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    idle = v[3] + v[4]  # idle + iowait
    return sum(v) - idle, sum(v)


def warn_if_busy(what):
    """Timings mean little when other processes use the cores: sample CPU use
    for one second before each side (the load average lags and, in some VMs,
    counts tasks that use no CPU)."""
    try:
        b0, t0 = _cpu_ticks()
        time.sleep(1.0)
        b1, t1 = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        return
    busy = (b1 - b0) / max(t1 - t0, 1)
    if busy > 0.15:
        print(f"# warning: CPUs {busy:.0%} busy before {what}: other processes compete "
              f"for the cores, timings are unreliable", file=sys.stderr, flush=True)


def measure(side, argv, workload, env, timeout):
    """-> dict(seconds, peak_mb, result) or dict(error)."""
    warn_if_busy(f"{workload} {side}")
    try:
        out, err, rc, peak = run_child(argv, env, timeout)
    except OSError as e:
        return {"error": str(e)}
    if rc != 0:
        return {"error": first_line(err, f"exit status {rc}")}
    try:
        res = parse_result(out, workload, side)
    except ValueError as e:
        return {"error": str(e)}
    return {"seconds": float(res["seconds"]), "peak_mb": peak, "result": res}


def command_argv(workload, side, exe, logdir, out, seed):
    """The command line of a whole-command workload on one side."""
    grid, image = os.path.join(logdir, "grid.json"), os.path.join(logdir, "image.png")
    if side == "tessera":
        return {
            "decode_cmd": [exe, "decode", "--model", logdir, "--out", out + ".png", grid],
            "encode_cmd": [exe, "encode", "--model", logdir, "--out", out + ".json", image],
            "sample_cmd": [exe, "sample", "--model", logdir, "--seed", str(seed), "--out", out + ".png"],
        }[workload]
    torch_cmd = [sys.executable, os.path.join(HERE, "torch_cmd.py")]
    return torch_cmd + {
        "decode_cmd": ["decode", logdir, grid, out + ".png"],
        "encode_cmd": ["encode", logdir, image, out + ".json"],
        "sample_cmd": ["sample", logdir, out + ".png", "--seed", str(seed)],
    }[workload]


def measure_command(side, argv, workload, env, repeat, timeout):
    """Time a whole process, start to exit, repeat times after one untimed run
    (which leaves the checkpoint in the page cache, as for any later run).
    -> dict(seconds (median), peak_mb, result) or dict(error)."""
    warn_if_busy(f"{workload} {side}")
    runs, peak = [], 0.0
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        try:
            _, err, rc, mb = run_child(argv, env, timeout)
        except OSError as e:
            return {"error": str(e)}
        elapsed = time.perf_counter() - t0
        if rc != 0:
            return {"error": first_line(err, f"exit status {rc}")}
        if i > 0:
            runs.append(elapsed)
            peak = max(peak, mb)
    return {"seconds": statistics.median(runs), "peak_mb": peak, "result": {"runs": runs}}


def make_logdir(tmpdir, env, seed):
    """The whole commands' model, written once by PyTorch; -> (dir, None) or (None, error line)."""
    logdir = os.path.join(tmpdir, "logdir")
    argv = [sys.executable, os.path.join(HERE, "torch_cmd.py"), "make", logdir, "--seed", str(seed)]
    _, err, rc, _ = run_child(argv, env)
    if rc != 0:
        return None, "torch_cmd.py make: " + first_line(err, f"exit status {rc}")
    return logdir, None


def build_tessera(tmpdir, env):
    """go build once; -> (binary path, None) or (None, error line)."""
    exe = os.path.join(tmpdir, "tessera")
    try:
        p = subprocess.run(["go", "build", "-o", exe, "./cmd/tessera"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    except OSError as e:
        return None, f"go build: {e}"
    if p.returncode != 0:
        return None, "go build: " + first_line(p.stderr, f"exit status {p.returncode}")
    return exe, None


def main():
    ap = argparse.ArgumentParser(prog="bench-compare", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2, help="threads for both sides (default 2)")
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help="comma-separated subset of " + ",".join(WORKLOADS) + " (default all)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per side, median reported (default 3)")
    ap.add_argument("--positions", type=int, default=None,
                    help="sliding_window: only the first N of the 1024 positions (default all)")
    ap.add_argument("--seed", type=int, default=None,
                    help="seed for weights, inputs and draws, passed to both sides (default: each side's own, 0)")
    ap.add_argument("--timeout", type=float, default=None, help="kill a side after this many seconds")
    args = ap.parse_args()
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    bad = [w for w in workloads if w not in WORKLOADS]
    if bad or not workloads:
        ap.error(f"unknown workload(s) {bad}; choose from {WORKLOADS}")
    if args.threads < 1 or args.repeat < 1:
        ap.error("--threads and --repeat must be >= 1")

    env = dict(os.environ)
    # the Go side gets --threads; these cap the BLAS/OpenMP pools of both sides
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(args.threads)

    tmpdir = tempfile.mkdtemp(prefix="bench-compare-")
    failed = False
    try:
        exe, build_err = build_tessera(tmpdir, env)
        if build_err:
            print(f"# tessera: {build_err}", file=sys.stderr, flush=True)
        logdir, logdir_err = None, None
        if any(w in COMMANDS for w in workloads):
            logdir, logdir_err = make_logdir(tmpdir, env, args.seed or 0)
        for w in workloads:
            common = ["--workload", w, "--threads", str(args.threads), "--repeat", str(args.repeat)]
            if w == "sliding_window" and args.positions is not None:
                common += ["--positions", str(args.positions)]
            if args.seed is not None:
                common += ["--seed", str(args.seed)]
            if w in COMMANDS:
                # the Go runtime's threads too: a command has no --threads
                cmd_env = dict(env, GOMAXPROCS=str(args.threads))

                def side(name, available, error):
                    if not logdir or not available:
                        return {"error": logdir_err or error}
                    argv = command_argv(w, name, exe, logdir, os.path.join(tmpdir, f"{w}-{name}"), args.seed or 0)
                    return measure_command(name, argv, w, cmd_env, args.repeat, args.timeout)

                t, p = side("tessera", exe, build_err), side("pytorch", True, None)
            else:
                t = measure("tessera", [exe, "bench"] + common, w, env, args.timeout) if exe else {"error": build_err}
                p = measure("pytorch", [sys.executable, os.path.join(HERE, "torch_side.py")] + common,
                            w, env, args.timeout)

            def fmt(r, key, spec):
                return format(r[key], spec) if key in r else "NA"

            ts = f"ERROR({t['error']})" if "error" in t else format(t["seconds"], ".3f")
            ps = f"ERROR({p['error']})" if "error" in p else format(p["seconds"], ".3f")
            ratio = (format(t["seconds"] / p["seconds"], ".3f")
                     if "seconds" in t and "seconds" in p and p["seconds"] > 0 else "NA")
            print(f"{w} tessera={ts} pytorch={ps} ratio={ratio} "
                  f"tessera_peak_mb={fmt(t, 'peak_mb', '.1f')} pytorch_peak_mb={fmt(p, 'peak_mb', '.1f')}",
                  flush=True)
            for side, r in (("tessera", t), ("pytorch", p)):
                if "result" in r:
                    res = r["result"]
                    print(f"# {w} {side}: runs={[round(x, 4) for x in res.get('runs', [])]} "
                          f"extra={json.dumps(res.get('extra', {}))}", file=sys.stderr, flush=True)
            failed = failed or "error" in t or "error" in p
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
