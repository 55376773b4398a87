"""Factor scores of an exploratory factor solution: the arithmetic behind ``EFAResult.scores``.

Notation: R the item correlation matrix the EFA was fitted on (p items), L
the pattern loadings (p x m), Phi the factor correlations (the identity for an
orthogonal solution), S = L Phi the structure, U^2 = diag(1 - diag(L Phi L'))
the uniquenesses, Z the standardized answers. The scores are Z W with the
weights W (SPSS "factor score coefficient matrix") of ``psych::factor.scores``:

- ``"regression"`` (Thurstone, 1935; SPSS "Regression"): W = R^-1 S;
- ``"Bartlett"`` (1937; weighted least squares): W = U^-2 L (L' U^-2 L)^-1;
- ``"Anderson"`` (Anderson & Rubin, 1956): W = U^-2 L (L' U^-2 R U^-2 L)^-1/2;
- ``"tenBerge"`` (ten Berge et al., 1999; keeps the factor correlations):
  with L* = L Phi^1/2, W = R^-1 L* (L*' R^-1 L*)^-1/2 Phi^1/2;
- ``"Harman"`` (1976, "idealized variables"): W = M^-1 L, M = L Phi L' with
  a unit diagonal.

Matrix square roots are psych's ``matSqrt`` / ``invMatSqrt`` (eigenvalues below
machine epsilon set to 100 eps before the inverse root). Z standardizes each
item with its mean and its SD with divisor n - 1, as R's ``scale()``; a row
with a missing answer has no score (NaN on every factor), as
``factor.scores(impute = "none")``, the default of ``psych::fa``: nothing is
imputed and the rows are counted.

How good the scores are (Grice, 2001): the correlation of the scores of
factor k with the factor is (W'S)_kk / sqrt((W'RW)_kk), for the regression
weights sqrt(diag(S'R^-1 S)) -- psych's "Correlation of (regression) scores
with factors", the factor score determinacy, whose square is its "Multiple R
square" and 2 rho^2 - 1 its "Minimum correlation of possible factor scores"
(Guttman, 1955); the scores correlate among themselves as cov2cor(W'RW)
(psych's ``r.scores``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._inputs import StatsInputError, check_choice, numeric_frame

__all__ = ["FactorScores", "SCORE_METHODS", "SCORE_METHOD_NAMES", "score_method", "weights_matrix",
           "determinacy_table", "correlations_of_scores", "item_moments", "compute_scores"]

SCORE_METHODS = ("regression", "Bartlett", "Anderson", "tenBerge", "Harman")
SCORE_METHOD_NAMES = {
    "regression": ("วิธีถดถอย (regression; Thurstone)", "regression (Thurstone)"),
    "Bartlett": ("วิธีของบาร์ตเลตต์ (Bartlett)", "Bartlett"),
    "Anderson": ("วิธีของแอนเดอร์สัน-รูบิน (Anderson-Rubin)", "Anderson-Rubin"),
    "tenBerge": ("วิธีของเทน เบิร์ก (ten Berge)", "ten Berge"),
    "Harman": ("วิธีของฮาร์แมน (Harman)", "Harman"),
}
# the spellings psych::factor.scores takes, lower-cased
_ALIASES = {"regression": "regression", "thurstone": "regression", "bartlett": "Bartlett",
            "anderson": "Anderson", "anderson-rubin": "Anderson", "tenberge": "tenBerge", "harman": "Harman"}
_EPS = np.finfo(float).eps


def score_method(method: str) -> str:
    """psych's name of a scoring method (``"Thurstone"`` is ``"regression"``, case does not matter)."""
    key = _ALIASES.get(str(method).lower()) if isinstance(method, str) else None
    if key is None:
        raise ValueError(f"method must be one of {list(SCORE_METHODS)}, not {method!r}")
    return key


def _sqrtm(x: np.ndarray, inverse: bool = False) -> np.ndarray:
    """Symmetric square root (psych ``matSqrt``) or inverse square root (``invMatSqrt``)."""
    vals, vecs = np.linalg.eigh(x)
    if inverse:
        d = 1 / np.sqrt(np.where(vals < _EPS, 100 * _EPS, vals))
    else:
        d = np.sqrt(np.where(vals < 0, _EPS, vals))
    return (vecs * d) @ vecs.T


