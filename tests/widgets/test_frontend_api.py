"""The front ends use only anywidget's standard model API: one event name per ``on``/``off`` call.

Jupyter's widget manager splits ``"change:a change:b"`` into two events, anywidget's own model
(marimo's, and any host that follows the standard API) does not: such a listener never fires
there, and the Prompt Lab's job grid never updated in marimo. ``onTraits`` in ``_dom.js`` is
the one way to listen to several traits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sora_widgets.widgets._front import STATIC

# model.on("...") / model.off('...') / model.on(`...`): the event argument as a literal.
_EVENT_CALL = re.compile(r"""\bmodel\.(?:on|off)\(\s*(["'`])(?P<event>.*?)\1""")
# model.on(names, ...): an event computed at run time, which may hold several names.
_COMPUTED_CALL = re.compile(r"""\bmodel\.(?:on|off)\(\s*(?!["'`])""")
SCRIPTS = sorted(STATIC.glob("*.js"))


def event_names(source: str) -> list[str]:
    return [m.group("event") for m in _EVENT_CALL.finditer(source)]


def test_the_pattern_finds_a_space_separated_event_list() -> None:
    # The check below must be able to fail: this is what prompt_lab.js and player.js used to do.
    old = 'model.on("change:jobs change:running", drawJobs); model.off(`change:a change:b`, f);'
    assert [" " in e for e in event_names(old)] == [True, True]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_model_listener_names_one_event(script: Path) -> None:
    source = script.read_text(encoding="utf-8")
    several = [e for e in event_names(source) if re.search(r"\s", e)]
    assert several == [], f"{script}: use onTraits(model, [...], fn) instead of {several}"
    if script.name != "_dom.js":  # onTraits itself passes one computed name at a time
        computed = [source[m.start() : m.start() + 40] for m in _COMPUTED_CALL.finditer(source)]
        assert computed == [], f"{script}: use onTraits(model, [...], fn) instead of {computed}"


def test_on_traits_is_shared_by_every_widget() -> None:
    dom = (STATIC / "_dom.js").read_text(encoding="utf-8")
    assert "function onTraits(model, names, fn)" in dom
    users = [p.name for p in SCRIPTS if "onTraits(model" in p.read_text(encoding="utf-8")]
    assert {"player_strip.js", "prompt_lab.js"} <= set(users)  # the player's filmstrip part, the Lab
