"""edu40 against R on a real survey: psych::bfi (2 800 respondents, 25 items, missing answers).

One definition of every comparison, used twice: ``tests/test_bfi_parity.py`` asserts each one,
and ``scripts/bfi_parity_table.py`` prints them as the parity table of ``docs/real-data.md``
(so the published table is what the tests measured, never typed by hand).

Reference values: ``tests/reference/bfi_reference.json``, made by
``Rscript tests/reference/make_bfi_reference.R`` (psych 2.2.9, lavaan 0.6-14, semTools 0.5-6);
each entry stores its R call.  The data go through edu40's own loader with the codebook
``tests/data/bfi.toml`` (reverse-keyed items recoded 7 - x, "NA" read as missing).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from semopy.examples import holzinger39

import edu40

HERE = Path(__file__).parent
DATA = HERE / "data" / "bfi.csv"
REF = json.loads((HERE / "reference" / "bfi_reference.json").read_text())
ITEMS = [f"{c}{i}" for c in "ACENO" for i in range(1, 6)]
# the five-factor model of psych::bfi as lavaan syntax, factors named as the R reference scripts name them
FIVE_FACTORS = "\n".join(f"{f} =~ " + " + ".join(f"{c}{i}" for i in range(1, 6))
                         for f, c in [("agree", "A"), ("consc", "C"), ("extra", "E"), ("neuro", "N"), ("open", "O")])
EQUAL = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
         "strict": ("loadings", "intercepts", "residuals")}
FIT_KEYS = [k for k in REF["cfa"]["fit"]]   # lavaan's fitMeasures names


@cache
def instrument() -> edu40.Instrument:
    return edu40.Instrument.from_file(HERE / "data" / "bfi.toml")


@cache
def survey() -> edu40.Survey:
    return edu40.load_survey(DATA, instrument())


@cache
def raw() -> pd.DataFrame:
    """The answers as in the file (reverse-keyed items not recoded), for psych's raw-item calls."""
    return pd.read_csv(DATA)


@cache
def fitted(name: str):
    s = survey()
    model = REF["cfa"]["model"]
    if name == "cfa":
        return edu40.fit(model, s)
    if name == "cfa_fiml":
        return edu40.fit(model, s, missing="fiml")
    if name.startswith("inv_fiml_"):
        return edu40.fit(model, s, group="gender", group_equal=EQUAL[name[9:]], missing="fiml")
    if name.startswith("inv_"):
        return edu40.fit(model, s, group="gender", group_equal=EQUAL[name[4:]])
    if name == "hs_second_order":
        return edu40.fit(REF[name]["model"], holzinger39.get_data())
    if name in ("bfi_second_order", "mediation"):
        return edu40.fit(REF[name]["model"], s)
    raise KeyError(name)


@dataclass(frozen=True)
class Check:
    """One quantity compared over all its values: ``ours`` and ``ref`` aligned element by element."""

    section: str
    quantity: str
    r_call: str
    ours: np.ndarray
    ref: np.ndarray
    tol: float

    @property
    def diff(self) -> float:
        return float(np.max(np.abs(np.asarray(self.ours, float) - np.asarray(self.ref, float))))

    @property
    def n(self) -> int:
        return int(np.size(self.ref))


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows)


def _merge(ours: pd.DataFrame, ref_rows, on=("lhs", "op", "rhs")) -> pd.DataFrame:
    ref = _frame(ref_rows)
    m = ours.merge(ref, on=list(on), suffixes=("", "_R"))
    if len(m) != len(ref):
        raise AssertionError(f"{len(ref)} rows in R's table, {len(m)} matched")
    return m


# -------------------------------------------------------------------------- builders
def _describe(kind: str, stat: str) -> tuple:
    col = {"n": "n", "mean": "mean", "sd": "sd", "skewness": "skew", "kurtosis": "kurtosis"}[stat]
    if kind == "raw":
        ours = edu40.describe(raw()[ITEMS]).set_index("variable")
        ref = _frame(REF["describe"]["raw_type2"]).set_index("variable")
    else:
        ours = edu40.describe(survey(), lang="en").set_index("variable")
        ref = _frame(REF["describe"][f"{kind}_type2"]).set_index("variable")
    return ours.loc[ref.index, stat].to_numpy(float), ref[col].to_numpy(float)


