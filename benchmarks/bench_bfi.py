"""Time edu40 and lavaan on a real survey with missing answers: psych::bfi (2 800 x 25).

Tasks (each a complete result: estimates, SEs, standardized solution, all fit indices):

* ``cfa``       five-factor CFA, listwise (2 436 complete respondents)
* ``cfa_fiml``  the same with FIML (all 2 800; 87 missing-data patterns)
* ``modindices`` modification indices of the listwise CFA (fit included)

edu40 and lavaan (via ``Rscript``) run in the same invocation on the same machine; each time is
the median of ``--repeat`` runs after one warm-up.  Results go to ``benchmarks/results/bfi.json``
and ``bfi.md``.

    python benchmarks/bench_bfi.py [--repeat 5]
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

import edu40

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "bfi.csv"
CODEBOOK = ROOT / "tests" / "data" / "bfi.toml"
OUT = ROOT / "benchmarks" / "results"

LAVAAN_SCRIPT = r"""
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
bfi <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\n"); k <- as.integer(args[3])
rev <- c("A1", "C4", "C5", "E1", "E2", "O2", "O5"); bfi[rev] <- 7 - bfi[rev]
tasks <- list(
  cfa = function() { f <- cfa(model, data = bfi); parameterEstimates(f); standardizedSolution(f); fitMeasures(f) },
  cfa_fiml = function() { f <- cfa(model, data = bfi, missing = "fiml"); parameterEstimates(f)
                          standardizedSolution(f); fitMeasures(f) },
  modindices = function() modindices(cfa(model, data = bfi)))
for (name in names(tasks)) {
  invisible(tasks[[name]]())
  t <- vapply(seq_len(k), function(i) system.time(tasks[[name]]())[["elapsed"]], 0)
  cat(name, sprintf("%.6f", t), "\n")
}
cat("VERSION", as.character(packageVersion("lavaan")), "\n")
"""


def time_it(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def lavaan_times(model, repeat):
    if shutil.which("Rscript") is None:
        return None, None
    with tempfile.TemporaryDirectory() as tmp:
        script, mfile = Path(tmp) / "bench.R", Path(tmp) / "model.txt"
        script.write_text(LAVAAN_SCRIPT)
        mfile.write_text(model)
        run = subprocess.run(["Rscript", str(script), str(DATA), str(mfile), str(repeat)],
                             capture_output=True, text=True)
    if run.returncode != 0:
        return None, None
    out = {}
    for line in run.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "VERSION":
            version = parts[1]
        elif parts:
            out[parts[0]] = statistics.median(float(x) for x in parts[1:])
    return out, version


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    survey = edu40.load_survey(DATA, edu40.Instrument.from_file(CODEBOOK))
    model = survey.instrument.measurement_syntax()

    def complete(**kw):
        res = edu40.fit(model, survey, **kw)
        res.estimates, res.standardized, res.fit_indices
        return res

    ours = {"cfa": time_it(complete, args.repeat),
            "cfa_fiml": time_it(lambda: complete(missing="fiml"), args.repeat),
            "modindices": time_it(lambda: complete().modification_indices(), args.repeat)}
    lav, version = lavaan_times(model, args.repeat)
    rows = [{"task": t, "edu40_s": s, "lavaan_s": (lav or {}).get(t),
             "lavaan_over_edu40": (lav or {}).get(t, float("nan")) / s} for t, s in ours.items()]
    result = {"what": "psych::bfi, five-factor CFA: complete fits and modification indices",
              "edu40": edu40.__version__, "lavaan": version, "repeat": args.repeat,
              "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "processor": platform.processor() or platform.machine()},
              "results": rows}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bfi.json").write_text(json.dumps(result, indent=2))
    table = ["| task | edu40 (s) | lavaan (s) | lavaan / edu40 |", "| --- | ---: | ---: | ---: |"]
    table += [f"| {r['task']} | {r['edu40_s']:.3f} | {r['lavaan_s'] or float('nan'):.3f} | "
              f"{r['lavaan_over_edu40']:.2f} |" for r in rows]
    (OUT / "bfi.md").write_text(result["what"] + "\n\n" + "\n".join(table) + "\n")
    print("\n".join(table))
    return result


if __name__ == "__main__":
    main()
