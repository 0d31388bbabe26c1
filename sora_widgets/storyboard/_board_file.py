"""A storyboard as a file: its description as JSON (to share), saved under the home folder (to resume)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._paths import default_home, path_inside
from .._strict_json import loads_strict
from ..errors import InvalidRequestError
from ..models.request import ReferenceImage
from ._board import MAX_SHOTS, Shot, check_board_id

if TYPE_CHECKING:
    from ..client import SoraClient
    from ._storyboard import Storyboard

__all__ = [
    "FORMAT",
    "board_from_dict",
    "board_path",
    "board_to_dict",
    "image_dir",
    "parse_board_json",
    "save_board",
]

BOARD_DIR = "storyboards"
FORMAT = "sora-widgets/storyboard@1"
_SHA256 = re.compile(r"[0-9a-f]{64}")


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


def board_from_dict(
    cls: type[Storyboard], data: object, client: SoraClient | None, *, own_file: bool = False
) -> Storyboard:
    """Rebuild a board from :func:`board_to_dict` (same id, so its finished shots are found).

    Every value goes through the checks :meth:`Storyboard.add` and the constructor use, so a file
    can hold nothing a person could not have built by hand; each refusal is an
    :class:`InvalidRequestError` naming the field. A shot's own image may be a web address only,
    unless ``own_file`` (a board this machine saved, read back by :meth:`Storyboard.load`): a file
    from elsewhere must never make this machine read, and upload, a local file.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidRequestError(f"format: not a storyboard ({FORMAT}) description.")
    shots = data.get("shots")
    if not isinstance(shots, list):
        raise InvalidRequestError(f"shots: a list of shots, not {type(shots).__name__}.")
    if len(shots) > MAX_SHOTS:
        raise InvalidRequestError(f"shots: {len(shots)} shots; a board holds at most {MAX_SHOTS} shots.")
    board_id = data.get("id")
    board = cls(
        client,
        size=data.get("size", "landscape"),
        seconds=data.get("seconds", 4),
        continuity=data.get("continuity", "last_frame"),
        budget=data.get("budget"),
        crossfade=data.get("crossfade") or 0.0,
        board_id=None if board_id is None else check_board_id(board_id),
    )
    for index, shot in enumerate(shots):
        where = f"shots[{index}] (shot {index + 1})"
        if not isinstance(shot, dict):
            raise InvalidRequestError(f"{where}: a shot is an object, not {type(shot).__name__}.")
        try:
            image = _loaded_image(shot.get("image"), index, client, own_file=own_file)
            board._insert(
                Shot(
                    prompt=shot.get("prompt", ""),  # checked by _insert, like every value here
                    seconds=shot.get("seconds"),
                    continuity=shot.get("continuity"),
                    image=image,
                    take=shot.get("take", 0),
                    model=shot.get("model"),
                    params=shot.get("params"),
                )
            )
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"{where}: {exc.message}") from None
    return board


def parse_board_json(text: str) -> Any:
    """JSON text of a board; strict (no NaN or Infinity) and refused with InvalidRequestError."""
    try:
        return loads_strict(text)
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"not a storyboard file: {exc.message}.") from None


def _loaded_image(image: object, index: int, client: SoraClient | None, *, own_file: bool) -> Any:
    """A shot's own image as a file gives it: None, a web address, or (own files only) a path."""
    if image is None or (isinstance(image, str) and image.startswith(("https://", "http://"))):
        return image
    if not own_file and isinstance(image, (str, dict)):
        named = image if isinstance(image, str) else image.get("sha256", "a saved picture")
        shown = repr(str(named)[:80])
        raise InvalidRequestError(
            f"image: {shown} is a picture on the computer that wrote this board, and a board from a "
            "file never reads files from this one (it would upload them). Set this shot's "
            '"image" to null in the file, load it, then pick the picture again on this machine: '
            f"board.edit({index}, image='your.png')."
        )
    if isinstance(image, dict):  # bytes were not written into the board: its saved copy, if any
        digest = image.get("sha256")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise InvalidRequestError("image: a saved picture is named by its sha256 (64 hex digits).")
        saved = path_inside(image_dir(client), f"{digest}.png", what="image sha256")
        return _saved_image(saved, digest)
    if not isinstance(image, str):
        raise InvalidRequestError(f"image: a web address or null, not {type(image).__name__}.")
    return image


def _home(client: SoraClient | None) -> Path:
    journal = client.journal if client is not None else None
    return Path(journal.home) if journal is not None else default_home()


def image_dir(client: SoraClient | None) -> Path:
    """Where the boards of ``client``'s journal keep their shots' own images."""
    return _home(client) / BOARD_DIR / "images"


def board_path(board_id: str, client: SoraClient | None) -> Path:
    """Where the board ``board_id`` is saved (the id's form checked: it names the file)."""
    name = f"{check_board_id(board_id)}.json"
    return path_inside(_home(client) / BOARD_DIR, name, what=f"board id {board_id!r}")


def _saved_image(saved: Path, digest: str) -> Any:
    """The picture saved as ``saved``: the very bytes sent (so the shot's key, a hash of them, is
    the same after a restart and nothing is made twice), or the file itself for a board saved by
    an older version (which re-encoded it), or None when it is gone."""
    try:
        data = saved.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        return saved
    from ..media import load_image

    return load_image(data, source=f"saved picture {digest[:12]}")


def save_board(board: Storyboard, client: SoraClient | None) -> Path:
    """Write ``board`` (and its shots' own images, the bytes sent) next to ``client``'s journal."""
    path = board_path(board.id, client)
    path.parent.mkdir(parents=True, exist_ok=True)
    for shot in board.shots:
        if isinstance(shot.image, ReferenceImage):
            images = image_dir(client)
            images.mkdir(parents=True, exist_ok=True)
            target = path_inside(images, f"{shot.image.sha256}.png", what="image sha256")
            if not target.exists():  # named .png by the first version; Pillow reads any type
                part = target.with_name(f".{target.name}.part")
                part.write_bytes(shot.image.data)
                part.replace(target)
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(board_to_dict(board), indent=2), encoding="utf-8")
    tmp.replace(path)
    return path