def _alpha(policy: str, what: str) -> tuple:
    ours, ref = [], []
    for f in instrument().factor_codes:
        r = REF["alpha"][policy][f]
        x = survey().items[instrument().items_of(f)]
        if what in ("alpha", "std_alpha", "mean_r", "ci"):
            a = edu40.cronbach_alpha(x, nan_policy=policy)
            pairs = {"alpha": [(a.alpha, r["raw_alpha"])], "std_alpha": [(a.std_alpha, r["std_alpha"])],
                     "mean_r": [(a.mean_r, r["average_r"])],
                     "ci": [(a.ci_low, r.get("ci_low")), (a.ci_high, r.get("ci_high"))]}[what]
            for o, v in pairs:
                ours.append(o), ref.append(v)
        else:
            col = {"r_total": "raw_r", "r_drop": "r_drop", "alpha_if_deleted": "alpha_drop",
                   "std_alpha_if_deleted": "std_alpha_drop", "mean": "mean", "sd": "sd", "n": "n"}[what]
            t = edu40.item_analysis(x, nan_policy=policy, lang="en").set_index("item")
            ri = _frame(r["items"]).set_index("item")
            ours += list(t.loc[ri.index, what])
            ref += list(ri[col])
    return np.array(ours, float), np.array(ref, float)


def _omega(what: str) -> tuple:
    ours, ref = [], []
    for f in instrument().factor_codes:
        o = edu40.omega(survey().items[instrument().items_of(f)])
        r = REF["omega"][f]
        if what == "loadings":
            ours += list(o.loadings["loading"])
            ref += list(r["loadings"])
        else:
            ours.append(getattr(o, {"chisq": "chi2"}.get(what, what))), ref.append(r[what])
    return np.array(ours, float), np.array(ref, float)


@cache
def _correlations(method: str):
    return edu40.correlations(raw()[ITEMS], method=method)


def _cor(stat: str) -> tuple:
    if stat == "spearman":
        ours = _correlations("spearman").matrix("r").loc[ITEMS, ITEMS].to_numpy(float)
        ref = np.array(REF["cor"]["spearman"], float)
    elif stat in ("r", "n", "p"):
        ours = _correlations("pearson").matrix(stat).loc[ITEMS, ITEMS].to_numpy(float)
        ref = np.array(REF["cor"][stat], float)
    else:   # cor.test of named pairs: t, CI, Spearman p
        key = {"t": "t", "ci": None, "p_spearman": "p_spearman"}[stat]
        ours, ref = [], []
        for test in REF["cor"]["tests"]:
            method = "spearman" if stat == "p_spearman" else "pearson"
            row = _correlations(method).to_frame().set_index(["x", "y"]).loc[(test["x"], test["y"])]
            if stat == "ci":
                ours += [row["ci_low"], row["ci_high"]]
                ref += [test["ci_low"], test["ci_high"]]
            else:
                ours.append(row["p" if stat == "p_spearman" else key]), ref.append(test[key])
        return np.array(ours, float), np.array(ref, float)
    off = ~np.eye(len(ITEMS), dtype=bool)     # edu40 has no diagonal p / n
    return ours[off], ref[off]


def _fit(name: str, refkey: str | None = None) -> tuple:
    res = fitted(name)
    ref = REF[refkey or name]["fit"]
    keys = [k for k in ref if k != "pvalue" or ref[k] is not None]
    return (np.array([res.fit_indices["nobs" if k == "ntotal" else k] for k in keys], float),
            np.array([ref[k] for k in keys], float))


def _table(name: str, part: str, cols: tuple, refkey: str | None = None) -> tuple:
    res = fitted(name)
    ours = {"estimates": res.estimates, "standardized": res.standardized}[part]
    m = _merge(ours, REF[refkey or name][part])
    return (np.concatenate([m[c].to_numpy(float) for c in cols]),
            np.concatenate([m[f"{c}_R"].to_numpy(float) for c in cols]))


def _r2(name: str) -> tuple:
    r2, ref = fitted(name).r2, REF[name]["r2"]
    return np.array([r2[k] for k in ref], float), np.array(list(ref.values()), float)


@cache
def _mi(name: str) -> pd.DataFrame:
    return _merge(fitted(name).modification_indices(), REF[name]["modindices"])


def _modindices(name: str, col: str) -> tuple:
    m = _mi(name)
    return m[col].to_numpy(float), m[f"{col}_R"].to_numpy(float)


