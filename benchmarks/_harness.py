"""What every benchmark shares: one measurement per fresh process, its memory, the machine.

A measurement is a child process (``python -c CODE`` or ``Rscript FILE``) that
prints one JSON line with its own inner timings.  The parent times the whole
process (interpreter start, imports, reading the data and the work: a *cold*
run, as a user meets it), samples the resident memory of the process and its
children every 50 ms (joblib workers, R's forks) and can pin it to one core
(``os.sched_setaffinity``) with one BLAS thread, for single-core comparisons.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample" / "em40_survey.csv"
OUT = ROOT / "benchmarks" / "results"
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_child(cmd, *, one_core=False, env=None, timeout=7200) -> dict:
    """Run ``cmd``; its last JSON line, plus ``wall`` (s) and ``peak_mb`` of the process tree."""
    import psutil

    full_env = dict(os.environ, **(env or {}))
    if one_core:
        full_env.update(ONE_THREAD)
    core = sorted(os.sched_getaffinity(0))[0]
    pre = (lambda: os.sched_setaffinity(0, {core})) if one_core else None
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=str(ROOT), env=full_env, preexec_fn=pre)
    proc = psutil.Process(child.pid)
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(proc))
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return {"error": f"timeout after {timeout} s"}
    finally:
        stop.set()
        thread.join()
    wall = time.perf_counter() - t0
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        return {"error": (err or out)[-800:]}
    result = json.loads(lines[-1])
    result.update({"wall": wall, "peak_mb": peak[0] / 2 ** 20})
    return result


def python_child(code: str, **kw) -> dict:
    return run_child([sys.executable, "-c", code], **kw)


def r_child(code: str, *args, **kw) -> dict:
    if shutil.which("Rscript") is None:
        return {"error": "Rscript not found"}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "task.R"
        script.write_text(code)
        return run_child(["Rscript", str(script), *map(str, args)], **kw)


def interpreter_start() -> dict:
    """Seconds to start and stop an empty Python / R process (added to the inner cold times)."""
    import statistics

    def timed(cmd):
        walls = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, cwd=str(ROOT))
            walls.append(time.perf_counter() - t0)
        return statistics.median(walls)

    out = {"python": timed([sys.executable, "-c", "pass"])}
    if shutil.which("Rscript"):
        out["R"] = timed(["Rscript", "-e", "0"])
    return out


R_HEAD = r"""
t_start <- proc.time()[["elapsed"]]
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
"""


def machine() -> dict:
    import numpy
    import scipy

    import edu40

    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cores": os.cpu_count(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "edu40": edu40.__version__}
    try:
        import semopy

        info["semopy"] = semopy.__version__
    except ImportError:
        pass
    try:
        info["cpu"] = [line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                       if line.startswith("model name")][0]
        info["memory_gb"] = round(int([line.split()[1] for line in open("/proc/meminfo")
                                        if line.startswith("MemTotal")][0]) / 2 ** 20, 1)
    except (OSError, IndexError):
        pass
    if shutil.which("Rscript"):
        v = subprocess.run(["Rscript", "-e", 'cat(R.version.string, "|", as.character(packageVersion("lavaan")))'],
                           capture_output=True, text=True).stdout
        info["R"], _, info["lavaan"] = (s.strip() for s in v.partition("|"))
    info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def save(name: str, payload: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=float))
    return path


def table(header: list, rows: list) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def seconds(x) -> str:
    if x is None or x != x:
        return "–"
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}"


def ratio(a, b) -> str:
    if a is None or b is None or not b or a != a or b != b:
        return "–"
    return f"{a / b:.3f}"
