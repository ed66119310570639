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
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORKLOADS = ["encode256", "decode256", "gpt_sample", "sliding_window", "train_vqgan", "train_gpt"]


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
        for w in workloads:
            common = ["--workload", w, "--threads", str(args.threads), "--repeat", str(args.repeat)]
            if w == "sliding_window" and args.positions is not None:
                common += ["--positions", str(args.positions)]
            if args.seed is not None:
                common += ["--seed", str(args.seed)]
            if exe:
                t = measure("tessera", [exe, "bench"] + common, w, env, args.timeout)
            else:
                t = {"error": build_err}
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
