"""The service's own description of its models: :class:`ModelInfo`, :class:`ModelSpec`, :class:`ModelParam`.

The catalog service (``GET {models}/api/v1/skill/models`` and ``.../{id}/spec``) describes every
model on the account; these classes are that description, read tolerantly (unknown fields are
ignored, the type spellings ``int``/``integer``, ``float``/``number``, ``bool``/``boolean``,
``array``/``array[...]`` are all understood), and :meth:`ModelSpec.validate` is the one validator of
a model's parameters: the client checks a create with it before anything is sent, and the
simulator checks what it receives with it too.

The Sora 2 Pro specs are bundled as data (``models/specs/*.json``, exactly the ``data`` of the spec
endpoint): :func:`bundled_specs` is the offline catalog. Pure data: no I/O but reading those files.

Validation rules (what :meth:`ModelSpec.validate` accepts, and what it returns):

- Names are the spec's parameter names; an object's children may also be given by dotted names
  (``camera_control.type="simple"``). A name the spec does not list is an error naming the
  closest real one. ``None`` means "not given".
- A required parameter must be given (an object with children counts as given when any child is).
- ``string``: text, or a whole number (sent as its text: the Sora ``seconds`` stays ``"8"``);
  ``min_length``/``max_length`` count characters.
- ``integer``: a whole number, or text of one (ASCII digits with an optional sign); ``number``: any
  finite number, or text of one, returned as a float; both within ``min``/``max``.
- ``boolean``: True/False, 0/1, or the text ``true``/``false``/``t``/``f``/``1``/``0`` (any case).
- ``enum`` (a list of strings) is compared as text after the value is read as its type: numbers
  by value (``5`` matches ``"5"`` and ``"5.0"``), booleans as ``true``/``false``.
- ``array``: a list (or tuple), or JSON text of one; at most ``max_items`` items; items of a
  declared item type (``array[string]``) are read as that type, dict items of an array with
  children are validated against them.
- ``object``: a dict (or JSON text of one); with children it is validated against them.
- An unknown type is passed through as given.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

from ..errors import InvalidRequestError, MalformedResponse

__all__ = [
    "IMAGE_PARAM_NAMES",
    "CatalogRefusal",
    "ModelInfo",
    "ModelParam",
    "ModelSpec",
    "ParamType",
    "bundled_spec",
    "bundled_specs",
    "parse_envelope",
]

#: The canonical parameter types; every spelling the catalog uses maps onto one of these.
ParamType = Literal["string", "integer", "number", "boolean", "array", "object"]
_TYPES: Mapping[str, ParamType] = {
    "string": "string",
    "str": "string",
    "text": "string",
    "int": "integer",
    "integer": "integer",
    "float": "number",
    "number": "number",
    "double": "number",
    "bool": "boolean",
    "boolean": "boolean",
    "array": "array",
    "list": "array",
    "object": "object",
    "dict": "object",
}
#: Names (or name parts) that mark a parameter as carrying an image: the Sora ``input_reference``,
#: Kling's ``image``/``image_tail``, Vidu's ``images``, Seedance's ``image_url.url``.
IMAGE_PARAM_NAMES = (
    "input_reference",
    "image",
    "images",
    "image_tail",
    "image_url",
    "first_frame",
    "last_frame",
)
# Which of those anchor the LAST frame (the rest, the first): a continuation needs a first.
_LAST_FRAME_NAMES = ("image_tail", "last_frame", "tail_image", "end_image")
_SIZE_NAMES = ("size", "aspect_ratio", "ratio")
_LENGTH_NAMES = ("seconds", "duration")
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_TRUE = frozenset({"true", "t", "1"})
_FALSE = frozenset({"false", "f", "0"})
# Nesting deeper than this is not a parameter list but an attack on the parser.
_MAX_DEPTH = 8


def _wire_error(what: str, detail: str) -> MalformedResponse:
    return MalformedResponse(f"the model catalog's {what} is not in the documented shape: {detail}.")


def _text(data: Mapping[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise _wire_error(what, f"{key!r} is {type(value).__name__}, not text")


def _strings(data: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _wire_error(what, f"{key!r} is {type(value).__name__}, not a list")
    return tuple(str(item) for item in value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _wire_error(what, f"expected an object, got {type(value).__name__}")
    return value


def _opt_number(data: Mapping[str, Any], key: str, what: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _wire_error(what, f"constraint {key!r} is {type(value).__name__}, not a number")
    try:
        number = float(value)
    except ValueError:
        raise _wire_error(what, f"constraint {key!r} is {value!r}, not a number") from None
    if not math.isfinite(number):
        raise _wire_error(what, f"constraint {key!r} is {value!r}")
    return number


def _opt_count(data: Mapping[str, Any], key: str, what: str) -> int | None:
    number = _opt_number(data, key, what)
    return None if number is None else int(number)


@dataclass(frozen=True)
class ModelInfo:
    """One model in the catalog's list.

    Example:
        >>> info = ModelInfo.from_wire({"id": "kirin_v2_6_t2v", "name": "Kling 2.6", "type": "video"})
        >>> info.id, info.type, info.input_modalities
        ('kirin_v2_6_t2v', 'video', ())
    """

    id: str
    name: str = ""
    type: str = ""
    description: str = ""
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, data: Any) -> ModelInfo:
        """Read one entry of the list's ``models``; unknown fields are ignored.

        Raises:
            MalformedResponse: not an object, or no ``id``.
        """
        what = "model list entry"
        data = _mapping(data, what)
        model_id = _text(data, "id", what)
        if not model_id:
            raise _wire_error(what, "an entry has no 'id'")
        return cls(
            id=model_id,
            name=_text(data, "name", what),
            type=_text(data, "type", what),
            description=_text(data, "description", what),
            input_modalities=_strings(data, "input_modalities", what),
            output_modalities=_strings(data, "output_modalities", what),
        )

    @property
    def is_video(self) -> bool:
        """Whether the model makes videos (by its type or its output modalities)."""
        return "video" in self.type.lower() or any("video" in m.lower() for m in self.output_modalities)


@dataclass(frozen=True)
class ModelParam:
    """One parameter of a model, as its spec describes it.

    ``type`` is canonical (:data:`ParamType`, or the spec's own word when it is none of those);
    ``item_type`` is the item type of an ``array[...]``; the constraints are flattened onto the
    parameter (``enum``, ``default``, ``min``, ``max``, ``min_length``, ``max_length``,
    ``max_items``).

    Example:
        >>> wire = {"name": "duration", "type": "int", "constraints": {"min": 1, "max": 10}}
        >>> p = ModelParam.from_wire(wire)
        >>> p.type, p.min, p.max, p.required
        ('integer', 1.0, 10.0, False)
    """

    name: str
    type: str = "string"
    path: str = ""
    required: bool = False
    description: str = ""
    enum: tuple[str, ...] = ()
    default: Any = None
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    example: Any = None
    children: tuple[ModelParam, ...] = ()
    item_type: str | None = None

    @classmethod
    def from_wire(cls, data: Any, *, depth: int = 0) -> ModelParam:
        """Read one entry of a spec's ``parameters``; unknown fields are ignored.

        Raises:
            MalformedResponse: not an object, no ``name``, a constraint of the wrong type, or
                children nested absurdly deep.
        """
        what = "model spec parameter"
        data = _mapping(data, what)
        name = _text(data, "name", what)
        if not name:
            raise _wire_error(what, "a parameter has no 'name'")
        if depth > _MAX_DEPTH:
            raise _wire_error(what, f"parameters nest deeper than {_MAX_DEPTH} levels")
        raw_type = _text(data, "type", what).strip().lower() or "string"
        item_type: str | None = None
        match = re.fullmatch(r"array\s*\\?\[\s*(\w*)\s*\\?\]", raw_type)
        if match:
            raw_type, item_type = "array", _TYPES.get(match.group(1), match.group(1) or None)
        constraints = _mapping(data.get("constraints") or {}, what)
        children = data.get("children") or []
        if not isinstance(children, list):
            raise _wire_error(what, f"{name!r} has children that are not a list")
        return cls(
            name=name,
            type=_TYPES.get(raw_type, raw_type),
            path=_text(data, "path", what),
            required=data.get("required") is True or str(data.get("required")).lower() == "true",
            description=_text(data, "description", what),
            enum=_strings(constraints, "enum", what),
            default=constraints.get("default"),
            min=_opt_number(constraints, "min", what),
            max=_opt_number(constraints, "max", what),
            min_length=_opt_count(constraints, "min_length", what),
            max_length=_opt_count(constraints, "max_length", what),
            max_items=_opt_count(constraints, "max_items", what),
            example=data.get("example"),
            children=tuple(cls.from_wire(child, depth=depth + 1) for child in children),
            item_type=item_type,
        )

    def to_wire(self) -> dict[str, Any]:
        """This parameter in the spec's own format (the inverse of :meth:`from_wire`)."""
        constraints = {
            key: value
            for key, value in (
                ("enum", list(self.enum) or None),
                ("default", self.default),
                ("min", self.min),
                ("max", self.max),
                ("min_length", self.min_length),
                ("max_length", self.max_length),
                ("max_items", self.max_items),
            )
            if value is not None
        }
        wire: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required}
        if self.type == "array" and self.item_type:
            wire["type"] = f"array[{self.item_type}]"
        for key, value in (("path", self.path), ("description", self.description), ("example", self.example)):
            if value not in (None, ""):
                wire[key] = value
        if constraints:
            wire["constraints"] = constraints
        if self.children:
            wire["children"] = [child.to_wire() for child in self.children]
        return wire

    @property
    def carries_image(self) -> bool:
        """Whether this parameter carries an image (by the name conventions in
        :data:`IMAGE_PARAM_NAMES`: the name is one of them, or starts or ends with one)."""
        name = self.name.lower()
        if self.type not in ("string", "array") or name.endswith(("_url_list", "video")):
            return False
        return any(
            name == key or name.startswith(f"{key}_") or name.endswith(f"_{key}") for key in IMAGE_PARAM_NAMES
        )

    @property
    def anchors_last_frame(self) -> bool:
        """Whether this image parameter anchors the last frame (``image_tail``, ``last_frame``...)."""
        return any(key in self.name.lower() for key in _LAST_FRAME_NAMES)


