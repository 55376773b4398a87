"""The performance record: edu40 against semopy (used raw) and lavaan, in one run on one machine.

    python benchmarks/run_all.py              # everything (about 30-40 minutes on 2 cores)
    python benchmarks/run_all.py --quick      # fewer draws and sizes, to check the script works

Measures, each in a fresh subprocess whose process tree (worker processes and
Rscript included) is sampled for its peak resident memory:

1. one complete fit of the 42-indicator EM40 model, N = 772 (benchmarks/bench_fit.py's
   definition: estimates, SEs, standardized solution, every fit index);
2. a bootstrap of 1000 draws: lavaan ``sem(se = "bootstrap", bootstrap = 1000)`` (serial, and
   ``parallel = "multicore", ncpus = 2``), semopy refitted on each resample, and edu40's
   ``SEMResult.bootstrap`` (estimates only, the same work as lavaan's; and everything:
   std.all, R², fit indices, Bollen-Stine);
3. a Monte Carlo study of 500 samples of N = 772 from the EM40 population model (Likert
   answers): draw, fit, test every parameter — edu40 ``monte_carlo_power``, semopy and
   lavaan in a loop over the same population (lavaan draws with MASS::mvrnorm and the same
   thresholds);
4. fit time as N grows (1e3 .. 1e6 respondents) and as the model grows (42 .. 168
   indicators: EM40's six factors replicated 1-4 times), and ``load_survey`` + ``fit`` of a
   survey file of 1e6 respondents;
5. FIML fits with 1 % of answers missing (N = 1000 .. 16000): the cost follows the number of
   missing-data patterns.

Times exclude interpreter start-up, imports and (for R) reading the data; they include
everything a user waits for.  Results: benchmarks/results/run_all.json and run_all.md
(copied into docs/performance.md).  The data are synthetic (``edu40.simulate``).
This script is not part of the unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample" / "em40_survey.csv"
OUT = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(Path(__file__).parent))


# -- helpers -------------------------------------------------------------------------------
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
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "task.R"
        script.write_text(code)
        run = subprocess.run(["Rscript", str(script), *map(str, args)], capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(run.stderr[-2000:])
        line = [l for l in run.stdout.splitlines() if l.startswith("{")][-1]
        return json.loads(line)


R_HEAD = r"""
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
read <- function(f) as.data.frame(data.table::fread(f))
model <- paste(readLines(args[2]), collapse = "\n")
"""


# -- tasks (each runs in its own process) ---------------------------------------------------
def task_fit_single(tool, repeat=7, **_):
    from bench_fit import edu40_complete, semopy_complete, lavaan_complete, time_it

    data = pd.read_csv(DATA)
    import edu40

    model = edu40.EM40.model()
    if tool == "edu40":
        return {"seconds": time_it(lambda: edu40_complete(model, data), repeat)[0]}
    if tool == "semopy":
        return {"seconds": time_it(lambda: semopy_complete(model, data), repeat)[0]}
    out = lavaan_complete(model, repeat)
    return {"seconds": out[0], "version": out[2]}


def task_bootstrap(tool, draws=1000, measure=None, **_):
    import edu40

    data = pd.read_csv(DATA)
    model = edu40.EM40.model()
    if tool in ("edu40", "edu40_full"):
        res = edu40.fit(model, data)
        full = tool == "edu40_full"
        t0 = time.perf_counter()
        boot = res.bootstrap(draws, seed=1, n_jobs=-1, progress=False, bollen_stine=full,
                             standardized=full, r2=full, fit_measures=full)
        return {"seconds": time.perf_counter() - t0, "ok": boot.n_ok, "failed": boot.n_failed}
    if tool == "semopy":
        import semopy

        complete = data[edu40.EM40.item_codes].dropna().to_numpy()
        rng = np.random.default_rng(1)
        t0 = time.perf_counter()
        ests = []
        measure = measure or draws   # semopy takes ~1 s a fit: time `measure` draws, scale linearly
        for _ in range(measure):
            d = pd.DataFrame(complete[rng.integers(0, len(complete), len(complete))],
                             columns=edu40.EM40.item_codes)
            m = semopy.Model(model)
            m.fit(d)
            ests.append(m.inspect()["Estimate"].to_numpy())
        np.std(np.array(ests), axis=0)
        return {"seconds": (time.perf_counter() - t0) * draws / measure, "ok": measure,
                "measured": measure}
    ncpus = 2 if tool == "lavaan_2cores" else 1
    with tempfile.TemporaryDirectory() as tmp:
        mfile = Path(tmp) / "model.txt"
        mfile.write_text(model)
        code = R_HEAD + r"""
