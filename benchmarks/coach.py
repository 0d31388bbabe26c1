"""Benchmark 7: the prompt coach's precision, recall and speed on labelled prompts.

Two labelled sets from ``tests/coach/``: ``labelled_prompts.txt`` (208 prompts written for the
coach, which its vocabulary was tuned on) and ``heldout_prompts.txt`` (49 prompts written after
the vocabulary was frozen: the honest figure for prompts it has not seen). Per element:

- precision: of the elements the coach says are present, how many a reader also sees;
- recall: of the elements a reader sees, how many the coach finds;
- missing precision: of the elements the coach calls *missing*, how many really are (the
  "never call something missing that is there" promise).

Speed is prompts per second for :func:`sora_widgets.coaching` over both sets, repeated (median of
rounds, one core, pure Python), against a naive substring checker (the teaching notebook's old
one) as the floor of what any keyword check costs.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._common import REPO_ROOT, Report, Target, fmt, median

LETTERS = {"S": "shot", "U": "subject", "A": "action", "E": "setting", "L": "lighting", "C": "camera"}
SETS = {
    "tuned": REPO_ROOT / "tests" / "coach" / "labelled_prompts.txt",
    "held-out": REPO_ROOT / "tests" / "coach" / "heldout_prompts.txt",
}
PUBLISHED = REPO_ROOT / "tests" / "coach" / "published" / "prompts.jsonl"
_NAIVE = {
    "shot": ["wide", "close-up", "close up", "medium", "aerial", "establishing", "shot", "view"],
    "lighting": ["light", "lit", "sun", "hour", "shadow", "glow", "neon", "overcast", "dusk", "night"],
    "camera": ["dolly", "pan", "tilt", "tracking", "handheld", "static", "tripod", "crane", "zoom", "orbit"],
}


@dataclass(frozen=True)
class Labelled:
    """One labelled prompt."""

    prompt: str
    present: frozenset[str]
    single_purpose: bool
    lang: str = "en"


def load(path: Path) -> list[Labelled]:
    """Read ``LABELS | prompt`` lines (see the header of tests/coach/labelled_prompts.txt)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, sep, prompt = line.partition("|")
        labels = labels.strip()
        unknown = set(labels) - set(LETTERS) - {"!", "-"}
        if not sep or not prompt.strip() or unknown:
            raise ValueError(f"{path.name}:{number}: not 'LABELS | prompt': {line!r}")
        rows.append(
            Labelled(prompt.strip(), frozenset(LETTERS[c] for c in labels if c in LETTERS), "!" not in labels)
        )
    return rows


