"""Bootstrap of the EM40 structural model (1000 draws, N = 772), edu40 against lavaan, cold and warm.

edu40 is called as a user calls it, with every default: ``res.bootstrap(1000,
seed=1)`` bootstraps the estimates, the std.all solution, R², every fit index
and the Bollen-Stine test (a second set of 1000 fits).  lavaan runs
``sem(model, data, se = "bootstrap", bootstrap = 1000)`` + ``parameterEstimates(fit,
boot.ci.type = "perc")`` (estimates only).

Each row is a fresh process.  *cold*: the whole process, interpreter or R
start, imports, reading the CSV, the model fit and the bootstrap; *warm*: a
second bootstrap (seed 2) in the same Python process, the worker pool or
threads already there.  "1 core": the process is pinned to one CPU with one
BLAS thread (edu40 ``n_jobs=1``; lavaan's default, serial); "2 cores": edu40
``n_jobs=-1`` (default), lavaan ``parallel = "multicore", ncpus = 2``.

    python benchmarks/bench_bootstrap.py [--draws 1000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import (DATA, R_HEAD, interpreter_start, machine, python_child, r_child, ratio, save,  # noqa: E402
                      seconds, table)
from bench_fit import model_file  # noqa: E402

EDU40 = r"""
import time; t_start = time.perf_counter()
import json
import pandas as pd
import edu40
data = pd.read_csv({data!r})
t_read = time.perf_counter()
res = edu40.fit(edu40.EM40.model(), data)
t_fit = time.perf_counter()
boot = res.bootstrap({draws}, seed=1{jobs})
t_boot = time.perf_counter()
again = res.bootstrap({draws}, seed=2{jobs})
t_warm = time.perf_counter()
print(json.dumps({{"start": t_read - t_start, "fit": t_fit - t_read, "boot": t_boot - t_fit,
                  "cold_inner": t_boot - t_start, "warm": t_warm - t_boot, "ok": boot.n_ok,
                  "bs_ok": boot.bollen_stine_n_ok, "version": edu40.__version__}}))
"""

LAVAAN = R_HEAD + r"""
d <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\n")
R <- as.integer(args[3]); ncpus <- as.integer(args[4])
par <- if (ncpus > 1) "multicore" else "no"
t_read <- proc.time()[["elapsed"]]
t <- system.time({
  fit <- sem(model, data = d, se = "bootstrap", bootstrap = R, parallel = par, ncpus = ncpus, iseed = 1)
  pe <- parameterEstimates(fit, boot.ci.type = "perc")
})[["elapsed"]]
cat(toJSON(list(start = t_read - t_start, boot = t, ok = nrow(lavInspect(fit, "boot")),
                version = as.character(packageVersion("lavaan"))), auto_unbox = TRUE), "\n")
"""


def run(draws: int = 1000) -> dict:
    mfile = model_file()
    rows = {
        "edu40, 2 cores": python_child(EDU40.format(data=str(DATA), draws=draws, jobs="")),
        "edu40, 1 core": python_child(EDU40.format(data=str(DATA), draws=draws, jobs=", n_jobs=1"),
                                      one_core=True),
        "lavaan, 1 core": r_child(LAVAAN, DATA, mfile, draws, 1, one_core=True),
        "lavaan, 2 cores": r_child(LAVAAN, DATA, mfile, draws, 2, env={"OPENBLAS_NUM_THREADS": "1"}),
    }
    boot = interpreter_start()
    for name, r in rows.items():     # cold: process start + imports + reading + fit + bootstrap
        if "error" not in r:
            r["cold"] = (boot["python"] + r["cold_inner"] if name.startswith("edu40") else r["wall"])
    e2, e1, l1, l2 = (rows[k] for k in ("edu40, 2 cores", "edu40, 1 core", "lavaan, 1 core",
                                         "lavaan, 2 cores"))
    summary = {"cold_2cores_vs_lavaan_1core": _r(e2, "cold", l1, "cold"),
               "cold_1core_vs_lavaan_1core": _r(e1, "cold", l1, "cold"),
               "cold_2cores_vs_lavaan_2cores": _r(e2, "cold", l2, "cold"),
               "warm_2cores_vs_lavaan_1core": _r(e2, "warm", l1, "boot"),
               "warm_1core_vs_lavaan_1core": _r(e1, "warm", l1, "boot")}
    return {"what": f"bootstrap, {draws} draws, EM40 structural model, N = 772 (764 complete)",
            "draws": draws, "rows": rows, "summary": summary}


def _r(a, ka, b, kb):
    try:
        return a[ka] / b[kb]
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def markdown(res: dict) -> str:
    rows = []
    l1 = res["rows"]["lavaan, 1 core"]
    for name, r in res["rows"].items():
        if "error" in r:
            rows.append([name, "failed: " + r["error"][:60].replace("\n", " "), "", "", "", "", ""])
            continue
        what = ("estimates, std.all, R², fit indices, Bollen-Stine (defaults)" if name.startswith("edu40")
                else "estimates (se = \"bootstrap\")")
        rows.append([name, what, seconds(r["cold"]), seconds(r["boot"]), seconds(r.get("warm")),
                     ratio(r["cold"], l1.get("cold")), f"{r['peak_mb']:.0f}"])
    return table(["run", "what is bootstrapped", "cold: new process to result (s)", "bootstrap call (s)",
                  "warm: second call (s)", "cold / lavaan 1 core", "peak memory (MB)"], rows)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", type=int, default=1000)
    args = p.parse_args(argv)
    res = run(args.draws)
    res["machine"] = machine()
    save("bootstrap", res)
    print(markdown(res))
    print({k: (round(v, 3) if v else v) for k, v in res["summary"].items()})
    return res


if __name__ == "__main__":
    main()
