"""A local Vtrix gateway that renders real videos: the service behind every test and demo.

It speaks the contract of ``POST /model/v1/generation`` and
``GET /model/v1/generation/task/{id}`` (Bearer auth, nested or flat bodies, the exact JSON
types real clients decode) and serves the result MP4s itself, from links that expire.
Videos are synthetic: every frame carries a "SIMULATED" caption.

Two ways to run it:

```python
from sora_widgets.simulator import Simulator
sim = Simulator(speed="instant")                 # in-process: httpx.ASGITransport(app=sim.app)
with sim.serve() as base_url:                    # a real server on 127.0.0.1 (free port)
    ...
```

```
python -m sora_widgets.simulator --port 8765 --speed demo   # prints http://127.0.0.1:8765
```

The model catalog is served too (``GET /api/v1/skill/models`` with ``page``, ``page_size``,
``type``, ``keywords``; ``GET /api/v1/skill/models/{id}/spec``; the ``{"data", "status"}``
envelope; no auth): the bundled Sora 2 Pro specs and four simulated example models
(``simulator/examples/*.json``). Creates are checked against the model's spec with the
client's own validator and accepted at each spec's ``api.endpoint``, polled at
``{endpoint}/task/{id}``; the video's length and shape come from the model's own fields.
``Simulator(retired=["sora"])`` (or ``--retire``) rehearses a retired model: it leaves the list
and its spec and creates answer 404 "Model not found".

Speeds: ``instant`` (done as soon as the video is rendered, about a second), ``demo``
(5-15 s, the default), ``realistic`` (1-5 minutes, a long tail past 10).

State (tasks, reference images, videos) lives in ``state_dir`` (default
``$SORA_WIDGETS_HOME/simulator``), so a simulator restarted on the same directory, in-process
after a kernel restart or as a server, still knows its tasks and files.

Validation, as the service does it: an unknown or retired model -> HTTP 404 "Model not found";
a value the spec refuses, an empty prompt or a missing image -> HTTP 400; a missing or wrong
key -> 401; an unknown task -> 404. An image
that is not JPEG/PNG/WebP by content, or not exactly the video's size -> a failed task with
code ``003000099`` and "Inpaint image must match the requested width and height"; a prompt
with a moderation word (``gore``, ``nsfw``, ``nude``, ``beheading``, ``massacre`` by default;
``moderation_words=`` changes the list) -> a failed task "Your request was blocked by our
moderation system."; a ``remix_video_id`` that is no completed video -> failed ``...097``.

Magic words (put them anywhere in a prompt; they are not drawn in the video; several may be
combined; ``xN`` repeats):

==============================  ===============================================================
``[sim:fail]``                  the task fails with ``...095`` (internal generation error)
``[sim:fail=096]``              ... with that code (``095``-``099``, or a full 9-digit code)
``[sim:moderation]``            the task fails with the moderation message
``[sim:face]``                  the same, as for an input image showing a human face
``[sim:moderation=http]``       moderation refuses at creation: HTTP 400, nothing made
``[sim:refuse]``                the create answers HTTP 200 with an ``error`` and no ``id``
``[sim:error_shape=string]``    a failed task's ``error`` is a plain string (or ``message``:
                                ``message`` instead of ``error_message``; ``number``: the code
                                is a JSON number)
``[sim:http=429]``              the create answers 429 + ``Retry-After`` instead of creating
``[sim:http=503x3]``            the next three creates of this prompt answer 503 (401, 402,
                                403, 500, 502, 504 ... work too; each shape the spec lists)
``[sim:poll=503x3]``            the task's first three polls answer 503 (any status as above)
``[sim:retry_after=0.2]``       the ``Retry-After`` those answers carry (seconds)
``[sim:slow=2]``                every answer about this task waits 2 s
``[sim:hang]`` / ``=N``         the next poll(s) hang ``hang_s`` (45 s), then answer 504
``[sim:hang_s=5]``              how long a hang lasts
``[sim:malformed]`` / ``=N``    the next poll(s) answer with broken JSON
``[sim:drop]`` / ``=N``         the next poll(s) break the connection mid-answer
``[sim:unknown]`` / ``=N``      the next two (N) polls report status ``upstream_throttled``
``[sim:unknown=paused]``        ... or that status
``[sim:truncate]`` / ``=N``     the first (N) downloads stop halfway (Content-Length says more)
``[sim:expire]`` / ``=N``       the first (N) completed answers carry an already-expired URL
                                (403 from the file server); a later poll gives a fresh one
``[sim:lose]``                  the task is created (and billed), but the create answers 504
``[sim:lose=drop]``             ... the connection breaks mid-answer
``[sim:lose=hang]``             ... no answer for ``hang_s``
``[sim:done]``                  the create answer waits for the video: already ``completed``
``[sim:audio]``                 not a fault: the video carries a quiet AAC track, as real Sora
                                videos do (``FaultPlan(audio=True)`` for every video)
==============================  ===============================================================

Per-instance faults take the same names as :class:`FaultPlan` fields
(``Simulator(faults=FaultPlan(poll_http=[503] * 3))``, or ``--faults "[sim:poll=503x3]"`` on
the command line) and can be changed while it runs (``sim.faults.truncate_downloads = 1``).

``sim.ledger`` counts created, billed and refused tasks per key (``sim.ledger.created(key)``,
``.billed(key)``, ``.refused(key)``, ``.total_created``, ``.by_prompt(prompt)``), so tests can
prove nothing was created twice. Keys are kept only as fingerprints.
"""

from ._billing import Ledger
from ._store import default_state_dir
from .app import Simulator
from .faults import FaultPlan

__all__ = ["FaultPlan", "Ledger", "Simulator", "default_state_dir"]
