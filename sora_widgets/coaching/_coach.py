"""The prompt coach: checks a prompt against the vendor's advice before money is spent.

OpenAI's advice for a Sora prompt: "Include shot type, subject, action, setting, lighting, and
any required camera movement to reduce ambiguity. Keep it single-purpose for best adherence."
:func:`coach` reads a prompt and says which of the six elements it names (and with which
words), which are missing, whether it asks for one shot, and what to add or split.

Offline, deterministic and fast: a curated vocabulary (:mod:`._vocabulary`) matched with a
few linguistic rules (inflections by a light stemmer, hyphens as spaces, multi-word terms with the
longest match winning, adverbs allowed inside a phrase, no match across punctuation), plus three
rules for what a list cannot hold: an "-ing" verb is an action, "in/at/across + a Capitalised
Name" is a setting, and a label such as "Lighting: ..." names its element. Precision first: an
ambiguous word only counts inside a phrase that settles its meaning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from . import _vocabulary as vocab_data

__all__ = ["ELEMENTS", "CoachVocabulary", "PromptReport", "Vocabulary", "coach", "stem"]

# The six elements, in the order the vendor names them (and the order of PromptReport.missing).
ELEMENTS: tuple[str, ...] = ("shot", "subject", "action", "setting", "lighting", "camera")

_ADVICE: dict[str, str] = {
    "shot": "Say how the shot is framed, e.g. “wide shot”, “close-up” or “low-angle shot”.",
    "subject": "Name who or what we watch, e.g. “an old fisherman” or “a red kite”.",
    "action": "Say what happens in the shot, e.g. “mending a net” or “gliding over the waves”.",
    "setting": "Say where and when it happens, e.g. “on a wooden pier at dawn”.",
    "lighting": "Describe the light, e.g. “golden hour, long soft shadows” or “lit by a neon sign”.",
    "camera": "Say whether the camera moves, e.g. “slow dolly-in”, “handheld” or “static tripod”.",
}
_LABELS = {
    "shot": "shot",
    "shot type": "shot",
    "framing": "shot",
    "subject": "subject",
    "action": "action",
    "setting": "setting",
    "location": "setting",
    "lighting": "lighting",
    "light": "lighting",
    "camera": "camera",
    "camera movement": "camera",
    "camera move": "camera",
}
_LABEL_RE = re.compile(
    r"(?:^|[.;\n]\s*)("
    + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True))
    + r")\s*:\s*([^.;\n]+)",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_BREAK_RE = re.compile(r"[.,;:!?()\[\]{}\"“”/|]")
_DETERMINERS = frozenset(
    {"a", "an", "the", "his", "her", "its", "their", "my", "your", "our", "this", "that", "of", "no"}
)
_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "across", "over", "through", "above", "near", "around", "inside", "outside", "along"}
)
_NOT_ADVERBS = frozenset({"fly", "belly", "lily", "holly", "jelly", "family", "rally", "ally", "italy"})
_MAX_GAP = 2  # adverbs allowed inside one multi-word term
_NP_OPENERS = frozenset(
    {"a", "an", "the", "two", "three", "four", "five", "six", "some", "several", "one", "many", "dozens"}
)
# Words that end a noun phrase: prepositions, conjunctions and the like.
_NP_ENDERS = frozenset(
    {
        "of",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "to",
        "into",
        "onto",
        "over",
        "under",
        "through",
        "across",
        "along",
        "behind",
        "beside",
        "near",
        "above",
        "below",
        "and",
        "or",
        "but",
        "as",
        "while",
        "who",
        "that",
        "which",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "for",
        "around",
        "past",
        "after",
        "before",
        "during",
        "inside",
        "outside",
        "against",
        "between",
        "toward",
        "towards",
        "up",
        "down",
        "out",
        "off",
        "away",
        "then",
        "like",
        "without",
        "its",
    }
)
_VERB_FOLLOWERS = _DETERMINERS | _NP_OPENERS | _NP_ENDERS | {"him", "them", "it", "herself", "himself"}
_NP_MAX = 3  # words after the opener looked at for the head of a noun phrase


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light stem, the same for a word's common inflections (not a dictionary form).

    Example:
        >>> [stem(w) for w in ("glide", "glides", "gliding", "glided")]
        ['glid', 'glid', 'glid', 'glid']
        >>> stem("running") == stem("runs"), stem("dollies") == stem("dolly")
        (True, True)
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("eed"):
            w = w[: -len(suffix)]
            if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # running -> run
            break
    return _strip_e(w)


def _strip_e(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


@dataclass(frozen=True)
class _Token:
    text: str  # lower case
    stem: str
    start: int
    end: int
    broken: bool  # punctuation between this token and the one before
    capital: bool  # written with a capital, not at the start of a sentence
    opens: bool  # first word of a sentence (or of a clause after ":" or ";")


@dataclass(frozen=True)
class _Term:
    words: tuple[tuple[bool, str], ...]  # (exact, form): exact form, or stem
    elements: frozenset[str]
    next_ok: frozenset[str] | None = None  # the next word must be one of these ("" = clause end)
    next_not: frozenset[str] = frozenset()


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    sentence_start = True
    for match in _TOKEN_RE.finditer(text):
        gap = text[previous_end : match.start()]
        broken = bool(_BREAK_RE.search(gap)) or not tokens
        if tokens and re.search(r"[.!?:\n]", gap):
            sentence_start = True
        word = match.group(0)
        lower = word.lower().replace("’", "'")
        opens = sentence_start or bool(tokens and re.search(r"[;:]", gap))
        tokens.append(
            _Token(
                lower,
                stem(lower),
                match.start(),
                match.end(),
                broken,
                word[0].isupper() and not sentence_start,
                opens,
            )
        )
        sentence_start = False
        previous_end = match.end()
    return tokens


def _words(term: str) -> tuple[tuple[bool, str], ...]:
    out: list[tuple[bool, str]] = []
    for raw in term.replace("-", " ").split():
        exact = raw.startswith("=")
        word = raw.lstrip("=").lower().replace("’", "'")
        for piece in _TOKEN_RE.findall(word):
            out.append((True, piece) if exact else (False, stem(piece)))
    return tuple(out)


@dataclass(frozen=True)
class Vocabulary:
    """The words the coach looks for, per element; extend it for your own field.

    Example:
        >>> vocab = Vocabulary.default().extend(lighting=["bioluminescence"], subject=["axolotl"])
        >>> coach("An axolotl drifting in bioluminescence", vocabulary=vocab).present["lighting"]
        ('bioluminescence',)

    Terms follow the rules in :mod:`sora_widgets.coaching._vocabulary` (inflections match,
    hyphens are spaces, ``=word`` is an exact form). ``ignore`` terms are idioms whose words never
    count ("light on her feet"); ``split`` terms mark a prompt that asks for several shots.
    """

    terms: Mapping[str, tuple[str, ...]]
    ignore: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    sequence: tuple[str, ...] = ()

    @classmethod
    def default(cls) -> Vocabulary:
        """The curated vocabulary shipped with sora_widgets."""
        return _DEFAULT

    def extend(
        self,
        *,
        ignore: Iterable[str] = (),
        split: Iterable[str] = (),
        **terms: Iterable[str],
    ) -> Vocabulary:
        """A copy with more terms (keyword per element: shot=, subject=, action=, ...).

        Raises:
            ValueError: for an element name that is not one of the six.
        """
        unknown = sorted(set(terms) - set(ELEMENTS))
        if unknown:
            raise ValueError(f"unknown element(s) {', '.join(unknown)}; use {', '.join(ELEMENTS)}")
        merged = {name: (*self.terms.get(name, ()), *map(str, terms.get(name, ()))) for name in ELEMENTS}
        return Vocabulary(
            terms=merged,
            ignore=(*self.ignore, *map(str, ignore)),
            split=(*self.split, *map(str, split)),
            sequence=self.sequence,
        )

    @cached_property
    def _index(self) -> dict[str, list[_Term]]:
        """First word (exact form or stem) -> terms starting with it."""
        grouped: dict[tuple[tuple[bool, str], ...], set[str]] = {}
        for element, terms in self.terms.items():
            for term in terms:
                words = _words(term)
                if words:
                    grouped.setdefault(words, set()).add(element)
        for term in self.ignore:
            words = _words(term)
            if words:
                grouped.setdefault(words, set()).add("")
        specials = {
            _words("=light"): _Term(
                _words("=light"), frozenset({"lighting"}), next_ok=vocab_data.LIGHT_NEXT_OK
            ),
            _words("=lights"): _Term(
                _words("=lights"),
                frozenset({"lighting"}),
                next_not=_DETERMINERS | {"up", "candles", "cigarette"},
            ),
            _words("=lighting"): _Term(_words("=lighting"), frozenset({"lighting"}), next_not=_DETERMINERS),
        }
        index: dict[str, list[_Term]] = {}
        for words, elements in grouped.items():
            if "" in elements:
                elements = {""}  # an ignored phrase counts for nothing, even if listed elsewhere
            special = specials.pop(words, None)
            compiled = (
                _Term(words, frozenset(elements), special.next_ok, special.next_not)
                if special is not None
                else _Term(words, frozenset(elements))
            )
            index.setdefault(words[0][1], []).append(compiled)
        for words, special in specials.items():
            index.setdefault(words[0][1], []).append(special)
        return index

    @cached_property
    def _split_index(self) -> dict[str, list[_Term]]:
        return _plain_index(self.split)

    @cached_property
    def _sequence_index(self) -> dict[str, list[_Term]]:
        return _plain_index(self.sequence)

    @cached_property
    def _sizes(self) -> dict[tuple[tuple[bool, str], ...], str]:
        return {_words(t): size for size, terms in vocab_data.SHOT_SIZES.items() for t in terms}


CoachVocabulary = Vocabulary  # the public name (``sw.CoachVocabulary``)


def _camera_terms() -> tuple[str, ...]:
    movers = ("camera", "drone", "lens", "shot")
    return tuple(f"{who} {verb}" for who in movers for verb in vocab_data.CAMERA_VERBS)


_DEFAULT = Vocabulary(
    terms={
        "shot": vocab_data.SHOT,
        "subject": vocab_data.SUBJECT,
        "action": vocab_data.ACTION,
        "setting": vocab_data.SETTING,
        "lighting": vocab_data.LIGHTING,
        "camera": (*vocab_data.CAMERA, *_camera_terms()),
    },
    ignore=vocab_data.IGNORE,
    split=vocab_data.SPLIT_MARKERS,
    sequence=vocab_data.SEQUENCE_MARKERS,
)


@dataclass(frozen=True)
class PromptReport:
    """What :func:`coach` found in a prompt.

    Example:
        >>> report = coach("Wide shot of a red fox trotting through snow at dusk")
        >>> report.missing
        ['lighting', 'camera']
        >>> report.present["shot"]
        ('Wide shot',)

    Attributes:
        prompt: the prompt read.
        present: element -> the words in the prompt that carry it (in order of appearance).
        missing: the elements not found, in the order shot, subject, action, setting, lighting, camera.
        single_purpose: False when the prompt asks for several shots or scenes.
        splits: the words that show it asks for several ("cut to", "wide shot + close-up", ...).
        advice: short concrete sentences on what to add or split.
    """

    prompt: str
    present: dict[str, tuple[str, ...]]
    missing: list[str]
    single_purpose: bool
    splits: tuple[str, ...] = ()
    advice: tuple[str, ...] = field(default=())

    @property
    def score(self) -> int:
        """How many of the six elements are present."""
        return len(self.present)

    @property
    def ready(self) -> bool:
        """All six elements present and a single shot."""
        return not self.missing and self.single_purpose

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"prompt", "present", "missing", "single_purpose", "splits", "advice", "score"}``."""
        return {
            "prompt": self.prompt,
            "present": {k: list(v) for k, v in self.present.items()},
            "missing": list(self.missing),
            "single_purpose": self.single_purpose,
            "splits": list(self.splits),
            "advice": list(self.advice),
            "score": self.score,
        }

    def checklist(self) -> list[dict[str, Any]]:
        """The six elements in order as ``{"element", "present", "words"}`` rows (for front ends)."""
        return [
            {"element": name, "present": name in self.present, "words": list(self.present.get(name, ()))}
            for name in ELEMENTS
        ]

    def _repr_html_(self) -> str:
        chips = []
        for row in self.checklist():
            mark, colour = (
                ("✓", "var(--jp-success-color1, #2e7d32)")
                if row["present"]
                else ("✗", "var(--jp-error-color1, #c62828)")
            )
            title = html.escape(", ".join(row["words"]) or "not found", quote=True)
            chips.append(
                f'<span title="{title}" style="margin-right:.8em;color:{colour}">'
                f"{mark} {row['element']}</span>"
            )
        if not self.single_purpose:
            chips.append(
                '<span style="color:var(--jp-warn-color1, #e65100)" title="'
                + html.escape(", ".join(self.splits), quote=True)
                + '">⚠ several shots</span>'
            )
        advice = "".join(f"<li>{html.escape(a)}</li>" for a in self.advice)
        return (
            '<div class="sw-coach-report" style="font-size:var(--jp-content-font-size1, 13px)">'
            f"<div><b>Prompt coach</b> {self.score}/6 · " + "".join(chips) + "</div>"
            f'<ul style="margin:.3em 0 0 1.2em;padding:0">{advice}</ul></div>'
        )

    def __str__(self) -> str:
        marks = " ".join(f"{'✓' if n in self.present else '✗'} {n}" for n in ELEMENTS)
        single = "" if self.single_purpose else " · several shots"
        return f"{marks}{single}\n" + "\n".join(f"- {a}" for a in self.advice)