def _validity(what: str, name: str = "cfa") -> tuple:
    res = fitted(name)
    if what in ("htmt", "htmt2"):
        return res.htmt(what).to_numpy(float).ravel(), np.array(REF["cfa"][what], float).ravel()
    if what == "resid_cor":
        return res.residuals("cor").to_numpy(float).ravel(), np.array(REF["cfa"]["resid_cor"], float).ravel()
    rel = res.reliability().set_index("factor")
    key = {"ave": "ave", "cr": "cr_fornell_larcker", "omega": "omega_obs"}[what]
    ref = REF[name][key]
    return rel.loc[list(ref), what].to_numpy(float), np.array(list(ref.values()), float)


def _invariance(missing: str) -> tuple:
    steps = REF["invariance" if missing == "listwise" else "invariance_fiml"]
    inv = invariance_result(missing)
    table = inv.table.set_index("step")
    ours, ref = [], []
    for step in steps:
        for k in ("npar", "chisq", "df", "cfi", "rmsea", "srmr"):
            ours.append(table.loc[step["step"], k]), ref.append(step["fit"][k])
    return np.array(ours, float), np.array(ref, float)


@cache
def invariance_result(missing: str):
    steps = REF["invariance" if missing == "listwise" else "invariance_fiml"]
    return edu40.invariance(REF["cfa"]["model"], survey(), "gender", steps=[s["step"] for s in steps],
                            missing=missing)


def _inv_fit(step: str) -> tuple:
    ref = next(s for s in REF["invariance"] if s["step"] == step)["fit"]
    res = fitted(f"inv_{step}")
    keys = [k for k in ref if ref[k] is not None]
    return (np.array([res.fit_indices["nobs" if k == "ntotal" else k] for k in keys], float),
            np.array([ref[k] for k in keys], float))


def _defined(what: str) -> tuple:
    m = _merge(fitted("mediation").estimates, REF["mediation"]["estimates"])
    m = m[m["op"] == ":="]
    return m[what].to_numpy(float), m[f"{what}_R"].to_numpy(float)


# -------------------------------------------------------------------------- the checks
# (section, quantity, R call, builder, tolerance).  Tolerances: 1e-9 where edu40 and R compute the
# same closed formula; 1e-4 for iterative ML (both optimizers stop within ~1e-6 of the optimum);
# chi-square-sized numbers (chisq, AIC, logL, MI) to 1e-3.
_FM = "fitMeasures(fit)"
SPECS: list[tuple[str, str, str, Callable[[], tuple], float]] = [
    ("loader", "missing answers per item", "colSums(is.na(bfi[items]))",
     lambda: (survey().validation.missing_by_item.set_index("item")["n_missing"].loc[ITEMS].to_numpy(float),
              np.array([REF["data"]["missing_by_item"][i] for i in ITEMS], float)), 0),
    ("describe", "mean (raw items)", "psych::describe(bfi, type = 2)$mean", lambda: _describe("raw", "mean"), 1e-9),
    ("describe", "S.D. (raw items)", "psych::describe(bfi, type = 2)$sd", lambda: _describe("raw", "sd"), 1e-9),
    ("describe", "skewness G1 (raw items)", "psych::describe(bfi, type = 2)$skew",
     lambda: _describe("raw", "skewness"), 1e-9),
    ("describe", "kurtosis G2 (raw items)", "psych::describe(bfi, type = 2)$kurtosis",
     lambda: _describe("raw", "kurtosis"), 1e-9),
    ("describe", "n answered (raw items)", "psych::describe(bfi, type = 2)$n", lambda: _describe("raw", "n"), 0),
    ("describe", "mean, reverse-keyed items recoded", "psych::describe(bfr, type = 2)$mean",
     lambda: _describe("scored", "mean"), 1e-9),
    ("describe", "skewness, reverse-keyed items recoded", "psych::describe(bfr, type = 2)$skew",
     lambda: _describe("scored", "skewness"), 1e-9),
    ("describe", "factor score mean", "describe(rowMeans(bfr[k], na.rm = TRUE))$mean",
     lambda: _describe("factors", "mean"), 1e-9),
    ("describe", "factor score S.D.", "describe(rowMeans(bfr[k], na.rm = TRUE))$sd",
     lambda: _describe("factors", "sd"), 1e-9),
    ("describe", "factor score skewness", "describe(rowMeans(bfr[k], na.rm = TRUE), type = 2)$skew",
     lambda: _describe("factors", "skewness"), 1e-9),
    ("describe", "factor score kurtosis", "describe(rowMeans(bfr[k], na.rm = TRUE), type = 2)$kurtosis",
     lambda: _describe("factors", "kurtosis"), 1e-9),
]
for _policy, _call in (("pairwise", "psych::alpha(bfi[k], keys = ...)"),
                       ("listwise", "psych::alpha(na.omit(bfi[k]), keys = ...)")):
    SPECS += [
        ("reliability", f"alpha ({_policy})", f"{_call}$total$raw_alpha", lambda p=_policy: _alpha(p, "alpha"), 1e-9),
        ("reliability", f"standardized alpha ({_policy})", f"{_call}$total$std.alpha",
         lambda p=_policy: _alpha(p, "std_alpha"), 1e-9),
        ("reliability", f"mean inter-item r ({_policy})", f"{_call}$total$average_r",
         lambda p=_policy: _alpha(p, "mean_r"), 1e-9),
        ("item analysis", f"item-total r ({_policy})", f"{_call}$item.stats$raw.r",
         lambda p=_policy: _alpha(p, "r_total"), 1e-9),
        ("item analysis", f"corrected item-total r ({_policy})", f"{_call}$item.stats$r.drop",
         lambda p=_policy: _alpha(p, "r_drop"), 1e-9),
        ("item analysis", f"alpha if item deleted ({_policy})", f"{_call}$alpha.drop$raw_alpha",
         lambda p=_policy: _alpha(p, "alpha_if_deleted"), 1e-9),
        ("item analysis", f"std. alpha if item deleted ({_policy})", f"{_call}$alpha.drop$std.alpha",
         lambda p=_policy: _alpha(p, "std_alpha_if_deleted"), 1e-9),
        ("item analysis", f"item n, mean, S.D. ({_policy})", f"{_call}$item.stats[c('n', 'mean', 'sd')]",
         lambda p=_policy: tuple(np.concatenate(z) for z in zip(*(_alpha(p, w) for w in ("n", "mean", "sd")))),
         1e-9),
    ]
