"""``edu40.fit``: estimate a lavaan-style model from data or from a covariance matrix."""

from __future__ import annotations

import functools

import numpy as np

from .data import SEMDataError, fill_exogenous, prepare_cov, prepare_data
from .engine import RAMModel
from .indices import compute_fit_indices
from .result import SEMResult
from .spec import ModelSpecError, build_spec
from .start import start_values
from . import semopy_engine
from .semopy_engine import ENGINES, description_of

__all__ = ["fit", "estimator_options", "ESTIMATORS"]

# every estimator edu40.fit takes; the least-squares ones are for ordered (Likert) indicators
ESTIMATORS = ("ML", "MLM", "MLR", "WLSMV", "WLSM", "DWLS", "WLS", "ULSMV", "ULSM", "ULS")


def estimator_options(estimator: str | None) -> dict:
    """Keyword arguments of :func:`fit` for ``estimator`` applied to an instrument's items:
    the least-squares estimators treat every item as ordered (Likert answers)."""
    name = (estimator or "ML").upper()
    if name not in ESTIMATORS:
        raise ValueError(f"estimator {estimator!r} is not available; choose one of {list(ESTIMATORS)}")
    if name in ("ML", "MLM", "MLR"):
        return {"estimator": name}
    return {"estimator": name, "ordered": True}

# One BLAS thread: for survey-sized matrices (20-200 variables) thread hand-offs cost
# more than they save; measured 7x faster on the 42-indicator model (benchmarks/).
from ..core.parallel import one_blas_thread


