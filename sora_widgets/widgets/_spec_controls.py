"""A model's spec as the PromptBuilder's controls: plain data the front end draws generically.

The builder sends :func:`controls_for` as a trait; ``static/spec_controls.js`` draws any list of
these records (a choice, a slider, a number box, a toggle, a text box, a JSON box or an image
picker) without knowing which model it is. Values come back by the control's ``name`` (dotted
names reach into objects; ``images.0`` is item 0 of an image array), and :func:`params_of` turns
them into the values :meth:`~sora_widgets.models.specs.ModelSpec.validate` takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..client._requests import prompt_values
from ..errors import InvalidRequestError
from ..models.specs import IMAGE_PARAM_NAMES, ModelParam, ModelSpec

__all__ = [
    "PROMPT_PARAM",
    "check_items",
    "controls_for",
    "foreign_values",
    "image_slots",
    "kept_values",
    "params_of",
    "swap_rows",
    "with_prompt",
]

#: The parameter the builder's own prompt box fills (with the composed prompt).
PROMPT_PARAM = "prompt"
# A range with at most this many steps is a slider; a wider one (a seed) is a number box.
_MAX_SLIDER_STEPS = 400
# An image array offers at most this many pickers (Vidu's first/last pair is two).
_MAX_IMAGE_PICKERS = 4
# A value of one item of typed items: "content.3.image_url.url" -> ("content", "3", "image_url.url").
_ITEM_KEY = re.compile(r"(.+?)\.(\d+)\.(.+)")


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


def _item_kind(param: ModelParam) -> ModelParam | None:
    """The ``type`` child of an array of typed items (its enum names the item types), if any."""
    if param.type != "array":
        return None
    return next((c for c in param.children if c.name == "type" and c.enum), None)


def _item_fields(child: ModelParam) -> list[dict[str, Any]]:
    """The controls of one child of a typed item (names relative to the item): an object's
    fields by dotted name, an image object as an image picker."""
    if not (child.type == "object" and child.children):
        return [_control(child, child.name, _label(child.name))]
    image = child.carries_image or child.name in IMAGE_PARAM_NAMES
    out = []
    for grand in child.children:
        name = f"{child.name}.{grand.name}"
        if image:
            out.append({**_control(grand, name, "Image"), "kind": "image"})
        else:
            label = _label(child.name) if len(child.children) == 1 else _label(name)
            out.append(_control(grand, name, label))
    return out


def _items_control(param: ModelParam, name: str, kind: ModelParam) -> dict[str, Any]:
    """An editor of typed items: per type, the fields it draws. A child named like a type is that
    type's own field; the other children (a ``role``) go with media items (an object field)."""
    own = {c.name: c for c in param.children if c.name in kind.enum}
    shared = [c for c in param.children if c is not kind and c.name not in kind.enum]
    fields: dict[str, list[dict[str, Any]]] = {}
    for item_type in kind.enum:
        child = own.get(item_type)
        group = [] if child is None else _item_fields(child)
        if child is None or child.type == "object":
            group += [f for c in shared for f in _item_fields(c)]
        fields[item_type] = group
    return {
        **_control(param, name, _label(name)),
        "kind": "items",
        "types": list(kind.enum),
        "fields": fields,
        "max_items": param.max_items,
    }


def _prompt_home(spec: ModelSpec) -> tuple[str, ...]:
    """Where the prompt box goes for ``spec`` (the Prompt Lab's rule): a parameter name, or none."""
    try:
        return tuple(prompt_values(spec, "·"))
    except InvalidRequestError:
        return ()


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
            kind = _item_kind(param)
            if kind is not None:
                item = _items_control(param, name, kind)
                out.append({**item, "takes_prompt": name in _prompt_home(spec)})
            elif param.carries_image and param.type == "string":
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