SPECS += [
    ("reliability", "Feldt 95 % CI of alpha (listwise)", "psych::alpha.ci(alpha, n.obs, n.var)",
     lambda: _alpha("listwise", "ci"), 1e-9),
    ("reliability", "omega (one-factor ML CFA)", "compRelSEM(cfa(., std.lv = TRUE), obs.var = FALSE)",
     lambda: _omega("omega"), 1e-5),
    ("reliability", "omega, observed variance", "compRelSEM(cfa(., std.lv = TRUE))", lambda: _omega("omega_observed"), 1e-5),
    ("reliability", "omega: loadings of the one-factor model", "lavInspect(fit, 'est')$lambda",
     lambda: _omega("loadings"), 1e-4),
    ("reliability", "omega: chi-square of the one-factor model", "fitMeasures(fit, 'chisq')", lambda: _omega("chisq"), 1e-3),
    ("correlations", "Pearson r, pairwise", "psych::corr.test(bfi, use = 'pairwise')$r", lambda: _cor("r"), 1e-9),
    ("correlations", "pairwise n", "psych::corr.test(bfi, use = 'pairwise')$n", lambda: _cor("n"), 0),
    ("correlations", "p of r", "psych::corr.test(bfi, use = 'pairwise', adjust = 'none')$p", lambda: _cor("p"), 1e-9),
    ("correlations", "t of r (5 pairs)", "cor.test(x, y)$statistic", lambda: _cor("t"), 1e-8),
    ("correlations", "95 % CI of r (5 pairs)", "cor.test(x, y)$conf.int", lambda: _cor("ci"), 1e-9),
    ("correlations", "Spearman rho, pairwise", "cor(bfi, use = 'pairwise', method = 'spearman')",
     lambda: _cor("spearman"), 1e-9),
    ("correlations", "p of rho (5 pairs)", "cor.test(x, y, method = 'spearman', exact = FALSE)$p.value",
     lambda: _cor("p_spearman"), 1e-9),
]
for _name, _call in (("cfa", "cfa(model, bfr)"), ("cfa_fiml", "cfa(model, bfr, missing = 'fiml')")):
    _label = "5-factor CFA, " + ("listwise" if _name == "cfa" else "FIML")
    SPECS += [
        (_label, "fit indices other than chi-square-sized", f"{_call}; {_FM}",
         lambda n=_name: tuple(a[[k not in _BIG for k in _fit_keys(n)]] for a in _fit(n)), 1e-5),
        (_label, "chisq, baseline chisq, AIC, BIC, logL", f"{_call}; {_FM}",
         lambda n=_name: tuple(a[[k in _BIG for k in _fit_keys(n)]] for a in _fit(n)), 1e-3),
        (_label, "estimates", f"parameterEstimates({_call})$est", lambda n=_name: _table(n, "estimates", ("est",)), 1e-4),
        (_label, "standard errors", f"parameterEstimates({_call})$se", lambda n=_name: _table(n, "estimates", ("se",)), 1e-4),
        (_label, "standardized solution (std.all)", f"standardizedSolution({_call})$est.std",
         lambda n=_name: _table(n, "standardized", ("est.std",)), 1e-4),
        (_label, "std.all standard errors", f"standardizedSolution({_call})$se",
         lambda n=_name: _table(n, "standardized", ("se",)), 1e-4),
        (_label, "R²", f"inspect({_call}, 'r2')", lambda n=_name: _r2(n), 1e-4),
        # lavaan's own MIs move by up to .009 between refits that agree to 1e-8 (mi_refit in the JSON);
        # edu40's equal the exact score statistic (test_modification_indices_are_exact_score_tests)
        (_label, "modification indices (all 400)", f"modindices({_call})$mi", lambda n=_name: _modindices(n, "mi"), 1e-2),
        (_label, "EPC", f"modindices({_call})$epc", lambda n=_name: _modindices(n, "epc"), 1e-4),
        (_label, "standardized EPC (sepc.all)", f"modindices({_call})$sepc.all",
         lambda n=_name: _modindices(n, "sepc.all"), 1e-4),
    ]
