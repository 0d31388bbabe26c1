"""Every blocking ``*_sync`` twin has exactly its async method's signature, by one mechanism."""

from __future__ import annotations

import inspect

import pytest

from sora_widgets._sync import blocking
from sora_widgets.client import SoraClient
from sora_widgets.journal import History, Journal
from sora_widgets.storyboard import Storyboard

# Classes with public blocking twins; Journal and History are blocking already (no twins).
PUBLIC = [SoraClient, Journal, History, Storyboard]


def twins(cls: type) -> list[tuple[str, str]]:
    pairs = [
        (name, name.removesuffix("_sync"))
        for name in dir(cls)
        if name.endswith("_sync") and not name.startswith("_")
    ]
    if cls is SoraClient:
        pairs.append(("close", "aclose"))
    return pairs


def test_the_client_has_its_blocking_twins() -> None:
    names = {sync for sync, _ in twins(SoraClient)}
    assert {"create_sync", "get_sync", "wait_sync", "generate_sync", "download_sync", "resume_sync",
            "generate_many_sync", "close"} <= names  # fmt: skip
    assert twins(Journal) == [] and twins(History) == []


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_every_sync_twin_has_its_async_methods_signature(cls: type) -> None:
    for sync_name, async_name in twins(cls):
        sync, coroutine = getattr(cls, sync_name), getattr(cls, async_name)
        assert inspect.iscoroutinefunction(coroutine), f"{cls.__name__}.{async_name} is not async"
        assert not inspect.iscoroutinefunction(sync)
        assert inspect.signature(sync) == inspect.signature(coroutine), f"{cls.__name__}.{sync_name}"


def test_the_client_twins_are_made_by_blocking_with_the_async_docstring() -> None:
    for sync_name, async_name in twins(SoraClient):
        sync, coroutine = getattr(SoraClient, sync_name), getattr(SoraClient, async_name)
        assert sync.__wrapped__ is coroutine  # functools.wraps in blocking(): one mechanism
        assert sync.__name__ == sync_name and sync.__qualname__ == f"SoraClient.{sync_name}"
        doc = inspect.getdoc(sync) or ""
        assert doc.startswith(f"Blocking :meth:`{async_name}`")
        assert doc.endswith(inspect.getdoc(coroutine) or "")


def test_progress_is_a_declared_parameter_of_wait_and_generate() -> None:
    for name in ("wait", "wait_sync", "generate", "generate_sync"):
        parameter = inspect.signature(getattr(SoraClient, name)).parameters["progress"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None


def test_a_twin_runs_its_coroutine_and_leaves_progress_alone_when_given() -> None:
    seen: list[bool | None] = []

    class Thing:
        async def go(self, n: int, /, *, progress: bool | None = None) -> int:
            """Go."""
            seen.append(progress)
            return n * 2

        go_sync = blocking(go)

    assert Thing().go_sync(21, progress=True) == 42
    assert Thing().go_sync(1) == 2  # pytest's stderr is not a terminal: no bar
    assert seen == [True, False]