def _items_in(controls: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {c["name"]: c for c in controls if c["kind"] == "items"}


def _in_items(key: str, items: Mapping[str, Any]) -> bool:
    match = _ITEM_KEY.fullmatch(key)
    return bool(match and match.group(1) in items)


def _item_rows(
    values: Mapping[str, Any], items: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[int, dict[str, Any]]]:
    """The rows of each typed-items editor in ``values``: ``{name: {row id: {field: value}}}``,
    only the fields the row's type draws (a row whose type changed drops the old ones)."""
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in values.items():
        match = _ITEM_KEY.fullmatch(key)
        if match and match.group(1) in items and value is not None and value != "":
            rows.setdefault(match.group(1), {}).setdefault(int(match.group(2)), {})[match.group(3)] = value
    for name, by_id in rows.items():
        fields = items[name]["fields"]
        for row_id, row in list(by_id.items()):
            drawn = {f["name"] for f in fields.get(row.get("type"), [])}
            if row.get("type") not in fields:
                del by_id[row_id]
            else:
                by_id[row_id] = {k: v for k, v in row.items() if k == "type" or k in drawn}
    return rows


def image_slots(controls: list[dict[str, Any]], values: Mapping[str, Any] | None = None) -> list[str]:
    """The names of the image pickers among ``controls``, with those of the typed items in
    ``values`` whose type takes an image (``content.3.image_url.url``)."""
    slots = [c["name"] for c in controls if c["kind"] == "image"]
    items = _items_in(controls)
    for name, by_id in _item_rows(values or {}, items).items():
        for row_id, row in sorted(by_id.items()):
            fields = items[name]["fields"][row["type"]]
            slots += [f"{name}.{row_id}.{f['name']}" for f in fields if f["kind"] == "image"]
    return slots


def swap_rows(mapping: Mapping[str, Any], name: str, a: int, b: int) -> dict[str, Any]:
    """``mapping`` (values, or images by picker) with rows ``a`` and ``b`` of the typed items
    ``name`` traded: ``content.2.text`` becomes ``content.5.text`` and the other way round. Rows
    are sent in id order, so this moves a row (its image with it, when both are traded at once)."""
    ids = {str(a): str(b), str(b): str(a)}

    def traded(key: str) -> str:
        match = _ITEM_KEY.fullmatch(key)
        if not match or match.group(1) != name or match.group(2) not in ids:
            return key
        return f"{name}.{ids[match.group(2)]}.{match.group(3)}"

    return {traded(k): v for k, v in mapping.items()}


def foreign_values(values: Mapping[str, Any], controls: Sequence[Mapping[str, Any]]) -> list[str]:
    """The names in ``values`` that no control among ``controls`` draws: neither a control's
    name nor a row of a typed-items control (a page's form built on another model's values)."""
    names = {c["name"] for c in controls}
    items = _items_in(controls)
    return [k for k in values if k not in names and not _in_items(k, items)]


def kept_values(values: Mapping[str, Any], controls: list[dict[str, Any]]) -> dict[str, Any]:
    """The values that still apply after switching models: same name, and a value the new
    control accepts (a choice only keeps a value among its options; typed items keep their rows)."""
    kept: dict[str, Any] = {}
    for name, by_id in _item_rows(values, _items_in(controls)).items():
        kept.update({f"{name}.{i}.{k}": v for i, row in by_id.items() for k, v in row.items()})
    for control in controls:
        name = control["name"]
        if name not in values or control["kind"] in ("image", "items"):
            continue
        value = values[name]
        if control["kind"] == "choice" and str(value) not in control["options"]:
            continue
        if control["kind"] == "toggle" and not isinstance(value, bool):
            continue
        kept[name] = value
    return kept


def params_of(
    values: Mapping[str, Any], images: Mapping[str, Any], controls: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The builder's values (by control name) and images (by picker name) as the values the
    spec's validator takes: blanks left out, ``images.0``/``images.1`` gathered into one list,
    typed items' rows (``content.3.text``) into a list of dicts in row order."""
    items = _items_in(controls)
    rows = _item_rows({**values, **images}, items)
    params = {k: v for k, v in values.items() if v is not None and v != "" and not _in_items(k, items)}
    arrays: dict[str, dict[int, Any]] = {}
    for name, image in images.items():
        head, _, index = name.rpartition(".")
        if _in_items(name, items):
            continue
        if head and index.isdigit():
            arrays.setdefault(head, {})[int(index)] = image
        else:
            params[name] = image
    for head, entries in arrays.items():
        params[head] = [entries[i] for i in sorted(entries)]
    for name, by_id in rows.items():
        params[name] = [by_id[i] for i in sorted(by_id)]
    return params


def with_prompt(spec: ModelSpec, params: dict[str, Any], prompt: str) -> dict[str, Any]:
    """``params`` with the prompt box where the model takes it, by the Prompt Lab's rule
    (:func:`~sora_widgets.client._requests.prompt_values`): ``prompt``, or a text item put FIRST in
    the typed items. A model that takes no prompt keeps ``params`` as they are."""
    if not prompt:
        return params
    try:
        placed = prompt_values(spec, prompt)
    except InvalidRequestError:
        return params
    for name, value in placed.items():
        params[name] = [*value, *(params.get(name) or [])] if isinstance(value, list) else value
    return params


def check_items(controls: Sequence[Mapping[str, Any]], params: Mapping[str, Any]) -> None:
    """Refuse a typed item whose type's own field is blank (a text item without text, an image
    item without its image), naming its position as sent: ``content[2].text is required``.

    Raises:
        InvalidRequestError: before anything is sent.
    """
    for name, control in _items_in(controls).items():
        for index, item in enumerate(params.get(name) or []):
            kind = item.get("type") if isinstance(item, Mapping) else None
            own = [f for f in control["fields"].get(kind, []) if f["name"].split(".")[0] == kind]
            for field in own:
                if item.get(field["name"]) in (None, ""):
                    raise InvalidRequestError(
                        f"{name}[{index}].{field['name']} is required (the item's type is "
                        f"{kind}); fill it in or remove the item."
                    )