def load_published(half: str | None = None, path: Path = PUBLISHED) -> list[Labelled]:
    """The published prompts (``tests/coach/published``), all or one ``half`` ("tune"/"held-out")."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        data = json.loads(line)
        labels = data["labels"]
        if set(labels) - set(LETTERS) - {"!", "-"}:
            raise ValueError(f"{path.name}:{number}: bad labels {labels!r}")
        if half is None or data["half"] == half:
            present = frozenset(LETTERS[c] for c in labels if c in LETTERS)
            rows.append(Labelled(data["prompt"], present, "!" not in labels, data["lang"]))
    return rows


@dataclass
class Counts:
    """Confusion counts for one element (or for single-purpose detection)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, got: bool, want: bool, false_positive: str, false_negative: str) -> None:
        """Count one call (``got``) against the truth (``want``); a wrong call keeps its message."""
        if got and want:
            self.tp += 1
        elif got:
            self.fp += 1
            self.errors.append(false_positive)
        elif want:
            self.fn += 1
            self.errors.append(false_negative)
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        """Of the 'present' calls, the share that are right (1.0 with no calls)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Of the elements really there, the share found (1.0 when none are there)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def missing_precision(self) -> float:
        """Of the 'missing' calls, the share that are right (1.0 with no calls)."""
        return self.tn / (self.tn + self.fn) if self.tn + self.fn else 1.0


def score(rows: list[Labelled]) -> tuple[dict[str, Counts], Counts]:
    """Per-element counts, and counts for 'several shots' (positive = not single-purpose)."""
    from sora_widgets.coaching import ELEMENTS, coach

    counts = {name: Counts() for name in ELEMENTS}
    split = Counts()
    for row in rows:
        report = coach(row.prompt)
        for name in ELEMENTS:
            counts[name].add(
                name in report.present,
                name in row.present,
                f"said present ({', '.join(report.present.get(name, ()))}): {row.prompt}",
                f"said missing: {row.prompt}",
            )
        split.add(
            not report.single_purpose,
            not row.single_purpose,
            f"said several shots ({', '.join(report.splits)}): {row.prompt}",
            f"said one shot: {row.prompt}",
        )
    return counts, split


def _naive(prompt: str) -> dict[str, bool]:
    text = prompt.lower()
    return {part: any(c in text for c in cues) for part, cues in _NAIVE.items()}


def _rate(fn: object, prompts: list[str], seconds: float) -> float:
    call = fn  # type: ignore[assignment]
    done = 0
    started = time.perf_counter()
    while True:
        for p in prompts:
            call(p)  # type: ignore[operator]
        done += len(prompts)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed


def run(quick: bool = False) -> Report:
    """Precision/recall per element on both sets, then prompts per second."""
    from sora_widgets.coaching import ELEMENTS, coach

    started = time.perf_counter()
    sets = {name: load(path) for name, path in SETS.items()}
    rows = []
    scored = {name: score(data) for name, data in sets.items()}
    for name in [*ELEMENTS, "several shots"]:
        cells = [name]
        for set_name in sets:
            counts, split = scored[set_name]
            c = split if name == "several shots" else counts[name]
            cells += [fmt(c.precision, 3), fmt(c.recall, 3), fmt(c.missing_precision, 3)]
        rows.append(cells)

    prompts = [r.prompt for data in sets.values() for r in data]
    coach(prompts[0])  # build the vocabulary index once, as a session would
    rounds, seconds = (2, 0.2) if quick else (7, 1.0)
    ours = median([_rate(coach, prompts, seconds) for _ in range(rounds)])
    naive = median([_rate(_naive, prompts, seconds) for _ in range(rounds)])
    rows.append(["prompts/second", fmt(ours, 0), f"naive substring check {fmt(naive, 0)}", "", "", "", ""])

    tuned, _ = scored["tuned"]
    held, _ = scored["held-out"]
    worst_tuned = min(min(c.precision, c.missing_precision) for c in tuned.values())
    worst_held = min(c.precision for c in held.values())
    report = Report(
        key="coach",
        title="7. Prompt coach: precision, recall, speed",
        columns=[
            "element",
            "tuned P",
            "tuned R",
            "tuned missing-P",
            "held-out P",
            "held-out R",
            "held-out missing-P",
        ],
        rows=rows,
        targets=[
            Target("coach speed", ">= 1000 prompts/s", f"{ours:.0f} prompts/s", ours >= 1000),
            Target(
                "coach precision (tuned set)",
                ">= 0.95 per element, present and missing",
                fmt(worst_tuned, 3),
                worst_tuned >= 0.95,
            ),
            Target("coach precision (held-out)", ">= 0.9 per element", fmt(worst_held, 3), worst_held >= 0.9),
        ],
        notes=[
            f"{len(sets['tuned'])} tuned + {len(sets['held-out'])} held-out prompts; P = precision of "
            "'present', R = recall, missing-P = precision of 'missing'. 'several shots' counts a prompt "
            "flagged as not single-purpose as a positive.",
            f"Speed: median of {rounds} rounds of {seconds:g} s over all {len(prompts)} prompts, one core, "
            f"Python {sys.version.split()[0]}.",
        ],
    )
    report.seconds = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).as_text())
