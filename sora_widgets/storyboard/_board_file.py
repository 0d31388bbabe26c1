"""A storyboard as a file: its description as JSON (to share), saved under the home folder (to resume)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._paths import default_home
from ..errors import InvalidRequestError
from ..models.request import ReferenceImage
from ._board import Shot, ShotState

if TYPE_CHECKING:
    from ..client import SoraClient
    from ._storyboard import Storyboard

__all__ = ["FORMAT", "board_from_dict", "board_path", "board_to_dict", "image_dir", "save_board"]

BOARD_DIR = "storyboards"
FORMAT = "sora-widgets/storyboard@1"


def board_to_dict(board: Storyboard) -> dict[str, Any]:
    """Prompts and settings (never keys or videos); see :meth:`Storyboard.to_dict`."""
    shots = []
    for shot in board.shots:
        image: Any = None
        if isinstance(shot.image, ReferenceImage):
            image = {"sha256": shot.image.sha256, "size": shot.image.size}
        elif shot.image is not None:
            image = str(shot.image)
        shots.append(
            {
                "prompt": shot.prompt,
                "seconds": shot.seconds,
                "continuity": shot.continuity,
                "image": image,
                "take": shot.take,
                **({"model": shot.model, "params": shot.params} if shot.model else {}),
            }
        )
    return {
        "format": FORMAT,
        "id": board.id,
        "size": board.size,
        "seconds": board.seconds,
        "continuity": board.continuity,
        "budget": None if board.budget is None else str(board.budget),
        "crossfade": board.crossfade,
        "shots": shots,
    }


def board_from_dict(cls: type[Storyboard], data: dict[str, Any], client: SoraClient | None) -> Storyboard:
    """Rebuild a board from :func:`board_to_dict` (same id, so its finished shots are found)."""
    if data.get("format") != FORMAT:
        raise InvalidRequestError(f"not a storyboard ({FORMAT}) description.")
    board = cls(
        client,
        size=data["size"],
        seconds=data["seconds"],
        continuity=data["continuity"],
        budget=data.get("budget"),
        crossfade=float(data.get("crossfade") or 0.0),
        board_id=data.get("id"),
    )
    for shot in data["shots"]:
        image = shot.get("image")
        if isinstance(image, dict):  # bytes were not shared: look for the saved copy
            saved = image_dir(client) / f"{image.get('sha256')}.png"
            image = saved if saved.is_file() else None
        board.shots.append(
            board._valid(
                Shot(
                    prompt=shot["prompt"],
                    seconds=shot.get("seconds"),
                    continuity=shot.get("continuity"),
                    image=image,
                    take=int(shot.get("take") or 0),
                    model=shot.get("model"),
                    params=shot.get("params"),
                )
            )
        )
        board.states.append(ShotState())
    return board


def _home(client: SoraClient | None) -> Path:
    journal = client.journal if client is not None else None
    return Path(journal.home) if journal is not None else default_home()


def image_dir(client: SoraClient | None) -> Path:
    """Where the boards of ``client``'s journal keep their shots' own images."""
    return _home(client) / BOARD_DIR / "images"


def board_path(board_id: str, client: SoraClient | None) -> Path:
    """Where the board ``board_id`` is saved."""
    return _home(client) / BOARD_DIR / f"{board_id}.json"


def save_board(board: Storyboard, client: SoraClient | None) -> Path:
    """Write ``board`` (and its shots' own images, as PNG) next to ``client``'s journal."""
    path = board_path(board.id, client)
    path.parent.mkdir(parents=True, exist_ok=True)
    for shot in board.shots:
        if isinstance(shot.image, ReferenceImage):
            images = image_dir(client)
            images.mkdir(parents=True, exist_ok=True)
            target = images / f"{shot.image.sha256}.png"
            if not target.exists():
                from PIL import Image

                with Image.open(io.BytesIO(shot.image.data)) as im:
                    im.save(target, format="PNG")
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(board_to_dict(board), indent=2), encoding="utf-8")
    tmp.replace(path)
    return path
