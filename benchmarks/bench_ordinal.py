"""Time ordinal estimation against lavaan (and psych), in the same run on the same machine.

Tasks, each timed as the median of ``--repeat`` runs after a warm-up; the runs of
edu40 alternate with those of lavaan (and psych), which run in a persistent Rscript
process and are timed inside R with ``system.time``, so that all share whatever load
the machine carries (wall-clock and CPU seconds are both recorded):

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

import pandas as pd

import edu40

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample" / "em40_survey.csv"
OUT = ROOT / "benchmarks" / "results"


def edu40_wlsmv(model, data):
    res = edu40.fit(model, data, ordered=True)
    res.estimates, res.standardized, res.fit_indices
    return res


# A persistent R process: set up and warm up once, then one timed run per "go" on stdin, so that the
# runs of edu40 and of R alternate and share whatever load the machine carries at that moment.
R_SERVER = r"""
suppressPackageStartupMessages({library(lavaan); library(psych)})
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]; d <- read.csv(args[2])
one <- switch(task,
  wlsmv = { model <- paste(readLines(args[3]), collapse = "\n")
            function() { f <- sem(model, data = d, ordered = TRUE); parameterEstimates(f)
                         standardizedSolution(f); fitMeasures(f) } },
  lavcor = function() lavCor(d, ordered = names(d)),
  psych = function() polychoric(d, correct = 0, smooth = FALSE))
version <- as.character(packageVersion(if (task == "psych") "psych" else "lavaan"))
if (task == "wlsmv") invisible(suppressWarnings(one()))
cat("READY", version, "\n"); flush(stdout())
con <- file("stdin"); open(con)
repeat {
  line <- readLines(con, n = 1)
  if (length(line) == 0 || line == "quit") break
  s <- system.time(suppressWarnings(one()))
  cat(sprintf("%.6f %.6f\n", s[["elapsed"]], s[["user.self"]] + s[["sys.self"]])); flush(stdout())
}
"""


class RServer:
    """An Rscript process that times one run of ``task`` each time :meth:`run` is called."""

    def __init__(self, task, *args):
        self.tmp = tempfile.TemporaryDirectory()
        script = Path(self.tmp.name) / "server.R"
        script.write_text(R_SERVER)
        self.proc = subprocess.Popen(["Rscript", str(script), task, *map(str, args)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "READY":
            raise RuntimeError(f"Rscript for {task} did not start")
        self.version = ready[1]

    def run(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        wall, cpu = map(float, self.proc.stdout.readline().split())
        return wall, cpu

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=60)
        self.tmp.cleanup()


def summary(wall, cpu, **extra):
    return {"median": statistics.median(wall), "times": wall, "cpu_median": statistics.median(cpu),
            "cpu": cpu, **extra}


def interleaved(ours, peers: dict, repeat):
    """Alternate one timed run of edu40 with one of each peer, ``repeat`` times (after a warm-up)."""
    ours()
    rows = {"edu40": ([], [])} | {k: ([], []) for k in peers}
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        ours()
        rows["edu40"][0].append(time.perf_counter() - t0)
        rows["edu40"][1].append(time.process_time() - c0)
        for name, server in peers.items():
            wall, cpu = server.run()
            rows[name][0].append(wall)
            rows[name][1].append(cpu)
    out = {"edu40": summary(*rows["edu40"])}
    for name, server in peers.items():
        out[name] = summary(*rows[name], version=server.version)
    return out


def main(argv=None):
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--psych", action="store_true", help="also time psych::polychoric on 100 000 rows")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "processor": platform.processor() or platform.machine(),
                           "edu40": edu40.__version__, "cores": os.cpu_count(),
                           "load_average_start": os.getloadavg()}}
    have_r = shutil.which("Rscript") is not None
    model = edu40.EM40.model()
    data = pd.read_csv(DATA)
    with tempfile.TemporaryDirectory() as tmp:
        mfile = Path(tmp) / "model.lav"
        mfile.write_text(model)
        peers = {"lavaan": RServer("wlsmv", DATA, mfile)} if have_r else {}
        results["wlsmv_em40"] = interleaved(lambda: edu40_wlsmv(model, data), peers, args.repeat)
        for server in peers.values():
            server.close()
        sim = edu40.simulate(edu40.EM40, 100_000, seed=1, r_squared=0.78)[edu40.EM40.item_codes]
        dfile = Path(tmp) / "sim.csv"
        sim.to_csv(dfile, index=False)
        peers = {}
        if have_r:
            peers["lavaan"] = RServer("lavcor", dfile)
            if args.psych:
                peers["psych"] = RServer("psych", dfile)
        results["polychoric_100k"] = interleaved(lambda: edu40.polychoric(sim), peers, max(1, args.repeat // 2))
        for server in peers.values():
            server.close()
    results["polychoric_100k"]["n"] = len(sim)
    if have_r:
        results["machine"]["R"] = subprocess.run(["Rscript", "-e", "cat(R.version.string)"],
                                                 capture_output=True, text=True).stdout.strip()
    results["machine"]["load_average_end"] = os.getloadavg()
    (OUT / "ordinal.json").write_text(json.dumps(results, indent=2))
    md = report(results)
    (OUT / "ordinal.md").write_text(md)
    print(md)


def report(results) -> str:
    lines = ["| task | edu40 wall (s) | lavaan wall (s) | ratio wall | edu40 CPU (s) | lavaan CPU (s) | ratio CPU | "
             "psych wall / CPU (s) |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    names = {"wlsmv_em40": "WLSMV fit, EM40 structural model, 42 ordered items, N = 772",
             "polychoric_100k": "polychoric matrix, 42 items, N = 100 000"}
    for key, label in names.items():
        t = results[key]
        ours, lav, psy = t["edu40"], t.get("lavaan"), t.get("psych")
        if lav:
            lav_cells = (f"{lav['median']:.2f} | {ours['median'] / lav['median']:.3f} | {ours['cpu_median']:.2f} | "
                         f"{lav['cpu_median']:.2f} | {ours['cpu_median'] / lav['cpu_median']:.3f}")
        else:
            lav_cells = f"n/a | n/a | {ours['cpu_median']:.2f} | n/a | n/a"
        psy_cell = f"{psy['median']:.2f} / {psy['cpu_median']:.2f}" if psy else "-"
        lines.append(f"| {label} | {ours['median']:.2f} | {lav_cells} | {psy_cell} |")
    m = results["machine"]
    load = ", ".join(f"{x:.1f}" for x in m.get("load_average_start", ())[:1] + m.get("load_average_end", ())[:1])
    lines.append("")
    lines.append(f"Python {m['python']}, {m['platform']}, {m.get('cores')} cores (load average at start, end: "
                 f"{load}); {m.get('R', 'R not found')}; medians of repeated runs in one invocation "
                 f"(`python benchmarks/bench_ordinal.py`). CPU = user + system seconds of the process "
                 f"(all its threads): the fair comparison when other jobs share the cores.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
