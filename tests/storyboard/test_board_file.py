"""Board files from elsewhere: ids that name files, pictures that are not the user's, values that
are not a board. A file holds nothing a person could not have built by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from sora_widgets._paths import is_inside, path_inside
from sora_widgets.client import SoraClient
from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.request import ReferenceImage
from sora_widgets.simulator import Simulator
from sora_widgets.storyboard import MAX_SHOTS, Storyboard
from sora_widgets.storyboard._board_file import FORMAT, board_path

from .conftest import KEY, STORY


def board_dict(**changes: Any) -> dict[str, Any]:
    """A valid two-shot board description with ``changes`` applied (``shots`` replaces them)."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "id": "0123456789ab",
        "size": "1280x720",
        "seconds": 4,
        "continuity": "last_frame",
        "budget": "10",
        "crossfade": 0.0,
        "shots": [
            {"prompt": STORY[0], "seconds": None, "continuity": None, "image": None, "take": 0},
            {"prompt": STORY[1], "seconds": 8, "continuity": "none", "image": None, "take": 2},
        ],
    }
    data.update(changes)
    return data


def shot(**changes: Any) -> dict[str, Any]:
    return {"prompt": STORY[0], "seconds": None, "continuity": None, "image": None, "take": 0, **changes}


def test_a_valid_file_loads_as_the_same_board() -> None:
    board = Storyboard.from_dict(board_dict())
    assert board.id == "0123456789ab" and len(board) == 2 and board.shots[1].take == 2
    assert board.to_dict() == board_dict()


# -- 1. ids name files: only the form sora_widgets makes, and paths checked after resolving ------

ESCAPING_IDS = [
    "../../outside",
    "/tmp/evil",
    "..",
    "a/b",
    "0123456789ab/../../x",
    "abc\x00def",
    "",
    "ABCDEF012345",
]


@pytest.mark.parametrize("bad", ESCAPING_IDS)
def test_an_id_that_is_not_a_board_id_is_refused_everywhere(bad: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="id"):
        Storyboard.from_dict(board_dict(id=bad))
    with pytest.raises(InvalidRequestError, match="board id"):
        Storyboard(board_id=bad)
    with pytest.raises(InvalidRequestError, match="board id"):
        Storyboard.load(bad)
    with pytest.raises(InvalidRequestError, match="board id"):
        board_path(bad, None)


def test_a_board_whose_id_was_changed_writes_nothing_outside_and_sends_nothing(tmp_path: Path) -> None:
    client = SoraClient(KEY, connect=Simulator(speed="instant"))
    board = Storyboard(client, seconds=4)
    board.add(STORY[0])
    victim = tmp_path / "victim.json"
    victim.write_text("{}", encoding="utf-8")
    board.id = os.path.relpath(victim.with_suffix(""), client.journal.home / "storyboards")  # type: ignore[union-attr]
    with pytest.raises(InvalidRequestError, match="board id"):
        board.save()
    with pytest.raises(InvalidRequestError, match="board id"):
        board.run_sync()
    assert victim.read_text(encoding="utf-8") == "{}"
    assert client.simulator is not None and client.simulator.ledger.created(KEY) == 0
    client.close()


def test_a_symbolic_link_planted_in_the_folder_is_not_followed(tmp_path: Path) -> None:
    board = Storyboard(seconds=4)
    board.add(STORY[0])
    victim = tmp_path / "victim.json"
    victim.write_text("{}", encoding="utf-8")
    folder = Path(os.environ["SORA_WIDGETS_HOME"]) / "storyboards"
    folder.mkdir(parents=True)
    (folder / f"{board.id}.json").symlink_to(victim)
    with pytest.raises(InvalidRequestError, match="leaves its folder"):
        board.save()
    assert victim.read_text(encoding="utf-8") == "{}"


