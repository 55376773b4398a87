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
