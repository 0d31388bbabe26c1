"""The request's parameters are written once (``SoraParams``/``RequestParams``), and every face that
takes them says so: a new parameter cannot be added to one signature and forgotten in another."""

from __future__ import annotations

import inspect
import typing
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.client import SoraClient
from sora_widgets.client._requests import FIELDS, RequestBuilder, RequestParams, SoraParams
from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.request import VideoRequest
from sora_widgets.models.specs import bundled_spec
from sora_widgets.simulator import Simulator

#: Each face, and the one definition its keywords must be.
FACES: list[tuple[Callable[..., Any], str]] = [
    (SoraClient.build_request, "SoraParams"),
    (RequestBuilder.build, "SoraParams"),
    (SoraClient.create, "RequestParams"),
    (SoraClient.create_sync, "RequestParams"),
    (SoraClient.prepare, "RequestParams"),
    (SoraClient.generate, "RequestParams"),
    (SoraClient.generate_sync, "RequestParams"),
]


@pytest.mark.parametrize(("face", "definition"), FACES, ids=lambda f: getattr(f, "__qualname__", str(f)))
def test_every_face_takes_the_parameters_from_the_one_definition(
    face: Callable[..., Any], definition: str
) -> None:
    parameters = inspect.signature(face).parameters.values()
    rest = [p for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
    assert [str(p.annotation) for p in rest] == [f"Unpack[{definition}]"]
    written_again = {p.name for p in parameters} & set(RequestParams.__annotations__)
    assert not written_again, f"{face.__qualname__} writes {written_again} out again"


def test_the_definitions_and_the_names_agree() -> None:
    assert FIELDS == ("prompt", "size", "seconds", "image", "remix_video_id", "model")
    assert tuple(SoraParams.__annotations__) == FIELDS
    assert tuple(RequestParams.__annotations__) == (*FIELDS, "params")
    assert not SoraParams.__required_keys__ and not RequestParams.__required_keys__
    # every field of the definition is a field of the request it builds
    assert set(FIELDS) <= {f.name for f in VideoRequest.__dataclass_fields__.values()}


def test_the_fixed_values_are_literals_an_editor_can_offer() -> None:
    hints = typing.get_type_hints(SoraParams)
    spec = bundled_spec("sora_2_pro_t2v")

    def literals(hint: Any) -> set[Any]:
        found: set[Any] = set()
        for arg in typing.get_args(hint):
            found |= set(typing.get_args(arg)) if typing.get_origin(arg) is typing.Literal else set()
        return found

    assert {"sora_2_pro_t2v", "sora_2_pro_i2v"} <= literals(hints["model"])
    assert set(spec.sizes) <= literals(hints["size"])
    assert set(spec.lengths) <= literals(hints["seconds"])


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[SoraClient]:
    c = SoraClient(connect=Simulator(speed="instant", state_dir=tmp_path / "sim"), journal=False)
    yield c
    await c.aclose()


async def test_a_catalog_model_takes_params_or_keywords_alike(client: SoraClient) -> None:
    typed = await client.prepare(model="kirin_v2_6_t2v", prompt="A fox", params={"duration": 5})
    named = await client.prepare(model="kirin_v2_6_t2v", prompt="A fox", duration=5)  # type: ignore[call-arg]
    assert typed == named and typed.params is not None and typed.params["duration"] in (5, "5")
    with pytest.raises(InvalidRequestError, match="duration=7 is not allowed"):
        await client.prepare(model="kirin_v2_6_t2v", prompt="A fox", params={"duration": 7})


async def test_params_given_wrongly_are_refused_by_name(client: SoraClient) -> None:
    with pytest.raises(InvalidRequestError, match="given both in params= and as a keyword"):
        await client.prepare(model="kirin_v2_6_t2v", prompt="A fox", params={"duration": 5}, duration=5)  # type: ignore[call-arg]
    with pytest.raises(InvalidRequestError, match="params must be a dict"):
        await client.prepare(model="kirin_v2_6_t2v", prompt="A fox", params=[("duration", 5)])  # type: ignore[typeddict-item]


def test_a_sora_request_refuses_an_unknown_field_by_name(client: SoraClient) -> None:
    with pytest.raises(InvalidRequestError, match=r"unknown request field.*duration"):
        client.build_request(prompt="A fox", duration=5)  # type: ignore[call-arg]
    made = client.build_request(prompt="A fox", size="portrait", seconds=4)
    assert (made.size, made.seconds) == ("720x1280", 4)
    with pytest.raises(InvalidRequestError, match=r"unknown request field.*duration"):
        client.build_request(made, duration=5)  # type: ignore[call-arg]
    assert client.build_request(made, seconds=8).seconds == 8
