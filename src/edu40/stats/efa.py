"""Exploratory factor analysis for building an instrument: ``edu40.efa``.

The steps of a thesis's EFA section in one call: adequacy of the data (KMO,
Bartlett), the number of factors (when not given: eigenvalues > 1, parallel
analysis, MAP), extraction, rotation, the sorted loading table with small
loadings blanked, items that cross-load or load nowhere, and the lavaan-style
syntax of the simple structure for the confirmatory analysis that follows
(``edu40.fit(result.to_model(), other_data)``).

The rotations are factor_analyzer's (:class:`factor_analyzer.Rotator`);
edu40 builds the correlation matrix (listwise or pairwise, every left-out row
counted), extracts the factors and applies ``psych::fa``'s conventions to the
rotated solution (see :mod:`edu40.stats.efa_extract` and docs/efa.md for where
factor_analyzer and psych differ).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ._factor_data import factor_data
from ._inputs import StatsInputError, check_choice
from .efa_extract import METHODS, OBLIQUE, ROTATIONS, extract, fit_statistics, rotate
from .efa_result import EFAResult
from .factors import _adequacy, max_factors, number_of_factors

__all__ = ["efa", "EFAResult"]


def efa(x, n_factors: int | None = None, *, method: str = "minres", rotation: str = "promax", items=None,
        nan_policy: str = "listwise", n_obs: int | None = None, cut: float = 0.30, n_iter: int = 20,
        seed=0) -> EFAResult:
    """Exploratory factor analysis: extraction, rotation, the loading table and the model for CFA.

    Parameters
    ----------
    x : Survey, DataFrame or correlation matrix
        Item answers (a Survey gives its instrument's items and their Thai and
        English texts), or a correlation matrix with ``n_obs``.
    n_factors : int, optional
        Factors to extract.  Default: the suggestion of parallel analysis
        (:func:`edu40.number_of_factors`, shown in the report with the other
        criteria).
    method : {"minres", "ml", "pa", "principal"}
        Minimum residual (psych's default), maximum likelihood, principal
        axis factoring (SPSS "Principal axis factoring") or principal
        components (SPSS's default "Principal components").
    rotation : str
        ``"promax"`` (default; oblique, kappa 4), ``"oblimin"`` (direct
        oblimin, gamma 0), ``"quartimin"``, ``"geomin_obl"``, ``"varimax"``
        (orthogonal), ``"quartimax"``, ``"equamax"``, ``"geomin_ort"`` or
        ``"none"``.
    items : list of str, optional
        Columns to analyse (default: every column, which must be numeric).
    nan_policy : {"listwise", "pairwise"}
        Complete rows only (left-out rows are counted and reported), or
        pairwise correlations (psych's default).
    n_obs : int, optional
        Sample size of a correlation-matrix input.
    cut : float
        Salience cut: smaller loadings are blanked in the loading table and do
        not count as loading (|.30| by default, as theses print it).
    n_iter, seed
        Random data sets and seed of the parallel analysis (``n_factors=None``).

    Returns
    -------
    EFAResult
        ``loadings`` (pattern, h2, u2, complexity), ``structure`` and ``phi``
        (oblique), ``variance``, ``eigenvalues``, ``fit``, ``adequacy``,
        ``evidence`` (number-of-factors criteria when they chose
        ``n_factors``); ``scores()``, ``score_weights()`` and
        ``determinacy()`` (factor scores); ``loading_table()``, ``cross_loadings``,
        ``no_loadings``, ``to_model()``, ``report_blocks()`` and the exports
        (``to_html``, ``to_docx``, ``to_excel``, ``to_markdown``).

    Notes
    -----
    Extraction minimises the minres or ML discrepancy over the uniquenesses
    (bounded to [.005, 1] as ``psych::fa``); communalities h2 = diag(L Phi L'),
    u2 = 1 - h2; complexity = (sum l^2)^2 / sum l^4 (Hofmann, 1978); the
    variance accounted for by each factor is diag(Phi L'L) (oblique) or the
    column sums of squares.  Agrees with ``psych::fa(x, nfactors, fm, rotate)``
    (loadings, ``Phi``, ``communality``, ``uniquenesses``, ``Vaccounted``,
    ``STATISTIC``, ``TLI``, ``RMSEA``, ``BIC``, ``rms``) to 1e-5; formulas in
    docs/methods.md.

    References
    ----------
    Fabrigar, L. R., Wegener, D. T., MacCallum, R. C., & Strahan, E. J. (1999).
    Evaluating the use of exploratory factor analysis in psychological research.
    *Psychological Methods*, 4, 272-299.
    Revelle, W. (2022). *psych: Procedures for psychological, psychometric, and
    personality research* (R package 2.2.9).

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> hs = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
    >>> res = edu40.efa(hs, 3, rotation="oblimin")
    >>> res.loadings.set_index("item").loc["x5", ["F1", "F2", "F3"]].round(2).tolist()
    [0.89, -0.06, 0.01]
    >>> print(res.to_model())
    # cross-loading, kept on their largest loading: x9
    F1 =~ x5 + x4 + x6
    F2 =~ x3 + x1 + x2
    F3 =~ x7 + x8 + x9
    """
    check_choice("method", method, METHODS)
    check_choice("rotation", rotation, list(ROTATIONS))
    if not 0 <= float(cut) < 1:
        raise ValueError(f"cut must be between 0 and 1 (e.g. 0.30), not {cut!r}")
    data = factor_data(x, items=items, nan_policy=nan_policy, n_obs=n_obs, what="efa")
    p = data.p
    bound = max_factors(p) if method != "principal" else p
    evidence = None
    notes, cautions = [], []
    if n_factors is None:
        evidence = number_of_factors(data, n_iter=n_iter, seed=seed)
        n_factors = evidence.suggested
        if n_factors == 0:
            raise StatsInputError("efa: parallel analysis finds no factor above chance level (eigenvalues no larger "
                                  "than those of random data); give n_factors= if theory says otherwise")
        notes.append((f"จำนวนองค์ประกอบ ({n_factors}) กำหนดจากการวิเคราะห์คู่ขนาน",
                      f"The number of factors ({n_factors}) was chosen by parallel analysis"))
    n_factors = int(n_factors)
    if n_factors < 1:
        raise ValueError(f"n_factors must be at least 1, not {n_factors}")
    if n_factors > bound:
        raise StatsInputError(
            f"efa: {n_factors} factors are more than {p} items allow: a common factor model of {p} items has "
            f"at most {bound} factors (degrees of freedom p(p-1)/2 - pm + m(m-1)/2 >= 0; Ledermann, 1937). "
            f"Extract fewer factors or add items")
    # One BLAS thread: for item-sized matrices (10-100 items) thread hand-offs cost more than they
    # save, and on a shared machine waiting threads spin (measured 5x slower extraction).
    with threadpool_limits(1, user_api="blas"):
        ex = extract(data.corr, n_factors, method)
        L, phi = rotate(ex.loadings, rotation)
    h2 = np.sum(ex.loadings ** 2, axis=1)     # invariant under rotation: diag(L Phi L')
    names = [f"F{k + 1}" for k in range(n_factors)]
    with np.errstate(divide="ignore", invalid="ignore"):
        com = np.sum(L ** 2, axis=1) ** 2 / np.sum(L ** 4, axis=1)
    loadings = pd.DataFrame(L, columns=names)
    loadings.insert(0, "item", data.items)
    loadings["h2"] = h2
    loadings["u2"] = np.diag(data.corr) - h2
    loadings["com"] = com
    var = np.diag(phi @ L.T @ L) if phi is not None else np.sum(L ** 2, axis=0)
    total = float(np.trace(data.corr))
    variance = pd.DataFrame({"factor": names, "ss_loadings": var, "proportion": var / total,
                             "cumulative": np.cumsum(var) / total, "proportion_explained": var / var.sum(),
                             "cumulative_proportion": np.cumsum(var) / var.sum()})
    fit = pd.Series(fit_statistics(data.corr, L, phi, data.n_obs, data.pair_counts), dtype=float)
    heywood = tuple(str(i) for i in np.array(data.items)[ex.heywood | (h2 >= 1)])
    if data.n_obs < 5 * p or data.n_obs < 100:
        cautions.append((f"ขนาดตัวอย่าง n = {data.n_obs} สำหรับ {p} ข้อ ค่อนข้างน้อย (ข้อแนะนำทั่วไป: 5-10 คนต่อข้อ "
                         f"และอย่างน้อย 100-200 คน; Comrey & Lee, 1992)",
                         f"n = {data.n_obs} for {p} items is small (common advice: 5-10 respondents per item and "
                         f"at least 100-200; Comrey & Lee, 1992)"))
    if rotation in OBLIQUE and phi is not None and np.max(np.abs(phi - np.eye(n_factors))) > 0.85:
        cautions.append(("มีสหสัมพันธ์ระหว่างองค์ประกอบสูงกว่า .85 องค์ประกอบอาจไม่แยกจากกัน",
                         "Some factors correlate above .85: they may not be distinct"))
    eig = pd.Series(np.linalg.eigvalsh(data.corr)[::-1], index=np.arange(1, p + 1), name="eigenvalue")
    adequacy = _adequacy(data)
    return EFAResult(n_factors=n_factors, method=method, rotation=rotation, n_obs=data.n_obs, n_items=p,
                     nan_policy=data.nan_policy, cut=float(cut), converged=ex.converged, iterations=ex.iterations,
                     loadings=loadings,
                     structure=(pd.DataFrame(L @ phi, index=data.items, columns=names) if phi is not None else None),
                     phi=pd.DataFrame(phi, index=names, columns=names) if phi is not None else None,
                     variance=variance, eigenvalues=eig, fit=fit, adequacy=adequacy, evidence=evidence,
                     heywood=heywood, rows={"th": data.rows_note("th"), "en": data.rows_note("en")}, notes=tuple(notes),
                     cautions=tuple(cautions), labels=data.labels, instrument=data.instrument,
                     corr=data.frame(), data=data.answers)
