"""Before exploratory factor analysis: is the matrix factorable, and how many factors?

:func:`adequacy` -- Kaiser-Meyer-Olkin measure of sampling adequacy (overall
and per item), Bartlett's test of sphericity and the determinant, each with its
criterion and pass/fail (ผ่าน/ไม่ผ่าน), as the first table of a thesis's EFA
section.

:func:`number_of_factors` -- the usual criteria side by side: eigenvalues
greater than 1 (Kaiser-Guttman), Horn's parallel analysis with the
conventions of ``psych::fa.parallel`` (principal components and factors,
normal random data, the 95th percentile) and Velicer's minimum average
partial (MAP), with the scree plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from ..core.blocks import figure, heading, table, text, warning
from ..core.i18n import check_language, pick
from ..core.results import Result, fmt_p, relabel
from ._factor_data import FactorData, factor_data
from .efa_extract import extract

__all__ = ["adequacy", "AdequacyResult", "number_of_factors", "NFactorsResult", "kmo_band", "max_factors"]

# Kaiser (1974, p. 35): the labels of the KMO bands.
_KMO_BANDS = [(0.90, "ดีมาก", "marvelous"), (0.80, "ดี", "meritorious"), (0.70, "ปานกลาง", "middling"),
              (0.60, "พอใช้", "mediocre"), (0.50, "ต่ำ", "miserable"), (-np.inf, "ใช้ไม่ได้", "unacceptable")]


def kmo_band(value: float, lang: str | None = None) -> str:
    """Kaiser's (1974) label of a KMO value: marvelous (>= .90) ... unacceptable (< .50)."""
    for lower, th, en in _KMO_BANDS:
        if value >= lower:
            return pick(th, en, lang)
    return pick("ใช้ไม่ได้", "unacceptable", lang)


def max_factors(p: int) -> int:
    """The most common factors p items allow: the largest m with p(p-1)/2 - pm + m(m-1)/2 >= 0 (Ledermann, 1937)."""
    m = 0
    while m + 1 < p and p * (p - 1) / 2 - p * (m + 1) + (m + 1) * m / 2 >= 0:
        m += 1
    return m


def _kmo(r: np.ndarray) -> tuple[float, np.ndarray]:
    q = np.linalg.inv(r)
    d = 1 / np.sqrt(np.diag(q))
    partial = q * np.outer(d, d)          # sign is irrelevant: only squares enter
    np.fill_diagonal(partial, 0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0)
    r2, q2 = r0 ** 2, partial ** 2
    return float(r2.sum() / (r2.sum() + q2.sum())), r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))


