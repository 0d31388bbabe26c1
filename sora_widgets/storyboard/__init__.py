"""Storyboards: several shots chained for continuity, generated in order and joined into one film.

The face of the feature; its parts are private: ``_storyboard`` (the headless
:class:`Storyboard`), ``_film`` (its result, :class:`Film`), ``_board`` (shots, states, limits),
``_board_file`` (saving and loading board files) and ``_board_run`` (running a board against a
client). The view is
:class:`sora_widgets.widgets.storyboard.StoryboardWidget`.
"""

from ._film import Film
from ._storyboard import (
    BLOCKED,
    CONTINUITY,
    DONE,
    FAILED,
    MAX_SHOTS,
    PLANNED,
    RUNNING,
    WAITING,
    BudgetExceeded,
    Shot,
    ShotFailed,
    ShotState,
    Storyboard,
)

__all__ = [
    "BLOCKED",
    "CONTINUITY",
    "DONE",
    "FAILED",
    "MAX_SHOTS",
    "PLANNED",
    "RUNNING",
    "WAITING",
    "BudgetExceeded",
    "Film",
    "Shot",
    "ShotFailed",
    "ShotState",
    "Storyboard",
]