def _match_at(tokens: list[_Token], i: int, term: _Term) -> int | None:
    """Index after the match of ``term`` starting at token ``i``, or None."""
    j = i
    for k, (exact, form) in enumerate(term.words):
        if k > 0:
            gaps = 0
            while (
                j < len(tokens)
                and not tokens[j].broken
                and gaps < _MAX_GAP
                and _is_adverb(tokens[j].text)
                and not _word_matches(tokens[j], exact, form)
            ):
                j += 1
                gaps += 1
            if j >= len(tokens) or tokens[j].broken:
                return None
        if j >= len(tokens) or not _word_matches(tokens[j], exact, form):
            return None
        j += 1
    following = "" if j >= len(tokens) or tokens[j].broken else tokens[j].text
    if term.next_ok is not None and following not in term.next_ok:
        return None
    if following and following in term.next_not:
        return None
    return j


def _word_matches(token: _Token, exact: bool, form: str) -> bool:
    return token.text == form if exact else token.stem == form


def _is_adverb(word: str) -> bool:
    return len(word) > 4 and word.endswith("ly") and word not in _NOT_ADVERBS


def _plain_index(terms: Iterable[str]) -> dict[str, list[_Term]]:
    index: dict[str, list[_Term]] = {}
    for term in terms:
        words = _words(term)
        if words:
            index.setdefault(words[0][1], []).append(_Term(words, frozenset()))
    return index


