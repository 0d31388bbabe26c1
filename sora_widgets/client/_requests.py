"""Building a request: a validated :class:`VideoRequest` from whatever the caller passed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InvalidRequestError
from ..models.catalog import MODELS
from ..models.request import ReferenceImage, VideoRequest

__all__ = ["FIELDS", "RemixSizes", "RequestBuilder", "RequestLike", "no_remix_sizes"]

#: What a request can be given as: a VideoRequest, a dict of its fields, or a prompt.
RequestLike = VideoRequest | Mapping[str, Any] | str
#: The size of the video a remix id (or task id) names, when it is known.
RemixSizes = Callable[[str], str | None]
FIELDS = ("prompt", "size", "seconds", "image", "remix_video_id", "model")


def no_remix_sizes(_remix_id: str) -> str | None:
    """A :data:`RemixSizes` that knows no video (a client without a journal)."""
    return None


def resolve_image(image: Any) -> ReferenceImage | str:
    """A reference image as sent: a URL as is, anything local loaded (never fitted silently)."""
    if isinstance(image, ReferenceImage):
        return image
    if isinstance(image, str) and image.startswith(("https://", "http://")):
        return image
    from ..media import load_image  # Pillow only when an image is used

    return load_image(image)


class RequestBuilder:
    """Makes validated requests; a remix without a size keeps the size of its source.

    Args:
        remix_sizes: looks up the size of a source video by remix id or task id (the
            journal's :meth:`~sora_widgets.Journal.video_size`, or :func:`no_remix_sizes`).
    """

    def __init__(self, remix_sizes: RemixSizes = no_remix_sizes) -> None:
        self._remix_sizes = remix_sizes

    def build(
        self,
        request: RequestLike | None = None,
        /,
        *,
        prompt: str | None = None,
        size: Any = None,
        seconds: Any = None,
        image: Any = None,
        remix_video_id: str | None = None,
        model: str | None = None,
    ) -> VideoRequest:
        """See :meth:`sora_widgets.SoraClient.build_request`."""
        if isinstance(request, VideoRequest):
            changes = {
                k: v
                for k, v in {
                    "prompt": prompt,
                    "size": size,
                    "seconds": seconds,
                    "remix_video_id": remix_video_id,
                    "model": model,
                }.items()
                if v is not None
            }
            if image is not None:
                changes["image"] = resolve_image(image)
            return request.replace(**changes) if changes else request
        fields: dict[str, Any] = {}
        if isinstance(request, str):
            fields["prompt"] = request
        elif isinstance(request, Mapping):
            fields.update(request)
        elif request is not None:
            raise InvalidRequestError(
                f"cannot make a request from {type(request).__name__}; pass a VideoRequest, a dict "
                "of fields or a prompt string."
            )
        for name, value in zip(FIELDS, (prompt, size, seconds, image, remix_video_id, model), strict=True):
            if value is not None:
                fields[name] = value
        unknown = set(fields) - set(FIELDS)
        if unknown:
            raise InvalidRequestError(
                f"unknown request field(s) {', '.join(sorted(unknown))}; use prompt, size, seconds, "
                "image, remix_video_id, model."
            )
        if fields.get("prompt") is None:
            raise InvalidRequestError("a prompt is needed: describe the shot you want.")
        if fields.get("image") is not None:
            fields["image"] = resolve_image(fields["image"])
        kwargs: dict[str, Any] = {"prompt": fields["prompt"]}
        for name in ("image", "remix_video_id"):
            if fields.get(name) is not None:
                kwargs[name] = fields[name]
        spec = MODELS.get(str(fields.get("model") or ""))
        kwargs["model"] = str(fields.get("model") or "")
        remix_size = None
        if fields.get("size") is None and kwargs.get("remix_video_id"):
            remix_size = self._remix_sizes(str(kwargs["remix_video_id"]))
        if fields.get("size") is not None:
            kwargs["size"] = fields["size"]
        elif remix_size is not None and (spec is None or remix_size in spec.sizes):
            # A remix keeps the shape of its source unless asked otherwise.
            kwargs["size"] = remix_size
        elif spec is not None:
            kwargs["size"] = spec.default_size
        if fields.get("seconds") is not None:
            kwargs["seconds"] = fields["seconds"]
        return VideoRequest(**kwargs)
