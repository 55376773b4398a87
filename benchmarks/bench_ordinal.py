"""Time ordinal estimation against lavaan (and psych), in the same run on the same machine.

Tasks (each timed as the median of ``--repeat`` runs after one warm-up; lavaan
and psych in one Rscript process each, timed inside R with ``system.time``):

* ``wlsmv_em40``  the 42-indicator EM40 structural model on the shipped sample
  (N = 772) with every item ordered: a complete WLSMV fit (estimates, robust SEs,
  standardized solution, every fit measure).
  edu40: ``fit(model, data, ordered=True)`` + ``.estimates`` + ``.standardized`` + ``.fit_indices``;
  lavaan: ``sem(model, data, ordered = TRUE)`` + ``parameterEstimates`` +
  ``standardizedSolution`` + ``fitMeasures``.
* ``polychoric_100k``  the polychoric matrix of the 42 items of N = 100 000 respondents
  simulated from the EM40 population model (``edu40.simulate``, seed 1).
  edu40: ``polychoric(data)``; lavaan: ``lavCor(data, ordered = names(data))``;
  psych: ``polychoric(data, correct = 0, smooth = FALSE)`` (``--psych``).

Results go to ``benchmarks/results/ordinal.json`` and ``ordinal.md``::

    python benchmarks/bench_ordinal.py [--repeat 5] [--psych]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import edu40

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample" / "em40_survey.csv"
OUT = ROOT / "benchmarks" / "results"


def time_it(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def edu40_wlsmv(model, data):
    res = edu40.fit(model, data, ordered=True)
    res.estimates, res.standardized, res.fit_indices
    return res


R_WLSMV = r"""
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\n"); k <- as.integer(args[3])
one <- function() { f <- sem(model, data = d, ordered = TRUE); parameterEstimates(f); standardizedSolution(f)
                    fitMeasures(f) }
invisible(suppressWarnings(one()))
t <- numeric(k)
for (i in seq_len(k)) t[i] <- system.time(suppressWarnings(one()))[["elapsed"]]
cat(sprintf("%.6f", t), sep = "\n")
cat("VERSION", as.character(packageVersion("lavaan")), "\n")
"""

R_POLY = r"""
suppressPackageStartupMessages({library(lavaan); library(psych)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); k <- as.integer(args[2]); which <- args[3]
one <- if (which == "lavaan") function() lavCor(d, ordered = names(d)) else
  function() polychoric(d, correct = 0, smooth = FALSE)
t <- numeric(k)
for (i in seq_len(k)) t[i] <- system.time(suppressWarnings(one()))[["elapsed"]]
cat(sprintf("%.6f", t), sep = "\n")
cat("VERSION", as.character(packageVersion(if (which == "lavaan") "lavaan" else "psych")), "\n")
"""


def rscript(code, *args, timeout=3600):
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.R"
        script.write_text(code)
        run = subprocess.run(["Rscript", str(script), *map(str, args)], capture_output=True, text=True,
                             timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-2000:])
    lines = run.stdout.strip().splitlines()
    times = [float(x) for x in lines if not x.startswith("VERSION")]
    version = [x.split()[1] for x in lines if x.startswith("VERSION")][0]
    return {"median": statistics.median(times), "times": times, "version": version}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--psych", action="store_true", help="also time psych::polychoric on 100 000 rows")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    import os
    results = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "processor": platform.processor() or platform.machine(),
                           "edu40": edu40.__version__, "cores": os.cpu_count(),
                           "load_average_start": os.getloadavg()}}
    model = edu40.EM40.model()
    data = pd.read_csv(DATA)
    med, times = time_it(lambda: edu40_wlsmv(model, data), args.repeat)
    task = {"edu40": {"median": med, "times": times}}
    with tempfile.TemporaryDirectory() as tmp:
        mfile = Path(tmp) / "model.lav"
        mfile.write_text(model)
        task["lavaan"] = rscript(R_WLSMV, DATA, mfile, max(1, args.repeat // 2))
    results["wlsmv_em40"] = task
    sim = edu40.simulate(edu40.EM40, 100_000, seed=1, r_squared=0.78)[edu40.EM40.item_codes]
    med, times = time_it(lambda: edu40.polychoric(sim), args.repeat)
    task = {"edu40": {"median": med, "times": times}}
    with tempfile.TemporaryDirectory() as tmp:
        dfile = Path(tmp) / "sim.csv"
        sim.to_csv(dfile, index=False)
        task["lavaan"] = rscript(R_POLY, dfile, 1, "lavaan")
        if args.psych:
            task["psych"] = rscript(R_POLY, dfile, 1, "psych")
    results["polychoric_100k"] = task
    ours = edu40.polychoric(sim).correlation.to_numpy()
    results["polychoric_100k"]["n"] = len(sim)
    results["polychoric_100k"]["check_max_offdiag"] = float(np.max(np.abs(ours - np.eye(len(ours)))))
    if shutil.which("Rscript"):
        results["machine"]["R"] = subprocess.run(
            ["Rscript", "-e", 'cat(R.version.string)'], capture_output=True, text=True).stdout.strip()
    results["machine"]["load_average_end"] = os.getloadavg()
    (OUT / "ordinal.json").write_text(json.dumps(results, indent=2))
    md = report(results)
    (OUT / "ordinal.md").write_text(md)
    print(md)


def report(results) -> str:
    lines = ["| task | edu40 (s) | lavaan (s) | edu40 / lavaan | psych (s) |", "| --- | --- | --- | --- | --- |"]
    names = {"wlsmv_em40": "WLSMV fit, EM40 structural model, 42 ordered items, N = 772",
             "polychoric_100k": "polychoric matrix, 42 items, N = 100 000"}
    for key, label in names.items():
        t = results[key]
        ours = t["edu40"]["median"]
        lav = t.get("lavaan")
        psy = t.get("psych")
        ratio = f"{ours / lav['median']:.3f}" if lav else "n/a"
        lines.append(f"| {label} | {ours:.2f} | {lav['median']:.2f} | {ratio} | "
                     f"{psy['median']:.2f} |" if lav and psy else
                     f"| {label} | {ours:.2f} | {lav['median'] if lav else float('nan'):.2f} | {ratio} | - |")
    m = results["machine"]
    lines.append("")
    load = ", ".join(f"{x:.1f}" for x in m.get("load_average_start", ())[:1] + m.get("load_average_end", ())[:1])
    lines.append(f"Python {m['python']}, {m['platform']}, {m.get('cores')} cores (load average at start, end: "
                 f"{load}); {m.get('R', 'R not found')}; medians of repeated runs in one invocation "
                 f"(`python benchmarks/bench_ordinal.py`).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