@dataclass(frozen=True, eq=False)
class AdequacyResult(Result):
    """Factorability of an item correlation matrix: KMO, Bartlett, determinant, with criteria."""

    TITLE = ("ความเหมาะสมของข้อมูลสำหรับการวิเคราะห์องค์ประกอบ", "Adequacy of the data for factor analysis")

    kmo: float
    bartlett_chisq: float
    bartlett_df: int
    bartlett_p: float
    determinant: float
    n_obs: int
    n_items: int
    kmo_min: float
    msa_min: float
    items: pd.DataFrame = field(repr=False)
    rows: dict = field(default_factory=dict, repr=False)
    labels: dict = field(default_factory=dict, repr=False)

    @property
    def passed(self) -> bool:
        return bool(self.criteria()["passed"].all())

    def to_frame(self) -> pd.DataFrame:
        """The per-item table: ``item, msa``."""
        return self.items.copy()

    def criteria(self, lang: str | None = None) -> pd.DataFrame:
        """Each check: value, criterion, pass/fail and its source."""
        lang = check_language(lang)
        low = self.items.loc[self.items["msa"] < self.msa_min, "item"].tolist()
        yes, no = pick("ผ่าน", "pass", lang), pick("ไม่ผ่าน", "fail", lang)
        rows = [
            ("KMO", f"{self.kmo:.3f} ({kmo_band(self.kmo, lang)})", f"≥ {self.kmo_min:.2f}",
             self.kmo >= self.kmo_min, "Kaiser (1974)"),
            (pick("MSA รายข้อ (ต่ำสุด)", "MSA per item (lowest)", lang),
             f"{self.items['msa'].min():.3f}" + (f" ({', '.join(low)})" if low else ""),
             f"≥ {self.msa_min:.2f}", not low, "Kaiser (1974)"),
            ("Bartlett χ²", f"{self.bartlett_chisq:.2f}, df = {self.bartlett_df}, {fmt_p(self.bartlett_p)}",
             "p < .05", self.bartlett_p < 0.05, "Bartlett (1950)"),
            (pick("ดีเทอร์มิแนนต์ของเมทริกซ์สหสัมพันธ์", "Determinant of R", lang), f"{self.determinant:.3g}",
             "> 0.00001", self.determinant > 1e-5, "Field (2013)"),
        ]
        frame = pd.DataFrame(rows, columns=["check", "value", "criterion", "passed", "source"])
        frame["result"] = [yes if p else no for p in frame["passed"]]
        return frame[["check", "value", "criterion", "result", "source", "passed"]]

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        c = self.criteria(lang)
        verdict = (pick("ข้อมูลเหมาะสมสำหรับการวิเคราะห์องค์ประกอบ", "The data are suitable for factor analysis", lang)
                   if self.passed else
                   pick("ข้อมูลไม่ผ่านเกณฑ์บางข้อ: ", "Not every criterion is met: ", lang)
                   + ", ".join(c.loc[~c["passed"], "check"]))
        lines = [verdict,
                 f"KMO = {self.kmo:.3f} ({kmo_band(self.kmo, lang)}); Bartlett χ²({self.bartlett_df}) = "
                 f"{self.bartlett_chisq:.2f}, {fmt_p(self.bartlett_p)}; "
                 + pick("ดีเทอร์มิแนนต์", "determinant", lang) + f" = {self.determinant:.3g}; "
                 + pick(f"{self.n_items} ข้อ, n = {self.n_obs}", f"{self.n_items} items, n = {self.n_obs}", lang)]
        if self.rows:
            lines.append(self.rows[lang])
        return "\n".join(lines)

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        lang = check_language(lang)
        crit = self.criteria(lang).drop(columns="passed")
        if lang == "th":
            crit = crit.rename(columns={"check": "การตรวจสอบ", "value": "ค่าที่ได้", "criterion": "เกณฑ์",
                                        "result": "ผลการพิจารณา", "source": "ที่มา"})
        else:
            crit = crit.rename(columns=str.capitalize)
        items = self.items.copy()
        if self.labels:
            items.insert(1, "label", [self.labels.get(lang, {}).get(i, "") for i in items["item"]])
        items["interpretation"] = [kmo_band(v, lang) for v in items["msa"]]
        items = relabel(items, lang).rename(columns={"msa": "MSA"})
        return {pick("เกณฑ์ความเหมาะสมของข้อมูล", "Adequacy criteria", lang): crit,
                pick("ค่า MSA รายข้อ", "Measure of sampling adequacy per item", lang): items}