def test_path_inside_refuses_every_way_out(tmp_path: Path) -> None:
    assert path_inside(tmp_path, "a.json", what="x") == tmp_path / "a.json"
    assert path_inside(tmp_path, "...json", what="x") == tmp_path / "...json"
    for name in ["../a.json", "/etc/passwd", "a/b.json", "..", ".", "", "a\x00.json", "a\\b"]:
        with pytest.raises(InvalidRequestError, match="leaves its folder"):
            path_inside(tmp_path, name, what="x")
    assert is_inside(tmp_path / "a" / ".." / "b", tmp_path)
    assert not is_inside(tmp_path / ".." / "b", tmp_path)


# -- 2. a file from elsewhere never reads a local picture --------------------------------------


@pytest.mark.parametrize(
    "image",
    [
        "/home/someone/.ssh/id_rsa.png",
        "pond.png",
        "../../private.jpg",
        {"sha256": "../../../../etc/passwd", "size": "1280x720"},
        {"sha256": "a" * 64, "size": "1280x720"},
    ],
)
def test_a_shared_board_with_a_local_picture_is_refused_naming_the_shot(image: Any, tmp_path: Path) -> None:
    picture = tmp_path / "private.png"
    Image.new("RGB", (64, 64)).save(picture)
    data = board_dict(shots=[shot(), shot(image=image)])
    with pytest.raises(InvalidRequestError, match=r"shot 2\): image: .*pick the picture again") as info:
        Storyboard.from_json(json.dumps(data))
    assert "board.edit(1, image=" in info.value.message


def test_a_shared_board_may_name_a_picture_on_the_web() -> None:
    board = Storyboard.from_dict(board_dict(shots=[shot(image="https://cdn.example/owl.png")]))
    assert board.shots[0].image == "https://cdn.example/owl.png"


def test_a_board_this_machine_saved_gets_its_own_pictures_back(tmp_path: Path) -> None:
    picture = tmp_path / "pond.png"
    Image.new("RGB", (640, 360), (20, 90, 160)).save(picture)
    board = Storyboard(seconds=4)
    board.add(STORY[0], image=picture.read_bytes())  # bytes: saved as a PNG by its digest
    board.add(STORY[1], image=str(picture))  # a path the user picked on this machine
    board.save()
    again = Storyboard.load(board.id)
    assert again.keys() == board.keys()  # same keys: a resumed board makes nothing twice
    assert isinstance(again.shots[0].image, ReferenceImage) and isinstance(
        board.shots[0].image, ReferenceImage
    )
    assert again.shots[0].image.data == board.shots[0].image.data and again.shots[1].image == str(picture)
    with pytest.raises(InvalidRequestError, match="image"):
        Storyboard.from_json(board.to_json())  # the same file, sent to someone else


# -- 3. loading validates exactly as building by hand ------------------------------------------

BAD_FILES = [
    ("budget", board_dict(budget="NaN")),
    ("budget", board_dict(budget="-1")),
    ("budget", board_dict(budget="1e999")),
    ("budget", board_dict(budget=1e999)),
    ("budget", board_dict(budget="1e30")),
    ("budget", board_dict(budget=True)),
    ("budget", board_dict(budget=[10])),
    ("shots", board_dict(shots="abc")),
    ("shots", board_dict(shots=None)),
    ("shots", board_dict(shots=[shot()] * (MAX_SHOTS + 1))),
    ("shot 1", board_dict(shots=[None])),
    ("take", board_dict(shots=[shot(take="x")])),
    ("take", board_dict(shots=[shot(take=-1)])),
    ("take", board_dict(shots=[shot(take=1.5)])),
    ("prompt", board_dict(shots=[shot(prompt=None)])),
    ("prompt", board_dict(shots=[shot(prompt="a kite\x00")])),
    ("prompt", board_dict(shots=[shot(prompt="   ")])),
    ("seconds", board_dict(shots=[shot(seconds="x")])),
    ("seconds", board_dict(seconds=5)),
    ("continuity", board_dict(shots=[shot(continuity="dissolve")])),
    ("continuity", board_dict(continuity=["none"])),
    ("size", board_dict(size={"w": 1})),
    ("crossfade", board_dict(crossfade="abc")),
    ("crossfade", board_dict(crossfade=5)),
    ("crossfade", board_dict(crossfade=float("nan"))),
    ("image", board_dict(shots=[shot(image=42)])),
    ("id", board_dict(id=12)),
    ("id", board_dict(id="0123456789a\x00")),
    ("format", board_dict(format="sora-widgets/storyboard@9")),
    ("format", [board_dict()]),
]


