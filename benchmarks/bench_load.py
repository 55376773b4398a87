"""Time edu40.load_survey against pandas.read_csv on the same CSV, in the same run.

    python benchmarks/bench_load.py                 # 1,000,000 respondents x 42 EM40 items
    python benchmarks/bench_load.py --n 200000 --repeat 3

pandas.read_csv is the floor (reading the cells, no checks); load_survey reads the same file
and matches columns, parses and validates every answer, screens straight-liners and speeders
and records each problem.  Three layouts: items only; with a duration column (seconds); with
start and end timestamps as text.  Prints the median seconds of each and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import edu40


def make(n: int, layout: str, path: Path, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    person = rng.normal(3.8, 0.6, size=(n, 1))
    items = np.clip(np.rint(person + rng.normal(0, 0.7, size=(n, 42))), 1, 5).astype("int8")
    frame = pd.DataFrame(items, columns=edu40.EM40.item_codes)
    frame.insert(0, "respondent_id", np.arange(1, n + 1))
    seconds = rng.integers(30, 1200, size=n)
    if layout == "duration":
        frame["Duration (in seconds)"] = seconds
    elif layout == "start_end":
        start = pd.Timestamp("2024-06-15 08:00:00") + pd.to_timedelta(rng.integers(0, 36000, size=n), unit="s")
        frame["StartDate"] = start.strftime("%Y-%m-%d %H:%M:%S")
        frame["EndDate"] = (start + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S")
    frame.to_csv(path, index=False)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    print(f"n = {args.n:,} respondents x 42 items; median of {args.repeat}; edu40 {edu40.__version__}, "
          f"pandas {pd.__version__}")
    print(f"{'layout':<10} {'pandas.read_csv':>16} {'edu40.load_survey':>18} {'ratio':>7}  flagged")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("items", "duration", "start_end"):
            path = Path(tmp) / f"{layout}.csv"
            make(args.n, layout, path)
            t_pd = median_time(lambda: pd.read_csv(path), args.repeat)
            holder = {}
            t_edu = median_time(lambda: holder.update(s=edu40.load_survey(path)), args.repeat)
            sc = holder["s"].validation.screening.set_index("check")["flagged"].to_dict()
            print(f"{layout:<10} {t_pd:>15.2f}s {t_edu:>17.2f}s {t_edu / t_pd:>7.2f}  {sc}")


if __name__ == "__main__":
    main()
