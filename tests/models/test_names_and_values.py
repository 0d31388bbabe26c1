"""Names and values in one place: statuses, sizes and lengths, money, shortening, advice.

Each list exists once in Python and reaches the front ends as data; these tests fail when a
second copy (a word table in JavaScript, a size list, an advice table) comes back or when the one
list misses a case.
"""

from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sora_widgets import errors
from sora_widgets._text import shorten
from sora_widgets.errors import (
    BadRequestError,
    GenerationFailed,
    ModerationBlocked,
    PollTimeout,
    SoraError,
    UnknownOutcomeError,
    entry_advice,
    failure_advice,
    register_secret,
)
from sora_widgets.models.catalog import MODELS, ORIENTATIONS, SIZES, front_catalog, orientation_of
from sora_widgets.models.money import format_money
from sora_widgets.models.task import (
    _STATUS_ALIASES,
    Status,
    normalize_status,
    status_vocabulary,
    status_word,
)
from sora_widgets.widgets._common import format_cost
from sora_widgets.widgets._front import STATIC

# -- statuses -----------------------------------------------------------------------------------


def _statuses_the_package_uses() -> set[str]:
    """Every status value some part of the package stores or shows, from its own constants."""
    from sora_widgets import journal, lab, storyboard

    used = set(_STATUS_ALIASES.values())
    used |= {journal.SENDING, journal.UNKNOWN_OUTCOME, journal.REFUSED}
    used |= {storyboard.PLANNED, storyboard.WAITING, storyboard.RUNNING, storyboard.DONE}
    used |= {storyboard.FAILED, storyboard.BLOCKED}
    used |= {lab.PLANNED, lab.SKIPPED, lab.WAITING}
    used |= {"idle", "stopped", "error"}  # the status bar's and the studio strip's own
    return used


def test_every_status_the_package_uses_has_a_word_and_a_tone() -> None:
    vocabulary = status_vocabulary()
    missing = sorted(_statuses_the_package_uses() - set(vocabulary))
    assert missing == []
    for value, shown in vocabulary.items():
        assert shown["word"] and shown["word"] != value, value
        assert shown["tone"] in ("neutral", "running", "success", "warning", "error"), value
        assert shown["colour"].startswith("var(--jp-"), value


def test_the_vocabulary_is_plain_json_data_for_the_front_ends() -> None:
    vocabulary = status_vocabulary()
    assert json.loads(json.dumps(vocabulary)) == vocabulary
    assert vocabulary["in_progress"] == {
        "word": Status.IN_PROGRESS.word,
        "tone": "running",
        "colour": Status.IN_PROGRESS.colour,
    }


@given(st.text(max_size=20))
def test_every_status_normalize_status_knows_has_a_word(raw: str) -> None:
    status = normalize_status(raw)
    if raw.strip().lower() in _STATUS_ALIASES:
        assert Status.of(status) is not None
        assert status_word(status) == Status.of(status).word  # type: ignore[union-attr]
    elif Status.of(status) is not None:  # the package's own statuses (planned, skipped, ...)
        assert status_word(status) == Status.of(status).word  # type: ignore[union-attr]
    else:  # an unknown status is shown as it came
        assert status_word(status) == status


def test_listed_words_are_the_history_tables_words() -> None:
    assert status_word("in_progress", listed=True) == "in progress"
    assert status_word("unknown_outcome", listed=True) == "outcome unknown"
    assert status_word("completed", listed=True) == "completed"
    assert len({s.listed for s in Status}) == len(Status)  # the CLI accepts them as filters


# -- sizes, orientations, lengths ---------------------------------------------------------------


def test_the_front_catalog_is_the_model_catalog() -> None:
    data = front_catalog()
    assert json.loads(json.dumps(data)) == data
    assert [s["size"] for s in data["sizes"]] == list(SIZES) == list(ORIENTATIONS.values())
    assert [s["orientation"] for s in data["sizes"]] == list(ORIENTATIONS)
    assert data["seconds"] == sorted({s for spec in MODELS.values() for s in spec.seconds})
    for spec in MODELS.values():
        assert data["models"][spec.id] == {"sizes": list(spec.sizes), "seconds": list(spec.seconds)}
    assert orientation_of("1280x720") == "landscape" and orientation_of("640x480") == ""


# -- no JavaScript copy -------------------------------------------------------------------------

SCRIPTS = sorted(STATIC.glob("*.js"))


# Ordinary headings as well as status words: the classroom's count of failed tasks, the status
# bar's error heading. For these only a status table (``failed: "Failed"``) is refused.
_HEADINGS = {"Failed", "Error"}


def _forbidden_in_js() -> list[str]:
    sizes = [form for size in SIZES for form in (size, size.replace("x", "×"))]
    words = list(dict.fromkeys(s.word for s in Status if s.word not in _HEADINGS))
    tables = [f'{s.value}: "{s.word}"' for s in Status]
    return sizes + [f"{q}{w}{q}" for w in words for q in "\"'`"] + tables


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_script_writes_out_sizes_lengths_or_status_words(script: object) -> None:
    source = script.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    found = [text for text in _forbidden_in_js() if text in source]
    assert found == [], f"{script}: take these from the _catalog / _statuses traits: {found}"
    lengths = sorted({s for spec in MODELS.values() for s in spec.seconds})
    as_array = r"\[\s*" + r"\s*,\s*".join(map(str, lengths)) + r"\s*\]"
    assert not re.search(as_array, source), f"{script}: the lengths come from the _catalog trait"
    assert not re.search(r"\bSTATUS_TEXT\b|\bSIZES\b|\bLENGTHS\b", source), script


