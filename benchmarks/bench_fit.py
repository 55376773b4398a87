"""One complete fit of the 42-indicator EM40 structural model (N = 772), edu40 against its peers.

A "complete fit" is what a researcher needs from one run: estimates, standard
errors, the standardized solution and every fit index.

* edu40:   ``edu40.fit(model, data)`` + ``.estimates`` + ``.standardized`` + ``.fit_indices``
* semopy:  ``Model(model).fit(data)`` + ``inspect(std_est=True)`` + ``calc_stats`` (used raw)
* lavaan:  ``sem(model, data)`` + ``parameterEstimates`` + ``standardizedSolution`` + ``fitMeasures``

Each tool runs in its own fresh process, in the same invocation: *cold* is the
whole process (interpreter or R start, imports, reading the CSV, the first
fit), *first* the first fit inside it (lazy imports included), *warm* the
median of ``--repeat`` more fits.  Results: benchmarks/results/fit.json.

    python benchmarks/bench_fit.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import (DATA, R_HEAD, interpreter_start, machine, python_child, r_child, ratio, save,  # noqa: E402
                      seconds, table)

EDU40 = r"""
import time; t_start = time.perf_counter()
import json, statistics
import pandas as pd
import edu40
data = pd.read_csv({data!r}); model = edu40.EM40.model()
t_read = time.perf_counter()
def one():
    r = edu40.fit(model, data); r.estimates; r.standardized; r.fit_indices
one(); t_first = time.perf_counter()
warm = []
for _ in range({repeat}):
    t = time.perf_counter(); one(); warm.append(time.perf_counter() - t)
print(json.dumps({{"start": t_read - t_start, "first": t_first - t_read, "warm": statistics.median(warm),
                  "version": edu40.__version__}}))
"""

SEMOPY = r"""
import time; t_start = time.perf_counter()
import json, statistics
import pandas as pd
import semopy
from edu40 import EM40
data = pd.read_csv({data!r}); model = EM40.model()
t_read = time.perf_counter()
def one():
    m = semopy.Model(model); m.fit(data); m.inspect(std_est=True); semopy.calc_stats(m)
one(); t_first = time.perf_counter()
warm = []
for _ in range({repeat}):
    t = time.perf_counter(); one(); warm.append(time.perf_counter() - t)
print(json.dumps({{"start": t_read - t_start, "first": t_first - t_read, "warm": statistics.median(warm),
                  "version": semopy.__version__}}))
"""

LAVAAN = R_HEAD + r"""
d <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\n"); k <- as.integer(args[3])
t_read <- proc.time()[["elapsed"]]
one <- function() { f <- sem(model, data = d); parameterEstimates(f); standardizedSolution(f); fitMeasures(f) }
invisible(one()); t_first <- proc.time()[["elapsed"]]
warm <- numeric(k)
for (i in seq_len(k)) warm[i] <- system.time(one())[["elapsed"]]
cat(toJSON(list(start = t_read - t_start, first = t_first - t_read, warm = median(warm),
                version = as.character(packageVersion("lavaan"))), auto_unbox = TRUE), "\n")
"""


def model_file() -> Path:
    import edu40

    path = Path(__file__).parent / "results" / "em40_model.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edu40.EM40.model())
    return path


def run(repeat: int = 15, semopy: bool = True) -> dict:
    rows = {"edu40": python_child(EDU40.format(data=str(DATA), repeat=repeat))}
    if semopy:
        rows["semopy"] = python_child(SEMOPY.format(data=str(DATA), repeat=repeat))
    rows["lavaan"] = r_child(LAVAAN, DATA, model_file(), repeat)
    boot = interpreter_start()
    for tool, r in rows.items():     # cold: process start + imports + reading + the first fit
        if "error" not in r:
            r["cold"] = boot["R" if tool == "lavaan" else "python"] + r["start"] + r["first"]
    e, lav = rows["edu40"], rows["lavaan"]
    summary = {"cold_ratio": _r(e, lav, "cold"), "warm_ratio": _r(e, lav, "warm"),
               "first_ratio": _r(e, lav, "first")}
    return {"what": "one complete fit (estimates, SEs, std.all, every fit index) of the EM40 structural "
                    "model, 42 indicators, N = 772 (764 complete)", "repeat": repeat,
            "rows": rows, "summary": summary}


def _r(a, b, key):
    try:
        return a[key] / b[key]
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def markdown(res: dict) -> str:
    rows = []
    for tool, r in res["rows"].items():
        if "error" in r:
            rows.append([tool, "failed: " + r["error"][:60].replace("\n", " "), "", "", "", ""])
            continue
        e = res["rows"]["edu40"]
        rows.append([f"{tool} {r.get('version', '')}", seconds(r["cold"]), seconds(r["first"]),
                     seconds(r["warm"]), ratio(e.get("cold"), r["cold"]), ratio(e.get("warm"), r["warm"]),
                     f"{r['peak_mb']:.0f}"])
    return table(["tool", "cold: new process to first result (s)", "first fit in it (s)",
                  f"warm: median of {res['repeat']} (s)", "edu40 / tool, cold", "edu40 / tool, warm",
                  "peak memory (MB)"], rows)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--no-semopy", action="store_true")
    args = p.parse_args(argv)
    res = run(args.repeat, not args.no_semopy)
    res["machine"] = machine()
    save("fit", res)
    print(markdown(res))
    s = res["summary"]
    print(f"edu40 / lavaan: cold {s['cold_ratio']:.3f}, warm {s['warm_ratio']:.3f}")
    return res


if __name__ == "__main__":
    main()
