"""CFA / SEM: lavaan-style models, fit indices exactly as lavaan, validity evidence, diagnostics."""
from .syntax import parse_model, ModelSyntaxError
from .spec import ModelSpecError
from .data import SEMDataError
from .fit import fit, estimator_options, ESTIMATORS
from .result import SEMResult
from .diagnostics import SEMWarning
from .criteria import CRITERIA
from .polycor import polychoric, PolychoricResult
from .compare import chisq_difference

__all__ = ["fit", "SEMResult", "SEMWarning", "parse_model", "ModelSyntaxError", "ModelSpecError",
           "SEMDataError", "CRITERIA", "polychoric", "PolychoricResult",
           "estimator_options", "ESTIMATORS", "chisq_difference"]