def test_the_grep_above_can_fail() -> None:
    old = (
        'const STATUS_TEXT = { in_progress: "Rendering" };\n'
        + 'const SIZES = [["720x1280", "Portrait 720×1280"]];'
    )
    found = [text for text in _forbidden_in_js() if text in old]
    assert found == ["720x1280", "720×1280", '"Rendering"', 'in_progress: "Rendering"']
    assert [text for text in _forbidden_in_js() if text in 'const T = {failed: "Failed"};'] == [
        'failed: "Failed"'
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the front-end helper")
def test_status_word_in_the_front_end_reads_the_trait() -> None:
    # _dom.js is an ES module; its CSS import is the bundler's (node runs the rest as a module).
    source = (STATIC / "_dom.js").read_text(encoding="utf-8").splitlines()
    dom = "\n".join(line for line in source if not line.startswith("import "))
    script = (
        dom
        + "\nconst state = {_statuses: "
        + json.dumps(status_vocabulary())
        + "};\nconst model = {get: (name) => state[name]};\n"
        + 'console.log(JSON.stringify([statusWord(model, "in_progress"), statusWord(model, "waiting"),'
        + ' statusWord(model, "Rendering-Stage-2"), statusWord({get: () => undefined}, "pending")]));\n'
    )
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == [
        Status.IN_PROGRESS.word,
        Status.WAITING.word,
        "Rendering-Stage-2",
        "pending",
    ]


# -- money and shortening -----------------------------------------------------------------------


def test_one_money_formatter() -> None:
    assert format_cost is format_money
    assert format_money(Decimal("2.4")) == "$2.40"


@given(st.text(max_size=200), st.integers(min_value=1, max_value=120))
def test_shorten_keeps_text_within_the_limit_and_marks_the_cut(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    if len(text) <= limit:
        assert short == text
    else:
        assert short.endswith("…") and text.startswith(short[:-1]) and len(short) == limit


# -- advice -------------------------------------------------------------------------------------

ERROR_CLASSES = [
    cls
    for cls in (getattr(errors, name) for name in errors.__all__)
    if inspect.isclass(cls) and issubclass(cls, SoraError)
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_error_class_says_what_to_do(cls: type[SoraError]) -> None:
    advice = cls.__dict__.get("advice")
    assert isinstance(advice, str) and advice.endswith("."), f"{cls.__name__} has no advice of its own"
    assert len(advice.split()) >= 2


def test_every_error_class_is_checked() -> None:
    assert len(ERROR_CLASSES) == 22


def test_advice_given_by_the_raiser_ends_the_text_once_and_is_redacted() -> None:
    # A made-up key, built at run time so that nothing key-shaped is committed.
    secret = "-".join(["vx", "NamesValues" + "0123456789"])
    register_secret(secret)
    error = SoraError(f"the thing broke near {secret}", advice=f"Mend it, then retry with {secret}.")
    assert secret not in error.message and secret not in error.advice and secret not in str(error)
    assert str(error) == f"{error.message} {error.advice}"
    assert error.advice not in error.message
    said_already = SoraError("broke. Mend it.", advice="Mend it.")
    assert str(said_already) == "broke. Mend it." and said_already.message == "broke. Mend it."
    plain = PollTimeout("still running after 10 s", task_id="t1")
    assert str(plain) == plain.message and plain.advice == PollTimeout.advice


def test_a_failure_code_brings_the_catalogs_advice() -> None:
    code = "002999095"
    expected = MODELS["sora_2_pro_t2v"].advice_for(code)
    assert expected and failure_advice("sora_2_pro_t2v", code) == expected
    assert failure_advice(None, code) == expected  # found by its code alone
    assert failure_advice("sora_2_pro_t2v", "999") == GenerationFailed.advice
    assert GenerationFailed("boom", task_id="t", code=code).advice == expected
    assert GenerationFailed("boom", task_id="t").advice == GenerationFailed.advice
    assert ModerationBlocked("refused", task_id="t", code=code).advice == ModerationBlocked.advice


def test_a_journal_entry_gets_the_advice_of_the_error_its_status_stands_for() -> None:
    assert entry_advice("unknown_outcome") == entry_advice("sending") == UnknownOutcomeError.advice
    assert entry_advice("in_progress") == entry_advice("pending") == PollTimeout.advice
    assert entry_advice("refused") == BadRequestError.advice
    assert entry_advice("failed", model="sora_2_pro_i2v", code="003000097") == MODELS[
        "sora_2_pro_i2v"
    ].advice_for("003000097")
    assert entry_advice("completed") == ""


def test_a_status_named_like_a_service_word_means_what_the_service_means() -> None:
    # The trap this guards: "queued" was once both the service's queue (read as pending, shown
    # "Queued") and a lab job waiting for a slot (shown "Waiting for a slot", another tone).
    from sora_widgets.models.task import _STATUS_ALIASES

    for word, meaning in _STATUS_ALIASES.items():
        ours, theirs = Status.of(word), Status.of(meaning)
        assert theirs is not None
        assert ours is None or ours.tone == theirs.tone, f"{word!r}: {ours} is not {theirs}"
    assert Status.of("queued") is None and Status.WAITING.word == "Waiting for a slot"