def _scan(tokens: list[_Token], index: Mapping[str, list[_Term]]) -> list[tuple[int, int, _Term]]:
    """Every (start, end, term) of ``index`` that matches in ``tokens``."""
    out: list[tuple[int, int, _Term]] = []
    for i, token in enumerate(tokens):
        terms = index.get(token.text, [])
        if token.stem != token.text:
            terms = terms + index.get(token.stem, [])
        for term in terms:
            end = _match_at(tokens, i, term)
            if end is not None:
                out.append((i, end, term))
    return out


def coach(prompt: str, *, vocabulary: Vocabulary | None = None) -> PromptReport:
    """Check ``prompt`` against the six elements of a good video prompt.

    Example:
        >>> r = coach("A chef cooks pasta, serves it, and then washes the dishes in the kitchen")
        >>> r.missing, r.single_purpose
        (['shot', 'lighting', 'camera'], False)

    Args:
        prompt: the prompt text.
        vocabulary: the words to look for (default :meth:`Vocabulary.default`; see
            :meth:`Vocabulary.extend` to add your own).
    """
    vocab = vocabulary or _DEFAULT
    text = str(prompt)
    tokens = _tokenize(text)

    # Every term that matches anywhere, then the longest ones win where they overlap.
    candidates = _scan(tokens, vocab._index)
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken = [False] * len(tokens)
    found: dict[str, list[tuple[int, str]]] = {}
    matched_terms: list[tuple[int, int, _Term]] = []
    for start, end, term in candidates:
        if any(taken[start:end]):
            continue
        for k in range(start, end):
            taken[k] = True
        matched_terms.append((start, end, term))
        words = text[tokens[start].start : tokens[end - 1].end]
        elements = term.elements
        if {"subject", "action"} <= elements:
            # "a cook" / "the leaves" / "Steam rises" name a thing; "the chef cooks" an action.
            opens = start == 0 or tokens[start].broken or tokens[start - 1].text in _NP_OPENERS | _DETERMINERS
            elements = elements - {"action" if opens else "subject"}
        for element in elements:
            if element:
                found.setdefault(element, []).append((start, words))

    # Rules a word list cannot hold.
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if taken[i]:
            pass
        elif _is_action_ing(tokens, i):
            found.setdefault("action", []).append((i, text[token.start : token.end]))
        elif token.capital and i > 0 and _is_place_name(tokens, i):
            last = i
            while last + 1 < len(tokens) and tokens[last + 1].capital and not tokens[last + 1].broken:
                last += 1
            found.setdefault("setting", []).append((i, text[token.start : tokens[last].end]))
            i = last
        i += 1
    _noun_phrase_rules(tokens, text, taken, found)
    # "Lighting: warm backlight" names its element, whatever the words after the colon are.
    for label in _LABEL_RE.finditer(text):
        element = _LABELS[label.group(1).lower()]
        content = label.group(2).strip()
        if not content:
            continue
        begin, end = label.start(1), label.end(2)
        first = next((k for k, tok in enumerate(tokens) if tok.start >= label.start(2)), len(tokens))
        kept = [
            (k, w)
            for k, w in found.get(element, [])
            if not (k < len(tokens) and begin <= tokens[k].start < end)
        ]
        found[element] = [*kept, (first, content)]

    present = {
        name: tuple(dict.fromkeys(words for _, words in sorted(found[name])))
        for name in ELEMENTS
        if name in found
    }
    missing = [name for name in ELEMENTS if name not in present]
    splits = _splits(tokens, text, vocab, matched_terms, found)
    advice = [_ADVICE[name] for name in missing]
    if splits:
        advice.append(
            "Keep it to one shot: it asks for several ("
            + ", ".join(f"“{s}”" for s in splits)
            + "). Generate each shot separately."
        )
    if not advice:
        advice.append("All six elements are there and it is one shot: ready to send.")
    return PromptReport(
        prompt=text,
        present=present,
        missing=missing,
        single_purpose=not splits,
        splits=tuple(splits),
        advice=tuple(advice),
    )


