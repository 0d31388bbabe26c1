"""sora_widgets: Sora 2 Pro video generation in Jupyter, through the Vtrix API.

Example:
    >>> import sora_widgets as sw
    >>> client = sw.SoraClient()          # no key configured: the built-in simulator
    >>> studio = sw.Studio(client)        # build a prompt, generate, watch, play

Public names are loaded on first use, so ``import sora_widgets`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it (relative to this package)
_EXPORTS: dict[str, str] = {
    # models
    "VideoRequest": ".models.request",
    "ReferenceImage": ".models.request",
    "Task": ".models.task",
    "TaskError": ".models.task",
    "Phase": ".models.task",
    "Status": ".models.task",
    "Video": ".models.video",
    "ModelSpec": ".models.specs",
    "ModelParam": ".models.specs",
    "ModelInfo": ".models.specs",
    "ModelProfile": ".models.catalog",
    "PriceTable": ".models.prices",
    "MODELS": ".models.catalog",
    "T2V": ".models.catalog",
    "I2V": ".models.catalog",
    "coach": ".coaching",
    "PromptReport": ".coaching",
    "CoachVocabulary": ".coaching",
    # errors
    "SoraError": ".errors",
    "InvalidRequestError": ".errors",
    "ImageError": ".errors",
    "APIError": ".errors",
    "AuthenticationError": ".errors",
    "InsufficientBalanceError": ".errors",
    "RateLimitError": ".errors",
    "NotFoundError": ".errors",
    "BadRequestError": ".errors",
    "ServerError": ".errors",
    "TransportError": ".errors",
    "ConnectionFailed": ".errors",
    "RequestTimeout": ".errors",
    "MalformedResponse": ".errors",
    "ModelUnavailableError": ".errors",
    "MediaError": ".errors",
    "UnknownOutcomeError": ".errors",
    "PollTimeout": ".errors",
    "GenerationFailed": ".errors",
    "ModerationBlocked": ".errors",
    "DownloadError": ".errors",
    "LinkExpired": ".errors",
    # media
    "load_image": ".media",
    "fit_image": ".media",
    # frames of a video (a Video is data: its file is reached through the client that made it)
    "video_frames": ".av.video",
    "video_filmstrip": ".av.video",
    # background work
    "Job": ".job",
    # client and journal
    "SoraClient": ".client",
    "Service": ".client",
    "BatchResult": ".client",
    "Recorder": ".client",
    "NullRecorder": ".client",
    "PollPolicy": ".transport",
    "Transport": ".transport",
    "Simulator": ".simulator",
    "History": ".journal",
    "Journal": ".journal",
    "JournalEntry": ".journal",
    "EntryFilter": ".journal",
    # storyboards
    "Storyboard": ".storyboard",
    "Film": ".storyboard",
    # widgets
    "PromptBuilder": ".widgets.prompt_builder",
    "StatusBar": ".widgets.status_bar",
    "TaskStatus": ".widgets.status_bar",
    "JobStatus": ".widgets.studio",
    "VideoPlayer": ".widgets.player",
    "Studio": ".widgets.studio",
    "Gallery": ".widgets.gallery",
    "PromptLab": ".widgets.prompt_lab",
    "Lab": ".lab",
    "LabJob": ".lab",
    "FrameCompare": ".widgets.frames",
    "compare_frames": ".widgets.frames",
    "StoryboardWidget": ".widgets.storyboard",
    "Classroom": ".widgets.classroom",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'sora_widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


# The composition root: a client built without a recorder journals to the default journal and
# keeps its videos by the cache policy (sora_widgets._compose; the client never imports either).
from ._compose import install as _install_defaults  # noqa: E402

_install_defaults()

# In IPython, a Video as the last expression of a cell shows a player. Registered by type name,
# so nothing heavy is imported until a Video is displayed; outside IPython this does nothing.
from ._display import register as _register_display  # noqa: E402

_register_display()


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .av.video import video_filmstrip, video_frames
    from .client import BatchResult, NullRecorder, Recorder, Service, SoraClient
    from .coaching import CoachVocabulary, PromptReport, coach
    from .errors import (
        APIError,
        AuthenticationError,
        BadRequestError,
        ConnectionFailed,
        DownloadError,
        GenerationFailed,
        ImageError,
        InsufficientBalanceError,
        InvalidRequestError,
        LinkExpired,
        MalformedResponse,
        MediaError,
        ModelUnavailableError,
        ModerationBlocked,
        NotFoundError,
        PollTimeout,
        RateLimitError,
        RequestTimeout,
        ServerError,
        SoraError,
        TransportError,
        UnknownOutcomeError,
    )
    from .job import Job
    from .journal import EntryFilter, History, Journal, JournalEntry
    from .lab import Lab, LabJob
    from .media import fit_image, load_image
    from .models.catalog import I2V, MODELS, T2V, ModelProfile
    from .models.prices import PriceTable
    from .models.request import ReferenceImage, VideoRequest
    from .models.specs import ModelInfo, ModelParam, ModelSpec
    from .models.task import Phase, Status, Task, TaskError
    from .models.video import Video
    from .simulator import Simulator
    from .storyboard import Film, Storyboard
    from .transport import PollPolicy, Transport
    from .widgets.classroom import Classroom
    from .widgets.frames import FrameCompare, compare_frames
    from .widgets.gallery import Gallery
    from .widgets.player import VideoPlayer
    from .widgets.prompt_builder import PromptBuilder
    from .widgets.prompt_lab import PromptLab
    from .widgets.status_bar import StatusBar, TaskStatus
    from .widgets.storyboard import StoryboardWidget
    from .widgets.studio import JobStatus, Studio
