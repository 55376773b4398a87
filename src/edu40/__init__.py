"""edu40: survey research on education management in Thailand.

The pipeline, one way, one subpackage a stage::

    core     blocks, renderer, language, fonts (no statistics; every stage may use it)
    io       instrument -> load & validate (scales, instrument, simulate, loader, datasets)
    stats    describe / reliability -> inference (t-tests, ANOVA, correlations)
    sem      CFA / SEM (estimation, fit indices, standardized solution, bootstrap)
    studies  replication, audit, invariance, validation, power, pre/post
    report   tables, plots, reports (plus edu40.plots and the command line)

Each stage imports only the stages above it.  Everything a user needs is here,
at ``edu40.*``.
"""
from ._version import __version__

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

# --- reports and plots -----------------------------------------------------------------
# Loaded on first use (edu40.plots, edu40.report, edu40.survey_report): matplotlib and
# python-docx add ~0.6 s to `import edu40` that analyses without figures need not pay.
_LAZY = {"plots": ("edu40.plots", None), "report": ("edu40.report", None),
         "survey_report": ("edu40.report", "survey_report"), "SurveyReport": ("edu40.report", "SurveyReport")}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        module, attr = _LAZY[name]
        mod = importlib.import_module(module)
        return mod if attr is None else getattr(mod, attr)
    raise AttributeError(f"module 'edu40' has no attribute {name!r}")


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