def _noun_phrase_rules(
    tokens: list[_Token], text: str, taken: list[bool], found: dict[str, list[tuple[int, str]]]
) -> None:
    """The first noun phrase of each sentence ("A juggler keeps five clubs", "Close-up of an old
    watchmaker's eye") is its subject unless its head is a place, a light or a shot; a word in
    "-s" right after it, followed by an object or a preposition, is its verb (an action)."""
    claimed_by: dict[int, str] = {}
    for element, hits in found.items():
        for i, _ in hits:
            claimed_by.setdefault(i, element)
    sentence_seen = False
    for i, token in enumerate(tokens):
        if token.opens:
            sentence_seen = False
        if sentence_seen or token.text not in _NP_OPENERS:
            continue
        sentence_seen = True
        run: list[int] = []
        j = i + 1
        while j < len(tokens) and len(run) < _NP_MAX and not tokens[j].broken:
            if tokens[j].text in _NP_ENDERS:
                break
            run.append(j)
            j += 1
        if not run:
            continue
        verb = next(
            (
                k
                for k in run[1:]
                if not taken[k]
                and tokens[k].text.endswith("s")
                and not tokens[k].text.endswith(("ss", "us", "is", "'s"))
                and k + 1 < len(tokens)
                and not tokens[k + 1].broken
                and tokens[k + 1].text in _VERB_FOLLOWERS
            ),
            None,
        )
        if verb is not None:
            run = run[: run.index(verb)]
            if "action" not in found:
                found["action"] = [(verb, text[tokens[verb].start : tokens[verb].end])]
        head = run[-1]
        if claimed_by.get(head) in {"setting", "lighting", "shot", "camera"} or _is_action_ing(tokens, head):
            continue
        if "subject" not in found and any(not taken[k] or claimed_by.get(k) == "subject" for k in run):
            found["subject"] = [(run[0], text[tokens[run[0]].start : tokens[head].end])]


