"""A model's spec as the PromptBuilder's controls: plain data the front end draws generically.

The builder sends :func:`controls_for` as a trait; ``static/spec_controls.js`` draws any list of
these records (a choice, a slider, a number box, a toggle, a text box, a JSON box or an image
picker) without knowing which model it is. Values come back by the control's ``name`` (dotted
names reach into objects; ``images.0`` is item 0 of an image array), and :func:`params_of` turns
them into the values :meth:`~sora_widgets.models.specs.ModelSpec.validate` takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models.specs import ModelParam, ModelSpec

__all__ = ["PROMPT_PARAM", "controls_for", "image_slots", "kept_values", "params_of"]

#: The parameter the builder's own prompt box fills (with the composed prompt).
PROMPT_PARAM = "prompt"
# A range with at most this many steps is a slider; a wider one (a seed) is a number box.
_MAX_SLIDER_STEPS = 400
# An image array offers at most this many pickers (Vidu's first/last pair is two).
_MAX_IMAGE_PICKERS = 4


def _label(name: str) -> str:
    words = name.replace("_", " ").replace(".", " · ").strip()
    return words[:1].upper() + words[1:]


def _image_labels(spec: ModelSpec) -> dict[str, str]:
    """Frame names for a first/last pair of image parameters (Kling's image + image_tail)."""
    images = [p for p in spec.parameters if p.carries_image and p.type == "string"]
    if len(images) == 2 and sum(p.anchors_last_frame for p in images) == 1:
        return {p.name: "Last frame" if p.anchors_last_frame else "First frame" for p in images}
    return {}


def _control(param: ModelParam, name: str, label: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": name,
        "label": label,
        "required": param.required,
        "description": param.description[:300],
    }
    if param.default is not None:
        record["default"] = param.default
    if param.enum:
        return {**record, "kind": "choice", "options": list(param.enum)}
    if param.type == "boolean":
        return {**record, "kind": "toggle"}
    if param.type in ("integer", "number"):
        step = 1 if param.type == "integer" else 0.1 if (param.max or 0) - (param.min or 0) <= 20 else 1
        ranged = param.min is not None and param.max is not None
        steps = (param.max - param.min) / step if ranged else 0  # type: ignore[operator]
        slider = ranged and param.default is not None and steps <= _MAX_SLIDER_STEPS
        return {
            **record,
            "kind": "slider" if slider else "number",
            "min": param.min,
            "max": param.max,
            "step": step,
        }
    if param.type in ("array", "object"):
        return {**record, "kind": "json"}
    return {**record, "kind": "text", "max_length": param.max_length}


def controls_for(spec: ModelSpec) -> list[dict[str, Any]]:
    """The controls that draw ``spec``'s parameters, in spec order (the prompt is the builder's
    own box, so it has none). Objects with children are drawn child by child (dotted names); an
    image parameter is an image picker, an array of images one picker per item it takes.

    Example:
        >>> from ..models.specs import bundled_spec
        >>> [c["kind"] for c in controls_for(bundled_spec("sora_2_pro_i2v"))]
        ['choice', 'choice', 'image', 'text']
    """
    frames = _image_labels(spec)
    out: list[dict[str, Any]] = []

    def walk(params: tuple[ModelParam, ...], prefix: str) -> None:
        for param in params:
            name = f"{prefix}{param.name}"
            if name == PROMPT_PARAM:
                continue
            if param.carries_image and param.type == "string":
                label = frames.get(name, _label(name))
                out.append({**_control(param, name, label), "kind": "image"})
            elif param.carries_image and param.type == "array" and not param.children:
                count = min(param.max_items or 1, _MAX_IMAGE_PICKERS)
                labels = (
                    ["First frame", "Last frame"]
                    if count == 2
                    else [f"{_label(name)} {i + 1}" for i in range(count)]
                )
                for index, label in enumerate(labels):
                    required = param.required and index == 0
                    out.append(
                        {**_control(param, f"{name}.{index}", label), "kind": "image", "required": required}
                    )
            elif param.type == "object" and param.children:
                walk(param.children, f"{name}.")
            else:
                out.append(_control(param, name, _label(name)))

    walk(spec.parameters, "")
    return out


def image_slots(controls: list[dict[str, Any]]) -> list[str]:
    """The names of the image pickers among ``controls``."""
    return [c["name"] for c in controls if c["kind"] == "image"]


def kept_values(values: Mapping[str, Any], controls: list[dict[str, Any]]) -> dict[str, Any]:
    """The values that still apply after switching models: same name, and a value the new
    control accepts (a choice only keeps a value among its options)."""
    kept: dict[str, Any] = {}
    for control in controls:
        name = control["name"]
        if name not in values or control["kind"] == "image":
            continue
        value = values[name]
        if control["kind"] == "choice" and str(value) not in control["options"]:
            continue
        if control["kind"] == "toggle" and not isinstance(value, bool):
            continue
        kept[name] = value
    return kept


def params_of(values: Mapping[str, Any], images: Mapping[str, Any]) -> dict[str, Any]:
    """The builder's values (by control name) and images (by picker name) as the values the
    spec's validator takes: blanks left out, ``images.0``/``images.1`` gathered into one list."""
    params: dict[str, Any] = {k: v for k, v in values.items() if v is not None and v != ""}
    arrays: dict[str, dict[int, Any]] = {}
    for name, image in images.items():
        head, _, index = name.rpartition(".")
        if head and index.isdigit():
            arrays.setdefault(head, {})[int(index)] = image
        else:
            params[name] = image
    for head, items in arrays.items():
        params[head] = [items[i] for i in sorted(items)]
    return params
