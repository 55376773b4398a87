"""Write the generated tables of docs/real-data.md from the bfi parity checks.

    python scripts/bfi_parity_table.py          # rewrite the tables in docs/real-data.md
    python scripts/bfi_parity_table.py --check  # exit 1 if the page is not what this run measures

The comparisons are the ones tests/test_bfi_parity.py asserts (defined once, in tests/_bfi.py);
each table sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers and is replaced
whole.  Takes about a minute (it fits every model, FIML included, and bootstraps 300 times).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import _bfi  # noqa: E402
import edu40  # noqa: E402

DOC = ROOT / "docs" / "real-data.md"


def behaviour_markdown() -> str:
    """Items with the strongest skew: percent at the floor and the ceiling, skewness, kurtosis."""
    raw = _bfi.raw()[_bfi.ITEMS]
    d = edu40.describe(raw).set_index("variable")
    texts = _bfi.instrument().items.set_index("item")["text_en"]
    top = d["skewness"].abs().sort_values(ascending=False).index[:6]
    lines = ["| item | text | n | % answering 1 | % answering 6 | mean | skewness | kurtosis |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for item in top:
        x = raw[item].dropna()
        lines.append(f"| {item} | {texts[item]} | {len(x)} | {100 * (x == 1).mean():.1f} | "
                     f"{100 * (x == 6).mean():.1f} | {d.loc[item, 'mean']:.2f} | {d.loc[item, 'skewness']:.2f} | "
                     f"{d.loc[item, 'kurtosis']:.2f} |")
    return "\n".join(lines)


def loader_markdown() -> str:
    v = _bfi.survey().validation
    c = v.counts("en")
    lines = [f"Rows read {v.rows_read}, kept {v.rows_kept}, invalid answers {v.n_errors}.", "",
             "| problem | what it is | severity | entries |", "| --- | --- | --- | ---: |"]
    lines += [f"| `{r.problem}` | {r.description} | {r.severity} | {r.entries} |" for r in c.itertuples()]
    items = _bfi.survey().items
    patterns = items.isna().value_counts()
    lines += ["", f"{len(patterns)} patterns of missing answers; the most frequent:", "",
              "| items unanswered | respondents |", "| --- | ---: |"]
    for pattern, count in patterns.head(5).items():
        missing = [i for i, m in zip(items.columns, pattern) if m]
        lines.append(f"| {', '.join(missing) or '(none: complete)'} | {count} |")
    return "\n".join(lines)


def tables() -> dict[str, str]:
    checks = [_bfi.run(key) for key in _bfi.CHECKS]
    failed = [(c.section, c.quantity, c.diff) for c in checks if c.diff > c.tol]
    if failed:
        raise SystemExit(f"parity checks fail, not publishing them: {failed}")
    # modification indices on their own line: lavaan's are numerically noisy at ~5e-3 (see the page)
    worst = pd.DataFrame({"section": [c.section + (": modification indices" if "modification" in c.quantity
                                                   else "") for c in checks],
                          "diff": [c.diff for c in checks]})
    worst = worst.groupby("section", sort=False)["diff"].max()
    summary = ["| section | max \\|diff\\| |", "| --- | ---: |"]
    summary += [f"| {s} | {'< 1e-10' if d < 1e-10 else f'{d:.1e}'} |" for s, d in worst.items()]
    return {"parity-summary": "\n".join(summary), "parity-table": _bfi.parity_markdown(checks),
            "bootstrap-table": _bfi.bootstrap_markdown(_bfi.bootstrap_table()),
            "behaviour-table": behaviour_markdown(), "loader-table": loader_markdown()}


def render(text: str, generated: dict[str, str]) -> str:
    for name, body in generated.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start not in text or end not in text:
            raise SystemExit(f"{DOC}: markers {start} ... {end} not found")
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{body}\n{end}{tail}"
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the page differs")
    args = parser.parse_args(argv)
    old = DOC.read_text(encoding="utf-8")
    new = render(old, tables())
    if args.check:
        print("docs/real-data.md is current" if new == old else "docs/real-data.md differs from this run")
        return int(new != old)
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    raise SystemExit(main())
