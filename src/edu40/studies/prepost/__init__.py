"""Pre/post training evaluation: the impact analysis Thai training reports print.

``edu40.prepost(data, pre, post, ...)`` pairs each participant's pre- and
post-test, lists whoever cannot be paired, and returns a
:class:`PrePostReport`: paired t-test with effect sizes, normalized gain,
effectiveness index, E1/E2, test quality, satisfaction, knowledge x
satisfaction, conclusion sentences in Thai and English, and plots.
Methods, formulas and references: ``docs/prepost.md``.
"""

from ._data import PrePostInputError
from .core import prepost
from .indices import effectiveness_index, efficiency_e1e2, normalized_gain, paired_effect_sizes
from .parts import (EffectivenessIndex, Efficiency, GainResult, KnowledgeSatisfaction, PrePostTest, SatisfactionResult,
                    TestQuality)
from .report import PrePostReport

__all__ = ["prepost", "PrePostReport", "PrePostInputError", "PrePostTest", "GainResult", "EffectivenessIndex",
           "Efficiency", "TestQuality", "SatisfactionResult", "KnowledgeSatisfaction", "paired_effect_sizes",
           "normalized_gain", "effectiveness_index", "efficiency_e1e2"]
