"""One run of a storyboard: each shot made (or reused, or resumed) in order, then the film joined."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._paths import path_inside
from ..errors import InvalidRequestError, SoraError
from ..models.request import ReferenceImage
from ..models.video import Video
from ._board import (
    BLOCKED,
    DONE,
    FAILED,
    PLANNED,
    RUNNING,
    WAITING,
    ShotFailed,
    ShotPlan,
    ShotState,
    check_board_id,
    describe_error,
    shot_labels,
)
from ._film import Film

if TYPE_CHECKING:
    from ._storyboard import Storyboard

__all__ = ["BoardRun"]


class BoardRun:
    """Makes the shots of ``board`` following ``plans`` and joins them (see :meth:`Storyboard.run`).

    Shot states are written into ``board.states`` as they change, and the board's observers told.
    """

    def __init__(self, board: Storyboard, plans: list[ShotPlan]) -> None:
        self.board = board
        self.plans = plans

    def _set(self, index: int, **changes: Any) -> None:
        state = self.board.states[index]
        for name, value in changes.items():
            setattr(state, name, value)
        self.board._changed()

    async def execute(self) -> Film:
        """Run every plan; the joined film, or :class:`ShotFailed` naming what was kept."""
        board = self.board
        try:
            for plan in self.plans:
                board.states[plan.index] = ShotState(status=WAITING if plan.action != "reuse" else RUNNING)
            board._changed()
            gate = asyncio.Semaphore(board.concurrency)
            done: list[asyncio.Future[Video | None]] = [
                asyncio.get_running_loop().create_future() for _ in self.plans
            ]
            jobs = [asyncio.ensure_future(self._run_shot(p, done, gate)) for p in self.plans]
            try:
                await asyncio.gather(*jobs)
            finally:
                for job in jobs:
                    job.cancel()
            failed = [i for i, s in enumerate(board.states) if s.status == FAILED]
            blocked = [i for i, s in enumerate(board.states) if s.status == BLOCKED]
            if failed:
                raise self._failure(failed, blocked)
            videos = [s.video for s in board.states]
            assert all(v is not None for v in videos)
            return await asyncio.to_thread(self._join, [v for v in videos if v is not None])
        finally:
            for state in board.states:  # a run stopped from outside (a cancelled cell)
                if state.status in (WAITING, RUNNING):
                    state.status, state.message = PLANNED, "stopped before it finished"

    def _failure(self, failed: list[int], blocked: list[int]) -> ShotFailed:
        states = self.board.states
        first = failed[0]
        state = states[first]
        kept = [i for i, s in enumerate(states) if s.status == DONE]
        parts = [f"shot {first + 1} failed: {state.message}"]
        if blocked:
            parts.append(
                f"shot{'s' if len(blocked) > 1 else ''} {', '.join(str(i + 1) for i in blocked)} "
                "continue from it and were not made"
            )
        if kept:
            names = ", ".join(str(i + 1) for i in kept)
            parts.append(f"shot{'s' if len(kept) > 1 else ''} {names} finished and are kept")
        parts.append(
            f"fix shot {first + 1} if needed and run again (board.edit({first}, prompt=...); "
            "await board.run())"
        )
        return ShotFailed(
            "; ".join(parts) + ".", index=first, failed=failed, blocked=blocked, cause=state.error
        )

    async def _run_shot(
        self, plan: ShotPlan, done: Sequence[asyncio.Future[Video | None]], gate: asyncio.Semaphore
    ) -> None:
        i = plan.index
        try:
            source: Video | None = None
            if plan.depends_on is not None and plan.action != "reuse":
                source = await asyncio.shield(done[plan.depends_on])
                if source is None:
                    self._set(
                        i,
                        status=BLOCKED,
                        message=f"not made: shot {plan.depends_on + 1}, which it continues from, "
                        "did not finish",
                    )
                    done[i].set_result(None)
                    return
            async with gate:
                video = await self._make(plan, source)
                if video.path is None:  # a client with auto_download=False: the join needs the file
                    video = video.with_changes(path=await self.board.client.download(video))
            self._set(i, status=DONE, progress=1.0, video=video, task_id=video.task_id, message="")
            done[i].set_result(video)
        except asyncio.CancelledError:
            if not done[i].done():
                done[i].cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - a shot's failure is kept as its state
            self._set(i, status=FAILED, error=exc, message=describe_error(exc))
            if not done[i].done():
                done[i].set_result(None)

    async def _make(self, plan: ShotPlan, source: Video | None) -> Video:
        board = self.board
        client = board.client
        i = plan.index

        def update(task: Any) -> None:
            self._set(i, status=RUNNING, task_id=task.id, progress=task.progress, message=task.status)

        if plan.action == "reuse" and plan.entry is not None and plan.entry.video is not None:
            video = plan.entry.video
            if video.path is None or not Path(video.path).is_file():  # noqa: ASYNC240 - one stat
                video = video.with_changes(path=await client.download(video))
            return video
        if plan.action == "resume" and plan.entry is not None and plan.entry.task_id:
            self._set(i, status=RUNNING, task_id=plan.entry.task_id, message="resumed")
            return await client.wait(plan.entry.task_id, on_update=update)
        if plan.action == "unknown":
            raise SoraError(
                "its create request was sent before but the answer was lost (outcome unknown); it is "
                "not sent again, because that could bill a second task. Check the Vtrix console, then "
                f"board.rerun_from({i}) to make it anew."
            )
        shot = board.shots[i]
        mode = board.mode_of(i)
        if shot.model:
            params = await self._catalog_fields(i, source if mode == "last_frame" else None)
            self._set(i, status=RUNNING, message="sending", progress=None)
            task = await client.create(labels=shot_labels(board.id, i, plan.key), **params)
            update(task)
            return await client.wait(task, on_update=update)
        fields: dict[str, Any] = {"prompt": shot.prompt, "size": board.size, "seconds": board.seconds_of(i)}
        if shot.image is not None:
            fields["image"] = await asyncio.to_thread(self._own_image, shot.image)
        if source is not None and mode == "last_frame":
            fields["image"] = await asyncio.to_thread(self._reference_from, source)
        elif source is not None and mode == "remix":
            fields["remix_video_id"] = source.remix_id or source.task_id
        self._set(i, status=RUNNING, message="sending", progress=None)
        task = await client.create(labels=shot_labels(board.id, i, plan.key), **fields)
        update(task)
        return await client.wait(task, on_update=update)

    async def _catalog_fields(self, index: int, source: Video | None) -> dict[str, Any]:
        """A catalog-model shot's create arguments: its params, its prompt and length, and its
        first-frame image (its own, or the last frame of ``source``) in the parameter its spec
        names for that, fitted to the size the request will have."""
        from ..client._requests import nominal_size

        shot = self.board.shots[index]
        spec = await self.board.client.model_spec(str(shot.model))
        params: dict[str, Any] = dict(shot.params or {})
        for name in (n for n in spec.image_params if n in params):
            # A board may come from a shared file: its params never make this machine read a file.
            items = params[name] if isinstance(params[name], list) else [params[name]]
            if not all(isinstance(v, str) and v.startswith(("https://", "http://")) for v in items):
                raise InvalidRequestError(
                    f"shot {index} ({shot.model}): params[{name!r}] takes web addresses here; give a "
                    "local picture as the shot's image= instead."
                )
        if spec.param("prompt") is not None:
            params.setdefault("prompt", shot.prompt)
        length = spec.length_param
        if shot.seconds is not None and length is not None:
            params.setdefault(length.name, shot.seconds)
        first = spec.first_frame_param
        if first is not None and (shot.image is not None or source is not None):
            size = nominal_size(spec, params)
            from ..media import fit_image

            if source is not None:
                image = await asyncio.to_thread(self._reference_from, source, size)
            else:
                image = await asyncio.to_thread(fit_image, shot.image, size)
            param = spec.param(first)
            params[first] = [image] if param is not None and param.type == "array" else image
        return {"model": shot.model, **params}

    def _own_image(self, image: Any) -> Any:
        if isinstance(image, str) and image.startswith(("https://", "http://")):
            return image
        from ..media import fit_image

        return fit_image(image, self.board.size)

    def _reference_from(self, video: Video, size: str | None = None) -> ReferenceImage:
        """Shot ``video``'s last frame, fitted to ``size`` (the board's), as a PNG reference."""
        from ..av.film import last_frame
        from ..media import fit_image

        if video.path is None:
            raise SoraError(f"shot video {video.task_id} has no local file to take the last frame from.")
        target = size or self.board.size
        return fit_image(last_frame(video.path), target, source=f"last frame of {video.task_id}")

    def _join(self, videos: list[Video]) -> Film:
        from ..av.film import join_videos

        board = self.board
        paths = [Path(v.path) for v in videos if v.path is not None]
        digest = hashlib.sha256(
            json.dumps([v.task_id for v in videos] + [board.crossfade]).encode("utf-8")
        ).hexdigest()[:12]
        name = f"board-{check_board_id(board.id)}-{digest}.mp4"
        dest = path_inside(board.client.download_dir / "films", name, what=f"board id {board.id!r}")
        joined = join_videos(paths, dest, crossfade=board.crossfade)
        return Film(
            shots=list(videos),
            path=joined.path,
            duration=joined.duration,
            frames=joined.frames,
            join=joined.mode,
            has_audio=joined.has_audio,
            starts=joined.starts,
            board_id=board.id,
        )
