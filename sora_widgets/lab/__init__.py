"""The Prompt Lab's headless part: sweeps of variants, run, reused and compared.

The face of the feature; ``_lab`` holds :class:`Lab` (usable from code, the CLI and tests; it
imports no widget library). The view is :class:`sora_widgets.widgets.prompt_lab.PromptLab`.
"""

from ._lab import AUTO_COMPARE, PLANNED, SKIPPED, WAITING, Lab, LabJob, label

__all__ = ["AUTO_COMPARE", "PLANNED", "SKIPPED", "WAITING", "Lab", "LabJob", "label"]