class _Validator:
    """One :meth:`ModelSpec.validate` call: the model id for messages and the recursion."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id

    def fail(self, where: str, detail: str) -> InvalidRequestError:
        joiner = "" if detail.startswith("=") else " "
        return InvalidRequestError(f"{self.model_id}: {where}{joiner}{detail}")

    def params(
        self, params: Sequence[ModelParam], values: Mapping[str, Any], prefix: str = ""
    ) -> dict[str, Any]:
        given = self.nest(params, values, prefix)
        out: dict[str, Any] = {}
        for param in params:
            value = given.get(param.name)
            where = f"{prefix}{param.name}"
            if value is None:
                if param.required:
                    raise self.fail(where, "is required" + _choices(param) + ".")
                continue
            out[param.name] = self.value(param, value, where)
        return out

    def nest(self, params: Sequence[ModelParam], values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        """The values by top-level name: dotted names folded into their object's dict."""
        if not isinstance(values, Mapping):
            raise self.fail(
                prefix.rstrip(".") or "the parameters", f"must be a dict, not {type(values).__name__}."
            )
        by_name = {param.name: param for param in params}
        given: dict[str, Any] = {}
        for key, value in values.items():
            name = str(key)
            if name in by_name:
                if value is not None and isinstance(given.get(name), dict) and isinstance(value, Mapping):
                    given[name] = {**value, **given[name]}
                elif value is not None or name not in given:
                    given[name] = value
                continue
            head, dot, rest = name.partition(".")
            if dot and head in by_name and by_name[head].type == "object":
                inner = given.get(head)
                inner = (
                    {} if inner is None else dict(self.json_of(by_name[head], inner, f"{prefix}{head}", dict))
                )
                inner[rest] = value
                given[head] = inner
                continue
            raise self.unknown(params, name, prefix)
        return given

    def unknown(self, params: Sequence[ModelParam], name: str, prefix: str) -> InvalidRequestError:
        names = [param.name for param in params]
        names += [f"{p.name}.{c.name}" for p in params if p.type == "object" for c in p.children]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f"did you mean '{prefix}{close[0]}'? " if close else ""
        listed = ", ".join(names) or "none"
        return self.fail(
            f"{prefix}{name}", f"is not a parameter of this model; {hint}The parameters are: {listed}."
        )

    def value(self, param: ModelParam, value: Any, where: str) -> Any:
        kind = param.type
        if kind == "array":
            return self.array(param, value, where)
        if kind == "object":
            found = self.json_of(param, value, where, dict)
            return self.params(param.children, found, f"{where}.") if param.children else dict(found)
        if kind not in ("string", "integer", "number", "boolean"):
            return value
        typed = self.scalar(param, kind, value, where)
        if param.enum and not _in_enum(kind, typed, param.enum):
            raise self.fail(where, f"={_shown(value)} is not allowed; use one of: {', '.join(param.enum)}.")
        return typed

    def scalar(self, param: ModelParam, kind: str, value: Any, where: str) -> Any:
        if kind == "string":
            return self.string(param, value, where)
        if kind == "boolean":
            return self.boolean(value, where)
        number = self.number(kind, value, where)
        if param.min is not None and number < param.min:
            raise self.fail(where, f"={_shown(value)} is below the minimum {_num(param.min)}.")
        if param.max is not None and number > param.max:
            raise self.fail(where, f"={_shown(value)} is above the maximum {_num(param.max)}.")
        return number

    def string(self, param: ModelParam, value: Any, where: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(where, f"must be text, not {type(value).__name__}.")
        if param.min_length is not None and len(value) < param.min_length:
            raise self.fail(where, f"is {len(value)} characters; at least {param.min_length} are needed.")
        if param.max_length is not None and len(value) > param.max_length:
            raise self.fail(where, f"is {len(value)} characters; at most {param.max_length} are allowed.")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        text = value.strip().lower() if isinstance(value, str) else None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise self.fail(where, f"={_shown(value)} is not a yes/no value; use true or false.")

    def number(self, kind: str, value: Any, where: str) -> int | float:
        number: int | float | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            number = value
        elif isinstance(value, str) and _FLOAT_TEXT.fullmatch(value.strip()):
            text = value.strip()
            number = int(text) if _INT_TEXT.fullmatch(text) else float(text)
            number = number if math.isfinite(number) else None
        if kind == "integer":
            if isinstance(number, float) and number.is_integer() and not isinstance(value, str):
                number = int(number)
            if not isinstance(number, int):
                raise self.fail(where, f"={_shown(value)} is not a whole number.")
            return number
        if number is None:
            raise self.fail(where, f"={_shown(value)} is not a number.")
        return float(number)

    def json_of(self, param: ModelParam, value: Any, where: str, kind: type) -> Any:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        if kind is list and isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, kind):
            shape = '["a", "b"] or [{"key": "value"}]' if kind is list else '{"key": "value"}'
            noun = "a list" if kind is list else "a dict"
            raise self.fail(where, f"must be {noun} (or JSON text such as {shape}), not {_shown(value)}.")
        return value

    def array(self, param: ModelParam, value: Any, where: str) -> list[Any]:
        items = cast("list[Any]", self.json_of(param, value, where, list))
        if param.max_items is not None and len(items) > param.max_items:
            raise self.fail(where, f"has {len(items)} items; at most {param.max_items} are allowed.")
        item_type = param.item_type
        out: list[Any] = []
        for index, item in enumerate(items):
            at = f"{where}[{index}]"
            if param.children and isinstance(item, Mapping):
                out.append(self.params(param.children, item, f"{at}."))
            elif item_type in ("string", "integer", "number", "boolean") and item is not None:
                out.append(self.scalar(ModelParam(name=param.name, type=item_type), item_type, item, at))
            else:
                out.append(item)
        return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _num(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _choices(param: ModelParam) -> str:
    return f" (one of: {', '.join(param.enum)})" if param.enum else ""


def _in_enum(kind: str, typed: Any, enum: tuple[str, ...]) -> bool:
    if kind == "boolean":
        return ("true" if typed else "false") in {e.strip().lower() for e in enum}
    if kind in ("integer", "number"):
        for entry in enum:
            text = entry.strip()
            if _FLOAT_TEXT.fullmatch(text) and float(text) == typed:
                return True
        return False
    return typed in enum


@dataclass(frozen=True)
class ModelSpec:
    """One model's spec: where its creates go and the parameters it takes.

    Example:
        >>> spec = bundled_spec("sora_2_pro_t2v")
        >>> spec.endpoint, [p.name for p in spec.parameters]
        ('https://cloud.vtrix.ai/model/v1/generation', ['prompt', 'size', 'seconds', 'remix_video_id'])
        >>> spec.validate({"prompt": "A kite at dusk", "seconds": 8})
        {'prompt': 'A kite at dusk', 'seconds': '8'}
    """

    model_id: str
    name: str = ""
    vendor: str = ""
    type: str = ""
    endpoint: str = ""
    method: str = "POST"
    headers: Mapping[str, str] | None = None
    parameters: tuple[ModelParam, ...] = ()
    agent_prompt: str = ""

    @classmethod
    def from_wire(cls, data: Any) -> ModelSpec:
        """Read the ``data`` of the spec endpoint; unknown fields are ignored.

        Raises:
            MalformedResponse: not the documented shape (no ``model_id``, parameters not a list...).
        """
        what = "model spec"
        data = _mapping(data, what)
        model_id = _text(data, "model_id", what)
        if not model_id:
            raise _wire_error(what, "it has no 'model_id'")
        api = _mapping(data.get("api") or {}, what)
        headers = api.get("headers") or {}
        if not isinstance(headers, Mapping):
            raise _wire_error(what, "'api.headers' is not an object")
        params = data.get("parameters") or []
        if not isinstance(params, list):
            raise _wire_error(what, "'parameters' is not a list")
        return cls(
            model_id=model_id,
            name=_text(data, "name", what),
            vendor=_text(data, "vendor", what),
            type=_text(data, "type", what),
            endpoint=_text(api, "endpoint", what),
            method=(_text(api, "method", what) or "POST").upper(),
            headers={str(k): str(v) for k, v in headers.items()},
            parameters=tuple(ModelParam.from_wire(p) for p in params),
            agent_prompt=_text(data, "agent_prompt", what),
        )

    def to_wire(self) -> dict[str, Any]:
        """This spec in the spec endpoint's own format (the inverse of :meth:`from_wire`)."""
        return {
            "model_id": self.model_id,
            "name": self.name,
            "vendor": self.vendor,
            "type": self.type,
            "api": {"endpoint": self.endpoint, "method": self.method, "headers": dict(self.headers or {})},
            "parameters": [p.to_wire() for p in self.parameters],
            "agent_prompt": self.agent_prompt,
        }

    def info(self) -> ModelInfo:
        """The list entry for this model (what the catalog's list says about it)."""
        inputs = ("text", "image") if self.image_params else ("text",)
        return ModelInfo(self.model_id, self.name, self.type, self.agent_prompt, inputs, ("video",))

    def param(self, name: str) -> ModelParam | None:
        """The parameter called ``name`` (dotted names reach into objects), or None."""
        params, found = self.parameters, None
        for part in name.split("."):
            found = next((p for p in params if p.name == part), None)
            if found is None:
                return None
            params = found.children
        return found

    def validate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters checked against this spec and typed as it declares (see the module's rules).

        Args:
            values: parameter values by name; objects as dicts or by dotted names
                (``{"camera_control.type": "simple"}``); arrays as lists or JSON text.

        Returns:
            The ``params`` to send, in the spec's order, each value of its declared type.

        Raises:
            InvalidRequestError: naming the parameter and what it accepts (for a misspelt name,
                the closest real one); nothing has been sent.
        """
        return _Validator(self.model_id).params(self.parameters, values)

    # -- capabilities, found from the parameters --------------------------------------------

    @property
    def image_params(self) -> tuple[str, ...]:
        """Names of the parameters that carry an image (see :attr:`ModelParam.carries_image`),
        including those inside an array of items (``"content[].image_url.url"``)."""
        found: list[str] = []
        for param in self.parameters:
            if param.carries_image:
                found.append(param.name)
            for child in param.children:
                if child.carries_image:
                    sub = f".{child.children[0].name}" if child.type == "object" and child.children else ""
                    found.append(f"{param.name}{'[]' if param.type == 'array' else ''}.{child.name}{sub}")
                elif child.type == "object" and child.name in IMAGE_PARAM_NAMES and child.children:
                    found.append(f"{param.name}[].{child.name}.{child.children[0].name}")
        return tuple(found)

    @property
    def first_frame_param(self) -> str | None:
        """The top-level parameter whose image anchors the first frame, or None (the model cannot
        continue a shot from an image)."""
        for param in self.parameters:
            if param.carries_image and not param.anchors_last_frame:
                return param.name
        return None

    @property
    def requires_image(self) -> bool:
        """Whether a create needs an image (a required image parameter)."""
        return any(p.required and p.carries_image for p in self.parameters)

    @property
    def can_remix(self) -> bool:
        """Whether the model takes a remix source (``remix_video_id``)."""
        return any("remix" in p.name.lower() for p in self.parameters)

    @property
    def size_param(self) -> ModelParam | None:
        """The parameter that chooses the picture's shape (``size``, ``aspect_ratio``, ``ratio``)."""
        return next((p for name in _SIZE_NAMES for p in self.parameters if p.name == name), None)

    @property
    def sizes(self) -> tuple[str, ...]:
        """The shapes offered (``"720x1280"``, or aspect ratios such as ``"16:9"``), in spec order."""
        param = self.size_param
        return param.enum if param is not None else ()

    @property
    def length_param(self) -> ModelParam | None:
        """The parameter that chooses the length (``seconds`` or ``duration``)."""
        return next((p for name in _LENGTH_NAMES for p in self.parameters if p.name == name), None)

    @property
    def lengths(self) -> tuple[int, ...]:
        """The lengths offered in seconds: the enum, else every whole second in ``min..max``."""
        param = self.length_param
        if param is None:
            return ()
        if param.enum:
            return tuple(int(float(e)) for e in param.enum if _FLOAT_TEXT.fullmatch(e.strip()))
        if param.min is not None and param.max is not None and param.max - param.min <= 600:
            return tuple(range(math.ceil(param.min), math.floor(param.max) + 1))
        return ()

    def default_of(self, name: str) -> Any:
        """The spec's default for a parameter (dotted names reach into objects), or None."""
        param = self.param(name)
        return None if param is None else param.default


def parse_envelope(body: Any, what: str) -> Any:
    """The ``data`` of a catalog answer ``{"data": ..., "status": {"code", "message"}}``.

    A code other than 0 or 200 is an error carrying its message; code 0 with no data is an error.

    Raises:
        MalformedResponse: not an envelope, or no data.
        CatalogRefusal: the envelope's code says the catalog refused (the client maps it, for
            example a "not found" to :class:`~sora_widgets.ModelUnavailableError`).
    """
    if not isinstance(body, Mapping):
        raise _wire_error(what, f"the answer is {type(body).__name__}, not an envelope")
    raw_status = body.get("status")
    status: Mapping[str, Any] = raw_status if isinstance(raw_status, Mapping) else {}
    code_value = status.get("code", 0)
    try:
        code = int(code_value)
    except (TypeError, ValueError):
        raise _wire_error(what, f"status code {code_value!r} is not a number") from None
    if code not in (0, 200):
        raise CatalogRefusal(code, str(status.get("message") or "no message"))
    data = body.get("data")
    if data is None:
        raise _wire_error(what, "the answer has no 'data'")
    return data


class CatalogRefusal(Exception):
    """The catalog's envelope carried an error code; the client turns it into a SoraError."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"status {code}: {message}")
        self.code = code
        self.message = message


@cache
def bundled_specs() -> tuple[ModelSpec, ...]:
    """The specs shipped with the package (the Sora 2 Pro models), read once: the offline catalog
    and the built-in simulator's default."""
    folder = resources.files(__package__ or "sora_widgets.models").joinpath("specs")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    # t2v before i2v: text to video is the model a user meets first.
    names.sort(key=lambda n: (not n.endswith("_t2v.json"), n))
    return tuple(ModelSpec.from_wire(json.loads(folder.joinpath(n).read_text("utf-8"))) for n in names)


def bundled_spec(model_id: str) -> ModelSpec:
    """One bundled spec by id.

    Raises:
        KeyError: naming the bundled ids.
    """
    for spec in bundled_specs():
        if spec.model_id == model_id:
            return spec
    raise KeyError(
        f"no bundled spec for {model_id!r}; bundled: {', '.join(s.model_id for s in bundled_specs())}"
    )
