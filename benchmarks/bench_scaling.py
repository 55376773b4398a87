"""Fit time as N and as the model grow, and a Monte Carlo power study: edu40, semopy and lavaan.

* N: one fit (estimates and fit indices) of EM40 to 1,000 ... 1,000,000 simulated respondents;
* model size: EM40's six factors replicated 1-4 times (42 ... 168 indicators), N = 2,000;
* Monte Carlo: 500 samples of N = 772 from the EM40 population (Likert answers), fit, test every
  parameter: edu40 ``monte_carlo_power`` (2 cores), semopy and lavaan in a loop (1 core).

Each measurement is a fresh process (``--task`` below); times exclude imports and, for R, reading
the data (the median of ``repeat`` fits); semopy's Monte Carlo is timed on 100 samples and scaled.

    python benchmarks/bench_scaling.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import machine, run_child, save, table  # noqa: E402

R_TASK_HEAD = r"""
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
read <- function(f) as.data.frame(data.table::fread(f))
model <- paste(readLines(args[2]), collapse = "\n")
"""


def _em40_model(copies: int = 1) -> tuple[str, list]:
    """EM40's structural model with its factors replicated ``copies`` times (suffix _r2 ...)."""
    import edu40

    base = edu40.EM40.model()
    if copies == 1:
        return base, list(edu40.EM40.item_codes)
    lines, items = [], []
    for r in range(1, copies + 1):
        suffix = "" if r == 1 else f"_r{r}"
        for line in base.splitlines():
            if not line.strip():
                continue
            lhs, op, rhs = _split(line)
            terms = [t.strip() for t in rhs.split("+")]
            lines.append(f"{lhs}{suffix} {op} " + " + ".join(t + suffix for t in terms))
        items += [i + suffix for i in edu40.EM40.item_codes]
    return "\n".join(lines), items


def _split(line):
    for op in ("=~", "~~", "~"):
        if op in line:
            lhs, rhs = line.split(op, 1)
            return lhs.strip(), op, rhs.strip()
    raise ValueError(line)


def _simulated(n: int, copies: int = 1, seed: int = 1) -> pd.DataFrame:
    import edu40

    parts = []
    for r in range(1, copies + 1):
        d = edu40.simulate(edu40.EM40, n, seed=seed + 1000 * r, r_squared=0.78)
        parts.append(d if r == 1 else d.add_suffix(f"_r{r}"))
    return pd.concat(parts, axis=1)


def _population():
    import edu40

    return edu40.PopulationModel.default(edu40.EM40, r_squared=0.78)


def _rscript(code: str, *args) -> dict:
    from _harness import r_child

    out = r_child(code, *args)
    if "error" in out:
        raise RuntimeError(out["error"])
    return out


def task_montecarlo(tool, reps=500, n=772, measure=None, **_):
    import edu40

    pop = _population()
    model = edu40.EM40.model()
    if tool == "edu40":
        t0 = time.perf_counter()
        res = edu40.monte_carlo_power(model, pop, n=n, reps=reps, seed=1, n_jobs=-1, progress=False)
        return {"seconds": time.perf_counter() - t0, "ok": res.n_ok}
    if tool == "semopy":
        import semopy

        t0 = time.perf_counter()
        ok = 0
        measure = measure or reps    # time `measure` samples, scale linearly
        for i in range(measure):
            d = edu40.simulate(pop, n, seed=i)
            m = semopy.Model(model)
            m.fit(d)
            m.inspect()["p-value"]
            ok += 1
        return {"seconds": (time.perf_counter() - t0) * reps / measure, "ok": ok, "measured": measure}
    with tempfile.TemporaryDirectory() as tmp:
        mfile = Path(tmp) / "model.txt"
        mfile.write_text(model)
        sig = Path(tmp) / "sigma.csv"
        pop.covariance().to_csv(sig)
        cuts = Path(tmp) / "cuts.csv"
        pd.DataFrame(pop.item_thresholds()).T.to_csv(cuts)
        code = R_TASK_HEAD + r"""
S <- as.matrix(read.csv(args[1], row.names = 1)); cuts <- as.matrix(read.csv(args[3], row.names = 1))
reps <- as.integer(args[4]); n <- as.integer(args[5]); set.seed(1)
ok <- 0
t <- system.time(for (i in seq_len(reps)) {
  y <- MASS::mvrnorm(n, rep(0, ncol(S)), S)
  d <- as.data.frame(sapply(seq_len(ncol(y)), function(j) findInterval(y[, j], cuts[j, ]) + 1))
  names(d) <- colnames(S)
  fit <- sem(model, data = d)
  if (lavInspect(fit, "converged")) { pe <- parameterEstimates(fit); ok <- ok + 1 }
})[["elapsed"]]
cat(toJSON(list(seconds = t, ok = ok), auto_unbox = TRUE), "\n")
"""
        return _rscript(code, sig, mfile, cuts, reps, n)