def weights_matrix(corr: np.ndarray, loadings: np.ndarray, phi: np.ndarray | None, method: str) -> np.ndarray:
    """The weights W (p x m) of a scoring method; formulas in the module docstring."""
    method = score_method(method)
    m = loadings.shape[1]
    phi = np.eye(m) if phi is None else np.asarray(phi, float)
    L = np.asarray(loadings, float)
    S = L @ phi
    if method == "regression":
        return np.linalg.solve(corr, S)
    if method == "Harman":
        M = L @ S.T
        np.fill_diagonal(M, 1.0)
        return np.linalg.solve(M, L)
    if method == "tenBerge":
        Ls = L @ _sqrtm(phi)
        Ri_Ls = np.linalg.solve(corr, Ls)
        return Ri_Ls @ _sqrtm(Ls.T @ Ri_Ls, inverse=True) @ _sqrtm(phi)
    u2 = 1 - np.einsum("ij,jk,ik->i", L, phi, L)
    if np.any(u2 <= 0):
        raise StatsInputError(f"scores: {method} weights divide by the uniquenesses, and some are 0 or negative "
                              f"(a Heywood case, communality >= 1); use method='regression' or 'tenBerge'")
    UL = L / u2[:, None]
    if method == "Bartlett":
        return UL @ np.linalg.inv(L.T @ UL)
    return UL @ _sqrtm(UL.T @ corr @ UL, inverse=True)       # Anderson


def _validity(corr, loadings, phi, W) -> np.ndarray:
    S = loadings @ (np.eye(loadings.shape[1]) if phi is None else phi)
    return np.diag(W.T @ S) / np.sqrt(np.diag(W.T @ corr @ W))


def determinacy_table(corr, loadings, phi, method: str, factors: list) -> pd.DataFrame:
    """``factor, correlation, r2`` (and ``min_correlation`` for the regression scores) of a scoring method."""
    method = score_method(method)
    W = weights_matrix(corr, loadings, phi, method)
    rho = _validity(corr, loadings, phi, W)
    out = pd.DataFrame({"factor": factors, "correlation": rho, "r2": rho ** 2})
    if method == "regression":
        out["min_correlation"] = 2 * rho ** 2 - 1
    return out


def correlations_of_scores(corr, W, factors: list) -> pd.DataFrame:
    """Correlations among the scores, cov2cor(W'RW) (psych ``factor.scores(...)$r.scores``)."""
    c = W.T @ corr @ W
    d = 1 / np.sqrt(np.diag(c))
    return pd.DataFrame(c * np.outer(d, d), index=factors, columns=factors)


def item_moments(frame: pd.DataFrame, nan_policy: str) -> tuple[pd.Series, pd.Series]:
    """Means and SDs (divisor n - 1) of the answers the correlations came from: complete rows (listwise) or
    every answer to the item (pairwise), as ``scale()`` of the data ``psych::fa`` was given."""
    used = frame.dropna() if nan_policy == "listwise" else frame
    return used.mean(), used.std(ddof=1)


def check_moments(means: pd.Series, sds: pd.Series, what: str = "scores") -> None:
    bad = [c for c in sds.index if not np.isfinite(sds[c]) or sds[c] <= 0]
    if bad:
        raise StatsInputError(
            f"{what}: item(s) {bad} cannot be standardized in the data scored (fewer than 2 answers, or every "
            f"answer the same); standardize with the means and SDs of the EFA's data instead: standardize='fit'")


def compute_scores(frame: pd.DataFrame, W: np.ndarray, means: pd.Series, sds: pd.Series, factors: list,
                   method: str) -> pd.DataFrame:
    """Z W for the complete rows, NaN for a row with a missing answer; counts and a note in ``.attrs``."""
    complete = frame.notna().all(axis=1).to_numpy()
    z = ((frame - means) / sds).to_numpy(dtype=float)
    values = np.full((len(frame), W.shape[1]), np.nan)
    values[complete] = z[complete] @ W
    out = pd.DataFrame(values, index=frame.index, columns=list(factors))
    n, k = len(frame), int((~complete).sum())
    th, en = SCORE_METHOD_NAMES[method]
    note_th = f"คะแนนองค์ประกอบ{th} ของ {n - k} จาก {n} แถว"
    note_en = f"Factor scores ({en}) of {n - k} of {n} rows"
    if k:
        note_th += (f"; {k} แถวที่ตอบไม่ครบทุกข้อไม่มีคะแนน (NaN) เพราะไม่ได้แทนค่าที่หายไป "
                    f"(เช่นเดียวกับ psych::factor.scores, impute = \"none\")")
        note_en += (f"; {k} row(s) with a missing answer have no score (NaN): nothing is imputed "
                    f"(as psych::factor.scores, impute = \"none\")")
    out.attrs.update({"method": method, "n_rows": n, "n_scored": n - k, "n_missing": k,
                      "note": {"th": note_th, "en": note_en}})
    return out


