"""Problems a fitted model must report, never hide.

Non-convergence, a non-positive-definite implied covariance of the latent
variables, Heywood cases (negative variances, standardized loadings or
correlations beyond 1, R² outside 0..1), an information matrix that is not
invertible (under-identification), and data excluded before fitting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SEMWarning", "diagnose"]


_KIND_TH = {"non-convergence": "การประมาณค่าไม่ลู่เข้า", "rows excluded": "ตัดแถวออก",
            "Heywood case": "กรณีเฮย์วูด (Heywood case)", "non-positive-definite": "เมทริกซ์ไม่เป็นบวกแน่นอน",
            "under-identification": "แบบจำลองระบุค่าไม่ได้", "small sample": "กลุ่มตัวอย่างเล็ก",
            "empty cells": "ช่องว่างในตารางไขว้ (empty cells)"}


@dataclass(frozen=True)
class SEMWarning:
    """One reported problem: its kind, the parameter involved, what happened and what to do.

    ``message_th`` and ``advice_th`` are the Thai wording; :meth:`text` picks the language.
    """

    kind: str
    parameter: str
    message: str
    advice: str
    message_th: str = ""
    advice_th: str = ""

    def text(self, lang: str | None = None) -> str:
        from ..core.i18n import check_language

        where = f" [{self.parameter}]" if self.parameter else ""
        if check_language(lang) == "th" and self.message_th:
            return f"{_KIND_TH.get(self.kind, self.kind)}{where}: {self.message_th} — {self.advice_th}"
        return f"{self.kind}{where}: {self.message} — {self.advice}"

    def __str__(self) -> str:
        return self.text("en")


def _exclusion_advice(reason: str, estimator: str) -> tuple[str, str]:
    """What to do about excluded rows (English, Thai): FIML only where edu40 can fit it."""
    report = ("report the N used", "รายงานจำนวนตัวอย่างที่ใช้จริง")
    if not reason.startswith("missing answers"):
        return report
    if estimator in ("ML", "MLR"):
        return (f"{report[0]}; consider missing='fiml' to keep incomplete rows",
                f"{report[1]} หรือใช้ missing='fiml' เพื่อเก็บแถวที่ตอบไม่ครบ")
    if estimator == "MLM":
        return (f"{report[0]}; estimator='MLR' with missing='fiml' keeps incomplete rows "
                f"(MLM needs complete data)",
                f"{report[1]} หรือใช้ estimator='MLR' กับ missing='fiml' เพื่อเก็บแถวที่ตอบไม่ครบ "
                f"(MLM ใช้ได้กับข้อมูลครบเท่านั้น)")
    return (f"{report[0]}; with ordered items missing='fiml' does not apply: missing='pairwise' keeps "
            f"incomplete rows (each correlation from the respondents who answered both items), or fit the "
            f"items as continuous with estimator='MLR', missing='fiml'",
            f"{report[1]} เมื่อกำหนดข้อคำถามเป็นแบบเรียงลำดับ ใช้ missing='fiml' ไม่ได้ ใช้ missing='pairwise' "
            f"เพื่อเก็บแถวที่ตอบไม่ครบ (สหสัมพันธ์แต่ละคู่คำนวณจากผู้ที่ตอบทั้งสองข้อ) หรือวิเคราะห์แบบต่อเนื่องด้วย "
            f"estimator='MLR', missing='fiml'")


def diagnose(result) -> tuple:
    out = []
    spec, model, theta = result._spec, result._model, result._theta
    if not result.converged:
        out.append(SEMWarning("non-convergence", "", f"the estimation did not converge "
                              f"({result.optimizer_message})",
                              "check the model for identification, give start values, or simplify it; "
                              "do not interpret these estimates",
                              f"การประมาณค่าไม่ลู่เข้า ({result.optimizer_message})",
                              "ตรวจสอบการระบุค่าของแบบจำลอง กำหนดค่าเริ่มต้น หรือลดความซับซ้อนของแบบจำลอง "
                              "และอย่าแปลผลค่าประมาณเหล่านี้"))
    for reason, count in result.excluded:
        advice, advice_th = _exclusion_advice(reason, str(result.estimator).upper())
        reason_th = reason
        if reason.startswith("missing answers"):
            reason_th = "มีข้อที่ไม่ได้ตอบ (ตัดทิ้งทั้งแถว)"
        out.append(SEMWarning("rows excluded", "", f"{count} row(s) excluded: {reason}", advice,
                              f"ตัดออก {count} แถว: {reason_th}", advice_th))
    out += list(getattr(result, "_extra_warnings", ()))
    est = result.estimates
    multi = "group" in est.columns
    for r in est[(est["op"] == "~~") & (est["lhs"] == est["rhs"])].itertuples():
        if r.est < 0:
            where = f"{r.lhs} ~~ {r.rhs}" + (f" (group {r.group})" if multi else "")
            out.append(SEMWarning("Heywood case", where, f"negative variance estimate {r.est:.4f}",
                                  "the model is misspecified or the sample too small for it; look "
                                  "for a factor with too few or too weak indicators, or fix this "
                                  "variance at a small positive value",
                                  f"ค่าประมาณความแปรปรวนติดลบ {r.est:.4f}",
                                  "แบบจำลองอาจระบุผิดหรือกลุ่มตัวอย่างเล็กเกินไป ตรวจสอบองค์ประกอบที่มีตัวชี้วัด"
                                  "น้อยหรืออ่อน หรือกำหนดค่าความแปรปรวนนี้เป็นค่าบวกเล็ก ๆ"))
    std = result.standardized
    sub = std[std["op"].isin(["=~", "~~"]) & ~((std["op"] == "~~") & (std["lhs"] == std["rhs"]))]
    groups = sub["group"] if multi else [None] * len(sub)
    for lhs, op, rhs, value, grp in zip(sub["lhs"], sub["op"], sub["rhs"], sub["est.std"], groups):
        if np.isfinite(value) and abs(value) > 1.0 + 1e-8:
            where = f"{lhs} {op} {rhs}" + (f" (group {grp})" if multi else "")
            kind = "standardized loading" if op == "=~" else "correlation"
            kind_th = "น้ำหนักองค์ประกอบมาตรฐาน" if op == "=~" else "สหสัมพันธ์"
            out.append(SEMWarning("Heywood case", where, f"{kind} {value:.3f} exceeds 1 in size",
                                  "a sign of misspecification or factors that are not distinct; "
                                  "consider merging factors or revising indicators",
                                  f"{kind_th} {value:.3f} มีขนาดเกิน 1",
                                  "แสดงว่าแบบจำลองอาจระบุผิดหรือองค์ประกอบแยกกันไม่ได้ พิจารณารวมองค์ประกอบ"
                                  "หรือปรับตัวชี้วัด"))
    for gi in range(len(model.groups)):
        S_all, _ = model.all_moments(theta, gi)
        lv_idx = [spec.variables.index(f) for f in spec.lv]
        if lv_idx:
            vals = np.linalg.eigvalsh(S_all[np.ix_(lv_idx, lv_idx)])
            if vals[0] <= 0:
                label = f" in group {spec.group_labels[gi]}" if len(model.groups) > 1 else ""
                out.append(SEMWarning("non-positive-definite", "latent covariance matrix",
                                      f"the implied covariance matrix of the latent variables{label} "
                                      f"is not positive definite (smallest eigenvalue {vals[0]:.3g})",
                                      "two factors may be perfectly correlated or a variance negative; "
                                      "inspect the factor correlations",
                                      f"เมทริกซ์ความแปรปรวนร่วมของตัวแปรแฝง{label}ไม่เป็นบวกแน่นอน "
                                      f"(ค่าเฉพาะต่ำสุด {vals[0]:.3g})",
                                      "องค์ประกอบสองตัวอาจสัมพันธ์กันสมบูรณ์หรือมีความแปรปรวนติดลบ "
                                      "ตรวจสอบสหสัมพันธ์ระหว่างองค์ประกอบ"))
    if result._singular_information:
        out.append(SEMWarning("under-identification", ", ".join(result._singular_information),
                              "the information matrix is singular: these parameters cannot be "
                              "estimated separately, and their standard errors are not available",
                              "fix a parameter (e.g. a loading to 1), add indicators, or drop a path",
                              "เมทริกซ์สารสนเทศเป็นเอกฐาน ประมาณค่าพารามิเตอร์เหล่านี้แยกกันไม่ได้ "
                              "และไม่มีความคลาดเคลื่อนมาตรฐาน",
                              "กำหนดค่าพารามิเตอร์ (เช่น น้ำหนักองค์ประกอบตัวแรกเท่ากับ 1) เพิ่มตัวชี้วัด "
                              "หรือตัดเส้นทางออก"))
    # thresholds of ordered items describe the answer distributions, not the model: not counted
    t = spec.table
    n_model = len(set(t.loc[(t["free"] > 0) & ~t["op"].isin(["|", "~*~"]), "free"]))
    n_over = result.fit_indices["nobs"] / max(n_model, 1)
    if n_over < 5:
        out.append(SEMWarning("small sample", "", f"only {n_over:.1f} respondents per free parameter",
                              "estimates and fit indices are unstable below about 5-10 per parameter "
                              "(Bentler & Chou, 1987)",
                              f"มีผู้ตอบเพียง {n_over:.1f} คนต่อพารามิเตอร์อิสระหนึ่งตัว",
                              "ค่าประมาณและดัชนีความสอดคล้องไม่คงที่เมื่อต่ำกว่าประมาณ 5-10 คนต่อพารามิเตอร์ "
                              "(Bentler & Chou, 1987)"))
    return tuple(out)