def adequacy(x, *, items=None, nan_policy: str = "listwise", n_obs: int | None = None,
             kmo_min: float = 0.50, msa_min: float = 0.50) -> AdequacyResult:
    """Kaiser-Meyer-Olkin measure, Bartlett's test of sphericity and the determinant of R.

    With R the item correlation matrix and Q = R^-1 scaled to partial
    correlations q_ij = -Q_ij / sqrt(Q_ii Q_jj),

    - KMO = sum r_ij^2 / (sum r_ij^2 + sum q_ij^2) over i != j, and per item
      MSA_i with the sums over j only (Kaiser, 1970, 1974);
    - Bartlett's chi-square = -(n - 1 - (2p + 5)/6) log|R| on p(p-1)/2 df
      tests R = I (Bartlett, 1950);
    - |R| > 0.00001 rules out extreme multicollinearity (Field, 2013).

    Parameters
    ----------
    x : Survey, DataFrame or correlation matrix
        Item answers, or a correlation matrix with ``n_obs``.
    items : list of str, optional
        Columns to analyse (default: all; a Survey's instrument items).
    nan_policy : {"listwise", "pairwise"}
        Complete rows (rows left out are counted), or pairwise correlations
        (``psych``'s ``use = "pairwise"``, with n = the rows read as psych).
    n_obs : int, optional
        Sample size of a correlation-matrix input.
    kmo_min, msa_min : float
        Pass marks of the overall KMO and of each item's MSA (Kaiser's .50;
        some texts ask .60 or .70).

    Returns
    -------
    AdequacyResult
        ``kmo, bartlett_chisq, bartlett_df, bartlett_p, determinant``,
        ``items`` (``item, msa``), ``criteria()`` and ``passed``.

    Notes
    -----
    Agrees with ``psych::KMO(r)`` (``MSA``, ``MSAi``) and
    ``psych::cortest.bartlett(r, n)``.  factor_analyzer's ``calculate_kmo``
    and ``calculate_bartlett_sphericity`` give the same numbers on complete
    data, but need raw data without missing answers (they return NaN
    otherwise), so edu40 computes them from the correlation matrix.

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39, 31-36.
    Bartlett, M. S. (1950). Tests of significance in factor analysis. *British
    Journal of Psychology*, 3, 77-85.
    Field, A. (2013). *Discovering statistics using IBM SPSS statistics* (4th ed.). Sage.

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> hs = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
    >>> a = edu40.adequacy(hs)
    >>> round(a.kmo, 3), round(a.bartlett_chisq, 2), a.bartlett_df
    (0.752, 904.1, 36)
    """
    data = x if isinstance(x, FactorData) else factor_data(x, items=items, nan_policy=nan_policy, n_obs=n_obs,
                                                           what="adequacy")
    return _adequacy(data, kmo_min, msa_min)


def _adequacy(data: FactorData, kmo_min=0.50, msa_min=0.50) -> AdequacyResult:
    r, n, p = data.corr, data.n_obs, data.p
    total, per_item = _kmo(r)
    sign, logdet = np.linalg.slogdet(r)
    chisq = -logdet * (n - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) // 2
    items = pd.DataFrame({"item": data.items, "msa": per_item})
    return AdequacyResult(kmo=total, bartlett_chisq=float(chisq), bartlett_df=df,
                          bartlett_p=float(stats.chi2.sf(chisq, df)), determinant=float(sign * np.exp(logdet)),
                          n_obs=n, n_items=p, kmo_min=kmo_min, msa_min=msa_min, items=items,
                          rows=_rows(data), labels=data.labels)


# --------------------------------------------------------------------------- number of factors
def _fa_values(r: np.ndarray, method: str = "minres") -> np.ndarray:
    """Eigenvalues of R with the communalities of a one-factor solution on the diagonal (psych ``fa()$values``)."""
    L = extract(r, 1, method).loadings
    s = r.copy()
    np.fill_diagonal(s, np.sum(L * L, axis=1))
    return np.linalg.eigvalsh(s)[::-1]


def _map(r: np.ndarray, power: int = 2) -> np.ndarray:
    """Velicer's MAP: mean squared partial correlation after partialling out the first m components, m = 1..p-1."""
    p = r.shape[0]
    vals, vecs = np.linalg.eigh(r)
    comp = vecs[:, ::-1] * np.sqrt(np.maximum(vals[::-1], 0))
    out = np.full(p - 1, np.nan)
    for m in range(1, p):
        c = r - comp[:, :m] @ comp[:, :m].T
        d = np.diag(c)
        if np.any(d <= 1e-12):       # all variance partialled out: undefined beyond here
            break
        rs = c / np.sqrt(np.outer(d, d))
        np.fill_diagonal(rs, 0)
        out[m - 1] = np.sum(np.abs(rs) ** power) / (p * (p - 1))
    return out


