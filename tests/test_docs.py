"""The docstring examples of every module run as tests, against the in-process simulator.

Each docstring with ``>>>`` lines is one test. Examples run in their module's namespace plus
``sw`` (the package), in a fresh temporary directory (files an example writes stay there). A
client made with ``sw.SoraClient()`` talks to the in-process simulator, because no key is
configured in tests (see ``conftest._isolated_home``); every simulator made during an example
runs at ``speed="instant"``, so examples that generate take seconds. An example may ``await`` at
top level: it runs on an event loop owned by the test. ``# doctest: +SKIP`` is kept only where
an example needs a live kernel and front end, or the paid service.
"""

from __future__ import annotations

import ast
import asyncio
import doctest
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

import sora_widgets
import sora_widgets.simulator
from sora_widgets.simulator import Simulator

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> Iterator[str]:
    yield sora_widgets.__name__
    for info in pkgutil.walk_packages(sora_widgets.__path__, prefix="sora_widgets."):
        if not info.name.endswith("__main__"):
            yield info.name


def _doctests() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: list[doctest.DocTest] = []
    for name in _modules():
        module = importlib.import_module(name)
        found.extend(t for t in finder.find(module, name) if t.examples)
    return sorted(found, key=lambda t: t.name)


class _InstantSimulator(Simulator):
    """The simulator examples get: done as soon as the video is rendered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["speed"] = "instant"
        super().__init__(*args, **kwargs)


DOCTESTS = _doctests()


def _run(test: doctest.DocTest, monkeypatch: pytest.MonkeyPatch) -> tuple[doctest.TestResults, str]:
    """Run one docstring's examples; (counts, the report of what failed)."""
    monkeypatch.setattr(sora_widgets.simulator, "Simulator", _InstantSimulator)
    loop = asyncio.new_event_loop()

    def run_example(code: CodeType, globs: dict[str, Any]) -> None:
        # An example with top-level await / async for / async with compiles to a coroutine.
        if code.co_flags & inspect.CO_COROUTINE:
            loop.run_until_complete(eval(code, globs))
        else:
            exec(code, globs)

    monkeypatch.setattr(doctest, "exec", run_example, raising=False)  # doctest's own exec call
    globs = {**test.globs, "sw": test.globs.get("sw", sora_widgets)}
    test = doctest.DocTest(test.examples, globs, test.name, test.filename, test.lineno, test.docstring)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    try:
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT | doctest._extract_future_flags(test.globs)  # type: ignore[attr-defined]
        result = runner.run(test, compileflags=flags, out=report.append, clear_globs=True)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return result, "".join(report)


@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name for t in DOCTESTS])
def test_docstring_examples(test: doctest.DocTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result, report = _run(test, monkeypatch)
    assert result.failed == 0, report


def _example(text: str) -> doctest.DocTest:
    return doctest.DocTestParser().get_doctest(text, {}, "example", "example.py", 0)


def test_the_runner_fails_a_wrong_example_and_awaits_at_top_level(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong, report = _run(_example(">>> 1 + 1\n3\n"), monkeypatch)
    assert wrong.failed == 1 and "Expected:\n    3\nGot:\n    2" in report
    awaited, report = _run(
        _example(
            ">>> import asyncio\n"
            ">>> await asyncio.sleep(0, result='slept')\n'slept'\n"
            ">>> async def count():\n...     for i in range(3):\n...         yield i\n"
            ">>> [i async for i in count()]\n[0, 1, 2]\n"
        ),
        monkeypatch,
    )
    assert (awaited.failed, awaited.attempted) == (0, 4), report


def test_every_docstring_example_is_collected() -> None:
    # A module that fails to import, or a finder that skips one, must not silently run nothing.
    names = {t.name for t in DOCTESTS}
    assert {
        "sora_widgets.storyboard._storyboard",
        "sora_widgets.media",
        "sora_widgets.client._client.SoraClient",
    } <= names
    assert sum(len(t.examples) for t in DOCTESTS) >= 150
