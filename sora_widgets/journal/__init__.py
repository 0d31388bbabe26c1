"""The journal: an SQLite record of every request, task and result, across kernel restarts.

Example:
    >>> import sora_widgets as sw
    >>> history = sw.History()            # doctest: +SKIP
    >>> history.videos(model="sora_2_pro_i2v", since=datetime(2026, 11, 1))   # doctest: +SKIP
    >>> history[0].path                   # the newest video's local file    # doctest: +SKIP

A paid request is written down *before* it is sent and its task id as soon as it is known,
so a crash, a kernel restart or a lost answer never loses track of what was paid for. The
database lives at ``$SORA_WIDGETS_HOME/journal.sqlite3`` (default: the platform's user data
directory, via platformdirs) in WAL mode with a busy timeout, so two kernels can write at
once; every read-modify-write runs in a ``BEGIN IMMEDIATE`` transaction. The rules of the
task state machine hold here too: a terminal state stays terminal and progress never goes
backwards, whichever process writes last.

Behind this face, each private module has one job: ``_entry`` (an entry, its row, the one
filter builder), ``_store`` (the database file, schema, transactions), ``_query`` (reads),
``_journal`` (recording: the writes and the Recorder events), ``_history`` (what users see).
"""

from __future__ import annotations

from .._paths import default_home
from ._entry import REFUSED, SENDING, TERMINAL, UNKNOWN_OUTCOME, EntryFilter, JournalEntry
from ._history import History
from ._journal import Journal
from ._store import SCHEMA_VERSION

__all__ = [
    "REFUSED",
    "SCHEMA_VERSION",
    "SENDING",
    "TERMINAL",
    "UNKNOWN_OUTCOME",
    "EntryFilter",
    "History",
    "Journal",
    "JournalEntry",
    "default_home",
]
