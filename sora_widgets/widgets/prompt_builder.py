"""PromptBuilder: a form that builds a :class:`~sora_widgets.VideoRequest`, with the price shown."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import traitlets as t

from .._constants import MAX_PROMPT_CHARS
from .._text import shorten
from ..client._requests import catalog_request, nominal_seconds, nominal_size
from ..coaching import PromptReport, Vocabulary, coach
from ..errors import InvalidRequestError, SoraError
from ..models.catalog import I2V, MODELS, ORIENTATIONS, T2V, front_catalog, get_model
from ..models.prices import PriceTable, estimate_cost, format_estimate
from ..models.request import ReferenceImage, VideoRequest
from ..models.specs import ModelInfo, ModelSpec
from ..models.video import Video
from ._base import SoraWidget, handles
from ._common import describe_error, format_cost
from ._spec_controls import (
    check_items,
    controls_for,
    foreign_values,
    image_slots,
    kept_values,
    params_of,
    swap_rows,
    with_prompt,
)

__all__ = ["PromptBuilder", "compose_prompt"]

# The seeds' advice: "Include shot type, subject, action, setting, lighting, and any required
# camera movement". These are the structured fields, in the order they read best.
SHOT_FIELDS: tuple[str, ...] = ("shot_type", "subject", "action", "setting", "lighting", "camera")
# Views whose last resynchronised edit is remembered (one per open view; old ones forgotten).
_MAX_VIEWS = 64
# The picker's first entry: the Sora 2 Pro form (text or image to video, chosen by the image).
SORA_CHOICE = {"id": "", "label": "Sora 2 Pro"}
# A press of Generate for the request sent this many seconds ago or less is taken as a double
# click or an accidental repeat, not a wish for a second paid video: it asks first ("Generate
# again"). A minute covers a double click, a slow page and a create still being sent.
REPEAT_WINDOW_S = 60.0


def compose_prompt(text: str = "", **fields: str) -> str:
    """Join the free text and the structured shot fields into one prompt.

    Example:
        >>> compose_prompt("Calm mood.", shot_type="Wide shot", subject="a red kite",
        ...                action="gliding over waves", setting="a beach at dusk",
        ...                lighting="warm backlight", camera="slow dolly in")
        'Calm mood. Wide shot of a red kite, gliding over waves, a beach at dusk. Lighting: warm \
backlight. Camera: slow dolly in.'
    """
    get = {name: " ".join(str(fields.get(name) or "").split()) for name in SHOT_FIELDS}
    shot, subject = get["shot_type"], get["subject"]
    head = f"{shot} of {subject}" if shot and subject else shot or subject
    core = ", ".join(part for part in (head, get["action"], get["setting"]) if part)
    sentences = [core] if core else []
    if get["lighting"]:
        sentences.append(f"Lighting: {get['lighting']}")
    if get["camera"]:
        sentences.append(f"Camera: {get['camera']}")
    structured = ". ".join(s[0].upper() + s[1:] for s in sentences)
    if structured and not structured.endswith("."):
        structured += "."
    free = text.strip()
    if free and structured and free[-1] not in ".!?;:,":
        # Free text then shot details read as two sentences, not "slow orbit Close-up of ...".
        free += "."
    return " ".join(part for part in (free, structured) if part)


class PromptBuilder(SoraWidget, front="prompt_builder"):
    """Build a request: prompt (free text plus shot fields), orientation, length, image, remix.

    Example:
        >>> builder = PromptBuilder()
        >>> builder.text = "Wide shot of a red kite over a beach at dusk"
        >>> builder.orientation = "landscape"
        >>> builder.request.size
        '1280x720'
        >>> builder.request = VideoRequest("A lighthouse in fog", seconds=8)
        >>> builder.seconds
        8

    The price shows before anything is sent. A reference image (uploaded in the form, or
    ``builder.set_image(path_or_bytes_or_PIL)``) is shown as it will be sent: EXIF orientation
    applied and fitted to the exact video size (``fit_mode`` "cover" crops, "letterbox" pads).
    ``on_submit(callback)`` shows the Generate button; pressing it calls
    ``callback(builder.request)``.

    Under the prompt, the prompt coach (:func:`sora_widgets.coach`) ticks off shot, subject,
    action, setting, lighting and camera as you type, with advice on what to add or split
    (``builder.report``; ``vocabulary=`` for your own words).
    """

    text = t.Unicode("").tag(sync=True)
    shot_type = t.Unicode("").tag(sync=True)
    subject = t.Unicode("").tag(sync=True)
    action = t.Unicode("").tag(sync=True)
    setting = t.Unicode("").tag(sync=True)
    lighting = t.Unicode("").tag(sync=True)
    camera = t.Unicode("").tag(sync=True)
    prompt = t.Unicode("").tag(sync=True)  # composed; what will be sent

    orientation = t.Enum(tuple(ORIENTATIONS), default_value="portrait").tag(sync=True)
    _catalog = t.Dict(front_catalog()).tag(sync=True)  # the orientations and sizes offered
    seconds = t.Int(T2V.default_seconds).tag(sync=True)
    seconds_options = t.List(t.Int(), default_value=list(T2V.seconds)).tag(sync=True)
    fit_mode = t.Enum(("cover", "letterbox"), default_value="cover").tag(sync=True)

    has_image = t.Bool(False).tag(sync=True)
    image_version = t.Int(0).tag(sync=True)
    image_label = t.Unicode("").tag(sync=True)
    image_notes = t.List(t.Unicode()).tag(sync=True)

    remix_choices = t.List(t.Dict()).tag(sync=True)  # [{"id": ..., "label": ...}]
    remix_id = t.Unicode("").tag(sync=True)
    # Shown above the prompt after Remix is pressed: what the next request is a variation of.
    hint = t.Unicode("").tag(sync=True)

    price = t.Unicode("").tag(sync=True)
    problem = t.Unicode("").tag(sync=True)  # why the form is not sendable yet (live)
    # ``error`` (from SoraWidget): from the last Generate press or a callback.
    show_generate = t.Bool(False).tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)
    # Set when Generate was pressed again for the request just sent: what happened, and the label
    # of the deliberate "Generate again" button (with its price). Any edit of the form clears it.
    repeat_note = t.Unicode("").tag(sync=True)
    repeat_label = t.Unicode("").tag(sync=True)
    # The prompt coach's report on ``prompt`` (PromptReport.to_dict()), drawn as a live checklist.
    coach = t.Dict(default_value={}).tag(sync=True)

    # The model picker: "" is the Sora 2 Pro form above; any other id is a catalog model whose
    # spec is drawn as ``controls`` (data, see _spec_controls) holding ``values`` by name.
    model = t.Unicode("").tag(sync=True)
    model_choices = t.List(t.Dict(), default_value=[SORA_CHOICE]).tag(sync=True)
    model_note = t.Unicode("").tag(sync=True)
    controls = t.List(t.Dict()).tag(sync=True)
    values = t.Dict().tag(sync=True)
    # Per image picker of a catalog model: {"label": what is sent, "notes": [...], "version": n}.
    slots = t.Dict().tag(sync=True)

    def __init__(
        self,
        request: VideoRequest | None = None,
        *,
        on_submit: Callable[[VideoRequest], Any] | None = None,
        remix_sources: Iterable[Video] = (),
        vocabulary: Vocabulary | None = None,
        models: Iterable[ModelSpec] = (),
        prices: PriceTable | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.prices = prices  # the price table estimates use (None: the bundled prices)
        self._specs: dict[str, ModelSpec] = {}
        # The picker's catalog models by id (label); a spec is read only when its model is picked.
        self._offered: dict[str, str] = {}
        self._read_spec: Callable[[str], Awaitable[ModelSpec]] | None = None
        self._reading: dict[str, asyncio.Task[ModelSpec | None]] = {}
        self._unreadable: dict[str, str] = {}  # model -> why its spec could not be read
        self._slot_sources: dict[str, ReferenceImage] = {}  # picker -> image as loaded
        self._slot_images: dict[str, ReferenceImage] = {}  # picker -> fitted: what is sent
        self.vocabulary = vocabulary  # the prompt coach's words (None: the default vocabulary)
        self._coached: tuple[str, Vocabulary | None] | None = None  # (text, vocabulary) last coached
        self.observe(self._update_coach, names="prompt")
        self._source: ReferenceImage | None = None  # as loaded (EXIF applied), before fitting
        self._image: ReferenceImage | None = None  # fitted to the current size: what is sent
        self._image_url: str | None = None
        self._remix_sources: list[Video] = []
        self._submit_callbacks: list[Callable[[VideoRequest], Any]] = []
        self._form_seqs: dict[str, int] = {}  # view id -> its newest form taken (see _resync)
        self._last_sent: tuple[VideoRequest, float] | None = None  # for the repeat check
        self._clock: Callable[[], float] = time.monotonic
        self.observe(self._on_form_edit, names=[*SHOT_FIELDS, "text", "seconds", "remix_id"])
        self.observe(self._on_size_or_fit, names=["orientation", "fit_mode"])
        self.observe(self._on_model, names="model")
        self.observe(self._on_values, names="values")
        self.set_models(models)
        self.remix_sources = list(remix_sources)
        if request is not None:
            self.request = request
        if on_submit is not None:
            self.on_submit(on_submit)
        self._on_form_edit()
        self._update_coach()

    # -- the prompt coach ---------------------------------------------------------------------

    @property
    def report(self) -> PromptReport:
        """The prompt coach's report on the prompt as it can be sent (see :func:`sora_widgets.coach`).

        Only the first ``MAX_PROMPT_CHARS`` characters are read: a longer prompt cannot be sent
        anyway (the form says so), and a pasted novel must not hold up the kernel.
        """
        return coach(self.prompt[:MAX_PROMPT_CHARS], vocabulary=self.vocabulary)

    def _update_coach(self, _change: Any = None) -> None:
        # Coach only when what can be sent changed: edits past the cap, or a re-sync of the same
        # text, cost nothing.
        text = self.prompt[:MAX_PROMPT_CHARS]
        if self._coached is not None and self._coached[0] == text and self._coached[1] is self.vocabulary:
            return
        self._coached = (text, self.vocabulary)
        self.coach = self.report.to_dict() if text.strip() else {}

    # -- the model picker --------------------------------------------------------------------

    def set_models(self, specs: Iterable[ModelSpec]) -> None:
        """Offer these catalog models in the picker, after Sora 2 Pro, in the order given (the
        Sora specs themselves are the Sora 2 Pro form). A model picked stays if still offered."""
        self._specs = {s.model_id: s for s in specs if s.model_id not in MODELS}
        self._read_spec = None
        self._offer({s.model_id: s.name or s.model_id for s in self._specs.values()})

    def offer_models(
        self, models: Iterable[ModelInfo], read_spec: Callable[[str], Awaitable[ModelSpec]]
    ) -> None:
        """Offer these catalog models in the picker, reading a model's spec only when it is picked
        (``read_spec``, such as ``client.model_spec``, which caches). While it is read the picker
        says "Loading…" and nothing can be sent; a spec that cannot be read is said there too.
        """
        self._read_spec = read_spec
        self._unreadable.clear()
        offered = {m.id: m.name or m.id for m in models if m.id not in MODELS}
        self._specs = {k: v for k, v in self._specs.items() if k in offered}
        self._offer(offered)

    def _offer(self, offered: dict[str, str]) -> None:
        self._offered = offered
        self.model_choices = [SORA_CHOICE, *({"id": k, "label": v} for k, v in offered.items())]
        if self.model and self.model not in offered:
            self.model = ""

    async def spec_ready(self) -> ModelSpec | None:
        """The picked model's spec once it has been read (None for the Sora form, or when it could
        not be read: ``model_note`` says why)."""
        if self.model and self.spec is None:
            task = self._reading.get(self.model) or self._start_reading(self.model)
            if task is not None:
                await task
        return self.spec

    def _start_reading(self, model: str) -> asyncio.Task[ModelSpec | None] | None:
        if self._read_spec is None or model in self._reading:
            return self._reading.get(model)
        task = self.in_background(self._read(model, self._read_spec), name=f"read the spec of {model}")
        self._reading[model] = task
        return task

    async def _read(self, model: str, read_spec: Callable[[str], Awaitable[ModelSpec]]) -> ModelSpec | None:
        try:
            spec = await read_spec(model)
        except SoraError as exc:
            self._unreadable[model] = f"Could not read the parameters of {model}: {describe_error(exc)}"
            spec = None
        finally:
            self._reading.pop(model, None)
        if spec is not None:
            self._specs[model] = spec
        if self.model == model:
            self._on_model()
        return spec

    @property
    def spec(self) -> ModelSpec | None:
        """The picked catalog model's spec, or None for the Sora 2 Pro form."""
        return self._specs.get(self.model)

    @t.validate("model")
    def _check_model(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        offered = getattr(self, "_offered", {})
        if value and value not in offered:
            names = ", ".join(offered) or "none (set_models first)"
            raise t.TraitError(f"model {value!r} is not offered in this builder; offered: {names}")
        return value

    @t.validate("values")
    def _check_values(self, proposal: dict[str, Any]) -> dict[str, Any]:
        # Values come from the page: plain scalars by name, nothing else.
        scalar = (str, int, float, bool, type(None))
        return {str(k)[:200]: v for k, v in dict(proposal["value"]).items() if isinstance(v, scalar)}

    def _on_model(self, _change: Any = None) -> None:
        """Draw the picked model's controls; keep the values and images that still apply."""
        spec = self.spec
        controls = controls_for(spec) if spec is not None else []
        defaults = {c["name"]: c["default"] for c in controls if "default" in c and c["kind"] != "image"}
        values = {**defaults, **kept_values(self.values, controls)}
        pickers = set(image_slots(controls, values))
        for name in [n for n in self._slot_sources if n not in pickers]:
            del self._slot_sources[name]
        with self.hold_sync():
            self.controls = controls
            self.values = values
            needs = "  ·  needs an image" if spec is not None and spec.requires_image else ""
            self.model_note = f"{spec.model_id}{needs}" if spec is not None else self._waiting_note()
        if spec is None and self.model and self.model not in self._unreadable:
            with contextlib.suppress(RuntimeError):  # no running loop: ``await builder.spec_ready()``
                self._start_reading(self.model)
        self._refit_slots()
        self._on_form_edit()

    def _waiting_note(self) -> str:
        """What the picker says for a picked model whose spec is not here: loading, or why not."""
        if not self.model:
            return ""
        label = self._offered.get(self.model, self.model)
        return self._unreadable.get(self.model) or f"Loading the parameters of {label}…"

    def _on_values(self, _change: Any = None) -> None:
        foreign = foreign_values(self.values, self.controls) if self.controls else []
        if foreign:
            # Names the picked model does not draw: a page that switched models sent its form
            # (or an edit) built on the values of the model before, which had not yet been
            # replaced there. Sent, they would be refused ("not a parameter of this model").
            self.values = {k: v for k, v in self.values.items() if k not in foreign}
            return  # that set comes back here
        pickers = set(image_slots(self.controls, self.values))  # a typed item removed: its image too
        for name in [n for n in self._slot_sources if n not in pickers]:
            del self._slot_sources[name]
        try:
            self._refit_slots()  # an aspect ratio may have changed
        except Exception as exc:  # noqa: BLE001 - image decoding: show any failure in the widget
            self.show_error(exc)
        self._on_form_edit()

    def _refit_slots(self) -> None:
        spec = self.spec
        if spec is None:
            self._slot_images = {}
        else:
            from ..media import fit_image

            size = nominal_size(spec, self.values)
            letterbox = self.fit_mode == "letterbox"
            self._slot_images = {
                n: fit_image(src, size, mode="letterbox" if letterbox else "cover")
                for n, src in self._slot_sources.items()
            }
        slots = {}
        for name, image in self._slot_images.items():
            self.image_version += 1
            label = f"{image.source} → {image.size}, {image.mime}"
            slots[name] = {"label": label, "notes": list(image.notes), "version": self.image_version}
        self.slots = slots
        self._send_slots()

    def _send_slots(self) -> None:
        for name, image in self._slot_images.items():
            version = self.slots.get(name, {}).get("version", 0)
            self.send(
                {"type": "slot_image", "slot": name, "version": version, "mime": image.mime},
                buffers=[image.data],
            )

    def _catalog_request(self, spec: ModelSpec, prompt: str) -> VideoRequest:
        values = with_prompt(spec, params_of(self.values, self._slot_images, self.controls), prompt)
        check_items(self.controls, values)
        # The endpoint is the client's to resolve (Studio: client.prepare); the values are checked here.
        return catalog_request(spec, values, endpoint="")

    def _price_text(self) -> str:
        """The price line: the estimate (or "unknown", never $0), the length, the model."""
        spec = self.spec
        if spec is None and self.model:
            return ""  # no price before the model's spec says its length
        if spec is None:
            kind_spec = I2V if self.image is not None else T2V
            seconds = self.seconds if self.seconds in kind_spec.seconds else kind_spec.default_seconds
            kind = f"Remix of {self.remix_id}" if self.remix_id else get_model(kind_spec.id).title
            return (
                f"{format_cost(kind_spec.estimate_cost(seconds))}  ·  {seconds} s × "
                f"{format_cost(kind_spec.price_per_second)}/s  ·  {kind}"
            )
        seconds = nominal_seconds(spec, self.values)
        cost = estimate_cost(spec.model_id, seconds, self.prices)
        unknown = "  ·  no price known for this model (client.prices.set)" if cost is None else ""
        return f"{format_estimate(cost)}  ·  {seconds} s  ·  {spec.name or spec.model_id}{unknown}"

    # -- the request, both ways ------------------------------------------------------------

    @property
    def size(self) -> str:
        """The video size in wire form, from the orientation."""
        return ORIENTATIONS[self.orientation]

    @property
    def image(self) -> ReferenceImage | str | None:
        """The reference image exactly as it will be sent (fitted), a URL, or None."""
        return self._image if self._image is not None else self._image_url

    @property
    def request(self) -> VideoRequest:
        """The form as a :class:`~sora_widgets.VideoRequest`.

        Raises:
            InvalidRequestError: when the form is not sendable (the message says why).
        """
        return self._request_for(self.prompt)

    @request.setter
    def request(self, request: VideoRequest) -> None:
        with self.hold_trait_notifications():
            for name in SHOT_FIELDS:
                setattr(self, name, "")
            self.text = request.prompt
            self.orientation = "portrait" if request.height > request.width else "landscape"
            self.seconds = request.seconds
            if request.remix_video_id and request.remix_video_id not in {c["id"] for c in self.remix_choices}:
                self.remix_choices = [
                    *self.remix_choices,
                    {"id": request.remix_video_id, "label": request.remix_video_id},
                ]
            self.remix_id = request.remix_video_id or ""
        if isinstance(request.image, ReferenceImage):
            self._set_loaded_image(request.image)
        elif isinstance(request.image, str):
            self._source = self._image = None
            self._image_url = request.image
            self._publish_image()
        else:
            self.clear_image()
        self._on_form_edit()

    def _request_for(self, prompt: str) -> VideoRequest:
        """The form's fields with ``prompt`` as a VideoRequest (validated: may raise)."""
        spec = self.spec
        if spec is not None:
            return self._catalog_request(spec, prompt)
        if self.model:  # picked, its spec not read (yet): never the Sora form in its place
            raise InvalidRequestError(self._waiting_note())
        return VideoRequest(
            prompt=prompt,
            size=self.size,
            seconds=self.seconds,
            image=self.image,
            remix_video_id=self.remix_id or None,
        )

    # -- reference image ---------------------------------------------------------------------

    def set_image(self, src: Any, *, name: str | None = None, slot: str | None = None) -> None:
        """Use ``src`` (path, bytes, PIL image, file-like or ReferenceImage) as the reference image.

        It is read with :func:`sora_widgets.media.load_image` (type sniffed from the content,
        EXIF orientation applied, bombs refused) and fitted to the video size. For a catalog
        model, ``slot`` names its image picker (``"image"``, ``"image_tail"``, ``"images.1"``...).

        Raises:
            ImageError: when the image cannot be used (also shown in the widget).
            InvalidRequestError: ``slot`` is no image picker of the picked model.
        """
        if slot is not None or self.spec is not None:
            self._set_slot_image(slot, src, name)
            return
        if isinstance(src, str) and src.startswith(("https://", "http://")):
            self._source = self._image = None
            self._image_url = src
            self._publish_image()
            self._on_form_edit()
            return
        if isinstance(src, ReferenceImage):
            loaded = src
        else:
            from ..media import load_image

            loaded = load_image(src, source=name) if name else load_image(src)
        self._set_loaded_image(loaded)
        self._on_form_edit()

    def clear_image(self, *, slot: str | None = None) -> None:
        """Remove the reference image (text to video again), or the image of one picker."""
        if slot is not None:
            self._slot_sources.pop(slot, None)
            self._refit_slots()
            self._on_form_edit()
            return
        self._source = self._image = None
        self._image_url = None
        self._publish_image()
        self._on_form_edit()

    def _set_slot_image(self, slot: str | None, src: Any, name: str | None) -> None:
        pickers = image_slots(self.controls, self.values)
        slot = slot if slot is not None else (pickers[0] if pickers else "")
        if slot not in pickers:
            model = self.model or "Sora 2 Pro"
            offered = ", ".join(pickers) or "none"
            raise InvalidRequestError(
                f"image slot {slot!r}: {model} has no such image picker; it has: {offered}."
            )
        if isinstance(src, ReferenceImage):
            loaded = src
        else:
            from ..media import load_image

            loaded = load_image(src, source=name) if name else load_image(src)
        self._slot_sources[slot] = loaded
        self._refit_slots()
        self._on_form_edit()

    def _set_loaded_image(self, image: ReferenceImage) -> None:
        self._source = image
        self._image_url = None
        self._refit()

    def _refit(self) -> None:
        if self._source is None:
            return
        from ..media import fit_image

        # An image already of the right size comes back unchanged, with no note added.
        self._image = fit_image(
            self._source, self.size, mode="letterbox" if self.fit_mode == "letterbox" else "cover"
        )
        self._publish_image()

    def _publish_image(self) -> None:
        with self.hold_sync():
            self.has_image = self.image is not None
            self.image_version += 1
            if self._image is not None:
                self.image_label = f"{self._image.source} → {self._image.size}, {self._image.mime}"
                self.image_notes = list(self._image.notes)
            elif self._image_url is not None:
                self.image_label = f"image URL: {self._image_url}"
                self.image_notes = ["sent as a URL; the service fetches it and needs it at the exact size"]
            else:
                self.image_label = ""
                self.image_notes = []
        self._send_image()

    def _send_image(self) -> None:
        if self._image is not None:
            self.send(
                {"type": "image", "version": self.image_version, "mime": self._image.mime},
                buffers=[self._image.data],
            )

    def _on_size_or_fit(self, _change: Any = None) -> None:
        try:
            self._refit()
            self._refit_slots()
        except Exception as exc:  # noqa: BLE001 - user code and I/O: show any failure in the widget
            self.show_error(exc)
        self._on_form_edit()

    # -- remix sources -------------------------------------------------------------------------

    @property
    def remix_sources(self) -> list[Video]:
        """Earlier results offered as remix sources (newest first)."""
        return list(self._remix_sources)

    @remix_sources.setter
    def remix_sources(self, videos: Iterable[Video]) -> None:
        self._remix_sources = [v for v in videos if v.remix_id]
        choices = [{"id": v.remix_id or "", "label": _remix_label(v)} for v in self._remix_sources]
        known = {c["id"] for c in choices}
        if self.remix_id and self.remix_id not in known:
            choices.append({"id": self.remix_id, "label": self.remix_id})
        self.remix_choices = choices

    def add_remix_source(self, video: Video) -> None:
        """Offer ``video`` as a remix source (first in the list)."""
        self.remix_sources = [video, *(v for v in self._remix_sources if v.remix_id != video.remix_id)]

    def remix(self, video: Video) -> None:
        """Make the next request a remix of ``video`` (and offer it in the list).

        The page moves the keyboard focus to the prompt and shows a hint there, so the change
        is not made silently in a dropdown further up the page.
        """
        self.add_remix_source(video)
        self.remix_id = video.remix_id or ""
        self.hint = (
            f"Remix of {self.remix_id}: describe the change you want "
            f"(\u201c{shorten(video.prompt, 48)}\u201d), then Generate."
        )
        self.send({"type": "focus_prompt"})

    def clear(self) -> None:
        """Empty the form: prompt, shot details, image and remix (orientation and length stay)."""
        with self.hold_trait_notifications():
            for name in ("text", *SHOT_FIELDS):
                setattr(self, name, "")
            self.remix_id = ""
            self.hint = ""
            self.error = ""
        self.clear_image()

    # -- submitting --------------------------------------------------------------------------

    def on_submit(self, callback: Callable[[VideoRequest], Any]) -> None:
        """Show the Generate button; pressing it calls ``callback(request)`` (sync or async)."""
        self._submit_callbacks.append(callback)
        self.show_generate = True

    def submit(self, *, again: bool = False) -> VideoRequest | None:
        """What pressing Generate does: validate, then call every ``on_submit`` callback.

        The same request pressed again within :data:`REPEAT_WINDOW_S` of the last one (a double
        click, a second press while it is being sent) calls nobody: ``repeat_note`` says so and
        the page offers "Generate again" with the price, which calls ``submit(again=True)``.

        Returns the request sent to the callbacks, or None when the form was not valid (the
        reason is in ``error`` and shown in the widget) or the press was such a repeat.
        """
        self.show_error(None)
        try:
            request = self.request
        except InvalidRequestError as exc:
            self.show_error(exc)
            return None
        now = self._clock()
        if not again and self._last_sent is not None:
            last, when = self._last_sent
            if last == request and now - when <= REPEAT_WINDOW_S:
                with self.hold_sync():
                    cost = format_cost(request.estimated_cost)
                    ago = "just now" if now - when < 2 else f"{now - when:.0f} s ago"
                    self.repeat_note = f"This same video was started {ago}: nothing new was sent."
                    self.repeat_label = f"Generate again ({cost})"
                return None
        self._last_sent = (request, now)
        self._clear_repeat()
        for callback in list(self._submit_callbacks):
            self.call_user(callback, request)
        return request

    def _clear_repeat(self) -> None:
        with self.hold_sync():
            self.repeat_note = self.repeat_label = ""

    # -- internals -----------------------------------------------------------------------------

    def _on_form_edit(self, _change: Any = None) -> None:
        composed = compose_prompt(self.text, **{name: getattr(self, name) for name in SHOT_FIELDS})
        problem = ""
        if composed:
            try:
                self._request_for(composed)
            except InvalidRequestError as exc:
                problem = describe_error(exc)
        with self.hold_sync():
            self.prompt = composed
            self.problem = problem
            self.price = self._price_text()
            if not self.remix_id and self.hint.startswith("Remix of "):
                self.hint = ""
            if self.error and not problem and composed:
                self.error = ""
            self._clear_repeat()  # an edited form is a new request: no repeat to confirm

    @handles("ready")
    def _view_is_ready(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self._send_image()
        self._send_slots()

    @handles("submit")
    def _submit_pressed(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        form = content.get("form")
        if isinstance(form, dict):
            self._apply_form(form)
        self.submit(again=content.get("again") is True)

    @handles("form")
    def _form_edited(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        self._resync(content)

    @handles("move_item")
    def _move_item_pressed(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        """A typed item moved up or down: it trades places with its neighbour, and the images
        picked for the two rows trade with them (the page sets the traded values right after)."""
        name, a, b = str(content["name"]), int(content["row"]), int(content["to"])
        if not any(c["kind"] == "items" and c["name"] == name for c in self.controls):
            raise InvalidRequestError(f"{name!r} is no list of typed items of this model.")
        self._slot_sources = swap_rows(self._slot_sources, name, a, b)
        traded = swap_rows(self.values, name, a, b)
        if traded == self.values:
            self._refit_slots()  # two rows alike: only their images trade
        else:
            self.values = traded  # refits the images too (_on_values)

    @handles("clear_image")
    def _clear_image_pressed(self, content: dict[str, Any], _buffers: list[Any]) -> None:
        slot = content.get("slot")
        self.clear_image(slot=str(slot) if slot else None)

    @handles("clear")
    def _clear_pressed(self, _content: dict[str, Any], _buffers: list[Any]) -> None:
        self.clear()

    @handles("upload")
    def _uploaded(self, content: dict[str, Any], buffers: list[Any]) -> None:
        if not buffers:
            return
        name = str(content.get("name") or "upload")[:200]
        slot = content.get("slot")
        self.show_error(None)
        # The page's form comes with the file: the typed item this image is for may have been
        # added just before, in a state update still on its way (ipywidgets holds them back).
        self._apply_form(content.get("form") or {})
        self.set_image(bytes(buffers[0]), name=name, slot=str(slot) if slot else None)

    def _apply_form(self, form: dict[str, Any]) -> None:
        """Take the form as the browser showed it (Generate pressed, or a view's resync)."""
        names = ("text", *SHOT_FIELDS, "orientation", "seconds", "fit_mode", "remix_id", "model", "values")
        self._take_form(form, names)

    def _resync(self, content: dict[str, Any]) -> None:
        """Take a view's whole form unless a newer one from the same view was taken already,
        then say which edit is now in the kernel (the view re-sends until it hears this)."""
        view = str(content.get("view") or "")[:64]
        seq = content.get("seq")
        form = content.get("form")
        if not isinstance(seq, int) or not isinstance(form, dict):
            return
        seen = self._form_seqs.get(view, 0)
        try:
            if seq > seen:
                self._form_seqs[view] = seq
                while len(self._form_seqs) > _MAX_VIEWS:
                    self._form_seqs.pop(next(iter(self._form_seqs)))
                self._apply_form(form)
        finally:
            # Acknowledged even when a value was refused (shown as the error): resending the
            # same form would not help.
            self.send({"type": "form_ack", "view": view, "seq": max(seq, seen)})


def _remix_label(video: Video) -> str:
    prompt = shorten(video.prompt, 48)
    return f"{prompt} ({video.size}, {video.seconds} s, {video.task_id})"