def task_scale(tool, n=1000, copies=1, repeat=3, **_):
    import edu40
    import edu40.sem.fit  # noqa: F401 - imports are not timed (lavaan's library() is not either)

    model, items = _em40_model(copies)
    data = _simulated(n, copies)
    if tool == "edu40":
        def run():
            r = edu40.fit(model, data)
            r.estimates, r.fit_indices
            return r
    elif tool == "semopy":
        import semopy

        def run():
            m = semopy.Model(model)
            m.fit(data)
            m.inspect()
            return m
    else:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "data.csv"
            data.to_csv(f, index=False)
            mfile = Path(tmp) / "model.txt"
            mfile.write_text(model)
            code = R_TASK_HEAD + r"""
d <- read(args[1]); k <- as.integer(args[3])
t <- numeric(k)
for (i in seq_len(k)) t[i] <- system.time({fit <- sem(model, data = d); parameterEstimates(fit); fitMeasures(fit)})[["elapsed"]]
cat(toJSON(list(seconds = median(t)), auto_unbox = TRUE), "\n")
"""
            return _rscript(code, f, mfile, repeat)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return {"seconds": statistics.median(times)}


TASKS = {"montecarlo": task_montecarlo, "scale": task_scale}


def plan(quick: bool, lavaan: bool = True, semopy: bool = True):
    tools = ["edu40"] + (["semopy"] if semopy else []) + (["lavaan"] if lavaan else [])
    reps = 50 if quick else 500
    jobs = [("montecarlo", t, {"reps": reps, **({"measure": reps // 5} if t == "semopy" else {})})
            for t in tools]
    ns = [1000, 10_000] if quick else [1000, 10_000, 100_000, 1_000_000]
    jobs += [("scale", t, {"n": n, "repeat": 1 if n >= 10 ** 6 else 3}) for n in ns for t in tools]
    for copies in ([1, 2] if quick else [1, 2, 3, 4]):
        jobs += [("scale", t, {"n": 2000, "copies": copies, "repeat": 1 if copies >= 3 else 3})
                 for t in tools]
    return jobs


def run(quick=False, lavaan=True, semopy=True) -> dict:
    results = []
    for name, tool, kw in plan(quick, lavaan, semopy):
        out = run_child([sys.executable, __file__, "--task", name, "--tool", tool, "--kwargs",
                         json.dumps(kw)], timeout=3 * 3600)
        out.update({"task": name, "tool": tool, **kw})
        results.append(out)
        print(f"  {name:10s} {tool:7s} {json.dumps(kw):40s} {out.get('seconds', float('nan')):9.2f} s",
              flush=True)
    return {"rows": results}


def markdown(res: dict) -> str:
    ok = [r for r in res["rows"] if "error" not in r]
    parts = []
    mc = {r["tool"]: r for r in ok if r["task"] == "montecarlo"}
    if mc:
        base = mc.get("edu40", {}).get("seconds")
        rows = []
        for tool, r in mc.items():
            note = f" (timed on {r['measured']}, scaled)" if r.get("measured") else ""
            rows.append([tool + note, f"{r['seconds']:.2f}", f"{r['seconds'] / base:.1f}x" if base else "–",
                         f"{r['peak_mb']:.0f}"])
        reps = next(iter(mc.values()))["reps"]
        parts.append(f"Monte Carlo power, {reps} samples of N = 772 (Likert answers), EM40:\n\n"
                     + table(["tool", "time (s)", "time / edu40", "peak memory (MB)"], rows))
    sc = [r for r in ok if r["task"] == "scale" and "copies" not in r]
    if sc:
        tools = sorted({r["tool"] for r in sc}, key=["edu40", "semopy", "lavaan"].index)
        rows = []
        for n in sorted({r["n"] for r in sc}):
            cell = {r["tool"]: r for r in sc if r["n"] == n}
            rows.append([f"{n:,}"] + [f"{cell[t]['seconds']:.3f}" if t in cell else "–" for t in tools]
                        + [f"{cell[t]['peak_mb']:.0f}" if t in cell else "–" for t in tools])
        parts.append("Fit time as N grows (EM40, one fit with estimates and fit indices):\n\n"
                     + table(["N"] + [f"{t} (s)" for t in tools] + [f"{t} peak MB" for t in tools], rows))
    sp = [r for r in ok if r["task"] == "scale" and "copies" in r]
    if sp:
        tools = sorted({r["tool"] for r in sp}, key=["edu40", "semopy", "lavaan"].index)
        rows = []
        for k in sorted({r["copies"] for r in sp}):
            cell = {r["tool"]: r for r in sp if r["copies"] == k}
            e = cell.get("edu40", {}).get("seconds")
            rows.append([42 * k, 6 * k] + [f"{cell[t]['seconds']:.3f}" if t in cell else "–" for t in tools]
                        + [f"{cell[t]['seconds'] / e:.1f}x" if t in cell and e else "–" for t in tools[1:]])
        parts.append("Fit time as the model grows (EM40's factors replicated, N = 2,000):\n\n"
                     + table(["indicators", "factors"] + [f"{t} (s)" for t in tools]
                             + [f"{t} / edu40" for t in tools[1:]], rows))
    errs = [r for r in res["rows"] if "error" in r]
    if errs:
        parts.append("Not measured: " + "; ".join(f"{r['task']} {r['tool']}: {r['error'][:80]}" for r in errs))
    return "\n\n".join(parts)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-lavaan", action="store_true")
    p.add_argument("--no-semopy", action="store_true")
    p.add_argument("--task")
    p.add_argument("--tool")
    p.add_argument("--kwargs", default="{}")
    args = p.parse_args(argv)
    if args.task:   # a child process: one task, one JSON line
        print(json.dumps(TASKS[args.task](args.tool, **json.loads(args.kwargs)), default=float))
        return None
    res = run(args.quick, not args.no_lavaan, not args.no_semopy)
    res["machine"] = machine()
    save("scaling", res)
    print(markdown(res))
    return res


if __name__ == "__main__":
    main()
