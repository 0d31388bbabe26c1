"""The catalog's spec types and THE validator (``ModelSpec.validate``).

The property test draws random specs (every type spelling, constraints, nesting) and, per
parameter, a value that is either acceptable or not, decided when it is drawn; the expected
typed result is built alongside (the oracle), never by calling the validator.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sora_widgets.errors import InvalidRequestError, MalformedResponse
from sora_widgets.models.specs import (
    CatalogRefusal,
    ModelInfo,
    ModelParam,
    ModelSpec,
    bundled_spec,
    bundled_specs,
    parse_envelope,
)

SPEC_DIR = Path(__file__).resolve().parents[2] / "sora_widgets" / "models" / "specs"
SEEDS = Path("/work/shared/spec/seeds")

REJECT = object()  # the oracle's "this value must be refused"

# -- the oracle: a value drawn together with what the validator must make of it --------------

SPELLINGS = {
    "string": ["string"],
    "integer": ["int", "integer"],
    "number": ["float", "number"],
    "boolean": ["bool", "boolean"],
}


@st.composite
def int_value(draw: st.DrawFn, lo: int | None, hi: int | None, enum: list[str]) -> tuple[Any, Any]:
    edges = [b + d for b in (lo, hi) if b is not None for d in (-1, 0, 1)]
    use_edges = draw(st.booleans())
    n = draw(st.sampled_from(edges) if edges and use_edges else st.integers(-50, 50))
    ok = (lo is None or n >= lo) and (hi is None or n <= hi) and (not enum or str(n) in enum)
    form = draw(st.sampled_from(["int", "text", "float"]))
    given_value: Any = {"int": n, "text": f" {n} ", "float": float(n)}[form]
    bad: Any = draw(st.sampled_from(["", "1.5", "abc", "1_000", "true", 2.5, True, None, []]))
    if draw(st.integers(0, 4)) == 0 and bad is not None:
        return bad, REJECT
    return given_value, (n if ok else REJECT)


@st.composite
def float_value(draw: st.DrawFn, lo: int | None, hi: int | None, enum: list[str]) -> tuple[Any, Any]:
    edges = [b + d for b in (lo, hi) if b is not None for d in (-0.5, 0.0, 0.5)]
    plain = [-7.5, -1.0, 0.0, 0.25, 1.0, 3.0, 9.75, 42.0]
    use_edges = draw(st.booleans())
    x = float(draw(st.sampled_from(edges if edges and use_edges else plain)))
    ok = (
        (lo is None or x >= lo) and (hi is None or x <= hi) and (not enum or any(float(e) == x for e in enum))
    )
    given_value = draw(st.sampled_from([x, repr(x)] + ([int(x)] if x.is_integer() else [])))
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(["nan", "inf", "x1", "", False, math.inf, {}])), REJECT
    return given_value, (x if ok else REJECT)


@st.composite
def bool_value(draw: st.DrawFn, enum: list[str]) -> tuple[Any, Any]:
    b = draw(st.booleans())
    form = draw(st.sampled_from([b, int(b), "TRUE" if b else "False", "t" if b else "f", "1" if b else "0"]))
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(["yes", "2", 2, "", 0.5])), REJECT
    ok = not enum or ("true" if b else "false") in enum
    return form, (b if ok else REJECT)


@st.composite
def str_value(draw: st.DrawFn, min_len: int | None, max_len: int | None, enum: list[str]) -> tuple[Any, Any]:
    if draw(st.booleans()):
        n = draw(st.integers(0, 120))
        given_value: Any = n
        text = str(n)
    else:
        sizes = [b + d for b in (min_len, max_len) if b is not None for d in (-1, 0, 1) if b + d >= 0]
        text = draw(st.text(alphabet="ab é😀", max_size=8))
        use_edges = draw(st.booleans())
        if sizes and use_edges:
            text = "é" * draw(st.sampled_from(sizes))
        given_value = text
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from([1.5, True, ["a"], {"a": 1}])), REJECT
    ok = (
        (min_len is None or len(text) >= min_len)
        and (max_len is None or len(text) <= max_len)
        and (not enum or text in enum)
    )
    return given_value, (text if ok else REJECT)


@st.composite
def scalar_param(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], Any]:
    """A wire parameter of a scalar type and (value or None, expected)."""
    kind = draw(st.sampled_from(list(SPELLINGS)))
    wire: dict[str, Any] = {"name": name, "type": draw(st.sampled_from(SPELLINGS[kind]))}
    constraints: dict[str, Any] = {}
    enum: list[str] = []
    lo = hi = min_len = max_len = None
    if kind in ("integer", "number"):
        lo, hi = draw(st.none() | st.integers(-10, 5)), draw(st.none() | st.integers(0, 20))
        if draw(st.integers(0, 3)) == 0:
            enum = sorted({str(draw(st.integers(-5, 10))) for _ in range(3)})
    elif kind == "string":
        min_len, max_len = draw(st.none() | st.integers(0, 3)), draw(st.none() | st.integers(1, 6))
        if draw(st.integers(0, 3)) == 0:
            enum = draw(st.lists(st.sampled_from(["a", "b", "ab", "5", "12"]), min_size=1, unique=True))
    elif draw(st.integers(0, 3)) == 0:
        enum = ["true"]
    for key, value in (("min", lo), ("max", hi), ("min_length", min_len), ("max_length", max_len)):
        if value is not None:
            constraints[key] = value
    if enum:
        constraints["enum"] = enum
    if constraints:
        wire["constraints"] = constraints
    drawn = {
        "integer": lambda: int_value(lo, hi, enum),
        "number": lambda: float_value(lo, hi, enum),
        "boolean": lambda: bool_value(enum),
        "string": lambda: str_value(min_len, max_len, enum),
    }[kind]()
    value, expected = draw(drawn)
    return wire, (value, expected)


@st.composite
def array_param(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], Any]:
    item = draw(st.sampled_from([None, "string", "integer"]))
    max_items = draw(st.none() | st.integers(0, 3))
    wire: dict[str, Any] = {"name": name, "type": f"array[{item}]" if item else "array"}
    if max_items is not None:
        wire["constraints"] = {"max_items": max_items}
    items = draw(st.lists(st.integers(0, 9), max_size=4))
    if item == "string":
        given_items: list[Any] = [str(i) for i in items]
        typed: list[Any] = [str(i) for i in items]
    else:
        given_items = [str(i) for i in items] if item == "integer" else list(items)
        typed = list(items)
    ok = max_items is None or len(items) <= max_items
    form = draw(st.sampled_from(["list", "json", "tuple"]))
    given_value: Any = {"list": given_items, "json": json.dumps(given_items), "tuple": tuple(given_items)}[
        form
    ]
    if draw(st.integers(0, 5)) == 0:
        return wire, (draw(st.sampled_from(["not json", '{"a": 1}', 7])), REJECT)
    return wire, (given_value, typed if ok else REJECT)


@st.composite
def param_and_value(draw: st.DrawFn, name: str, depth: int) -> tuple[dict[str, Any], Any]:
    """(wire parameter, (value or None, expected)); objects nest children."""
    kind = draw(st.sampled_from(["scalar", "scalar", "array"] + (["object"] if depth < 2 else [])))
    if kind == "scalar":
        wire, pair = draw(scalar_param(name))
    elif kind == "array":
        wire, pair = draw(array_param(name))
    else:
        names = draw(st.lists(st.sampled_from("pqrs"), min_size=1, max_size=3, unique=True))
        children = [draw(param_and_value(n, depth + 1)) for n in names]
        wire = {"name": name, "type": "object", "children": [c[0] for c in children]}
        values = {c[0]["name"]: c[1][0] for c in children if c[1] is not None}
        expected = _expect(children, values)
        pair = (values or None, expected) if values or expected is REJECT else (None, None)
    wire["required"] = required = draw(st.booleans())
    value, expected = pair
    if value is None or draw(st.integers(0, 4)) == 0:  # not given
        return wire, (None, REJECT if required else None)
    return wire, (value, expected)


def _expect(children: list[tuple[dict[str, Any], Any]], values: dict[str, Any]) -> Any:
    out: dict[str, Any] = {}
    for wire, (value, expected) in children:
        if expected is REJECT:
            return REJECT
        if value is not None:
            out[wire["name"]] = expected
    return out


@st.composite
def spec_and_values(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], Any]:
    names = draw(
        st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "eps"]), max_size=3, unique=True)
    )
    drawn = [draw(param_and_value(n, 0)) for n in names]
    spec = {"model_id": "m", "parameters": [w for w, _ in drawn], "future_field": {"ignored": True}}
    values = {w["name"]: pair[0] for w, pair in drawn if pair[0] is not None}
    expected = _expect(drawn, values)
    # Objects are sometimes given by dotted names instead of a dict.
    for wire, (value, _) in drawn:
        if wire["type"] == "object" and isinstance(value, dict) and value and draw(st.booleans()):
            del values[wire["name"]]
            values.update({f"{wire['name']}.{k}": v for k, v in value.items()})
    return spec, values, expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_values())
def test_validate_accepts_exactly_what_the_spec_allows_typed_as_declared(case: Any) -> None:
    wire, values, expected = case
    spec = ModelSpec.from_wire(wire)
    if expected is REJECT:
        with pytest.raises(InvalidRequestError):
            spec.validate(values)
        return
    result = spec.validate(values)
    assert result == expected
    _assert_same_types(result, expected)


@settings(max_examples=250, deadline=None)
@given(st.one_of(scalar_param("alpha"), scalar_param("alpha"), scalar_param("alpha"), array_param("alpha")))
def test_validate_one_parameter_against_the_oracle(case: Any) -> None:
    wire, (value, expected) = case
    spec = ModelSpec.from_wire({"model_id": "m", "parameters": [wire]})
    values = {} if value is None else {"alpha": value}
    if expected is REJECT:
        with pytest.raises(InvalidRequestError):
            spec.validate(values)
        return
    result = spec.validate(values)
    want = {} if value is None else {"alpha": expected}
    assert result == want
    _assert_same_types(result, want)


def _assert_same_types(got: Any, want: Any) -> None:
    assert type(got) is type(want), (got, want)
    if isinstance(want, dict):
        assert list(got) == list(want)  # the spec's order
        for key in want:
            _assert_same_types(got[key], want[key])
    elif isinstance(want, list):
        for a, b in zip(got, want, strict=True):
            _assert_same_types(a, b)


# -- parsing the wire -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("int", "integer"),
        ("integer", "integer"),
        ("float", "number"),
        ("number", "number"),
        ("bool", "boolean"),
        ("boolean", "boolean"),
        ("array", "array"),
        ("array[string]", "array"),
        ("array\\[object\\]", "array"),
        ("object", "object"),
        ("String", "string"),
    ],
)
def test_every_type_spelling_in_the_contract_is_understood(spelling: str, canonical: str) -> None:
    assert ModelParam.from_wire({"name": "x", "type": spelling}).type == canonical


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"name": "x", "constraints": {"min": "lots"}},
        {"type": "string"},
        {"name": "x", "children": {"a": 1}},
        {"name": "x", "constraints": {"enum": "a,b"}},
    ],
)
def test_a_malformed_parameter_is_a_malformed_response(bad: Any) -> None:
    with pytest.raises(MalformedResponse):
        ModelSpec.from_wire({"model_id": "m", "parameters": [bad]})


def test_absurd_nesting_is_refused() -> None:
    param: dict[str, Any] = {"name": "leaf", "type": "string"}
    for _ in range(20):
        param = {"name": "o", "type": "object", "children": [param]}
    with pytest.raises(MalformedResponse, match="deeper"):
        ModelSpec.from_wire({"model_id": "m", "parameters": [param]})


def test_spec_round_trips_through_its_wire_form() -> None:
    for spec in bundled_specs():
        assert ModelSpec.from_wire(spec.to_wire()) == spec


def test_model_info_reads_a_list_entry_and_ignores_unknown_fields() -> None:
    info = ModelInfo.from_wire(
        {"id": "v", "name": "V", "type": "video", "input_modalities": ["text", "image"], "extra": 1}
    )
    assert (info.id, info.input_modalities, info.is_video) == ("v", ("text", "image"), True)
    with pytest.raises(MalformedResponse):
        ModelInfo.from_wire({"name": "no id"})


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ({"data": {"a": 1}, "status": {"code": 0, "message": "ok"}}, {"a": 1}),
        ({"data": {"a": 1}, "status": {"code": 200}}, {"a": 1}),
        ({"data": [], "status": {"code": "0"}}, []),
        ({"data": None, "status": {"code": 0}}, MalformedResponse),
        ({"status": {"code": 0}}, MalformedResponse),
        ({"data": {}, "status": {"code": 404, "message": "model not found"}}, CatalogRefusal),
        ([1, 2], MalformedResponse),
        ({"data": {}, "status": {"code": "x"}}, MalformedResponse),
    ],
)
def test_the_envelope(body: Any, outcome: Any) -> None:
    if isinstance(outcome, type):
        with pytest.raises(outcome):
            parse_envelope(body, "model list")
    else:
        assert parse_envelope(body, "model list") == outcome


# -- the validator's messages -----------------------------------------------------------------


def test_a_misspelt_name_names_the_closest_real_parameter() -> None:
    spec = bundled_spec("sora_2_pro_t2v")
    with pytest.raises(InvalidRequestError, match=r"secconds is not a parameter.*did you mean 'seconds'"):
        spec.validate({"prompt": "a kite", "secconds": "8"})
    kirin = ModelSpec.from_wire(
        {
            "model_id": "k",
            "parameters": [
                {"name": "camera_control", "type": "object", "children": [{"name": "type", "type": "string"}]}
            ],
        }
    )
    with pytest.raises(InvalidRequestError, match=r"did you mean 'camera_control.type'"):
        kirin.validate({"camera_control.typ": "simple"})


def test_sora_seconds_stays_a_string_and_defaults_are_not_invented() -> None:
    spec = bundled_spec("sora_2_pro_t2v")
    assert spec.validate({"prompt": "a kite", "seconds": 8, "size": "1280x720"}) == {
        "prompt": "a kite",
        "size": "1280x720",
        "seconds": "8",
    }
    with pytest.raises(InvalidRequestError, match=r"seconds=7 is not allowed; use one of: 4, 8, 12"):
        spec.validate({"prompt": "a kite", "seconds": 7})
    with pytest.raises(InvalidRequestError, match="prompt is required"):
        spec.validate({"seconds": "4"})


def test_a_dotted_name_and_a_dict_for_the_same_object_merge() -> None:
    spec = ModelSpec.from_wire(
        {
            "model_id": "k",
            "parameters": [
                {
                    "name": "cc",
                    "type": "object",
                    "children": [{"name": "type", "type": "string"}, {"name": "zoom", "type": "int"}],
                }
            ],
        }
    )
    assert spec.validate({"cc": {"type": "simple"}, "cc.zoom": "3"}) == {"cc": {"type": "simple", "zoom": 3}}
    assert spec.validate({"cc": '{"zoom": 2}'}) == {"cc": {"zoom": 2}}


# -- the bundled Sora specs --------------------------------------------------------------------


def test_the_bundled_specs_are_the_seeds() -> None:
    """Every parameter a seed page lists (but ``model``, which is the body's) is in the bundled spec,
    with the seed's options and default."""
    assert [s.model_id for s in bundled_specs()] == ["sora_2_pro_t2v", "sora_2_pro_i2v"]
    for spec in bundled_specs():
        seed = (SEEDS / f"{spec.model_id}.txt").read_text("utf-8") if SEEDS.exists() else None
        if seed is not None:
            section = seed.split("Parameters")[1].split("Polling")[0]
            listed = [
                line.split()[0]
                for line in section.splitlines()
                if line.endswith((" string", " string required"))
            ]
            assert [p.name for p in spec.parameters] == [
                n for n in listed if n not in ("model", "authorization")
            ]
        assert spec.sizes == ("720x1280", "1280x720") and spec.default_of("size") == "720x1280"
        assert spec.lengths == (4, 8, 12) and spec.default_of("seconds") == "4"
        assert spec.endpoint == "https://cloud.vtrix.ai/model/v1/generation" and spec.can_remix
    i2v = bundled_spec("sora_2_pro_i2v")
    assert i2v.image_params == ("input_reference",) and i2v.first_frame_param == "input_reference"
    assert i2v.requires_image and not bundled_spec("sora_2_pro_t2v").image_params
    assert sorted(p.name for p in SPEC_DIR.glob("*.json")) == ["sora_2_pro_i2v.json", "sora_2_pro_t2v.json"]


def test_image_parameters_are_found_by_name_whatever_they_are_called() -> None:
    spec = ModelSpec.from_wire(
        {
            "model_id": "x",
            "parameters": [
                {"name": "image", "type": "string"},
                {"name": "image_tail", "type": "string"},
                {"name": "images", "type": "array[string]"},
                {"name": "prompt", "type": "string"},
                {"name": "seed", "type": "int"},
                {
                    "name": "content",
                    "type": "array",
                    "children": [
                        {"name": "type", "type": "string"},
                        {
                            "name": "image_url",
                            "type": "object",
                            "children": [{"name": "url", "type": "string"}],
                        },
                    ],
                },
            ],
        }
    )
    assert spec.image_params == ("image", "image_tail", "images", "content[].image_url.url")
    assert spec.first_frame_param == "image"
    assert not spec.requires_image and not spec.can_remix and spec.sizes == () and spec.lengths == ()


def test_the_sora_literal_types_are_the_bundled_specs() -> None:
    """The ``Literal`` types an editor completes say what the bundled specs say."""
    from typing import get_args

    from sora_widgets.models.catalog import ORIENTATION_ALIASES, SoraModel, SoraSeconds, SoraSize

    assert set(get_args(SoraModel)) == {s.model_id for s in bundled_specs()}
    t2v = bundled_spec("sora_2_pro_t2v")
    assert set(get_args(SoraSize)) == set(t2v.sizes) | set(ORIENTATION_ALIASES)
    assert {str(s) for s in get_args(SoraSeconds)} == set(t2v.param("seconds").enum)  # type: ignore[union-attr]