d <- read(args[1]); R <- as.integer(args[3]); ncpus <- as.integer(args[4])
par <- if (ncpus > 1) "multicore" else "no"
t <- system.time({
  fit <- sem(model, data = d, se = "bootstrap", bootstrap = R, parallel = par, ncpus = ncpus, iseed = 1)
  pe <- parameterEstimates(fit, boot.ci.type = "perc")
})[["elapsed"]]
cat(toJSON(list(seconds = t, ok = nrow(lavInspect(fit, "boot"))), auto_unbox = TRUE), "\n")
"""
        return _rscript(code, DATA, mfile, draws, ncpus)


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
        code = R_HEAD + r"""
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
            code = R_HEAD + r"""
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


def task_load(tool="edu40", n=1_000_000, **_):
    import edu40

    data = _simulated(n).astype("int8")
    data.insert(0, "respondent_id", np.arange(1, n + 1))
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "survey.csv"
        data.to_csv(f, index=False)
        del data
        t0 = time.perf_counter()
        survey = edu40.load_survey(f)
        t_load = time.perf_counter() - t0
        res = edu40.fit(edu40.EM40.model(), survey)
        res.estimates, res.fit_indices
        total = time.perf_counter() - t0
    return {"seconds": total, "load": t_load, "fit": total - t_load}


def task_fiml(tool, n=1000, missing=0.01, **_):
    """One FIML fit of EM40 with answers missing completely at random: cost grows with patterns."""
    import edu40

    data = edu40.simulate(edu40.EM40, n, seed=1, r_squared=0.78, missing=missing)
    patterns = int((~data.isna()).drop_duplicates().shape[0])
    model = edu40.EM40.model()
    if tool == "edu40":
        t0 = time.perf_counter()
        r = edu40.fit(model, data, missing="fiml")
        r.estimates, r.fit_indices
        return {"seconds": time.perf_counter() - t0, "patterns": patterns}
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "data.csv"
        data.to_csv(f, index=False)
        mfile = Path(tmp) / "model.txt"
        mfile.write_text(model)
        code = R_HEAD + r"""
