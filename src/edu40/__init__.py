"""edu40: survey research on education management in Thailand.

The pipeline, one way: instrument -> load & validate -> describe / reliability
-> inference -> CFA / SEM -> replication, validation, pre/post -> reports.
"""
from ._version import __version__
from ._i18n import set_language, get_language
from .scales import LikertScale, Band, LIKERT5
from .instrument import Instrument, CodebookError, EM40
from .simulate import PopulationModel, PopulationModelError, simulate, simulate_test
from .loader import load_survey, Survey, ValidationReport, SurveyInputError
from . import datasets
from .sem import (fit, SEMResult, SEMWarning, parse_model, ModelSyntaxError, ModelSpecError,
                  SEMDataError)

# --- survey statistics (issue 3) -------------------------------------------
from ._inputs import StatsInputError
from ._results import relabel
from .descriptives import describe, frequencies
from .reliability import cronbach_alpha, item_analysis, reliability, omega, AlphaResult, OmegaResult
from .testitems import kr20, kr21, item_difficulty_discrimination, ioc, KRResult
from .ttests import ttest, paired_ttest, TTestResult, PairedTTestResult
from .anova import anova, AnovaResult
from .correlation import correlations, CorrelationResult
# ---------------------------------------------------------------------------

# --- pre/post training comparison (issue 6) --------------------------------
# The package edu40/prepost/ and its main function share the name: edu40.prepost is the
# function (as edu40.anova); import submodules as edu40.prepost.indices etc. via importlib
# or `from edu40.prepost.indices import ...`.
from .prepost import (prepost, PrePostReport, PrePostInputError, effectiveness_index, normalized_gain,
                      efficiency_e1e2, paired_effect_sizes)
# ---------------------------------------------------------------------------

# --- scale: bootstrap, power, sample size (issue 8) ------------------------
from ._parallel import ReplicationError
from .bootstrap import BootstrapResult
from .power import (rmsea_power, rmsea_sample_size, monte_carlo_power, PowerResult, yamane,
                    krejcie_morgan)
from . import power
# ---------------------------------------------------------------------------

__all__ = [
    "__version__", "set_language", "get_language",
    "LikertScale", "Band", "LIKERT5",
    "Instrument", "CodebookError", "EM40",
    "PopulationModel", "PopulationModelError", "simulate", "simulate_test",
    "load_survey", "Survey", "ValidationReport", "SurveyInputError",
    "datasets",
    "fit", "SEMResult", "SEMWarning", "parse_model", "ModelSyntaxError", "ModelSpecError",
    "SEMDataError",
]

# --- replication and validation (issue 5) ---------------------------------
from . import published
from .audit import audit_reported_fit, FitAudit
from .replication import replicate, ReplicationReport
from .invariance import invariance, InvarianceResult
from .validation import validate, SurveyValidation

__all__ += ["published", "audit_reported_fit", "FitAudit", "replicate", "ReplicationReport",
            "invariance", "InvarianceResult", "validate", "SurveyValidation"]
# ---------------------------------------------------------------------------

# --- survey statistics (issue 3) -------------------------------------------
__all__ += [
    "StatsInputError", "relabel",
    "describe", "frequencies",
    "cronbach_alpha", "item_analysis", "reliability", "omega", "AlphaResult", "OmegaResult",
    "kr20", "kr21", "item_difficulty_discrimination", "ioc", "KRResult",
    "ttest", "paired_ttest", "TTestResult", "PairedTTestResult",
    "anova", "AnovaResult",
    "correlations", "CorrelationResult",
]
# ---------------------------------------------------------------------------

# --- pre/post training comparison (issue 6) --------------------------------
__all__ += [
    "prepost", "PrePostReport", "PrePostInputError", "effectiveness_index", "normalized_gain",
    "efficiency_e1e2", "paired_effect_sizes",
]
# ---------------------------------------------------------------------------

# --- reports, plots and the command line (issue 7) ----------------------------
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


__all__ += ["plots", "report", "survey_report", "SurveyReport"]
# ---------------------------------------------------------------------------

# --- scale: bootstrap, power, sample size (issue 8) ------------------------
__all__ += [
    "ReplicationError", "BootstrapResult",
    "rmsea_power", "rmsea_sample_size", "monte_carlo_power", "PowerResult", "yamane",
    "krejcie_morgan", "power",
]
# ---------------------------------------------------------------------------
