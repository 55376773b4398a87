"""The estimate and validity tables of an SEM report (:meth:`SEMResult.report_blocks`).

``estimate_blocks``: loadings (b, β, SE, z, p, R²), structural paths with
significance stars, R² of the outcomes and the factor covariances;
``validity_blocks``: CR, AVE, √AVE, the Fornell-Larcker verdict and HTMT.
Both read a fitted :class:`edu40.sem.SEMResult` and return report blocks with
Thai or English headers; the summary text and the fit table stay in
:mod:`edu40.sem.result`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.blocks import heading, table
from ..core.i18n import pick

__all__ = []


def estimate_blocks(result, lang) -> list:
    """Loadings, structural paths, R² and factor covariances of ``result``: b and β side by side."""
    keys = ["lhs", "op", "rhs"] + (["group"] if "group" in result.estimates.columns else [])
    both = result.estimates.merge(result.standardized[keys + ["est.std"]], on=keys, how="left")
    lv = set(result._spec.lv)
    out = []
    g0 = ["group"] if "group" in both.columns else []
    loads = both[(both["op"] == "=~")]
    if len(loads):
        r2 = result.r2
        item_r2 = [float(r2.loc[(g, v)]) if isinstance(r2.index, pd.MultiIndex) else float(r2.get(v, np.nan))
                   for g, v in zip(loads["group"] if g0 else [None] * len(loads), loads["rhs"])]
        t = pd.DataFrame({**({"group": loads["group"]} if g0 else {}),
                          "factor": loads["lhs"], "item": loads["rhs"], "b": loads["est"],
                          "beta": loads["est.std"], "se": loads["se"].where(loads["se"] > 0), "z": loads["z"],
                          "p": loads["pvalue"], "R2": item_r2})
        t = t.rename(columns=_EST_HEADERS[lang])
        out.append(table(t.reset_index(drop=True),
                         pick("น้ำหนักองค์ประกอบ", "Standardized loadings", lang),
                         note=pick("b = ค่าประมาณไม่มาตรฐาน, β = ค่ามาตรฐาน (std.all); ตัวชี้วัดอ้างอิงกำหนดค่า b = 1 "
                                   "จึงไม่มี SE, z และ p",
                                   "b = unstandardized, β = standardized (std.all); marker indicators are "
                                   "fixed at b = 1 and have no SE, z or p", lang)))
    paths = both[both["op"] == "~"]
    if len(paths):
        t = pd.DataFrame({**({"group": paths["group"]} if g0 else {}),
                          "path": [f"{a} ← {b}" for a, b in zip(paths["lhs"], paths["rhs"])],
                          "b": paths["est"], "beta": paths["est.std"], "se": paths["se"], "z": paths["z"],
                          "p": paths["pvalue"],
                          "sig": [_stars(p) for p in paths["pvalue"]]})
        t = t.rename(columns=_EST_HEADERS[lang])
        out.append(table(t.reset_index(drop=True), pick("อิทธิพลเชิงสาเหตุ", "Structural paths", lang),
                         note="* p < .05, ** p < .01, *** p < .001"))
        endo = [v for v in dict.fromkeys(paths["lhs"]) if v in lv or v in result._spec.ov]
        if len(result._model.groups) == 1:
            r2 = pd.DataFrame({"variable": endo, "R2": [float(result.r2[v]) for v in endo]})
            out.append(table(r2.rename(columns=_EST_HEADERS[lang]),
                             pick("สัมประสิทธิ์การพยากรณ์ (R²)", "Variance explained (R²)", lang)))
    cov = both[(both["op"] == "~~") & (both["lhs"] != both["rhs"]) & both["lhs"].isin(lv) & both["rhs"].isin(lv)]
    if len(cov):
        t = pd.DataFrame({**({"group": cov["group"]} if g0 else {}),
                          "pair": [f"{a} ↔ {b}" for a, b in zip(cov["lhs"], cov["rhs"])],
                          "b": cov["est"], "beta": cov["est.std"], "se": cov["se"], "z": cov["z"],
                          "p": cov["pvalue"]})
        out.append(table(t.rename(columns=_EST_HEADERS[lang]).reset_index(drop=True),
                         pick("สหสัมพันธ์ระหว่างองค์ประกอบ", "Factor covariances (β: correlations)", lang)))
    return out


def validity_blocks(result, lang, instrument) -> list:
    """CR, AVE and the Fornell-Larcker verdict of each factor, then HTMT (none without factors)."""
    rel = result.reliability()
    if rel.empty:
        return []
    out = [heading(pick("ความตรงเชิงลู่เข้าและเชิงจำแนก", "Convergent and discriminant validity", lang), 3)]
    t = pd.DataFrame({"factor": rel["factor"]})
    if instrument is not None:
        t["label"] = [instrument.label(f, lang) if f in instrument.factor_codes else "" for f in rel["factor"]]
    t["k"] = rel["n_items"]
    t["CR"] = rel["cr"]
    t["AVE"] = rel["ave"]
    t["√AVE"] = rel["sqrt_ave"]
    t["max r"] = rel["max_r"]
    t["with"] = rel["max_r_with"]
    yes, no = pick("ผ่าน", "pass", lang), pick("ไม่ผ่าน", "fail", lang)
    t["Fornell-Larcker"] = [yes if v else no for v in rel["fornell_larcker"]]
    t["CR ≥ .70"] = [yes if v else no for v in rel["cr_ok"]]
    t["AVE ≥ .50"] = [yes if v else no for v in rel["ave_ok"]]
    t = t.rename(columns=_EST_HEADERS[lang])
    out.append(table(t, pick("ความเชื่อมั่นเชิงโครงสร้าง (CR) และความแปรปรวนเฉลี่ยที่สกัดได้ (AVE)",
                             "Composite reliability (CR) and average variance extracted (AVE)", lang),
                     note=pick("CR ≥ .70 และ AVE ≥ .50; เกณฑ์ของ Fornell และ Larcker (1981): √AVE "
                               "มากกว่าสหสัมพันธ์สูงสุดกับองค์ประกอบอื่น",
                               "CR ≥ .70 and AVE ≥ .50; Fornell-Larcker (1981): √AVE exceeds the largest "
                               "correlation with another factor", lang)))
    if len(rel) > 1:
        try:
            h = result.htmt()
        except (ValueError, KeyError, np.linalg.LinAlgError):   # e.g. a factor without indicators
            h = None
        if h is not None:
            m = h.to_numpy(float).copy()
            m[np.triu_indices(len(m))] = np.nan
            shown = pd.DataFrame(m, index=h.index, columns=h.columns).iloc[1:, :-1]
            shown.index.name = pick("องค์ประกอบ", "Factor", lang)
            out.append(table(shown, "HTMT",
                             note=pick("HTMT > .85 บ่งชี้ว่าความตรงเชิงจำแนกอาจไม่เพียงพอ (Henseler et al., 2015)",
                                       "HTMT above .85 questions discriminant validity (Henseler et al., 2015)",
                                       lang)))
    return out


def _stars(p) -> str:
    if p is None or p != p:
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


# Report headers of the estimate tables.
_EST_HEADERS = {
    "th": {"group": "กลุ่ม", "factor": "องค์ประกอบ", "item": "ตัวชี้วัด", "b": "b", "beta": "β", "se": "SE",
           "z": "z", "p": "p", "R2": "R²", "path": "เส้นทาง", "sig": "นัยสำคัญ", "variable": "ตัวแปร",
           "pair": "คู่องค์ประกอบ", "label": "ชื่อองค์ประกอบ", "k": "จำนวนข้อ", "max r": "r สูงสุด",
           "with": "กับ"},
    "en": {"group": "Group", "factor": "Factor", "item": "Indicator", "b": "b", "beta": "β", "se": "SE",
           "z": "z", "p": "p", "R2": "R²", "path": "Path", "sig": "Sig.", "variable": "Variable",
           "pair": "Factors", "label": "Label", "k": "Items", "max r": "Max r", "with": "With"},
}
