"""Storyboard shots on any catalog model: last-frame continuity through the spec's first-frame
image parameter, and a clear refusal (before anything is sent) for a model that cannot continue."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sora_widgets.av.film import last_frame
from sora_widgets.client import SoraClient
from sora_widgets.errors import InvalidRequestError
from sora_widgets.storyboard import BudgetExceeded, ShotFailed, Storyboard

from .conftest import STORY


async def test_a_kling_shot_continues_from_the_last_frame_of_a_sora_shot(
    full_size_client: SoraClient,
) -> None:
    client = full_size_client  # the frame sent is compared with the last one, pixel for pixel
    board = Storyboard(client, size="landscape", seconds=4, continuity="last_frame")
    board.add(STORY[0])
    board.add(STORY[1], model="kirin_v2_6_i2v", params={"duration": 5, "sound": True})
    film = await board.run()
    first, second = film.shots
    assert (first.model, second.model) == ("sora_2_pro_t2v", "kirin_v2_6_i2v")
    assert second.seconds == 5
    # What was sent in the spec's first-frame parameter ("image"): shot 0's last frame, fitted.
    task = client.simulator.engine.get(second.task_id)
    assert task is not None and task.image_sha256
    sent = (client.simulator.engine.state_dir / "inputs" / task.image_sha256).read_bytes()
    assert first.path is not None
    with Image.open(io.BytesIO(sent)) as im:
        assert np.array_equal(np.asarray(im.convert("RGB")), np.asarray(last_frame(first.path)))


async def test_an_image_array_model_gets_the_last_frame_as_its_first_item(client: SoraClient) -> None:
    board = Storyboard(client, size="landscape", seconds=4, continuity="last_frame")
    board.add(STORY[0])
    board.add(STORY[1], model="viduq3_pro_start_end2video", params={"duration": 2})
    film = await board.run()
    assert film.shots[1].model == "viduq3_pro_start_end2video"
    task = client.simulator.engine.get(film.shots[1].task_id)
    assert task is not None and task.image_sha256


async def test_a_model_that_cannot_continue_is_refused_naming_the_shot_and_model(client: SoraClient) -> None:
    board = Storyboard(client, size="landscape", seconds=4, continuity="last_frame")
    board.add(STORY[0])
    board.add(STORY[1], model="kirin_v2_6_t2v")
    created = client.simulator.ledger.total_created
    with pytest.raises(InvalidRequestError, match=r"shot 1 \(kirin_v2_6_t2v\).*first-frame image"):
        await board.run()
    assert client.simulator.ledger.total_created == created  # not even shot 0 was sent
    board.edit(1, continuity="none")  # an independent shot is fine
    await board.check()


async def test_an_unpriced_model_is_unknown_never_zero_and_a_budget_refuses_it(client: SoraClient) -> None:
    board = Storyboard(client, size="landscape", seconds=4, budget=100)
    board.add(STORY[0])
    board.add(STORY[1], model="kirin_v2_6_i2v")
    assert board.price_of(1) is None
    assert board.total_cost is None and board.estimated_cost is None
    created = client.simulator.ledger.total_created
    with pytest.raises(BudgetExceeded, match="no price is known for kirin_v2_6_i2v"):
        await board.run()
    assert client.simulator.ledger.total_created == created
    client.prices.set("kirin_v2_6_i2v", per_second="0.10")
    assert board.price_of(1) is not None and board.total_cost is not None


def test_params_without_a_model_are_refused(client: SoraClient) -> None:
    board = Storyboard(client)
    with pytest.raises(InvalidRequestError, match="model="):
        board.add(STORY[0], params={"duration": 5})


async def test_a_catalog_shot_round_trips_through_to_dict(client: SoraClient) -> None:
    board = Storyboard(client)
    board.add(STORY[0], model="kirin_v2_6_t2v", params={"aspect_ratio": "9:16"})
    again = Storyboard.from_dict(board.to_dict(), client=client)
    assert (again.shots[0].model, again.shots[0].params) == ("kirin_v2_6_t2v", {"aspect_ratio": "9:16"})
    assert again.keys() == board.keys()


async def test_params_never_make_this_machine_read_a_local_file(client: SoraClient, tmp_path: Path) -> None:
    secret = tmp_path / "private.png"
    Image.new("RGB", (64, 64), "blue").save(secret)
    board = Storyboard(client, continuity="none")
    board.add(STORY[0], model="kirin_v2_6_i2v", params={"image": str(secret)})
    created = client.simulator.ledger.total_created
    with pytest.raises(ShotFailed) as failed:
        await board.run()
    assert "params['image'] takes web addresses" in str(board.states[0].message)
    assert failed.value.failed == [0]
    assert client.simulator.ledger.total_created == created
