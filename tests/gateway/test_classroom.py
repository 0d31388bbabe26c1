"""sw.Classroom against a served gateway: the table, the wall, top-ups and revokes from the
front end's messages, and no secret in the widget's state."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from sora_widgets import Classroom
from sora_widgets.client import SoraClient
from sora_widgets.gateway import Gateway

SHOT = "Wide shot of a red kite over a beach, slow dolly in"


def from_browser(room: Classroom, content: dict[str, str]) -> None:
    """A message from the front end, through the widget's comm (as ipykernel delivers it)."""
    room.comm.handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


async def settle(room: Classroom) -> None:
    for _ in range(50):
        running = room._background.running
        if not running:
            return
        await asyncio.gather(*running, return_exceptions=True)


async def test_classroom_table_wall_top_up_and_revoke(
    make_gateway: Callable[..., tuple[Gateway, str]],
    student_client: Callable[[str, str], SoraClient],
    teacher_key: str,
) -> None:
    gateway, url = make_gateway()
    admin_key = gateway.store.add("teacher", admin=True)
    keys = {name: gateway.store.add(name, "5.00") for name in ("ada", "ben")}
    await student_client(url, keys["ada"]).generate(prompt=SHOT, seconds=4)

    room = Classroom(url, admin_key, refresh_s=0)
    await settle(room)
    rows = {s["name"]: s for s in room.students}
    assert set(rows) == {"teacher", "ada", "ben"}
    assert (rows["ada"]["spent"], rows["ada"]["remaining"]) == ("1.20", "3.80")
    assert [(v["student"], v["prompt"]) for v in room.wall] == [("ada", SHOT)]
    assert room.wall[0]["url"].startswith("http://127.0.0.1")

    from_browser(room, {"type": "top_up", "name": "ben", "amount": "2.50"})
    await settle(room)
    assert {s["name"]: s for s in room.students}["ben"]["budget"] == "7.50"
    assert "ben" in room.note and room.error == ""

    from_browser(room, {"type": "top_up", "name": "ben", "amount": "lots"})
    assert "amount" in room.error

    from_browser(room, {"type": "revoke", "name": "ada"})
    await settle(room)
    assert {s["name"]: s for s in room.students}["ada"]["revoked"] is True
    assert gateway.store.principal(keys["ada"]) is None

    state = json.dumps(room.get_state(), default=str)
    for secret in (admin_key, teacher_key, *keys.values()):
        assert secret not in state and secret not in repr(room)
    await room.aclose()


async def test_a_wrong_admin_key_is_shown_not_raised(
    make_gateway: Callable[..., tuple[Gateway, str]],
) -> None:
    gateway, url = make_gateway()
    student = gateway.store.add("cy", "1")
    room = Classroom(url, student, refresh_s=0)  # a student's key is not an admin key
    await settle(room)
    assert room.students == [] and "403" in room.error and student not in room.error
    await room.aclose()
