"""edu40: survey research on education management in Thailand.

The pipeline, one way, one subpackage a stage::

    core     blocks, renderer, language, fonts (no statistics; every stage may use it)
    io       instrument -> load & validate (scales, instrument, simulate, loader, datasets)
    stats    describe / reliability -> inference (t-tests, ANOVA, correlations)
    sem      CFA / SEM (estimation, fit indices, standardized solution, bootstrap)
    studies  replication, audit, invariance, validation, power, pre/post
    report   tables, plots, reports (plus edu40.plots and the command line)

Each stage imports only the stages above it.  Everything a user needs is here,
at ``edu40.*``, imported on first use: ``import edu40`` itself loads nothing
but the table below, so a script that fits a model does not pay for the
survey statistics, reports and plots it does not use (``scipy.stats``,
statsmodels and matplotlib add seconds to a cold start), and neither do the
worker processes of a replication run.  The imports are written out for
readers, type checkers and the API documentation; at run time
``__getattr__`` performs each one when its name is first used.
"""
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
    # --- language --------------------------------------------------------------------------
    from .core.i18n import set_language, get_language
    from .core.parallel import ReplicationError

    # --- instrument, loading and validation ------------------------------------------------
    from .io.scales import LikertScale, Band, LIKERT5
    from .io.instrument import Instrument, CodebookError, EM40
    from .io.simulate import PopulationModel, PopulationModelError, simulate, simulate_test
    from .io.loader import load_survey, Survey, ValidationReport, SurveyInputError
    from .io import datasets

    # --- survey statistics -----------------------------------------------------------------
    from .stats._inputs import StatsInputError
    from .core.results import relabel
    from .stats.descriptives import describe, frequencies
    from .stats.reliability import (cronbach_alpha, item_analysis, reliability, omega, AlphaResult,
                                    OmegaResult)
    from .stats.testitems import kr20, kr21, item_difficulty_discrimination, ioc, KRResult
    from .stats.ttests import ttest, paired_ttest, TTestResult, PairedTTestResult
    from .stats.anova import anova, AnovaResult
    from .stats.correlation import correlations, CorrelationResult
    from .stats.factors import adequacy, AdequacyResult, number_of_factors, NFactorsResult
    from .stats.efa import efa, EFAResult

    # --- CFA / SEM -------------------------------------------------------------------------
    from .sem import (fit, SEMResult, SEMWarning, parse_model, ModelSyntaxError, ModelSpecError,
                      SEMDataError, polychoric, PolychoricResult)
    from .sem.bootstrap import BootstrapResult
    from .sem.compare import chisq_difference

    # --- studies: replication, validation, power, pre/post ---------------------------------
    from .studies import published
    from .studies.audit import audit_reported_fit, FitAudit
    from .studies.replication import replicate, ReplicationReport
    from .studies.invariance import invariance, InvarianceResult
    from .studies.validation import validate, SurveyValidation
    from .studies.crossvalidation import split_half, SplitHalfResult
    from .studies import power
    from .studies.power import (rmsea_power, rmsea_sample_size, monte_carlo_power, PowerResult, yamane,
                                krejcie_morgan)
    from .studies.prepost import (prepost, PrePostReport, PrePostInputError, effectiveness_index,
                                  normalized_gain, efficiency_e1e2, paired_effect_sizes)
    # --- reports and plots (matplotlib, python-docx) ---------------------------------------
    from . import plots, report
    from .report import survey_report, SurveyReport


def _exports() -> dict:
    """name -> (module, attribute or None for the module itself), read from the block above."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    out = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom):
            base = "." + (node.module or "")
            for a in node.names:
                out[a.asname or a.name] = ((base.rstrip(".") + "." + a.name, None) if node.module in
                                           (None, "io", "studies") and a.name in _MODULES
                                           else (base, a.name))
    return out


# names in the block above that are modules, not attributes of one
_MODULES = {"datasets", "published", "power", "plots", "report"}
_EXPORTS: dict = {}


def __getattr__(name):
    if not _EXPORTS:
        _EXPORTS.update(_exports())
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'edu40' has no attribute {name!r}")
    import importlib

    module, attr = target
    mod = importlib.import_module(module, __name__)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value          # later look-ups do not come back here
    return value


def __dir__():
    if not _EXPORTS:
        _EXPORTS.update(_exports())
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "__version__", "set_language", "get_language", "ReplicationError",
    # instrument, loading and validation
    "LikertScale", "Band", "LIKERT5",
    "Instrument", "CodebookError", "EM40",
    "PopulationModel", "PopulationModelError", "simulate", "simulate_test",
    "load_survey", "Survey", "ValidationReport", "SurveyInputError",
    "datasets",
    # survey statistics
    "StatsInputError", "relabel",
    "describe", "frequencies",
    "cronbach_alpha", "item_analysis", "reliability", "omega", "AlphaResult", "OmegaResult",
    "kr20", "kr21", "item_difficulty_discrimination", "ioc", "KRResult",
    "ttest", "paired_ttest", "TTestResult", "PairedTTestResult",
    "anova", "AnovaResult",
    "correlations", "CorrelationResult",
    "adequacy", "AdequacyResult", "number_of_factors", "NFactorsResult", "efa", "EFAResult",
    # CFA / SEM
    "fit", "SEMResult", "SEMWarning", "parse_model", "ModelSyntaxError", "ModelSpecError",
    "SEMDataError", "BootstrapResult", "polychoric", "PolychoricResult",
    # studies
    "published", "audit_reported_fit", "FitAudit", "replicate", "ReplicationReport",
    "invariance", "InvarianceResult", "validate", "SurveyValidation",
    "split_half", "SplitHalfResult",
    "power", "rmsea_power", "rmsea_sample_size", "monte_carlo_power", "PowerResult", "yamane",
    "krejcie_morgan",
    "prepost", "PrePostReport", "PrePostInputError", "effectiveness_index", "normalized_gain",
    "efficiency_e1e2", "paired_effect_sizes",
    # reports and plots (loaded on first use)
    "plots", "report", "survey_report", "SurveyReport",
]
