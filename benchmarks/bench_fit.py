"""Time one complete fit of the 42-indicator EM40 structural model, against the peers.

A "complete fit" is what a researcher needs from one run: estimates, standard
errors, the standardized solution and every fit index.

* edu40:   ``edu40.fit(model, data)`` + ``.estimates`` + ``.standardized`` + ``.fit_indices``
* semopy:  ``Model(model).fit(data)`` + ``inspect(std_est=True)`` + ``calc_stats`` (used raw)
* lavaan:  ``sem(model, data)`` + ``parameterEstimates`` + ``standardizedSolution`` +
           ``fitMeasures`` (when ``Rscript`` with lavaan is on the PATH)

All three run in the same invocation on the same machine; each is timed as
the median of ``--repeat`` runs after one warm-up.  Results go to
``benchmarks/results/fit_em40.json`` and a Markdown table.

    python benchmarks/bench_fit.py [--repeat 15]
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
DATA = ROOT / "data" / "sample" / "em40_survey.csv"
OUT = ROOT / "benchmarks" / "results"


def time_it(fn, repeat):
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def edu40_complete(model, data):
    res = edu40.fit(model, data)
    res.estimates, res.standardized, res.fit_indices
    return res


def semopy_complete(model, data):
    import semopy

    m = semopy.Model(model)
    m.fit(data)
    m.inspect(std_est=True)
    semopy.calc_stats(m)
    return m


LAVAAN_SCRIPT = r"""
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\n"); k <- as.integer(args[3])
one <- function() { f <- sem(model, data = d); parameterEstimates(f); standardizedSolution(f); fitMeasures(f) }
invisible(one())
t <- numeric(k)
for (i in seq_len(k)) t[i] <- system.time(one())[["elapsed"]]
cat(sprintf("%.6f", t), sep = "\n")
cat("VERSION", as.character(packageVersion("lavaan")), "\n")
"""


def lavaan_complete(model, repeat):
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.R"
        script.write_text(LAVAAN_SCRIPT)
        mfile = Path(tmp) / "model.txt"
        mfile.write_text(model)
        run = subprocess.run(["Rscript", str(script), str(DATA), str(mfile), str(repeat)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            return None
        lines = run.stdout.split()
        version = lines[lines.index("VERSION") + 1]
        times = [float(x) for x in lines[:lines.index("VERSION")]]
        return statistics.median(times), times, version


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    data = pd.read_csv(DATA)
    model = edu40.EM40.model()
    rows = []
    t_edu, _ = time_it(lambda: edu40_complete(model, data), args.repeat)
    rows.append({"tool": f"edu40 {edu40.__version__}", "median_s": t_edu})
    import semopy

    t_sem, _ = time_it(lambda: semopy_complete(model, data), args.repeat)
    rows.append({"tool": f"semopy {semopy.__version__} (raw)", "median_s": t_sem})
    lav = lavaan_complete(model, args.repeat)
    if lav:
        rows.append({"tool": f"lavaan {lav[2]}", "median_s": lav[0]})
    for r in rows:
        r["ratio_to_edu40"] = r["median_s"] / t_edu
    result = {"what": "one complete fit (estimates, SEs, standardized solution, all fit indices) of "
                      "the 42-indicator EM40 structural model, N = 772 (764 complete)",
              "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "processor": platform.processor() or platform.machine()},
              "repeat": args.repeat, "results": rows}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fit_em40.json").write_text(json.dumps(result, indent=2))
    table = ["| tool | median time (s) | time / edu40 |", "| --- | --- | --- |"]
    table += [f"| {r['tool']} | {r['median_s']:.4f} | {r['ratio_to_edu40']:.1f}x |" for r in rows]
    (OUT / "fit_em40.md").write_text(result["what"] + "\n\n" + "\n".join(table) + "\n")
    print("\n".join(table))
    return result


if __name__ == "__main__":
    main()
