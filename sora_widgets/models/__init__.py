"""Pure data: requests, tasks, results, the model catalog and the wire format. No I/O here."""

from .catalog import I2V, MODELS, SIZES, T2V, ModelProfile, get_model
from .prices import PriceTable, estimate_cost
from .request import ReferenceImage, VideoRequest, normalize_seconds, normalize_size, parse_size
from .specs import ModelInfo, ModelParam, ModelSpec
from .task import Phase, Task, TaskError, Usage, VideoAsset, merge_update, normalize_status
from .video import Video

__all__ = [
    "I2V",
    "MODELS",
    "SIZES",
    "T2V",
    "ModelInfo",
    "ModelParam",
    "ModelProfile",
    "ModelSpec",
    "Phase",
    "PriceTable",
    "ReferenceImage",
    "Task",
    "TaskError",
    "Usage",
    "Video",
    "VideoAsset",
    "VideoRequest",
    "estimate_cost",
    "get_model",
    "merge_update",
    "normalize_seconds",
    "normalize_size",
    "normalize_status",
    "parse_size",
]
