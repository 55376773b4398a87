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

# --- scale: bootstrap, power, sample size (issue 8) ------------------------
__all__ += [
    "ReplicationError", "BootstrapResult",
    "rmsea_power", "rmsea_sample_size", "monte_carlo_power", "PowerResult", "yamane",
    "krejcie_morgan", "power",
]
# ---------------------------------------------------------------------------
