"""Split-half cross-validation of a factor structure: EFA on one random half, CFA on the other.

An exploratory analysis finds a structure in the data it is given, so
confirming that structure on the same respondents proves little; the usual
remedy for a single sample (Fabrigar et al., 1999; Worthington & Whittaker,
2006) is to split it at random, explore on one half and confirm on the
other.  :func:`split_half` does exactly that, and says so in its report:

1. the rows are shuffled with a fixed seed and cut in two halves (A, B);
2. EFA on half A (``edu40.efa``: minres, promax by default), with as many
   factors as the instrument has (or the number given, or parallel analysis
   when ``n_factors=None`` and there is no instrument);
3. the simple structure of that EFA (``EFAResult.to_model()``) is fitted as a
   CFA on half B (``edu40.fit``), and its fit judged by the usual criteria;
4. for an instrument, whether the EFA recovered its factors (every factor's
   items, and only they, on one EFA factor).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.blocks import heading, table, text, warning
from ..core.i18n import check_language, pick
from ..core.reportable import Reportable
from ..io.loader import Survey
from ..sem import SEMResult, fit
from ..stats.efa import EFAResult, efa

__all__ = ["split_half", "SplitHalfResult"]


@dataclass(frozen=True, eq=False)
class SplitHalfResult(Reportable):
    """EFA on half A, CFA of its structure on half B (see the module docstring)."""

    efa: EFAResult = field(repr=False)
    cfa: SEMResult = field(repr=False)
    model: str
    n_a: int
    n_b: int
    seed: object
    recovered: bool | None
    fit_passed: bool
    criteria: str = "hu-bentler-1999"

    @property
    def passed(self) -> bool:
        return self.fit_passed and self.recovered is not False

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        fi = self.cfa.fit_indices
        vals = f"CFI = {fi['cfi']:.3f}, TLI = {fi['tli']:.3f}, RMSEA = {fi['rmsea']:.3f}, SRMR = {fi['srmr']:.3f}"
        lines = [pick(f"การตรวจสอบไขว้แบบแบ่งครึ่ง: EFA กับข้อมูลครึ่งแรกที่สุ่มไว้ (n = {self.n_a}) และ CFA "
                      f"ของโครงสร้างที่ได้กับอีกครึ่งหนึ่ง (n = {self.n_b}); seed = {self.seed}",
                      f"Split-half cross-validation: EFA on a random half (n = {self.n_a}), CFA of its structure on "
                      f"the other half (n = {self.n_b}); seed = {self.seed}", lang)]
        if self.recovered is not None:
            lines.append(pick("EFA ได้องค์ประกอบตรงกับแบบวัด" if self.recovered else
                              "EFA ได้องค์ประกอบไม่ตรงกับแบบวัด (ดูตารางเทียบองค์ประกอบ)",
                              "The EFA recovers the instrument's factors" if self.recovered else
                              "The EFA does not recover the instrument's factors (see the comparison table)", lang))
        lines.append(pick(f"CFA กับครึ่งหลัง{'ผ่าน' if self.fit_passed else 'ไม่ผ่าน'}เกณฑ์ ({vals})",
                          f"The CFA on the other half {'meets' if self.fit_passed else 'misses'} the criteria ({vals})",
                          lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang: str | None = None, *, figures: bool = True) -> list:
        lang = check_language(lang)
        blocks = [heading(pick("การตรวจสอบไขว้แบบแบ่งครึ่ง (EFA → CFA)", "Split-half cross-validation (EFA → CFA)",
                               lang)),
                  text(self.summary(lang))]
        if self.recovered is False:
            blocks.append(warning(pick("โครงสร้างจาก EFA ต่างจากแบบวัด", "The EFA structure differs from the instrument",
                                       lang)))
        blocks.append(text(pick("โมเดลที่ยืนยันกับครึ่งหลัง:", "Model confirmed on the other half:", lang)
                           + "\n" + self.model))
        shown = self.cfa.fit_table(self.criteria, lang).drop(columns=["key", "passed"])
        blocks.append(table(shown, pick("ความสอดคล้องของ CFA กับข้อมูลครึ่งหลัง", "Fit of the CFA on the other half",
                                        lang)))
        efa_blocks = self.efa.report_blocks(lang, figures=figures)
        blocks.append(heading(pick(f"EFA กับข้อมูลครึ่งแรก (n = {self.n_a})", f"EFA on the first half (n = {self.n_a})",
                                   lang), 3))
        blocks += efa_blocks[1:]
        return blocks


def _halves(frame: pd.DataFrame, seed) -> tuple[pd.Index, pd.Index]:
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = len(frame) // 2
    return frame.index[np.sort(order[:cut])], frame.index[np.sort(order[cut:])]


def split_half(data, *, instrument=None, n_factors: int | None = None, method: str = "minres",
               rotation: str = "promax", cut: float = 0.30, seed=0, criteria="hu-bentler-1999",
               items=None) -> SplitHalfResult:
    """EFA on a random half, CFA of the EFA's simple structure on the other half.

    Parameters
    ----------
    data : Survey or DataFrame
        Item answers (a Survey brings its instrument).
    instrument : Instrument, optional
        Compare the EFA's factors with it (default: the Survey's).
    n_factors : int, optional
        Default: the instrument's number of factors, else parallel analysis on half A.
    method, rotation, cut
        Of the EFA (:func:`edu40.efa`).
    seed : int
        Seed of the random split (fixed: the same data give the same halves).
    criteria : str or dict
        Fit criteria of the CFA (:meth:`edu40.SEMResult.fit_table`).
    items : list of str, optional
        Item columns of a DataFrame (default: every column).

    Returns
    -------
    SplitHalfResult
        ``efa`` (half A), ``cfa`` (half B), ``model`` (the syntax confirmed),
        ``n_a``, ``n_b``, ``recovered`` (None without an instrument),
        ``fit_passed`` (CFI, TLI, RMSEA and SRMR meet the criteria) and
        ``passed``.

    References
    ----------
    Fabrigar, L. R., Wegener, D. T., MacCallum, R. C., & Strahan, E. J. (1999).
    Evaluating the use of exploratory factor analysis in psychological research.
    *Psychological Methods*, 4, 272-299.
    Worthington, R. L., & Whittaker, T. A. (2006). Scale development research: A
    content analysis and recommendations for best practices. *The Counseling
    Psychologist*, 34, 806-838.

    Examples
    --------
    >>> import edu40
    >>> sh = edu40.split_half(edu40.datasets.load_em40_survey())
    >>> sh.n_a, sh.n_b, sh.recovered
    (386, 386, True)
    """
    if isinstance(data, Survey):
        instrument = instrument if instrument is not None else data.instrument
        frame = data.data
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise TypeError(f"split_half needs a Survey or a DataFrame, not {type(data).__name__}")
    if len(frame) < 20:
        raise ValueError(f"split_half: {len(frame)} rows cannot be split into two halves large enough for factor "
                         f"analysis")
    a_idx, b_idx = _halves(frame, seed)
    half_a = dataclasses.replace(data, data=frame.loc[a_idx]) if isinstance(data, Survey) else frame.loc[a_idx]
    half_b = dataclasses.replace(data, data=frame.loc[b_idx]) if isinstance(data, Survey) else frame.loc[b_idx]
    if n_factors is None and instrument is not None:
        n_factors = len(instrument.factor_codes)
    if items is None and isinstance(data, Survey):
        items = data.item_columns
    explored = efa(half_a, n_factors, method=method, rotation=rotation, cut=cut, items=items, seed=seed)
    recovered = explored.recovers_instrument(instrument) if instrument is not None else None
    names = "instrument" if instrument is not None and explored.instrument is not None else None
    model = explored.to_model(names=names)
    confirmed = fit(model, half_b)
    table_ = confirmed.fit_table(criteria, lang="en").set_index("key")
    core = [k for k in ("cfi", "tli", "rmsea", "srmr") if k in table_.index]
    fit_passed = bool(table_.loc[core, "passed"].all()) and confirmed.converged
    return SplitHalfResult(efa=explored, cfa=confirmed, model=model, n_a=len(a_idx), n_b=len(b_idx),
                           seed=seed, recovered=recovered, fit_passed=fit_passed,
                           criteria=criteria if isinstance(criteria, str) else "user-defined")
