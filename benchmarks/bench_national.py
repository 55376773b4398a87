"""A national survey file: 1,000,000 respondents x 42 items, loaded, validated and fitted, cold.

edu40: ``edu40.load_survey(path)`` (reads, checks every cell against the
instrument, records every problem) + ``edu40.fit(EM40.model(), survey)`` +
``.estimates`` + ``.fit_indices`` in a fresh process.  The peer: R with
``data.table::fread`` + lavaan ``sem`` + ``parameterEstimates`` + ``fitMeasures``
(no validation).  The CSV (integer answers and a respondent id, ~90 MB) is
written first by ``edu40.simulate``; peak memory is the whole process tree's.

    python benchmarks/bench_national.py [--n 1000000] [--no-lavaan]
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
import edu40
survey = edu40.load_survey({path!r})
t_load = time.perf_counter()
res = edu40.fit(edu40.EM40.model(), survey); res.estimates; res.fit_indices
t_fit = time.perf_counter()
print(json.dumps({{"load": t_load - t_start, "fit": t_fit - t_load, "cold_inner": t_fit - t_start,
                  "rows": len(survey.data), "chisq": float(res.fit_indices["chisq"])}}))
"""

LAVAAN = R_HEAD + r"""
t0 <- proc.time()[["elapsed"]]
d <- as.data.frame(data.table::fread(args[1])); model <- paste(readLines(args[2]), collapse = "\n")
t_read <- proc.time()[["elapsed"]]
fit <- sem(model, data = d); parameterEstimates(fit); fitMeasures(fit)
t_fit <- proc.time()[["elapsed"]]
cat(toJSON(list(load = t_read - t_start, fit = t_fit - t_read, chisq = unname(fitMeasures(fit, "chisq"))),
           auto_unbox = TRUE), "\n")
"""


def write_survey(path: Path, n: int) -> None:
    import numpy as np

    import edu40

    data = edu40.simulate(edu40.EM40, n, seed=1001, r_squared=0.78).astype("int8")
    data.insert(0, "respondent_id", np.arange(1, n + 1))
    data.to_csv(path, index=False)


def run(n: int = 1_000_000, lavaan: bool = True) -> dict:
    boot = interpreter_start()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.csv"
        write_survey(path, n)
        rows = {"edu40": python_child(EDU40.format(path=str(path)))}
        if "error" not in rows["edu40"]:
            rows["edu40"]["cold"] = boot["python"] + rows["edu40"]["cold_inner"]
        if lavaan:
            rows["lavaan"] = r_child(LAVAAN, path, model_file())
            if "error" not in rows["lavaan"]:
                rows["lavaan"]["cold"] = rows["lavaan"]["wall"]
    e = rows["edu40"]
    summary = {"n": n, "cold": e.get("cold"), "peak_mb": e.get("peak_mb"),
               "goal_met": bool(e.get("cold", 1e9) < 15 and e.get("peak_mb", 1e9) < 2048)}
    return {"what": f"load_survey + validate + fit of a CSV of {n:,} respondents x 42 items", "rows": rows,
            "summary": summary}


def markdown(res: dict) -> str:
    out = []
    for tool, r in res["rows"].items():
        if "error" in r:
            out.append([tool, "failed", "", "", "", ""])
            continue
        what = "load_survey (read + validate) + fit" if tool == "edu40" else "fread + sem (no validation)"
        out.append([tool, what, seconds(r["load"]), seconds(r["fit"]), seconds(r["cold"]), f"{r['peak_mb']:.0f}"])
    return table(["tool", "what", "read (s)", "fit (s)", "cold: new process to result (s)", "peak memory (MB)"], out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--no-lavaan", action="store_true")
    args = p.parse_args(argv)
    res = run(args.n, not args.no_lavaan)
    res["machine"] = machine()
    save("national", res)
    print(markdown(res))
    print(res["summary"])
    return res


if __name__ == "__main__":
    main()
