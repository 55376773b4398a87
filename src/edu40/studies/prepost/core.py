"""``edu40.prepost``: the whole pre/post training evaluation in one call."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...stats._inputs import StatsInputError, check_choice, check_confidence
from ...stats.correlation import correlations
from ...stats.descriptives import describe
from ...io.instrument import Instrument
from ...io.scales import LIKERT5, LikertScale
from ...stats.testitems import item_difficulty_discrimination, kr20
from ...stats.ttests import paired_ttest
from ._data import PrePostInputError, assemble
from .indices import effectiveness_index, efficiency_e1e2, normalized_gain, paired_effect_sizes
from .parts import (EffectivenessIndex, Efficiency, GainResult, KnowledgeSatisfaction, PrePostTest, SatisfactionResult,
                    TestQuality)
from .report import PrePostReport

__all__ = ["prepost"]


def prepost(data, pre, post, *, id: str | None = None, post_data=None, full_score: float | None = None,
            satisfaction=None, process=None, process_full: float | None = None, knowledge: str = "post",
            criterion: tuple[float, float] = (80, 80), ei_criterion: float = 0.50, scale=None,
            alternative: str = "two-sided", confidence: float = 0.95,
            method: str = "pearson") -> PrePostReport:
    """Compare pre-test and post-test scores of a training: the full evaluation a Thai report prints.

    Parameters
    ----------
    data : DataFrame or path
        The participants' data (a DataFrame, or a .csv / .xlsx / .sav file);
        with ``post_data``, the pre-test data only.
    pre, post : str or list of str
        Either one column holding the total score, or the 0/1 item columns of
        the test (a list, a comma list ``"K1,K2,K3"``, a pattern
        ``"pre_K*"`` or an inclusive range ``"pre_K01:pre_K25"``), whose
        totals are computed.  A participant with any blank item has no total
        (listed in ``exclusions``; blanks are not scored as wrong).
    id : str, optional
        Column identifying participants; required with ``post_data``.
        Without it participants are named by row (as the file shows it:
        header = row 1) or DataFrame index.
    post_data : DataFrame or path, optional
        A second table holding the post-test (and, if there, satisfaction and
        process columns), matched to ``data`` by ``id``.  Ids found in one
        table only are excluded and listed.
    full_score : float, optional
        Maximum test score.  Default: the number of items (one point each);
        required when ``pre``/``post`` are total columns.
    satisfaction : str, list of str or Instrument, optional
        Satisfaction items (same forms as ``pre``), or an
        :class:`edu40.Instrument` whose items are the columns and whose text
        labels the table (e.g. ``edu40.datasets.TRAINING_SATISFACTION``).
    process : str or list of str, optional
        Score(s) earned during the training (exercises); several columns are
        summed.  Gives E1 of E1/E2; needs ``process_full``.
    process_full : float, optional
        Maximum process score.
    knowledge : {"post", "gain", "normalized_gain"}
        What is correlated with satisfaction: the post-test score (default),
        the gain post - pre, or each participant's normalized gain.
    criterion : (float, float)
        E1/E2 criterion in per cent (default 80/80).
    ei_criterion : float
        E.I. at or above which the training is judged effective (.50).
    scale : LikertScale or int, optional
        Scale of the satisfaction items (default: the instrument's, else the
        5-point scale with the Thai bands 4.51-5.00 highest ...).
    alternative : {"two-sided", "greater", "less"}
        Alternative of the paired t-test and Wilcoxon test for post - pre.
    confidence : float
        Level of every interval.
    method : {"pearson", "spearman"}
        Correlation of knowledge with satisfaction.

    Returns
    -------
    PrePostReport
        ``.test`` (:class:`PrePostTest`), ``.normalized_gain``,
        ``.effectiveness_index``, ``.efficiency`` (E1/E2 or None),
        ``.quality`` (KR-20, item analysis, or None), ``.satisfaction``,
        ``.correlation``, ``.scores``, ``.exclusions``, ``.notes``;
        ``.verdict(lang)``, ``.conclusions(lang)``, ``.summary(lang)``,
        ``.to_frame()``, ``.plot_paired()``, ``.plot_gains()``.

    Raises
    ------
    PrePostInputError
        A score above ``full_score`` or below 0, a value other than 0/1 in an
        item column, text in a score column, a satisfaction rating off the
        scale (each naming participant, column and value); duplicate or
        blank ids; fewer than 3 complete pairs.

    Notes
    -----
    All statistics use the analysed participants: those with both a pre and
    a post total (``n`` pairs).  Each part reuses the survey statistics:

    * ``.test``: :func:`edu40.paired_ttest` of post - pre (R
      ``t.test(post, pre, paired = TRUE)``, ``shapiro.test(post - pre)``,
      ``wilcox.test(post, pre, paired = TRUE)``) and
      :func:`paired_effect_sizes` (d_z and g_av with intervals; Lakens, 2013).
    * ``.normalized_gain``: <g> = (%post - %pre) / (100 - %pre) of the class
      means (Hake, 1998) and g_i = (post_i - pre_i) / (full - pre_i).
    * ``.effectiveness_index``: E.I. = (sum post - sum pre) / (N full - sum
      pre) (Goodman, Fletcher & Schneider, 1980); algebraically equal to <g>.
    * ``.efficiency``: E1 = 100 mean(process) / process_full, E2 = 100
      mean(post) / full_score (Brahmawong); E1 over the analysed participants
      with a process score.
    * ``.quality``: :func:`edu40.kr20` and
      :func:`edu40.item_difficulty_discrimination` (corrected point-biserial)
      of each test given as items.
    * ``.satisfaction``: :func:`edu40.describe` of the items; the overall
      score of a participant is the mean of the items answered.
    * ``.correlation``: :func:`edu40.correlations` (R ``cor.test``).

    The verdict names the .01 level when p < .01 and .05 when p < .05.

    References
    ----------
    Lakens, D. (2013). *Frontiers in Psychology*, 4, 863.
    Hake, R. R. (1998). *American Journal of Physics*, 66, 64-74.
    Goodman, R. I., Fletcher, K. A., & Schneider, E. W. (1980). *Educational
    Technology*, 20(9), 30-34.
    ชัยยงค์ พรหมวงศ์ (2556). การทดสอบประสิทธิภาพสื่อหรือชุดการสอน.
    *วารสารศิลปากรศึกษาศาสตร์วิจัย*, 5(1), 7-20.
    Kuder, G. F., & Richardson, M. W. (1937). *Psychometrika*, 2, 151-160.

    Examples
    --------
    The shipped training sample (synthetic; ``python -m edu40.io.datasets
    data/sample`` regenerates it):

    >>> import edu40
    >>> report = edu40.prepost(edu40.datasets.TRAINING_PATH, pre="pre_K*", post="post_K*",
    ...                        id="participant_id", satisfaction=edu40.datasets.TRAINING_SATISFACTION,
    ...                        process="process_score", process_full=50)
    >>> report.n, report.n_excluded, list(report.exclusions["reason"])
    (82, 2, ['no_post', 'no_post'])
    >>> report.verdict("th")
    'คะแนนหลังอบรมสูงกว่าก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ .01'
    >>> round(report.test.t, 3), report.test.df, round(float(report.effectiveness_index), 4)
    (13.27, 81, 0.5248)
    >>> report.satisfaction.level("en"), report.correlation.level
    ('highest', '.01')
    """
    check_choice("knowledge", knowledge, ("post", "gain", "normalized_gain"))
    check_choice("method", method, ("pearson", "spearman"))
    check_choice("alternative", alternative, ("two-sided", "less", "greater"))
    confidence = check_confidence(confidence)
    try:
        c1, c2 = (float(c) for c in criterion)
    except (TypeError, ValueError):
        raise ValueError(f"criterion must be two percentages such as (80, 80), not {criterion!r}") from None
    sat_spec, sat_labels, scale = _satisfaction_spec(satisfaction, scale)

    sc = assemble(data, pre, post, id=id, post_data=post_data, full_score=full_score, satisfaction=sat_spec,
                  process=process, process_full=process_full,
                  satisfaction_range=(scale.minimum, scale.maximum))
    table = sc.table
    x, y = table["pre"].to_numpy(float), table["post"].to_numpy(float)
    full = sc.full_score
    notes: list[tuple[str, str]] = []

    # -- the paired test ------------------------------------------------------
    tt = paired_ttest(x, y, alternative=alternative, confidence=confidence)
    es = paired_effect_sizes(x, y, confidence=confidence)
    test = PrePostTest(paired=tt, **{k: float(v) for k, v in es.items() if k != "hedges_J"})
    if tt.shapiro_p < 0.05:
        notes.append((f"The differences post - pre are not normally distributed (Shapiro-Wilk p = "
                      f"{tt.shapiro_p:.3f}); the Wilcoxon signed-rank test (p = {tt.wilcoxon_p:.3g}) is the check "
                      f"that does not assume normality.",
                      f"ผลต่างหลัง − ก่อนไม่ได้แจกแจงแบบปกติ (Shapiro-Wilk p = {tt.shapiro_p:.3f}) "
                      f"ควรพิจารณาผลการทดสอบ Wilcoxon signed-rank (p = {tt.wilcoxon_p:.3g}) ประกอบ"))

    # -- gains ------------------------------------------------------------------
    g_i = normalized_gain(x, y, full, per_participant=True)
    n_undef = int(np.isnan(g_i).sum())
    if n_undef:
        notes.append((f"{n_undef} participant(s) had a full pre-test score, so their normalized gain is "
                      f"undefined (no room to gain); the mean of the individual gains leaves them out.",
                      f"ผู้เข้าอบรม {n_undef} คนได้คะแนนเต็มตั้งแต่ก่อนอบรม จึงคำนวณค่าพัฒนาการสัมพัทธ์รายบุคคลไม่ได้"))
    scores = pd.DataFrame({"participant": table["participant"], "pre": x, "post": y, "gain": y - x, "g": g_i})
    gain = GainResult(class_average=normalized_gain(x, y, full), mean_individual=float(np.nanmean(g_i))
                      if n_undef < len(g_i) else float("nan"), n=len(x), n_undefined=n_undef, full_score=full,
                      individual=scores.copy())
    ei = EffectivenessIndex(value=effectiveness_index(x, y, full), n=len(x), full_score=full,
                            sum_pre=float(x.sum()), sum_post=float(y.sum()), criterion=float(ei_criterion))

    # -- E1/E2 --------------------------------------------------------------------
    efficiency = None
    if sc.process_columns is not None:
        proc = table["process"].to_numpy(float)
        have = ~np.isnan(proc)
        scores["process"] = proc
        if not have.any():
            raise PrePostInputError(f"process: no analysed participant has a process score in {sc.process_columns}")
        if (~have).any():
            missing = list(table.loc[~have, "participant"])
            notes.append((f"{len(missing)} analysed participant(s) have no process score and are left out of E1: "
                          f"{', '.join(map(str, missing[:10]))}",
                          f"ผู้เข้าอบรม {len(missing)} คนไม่มีคะแนนระหว่างอบรม จึงไม่นำมาคำนวณ E1: "
                          f"{', '.join(map(str, missing[:10]))}"))
        e1, e2 = efficiency_e1e2(proc[have], y, sc.process_full, full)
        efficiency = Efficiency(e1=e1, e2=e2, n_process=int(have.sum()), n_post=len(y),
                                process_full=sc.process_full, full_score=full, criterion_e1=c1, criterion_e2=c2)

    # -- test quality ---------------------------------------------------------------
    quality = None
    if sc.pre_items is not None or sc.post_items is not None:
        quality = _quality(sc.pre_items, sc.post_items, notes)

    # -- satisfaction and its correlation with knowledge -------------------------------
    sat = corr = None
    if sc.satisfaction_columns is not None:
        cols = sc.satisfaction_columns
        sat = _satisfaction(table[cols], cols, sat_labels, scale, notes)
        overall = table[cols].mean(axis=1, skipna=True)
        scores["satisfaction"] = overall.to_numpy(float)
        k = {"post": "post", "gain": "gain", "normalized_gain": "g"}[knowledge]
        frame = pd.DataFrame({k: scores[k], "satisfaction": scores["satisfaction"]})
        res = correlations(frame, method=method, confidence=confidence)
        row = res.to_frame().iloc[0]
        corr = KnowledgeSatisfaction(knowledge=knowledge, method=method, n=int(row["n"]), r=float(row["r"]),
                                     ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]), p=float(row["p"]),
                                     correlation=res)

    return PrePostReport(test=test, normalized_gain=gain, effectiveness_index=ei, efficiency=efficiency,
                         quality=quality, satisfaction=sat, correlation=corr, scores=scores,
                         exclusions=sc.exclusions, n_read_pre=sc.n_read_pre, n_read_post=sc.n_read_post,
                         full_score=full, pre_columns=tuple(sc.pre_columns), post_columns=tuple(sc.post_columns),
                         sources=sc.sources, notes=tuple(notes))


def _satisfaction_spec(satisfaction, scale):
    """(column spec, {column: (label_th, label_en)} or None, LikertScale)."""
    labels = None
    if isinstance(satisfaction, Instrument):
        inst = satisfaction
        labels = {c: (inst.label(c, "th"), inst.label(c, "en")) for c in inst.item_codes}
        scale = scale if scale is not None else inst.scale
        satisfaction = inst.item_codes
    if scale is None:
        scale = LIKERT5
    elif not isinstance(scale, LikertScale):
        scale = LikertScale(int(scale))
    return satisfaction, labels, scale


def _quality(pre_items, post_items, notes) -> TestQuality:
    krs, parts = {}, []
    for test, items in (("pre", pre_items), ("post", post_items)):
        if items is None:
            krs[test] = None
            continue
        if items.shape[1] < 2:
            krs[test] = None
            notes.append((f"{test}-test: a single item; KR-20 and discrimination need at least 2.",
                          f"แบบทดสอบ{'ก่อน' if test == 'pre' else 'หลัง'}อบรมมีข้อเดียว คำนวณ KR-20 ไม่ได้"))
            continue
        try:
            krs[test] = kr20(items)
        except StatsInputError as exc:
            krs[test] = None
            notes.append((f"{test}-test: KR-20 not computed ({exc}).",
                          f"แบบทดสอบ{'ก่อน' if test == 'pre' else 'หลัง'}อบรม: คำนวณ KR-20 ไม่ได้ ({exc})"))
        constant = [c for c in items.columns if items[c].nunique() == 1]
        varying = [c for c in items.columns if c not in constant]
        rows = []
        if len(varying) >= 2:
            # Constant items add the same amount to every total, so leaving them out of the
            # rest score does not change the other items' point-biserial r.
            t = item_difficulty_discrimination(items[varying], lang="en")
            rows.append(t)
        for c in constant:
            p = float(items[c].iloc[0])
            rows.append(pd.DataFrame([{"item": c, "n": len(items), "difficulty": p, "discrimination": np.nan,
                                       "difficulty_level": "too easy" if p == 1 else "too hard",
                                       "discrimination_level": "undefined", "decision": "revise"}]))
        if constant:
            word = {1.0: "correctly", 0.0: "wrongly"}
            names = ", ".join(f"{c} ({word[float(items[c].iloc[0])]})" for c in constant[:8])
            notes.append((f"{test}-test: {len(constant)} item(s) answered alike by every participant, so their "
                          f"discrimination is undefined: {names}.",
                          f"แบบทดสอบ{'ก่อน' if test == 'pre' else 'หลัง'}อบรม: {len(constant)} ข้อที่ผู้เข้าอบรมทุกคนตอบ"
                          f"เหมือนกัน จึงคำนวณอำนาจจำแนกไม่ได้: {', '.join(constant[:8])}"))
        if rows:
            t = pd.concat(rows, ignore_index=True)
            t["_order"] = [list(items.columns).index(c) for c in t["item"]]
            t = t.sort_values("_order").drop(columns="_order")
            t.insert(0, "test", test)
            parts.append(t)
    items_table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["test", "item", "n", "difficulty", "discrimination", "difficulty_level", "discrimination_level",
                 "decision"])
    return TestQuality(kr20_pre=krs["pre"], kr20_post=krs["post"], items=items_table)


def _satisfaction(frame: pd.DataFrame, cols, labels, scale: LikertScale, notes) -> SatisfactionResult:
    answered = frame.notna().any(axis=1)
    n_none = int((~answered).sum())
    if n_none:
        notes.append((f"{n_none} analysed participant(s) answered no satisfaction item; the satisfaction results "
                      f"use the other {int(answered.sum())}.",
                      f"ผู้เข้าอบรม {n_none} คนไม่ได้ตอบแบบสอบถามความพึงพอใจ"))
    d = describe(frame, scale=scale, shape=False, lang="en")
    th = describe(frame, scale=scale, shape=False, lang="th")
    items = pd.DataFrame({
        "item": d["variable"],
        "label_th": [labels[c][0] if labels else c for c in d["variable"]],
        "label_en": [labels[c][1] if labels else c for c in d["variable"]],
        "n": d["n"], "missing": d["missing"], "mean": d["mean"], "sd": d["sd"],
        "level_th": th["level"], "level_en": d["level"], "rank": d["rank"]})
    overall = frame.mean(axis=1, skipna=True).rename("satisfaction")
    o = describe(overall.to_frame(), scale=scale, shape=False, lang="en").iloc[0]
    return SatisfactionResult(items=items, n=int(o["n"]), n_no_answer=n_none, mean=float(o["mean"]),
                              sd=float(o["sd"]), level_th=scale.level(float(o["mean"]), "th"),
                              level_en=str(o["level"]), scale_points=scale.points)