def _one_blas_thread(fn):
    """Run ``fn`` with one BLAS thread from the first array operation on (loading and checking too)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with one_blas_thread():
            return fn(*args, **kwargs)
    return wrapper


@_one_blas_thread
def fit(model: str, data=None, *, cov=None, nobs=None, mean=None, sds=None, estimator: str | None = None,
        likelihood: str = "normal", missing: str = "listwise", std_lv: bool = False,
        group: str | None = None, group_equal=(), group_partial=(), meanstructure=None,
        fixed_x: bool = True, start=None, engine: str = "edu40", ordered=None,
        min_count: int = 2, parameterization: str = "delta") -> SEMResult:
    """Fit a structural equation model: maximum likelihood (also robust), or least squares for ordered items.

    Parameters
    ----------
    model : str or semopy.Model
        lavaan syntax (``=~``, ``~``, ``~~``, ``~ 1``, ``:=``, ``==``); e.g.
        ``edu40.EM40.model()``.  A ``semopy.Model`` is read from its
        description (lavaan syntax with lavaan's defaults).
    data : DataFrame or Survey, optional
        Raw data (columns named as in the model).
    cov, nobs : DataFrame and int, optional
        A published covariance matrix (or a correlation matrix with ``sds=``)
        and its sample size, instead of data — how published models are
        replicated.  Lists give one per group.
    estimator : str, optional
        ``"ML"`` (default for continuous data); ``"MLM"`` (ML with Satorra-Bentler
        scaled chi-square and robust standard errors) or ``"MLR"`` (Yuan-Bentler
        scaled chi-square and Huber-White standard errors; with ``missing="fiml"``
        too), see :mod:`edu40.sem.robust_ml`; for ordered indicators ``"WLSMV"``
        (default with ``ordered=``: diagonally weighted least squares, robust
        standard errors, mean- and variance-adjusted chi-square), ``"WLSM"``,
        ``"DWLS"``, ``"WLS"``, ``"ULSMV"``, ``"ULSM"``, ``"ULS"`` as lavaan.
    ordered : list of str or True, optional
        Observed variables to treat as ordered categorical (Likert answers):
        thresholds and polychoric / polyserial correlations replace means and
        covariances (:mod:`edu40.sem.ordinal`); ``True`` for all.
    min_count : int
        With ``ordered=``: the fewest respondents a category may have (default
        2); rarer categories stop with an error that names them.
    parameterization : {"delta", "theta"}
        With ``ordered=``: lavaan's ``parameterization``. ``"delta"`` (default)
        fixes the scales of the latent responses (``u ~*~ u``) and lets their
        residual variances follow; ``"theta"`` fixes the residual variances
        (``u ~~ u``, 1 in the first group) and lets the scales follow. The fit
        is the same; the estimates are on other scales, and strict invariance
        (equal residual variances) needs ``"theta"``.
    likelihood : {"normal", "wishart"}
        ``"normal"`` (default) matches lavaan: chi-square = N F.  ``"wishart"``
        uses the unbiased covariance and (N - 1) F, as AMOS and LISREL print.
    missing : {"listwise", "fiml", "pairwise"}
        Listwise deletion (excluded rows are counted in ``warnings``), or full
        information ML with a mean structure (Arbuckle, 1996).  With ordered
        indicators: ``"listwise"`` or ``"pairwise"`` (thresholds from each
        item's answers, each polychoric correlation from the rows that answered
        both, Γ from the casewise scores with missing terms 0; lavaan
        ``missing = "pairwise"``).
    std_lv : bool
        Identify factors by unit variances instead of a marker loading.
    group, group_equal, group_partial
        Multiple-group analysis: the grouping column; parameter kinds held
        equal across groups (``"loadings"``, ``"intercepts"``, ``"residuals"``,
        ``"means"``, ``"lv.variances"``, ``"lv.covariances"``, ``"regressions"``,
        ``"residual.covariances"``, ``"thresholds"``); exceptions as ``"f =~ x3"``.
        As lavaan, groups 2, 3 ... then get free factor means when intercepts
        or thresholds are equal (unless ``"means"`` are), free factor
        variances with ``std_lv`` and equal loadings (unless
        ``"lv.variances"`` are), and free scales of ordered items when
        thresholds are equal.
    engine : {"edu40", "semopy"}
        Who finds the estimates: edu40's Fisher scoring (default), or
        semopy's ``Model`` (MLW objective).  Either way edu40 computes the
        standard errors, fit indices and everything else at the estimates
        (see ``edu40.sem.semopy_engine``); semopy takes single-group ML
        models without a mean structure.

    Returns
    -------
    SEMResult

    Notes
    -----
    Agrees with lavaan 0.6 (``sem(model, data, likelihood=, missing=, std.lv=,
    group=, group.equal=)``): estimates, standard errors (expected
    information; observed information under FIML), ``fitMeasures``,
    ``standardizedSolution`` and ``modindices``.  The engine is described in
    ``docs/sem.md``.

    Examples
    --------
    >>> import edu40
    >>> import pandas as pd
    >>> from semopy.examples import holzinger39
    >>> hs = holzinger39.get_data()
    >>> res = edu40.fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9", hs)
    >>> round(float(res.fit_indices["chisq"]), 3), int(res.fit_indices["df"])
    (85.306, 24)

    The same tests cut into three ordered categories, estimated by WLSMV:

    >>> cut = hs.copy()
    >>> items = [f"x{i}" for i in range(1, 10)]
    >>> cut[items] = cut[items].apply(lambda x: pd.qcut(x, 3, labels=False))
    >>> wlsmv = edu40.fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9",
    ...                   cut, ordered=True)
    >>> wlsmv.estimator, int(wlsmv.fit_indices["df"]), bool(wlsmv.fit_indices["chisq.scaled"] > 0)
    ('WLSMV', 24, True)
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}, not {engine!r}")
    if type(model).__module__.startswith("semopy"):
        model = description_of(model)
    from .ordinal import WLS_ESTIMATORS
    from .syntax import ModelSyntaxError, parse_model
    parsed = parse_model(model)
    cat_terms = [t for t in parsed.terms if t.op in ("|", "~*~")]
    if cat_terms and not ordered:
        t = cat_terms[0]
        raise ModelSyntaxError(f"line {t.line}: thresholds and scales ('{t.lhs} {t.op} {t.rhs}') belong to "
                               f"ordered variables: pass ordered=[{t.lhs!r}, ...] (estimated by WLSMV)")
    est_name = (estimator or ("WLSMV" if ordered else "ML")).upper()
    known = ["ML", "MLM", "MLR"] + list(WLS_ESTIMATORS)
    if est_name not in known:
        raise ValueError(f"estimator {estimator!r} is not available; choose one of {known}")
    if est_name in WLS_ESTIMATORS or ordered:
        if est_name not in WLS_ESTIMATORS:
            raise ValueError(f"estimator {est_name!r} does not take ordered variables; use 'WLSMV' "
                             f"(the default with ordered=), 'DWLS', 'WLS', 'ULSMV' or 'ULS'")
        if not ordered:
            raise ValueError(f"estimator {est_name!r} is for ordered (Likert) indicators: name them with "
                             f"ordered=[...] or ordered=True")
        if engine != "edu40":
            raise ValueError(f"engine={engine!r} estimates by maximum likelihood; ordered indicators "
                             f"({est_name}) need engine='edu40'")
        if cov is not None or data is None:
            raise ValueError("ordered indicators need raw data (data=), not a covariance matrix")
        if missing not in ("listwise", "pairwise") or likelihood != "normal":
            raise ValueError("with ordered indicators incomplete rows are deleted listwise (lavaan's "
                             "default) or each statistic uses the rows that answered it "
                             "(missing='pairwise'); FIML and likelihood= do not apply")
        if hasattr(data, "data") and hasattr(data, "instrument"):
            data = data.data
        from .ordinal_fit import fit_ordinal
        with one_blas_thread():
            return fit_ordinal(model, data, ordered=ordered, estimator=est_name, group=group,
                               std_lv=std_lv, group_equal=group_equal, group_partial=group_partial,
                               min_count=min_count, start=start, missing=missing,
                               parameterization=parameterization)
    if likelihood not in ("normal", "wishart"):
        raise ValueError(f"likelihood must be 'normal' or 'wishart', not {likelihood!r}")
    if missing not in ("listwise", "fiml"):
        raise ValueError(f"missing must be 'listwise' or 'fiml', not {missing!r}")
    if data is not None and cov is not None:
        raise ValueError("give data= or cov= (with nobs=), not both")
    if data is None and cov is None:
        raise ValueError("give data= (a DataFrame or Survey) or cov= with nobs=")
    if hasattr(data, "data") and hasattr(data, "instrument"):   # an edu40 Survey
        data = data.data
    fiml = missing == "fiml"
    if fiml and data is None:
        raise ValueError("missing='fiml' needs raw data, not a covariance matrix")
    if est_name in ("MLM", "MLR"):
        if data is None:
            raise ValueError(f"estimator={est_name!r} needs raw data (data=): its corrections use each "
                             f"respondent's answers, which a covariance matrix does not keep")
        if likelihood == "wishart":
            raise ValueError(f"estimator={est_name!r} uses the normal likelihood; drop likelihood='wishart'")
        if est_name == "MLM" and fiml:
            raise ValueError("estimator='MLM' needs complete data; use estimator='MLR' with missing='fiml'")
    if fiml and likelihood == "wishart":
        raise ValueError("missing='fiml' uses the normal likelihood; drop likelihood='wishart'")
    n_groups = 1
    labels = None
    if group is not None:
        if data is None:
            raise ValueError("group= needs raw data; for matrices pass lists to cov= and nobs=")
        if group not in data.columns:
            raise SEMDataError(f"group column {group!r} is not in the data")
        labels = list(dict.fromkeys(data[group].dropna().tolist()))
        n_groups = len(labels)
    elif isinstance(cov, (list, tuple)):
        n_groups = len(cov)
    ms = bool(meanstructure) if meanstructure is not None else (fiml or n_groups > 1)
    spec = build_spec(model, n_groups=n_groups, group_labels=labels, meanstructure=ms,
                      std_lv=std_lv, fixed_x=fixed_x, group_equal=tuple(group_equal),
                      group_partial=tuple(group_partial))
    if data is not None:
        prep = prepare_data(data, spec.ov, group=group, missing=missing, likelihood=likelihood)
    else:
        prep = prepare_cov(cov, spec.ov, nobs, mean=mean, sds=sds, likelihood=likelihood)
        if ms and mean is None:
            raise ValueError("a mean structure needs mean= (the sample means) with cov=")
    fill_exogenous(spec, prep)
    npar = spec.n_free
    G = len(prep.groups)
    p = len(spec.ov)
    nx = len(spec.roles["ov.x"]) if spec.table["exo"].any() else 0
    moments = G * (p * (p + 1) // 2 + (p if ms else 0) - nx * (nx + 1) // 2 - (nx if ms else 0))
    if nx and est_name in ("MLM", "MLR"):
        raise ModelSpecError(f"estimator={est_name!r} with observed exogenous covariates "
                             f"{spec.roles['ov.x']} (fixed.x) is not available in edu40; fit with "
                             f"fixed_x=False (the covariates' moments become parameters) or by ML")
    if npar > moments:
        raise ModelSpecError(f"the model has {npar} free parameters but the data give only {moments} "
                             f"moments (df = {moments - npar}): it is not identified. Fix parameters, "
                             f"add indicators or drop paths")
    if prep.n_total < npar:
        raise SEMDataError(f"{prep.n_total} rows for {npar} free parameters: too few rows to estimate "
                           f"this model. Collect more data or simplify the model "
                           f"(a common rule asks 5-10 respondents per parameter)")
    weights = [g.n - 1 if likelihood == "wishart" else g.n for g in prep.groups]
    ram = RAMModel(spec, prep.groups, weights=weights, meanstructure=ms, fiml=fiml)
    with one_blas_thread():
        theta0 = np.asarray(start, float) if start is not None else start_values(spec, prep.groups)
        if engine == "semopy":
            # semopy's ML estimates; the robust corrections below apply to them alike
            outcome = semopy_engine.estimate(spec, prep, ram, theta0, estimator="ML", missing=missing)
        else:
            outcome = ram.fit(theta0)
        # MLR judges by the observed information with complete data too (lavaan); computed once
        observed = fiml or est_name == "MLR"
        info = ram.observed_information(outcome.theta) if observed else ram.expected_information(outcome.theta)
        vcov, singular = _vcov(ram, outcome.theta, prep, likelihood, fiml, spec, info=info)
        indices, moments_used = compute_fit_indices(ram, outcome.theta, prep, spec,
                                                    likelihood=likelihood, fiml=fiml)
    if est_name in ("MLM", "MLR"):
        from .robust_ml import robust_ml
        with one_blas_thread():
            vcov, extra = robust_ml(est_name, ram, outcome.theta, prep, spec, indices, fiml=fiml,
                                    information=info if est_name == "MLR" else None)
        indices = _merge_indices(indices, extra)
    return SEMResult(model=model, fit_indices=indices, converged=outcome.converged,
                     iterations=outcome.iterations, optimizer_message=outcome.message,
                     likelihood=likelihood, missing=missing, excluded=tuple(prep.excluded),
                     rows_read=prep.rows_read, group=group, _spec=spec, _model=ram,
                     _theta=outcome.theta, _vcov=vcov, _moments=moments_used, _prep=prep,
                     _singular_information=singular, estimator=est_name, engine=engine)


def _merge_indices(indices, extra):
    """lavaan's order: each scaled / robust measure after its standard one."""
    import pandas as pd
    order = ["npar", "nobs", "chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
             "chisq.scaling.factor", "cmin/df", "baseline.chisq", "baseline.df", "baseline.pvalue",
             "baseline.chisq.scaled", "baseline.df.scaled", "baseline.pvalue.scaled",
             "baseline.chisq.scaling.factor", "cfi", "tli", "nfi", "ifi", "rfi", "cfi.scaled", "tli.scaled",
             "nfi.scaled", "ifi.scaled", "rfi.scaled", "cfi.robust", "tli.robust"]
    values = {**indices.to_dict(), **extra}
    keys = [k for k in order if k in values] + [k for k in values if k not in order]
    return pd.Series({k: values[k] for k in keys}, name="value", dtype=float)


def _vcov(ram, theta, prep, likelihood, fiml, spec, info=None):
    """Covariance matrix of the estimates (inverse information) and any unidentified parameters."""
    n_eff = sum(g.n - 1 if likelihood == "wishart" else g.n for g in prep.groups)
    if info is None:
        info = ram.observed_information(theta) if fiml else ram.expected_information(theta)
    vals, vecs = np.linalg.eigh(info)
    if vals[0] <= 1e-10 * max(vals[-1], 1e-300):
        v = vecs[:, 0]
        names = []
        t = spec.table
        for k in np.argsort(-np.abs(v))[:4]:
            if abs(v[k]) > 0.2:
                row = t[t["free"] == k + 1].iloc[0]
                names.append(f"{row['lhs']} {row['op']} {row['rhs']}".strip())
        return np.linalg.pinv(info * n_eff), tuple(names)
    return np.linalg.inv(info * n_eff), ()