SPECS += [
    ("validity", "AVE", "semTools::AVE(fit)", lambda: _validity("ave"), 1e-5),
    ("validity", "omega (raw metric, observed variance)", "semTools::compRelSEM(fit)", lambda: _validity("omega"), 1e-5),
    ("validity", "CR (Fornell & Larcker)", "(sum l)^2 / ((sum l)^2 + sum(1 - l^2)), l = standardizedSolution(fit)",
     lambda: _validity("cr"), 1e-5),
    ("validity", "AVE under FIML (EM covariance)", "semTools::AVE(cfa(model, bfr, missing = 'fiml'))",
     lambda: _validity("ave", "cfa_fiml"), 1e-5),
    ("validity", "omega under FIML", "semTools::compRelSEM(cfa(model, bfr, missing = 'fiml'))",
     lambda: _validity("omega", "cfa_fiml"), 1e-5),
    ("validity", "HTMT", "semTools::htmt(model, bfr, htmt2 = FALSE)", lambda: _validity("htmt"), 1e-9),
    ("validity", "HTMT2 (geometric means)", "semTools::htmt(model, bfr)", lambda: _validity("htmt2"), 1e-9),
    ("validity", "correlation residuals", "resid(fit, type = 'cor.bollen')", lambda: _validity("resid_cor"), 1e-5),
    ("invariance by gender", "configural / metric / scalar / strict: npar, chisq, df, CFI, RMSEA, SRMR",
     "cfa(model, bfr, group = 'gender', group.equal = ...); fitMeasures", lambda: _invariance("listwise"), 1e-3),
    ("invariance by gender", "FIML configural / metric / scalar: npar, chisq, df, CFI, RMSEA, SRMR",
     "cfa(..., group = 'gender', group.equal = ..., missing = 'fiml')", lambda: _invariance("fiml"), 1e-3),
]
for _step in EQUAL:
    SPECS.append(("invariance by gender", f"{_step}: all {len(FIT_KEYS)} fit measures",
                  f"cfa(model, bfr, group = 'gender', group.equal = <{_step}>); {_FM}",
                  lambda s=_step: _inv_fit(s), 1e-3))
for _name, _label, _call in (("hs_second_order", "second-order CFA, HS 1939", "cfa(hs2, HolzingerSwineford1939)"),
                             ("bfi_second_order", "second-order CFA, bfi (general factor)", "cfa(bfi2, bfr)"),
                             ("mediation", "latent mediation NEU → EXT → AGR", "sem(med, bfr)")):
    SPECS += [
        (_label, "fit indices", f"{_call}; {_FM}", lambda n=_name: _fit(n), 1e-3),
        (_label, "estimates and standard errors", f"parameterEstimates({_call})",
         lambda n=_name: _table(n, "estimates", ("est", "se")), 1e-4),
        (_label, "standardized solution and its SEs", f"standardizedSolution({_call})",
         lambda n=_name: _table(n, "standardized", ("est.std", "se")), 1e-4),
        (_label, "R²", f"inspect({_call}, 'r2')", lambda n=_name: _r2(n), 1e-4),
    ]
