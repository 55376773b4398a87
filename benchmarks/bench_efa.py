"""Time exploratory factor analysis and the semopy engine against their peers, in one run.

EFA (psych::bfi, 25 items, 2 800 respondents, pairwise; five factors, oblimin):

* edu40:  ``edu40.efa(bfi, 5, rotation="oblimin", nan_policy="pairwise")`` -- adequacy, extraction,
          rotation, fit statistics, loading table
* psych:  ``fa(bfi, 5, rotate = "oblimin")`` + ``KMO`` + ``cortest.bartlett`` (Rscript, when available)

Parallel analysis (bfi, 20 random data sets):

* edu40:  ``edu40.number_of_factors(bfi, nan_policy="pairwise")`` (with MAP and eigenvalues > 1)
* psych:  ``fa.parallel(bfi, fa = "both", n.iter = 20, plot = FALSE)``

CFA (EM40, 42 indicators, 6 factors), complete fit (estimates, SEs, std.all, indices):

* edu40 engine, semopy engine (``engine="semopy"``), semopy used raw (its defaults),
  lavaan (Rscript).

Each is the median of ``--repeat`` runs after one warm-up.  Results go to
``benchmarks/results/efa.json`` and ``efa.md``.

    python benchmarks/bench_efa.py [--repeat 7]
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

import pandas as pd

import edu40

ROOT = Path(__file__).resolve().parents[1]
BFI = ROOT / "tests" / "data" / "bfi.csv"
EM = ROOT / "data" / "sample" / "em40_survey.csv"
OUT = ROOT / "benchmarks" / "results"


def time_it(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


R_SCRIPT = r"""
suppressPackageStartupMessages({library(psych); library(GPArotation); library(lavaan)})
args <- commandArgs(trailingOnly = TRUE)
bfi <- read.csv(args[1])[, 1:25]; em <- read.csv(args[2]); model <- paste(readLines(args[3]), collapse = "\n")
k <- as.integer(args[4])
med <- function(f) { f(); median(sapply(seq_len(k), function(i) system.time(f())[["elapsed"]])) }
efa <- function() { r <- cor(bfi, use = "pairwise"); KMO(r); cortest.bartlett(r, n = nrow(bfi));
                    fa(bfi, 5, rotate = "oblimin") }
par <- function() invisible(capture.output(fa.parallel(bfi, fa = "both", n.iter = 20, plot = FALSE)))
cfa_run <- function() { f <- cfa(model, data = em); parameterEstimates(f); standardizedSolution(f); fitMeasures(f) }
cat("TIME efa", med(efa), "\n"); cat("TIME parallel", med(par), "\n"); cat("TIME cfa", med(cfa_run), "\n")
"""


def r_times(repeat, model):
    if shutil.which("Rscript") is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        script, mfile = Path(tmp) / "b.R", Path(tmp) / "model.txt"
        script.write_text(R_SCRIPT)
        mfile.write_text(model)
        out = subprocess.run(["Rscript", str(script), str(BFI), str(EM), str(mfile), str(repeat)],
                             capture_output=True, text=True, check=True).stdout
    return {line.split()[1]: float(line.split()[2]) for line in out.splitlines() if line.startswith("TIME ")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    import semopy

    bfi = pd.read_csv(BFI).iloc[:, :25]
    em = pd.read_csv(EM)
    model = edu40.EM40.model(structural=False)

    def edu40_cfa(engine):
        res = edu40.fit(model, em, engine=engine)
        res.estimates, res.standardized, res.fit_indices

    def semopy_raw():
        m = semopy.Model(model)
        m.fit(em)
        m.inspect(std_est=True)
        semopy.calc_stats(m)

    py = {
        "efa": time_it(lambda: edu40.efa(bfi, 5, rotation="oblimin", nan_policy="pairwise").loading_table(),
                       args.repeat),
        "parallel": time_it(lambda: edu40.number_of_factors(bfi, nan_policy="pairwise"), args.repeat),
        "cfa_edu40": time_it(lambda: edu40_cfa("edu40"), args.repeat),
        "cfa_semopy_engine": time_it(lambda: edu40_cfa("semopy"), args.repeat),
        "cfa_semopy_raw": time_it(semopy_raw, args.repeat),
    }
    r = r_times(args.repeat, model)
    rows = [
        ("EFA bfi (KMO, Bartlett, fa minres oblimin)", "edu40.efa", py["efa"], "psych", r.get("efa")),
        ("parallel analysis bfi, 20 sets", "edu40.number_of_factors", py["parallel"], "psych::fa.parallel",
         r.get("parallel")),
        ("CFA EM40, complete fit", "edu40 engine", py["cfa_edu40"], "lavaan", r.get("cfa")),
        ("CFA EM40, complete fit", "engine='semopy'", py["cfa_semopy_engine"], "lavaan", r.get("cfa")),
        ("CFA EM40, complete fit", "semopy raw (defaults)", py["cfa_semopy_raw"], "lavaan", r.get("cfa")),
    ]
    lines = ["| task | edu40 / semopy | s | peer | s | peer / ours |", "| --- | --- | --- | --- | --- | --- |"]
    for task, ours, t, peer, tp in rows:
        ratio = f"{tp / t:.1f}" if tp else "n/a"
        lines.append(f"| {task} | {ours} | {t:.3f} | {peer} | {tp if tp is None else f'{tp:.3f}'} | {ratio} |")
    meta = {"python": platform.python_version(), "machine": platform.machine(), "semopy": semopy.__version__,
            "edu40": edu40.__version__, "repeat": args.repeat}
    OUT.mkdir(exist_ok=True)
    (OUT / "efa.json").write_text(json.dumps({"python": py, "r": r, "meta": meta}, indent=2))
    (OUT / "efa.md").write_text("\n".join(lines) + "\n\n" + json.dumps(meta) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