@pytest.mark.parametrize(("field", "data"), BAD_FILES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_FILES)])
def test_every_bad_value_is_refused_naming_its_field(field: str, data: Any) -> None:
    with pytest.raises(InvalidRequestError, match=field):
        Storyboard.from_dict(data)


@pytest.mark.parametrize("text", ['{"budget": NaN}', "[" * 100_000, '{"a": Infinity}', "\x00", "1" * 5000])
def test_json_that_is_not_a_board_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequestError):
        Storyboard.from_json(text)


def test_building_by_hand_refuses_the_same_values() -> None:
    for budget in ("NaN", "-1", "1e999", float("inf")):
        with pytest.raises(InvalidRequestError, match="budget"):
            Storyboard(budget=budget)
    board = Storyboard()
    with pytest.raises(InvalidRequestError, match="budget"):
        board.configure(budget="NaN")
    with pytest.raises(InvalidRequestError, match="prompt"):
        board.add("a kite\x00")
    for _ in range(MAX_SHOTS):
        board.add(STORY[0])
    with pytest.raises(InvalidRequestError, match=f"at most {MAX_SHOTS}"):
        board.add(STORY[0])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.fixed_dictionaries(
    {"format": st.just(FORMAT)},
    optional={
        "id": st.one_of(JSON, st.just("0123456789ab")),
        "size": st.one_of(JSON, st.sampled_from(["landscape", "720x1280"])),
        "seconds": st.one_of(JSON, st.sampled_from([4, "8", 12])),
        "continuity": st.one_of(JSON, st.sampled_from(["none", "remix"])),
        "budget": st.one_of(JSON, st.sampled_from(["10", "NaN", "-1", "1e999", 3.5])),
        "crossfade": st.one_of(JSON, st.sampled_from([0, 0.5, 1])),
        "shots": st.one_of(
            JSON,
            st.lists(
                st.one_of(
                    JSON,
                    st.fixed_dictionaries(
                        {"prompt": st.one_of(st.text(max_size=30), st.just(STORY[0]))},
                        optional={
                            "seconds": st.one_of(JSON, st.sampled_from([4, 8])),
                            "continuity": st.one_of(JSON, st.sampled_from(["none", "last_frame"])),
                            "image": st.one_of(JSON, st.just("https://cdn.example/a.png")),
                            "take": JSON,
                        },
                    ),
                ),
                max_size=4,
            ),
        ),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(JSON, FIELDS))
def test_the_loader_on_any_json_loads_a_valid_board_or_says_which_field(data: Any) -> None:
    try:
        board = Storyboard.from_dict(data)
    except InvalidRequestError as exc:
        assert exc.message
        return
    # What loaded is a board a person could have built: it survives its own round trip.
    assert Storyboard.from_dict(json.loads(json.dumps(board.to_dict()))).to_dict() == board.to_dict()
    assert len(board) <= MAX_SHOTS


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"shots": "abc", "path": "f.mp4", "duration": 1, "frames": 1},
        {"shots": [], "path": None},
    ],
)
def test_a_film_description_that_is_not_one_is_refused(data: Any) -> None:
    from sora_widgets.storyboard import Film

    with pytest.raises(InvalidRequestError, match="not a film description"):
        Film.from_dict(data)