SPECS += [
    ("latent mediation NEU → EXT → AGR", "indirect := a*b, total := c + a*b: estimate",
     "parameterEstimates(sem(med, bfr))$est", lambda: _defined("est"), 1e-5),
    ("latent mediation NEU → EXT → AGR", "indirect, total: delta-method SE",
     "parameterEstimates(sem(med, bfr))$se", lambda: _defined("se"), 1e-5),
]
_BIG = {"chisq", "baseline.chisq", "aic", "bic", "logl", "unrestricted.logl"}


def _fit_keys(name: str) -> list[str]:
    ref = REF[name]["fit"]
    return [k for k in ref if k != "pvalue" or ref[k] is not None]


CHECKS: dict[str, tuple] = {f"{s}: {q}": (s, q, c, b, t) for s, q, c, b, t in SPECS}


def run(key: str) -> Check:
    section, quantity, call, build, tol = CHECKS[key]
    ours, ref = build()
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    if ours.shape != ref.shape:
        raise AssertionError(f"{key}: {ours.shape} values from edu40, {ref.shape} from R")
    return Check(section, quantity, call, ours, ref, tol)


# -------------------------------------------------------------------------- bootstrap
BOOT_DRAWS = 300
BOOT_SEED = 7


@cache
def bootstrap():
    """edu40's bootstrap of the mediation model (its draws differ from R's: compared statistically)."""
    return fitted("mediation").bootstrap(BOOT_DRAWS, seed=BOOT_SEED, n_jobs=2, progress=False,
                                         standardized=False, r2=False, fit_measures=False)


def bootstrap_table() -> pd.DataFrame:
    """a, b, c, indirect, total: bootstrap SE and percentile CI of edu40 and lavaan, with the ML SE."""
    est = bootstrap().estimates
    lab = {("EXT", "~", "NEU"): "a", ("AGR", "~", "EXT"): "b", ("AGR", "~", "NEU"): "c"}
    names = [lab.get((r.lhs, r.op, r.rhs), r.lhs if r.op == ":=" else None) for r in est.itertuples()]
    est = est.assign(name=names).dropna(subset=["name"]).set_index("name")
    ml = fitted("mediation").estimates.set_index(["lhs", "op", "rhs"])["se"]
    est["se.ml"] = [ml.loc[(r.lhs, r.op, r.rhs)] for r in est.itertuples()]
    ref = REF["mediation"]["bootstrap"]
    rows = []
    for name in ref["names"]:
        rows.append({"parameter": name, "se_ml": est.loc[name, "se.ml"], "se_edu40": est.loc[name, "se"],
                     "se_lavaan": ref["se"][name], "ci_low_edu40": est.loc[name, "ci.lower"],
                     "ci_low_lavaan": ref["ci_low"][name], "ci_high_edu40": est.loc[name, "ci.upper"],
                     "ci_high_lavaan": ref["ci_high"][name]})
    return pd.DataFrame(rows)


# -------------------------------------------------------------------------- the docs table
def parity_markdown(checks: list[Check]) -> str:
    """The parity table of docs/real-data.md: quantity, values compared, an example, |diff|."""
    lines = ["| section | quantity | values | edu40 (first) | R (first) | max \\|diff\\| | R call |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for c in checks:
        d = c.diff
        dtxt = "< 1e-10" if d < 1e-10 else f"{d:.1e}"
        lines.append(f"| {c.section} | {c.quantity} | {c.n} | {c.ours.flat[0]:.4f} | {c.ref.flat[0]:.4f} | "
                     f"{dtxt} | `{c.r_call}` |")
    return "\n".join(lines)


def bootstrap_markdown(table: pd.DataFrame) -> str:
    lines = [f"| parameter | ML SE | bootstrap SE edu40 ({BOOT_DRAWS}) | lavaan ({REF['mediation']['bootstrap']['n']}) "
             "| 2.5 % edu40 | lavaan | 97.5 % edu40 | lavaan |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in table.itertuples():
        lines.append(f"| {r.parameter} | {r.se_ml:.4f} | {r.se_edu40:.4f} | {r.se_lavaan:.4f} | "
                     f"{r.ci_low_edu40:.4f} | {r.ci_low_lavaan:.4f} | {r.ci_high_edu40:.4f} | {r.ci_high_lavaan:.4f} |")
    return "\n".join(lines)