def _is_action_ing(tokens: list[_Token], i: int) -> bool:
    word = tokens[i].text
    if len(word) < 5 or not word.endswith("ing") or word in vocab_data.NOT_ACTION_ING:
        return False
    # "a building", "the setting sun", "his clothing": after a determiner it is a noun or adjective.
    return not (i > 0 and not tokens[i].broken and tokens[i - 1].text in _DETERMINERS)


def _is_place_name(tokens: list[_Token], i: int) -> bool:
    """A capitalised word after "in", "at", "across" ... (maybe with "the"): "in Kyoto", "across the Alps"."""
    j = i - 1
    if tokens[i].broken:
        return False
    if tokens[j].text == "the" and j > 0 and not tokens[j].broken:
        j -= 1
    return tokens[j].text in _PLACE_PREPOSITIONS


def _splits(
    tokens: list[_Token],
    text: str,
    vocab: Vocabulary,
    matched: list[tuple[int, int, _Term]],
    found: Mapping[str, list[tuple[int, str]]],
) -> list[str]:
    """The words that show the prompt asks for several shots or scenes (empty: one shot)."""
    out: list[str] = []
    for start, end, _ in _scan(tokens, vocab._split_index):
        out.append(text[tokens[start].start : tokens[end - 1].end])
    # Two different shot sizes ("wide shot ... close-up"), unless a camera move joins them.
    sizes: dict[str, str] = {}
    for start, end, term in matched:
        size = vocab._sizes.get(term.words)
        if size and size not in sizes:
            sizes[size] = text[tokens[start].start : tokens[end - 1].end]
    markers = _scan(tokens, vocab._sequence_index)
    sequenced = bool(markers)
    if len(sizes) >= 2 and (sequenced or "camera" not in found):
        out.append(" + ".join(sizes.values()))
    # A list of events: "then", "finally", ... with three or more actions.
    # A list of events: "then", "finally", ... with three or more actions, or several such words.
    distinct = list(dict.fromkeys(text[tokens[a].start : tokens[b - 1].end].lower() for a, b, _ in markers))
    if len(distinct) >= 2 or (sequenced and len(found.get("action", ())) >= 3):
        out.append(", ".join(distinct) + f" ({len(found.get('action', ()))} actions)")
    return list(dict.fromkeys(out))