class FactorScores:
    """The factor-score methods of :class:`~edu40.EFAResult` (they read its ``corr``, ``loadings``, ``phi``,
    ``data`` and ``nan_policy``)."""

    def _solution(self, method: str):
        if self.corr is None:
            raise ValueError("this EFAResult keeps no correlation matrix; run edu40.efa again to score")
        L = self._pattern().to_numpy(dtype=float)
        phi = None if self.phi is None else self.phi.to_numpy(dtype=float)
        corr = self.corr.loc[self.loadings["item"], self.loadings["item"]].to_numpy(dtype=float)
        return corr, L, phi, score_method(method)

    def score_weights(self, method: str = "regression") -> pd.DataFrame:
        """Factor score weights W, one row per item (SPSS "factor score coefficient matrix").

        The scores of :meth:`scores` are ``Z W``, Z the standardized items.
        W comes from the EFA's correlation matrix R, pattern loadings L,
        factor correlations Phi (identity when orthogonal), structure
        ``S = L Phi`` and uniquenesses ``U2 = diag(1 - diag(L Phi L'))``:

        - regression: ``W = R^-1 S``
        - Bartlett: ``W = U2^-1 L (L' U2^-1 L)^-1``
        - Anderson: ``W = U2^-1 L (L' U2^-1 R U2^-1 L)^-1/2``
        - tenBerge: ``W = R^-1 Ls (Ls' R^-1 Ls)^-1/2 Phi^1/2``, ``Ls = L Phi^1/2``
        - Harman: ``W = M^-1 L``, ``M = L Phi L'`` with a unit diagonal

        Agrees with ``psych::fa(x, nfactors, fm, rotate, scores =
        method)$weights`` (to 1e-14 from psych's loadings; docs/efa.md).

        Parameters
        ----------
        method : {"regression", "Bartlett", "Anderson", "tenBerge", "Harman"}
            See :meth:`scores`.

        Returns
        -------
        DataFrame
            Index ``item``, one column per factor.

        Examples
        --------
        >>> import edu40
        >>> from semopy.examples import holzinger39
        >>> res = edu40.efa(holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]], 3, rotation="oblimin")
        >>> res.score_weights().loc["x5"].round(3).tolist()
        [0.393, -0.064, 0.021]
        """
        corr, L, phi, method = self._solution(method)
        W = weights_matrix(corr, L, phi, method)
        return pd.DataFrame(W, index=pd.Index(self.loadings["item"], name="item"), columns=self.factors)

    def scores(self, data=None, method: str = "regression", *, standardize: str = "data") -> pd.DataFrame:
        """Factor scores: one row per respondent, one column per factor (``psych::factor.scores``).

        Parameters
        ----------
        data : Survey or DataFrame, optional
            Answers to score, with the EFA's items as columns (other columns
            are ignored).  Default: the answers the EFA was fitted on, every
            row read.  A result from a correlation matrix has no answers:
            ``data`` is then required.
        method : {"regression", "Bartlett", "Anderson", "tenBerge", "Harman"}
            Thurstone's regression scores (the default of psych and SPSS;
            ``"Thurstone"`` is the same), Bartlett's weighted least squares
            (conditionally unbiased), Anderson-Rubin (uncorrelated, unit
            variance; meant for orthogonal solutions), ten Berge (correlate
            as the factors do) or Harman's idealized variables; weights in
            :meth:`score_weights`.
        standardize : {"data", "fit"}
            Standardize each item with the mean and SD of the answers scored
            (``scale(x)`` in psych; for the EFA's own data, the answers its
            correlations came from: the complete rows when listwise), or with
            those of the EFA's data, which keeps a new sample on the first
            sample's scale (``predict(f, data, old.data)``).

        Returns
        -------
        DataFrame
            Index: the respondents' index of the data; columns ``F1 .. Fm``.
            A row with a missing answer has NaN on every factor: nothing is
            imputed, as ``psych::fa`` (``impute = "none"``); a warning gives
            their number.  ``.attrs``: ``method``, ``n_rows``, ``n_scored``,
            ``n_missing`` and a ``note`` (``"th"``, ``"en"``).

        Notes
        -----
        Scores ``= Z W`` with ``z = (x - mean) / sd`` for each item (sd with
        divisor n - 1, as R's ``scale()``) and W from the EFA's correlation
        matrix (:meth:`score_weights`).
        Agrees with ``psych::fa(x, nfactors, fm, rotate, scores =
        method)$scores`` (``x`` the data given to ``efa``; ``na.omit(x)``
        when listwise) and, for new data, with ``predict(f, data)``: to 1e-13
        from psych's loadings, to 3e-5 from edu40's own (the stopping points
        of the extractions; docs/efa.md).  ``factor.scores(new_data, f)``
        would take the weights from the new data's correlations; edu40, as
        ``predict``, keeps the fitted weights.  How well the scores measure
        the factors: :meth:`determinacy`.

        References
        ----------
        Grice, J. W. (2001). Computing and evaluating factor scores.
        *Psychological Methods*, 6, 430-450.
        DiStefano, C., Zhu, M., & Mindrila, D. (2009). Understanding and using
        factor scores. *Practical Assessment, Research & Evaluation*, 14(20).

        Examples
        --------
        >>> import edu40
        >>> from semopy.examples import holzinger39
        >>> res = edu40.efa(holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]], 3, rotation="oblimin")
        >>> s = res.scores()
        >>> s.shape, list(s.columns), s.index[0]
        ((301, 3), ['F1', 'F2', 'F3'], 1)
        >>> s.loc[1].round(3).tolist()
        [-0.066, -0.637, -0.08]
        >>> res.scores(method="Bartlett").std().round(3).tolist()
        [1.061, 1.203, 1.184]
        """
        check_choice("standardize", standardize, ("data", "fit"))
        corr, L, phi, method = self._solution(method)
        items = list(self.loadings["item"])
        if data is None:
            if self.data is None:
                raise StatsInputError("scores: this EFA was run on a correlation matrix and has no answers to "
                                      f"score; give them as data= (a DataFrame or Survey with the items {items})")
            frame, own = self.data[items], True
        else:
            frame, own = numeric_frame(data, items, what="scores"), False
        if own or standardize == "fit":
            if self.data is None:
                raise StatsInputError("scores: standardize='fit' needs the EFA's answers, and this EFA was run on "
                                      "a correlation matrix; use standardize='data'")
            means, sds = item_moments(self.data[items], self.nan_policy)
        else:
            means, sds = frame.mean(), frame.std(ddof=1)
            check_moments(means, sds)
        out = compute_scores(frame, weights_matrix(corr, L, phi, method), means, sds, self.factors, method)
        if out.attrs["n_missing"]:
            warnings.warn(out.attrs["note"]["en"], UserWarning, stacklevel=2)
        return out

    def determinacy(self, method: str = "regression") -> pd.DataFrame:
        """How well the factor scores measure the factors: ``factor, correlation, r2, min_correlation``.

        ``correlation`` is the correlation of the scores with their factor,
        ``diag(W'S) / sqrt(diag(W'RW))`` (Grice, 2001); for the regression
        scores ``rho = sqrt(diag(S' R^-1 S))``, the factor score determinacy,
        the largest of any method.  ``r2`` is its square and
        ``min_correlation = 2 rho^2 - 1`` (regression only) the lowest
        correlation two sets of factor values that fit the model equally well
        can have (Guttman, 1955): below 0 when rho < .71.  Gorsuch (1983)
        asks rho >= .90 before scores stand in for the factors.  Agrees with
        print(fa)'s "Correlation of (regression) scores with factors",
        "Multiple R square of scores with factors" and "Minimum correlation
        of possible factor scores" (``psych::fa(...)$R2``) to 1e-15 from
        psych's loadings.

        Parameters
        ----------
        method : {"regression", "Bartlett", "Anderson", "tenBerge", "Harman"}

        Returns
        -------
        DataFrame
            One row per factor.

        References
        ----------
        Guttman, L. (1955). The determinacy of factor score matrices.
        *British Journal of Statistical Psychology*, 8, 65-81.
        Gorsuch, R. L. (1983). *Factor analysis* (2nd ed.). Erlbaum.
        Grice, J. W. (2001). Computing and evaluating factor scores.
        *Psychological Methods*, 6, 430-450.

        Examples
        --------
        >>> import edu40
        >>> from semopy.examples import holzinger39
        >>> res = edu40.efa(holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]], 3, rotation="oblimin")
        >>> res.determinacy().round(2)
          factor  correlation    r2  min_correlation
        0     F1         0.94  0.89             0.78
        1     F2         0.84  0.71             0.42
        2     F3         0.85  0.72             0.45
        """
        corr, L, phi, method = self._solution(method)
        return determinacy_table(corr, L, phi, method, self.factors)

    def score_correlations(self, method: str = "regression") -> pd.DataFrame:
        """Correlations among the factor scores, ``cov2cor(W'RW)`` (psych ``factor.scores(x, f)$r.scores``).

        Regression scores often correlate more than the factors do (Phi);
        ten Berge scores reproduce Phi; Anderson-Rubin scores are
        uncorrelated by construction (``W'RW = I``), also when the factors
        correlate: that method is meant for orthogonal solutions.

        Parameters
        ----------
        method : {"regression", "Bartlett", "Anderson", "tenBerge", "Harman"}
        """
        corr, L, phi, method = self._solution(method)
        return correlations_of_scores(corr, weights_matrix(corr, L, phi, method), self.factors)
