"""The performance record: every benchmark in one run, and docs/performance.md written from it.

    python benchmarks/run_all.py            # the record: ~30-40 minutes on 2 cores (lavaan's FIML
                                            # and bootstrap are most of it); rewrites docs/performance.md
                                            # and the speed lines of README.md
    python benchmarks/run_all.py --quick    # fewer draws and sizes, to check the scripts (~5 minutes);
                                            # writes benchmarks/results/quick/, not the docs
    python benchmarks/run_all.py --docs-only    # the page and README lines again from the saved record

Runs, each measurement in a fresh process (benchmarks/_harness.py): bench_fit (one complete fit),
bench_bootstrap (1000 draws, defaults, 1 and 2 cores), bench_fiml (FIML to 735 patterns),
bench_national (a CSV of 1,000,000 respondents) and bench_scaling (N, model size, Monte Carlo).
A thread samples the other processes on the machine every 10 s, so the page can say what else ran.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_bootstrap  # noqa: E402
import bench_fiml  # noqa: E402
import bench_fit  # noqa: E402
import bench_national  # noqa: E402
import bench_scaling  # noqa: E402
from _harness import OUT, ROOT, machine, ratio, save, seconds, table  # noqa: E402

RECORD = OUT / "record.json"
DOC = ROOT / "docs" / "performance.md"
README = ROOT / "README.md"
COMMAND = "python benchmarks/run_all.py"
GOALS = {"bootstrap_2cores": 0.1, "bootstrap_1core": 0.2, "fiml": 0.05, "fit": 0.1,
         "national_seconds": 15.0, "national_mb": 2048.0}


class OtherLoad(threading.Thread):
    """Samples, every ``every`` s, the processes outside this run that use more than 20 % of a core."""

    def __init__(self, every=10.0):
        super().__init__(daemon=True)
        self.every, self.samples, self.seen = every, 0, Counter()
        self.stop = threading.Event()

    def run(self):
        import psutil

        me = psutil.Process()
        while not self.stop.wait(self.every):
            mine = {me.pid} | {p.pid for p in me.children(recursive=True)}
            self.samples += 1
            for p in psutil.process_iter(["pid", "cmdline", "name"]):
                try:
                    if p.info["pid"] in mine:
                        continue
                    cpu = p.cpu_percent(interval=None)      # since the previous sample
                    if cpu > 20:
                        cmd = " ".join(p.info["cmdline"] or [p.info["name"] or "?"])
                        self.seen[_short(cmd)] += 1
                except psutil.Error:
                    pass

    def summary(self) -> list:
        return [{"process": k, "share_of_samples": v / max(self.samples, 1)}
                for k, v in self.seen.most_common(6)]


def _short(cmd: str) -> str:
    cmd = re.sub(r"/\S*/(python3?|Rscript|R)\b", r"\1", cmd)
    return cmd[:70]


def _ordinal(quick: bool) -> dict:
    """bench_ordinal.py (WLSMV and polychoric against lavaan and psych) in its own process."""
    import subprocess

    cmd = [sys.executable, str(Path(__file__).parent / "bench_ordinal.py"), "--repeat",
           "2" if quick else "5"] + ([] if quick else ["--psych"])
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT), timeout=3 * 3600)
    if run.returncode != 0:
        return {"error": (run.stderr or run.stdout)[-800:]}
    return json.loads((OUT / "ordinal.json").read_text())


def run_all(quick: bool, only=None, previous=None) -> dict:
    watcher = OtherLoad()
    watcher.start()
    info = machine()
    rec = {"command": COMMAND + (" --quick" if quick else ""), "machine": info,
           "started": time.strftime("%Y-%m-%d %H:%M")}
    if previous is not None:       # --only: the other parts stay as the saved record has them
        rec = dict(previous, reruns=previous.get("reruns", []) + [
            {"parts": list(only), "at": time.strftime("%Y-%m-%d %H:%M"), "machine_load": info["load_average_at_start"]}])
    steps = [("fit", lambda: bench_fit.run(repeat=5 if quick else 15)),
             ("bootstrap", lambda: bench_bootstrap.run(draws=200 if quick else 1000)),
             ("fiml", lambda: bench_fiml.run(sizes=(1000,) if quick else (1000, 4000, 16000))),
             ("national", lambda: bench_national.run(n=100_000 if quick else 1_000_000)),
             ("ordinal", lambda: _ordinal(quick)),
             ("scaling", lambda: bench_scaling.run(quick=quick))]
    for name, step in steps:
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        before = os.getloadavg()
        print(f"== {name}", flush=True)
        rec[name] = step()
        rec[name]["seconds"] = time.perf_counter() - t0
        rec[name]["load_average"] = {"before": [round(x, 2) for x in before],
                                     "after": [round(x, 2) for x in os.getloadavg()]}
        if not quick:          # each benchmark's own file, as its script alone writes it
            save(name, dict(rec[name], machine=info))
        rec[name]["at"] = time.strftime("%Y-%m-%d %H:%M")
    watcher.stop.set()
    if previous is None:
        rec["other_processes"] = watcher.summary()
        rec["finished"] = time.strftime("%Y-%m-%d %H:%M")
    else:
        rec["reruns"][-1]["other_processes"] = watcher.summary()
    return rec


# -- the page -------------------------------------------------------------------------------------
def goals(rec: dict) -> list:
    b, f, fi, n = rec["bootstrap"]["summary"], rec["fit"]["summary"], rec["fiml"]["summary"], rec["national"]
    e = n["rows"]["edu40"]
    out = [
        (f"bootstrap, {rec['bootstrap']['draws']} draws, defaults (std.all, R², fit indices, Bollen-Stine), "
         "cold, 2 cores: at most 0.1 x lavaan's single-core time", b.get("cold_2cores_vs_lavaan_1core"),
         GOALS["bootstrap_2cores"]),
        ("the same on one core: at most 0.2 x lavaan on one core", b.get("cold_1core_vs_lavaan_1core"),
         GOALS["bootstrap_1core"]),
        (f"FIML, N = {fi.get('n', 16000):,} with {fi.get('patterns', 735)} patterns: at most 0.05 x lavaan "
         "(cold)", fi.get("cold_ratio"), GOALS["fiml"]),
        ("one complete ML fit of the 42-indicator model: at most 0.1 x lavaan (warm; cold in the table)",
         f.get("warm_ratio"), GOALS["fit"]),
    ]
    rows = [[what, f"{v:.3f} x" if v is not None else "not measured",
             "**met**" if v is not None and v <= goal else "**not met**"] for what, v, goal in out]
    cold, peak = e.get("cold"), e.get("peak_mb")
    met = cold is not None and cold < GOALS["national_seconds"] and peak < GOALS["national_mb"]
    rows.append([f"a CSV of {n['summary']['n']:,} respondents: load + validate + fit in under 15 s cold, "
                 "peak memory under 2 GB", f"{seconds(cold)} s, {peak:.0f} MB" if cold else "not measured",
                 "**met**" if met else "**not met**"])
    o = rec.get("ordinal")
    if o and "error" not in o:
        w = o["wlsmv_em40"]
        r = w["edu40"]["median"] / w["lavaan"]["median"] if "lavaan" in w else None
        rows.append(["WLSMV fit of the 42-indicator model (every item ordered), N = 772: at most 0.2 x lavaan",
                     f"{r:.3f} x" if r else "not measured", "**met**" if r and r <= 0.2 else "**not met**"])
        pc = o["polychoric_100k"]["edu40"]["median"]
        rows.append(["polychoric matrix of 42 items, N = 100,000: under 10 s", f"{seconds(pc)} s",
                     "**met**" if pc < 10 else "**not met**"])
    return rows


def render(rec: dict) -> str:
    m = rec["machine"]
    others = rec.get("other_processes") or []
    busy = ("; ".join(f"`{o['process']}` ({o['share_of_samples']:.0%} of the samples)" for o in others)
            if others else "none above 20 % of a core")
    loads = ", ".join(f"{k} {v['load_average']['before'][0]}–{v['load_average']['after'][0]}"
                      for k, v in rec.items() if isinstance(v, dict) and "load_average" in v)
    reruns = "".join(
        f"  Rerun into this record with `{COMMAND} --only {' '.join(r['parts'])}` at {r['at']} (other "
        f"processes above a fifth of a core: "
        f"{'; '.join(o['process'] for o in r.get('other_processes', [])) or 'none'})."
        for r in rec.get("reruns", []))
    b = rec["bootstrap"]
    parts = [f"""# Performance record

