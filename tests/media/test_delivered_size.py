"""A downloaded video whose pictures are not the size asked for is kept, labelled and warned
about (real simulator, real download, the MP4's real header)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import sora_widgets as sw
from sora_widgets.client._download import LABEL_DELIVERED_SIZE
from sora_widgets.simulator import Simulator


def test_a_video_of_another_size_than_asked_is_labelled_and_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = sw.SoraClient(connect=Simulator(speed="instant", state_dir=tmp_path / "sim"))
    journal = client.journal
    assert journal is not None
    with caplog.at_level(logging.INFO, logger="sora_widgets.client"):
        video = client.generate_sync(prompt="A red kite over a beach at dusk", size="1280x720", seconds=4)
        assert LABEL_DELIVERED_SIZE not in video.labels and "not the" not in caplog.text
        # The same file, as if portrait had been asked for: what a wrong upstream would deliver.
        asked = video.with_changes(size="720x1280", path=None)
        path = client.download_sync(asked)
    assert path.is_file()  # kept: it was paid for
    entry = journal.entry_for_task(video.task_id)
    assert entry is not None and entry.video is not None
    assert entry.video.labels[LABEL_DELIVERED_SIZE] == "1280x720"
    assert "is 1280x720, not the 720x1280 that was asked for" in caplog.text
    client.close()
