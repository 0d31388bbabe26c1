"""The prompt coach: which of the vendor's six prompt elements a prompt names, and what to add.

The face of the feature; ``_coach`` holds the rules and ``_vocabulary`` the curated words (pure
data). It reads text only: no I/O, no widget library.
"""

from ._coach import ELEMENTS, CoachVocabulary, PromptReport, Vocabulary, coach, stem

__all__ = ["ELEMENTS", "CoachVocabulary", "PromptReport", "Vocabulary", "coach", "stem"]