Every number on this page comes from **one run of one command on one machine**, edu40 next to its
peers in the same run:

```bash
pip install -e ".[test,bench]"        # psutil samples the memory of each measured process tree
{COMMAND}       # ~30-40 minutes on 2 cores; rewrites this page and README.md's speed lines
```

The page is generated from `benchmarks/results/record.json` (every measurement, the machine, the
load); `python benchmarks/run_all.py --docs-only` writes it again from that file, and
`--quick` checks the scripts in a few minutes without touching the record.  Each benchmark also
runs alone (`python benchmarks/bench_bootstrap.py`, `bench_fiml.py`, `bench_fit.py`,
`bench_national.py`, `bench_scaling.py`) and writes its own JSON.

**This run**: {rec['started']} to {rec['finished']}, `{rec['command']}`.  Machine: {m.get('cores')} cores
({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB, {m.get('platform', '')}; Python {m['python']},
numpy {m['numpy']}, scipy {m['scipy']}, edu40 {m['edu40']}, semopy {m.get('semopy', '–')},
{m.get('R', 'R')} with lavaan {m.get('lavaan', '?')}.  The machine is shared: other processes that
used more than a fifth of a core while the record ran: {busy}.  One-minute load average before and
after each part: {loads}.  Timings on a busy machine are longer for every tool, so the *ratios*
are the figures to read; they come from this single run.{reruns}

## The goals

{table(['goal', 'measured', ''], goals(rec))}

*Cold* is what a user waits for in a new session: a fresh process, from the interpreter's (or R's)
start, through `import edu40` (or `library(lavaan)`), reading the CSV and fitting, to the result.
*Warm* is a second call in the same process.

## One complete fit

{rec['fit']['what']}: `edu40.fit` + `.estimates` + `.standardized` + `.fit_indices`; semopy
`Model.fit` + `inspect(std_est=True)` + `calc_stats`; lavaan `sem` + `parameterEstimates` +
`standardizedSolution` + `fitMeasures`.

{bench_fit.markdown(rec['fit'])}

## Bootstrap

{b['what']}.  edu40 as a user calls it, `res.bootstrap({b['draws']}, seed=1)`: estimates, std.all, R²,
every fit index and the Bollen-Stine test (twice the fits lavaan does); lavaan `sem(se = "bootstrap",
bootstrap = {b['draws']})` + `parameterEstimates(boot.ci.type = "perc")`.  "1 core": the process pinned to
one CPU with one BLAS thread (edu40 `n_jobs=1`, lavaan serial); "2 cores": edu40's default
`n_jobs=-1` (worker processes only when the run is long enough to pay for them, see below), lavaan
`parallel = "multicore", ncpus = 2`.

{bench_bootstrap.markdown(b)}

## FIML

{rec['fiml']['what']}; one fit with estimates, standard errors from the observed information (the
analytic Hessian; lavaan's default with `missing = "ml"`) and every fit index.  The last row repeats
each respondent ten times: ten times N, the same patterns.

{bench_fiml.markdown(rec['fiml'])}

## A national survey file

{rec['national']['what']}.

{bench_national.markdown(rec['national'])}

{_ordinal_section(rec.get('ordinal'))}
## Fit time as N and the model grow, and a Monte Carlo study

{bench_scaling.markdown(rec['scaling'])}
"""]
    parts.append(WHY)
    return "\n".join(parts)


def _ordinal_section(o) -> str:
    if not o:
        return ""
    if "error" in o:
        return f"## Ordinal estimation\n\nNot measured: {o['error'][:200]}\n"
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_ordinal

    return f"""## Ordinal estimation

One complete WLSMV fit of the 42-indicator EM40 structural model with every item ordered (N = 772:
thresholds, 861 polychoric correlations, their 1029 x 1029 asymptotic covariance, DWLS estimation,
robust SEs, the scaled-and-shifted test, scaled and robust fit indices, std.all), and the polychoric
matrix of 42 five-point items on N = 100,000 simulated respondents (`benchmarks/bench_ordinal.py`:
medians of repeated runs in one process each, edu40's runs alternating with those of a persistent R
process timed inside R; CPU = user + system seconds of the process):

{bench_ordinal.report(o)}

Why it is fast: the two-way tables of all item pairs are counted with one `np.bincount` per item;
the correlations of all pairs are estimated together by Newton's method in arrays, with a vectorised
bivariate normal (Genz, 2004) instead of a per-pair optimiser; the casewise scores of a pair of
ordered items depend only on the answer pair, so they are looked up from the cells; the asymptotic
covariance is one matrix product of the casewise influence functions; and the DWLS fit is
Gauss-Newton with the analytic Jacobian of the RAM model (7 steps for EM40), where lavaan runs a
quasi-Newton optimiser (nlminb) over the 267 parameters and computes the polychoric correlations pair
by pair.  psych estimates its pairs in child processes (`mclapply`), whose CPU time R's
`system.time` does not count: compare its wall-clock time.
"""


WHY = """## How it measures

Each measurement is a fresh process started by `benchmarks/_harness.py`; a thread samples the
resident memory of that process and its children (joblib workers, R's forks) every 50 ms: *peak
memory* is the largest total, interpreter and libraries included.  Inner timings come from the
child itself; the interpreter's own start (measured once on an empty script, about 0.05 s for
Python and 0.2 s for R) is added to the Python cold times; R cold times are the whole Rscript
process.  The data are synthetic: the shipped sample `data/sample/em40_survey.csv` (N = 772, 764
complete) and `edu40.simulate` from the EM40 population model (`r_squared=0.78`).  No unit test
contains a time limit; this script is not part of the test suite.

## Why it is fast

* **Imports.** `import edu40` loads nothing but a table of names; each is imported on first use
  (`edu40.__init__`).  Fitting a model loads numpy, pandas and `scipy.linalg`; survey statistics,
  reports and plots (`scipy.stats`, statsmodels, matplotlib) load only when used.
* **One fit.** Fisher scoring with the analytic expected information; the gradient in node space
  (a handful of products of the 48 x 48 RAM matrices, `E = I + A + A²` for recursive models);
  one BLAS thread for the whole call; the Jacobian of the std.all solution from one stacked
  evaluation of all 2q perturbed parameter vectors (`docs/sem.md`).
* **Bootstrap.** The model, its parameter table and the full-sample *inverse Hessian* are built once;
  every draw starts at the full-sample estimates and runs BFGS from that metric (each iteration one
  analytic gradient, no information matrix per draw; 7-9 iterations to a step below 1e-7).  A chunk
  of 32 draws is fitted as one stack of arrays (`sem/batch.py`): the draws' moments come from their
  resampling counts in one matrix product, the Bollen-Stine draws' from the same counts by the
  affine map of the transformed data, Σ⁻¹ from the Woodbury identity for models in factor form,
  and std.all, R² and every fit index are computed along the draw axis: about a millisecond a draw
  (both fits and every statistic) for EM40.  A run that the first chunk predicts to take less than
  starting worker processes stays in the calling process (1000 draws do, so "2 cores" and "1 core"
  do the same work); longer runs use joblib's worker processes, started once per session.  Threads
  were tried and gave nothing on two cores: half of a stacked iteration still holds the GIL.
* **FIML.** Everything works on the missing-data patterns' moments, never on the rows after they
  are grouped: each pattern's inverse from one Cholesky factor of Sigma (Schur complements), the
  patterns missing k answers stacked together for the likelihood and gradient, the h1 model's EM
  on the patterns' moments, and the observed information analytic (the Hessian of the pattern
  sums, `sem/hessian.py`) instead of 2q numerical gradients.  The rows are grouped into patterns
  once (their answer masks packed into bytes and sorted) and the pairwise moments come from the
  pattern sums; after that the cost follows the number of patterns: the table's last row has ten
  times the respondents and the fit costs about the same.
* **Many respondents.** Only the sample moments see the rows: one centred cross-product, block by
  block, without a second copy of a million-row matrix.
"""


README_START, README_END = "<!-- speed:start -->", "<!-- speed:end -->"


def readme_block(rec: dict) -> str:
    b, f, fi, n = rec["bootstrap"], rec["fit"], rec["fiml"], rec["national"]
    e2, l1 = b["rows"]["edu40, 2 cores"], b["rows"]["lavaan, 1 core"]
    fe, fl = f["rows"]["edu40"], f["rows"]["lavaan"]
    last = [r for r in fi["rows"] if "lavaan" in r][-1]
    ne = n["rows"]["edu40"]
    lines = [
        README_START,
        f"Measured against lavaan {rec['machine'].get('lavaan', '')} in one run on a 2-core machine "
        f"([docs/performance.md](docs/performance.md), `{COMMAND}`):",
        "",
        f"* a bootstrap of {b['draws']} draws with std.all, R², fit indices and Bollen-Stine, from a new "
        f"Python session: {seconds(e2.get('cold'))} s, against {seconds(l1.get('cold'))} s for lavaan's "
        f"`se = \"bootstrap\"` on one core ({ratio(e2.get('cold'), l1.get('cold'))} x);",
        f"* one complete fit of the 42-indicator model: {seconds(fe.get('warm'))} s against "
        f"{seconds(fl.get('warm'))} s ({ratio(fe.get('warm'), fl.get('warm'))} x);",
        f"* FIML with N = {last['n']:,} and {last['edu40'].get('patterns')} missing-data patterns: "
        f"{seconds(last['edu40'].get('cold'))} s against {seconds(last['lavaan'].get('cold'))} s "
        f"({ratio(last['edu40'].get('cold'), last['lavaan'].get('cold'))} x);",
        f"* a CSV of {n['summary']['n']:,} respondents loaded, validated and fitted in "
        f"{seconds(ne.get('cold'))} s from a new session, peak memory {ne.get('peak_mb', 0):.0f} MB.",
        README_END,
    ]
    return "\n".join(lines)


def write_docs(rec: dict) -> None:
    DOC.write_text(render(rec), encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    block = readme_block(rec)
    if README_START in text:
        text = re.sub(re.escape(README_START) + ".*?" + re.escape(README_END), lambda _: block, text,
                      flags=re.S)
    else:
        text = text.replace("## What is where", "## Speed\n\n" + block + "\n\n## What is where", 1)
    README.write_text(text, encoding="utf-8")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--docs-only", action="store_true")
    p.add_argument("--only", nargs="+", metavar="PART",
                   help="rerun these parts (fit bootstrap fiml national ordinal scaling) into the saved record")
    args = p.parse_args(argv)
    if args.docs_only:
        rec = json.loads(RECORD.read_text())
    elif args.only:
        rec = run_all(False, set(args.only), json.loads(RECORD.read_text()))
        RECORD.write_text(json.dumps(rec, indent=2, default=float))
    else:
        rec = run_all(args.quick)
        target = OUT / "quick" if args.quick else OUT
        target.mkdir(parents=True, exist_ok=True)
        (target / "record.json").write_text(json.dumps(rec, indent=2, default=float))
        if args.quick:
            print(render(rec))
            return rec
    write_docs(rec)
    print(f"wrote {DOC.relative_to(ROOT)} and README.md's speed lines")
    return rec


if __name__ == "__main__":
    main()
