"""EFAResult: the factor solution, the loading table theses print, and the way on to CFA."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.blocks import figure, heading, table, text, warning
from ..core.i18n import check_language, pick
from ..core.results import Result, fmt, fmt_p
from .efa_scores import FactorScores
from .factors import AdequacyResult, NFactorsResult

__all__ = ["EFAResult", "METHOD_NAMES", "ROTATION_NAMES"]

METHOD_NAMES = {
    "minres": ("วิธีส่วนเหลือน้อยที่สุด (minimum residual)", "minimum residual (minres)"),
    "ml": ("วิธีความควรจะเป็นสูงสุด (maximum likelihood)", "maximum likelihood"),
    "pa": ("วิธีแกนหลัก (principal axis factoring)", "principal axis factoring"),
    "principal": ("วิธีองค์ประกอบหลัก (principal components)", "principal components"),
}
ROTATION_NAMES = {
    "none": ("ไม่หมุนแกน", "no rotation"),
    "varimax": ("หมุนแกนแบบตั้งฉากด้วยวิธีแวริแมกซ์ (varimax)", "varimax (orthogonal)"),
    "quartimax": ("หมุนแกนแบบตั้งฉากด้วยวิธีควอร์ติแมกซ์ (quartimax)", "quartimax (orthogonal)"),
    "equamax": ("หมุนแกนแบบตั้งฉากด้วยวิธีอีควาแมกซ์ (equamax)", "equamax (orthogonal)"),
    "geomin_ort": ("หมุนแกนแบบตั้งฉากด้วยวิธีจีโอมิน (geomin)", "geomin (orthogonal)"),
    "promax": ("หมุนแกนแบบมุมแหลมด้วยวิธีโปรแมกซ์ (promax)", "promax (oblique)"),
    "oblimin": ("หมุนแกนแบบมุมแหลมด้วยวิธีออบลิมิน (direct oblimin)", "direct oblimin (oblique)"),
    "quartimin": ("หมุนแกนแบบมุมแหลมด้วยวิธีควอร์ติมิน (quartimin)", "quartimin (oblique)"),
    "geomin_obl": ("หมุนแกนแบบมุมแหลมด้วยวิธีจีโอมิน (geomin)", "geomin (oblique)"),
}
_FIT_ROWS = [("chisq", "χ²"), ("df", "df"), ("pvalue", "p"), ("tli", "TLI"), ("rmsea", "RMSEA"),
             ("rmsea.ci.lower", "RMSEA 90% CI lower"), ("rmsea.ci.upper", "RMSEA 90% CI upper"),
             ("rmsr", "RMSR"), ("bic", "BIC")]


@dataclass(frozen=True, eq=False)
class EFAResult(FactorScores, Result):
    """An exploratory factor solution (see :func:`edu40.efa`).

    Attributes
    ----------
    loadings : DataFrame
        Pattern loadings, one row per item: ``item, F1 .. Fm, h2``
        (communality), ``u2`` (uniqueness), ``com`` (Hofmann's complexity).
    structure : DataFrame or None
        Structure matrix (item-factor correlations, L Phi) of an oblique rotation.
    phi : DataFrame or None
        Factor correlations of an oblique rotation.
    variance : DataFrame
        ``factor, ss_loadings, proportion, cumulative, proportion_explained,
        cumulative_proportion`` (psych's ``Vaccounted``).
    eigenvalues : Series
        Eigenvalues of the correlation matrix (SPSS "initial eigenvalues").
    fit : Series
        ``objective, chisq, df, pvalue, tli, rmsea, rmsea.ci.lower,
        rmsea.ci.upper, bic, rmsr, null.chisq, null.df`` (psych ``fa.stats``).
    adequacy : AdequacyResult
    evidence : NFactorsResult or None
        The number-of-factors criteria, when ``n_factors`` was not given.
    labels : dict
        ``{"th": {item: text}, "en": {...}}`` from the instrument of a Survey.
    instrument : Instrument or None
        The instrument of a Survey input (see :meth:`instrument_match`).
    corr : DataFrame or None
        The item correlation matrix the factors were extracted from.
    data : DataFrame or None
        The item answers read, every row (the rows left out listwise
        included), for :meth:`scores`; None for a correlation-matrix input.
    """

    TITLE = ("การวิเคราะห์องค์ประกอบเชิงสำรวจ (EFA)", "Exploratory factor analysis (EFA)")

    n_factors: int
    method: str
    rotation: str
    n_obs: int
    n_items: int
    nan_policy: str
    cut: float
    converged: bool
    iterations: int
    loadings: pd.DataFrame = field(repr=False)
    structure: pd.DataFrame | None = field(repr=False)
    phi: pd.DataFrame | None = field(repr=False)
    variance: pd.DataFrame = field(repr=False)
    eigenvalues: pd.Series = field(repr=False)
    fit: pd.Series = field(repr=False)
    adequacy: AdequacyResult = field(repr=False)
    evidence: NFactorsResult | None = field(default=None, repr=False)
    heywood: tuple = ()
    rows: dict = field(default_factory=dict, repr=False)
    notes: tuple = ()
    cautions: tuple = ()
    labels: dict = field(default_factory=dict, repr=False)
    instrument: object = field(default=None, repr=False)
    corr: pd.DataFrame | None = field(default=None, repr=False)
    data: pd.DataFrame | None = field(default=None, repr=False)

    # -- the solution ---------------------------------------------------------------
    @property
    def factors(self) -> list[str]:
        return [f"F{k + 1}" for k in range(self.n_factors)]

    @property
    def oblique(self) -> bool:
        return self.phi is not None

    def _pattern(self) -> pd.DataFrame:
        return self.loadings.set_index("item")[self.factors]

    def assignment(self, cut: float | None = None) -> pd.DataFrame:
        """Each item's primary factor and where it loads: ``item, factor, loading, n_salient, status``.

        ``status`` is ``"simple"`` (one loading at or above the cut),
        ``"cross-loading"`` (two or more) or ``"no loading"`` (none; its
        ``factor`` is then the factor of its largest loading).
        """
        cut = self.cut if cut is None else float(cut)
        pat = self._pattern()
        a = pat.abs()
        primary = a.idxmax(axis=1)
        salient = (a >= cut).sum(axis=1)
        status = np.where(salient == 0, "no loading", np.where(salient > 1, "cross-loading", "simple"))
        return pd.DataFrame({"item": pat.index, "factor": primary.to_numpy(),
                             "loading": [pat.loc[i, f] for i, f in zip(pat.index, primary)],
                             "n_salient": salient.to_numpy(), "status": status}).reset_index(drop=True)

    @property
    def cross_loadings(self) -> list[str]:
        """Items with a loading of at least the cut on two or more factors."""
        a = self.assignment()
        return list(a.loc[a["status"] == "cross-loading", "item"])

    @property
    def no_loadings(self) -> list[str]:
        """Items whose every loading is below the cut."""
        a = self.assignment()
        return list(a.loc[a["status"] == "no loading", "item"])

    def loading_table(self, cut: float | None = None, *, sort: bool = True, lang: str | None = None) -> pd.DataFrame:
        """The loading table as theses print it: sorted by factor, loadings below the cut left blank.

        Items are grouped by the factor of their largest absolute loading
        (the factors in order), and within a group by that loading, largest
        first (``print(fa, cut = .30, sort = TRUE)`` in psych; SPSS "sorted by
        size", "suppress small coefficients").  Blank cells are NaN.
        """
        lang = check_language(lang)
        cut = self.cut if cut is None else float(cut)
        t = self.loadings.copy()
        if self.labels:
            t.insert(1, "label", [self.labels.get(lang, {}).get(i, "") for i in t["item"]])
        if sort:
            a = self.assignment(cut)
            order = a.assign(rank=a["factor"].map({f: k for k, f in enumerate(self.factors)}),
                             size=a["loading"].abs()).sort_values(["rank", "size"], ascending=[True, False])
            t = t.set_index("item").loc[order["item"]].reset_index()
        for f in self.factors:
            t[f] = t[f].where(t[f].abs() >= cut)
        return t

    def instrument_match(self, instrument=None, cut: float | None = None) -> pd.DataFrame:
        """Which instrument factors the items of each EFA factor come from.

        One row per EFA factor: ``factor, n_items, instrument_factor`` (the
        instrument factor of most of its items), ``share`` (the fraction of
        its items from that factor), ``composition`` (``"ATM (9), ACL (1)"``)
        and ``items``.  Items loading nowhere are not counted.
        """
        inst = instrument if instrument is not None else self.instrument
        if inst is None:
            raise ValueError("no instrument to compare with: pass instrument= (an edu40.Instrument), or run the "
                             "EFA on a Survey")
        a = self.assignment(cut)
        a = a[a["status"] != "no loading"]
        a = a.assign(source=[inst.factor_of(i) if i in inst.item_codes else "?" for i in a["item"]])
        rows = []
        for f in self.factors:
            sub = a[a["factor"] == f]
            counts = sub["source"].value_counts()
            rows.append({"factor": f, "n_items": len(sub),
                         "instrument_factor": counts.index[0] if len(counts) else "",
                         "share": float(counts.iloc[0] / len(sub)) if len(sub) else np.nan,
                         "composition": ", ".join(f"{k} ({v})" for k, v in counts.items()),
                         "items": ", ".join(sub["item"])})
        return pd.DataFrame(rows)

    def recovers_instrument(self, instrument=None, cut: float | None = None) -> bool:
        """True when each instrument factor's items form exactly one EFA factor, and nothing else."""
        inst = instrument if instrument is not None else self.instrument
        m = self.instrument_match(inst, cut)
        a = self.assignment(cut)
        return (len(m) == len(inst.factor_codes) and bool((m["share"] == 1).all())
                and sorted(m["instrument_factor"]) == sorted(inst.factor_codes) and not (a["status"] == "no loading").any())

    # -- on to CFA -------------------------------------------------------------------
    def to_model(self, cut: float | None = None, names=None) -> str:
        """lavaan-style syntax of the simple structure: each item on its primary factor.

        Items that load nowhere (every loading below the cut) are left out,
        a cross-loading item goes to the factor of its largest loading, and a
        factor left with a single item is dropped (it would not be
        identified); each omission is written as a comment line, so
        ``edu40.fit(result.to_model(), data)`` runs as is.

        Parameters
        ----------
        cut : float, optional
            Salience cut (default: the cut of the analysis, .30).
        names : list, dict or "instrument", optional
            Factor names for the model instead of ``F1 .. Fm`` (valid
            identifiers: letters, digits, underscores); ``"instrument"``
            names each factor after the instrument factor of most of its
            items, where that choice is unique.
        """
        cut = self.cut if cut is None else float(cut)
        rename = self._names(names)
        a = self.assignment(cut)
        lines, comments = [], []
        for f in self.factors:
            rows = a[(a["factor"] == f) & (a["status"] != "no loading")]
            rows = rows.reindex(rows["loading"].abs().sort_values(ascending=False).index)
            items = list(rows["item"])
            if len(items) >= 2:
                lines.append(f"{rename[f]} =~ " + " + ".join(items))
            elif items:
                comments.append(f"# {rename[f]} has a single item ({items[0]}): left out, not identified alone")
        nowhere = list(a.loc[a["status"] == "no loading", "item"])
        if nowhere:
            comments.append(f"# no loading of at least {cut:.2f}, left out: {', '.join(nowhere)}")
        cross = list(a.loc[a["status"] == "cross-loading", "item"])
        if cross:
            comments.append(f"# cross-loading, kept on their largest loading: {', '.join(cross)}")
        if not lines:
            raise ValueError(f"no factor has two or more items loading at least {cut:.2f}; lower the cut or "
                             f"revise the number of factors")
        return "\n".join(comments + lines)

    def _names(self, names) -> dict:
        if names is None:
            return {f: f for f in self.factors}
        if isinstance(names, str) and names == "instrument":
            m = self.instrument_match()
            top = m["instrument_factor"]
            unique = top.map(top.value_counts()) == 1
            return {f: (t if u and t not in ("", "?") else f) for f, t, u in zip(m["factor"], top, unique)}
        if isinstance(names, dict):
            out = {f: names.get(f, f) for f in self.factors}
        else:
            names = list(names)
            if len(names) != self.n_factors:
                raise ValueError(f"names: {len(names)} names for {self.n_factors} factors")
            out = dict(zip(self.factors, names))
        bad = [n for n in out.values() if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", str(n))]
        if bad:
            raise ValueError(f"factor names must be identifiers (letters, digits, _), not {bad}")
        return out

    # -- display ---------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The pattern loadings with h2, u2 and complexity (all values, nothing blanked)."""
        return self.loadings.copy()

    def _issue_lines(self, lang) -> list[str]:
        out = []
        if not self.converged:
            out.append(pick("การสกัดองค์ประกอบไม่ลู่เข้า ผลที่ได้อาจไม่ถูกต้อง",
                            "The extraction did not converge; the solution may be wrong", lang))
        if self.heywood:
            out.append(pick(f"กรณีเฮย์วูด (Heywood case): ความแปรปรวนเฉพาะของ {', '.join(self.heywood)} เท่ากับขอบล่าง "
                            f"(.005) แสดงว่าจำนวนองค์ประกอบหรือข้อมูลอาจไม่เหมาะสม",
                            f"Heywood case: the uniqueness of {', '.join(self.heywood)} is at its lower bound "
                            f"(.005); too many factors or too little data", lang))
        if self.no_loadings:
            out.append(pick(f"ข้อที่ไม่มีน้ำหนักองค์ประกอบถึง {self.cut:.2f} ในองค์ประกอบใด: {', '.join(self.no_loadings)}",
                            f"Items loading on no factor (all |loadings| < {self.cut:.2f}): "
                            f"{', '.join(self.no_loadings)}", lang))
        if self.cross_loadings:
            out.append(pick(f"ข้อที่มีน้ำหนักองค์ประกอบตั้งแต่ {self.cut:.2f} มากกว่าหนึ่งองค์ประกอบ (cross-loading): "
                            f"{', '.join(self.cross_loadings)}",
                            f"Cross-loading items (|loading| ≥ {self.cut:.2f} on two or more factors): "
                            f"{', '.join(self.cross_loadings)}", lang))
        return out + [pick(th, en, lang) for th, en in self.cautions]

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        v = self.variance
        total = float(v["cumulative"].iloc[-1])
        method = pick(*METHOD_NAMES[self.method], lang)
        rot = pick(*ROTATION_NAMES[self.rotation], lang)
        lines = [pick(f"สกัดได้ {self.n_factors} องค์ประกอบ อธิบายความแปรปรวนได้ร้อยละ {100 * total:.2f}",
                      f"{self.n_factors} factor(s) explaining {100 * total:.2f}% of the variance", lang),
                 pick(f"สกัดองค์ประกอบด้วย{method} {rot}; {self.n_items} ข้อ, n = {self.n_obs}",
                      f"Extraction: {method}; rotation: {rot}; {self.n_items} items, n = {self.n_obs}", lang)]
        if self.rows:
            lines.append(self.rows[lang])
        lines += [pick(th, en, lang) for th, en in self.notes]
        lines.append(f"KMO = {self.adequacy.kmo:.3f}; Bartlett χ²({self.adequacy.bartlett_df}) = "
                     f"{self.adequacy.bartlett_chisq:.2f}, {fmt_p(self.adequacy.bartlett_p)}")
        if self.method != "principal" and self.fit["df"] > 0:
            fi = self.fit
            lines.append(f"χ²({fi['df']:.0f}) = {fi['chisq']:.2f}, {fmt_p(fi['pvalue'])}; TLI = {fmt(fi['tli'], 3)}; "
                         f"RMSEA = {fmt(fi['rmsea'], 3)}; RMSR = {fi['rmsr']:.3f}")
        if self.method != "principal" and self.corr is not None:
            rho = ", ".join(f"{f} {c:.2f}" for f, c in zip(self.factors, self.determinacy()["correlation"]))
            lines.append(pick(f"ความแน่นอนของคะแนนองค์ประกอบ (สหสัมพันธ์ของคะแนนแบบถดถอยกับองค์ประกอบ): {rho}",
                              f"Factor score determinacy (correlation of regression scores with factors): {rho}",
                              lang))
        lines += ["! " + s for s in self._issue_lines(lang)]
        return "\n".join(lines)

    def variance_table(self, lang: str | None = None) -> pd.DataFrame:
        lang = check_language(lang)
        v = self.variance.copy()
        for c in ("proportion", "cumulative", "proportion_explained", "cumulative_proportion"):
            v[c] = 100 * v[c]
        cols = (["องค์ประกอบ", "ผลรวมกำลังสองของน้ำหนัก", "ร้อยละของความแปรปรวน", "ร้อยละสะสม",
                 "ร้อยละของความแปรปรวนที่อธิบายได้", "ร้อยละสะสมของที่อธิบายได้"] if lang == "th" else
                ["Factor", "SS loadings", "% of variance", "Cumulative %", "% of explained", "Cumulative % explained"])
        v.columns = cols
        return v

    def fit_table(self, lang: str | None = None) -> pd.DataFrame:
        lang = check_language(lang)
        rows = [(label, float(self.fit[key])) for key, label in _FIT_ROWS]
        return pd.DataFrame(rows, columns=[pick("ดัชนี", "Index", lang), pick("ค่า", "Value", lang)])

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        lang = check_language(lang)
        out = {pick("ความแปรปรวนที่อธิบายได้", "Variance explained", lang): self.variance_table(lang),
               pick("น้ำหนักองค์ประกอบ", "Loadings", lang): self._shown_loadings(lang)}
        if self.phi is not None:
            out[pick("สหสัมพันธ์ระหว่างองค์ประกอบ", "Factor correlations", lang)] = self.phi.reset_index()
        return out

    def _shown_loadings(self, lang) -> pd.DataFrame:
        t = self.loading_table(lang=lang)
        t = t.rename(columns={"h2": "h²", "u2": "u²"})
        return t.rename(columns={"item": pick("ข้อ", "Item", lang), "label": pick("ข้อความ", "Label", lang),
                                 "com": pick("ความซับซ้อน", "Complexity", lang)})

    def report_blocks(self, lang: str | None = None, *, figures: bool = True) -> list:
        """Warnings, summary, adequacy, number of factors, variance, loadings, Φ, fit, score determinacy, CFA syntax."""
        lang = check_language(lang)
        blocks = [heading(pick(*self.TITLE, lang))]
        blocks += [warning(s) for s in self._issue_lines(lang)]
        blocks.append(text("\n".join(s for s in self.summary(lang).split("\n") if not s.startswith("! "))))
        blocks.append(heading(pick(*AdequacyResult.TITLE, lang), 3))
        blocks += [table(t, name) for name, t in self.adequacy.tables(lang).items()]
        if self.evidence is not None:
            ev = self.evidence.report_blocks(lang, figures=figures)
            blocks.append(heading(ev[0].content, 3))
            blocks += ev[1:]
        blocks.append(heading(pick("ผลการสกัดและหมุนแกนองค์ประกอบ", "Extraction and rotation", lang), 3))
        blocks.append(table(self.variance_table(lang), pick("ความแปรปรวนที่อธิบายได้ด้วยองค์ประกอบ",
                                                            "Variance explained by the factors", lang)))
        kind = pick("เมทริกซ์แบบแผน (pattern)", "pattern matrix", lang) if self.oblique else ""
        blocks.append(table(self._shown_loadings(lang),
                            pick("น้ำหนักองค์ประกอบ", "Factor loadings", lang) + (f" ({kind})" if kind else ""),
                            note=pick(f"เรียงตามองค์ประกอบและขนาดของน้ำหนัก ไม่แสดงน้ำหนักที่ต่ำกว่า |{self.cut:.2f}|; "
                                      f"h² = ค่าการร่วม (communality), u² = ความแปรปรวนเฉพาะ",
                                      f"Sorted by factor and size; loadings below |{self.cut:.2f}| not shown; "
                                      f"h² = communality, u² = uniqueness, complexity = Hofmann's index", lang)))
        if self.phi is not None:
            blocks.append(table(self.phi.reset_index().rename(columns={"index": pick("องค์ประกอบ", "Factor", lang)}),
                                pick("สหสัมพันธ์ระหว่างองค์ประกอบ", "Factor correlations", lang)))
        if self.instrument is not None:
            m = self.instrument_match().drop(columns="items")
            m.columns = ([pick("องค์ประกอบ (EFA)", "EFA factor", lang), pick("จำนวนข้อ", "Items", lang),
                          pick("องค์ประกอบของแบบวัด", "Instrument factor", lang), pick("สัดส่วน", "Share", lang),
                          pick("ที่มาของข้อ", "Items from", lang)])
            blocks.append(table(m, pick(f"องค์ประกอบจาก EFA เทียบกับองค์ประกอบของแบบวัด {self.instrument.name}",
                                        f"EFA factors against the factors of {self.instrument.name}", lang)))
        if self.method != "principal":
            blocks.append(table(self.fit_table(lang), pick("ความสอดคล้องของโมเดลองค์ประกอบ", "Fit of the factor model",
                                                           lang),
                                note=pick("χ² ปรับแก้ของ Bartlett ตาม psych::fa", "Bartlett-corrected χ² as psych::fa",
                                          lang)))
        if self.method != "principal" and self.corr is not None:
            d = self.determinacy()
            d.columns = [pick("องค์ประกอบ", "Factor", lang),
                         pick("สหสัมพันธ์ของคะแนนกับองค์ประกอบ", "Correlation of scores with factor", lang), "R²",
                         pick("สหสัมพันธ์ต่ำสุดของคะแนนที่เป็นไปได้", "Minimum correlation of possible scores", lang)]
            blocks.append(table(d, pick("ความแน่นอนของคะแนนองค์ประกอบแบบถดถอย", "Determinacy of the regression factor "
                                        "scores", lang),
                                note=pick("ตาม print(psych::fa); ควรสูงกว่า .90 ถ้าจะใช้คะแนนองค์ประกอบแทนองค์ประกอบ "
                                          "(Gorsuch, 1983); คะแนน: result.scores()",
                                          "As print(psych::fa); above .90 before scores stand in for the factors "
                                          "(Gorsuch, 1983); the scores: result.scores()", lang)))
        if figures:
            def draw():
                from .efa_plots import loading_heatmap
                return loading_heatmap(self, lang=lang)
            blocks.append(figure(draw, pick("แผนภาพน้ำหนักองค์ประกอบ", "Loadings", lang)))
        try:
            syntax = self.to_model()
        except ValueError as exc:
            syntax = str(exc)
        blocks.append(heading(pick("จาก EFA สู่ CFA", "From EFA to CFA", lang), 3))
        blocks.append(text(pick("โมเดลการวัดสำหรับการวิเคราะห์องค์ประกอบเชิงยืนยัน (edu40.fit(result.to_model(), ข้อมูลชุดใหม่)) "
                                "ควรยืนยันกับข้อมูลอีกชุดหนึ่ง ไม่ใช่ชุดเดียวกับที่ใช้ EFA:",
                                "Measurement model for confirmatory factor analysis (edu40.fit(result.to_model(), "
                                "new_data)); confirm it on other data than the EFA's:", lang) + "\n" + syntax))
        return blocks

    def __repr__(self) -> str:
        return (f"EFAResult(n_factors={self.n_factors}, method={self.method!r}, rotation={self.rotation!r}, "
                f"n_obs={self.n_obs}, variance={self.variance['cumulative'].iloc[-1]:.3f})")
