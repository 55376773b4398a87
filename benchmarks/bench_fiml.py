"""FIML of the EM40 structural model with 1 % of answers missing at random, edu40 against lavaan.

One fit with estimates, standard errors (observed information, lavaan's
default with ``missing = "ml"``) and every fit index: ``edu40.fit(model, data,
missing="fiml")`` + ``.estimates`` + ``.fit_indices`` against ``sem(model, data,
missing = "ml")`` + ``parameterEstimates`` + ``fitMeasures``.  N = 1,000, 4,000
and 16,000 (116, 267 and 735 missing-data patterns); the last row repeats each
of the 16,000 respondents ten times: ten times N, the same patterns (edu40
only), to show that the cost follows the patterns, not the respondents.

Each cell is a fresh process; *cold* is the whole process minus nothing (start,
imports, reading the CSV, the fit); *fit* the fit inside it.

    python benchmarks/bench_fiml.py [--sizes 1000 4000 16000] [--no-lavaan]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import (R_HEAD, interpreter_start, machine, python_child, r_child, ratio, save,  # noqa: E402
                      seconds, table)
from bench_fit import model_file  # noqa: E402

EDU40 = r"""
import time; t_start = time.perf_counter()
import json
import pandas as pd
import edu40
data = pd.read_csv({path!r})
t_read = time.perf_counter()
r = edu40.fit(edu40.EM40.model(), data, missing="fiml"); r.estimates; r.fit_indices
t_fit = time.perf_counter()
print(json.dumps({{"start": t_read - t_start, "fit": t_fit - t_read, "cold_inner": t_fit - t_start,
                  "patterns": len(r._model.groups[0].patterns), "chisq": float(r.fit_indices["chisq"]),
                  "converged": bool(r.converged)}}))
"""

LAVAAN = R_HEAD + r"""
d <- as.data.frame(data.table::fread(args[1])); model <- paste(readLines(args[2]), collapse = "\n")
t_read <- proc.time()[["elapsed"]]
t <- system.time({fit <- sem(model, data = d, missing = "ml"); parameterEstimates(fit); fitMeasures(fit)})[["elapsed"]]
cat(toJSON(list(start = t_read - t_start, fit = t, chisq = unname(fitMeasures(fit, "chisq"))),
           auto_unbox = TRUE), "\n")
"""


def run(sizes=(1000, 4000, 16000), lavaan=True, repeat_rows=10) -> dict:
    import pandas as pd

    import edu40

    boot = interpreter_start()
    mfile = model_file()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for n in sizes:
            data = edu40.simulate(edu40.EM40, n, seed=1, r_squared=0.78, missing=0.01)
            path = Path(tmp) / f"fiml_{n}.csv"
            data.to_csv(path, index=False)
            cases.append((n, path, lavaan))
        if repeat_rows and sizes:
            big = pd.concat([data] * repeat_rows, ignore_index=True)
            path = Path(tmp) / f"fiml_{len(big)}.csv"
            big.to_csv(path, index=False)
            cases.append((len(big), path, False))
        for n, path, with_lavaan in cases:
            row = {"n": n, "edu40": python_child(EDU40.format(path=str(path)))}
            if "error" not in row["edu40"]:
                row["edu40"]["cold"] = boot["python"] + row["edu40"]["cold_inner"]
            if with_lavaan:
                row["lavaan"] = r_child(LAVAAN, path, mfile, timeout=4 * 3600)
                if "error" not in row["lavaan"]:
                    row["lavaan"]["cold"] = row["lavaan"]["wall"]
            rows.append(row)
    last = next((r for r in reversed(rows) if "lavaan" in r and "error" not in r["lavaan"]), None)
    summary = {}
    if last and "error" not in last["edu40"]:
        summary = {"n": last["n"], "patterns": last["edu40"]["patterns"],
                   "cold_ratio": last["edu40"]["cold"] / last["lavaan"]["cold"],
                   "fit_ratio": last["edu40"]["fit"] / last["lavaan"]["fit"]}
    return {"what": "FIML fit of the EM40 structural model, 1 % of answers missing completely at random "
                    "(edu40.simulate, seed 1)", "rows": rows, "summary": summary}


def markdown(res: dict) -> str:
    out = []
    for r in res["rows"]:
        e, lav = r["edu40"], r.get("lavaan")
        if "error" in e:
            out.append([f"{r['n']:,}", "–", "failed", "", "", "", ""])
            continue
        lav_ok = lav is not None and "error" not in lav
        out.append([f"{r['n']:,}", e["patterns"], seconds(e["fit"]), seconds(e["cold"]),
                    seconds(lav["fit"]) if lav_ok else "–", seconds(lav["cold"]) if lav_ok else "–",
                    ratio(e["cold"], lav["cold"]) if lav_ok else "–"])
    return table(["N", "patterns", "edu40 fit (s)", "edu40 cold (s)", "lavaan fit (s)", "lavaan cold (s)",
                  "edu40 / lavaan (cold)"], out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[1000, 4000, 16000])
    p.add_argument("--no-lavaan", action="store_true")
    args = p.parse_args(argv)
    res = run(tuple(args.sizes), not args.no_lavaan)
    res["machine"] = machine()
    save("fiml", res)
    print(markdown(res))
    print(res["summary"])
    return res


if __name__ == "__main__":
    main()
