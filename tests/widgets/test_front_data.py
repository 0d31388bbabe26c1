"""The status words and the catalog's sizes and lengths reach the front ends as data.

What the browser gets is the state in the comm's open message (and later updates); these tests
read it there, the same boundary the browser uses, for every widget that shows statuses or offers
sizes and lengths. The JavaScript reads them with ``statusWord(model, status)`` and
``model.get("_catalog")`` (see tests/models/test_names_and_values.py for the grep that keeps
copies out of the scripts).
"""

from __future__ import annotations

from typing import Any

import pytest

from sora_widgets.models.catalog import front_catalog
from sora_widgets.models.task import Status, status_vocabulary
from sora_widgets.storyboard import Storyboard
from sora_widgets.widgets._strip import ResultStrip
from sora_widgets.widgets.gallery import Gallery
from sora_widgets.widgets.prompt_builder import PromptBuilder
from sora_widgets.widgets.prompt_lab import PromptLab
from sora_widgets.widgets.status_bar import StatusBar
from sora_widgets.widgets.storyboard import StoryboardWidget


def opened_state(widget: Any) -> dict[str, Any]:
    """The state the browser received when the widget's comm opened."""
    for msg_type, data, _ in widget.comm.published:
        if msg_type == "comm_open":
            return data["state"]  # type: ignore[no-any-return]
    raise AssertionError("the widget never opened its comm")


def test_the_status_bar_gets_the_status_words() -> None:
    assert opened_state(StatusBar())["_statuses"] == status_vocabulary()


async def test_the_lab_gets_the_status_words_and_the_catalog(client: Any) -> None:
    state = opened_state(PromptLab(client, prompts=["A kite"]))
    assert state["_statuses"] == status_vocabulary()
    assert state["_catalog"] == front_catalog()


def test_the_builder_gets_the_catalog_and_its_orientations_are_the_catalogs() -> None:
    builder = PromptBuilder()
    catalog = opened_state(builder)["_catalog"]
    assert catalog == front_catalog()
    for entry in catalog["sizes"]:
        builder.orientation = entry["orientation"]
        assert builder.size == entry["size"]


async def test_the_storyboard_gets_the_status_words(client: Any) -> None:
    widget = StoryboardWidget(Storyboard(client))
    assert opened_state(widget)["_statuses"] == status_vocabulary()


async def test_the_gallery_filters_use_the_status_words(client: Any) -> None:
    choices = dict(map(tuple, opened_state(Gallery(client))["status_choices"]))
    assert choices["completed"] == Status.COMPLETED.word
    assert choices["unknown_outcome"] == Status.UNKNOWN_OUTCOME.word
    assert set(choices) == {"all", "completed", "running", "failed", "unknown_outcome"}


async def test_the_studio_gets_the_status_words_its_status_lines_read(client: Any) -> None:
    from sora_widgets.widgets.studio import Studio

    assert opened_state(Studio(client))["_statuses"] == status_vocabulary()


def test_the_result_strip_gets_the_status_words() -> None:
    assert opened_state(ResultStrip())["_statuses"] == status_vocabulary()


@pytest.mark.parametrize("cls", [StatusBar, PromptLab, StoryboardWidget, PromptBuilder, ResultStrip])
def test_the_data_traits_are_synced(cls: type) -> None:
    synced = set(cls.class_trait_names(sync=True))  # type: ignore[attr-defined]
    assert {"_statuses", "_catalog"} & synced
