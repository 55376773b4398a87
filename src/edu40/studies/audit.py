"""Audit a paper's reported SEM fit: is the arithmetic possible? (statcheck for SEM)

Every check is done from the printed numbers alone, each with its
arithmetic, so a reader can follow it:

* **CMIN/DF** recomputed as chi-square / df and compared with the printed
  value's rounding interval (and its truncation interval: Thai papers often
  truncate).
* **RMSEA and N.**  RMSEA = sqrt((chi2 - df) / (df (N - 1))) (Steiger, 1990;
  AMOS and LISREL; lavaan uses N).  With N reported, RMSEA is recomputed;
  without it, the range of N that the printed RMSEA allows is solved for.
* **df and the model.**  p indicators give p(p+1)/2 moments; the standard
  model with m correlated factors (one loading per factor fixed) has
  (p - m) loadings, p residual variances and m(m+1)/2 factor (co)variances —
  a structural model with every other factor predicting one outcome has the
  same count.  A different df needs unreported parameters; the nearest
  indicator counts that would give the printed df are listed.
* **GFI.**  At the ML solution GFI = p / (p + tr(D^2)), D = Sigma^-1 S - I,
  and tr(D^2) is close to 2 F = 2 chi2 / N (the second-order expansion of the
  ML discrepancy; cf. Maydeu-Olivares, Ximénez & Revuelta, 2024).  So the
  printed GFI, chi-square and N tell roughly how many observed variables the
  model had: p = GFI tr(D^2) / (1 - GFI).  Approximate: judged with a
  tolerance of .01.
* **NFI** gives the baseline chi-square, chi2 / (1 - NFI) (no check; reported).
* **RMR** is in the units of the item covariances; large values for Likert
  items are flagged as a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..core.blocks import heading, table, warning
from ..core.reportable import Reportable
from ..core.i18n import check_language
from .published import PublishedFit

__all__ = ["audit_reported_fit", "FitAudit", "standard_df", "implied_n_range"]

_STATUS_TH = {"consistent": "สอดคล้อง", "inconsistent": "ไม่สอดคล้อง",
              "unexplained": "อธิบายไม่ได้จากที่รายงาน", "note": "ข้อสังเกต", "cannot check": "ตรวจไม่ได้"}


def _decimals(value) -> int:
    if isinstance(value, str):
        return len(value.split(".")[1]) if "." in value else 0
    text_ = repr(float(value))
    if "e" in text_:
        return 6
    return len(text_.split(".")[1].rstrip("0")) if "." in text_ else 0


def _interval(value, decimals):
    """Values that print as ``value`` with ``decimals`` decimals: [v - h, v + h)."""
    h = 0.5 * 10 ** -decimals
    return float(value) - h, float(value) + h


def standard_df(n_indicators: int, n_factors: int) -> dict:
    """Moments, free parameters and df of the standard correlated-factors model.

    Examples
    --------
    >>> standard_df(42, 6)
    {'moments': 903, 'parameters': 99, 'df': 804}
    """
    p, m = int(n_indicators), int(n_factors)
    moments = p * (p + 1) // 2
    params = (p - m) + p + m * (m + 1) // 2
    return {"moments": moments, "parameters": params, "df": moments - params}


def implied_n_range(chisq, df, rmsea, *, decimals=None, convention="N-1"):
    """Sample sizes whose RMSEA prints as the reported value.

    ``convention="N-1"``: RMSEA = sqrt((chi2 - df)/(df (N - 1))) (AMOS, LISREL,
    Steiger 1990); ``"N"``: lavaan's sqrt((chi2 - df)/(df N)).
    Returns ``(lowest N, highest N, point estimate)``.
    """
    d = _decimals(rmsea) if decimals is None else decimals
    lo, hi = _interval(rmsea, d)
    lo = max(lo, 1e-12)
    excess = float(chisq) - float(df)
    if excess <= 0:
        return None
    shift = 1 if convention == "N-1" else 0
    # RMSEA decreases in N: the smallest N gives the largest RMSEA (< hi), the largest N >= lo
    n_min = math.floor(excess / (float(df) * hi ** 2) + shift) + 1
    n_max = math.floor(excess / (float(df) * lo ** 2) + shift)
    point = excess / (float(df) * float(rmsea) ** 2) + shift
    return n_min, n_max, point


@dataclass(frozen=True)
class FitAudit(Reportable):
    """Findings of :func:`audit_reported_fit`: one row per check, with its arithmetic."""

    findings: pd.DataFrame = field(repr=False)
    reported: dict = field(default_factory=dict)
    implied_n_range: tuple | None = None
    implied_n_ranges: dict = field(default_factory=dict)

    @property
    def problems(self) -> pd.DataFrame:
        return self.findings[self.findings["status"].isin(["inconsistent", "unexplained"])]

    def to_frame(self, lang=None) -> pd.DataFrame:
        lang = check_language(lang)
        out = self.findings.copy()
        if lang == "th":
            out["status"] = out["status"].map(_STATUS_TH)
            out = out.drop(columns=["arithmetic"]).rename(columns={
                "check": "การตรวจ", "reported": "ที่รายงาน", "recomputed": "คำนวณใหม่",
                "status": "ผล", "arithmetic_th": "ที่มา"})
        else:
            out = out.drop(columns=["arithmetic_th"])
        return out

    def summary(self, lang=None) -> str:
        lang = check_language(lang)
        th = lang == "th"
        lines = ["การตรวจสอบค่าดัชนีที่รายงาน" if th else "Audit of the reported fit"]
        for r in self.findings.itertuples():
            status = _STATUS_TH[r.status] if th else r.status
            lines.append(f"- {r.check}: {status} — {r.arithmetic_th if th else r.arithmetic}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang=None):
        lang = check_language(lang)
        th = lang == "th"
        blocks = [heading("การตรวจสอบความเป็นไปได้ของค่าที่รายงาน" if th else "Audit of the reported fit")]
        for r in self.problems.itertuples():
            blocks.append(warning(f"{r.check}: {r.arithmetic_th if th else r.arithmetic}"))
        blocks.append(table(self.to_frame(lang), "ผลการตรวจ" if th else "Checks"))
        return blocks

    def _repr_html_(self) -> str:
        bad = len(self.problems)
        head = (f"<b>Audit of the reported fit</b>: {bad} finding(s) the printed numbers cannot "
                f"support" if bad else "<b>Audit of the reported fit</b>: the numbers are consistent")
        return head + self.to_frame().to_html(index=False, escape=True)


def audit_reported_fit(chisq=None, df=None, n=None, rmsea=None, cmin_df=None, n_indicators=None,
                       n_factors=None, gfi=None, nfi=None, rmr=None, *, published: PublishedFit | None = None,
                       decimals: dict | None = None, gfi_tolerance: float = 0.01) -> FitAudit:
    """Check a paper's reported SEM fit for arithmetic consistency.

    Numbers may be given as printed text (``"0.05"``) to keep their decimals,
    or as floats (decimals inferred).  ``published=`` takes them from a
    :class:`~edu40.studies.published.PublishedFit` such as ``edu40.published.JEDAMAN_2020``.

    Returns
    -------
    FitAudit
        ``findings`` (check, reported, recomputed, status, arithmetic in
        English and Thai) and ``implied_n_range`` (lowest and highest N whose
        RMSEA prints as reported, AMOS/LISREL convention, with the point
        estimate).

    Examples
    --------
    >>> import edu40
    >>> a = edu40.audit_reported_fit(published=edu40.published.JEDAMAN_2020)
    >>> a.implied_n_range[:2]
    (639, 952)
    >>> a.findings.set_index("check").loc["df", "status"]
    'unexplained'
    """
    given = {"chisq": chisq, "df": df, "n": n, "rmsea": rmsea, "cmin/df": cmin_df, "gfi": gfi,
             "nfi": nfi, "rmr": rmr}
    if published is not None:
        for k, v in published.values.items():
            if given.get(k) is None and k in given:
                given[k] = v
        n_indicators = n_indicators or published.n_indicators
        n_factors = n_factors or published.n_factors
        given["n"] = given["n"] if given["n"] is not None else published.nobs
    dec = {k: _decimals(v) for k, v in given.items() if v is not None}
    dec.update(decimals or {})
    val = {k: float(v) for k, v in given.items() if v is not None}
    rows = []

    def add(check, reported, recomputed, status, arithmetic, arithmetic_th):
        rows.append({"check": check, "reported": reported, "recomputed": recomputed, "status": status,
                     "arithmetic": arithmetic, "arithmetic_th": arithmetic_th})

    X2, DF = val.get("chisq"), val.get("df")
    if X2 is not None and DF is not None and "cmin/df" in val:
        ratio = X2 / DF
        lo, hi = _interval(val["cmin/df"], dec["cmin/df"])
        trunc_hi = val["cmin/df"] + 10 ** -dec["cmin/df"]
        if lo <= ratio < hi:
            status, how = "consistent", "rounds to the printed value"
            how_th = "ปัดเศษแล้วเท่ากับค่าที่รายงาน"
        elif val["cmin/df"] <= ratio < trunc_hi:
            status, how = "consistent", "truncated (not rounded) to the printed value"
            how_th = "ตรงกับค่าที่รายงานเมื่อตัดทศนิยม (ไม่ได้ปัดเศษ)"
        else:
            status, how = "inconsistent", "does not print as the reported value"
            how_th = "ไม่ตรงกับค่าที่รายงาน"
        add("cmin/df", given["cmin/df"], round(ratio, 4), status,
            f"{X2:g} / {DF:g} = {ratio:.4f}, which {how}",
            f"{X2:g} / {DF:g} = {ratio:.4f} {how_th}")

    ranges = {}
    point_n = None
    n_source = ("", "")          # where the N of the GFI check comes from, when it was not printed
    if X2 is not None and DF is not None and "rmsea" in val:
        lo, hi = _interval(val["rmsea"], dec["rmsea"])
        if "n" in val:
            N = val["n"]
            r_amos = math.sqrt(max(X2 - DF, 0) / (DF * (N - 1)))
            r_lav = math.sqrt(max(X2 - DF, 0) / (DF * N))
            ok = lo <= r_amos < hi or lo <= r_lav < hi
            add("rmsea", given["rmsea"], round(r_amos, 4), "consistent" if ok else "inconsistent",
                f"sqrt(({X2:g} - {DF:g}) / ({DF:g} x ({N:g} - 1))) = {r_amos:.4f} (N-1, AMOS/LISREL); "
                f"{r_lav:.4f} with N (lavaan); printed {given['rmsea']}",
                f"sqrt(({X2:g} - {DF:g}) / ({DF:g} x ({N:g} - 1))) = {r_amos:.4f} (สูตร N-1 แบบ AMOS/LISREL)"
                f" และ {r_lav:.4f} (สูตร N แบบ lavaan) ค่าที่รายงาน {given['rmsea']}")
            point_n = N
        else:
            for conv in ("N-1", "N"):
                out = implied_n_range(X2, DF, given["rmsea"], decimals=dec["rmsea"], convention=conv)
                if out:
                    ranges[conv] = out
            if "N-1" in ranges:
                n_lo, n_hi, pt = ranges["N-1"]
                point_n = round(pt)
                n_source = (f" (N = {point_n}, the point the printed RMSEA implies; N was not reported)",
                            f" (N = {point_n} ตามค่า RMSEA ที่รายงาน เพราะไม่ได้รายงาน N)")
                add("N implied by rmsea", "not reported", f"{n_lo}-{n_hi} (point {pt:.1f})", "note",
                    f"RMSEA {given['rmsea']} means {lo:.4f} <= RMSEA < {hi:.4f}; N - 1 = (chi2 - df) / "
                    f"(df RMSEA^2) = {X2 - DF:g} / ({DF:g} RMSEA^2), so N is {n_lo} to {n_hi} "
                    f"(point estimate {pt:.1f}; with lavaan's N convention {ranges['N'][0]}-{ranges['N'][1]})",
                    f"RMSEA {given['rmsea']} หมายถึง {lo:.4f} <= RMSEA < {hi:.4f} จาก N - 1 = (chi2 - df) / "
                    f"(df RMSEA^2) ได้ N อยู่ระหว่าง {n_lo} ถึง {n_hi} (ค่าประมาณ {pt:.1f})")

    if DF is not None and n_indicators and n_factors:
        std = standard_df(n_indicators, n_factors)
        p = int(n_indicators)
        if DF == std["df"]:
            add("df", given["df"], std["df"], "consistent",
                f"{p} indicators give {std['moments']} moments; the standard {n_factors}-factor model "
                f"has {std['parameters']} free parameters: df = {std['df']}",
                f"ตัวชี้วัด {p} ตัวให้โมเมนต์ {std['moments']} ค่า แบบจำลองมาตรฐาน {n_factors} องค์ประกอบมี"
                f"พารามิเตอร์อิสระ {std['parameters']} ตัว df = {std['df']}")
        elif DF > std["moments"] - p:
            add("df", given["df"], std["df"], "inconsistent",
                f"df {DF:g} exceeds {std['moments']} moments minus the {p} residual variances any model "
                f"of {p} indicators must estimate",
                f"df {DF:g} มากกว่าจำนวนโมเมนต์ {std['moments']} ลบความแปรปรวนความคลาดเคลื่อน {p} ค่า "
                f"ซึ่งเป็นไปไม่ได้")
        else:
            needed = std["moments"] - int(DF)
            near = sorted(range(2 * n_factors, 4 * p),
                          key=lambda k: abs(standard_df(k, n_factors)["df"] - DF))[:2]
            near_txt = ", ".join(f"{k} indicators give df {standard_df(k, n_factors)['df']}" for k in sorted(near))
            add("df", given["df"], std["df"], "unexplained",
                f"{p} indicators give {std['moments']} moments; the standard {n_factors}-factor model has "
                f"{std['parameters']} free parameters (df {std['df']}). df {DF:g} needs {needed} free "
                f"parameters, {needed - std['parameters']:+d} beyond the standard model, which the paper "
                f"would have to report. With a standard model, {near_txt}.",
                f"ตัวชี้วัด {p} ตัวให้โมเมนต์ {std['moments']} ค่า แบบจำลองมาตรฐานมีพารามิเตอร์ "
                f"{std['parameters']} ตัว (df {std['df']}) หาก df = {DF:g} ต้องมีพารามิเตอร์ {needed} ตัว "
                f"(ต่างจากแบบจำลองมาตรฐาน {needed - std['parameters']:+d} ตัว) ซึ่งบทความไม่ได้รายงาน")

    if X2 is not None and "gfi" in val and n_indicators and point_n:
        p = int(n_indicators)
        trace = 2 * X2 / point_n
        predicted = p / (p + trace)
        glo, ghi = _interval(val["gfi"], dec["gfi"])
        p_lo = glo * trace / (1 - glo)
        p_hi = ghi * trace / (1 - ghi)
        ok = glo - gfi_tolerance <= predicted < ghi + gfi_tolerance
        add("gfi", given["gfi"], round(predicted, 3), "consistent" if ok else "inconsistent",
            f"GFI = p / (p + tr(D^2)) with tr(D^2) ~ 2 chi2 / N = 2 x {X2:g} / {point_n:g} = {trace:.3f}"
            f"{n_source[0]}; "
            f"with p = {p} observed variables GFI ~ {predicted:.3f}, not {given['gfi']}; a GFI of "
            f"{given['gfi']} fits about {p_lo:.0f}-{p_hi:.0f} observed variables (approximate; "
            f"tolerance {gfi_tolerance})",
            f"GFI = p / (p + tr(D^2)) โดย tr(D^2) ~ 2 chi2 / N = {trace:.3f}{n_source[1]} ถ้ามีตัวแปรสังเกตได้ {p} ตัว "
            f"GFI ควรประมาณ {predicted:.3f} ไม่ใช่ {given['gfi']} ค่า GFI ที่รายงานสอดคล้องกับตัวแปร"
            f"ประมาณ {p_lo:.0f}-{p_hi:.0f} ตัว (ค่าประมาณ)")

    if X2 is not None and "nfi" in val:
        nlo, nhi = _interval(val["nfi"], dec["nfi"])
        b_lo, b_hi = X2 / (1 - nlo), X2 / (1 - nhi)
        add("nfi", given["nfi"], f"baseline chi2 {b_lo:.0f}-{b_hi:.0f}", "note",
            f"NFI = 1 - chi2 / chi2_baseline, so the baseline chi-square was {b_lo:.0f} to {b_hi:.0f}; "
            f"not checkable without the data",
            f"NFI = 1 - chi2 / chi2_baseline ดังนั้นไคสแควร์ของแบบจำลองฐานอยู่ระหว่าง {b_lo:.0f} ถึง "
            f"{b_hi:.0f} ตรวจไม่ได้หากไม่มีข้อมูล")

    if "rmr" in val and val["rmr"] >= 0.10:
        add("rmr", given["rmr"], "", "note",
            f"RMR is an average residual covariance in the items' own units; {given['rmr']} is large for "
            f"5-point items (variances about 0.5-1.2) beside RMSEA {given.get('rmsea', '?')} and GFI "
            f"{given.get('gfi', '?')}; SRMR (standardized) may have been meant",
            f"RMR เป็นค่าเฉลี่ยความคลาดเคลื่อนของความแปรปรวนร่วมในหน่วยของข้อคำถาม ค่า {given['rmr']} "
            f"ถือว่าสูงสำหรับมาตรประมาณค่า 5 ระดับ อาจหมายถึง SRMR")

    findings = pd.DataFrame(rows, columns=["check", "reported", "recomputed", "status", "arithmetic",
                                           "arithmetic_th"])
    findings["reported"] = findings["reported"].astype(str)
    findings["recomputed"] = findings["recomputed"].astype(str)
    rng = ranges.get("N-1")
    return FitAudit(findings=findings, reported={k: given[k] for k in given if given[k] is not None},
                    implied_n_range=rng, implied_n_ranges=ranges)
