"""Quality of knowledge tests and of items under expert review.

KR-20/KR-21 reliability and item difficulty/discrimination of right/wrong
(1/0) tests, and the index of item-objective congruence (IOC) of expert
ratings -- the instrument-quality evidence of Thai theses and training
evaluations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.i18n import check_language, pick
from ._inputs import StatsInputError, check_columns, numeric_frame
from ..core.results import Result, fmt

__all__ = ["kr20", "kr21", "item_difficulty_discrimination", "ioc", "KRResult"]


def _binary(items, what: str) -> pd.DataFrame:
    """Complete 0/1 responses with at least 2 items and 3 examinees."""
    frame = numeric_frame(items, what=what)
    if frame.shape[1] < 2:
        raise StatsInputError(f"{what}: a test needs at least 2 items, got {frame.shape[1]}")
    for col in frame.columns:
        bad = frame[col].dropna()
        bad = bad[~bad.isin([0.0, 1.0])]
        if len(bad):
            raise StatsInputError(f"{what}: column '{col}' has value {bad.iloc[0]:g} at index {bad.index[0]!r}; "
                                  f"score items 1 = correct, 0 = wrong")
    check_columns(frame, what=what, min_n=3, allow_constant=True)
    complete = frame.dropna()
    if len(complete) < 3:
        raise StatsInputError(f"{what}: {len(complete)} examinee(s) answered every item; at least 3 are needed")
    return complete


@dataclass(frozen=True, eq=False)
class KRResult(Result):
    """A Kuder-Richardson reliability coefficient and what it was computed from."""

    TITLE = ("ความเชื่อมั่นของแบบทดสอบ (Kuder-Richardson)", "Test reliability (Kuder-Richardson)")

    method: str
    value: float
    n: int
    k: int
    mean: float
    variance: float

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        if lang == "th":
            return (f"ความเชื่อมั่น {self.method} = {fmt(self.value, 3)}\n"
                    f"{self.k} ข้อ, ผู้สอบ {self.n} คน; คะแนนเฉลี่ย {fmt(self.mean, 2)}, ความแปรปรวน {fmt(self.variance, 3)}")
        return (f"{self.method} reliability = {fmt(self.value, 3)}\n"
                f"{self.k} items, n = {self.n}; mean score {fmt(self.mean, 2)}, variance {fmt(self.variance, 3)}")


def _total_variance(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, float]:
    total = frame.to_numpy(dtype=float).sum(axis=1)
    var = float(total.var(ddof=0))
    if var == 0:
        raise StatsInputError(f"{what}: every examinee has the same total score ({total[0]:g}); "
                              f"the reliability is undefined")
    return total, var


def kr20(items) -> KRResult:
    """Kuder-Richardson formula 20 of a 0/1 test.

    KR-20 = k/(k-1) (1 - sum p_i q_i / s_X^2), p_i the proportion correct on
    item i, q_i = 1 - p_i, s_X^2 the variance of total scores.  Both variances
    use divisor n (Kuder & Richardson, 1937), so KR-20 equals Cronbach's
    alpha of the 0/1 items (R: ``psych::alpha(x)$total$raw_alpha``).
    Examinees with a missing answer are left out (``n`` says how many remain).

    References
    ----------
    Kuder, G. F., & Richardson, M. W. (1937). The theory of the estimation of
    test reliability. *Psychometrika*, 2, 151-160.

    Examples
    --------
    >>> import edu40
    >>> t = edu40.datasets.load_em40_training()
    >>> res = edu40.kr20(t.filter(like="pre_K"))
    >>> round(res.value, 3), res.n, res.k
    (0.779, 84, 25)
    """
    frame = _binary(items, "kr20")
    _, var = _total_variance(frame, "kr20")
    k = frame.shape[1]
    p = frame.mean().to_numpy()
    value = k / (k - 1) * (1 - (p * (1 - p)).sum() / var)
    return KRResult("KR-20", float(value), len(frame), k, float(frame.sum(axis=1).mean()), var)


def kr21(items) -> KRResult:
    """Kuder-Richardson formula 21: KR-20 with all items of equal difficulty.

    KR-21 = k/(k-1) (1 - M (k - M) / (k s_X^2)), M the mean total score and
    s_X^2 its variance (divisor n, as :func:`kr20`).  KR-21 <= KR-20, with
    equality when all items are equally difficult.

    References
    ----------
    Kuder, G. F., & Richardson, M. W. (1937). *Psychometrika*, 2, 151-160.

    Examples
    --------
    >>> import edu40
    >>> t = edu40.datasets.load_em40_training()
    >>> round(edu40.kr21(t.filter(like="pre_K")).value, 3)
    0.754
    """
    frame = _binary(items, "kr21")
    total, var = _total_variance(frame, "kr21")
    k = frame.shape[1]
    m = float(total.mean())
    value = k / (k - 1) * (1 - m * (k - m) / (k * var))
    return KRResult("KR-21", float(value), len(frame), k, m, var)


def _difficulty_label(p: float, lang) -> str:
    if p < 0.20:
        return pick("ยากมาก", "too hard", lang)
    if p > 0.80:
        return pick("ง่ายมาก", "too easy", lang)
    return pick("ใช้ได้", "acceptable", lang)


def item_difficulty_discrimination(items, method: str = "point-biserial", *, corrected: bool = True,
                                   fraction: float = 0.27, min_discrimination: float = 0.20,
                                   lang: str | None = None) -> pd.DataFrame:
    """Difficulty (p) and discrimination (r or D) of each item of a 0/1 test.

    Parameters
    ----------
    items : DataFrame
        One column per item, 1 = correct, 0 = wrong.  Examinees with a missing
        answer are left out.
    method : {"point-biserial", "upper-lower"}
        ``"point-biserial"``: p = proportion correct of all examinees;
        discrimination r = Pearson r of the item with the total score (the
        point-biserial correlation), by default of the *other* items
        (``corrected=True``) so that the item does not correlate with itself.
        ``"upper-lower"`` (Kelley, 1939): the ``fraction`` (27 %) highest and
        lowest total scores form groups of n_g = round(0.27 n) examinees each
        (ties at the cut are split by row order); p = (R_U + R_L) / (2 n_g)
        and D = (R_U - R_L) / n_g, R_U and R_L the numbers correct in each group.
    corrected : bool
        Point-biserial with the rest score (default) or with the total score.
    fraction : float
        Size of each extreme group (default .27).
    min_discrimination : float
        Discrimination at or above which an item discriminates acceptably (.20).
    lang : {None, "th", "en"}
        Language of the interpretation columns; ``None`` (default): the session language
        (:func:`edu40.set_language`).

    Returns
    -------
    DataFrame
        ``item, n, difficulty, discrimination, difficulty_level,
        discrimination_level, decision``.  The usual Thai bands: difficulty
        .20-.80 acceptable (below: too hard, above: too easy); discrimination
        >= .20 acceptable.  ``decision`` is ``keep`` when both are acceptable,
        otherwise ``revise``.

    References
    ----------
    Kelley, T. L. (1939). The selection of upper and lower groups for the
    validation of test items. *Journal of Educational Psychology*, 30, 17-24.
    Ebel, R. L., & Frisbie, D. A. (1991). *Essentials of educational
    measurement* (5th ed.). Prentice Hall.

    Examples
    --------
    >>> import edu40
    >>> t = edu40.datasets.load_em40_training()
    >>> d = edu40.item_difficulty_discrimination(t.filter(like="pre_K"), lang="en")
    >>> d[["item", "difficulty", "discrimination", "decision"]].round(2).head(2)
          item  difficulty  discrimination decision
    0  pre_K01        0.51            0.27     keep
    1  pre_K02        0.69            0.41     keep
    """
    if method not in ("point-biserial", "upper-lower"):
        raise ValueError(f"method must be 'point-biserial' or 'upper-lower', not {method!r}")
    if not 0 < fraction <= 0.5:
        raise ValueError(f"fraction must be in (0, .5], not {fraction!r}")
    lang = check_language(lang)
    frame = _binary(items, "item_difficulty_discrimination")
    x = frame.to_numpy(dtype=float)
    n = len(frame)
    total = x.sum(axis=1)
    if method == "point-biserial":
        constant = [c for c in frame.columns if frame[c].nunique() == 1]
        if constant:
            raise StatsInputError(
                f"item_difficulty_discrimination: item(s) {constant} were answered the same by every examinee "
                f"(p = 0 or 1), so their point-biserial r is undefined; use method='upper-lower' (D = 0) or "
                f"drop them")
        difficulty = x.mean(axis=0)
        disc = []
        for j, col in enumerate(frame.columns):
            criterion = total - x[:, j] if corrected else total
            if np.ptp(criterion) == 0:
                raise StatsInputError(f"item_difficulty_discrimination: the rest score without '{col}' is the "
                                      f"same for every examinee; r is undefined")
            disc.append(np.corrcoef(x[:, j], criterion)[0, 1])
        disc = np.array(disc)
    else:
        ng = int(np.floor(fraction * n + 0.5))
        if ng < 1:
            raise StatsInputError(f"item_difficulty_discrimination: {n} examinees are too few for "
                                  f"{fraction:.0%} groups")
        order = np.argsort(-total, kind="stable")
        upper, lower = x[order[:ng]], x[order[::-1][:ng]]
        ru, rl = upper.sum(axis=0), lower.sum(axis=0)
        difficulty = (ru + rl) / (2 * ng)
        disc = (ru - rl) / ng
    ok_p = (difficulty >= 0.20) & (difficulty <= 0.80)
    ok_d = disc >= min_discrimination
    return pd.DataFrame({
        "item": list(frame.columns), "n": n, "difficulty": difficulty, "discrimination": disc,
        "difficulty_level": [_difficulty_label(p, lang) for p in difficulty],
        "discrimination_level": [pick("ใช้ได้", "acceptable", lang) if ok else pick("ต่ำ", "low", lang) for ok in ok_d],
        "decision": [pick("ใช้ได้", "keep", lang) if a and b else pick("ควรปรับปรุง", "revise", lang)
                     for a, b in zip(ok_p, ok_d)],
    })


def ioc(ratings, *, item: str | None = None, threshold: float = 0.50, lang: str | None = None) -> pd.DataFrame:
    """Index of item-objective congruence (IOC) from expert ratings +1 / 0 / -1.

    IOC_i = (sum of the experts' ratings of item i) / N experts (Rovinelli &
    Hambleton, 1977); an item is kept when IOC >= .50.

    Parameters
    ----------
    ratings : DataFrame
        One row per item, one column per expert, values +1 (congruent), 0 (not
        sure), -1 (not congruent).  Item names come from the index, or from the
        column ``item``.
    item : str, optional
        Column holding item names.
    threshold : float
        Keep items with IOC at or above this value (default .50).
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).

    Returns
    -------
    DataFrame
        ``item, n_experts, sum, ioc, decision``.

    References
    ----------
    Rovinelli, R. J., & Hambleton, R. K. (1977). On the use of content
    specialists in the assessment of criterion-referenced test item validity.
    *Dutch Journal of Educational Research*, 2, 49-60.

    Examples
    --------
    >>> import pandas as pd, edu40
    >>> r = pd.DataFrame({"e1": [1, 1, 0], "e2": [1, 0, -1], "e3": [1, 1, 0]}, index=["Q1", "Q2", "Q3"])
    >>> edu40.ioc(r, lang="en")
      item  n_experts  sum       ioc decision
    0   Q1          3    3  1.000000     keep
    1   Q2          3    2  0.666667     keep
    2   Q3          3   -1 -0.333333   revise
    """
    lang = check_language(lang)
    if not isinstance(ratings, pd.DataFrame):
        raise StatsInputError("ioc: ratings must be a DataFrame with one row per item and one column per expert")
    if item is not None:
        names = ratings[item].astype(str).tolist()
        ratings = ratings.drop(columns=item)
    else:
        names = [str(i) for i in ratings.index]
    frame = numeric_frame(ratings, what="ioc")
    if frame.shape[1] < 2:
        raise StatsInputError(f"ioc: ratings from at least 2 experts are needed, got {frame.shape[1]}")
    for col in frame.columns:
        s = frame[col]
        if s.isna().any():
            where = names[int(np.flatnonzero(s.isna().to_numpy())[0])]
            raise StatsInputError(f"ioc: expert '{col}' did not rate item {where!r}; every expert must rate every item")
        bad = s[~s.isin([-1.0, 0.0, 1.0])]
        if len(bad):
            where = names[frame.index.get_loc(bad.index[0])]
            raise StatsInputError(f"ioc: expert '{col}' rated item {where!r} as {bad.iloc[0]:g}; ratings are +1, 0 or -1")
    total = frame.sum(axis=1).to_numpy()
    value = total / frame.shape[1]
    return pd.DataFrame({"item": names, "n_experts": frame.shape[1], "sum": total.astype("int64"), "ioc": value,
                         "decision": [pick("ใช้ได้", "keep", lang) if v >= threshold - 1e-12 else
                                      pick("ควรปรับปรุง", "revise", lang) for v in value]})