def _leading(observed, threshold) -> int:
    """How many leading observed eigenvalues exceed their threshold (psych: which(!(obs > ci))[1] - 1)."""
    above = observed > threshold
    return int(len(above) if above.all() else np.argmin(above))


@dataclass(frozen=True, eq=False)
class NFactorsResult(Result):
    """How many factors: eigenvalues > 1, parallel analysis (PC and FA) and MAP side by side."""

    TITLE = ("จำนวนองค์ประกอบที่ควรสกัด", "Number of factors to extract")

    table: pd.DataFrame = field(repr=False)
    kaiser: int
    parallel_fa: int
    parallel_pc: int
    map: int
    suggested: int
    n_iter: int
    quantile: float
    seed: object
    n_obs: int
    n_items: int
    max_factors: int
    rows: dict = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The eigenvalue table (observed, random-data and MAP values per number of factors)."""
        return self.table.copy()

    def suggestions(self, lang: str | None = None) -> pd.DataFrame:
        """One row per criterion: its suggestion, rule and reference."""
        lang = check_language(lang)
        q = f"{self.quantile * 100:.0f}"
        rows = [
            (pick("ค่าไอเกนมากกว่า 1", "Eigenvalues > 1", lang), self.kaiser,
             pick("ค่าไอเกนขององค์ประกอบหลักมากกว่า 1", "principal-component eigenvalues above 1", lang),
             "Kaiser (1960)"),
            (pick("การวิเคราะห์คู่ขนาน (FA)", "Parallel analysis (FA)", lang), self.parallel_fa,
             pick(f"ค่าไอเกนขององค์ประกอบร่วมสูงกว่าเปอร์เซ็นไทล์ที่ {q} ของข้อมูลสุ่ม {self.n_iter} ชุด",
                  f"factor eigenvalues above the {q}th percentile of {self.n_iter} random data sets", lang),
             "Horn (1965); psych::fa.parallel"),
            (pick("การวิเคราะห์คู่ขนาน (PC)", "Parallel analysis (PC)", lang), self.parallel_pc,
             pick(f"ค่าไอเกนขององค์ประกอบหลักสูงกว่าเปอร์เซ็นไทล์ที่ {q} ของข้อมูลสุ่ม",
                  f"component eigenvalues above the {q}th percentile of the random data", lang),
             "Horn (1965); psych::fa.parallel"),
            ("MAP", self.map,
             pick("ค่าเฉลี่ยกำลังสองของสหสัมพันธ์บางส่วนต่ำสุด", "smallest average squared partial correlation", lang),
             "Velicer (1976); psych::VSS"),
        ]
        return pd.DataFrame(rows, columns=["criterion", "n_factors", "rule", "reference"])

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        s = self.suggestions(lang)
        head = pick(f"เสนอให้สกัด {self.suggested} องค์ประกอบ (การวิเคราะห์คู่ขนาน FA)",
                    f"Suggested: {self.suggested} factor(s) (parallel analysis, FA)", lang)
        body = "; ".join(f"{c}: {n}" for c, n in zip(s["criterion"], s["n_factors"]))
        lines = [head, body]
        if self.rows:
            lines.append(self.rows[lang])
        if self.parallel_fa > self.max_factors:
            lines.append(pick(f"{self.n_items} ข้อรองรับได้ไม่เกิน {self.max_factors} องค์ประกอบ",
                              f"{self.n_items} items allow at most {self.max_factors} factors", lang))
        return "\n".join(lines)

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        lang = check_language(lang)
        s = self.suggestions(lang)
        if lang == "th":
            s = s.rename(columns={"criterion": "เกณฑ์", "n_factors": "จำนวนองค์ประกอบ", "rule": "หลักการ",
                                  "reference": "อ้างอิง"})
        else:
            s = s.rename(columns={"criterion": "Criterion", "n_factors": "Factors", "rule": "Rule",
                                  "reference": "Reference"})
        q = f"{self.quantile * 100:.0f}"
        heads = {"factor": ("องค์ประกอบที่", "Factor"), "eigenvalue": ("ค่าไอเกน (PC)", "Eigenvalue (PC)"),
                 "fa_eigenvalue": ("ค่าไอเกน (FA)", "Eigenvalue (FA)"),
                 "sim_pc_mean": ("ข้อมูลสุ่ม PC เฉลี่ย", "Random PC mean"),
                 "sim_pc_q": (f"ข้อมูลสุ่ม PC เปอร์เซ็นไทล์ {q}", f"Random PC {q}th pct."),
                 "sim_fa_mean": ("ข้อมูลสุ่ม FA เฉลี่ย", "Random FA mean"),
                 "sim_fa_q": (f"ข้อมูลสุ่ม FA เปอร์เซ็นไทล์ {q}", f"Random FA {q}th pct."), "map": ("MAP", "MAP")}
        shown = self.table[list(heads)].rename(columns={k: pick(*v, lang) for k, v in heads.items()})
        return {pick("ข้อเสนอของแต่ละเกณฑ์", "Suggestion of each criterion", lang): s,
                pick("ค่าไอเกนและค่าจากข้อมูลสุ่ม", "Eigenvalues, random-data eigenvalues and MAP", lang): shown}

    def report_blocks(self, lang: str | None = None, *, figures: bool = True) -> list:
        lang = check_language(lang)
        blocks = [heading(pick(*self.TITLE, lang)), text(self.summary(lang))]
        if len({self.kaiser, self.parallel_fa, self.parallel_pc, self.map}) > 1:
            blocks.append(warning(pick(
                "เกณฑ์ต่าง ๆ เสนอจำนวนองค์ประกอบไม่เท่ากัน ควรพิจารณาร่วมกับความหมายขององค์ประกอบ "
                "(การวิเคราะห์คู่ขนานและ MAP แม่นยำกว่าเกณฑ์ค่าไอเกนมากกว่า 1)",
                "The criteria disagree: weigh them with the interpretability of the factors (parallel analysis "
                "and MAP are more accurate than eigenvalues > 1; Zwick & Velicer, 1986)", lang)))
        blocks += [table(t, name) for name, t in self.tables(lang).items()]
        if figures:
            def draw():
                from .efa_plots import scree_plot
                return scree_plot(self, lang=lang)
            blocks.append(figure(draw, pick("กราฟสกรีและการวิเคราะห์คู่ขนาน", "Scree plot and parallel analysis",
                                            lang)))
        return blocks


def number_of_factors(x, *, items=None, nan_policy: str = "listwise", n_obs: int | None = None,
                      n_iter: int = 20, quantile: float = 0.95, seed=0, fm: str = "minres") -> NFactorsResult:
    """Eigenvalues > 1, parallel analysis and Velicer's MAP: how many factors to extract.

    - Kaiser-Guttman: the number of eigenvalues of R above 1.
    - Parallel analysis (Horn, 1965) as ``psych::fa.parallel(x, fm = "minres",
      fa = "both", n.iter = 20)``: the eigenvalues of R (components) and of R
      with one-factor minres communalities on its diagonal (factors) are
      compared with those of ``n_iter`` correlation matrices of normal random
      data of the same size; the suggestion is the number of leading
      eigenvalues above the ``quantile`` (95th percentile) of the random
      ones.  The resampling curve of psych, which does not enter its
      suggestion, is not computed.
    - MAP (Velicer, 1976): partial out the first m principal components, m =
      1 .. p-1; the mean squared partial correlation is smallest at the
      suggested m (``psych::VSS(x)$map``).

    Parameters
    ----------
    x : Survey, DataFrame or correlation matrix
    items, nan_policy, n_obs
        As in :func:`adequacy`.
    n_iter : int
        Random data sets (psych's default 20; more gives a steadier threshold).
    quantile : float
        Percentile of the random eigenvalues that an observed one must exceed.
    seed : int, Generator or None
        Random seed of the simulated data (fixed by default: the same data
        always give the same suggestion).
    fm : {"minres", "ml"}
        Extraction of the one-factor communalities.

    Returns
    -------
    NFactorsResult
        ``kaiser, parallel_fa, parallel_pc, map``, ``suggested`` (parallel
        analysis, FA; capped at the most factors the items allow),
        ``table`` (``factor, eigenvalue, fa_eigenvalue, sim_pc_mean,
        sim_pc_q, sim_pc_sd, sim_fa_mean, sim_fa_q, sim_fa_sd, map``) and
        ``suggestions()``.

    Notes
    -----
    The observed eigenvalues and MAP agree with psych exactly; the random
    thresholds agree within Monte Carlo error (R's random numbers differ).

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in
    factor analysis. *Psychometrika*, 30, 179-185.
    Velicer, W. F. (1976). Determining the number of components from the matrix
    of partial correlations. *Psychometrika*, 41, 321-327.
    Zwick, W. R., & Velicer, W. F. (1986). Comparison of five rules for
    determining the number of components to retain. *Psychological Bulletin*, 99, 432-442.

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> hs = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
    >>> nf = edu40.number_of_factors(hs)
    >>> nf.kaiser, nf.parallel_fa, nf.map
    (3, 3, 2)
    """
    if fm not in ("minres", "ml"):
        raise ValueError(f"fm must be 'minres' or 'ml', not {fm!r}")
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be between 0 and 1 (e.g. 0.95), not {quantile!r}")
    if int(n_iter) < 1:
        raise ValueError(f"n_iter must be at least 1, not {n_iter!r}")
    data = x if isinstance(x, FactorData) else factor_data(x, items=items, nan_policy=nan_policy, n_obs=n_obs,
                                                           what="number_of_factors")
    r, n, p = data.corr, data.n_obs, data.p
    pc = np.linalg.eigvalsh(r)[::-1]
    rng = np.random.default_rng(seed)
    sim_pc = np.empty((n_iter, p))
    sim_fa = np.empty((n_iter, p))
    with threadpool_limits(1, user_api="blas"):     # small matrices: one BLAS thread is fastest
        fa = _fa_values(r, fm)
        for i in range(int(n_iter)):
            c = np.corrcoef(rng.standard_normal((n, p)), rowvar=False)
            sim_pc[i] = np.linalg.eigvalsh(c)[::-1]
            sim_fa[i] = _fa_values(c, fm)
    q_pc = np.quantile(sim_pc, quantile, axis=0)   # R's quantile type 7 = numpy's default
    q_fa = np.quantile(sim_fa, quantile, axis=0)
    mp = _map(r)
    table_ = pd.DataFrame({"factor": np.arange(1, p + 1), "eigenvalue": pc, "fa_eigenvalue": fa,
                           "sim_pc_mean": sim_pc.mean(axis=0), "sim_pc_q": q_pc,
                           "sim_pc_sd": sim_pc.std(axis=0, ddof=1) if n_iter > 1 else np.nan,
                           "sim_fa_mean": sim_fa.mean(axis=0), "sim_fa_q": q_fa,
                           "sim_fa_sd": sim_fa.std(axis=0, ddof=1) if n_iter > 1 else np.nan,
                           "map": np.append(mp, np.nan)})
    n_fa = _leading(fa, q_fa)
    bound = max_factors(p)
    return NFactorsResult(table=table_, kaiser=int(np.sum(pc > 1)), parallel_fa=n_fa,
                          parallel_pc=_leading(pc, q_pc), map=int(np.nanargmin(mp) + 1),
                          suggested=min(n_fa, bound), n_iter=int(n_iter), quantile=float(quantile),
                          seed=seed if isinstance(seed, (int, type(None))) else "generator", n_obs=n,
                          n_items=p, max_factors=bound, rows=_rows(data))


def _rows(data: FactorData) -> dict:
    return {"th": data.rows_note("th"), "en": data.rows_note("en")}