d <- read(args[1])
t <- system.time({fit <- sem(model, data = d, missing = "ml"); parameterEstimates(fit); fitMeasures(fit)})[["elapsed"]]
cat(toJSON(list(seconds = t), auto_unbox = TRUE), "\n")
"""
        out = _rscript(code, f, mfile)
        out["patterns"] = patterns
        return out


TASKS = {"fiml": task_fiml, "fit_single": task_fit_single, "bootstrap": task_bootstrap, "montecarlo": task_montecarlo,
         "scale": task_scale, "load": task_load}


# -- the driver ---------------------------------------------------------------------------
def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_task(name, tool, timeout=3600, **kwargs) -> dict:
    """Run one task in a fresh process; its result plus the peak RSS of its process tree."""
    import psutil

    cmd = [sys.executable, __file__, "--task", name, "--tool", tool, "--kwargs", json.dumps(kwargs)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=str(ROOT))
    proc = psutil.Process(child.pid)
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(proc))
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        stop.set()
        return {"task": name, "tool": tool, **kwargs, "error": f"timeout after {timeout} s"}
    stop.set()
    thread.join()
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if child.returncode != 0 or not lines:
        return {"task": name, "tool": tool, **kwargs, "error": (err or out)[-500:]}
    result = json.loads(lines[-1])
    result.update({"task": name, "tool": tool, **kwargs, "peak_mb": peak[0] / 2 ** 20})
    print(f"  {name:11s} {tool:14s} {json.dumps(kwargs):38s} {result['seconds']:9.2f} s "
          f"{result['peak_mb']:7.0f} MB", flush=True)
    return result


def machine() -> dict:
    import numpy
    import scipy

    import edu40

    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cores": os.cpu_count(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "edu40": edu40.__version__}
    try:
        import semopy

        info["semopy"] = semopy.__version__
    except ImportError:
        pass
    try:
        info["cpu"] = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                       if l.startswith("model name")][0]
        info["memory_gb"] = round(int([l.split()[1] for l in open("/proc/meminfo")
                                        if l.startswith("MemTotal")][0]) / 2 ** 20, 1)
    except (OSError, IndexError):
        pass
    if shutil.which("Rscript"):
        v = subprocess.run(["Rscript", "-e", 'cat(R.version.string, as.character(packageVersion("lavaan")))'],
                           capture_output=True, text=True).stdout
        info["R"] = v.strip()
    info["load_average_at_start"] = os.getloadavg()
    return info


def plan(quick: bool, lavaan: bool, semopy: bool):
    tools3 = ["edu40"] + (["semopy"] if semopy else []) + (["lavaan"] if lavaan else [])
    draws, reps = (100, 50) if quick else (1000, 500)
    jobs = [("fit_single", t, {}) for t in tools3]
    boot_tools = ["edu40", "edu40_full"] + (["semopy"] if semopy else []) + \
                 (["lavaan", "lavaan_2cores"] if lavaan else [])
    jobs += [("bootstrap", t, {"draws": draws, **({"measure": draws // 10} if t == "semopy" else {})})
             for t in boot_tools]
    jobs += [("montecarlo", t, {"reps": reps, **({"measure": reps // 5} if t == "semopy" else {})})
             for t in tools3]
    ns = [1000, 10_000] if quick else [1000, 10_000, 100_000, 1_000_000]
    jobs += [("scale", t, {"n": n, "repeat": 1 if n >= 10 ** 6 else 3}) for n in ns for t in tools3]
    for copies in ([1, 2] if quick else [1, 2, 3, 4]):
        jobs += [("scale", t, {"n": 2000, "copies": copies, "repeat": 3}) for t in tools3]
    jobs.append(("load", "edu40", {"n": 100_000 if quick else 1_000_000}))
    fiml_tools = ["edu40"] + (["lavaan"] if lavaan else [])
    jobs += [("fiml", t, {"n": n, "missing": 0.01}) for n in ([1000] if quick else [1000, 4000, 16000])
             for t in fiml_tools]
    return jobs


def report(results, info, command) -> str:
    df = pd.DataFrame(results)
    if "error" not in df:
        df["error"] = None
    ok = df[df["error"].isna()]
    for col in ("copies", "ok", "n", "draws", "reps"):
        if col not in ok:
            ok = ok.assign(**{col: np.nan})

    def cell(task, tool, **kw):
        sel = ok[(ok["task"] == task) & (ok["tool"] == tool)]
        for k, v in kw.items():
            sel = sel[sel[k] == v] if k in sel else sel.iloc[0:0]
        return sel.iloc[0] if len(sel) else None

    def fmt_row(label, task, tools, **kw):
        base = cell(task, "edu40", **kw)
        rows = []
        for tool, name in tools:
            r = cell(task, tool, **kw)
            if r is None:
                continue
            ratio = r["seconds"] / base["seconds"] if base is not None else np.nan
            extra = f" ({int(r['ok'])} ok)" if "ok" in r and pd.notna(r.get("ok")) else ""
            if "measured" in r and pd.notna(r.get("measured")):
                extra = f" (timed on {int(r['measured'])}, scaled linearly)"
            rows.append(f"| {label} | {name}{extra} | {r['seconds']:.3f} | {ratio:.1f}x | "
                        f"{r['peak_mb']:.0f} |")
        return rows

    lav = info.get("R", "lavaan").split()[-1] if "R" in info else "?"
    tools = [("edu40", f"edu40 {info['edu40']}"), ("semopy", f"semopy {info.get('semopy', '')} (raw)"),
             ("lavaan", f"lavaan {lav}")]
    lines = ["| task | tool | time (s) | time / edu40 | peak memory (MB) |", "| --- | --- | --- | --- | --- |"]
    lines += fmt_row("one complete fit, EM40 (42 indicators), N = 772", "fit_single", tools)
    b = [("edu40", "edu40, estimates only (2 cores)"), ("edu40_full", "edu40, + std.all, R², fit indices, Bollen-Stine (2 cores)"),
         ("semopy", f"semopy {info.get('semopy', '')} refit per resample (1 core)"),
         ("lavaan", f"lavaan {lav} se=\"bootstrap\" (1 core)"),
         ("lavaan_2cores", f"lavaan {lav} se=\"bootstrap\", parallel=\"multicore\", ncpus=2")]
    draws = int(ok.loc[ok["task"] == "bootstrap", "draws"].iloc[0]) if (ok["task"] == "bootstrap").any() else 0
    lines += fmt_row(f"bootstrap, {draws} draws, EM40, N = 772", "bootstrap", b)
    reps = int(ok.loc[ok["task"] == "montecarlo", "reps"].iloc[0]) if (ok["task"] == "montecarlo").any() else 0
    m = [("edu40", "edu40 monte_carlo_power (2 cores)"), ("semopy", "semopy, loop over edu40.simulate (1 core)"),
         ("lavaan", f"lavaan {lav}, loop over MASS::mvrnorm (1 core)")]
    lines += fmt_row(f"Monte Carlo, {reps} samples of N = 772 (Likert), EM40", "montecarlo", m)
    text = ["## Peers", "", *lines, ""] if len(lines) > 2 else []
    sc = ok[(ok["task"] == "scale") & ok["copies"].isna()]
    if len(sc):
        piv = sc.pivot_table(index="n", columns="tool", values="seconds")
        mem = sc.pivot_table(index="n", columns="tool", values="peak_mb")
        text += ["## Fit time as N grows (EM40, 42 indicators; one fit with estimates and fit indices)", "",
                 "| N | " + " | ".join(f"{c} (s)" for c in piv.columns) + " | " +
                 " | ".join(f"{c} peak MB" for c in mem.columns) + " |",
                 "| --- |" + " --- |" * (2 * len(piv.columns))]
        for n, row in piv.iterrows():
            text.append(f"| {int(n):,} | " + " | ".join(f"{v:.3f}" for v in row) + " | " +
                        " | ".join(f"{v:.0f}" for v in mem.loc[n]) + " |")
        text.append("")
    sp = ok[(ok["task"] == "scale") & ok["copies"].notna()]
    if len(sp):
        piv = sp.pivot_table(index="copies", columns="tool", values="seconds")
        text += ["## Fit time as the model grows (EM40's factors replicated; N = 2000)", "",
                 "| indicators | factors | " + " | ".join(f"{c} (s)" for c in piv.columns) + " | " +
                 " | ".join(f"{c} / edu40" for c in piv.columns if c != "edu40") + " |",
                 "| --- | --- |" + " --- |" * (2 * len(piv.columns) - 1)]
        for k, row in piv.iterrows():
            text.append(f"| {42 * int(k)} | {6 * int(k)} | " + " | ".join(f"{v:.3f}" for v in row) + " | " +
                        " | ".join(f"{row[c] / row['edu40']:.1f}x" for c in piv.columns if c != "edu40") + " |")
        text.append("")
    ld = ok[ok["task"] == "load"]
    if len(ld):
        r = ld.iloc[0]
        text += ["## A national survey file", "",
                 f"`edu40.load_survey` + `edu40.fit` of a CSV of {int(r['n']):,} respondents x 42 items: "
                 f"load {r['load']:.1f} s + fit {r['fit']:.1f} s = {r['seconds']:.1f} s; peak memory "
                 f"{r['peak_mb']:.0f} MB.", ""]
    fm = ok[ok["task"] == "fiml"]
    if len(fm):
        piv = fm.pivot_table(index=["n", "patterns"], columns="tool", values="seconds")
        text += ["## FIML: time grows with the missing-data patterns (EM40, 1 % of answers missing at random)", "",
                 "| N | patterns | " + " | ".join(f"{c} (s)" for c in piv.columns) + " |",
                 "| --- | --- |" + " --- |" * len(piv.columns)]
        for (n, pat), row in piv.iterrows():
            text.append(f"| {int(n):,} | {int(pat):,} | " + " | ".join(f"{v:.2f}" for v in row) + " |")
        text.append("")
    errs = df[df["error"].notna()]
    if len(errs):
        text += ["## Not measured", ""] + [f"- {r.task} {r.tool}: {r.error}" for r in errs.itertuples()] + [""]
    head = [f"Command: `{command}`", "",
            "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), ""]
    return "\n".join(head + text)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-lavaan", action="store_true")
    p.add_argument("--no-semopy", action="store_true")
    p.add_argument("--only", help="run only tasks of this name (fit_single, bootstrap, montecarlo, scale, load, fiml)")
    p.add_argument("--task")
    p.add_argument("--tool")
    p.add_argument("--kwargs", default="{}")
    args = p.parse_args(argv)
    if args.task:   # a child process: one task, one JSON line
        print(json.dumps(TASKS[args.task](args.tool, **json.loads(args.kwargs)), default=float))
        return None
    lavaan = not args.no_lavaan and shutil.which("Rscript") is not None
    info = machine()
    jobs = plan(args.quick, lavaan, not args.no_semopy)
    if args.only:
        jobs = [j for j in jobs if j[0] == args.only]
    print(f"{len(jobs)} measurements; machine: {info}", flush=True)
    results = [run_task(name, tool, **kw) for name, tool, kw in jobs]
    info["load_average_at_end"] = os.getloadavg()
    command = "python benchmarks/run_all.py" + (" --quick" if args.quick else "") + \
              (f" --only {args.only}" if args.only else "")
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = ("_quick" if args.quick else "") + (f"_{args.only}" if args.only else "")
    (OUT / f"run_all{suffix}.json").write_text(json.dumps({"machine": info, "command": command,
                                                          "results": results}, indent=2, default=float))
    md = report(results, info, command)
    (OUT / f"run_all{suffix}.md").write_text(md + "\n")
    print(md)
    return results


if __name__ == "__main__":
    main()
