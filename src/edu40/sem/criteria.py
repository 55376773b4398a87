"""Fit criteria for the "index, value, criterion, pass/fail" table of Thai theses.

Two published sets are built in; a dict gives your own.

``"hu-bentler-1999"`` — Hu & Bentler (1999) combination rules for CFI, TLI,
RMSEA and SRMR, plus the conventional cut-offs AMOS/LISREL reports list for
the rest (chi-square p > .05; CMIN/DF < 3, Kline 2011; GFI/AGFI >= .90,
Jöreskog & Sörbom 1984; NFI >= .90, Bentler & Bonett 1980; RMR <= .05).

``"schermelleh-engel-2003"`` — Schermelleh-Engel, Moosbrugger & Müller (2003),
Table 1: "acceptable" limits (their "good" limits are shown alongside).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.i18n import check_language

__all__ = ["CRITERIA", "fit_table"]

# index -> (direction, acceptable limit, good limit or None, source)
CRITERIA = {
    "hu-bentler-1999": {
        "pvalue": (">", 0.05, None, "non-significant chi-square"),
        "cmin/df": ("<", 3.0, None, "Kline (2011)"),
        "gfi": (">=", 0.90, None, "Jöreskog & Sörbom (1984)"),
        "agfi": (">=", 0.90, None, "Jöreskog & Sörbom (1984)"),
        "nfi": (">=", 0.90, None, "Bentler & Bonett (1980)"),
        "cfi": (">=", 0.95, None, "Hu & Bentler (1999)"),
        "tli": (">=", 0.95, None, "Hu & Bentler (1999)"),
        "rmsea": ("<=", 0.06, None, "Hu & Bentler (1999)"),
        "srmr": ("<=", 0.08, None, "Hu & Bentler (1999)"),
        "rmr": ("<=", 0.05, None, "conventional"),
    },
    "schermelleh-engel-2003": {
        "pvalue": (">=", 0.01, 0.05, "Schermelleh-Engel et al. (2003)"),
        "cmin/df": ("<=", 3.0, 2.0, "Schermelleh-Engel et al. (2003)"),
        "gfi": (">=", 0.90, 0.95, "Schermelleh-Engel et al. (2003)"),
        "agfi": (">=", 0.85, 0.90, "Schermelleh-Engel et al. (2003)"),
        "nfi": (">=", 0.90, 0.95, "Schermelleh-Engel et al. (2003)"),
        "cfi": (">=", 0.95, 0.97, "Schermelleh-Engel et al. (2003)"),
        "tli": (">=", 0.95, 0.97, "Schermelleh-Engel et al. (2003)"),
        "rmsea": ("<=", 0.08, 0.05, "Schermelleh-Engel et al. (2003)"),
        "rmsea.pvalue": (">=", 0.05, 0.10, "Schermelleh-Engel et al. (2003)"),
        "srmr": ("<=", 0.10, 0.05, "Schermelleh-Engel et al. (2003)"),
    },
}

# How AMOS / LISREL users name each index.
AMOS_NAMES = {"chisq": "Chi-square (CMIN)", "pvalue": "p-value (P)", "cmin/df": "CMIN/DF",
              "gfi": "GFI", "agfi": "AGFI", "nfi": "NFI", "cfi": "CFI", "tli": "TLI (NNFI)",
              "ifi": "IFI", "rfi": "RFI", "rmsea": "RMSEA", "rmsea.pvalue": "PCLOSE",
              "srmr": "SRMR", "rmr": "RMR", "pgfi": "PGFI"}

_OPS = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


# what each criterion's index rests on, once a scaled chi-square exists (robust estimators)
_SCALED = {"chisq": "chisq.scaled", "df": "df.scaled", "pvalue": "pvalue.scaled", "cmin/df": "cmin/df.scaled", "nfi": "nfi.scaled", "ifi": "ifi.scaled",
           "rfi": "rfi.scaled"}
_ROBUST = {"cfi": ("cfi.robust", "cfi.scaled"), "tli": ("tli.robust", "tli.scaled"),
           "rmsea": ("rmsea.robust", "rmsea.scaled"), "rmsea.pvalue": ("rmsea.pvalue.robust", "rmsea.pvalue.scaled")}
_NO_CHISQ = ("gfi", "agfi", "pgfi", "srmr", "rmr")
_TESTS = {"MLM": ("Satorra-Bentler", "Satorra-Bentler"), "MLR": ("Yuan-Bentler", "Yuan-Bentler"),
          "WLSMV": ("mean- and variance-adjusted", "ปรับค่าเฉลี่ยและความแปรปรวน"),
          "ULSMV": ("mean- and variance-adjusted", "ปรับค่าเฉลี่ยและความแปรปรวน"),
          "WLSM": ("Satorra-Bentler", "Satorra-Bentler"), "ULSM": ("Satorra-Bentler", "Satorra-Bentler")}


# the two sources that are words, not references
_SOURCE_TH = {"non-significant chi-square": "χ² ไม่มีนัยสำคัญ", "conventional": "เกณฑ์ที่ใช้กันทั่วไป",
              "user": "ผู้ใช้กำหนด"}


def resolve_index(indices: pd.Series, key: str, estimator: str = "ML"):
    """The lavaan name of the index a criterion on ``key`` is judged by, and the chi-square it uses.

    With a scaled chi-square (MLM, MLR, WLSMV ...) the chi-square test and CMIN/DF use it; CFI, TLI
    and RMSEA use the robust versions (Brosseau-Liard & Savalei, 2014; Savalei, 2021) where lavaan
    gives them, else the scaled ones; GFI, AGFI, SRMR and RMR use no chi-square.  Returns
    ``(name, value, basis)`` with basis one of "normal", "scaled", "robust", "none".
    """
    def val(name):
        if name == "cmin/df.scaled":
            return float(indices["chisq.scaled"] / indices["df.scaled"]) if indices["df.scaled"] > 0 else np.nan
        return float(indices[name]) if name in indices.index else np.nan

    scaled = "chisq.scaled" in indices.index and np.isfinite(indices["chisq.scaled"])
    if key in _NO_CHISQ:
        return key, val(key), "none"
    if not scaled:
        return key, val(key), "normal"
    if key in _SCALED:
        return _SCALED[key], val(_SCALED[key]), "scaled"
    if key in _ROBUST:
        robust, fallback = _ROBUST[key]
        if np.isfinite(val(robust)):
            return robust, val(robust), "robust"
        return fallback, val(fallback), "scaled"
    return key, val(key), "normal"


def _basis_text(basis, estimator, lang):
    est = (estimator or "ML").upper()
    test_en, test_th = _TESTS.get(est, ("scaled", "ปรับแก้"))
    ls = est in ("WLSMV", "WLSM", "DWLS", "WLS", "ULSMV", "ULSM", "ULS")
    if lang == "th":
        return {"normal": "χ² " + (f"({est})" if ls else "ทฤษฎีปกติ"),
                "scaled": f"χ² ปรับแก้ ({test_th})",
                "robust": "ดัชนีโรบัสต์ " + ("(Savalei, 2021)" if ls else "(Brosseau-Liard & Savalei, 2014)"),
                "none": "ไม่ใช้ χ²"}[basis]
    return {"normal": "χ² " + (f"({est})" if ls else "(normal theory)"),
            "scaled": f"scaled χ² ({test_en})",
            "robust": "robust " + ("(Savalei, 2021)" if ls else "(Brosseau-Liard & Savalei, 2014)"),
            "none": "no χ²"}[basis]


def fit_table(indices: pd.Series, criteria="hu-bentler-1999", lang=None, estimator: str = "ML") -> pd.DataFrame:
    """Index, value, criterion and pass/fail (ผ่าน/ไม่ผ่าน) for each criterion.

    The ``chisq`` column says which chi-square each index rests on; with a robust estimator the
    scaled or robust version is judged (see :func:`resolve_index`), named in ``index_used``.
    """
    lang = check_language(lang)
    if isinstance(criteria, str):
        if criteria not in CRITERIA:
            raise ValueError(f"unknown criteria {criteria!r}; use one of {list(CRITERIA)} or a dict "
                             f"like {{'cfi': ('>=', 0.95)}}")
        spec = CRITERIA[criteria]
    elif isinstance(criteria, dict):
        spec = {}
        for k, v in criteria.items():
            if k not in indices.index:
                raise ValueError(f"criteria names {k!r}, which is not a fit index; indices are "
                                 f"{list(indices.index)}")
            if len(v) < 2 or v[0] not in _OPS:
                raise ValueError(f"criterion for {k!r} must be (op, limit) with op in {list(_OPS)}")
            spec[k] = (v[0], float(v[1]), v[2] if len(v) > 2 else None, v[3] if len(v) > 3 else "user")
    else:
        raise TypeError("criteria must be a name or a dict")
    yes, no = ("ผ่าน", "ไม่ผ่าน") if lang == "th" else ("pass", "fail")
    good_word = "ดี" if lang == "th" else "good"
    rows = []
    for key, (op, limit, good, source) in spec.items():
        used, value, basis = resolve_index(indices, key, estimator)
        ok = bool(_OPS[op](round(value, 3), limit)) if np.isfinite(value) else False
        crit = f"{op} {limit:g}" + (f" ({good_word} {op} {good:g})" if good is not None else "")
        name = AMOS_NAMES.get(key, key)
        if basis in ("scaled", "robust"):
            name += f" ({basis})" if lang == "en" else (" (ปรับแก้)" if basis == "scaled" else " (โรบัสต์)")
        rows.append({"index": name, "key": key, "index_used": used, "value": value,
                     "criterion": crit, "result": yes if ok else no, "passed": ok,
                     "source": _SOURCE_TH.get(source, source) if lang == "th" else source,
                     "chisq": _basis_text(basis, estimator, lang)})
    table = pd.DataFrame(rows)
    if lang == "th":
        table = table.rename(columns={"index": "ดัชนี", "value": "ค่าที่ได้", "criterion": "เกณฑ์",
                                      "result": "ผลการพิจารณา", "source": "แหล่งอ้างอิง", "chisq": "อาศัย χ²"})
    return table
