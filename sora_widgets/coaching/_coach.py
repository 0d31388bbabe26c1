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

import bisect
import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from . import _vocabulary as vocab_data

__all__ = ["ELEMENTS", "CoachVocabulary", "PromptReport", "Vocabulary", "coach", "stem"]

# The six elements, in the order the vendor names them (and the order of PromptReport.missing).
ELEMENTS: tuple[str, ...] = ("shot", "subject", "action", "setting", "lighting", "camera")

_ADVICE: dict[str, str] = {
    "shot": "No framing named: words like “wide shot”, “close-up” or “low-angle shot” would say it.",
    "subject": "No subject found: a noun phrase like “an old fisherman” or “a red kite” would name it.",
    "action": "Nothing happens yet: a verb like “mending a net” or “gliding over the waves” would say it.",
    "setting": "No place or time found: words like “on a wooden pier at dawn” would say it.",
    "lighting": "No light named: words like “golden hour” or “lit by a neon sign” would say it.",
    "camera": "No camera move named: words like “slow dolly-in”, “handheld” or “static tripod” would say it.",
}
_NOT_ENGLISH = (
    "The coach reads English only: this prompt looks like another language, so it lists nothing as "
    "missing. The prompt can still be sent as it is."
)
_LABELS = {
    "shot": "shot",
    "shot type": "shot",
    "camera shot": "shot",
    "framing": "shot",
    "composition": "shot",
    "subject": "subject",
    "main subject": "subject",
    "action": "action",
    "actions": "action",
    "setting": "setting",
    "location": "setting",
    "scene": "setting",
    "environment": "setting",
    "lighting": "lighting",
    "light": "lighting",
    "camera": "camera",
    "camera movement": "camera",
    "camera motion": "camera",
    "camera move": "camera",
}
# A label starts a line or follows "." or ";" (a look-behind, so runs of newlines cost one step
# each), may carry a second name ("Lighting + palette:", "Location & Framing") and ends in ":" or a
# line break (a heading whose text is on the next line).
_LABEL_RE = re.compile(
    r"(?:^|(?<=[.;\n]))[ \t*#>-]*("
    + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True))
    + r")(?:[ \t]*[+&/][ \t]*[^\W\d_][^\n:+&/]{0,30}?)?[ \t]*(?::|\n)[ \t]*([^.;\n]+)",
    re.IGNORECASE,
)
# "3/4 view", "rear view", "seen from the rear", "from a low angle", "ground-level angle": a viewpoint.
_VIEW_RE = re.compile(
    r"\b(?:(?:3/4|three[- ]quarters?|rear|side|front|frontal|top|low|high|elevated|ground[- ]level|"
    r"eye[- ]level|water[- ]level|low camera|drone|aerial|overhead|wide|close)[ -](?:view|angle|"
    r"viewpoint|perspective)|seen from (?:the )?(?:rear|side|front|behind|above|below)|camera (?:directly )?"
    r"faces|(?:drove|drone) viewpoint|(?:at|from) (?:water|eye|ground|street) level)\b",
    re.IGNORECASE,
)
# "Sound", "Background Sound:", "SFX:" heading a block (up to the next blank line).
_SOUND_BLOCK_RE = re.compile(
    r"(?:^|(?<=\n))[ \t*#>-]*(?:background )?(?:sound|sounds|audio|sfx|music|soundtrack|ambience)\b"
    r"[^\n:]{0,20}(?::|\n)",
    re.IGNORECASE,
)
# "following the cat closely", "follows him from behind": a camera that follows.
_FOLLOW_RE = re.compile(
    r"\b(?:following|follows|followed)(?: (?:the|a|an|his|her|its|their|him|them|it))?(?: \w+)? "
    r"(?:closely|from behind|from above|from the side|alongside)\b",
    re.IGNORECASE,
)
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f")
_QUOTES_OPEN = frozenset("“«„")
_QUOTES_CLOSE = frozenset("”»")
_EN_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "in",
        "on",
        "with",
        "is",
        "are",
        "to",
        "at",
        "his",
        "her",
        "its",
        "from",
        "by",
        "as",
        "into",
        "their",
        "this",
        "that",
    ]
)
_OTHER_WORDS = frozenset(
    [
        "de",
        "la",
        "le",
        "les",
        "des",
        "el",
        "los",
        "las",
        "und",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "una",
        "uno",
        "del",
        "et",
        "est",
        "con",
        "une",
        "sur",
        "dans",
        "mit",
        "auf",
        "il",
        "lo",
        "gli",
        "och",
        "het",
        "een",
        "em",
        "um",
        "uma",
        "do",
        "da",
        "dos",
        "para",
        "por",
        "sous",
        "avec",
        "dans",
        "im",
        "am",
        "zum",
        "zur",
    ]
)
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END_RE = re.compile(r"[.!?:]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile(r"[A-Za-z]")
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
# A sentence opening with one of these is not a bare noun phrase: instructions, pronouns, labels.
_NOT_NP_STARTS = frozenset(
    [
        "in",
        "on",
        "at",
        "as",
        "with",
        "while",
        "when",
        "there",
        "it",
        "this",
        "that",
        "these",
        "those",
        "we",
        "you",
        "i",
        "they",
        "he",
        "she",
        "then",
        "and",
        "but",
        "or",
        "so",
        "if",
        "no",
        "not",
        "do",
        "don't",
        "avoid",
        "keep",
        "use",
        "make",
        "create",
        "generate",
        "add",
        "show",
        "render",
        "produce",
        "open",
        "type",
        "include",
        "let",
        "have",
        "star",
        "aim",
        "consider",
        "testing",
        "test",
        "lens",
        "lenses",
        "style",
        "mood",
        "duration",
        "format",
        "sound",
        "audio",
        "music",
        "dialogue",
        "background",
        "foreground",
        "midground",
        "purpose",
        "mix",
        "finishing",
        "props",
        "extras",
        "wardrobe",
        "highlights",
        "mids",
        "blacks",
        "bounce",
        "atmos",
        "practical",
        "negative",
        "poster",
        "grade",
        "depth",
        "cinematography",
        "optimized",
        "shot",
        "camera",
        "lighting",
        "setting",
        "location",
        "framing",
        "composition",
        "actions",
        "action",
        "subject",
        "each",
        "every",
        "all",
        "some",
        "both",
        "here",
        "now",
        "just",
        "only",
        "also",
        "maybe",
        "perhaps",
        "imagine",
        "picture",
        "describe",
        "something",
        "nothing",
        "everything",
        "anything",
        "please",
    ]
)
# Heads that name the medium, not what we watch ("a video of a fox", "footage of a storm").
_MEDIA_HEADS = frozenset(
    [
        "video",
        "footage",
        "scene",
        "shot",
        "clip",
        "film",
        "animation",
        "rendering",
        "render",
        "story",
        "tour",
        "view",
        "image",
        "picture",
        "trailer",
        "ad",
        "commercial",
        "prompt",
        "audio",
        "music",
        "soundtrack",
        "sound",
        "musical",
        "style",
        "version",
        "sequence",
        "montage",
        "vlog",
        "documentary",
        "interview",
        "moment",
        "depiction",
        "representation",
        "celebration",
        "portrait",
        "photo",
        "photograph",
    ]
)
_SOUND_HEADS = frozenset(
    ["audio", "sound", "sounds", "music", "soundtrack", "sfx", "ambience", "score", "dialogue", "voiceover"]
)
_TECH_HEADS = frozenset(["lens", "lenses", "dof", "fps", "mm", "resolution", "grain", "shutter", "4k", "8k"])
# Instructions to the model, not things that happen on screen ("Create a video of ...").
_IMPERATIVES = frozenset(
    [
        "create",
        "generate",
        "make",
        "add",
        "open",
        "type",
        "show",
        "render",
        "produce",
        "include",
        "avoid",
        "keep",
        "use",
        "let",
        "star",
        "imagine",
        "aim",
        "consider",
    ]
)
_PARTICLES = frozenset({"out", "in", "back", "up", "down", "away", "off"})
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


_GESTURE_STEMS = frozenset(stem(word) for word in vocab_data.GESTURES)


class _Token(NamedTuple):
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


_FastIndex = dict[str, tuple[list[_Term], dict[str, list[_Term]]]]


@dataclass(frozen=True)
class _Source:
    """The prompt as written and as read: NFKC, no zero-width characters, no combining marks."""

    text: str
    norm: str
    origin: tuple[int, ...] | None  # norm index -> text index (None: the same string)

    @classmethod
    def of(cls, text: str) -> _Source:
        if text.isascii():
            return cls(text, text, None)
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            if ch in _ZERO_WIDTH or unicodedata.combining(ch):
                continue
            folded = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
            if not folded.isascii():
                bare = unicodedata.normalize("NFD", folded)
                if bare[0].isascii():  # é -> e: Latin letters lose their marks, other scripts keep theirs
                    folded = "".join(c for c in bare if not unicodedata.combining(c))
            out.append(folded)
            origin.extend([i] * len(folded))
        return cls(text, "".join(out), tuple(origin))

    def cut(self, start: int, end: int) -> str:
        """The prompt as written for ``norm[start:end]``."""
        if self.origin is None or end <= start:
            return self.text[start:end]
        return self.text[self.origin[start] : self.origin[end - 1] + 1]


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    sentence_start = True
    for match in _TOKEN_RE.finditer(text):
        start = match.start()
        gap = text[previous_end:start]
        word = match.group(0)
        if gap == " " and tokens:  # the common case, kept cheap: 200 kB must coach in well under a second
            broken = new_line = False
        else:
            # A line break ends a sentence only before a capital (or a bullet): hard-wrapped text reads on.
            new_line = "\n" in gap and (
                word[0].isupper() or not word[0].isalpha() or "-" in gap or "•" in gap
            )
            broken = new_line or not tokens or bool(_BREAK_RE.search(gap))
            if tokens and (new_line or bool(_SENTENCE_END_RE.search(gap))):
                sentence_start = True
        lower = word.lower()
        if "’" in lower:
            lower = lower.replace("’", "'")
        opens = sentence_start or bool(broken and tokens and (";" in gap or ":" in gap))
        tokens.append(
            _Token(
                lower,
                stem(lower),
                start,
                match.end(),
                broken,
                word[0].isupper() and not sentence_start,
                opens,
            )
        )
        sentence_start = False
        previous_end = match.end()
    return tokens


def _is_english(norm: str, tokens: list[_Token]) -> bool:
    """English (or too short to tell): not when most letters are not Latin, or the small words are not."""
    letters = len(_LETTER_RE.findall(norm))
    latin = len(_LATIN_RE.findall(norm))
    if letters >= 2 and latin * 2 < letters:
        return False
    english = sum(tok.text in _EN_WORDS for tok in tokens)
    other = sum(tok.text in _OTHER_WORDS for tok in tokens)
    return not (other >= 3 and other > 2 * english)


def _quoted(norm: str, tokens: list[_Token]) -> list[bool]:
    """For each token, whether it is heard rather than seen: quoted speech ("...", “...”), a sentence
    about the sound ("The audio features ..."), or a sound block ("Background Sound:" up to a blank line)."""
    inside = [False] * len(tokens)
    marks = [(m.start(), m.group(0)) for m in re.finditer(r"[\"“”«»„]", norm)]
    blocks = [(m.start(), m.end()) for m in _SOUND_BLOCK_RE.finditer(norm)]
    blanks = [m.start() for m in re.finditer(r"\n[ \t]*\n", norm)] if blocks else []
    ends = [
        blanks[j] if j < len(blanks) else len(norm)
        for j in (bisect.bisect_left(blanks, e) for _, e in blocks)
    ]
    state, j, b, sound = False, 0, 0, False
    for k, tok in enumerate(tokens):
        while j < len(marks) and marks[j][0] < tok.start:
            mark = marks[j][1]
            state = (not state) if mark == '"' else mark in _QUOTES_OPEN
            j += 1
        while b < len(blocks) and ends[b] <= tok.start:
            b += 1
        in_block = b < len(blocks) and blocks[b][0] <= tok.start < ends[b]
        if tok.opens:
            first = (
                tok.text
                if tok.text not in {"the", "background", "add", "soft", "some"}
                else _next_text(tokens, k)
            )
            sound = first in _SOUND_HEADS
        inside[k] = state or in_block or sound
    return inside


def _next_text(tokens: list[_Token], k: int) -> str:
    return tokens[k + 1].text if k + 1 < len(tokens) and not tokens[k + 1].broken else ""


def _token_at(tokens: list[_Token], offset: int) -> int:
    """Index of the first token starting at or after ``offset``."""
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].start < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _prop_glow(tokens: list[_Token], start: int, end: int) -> bool:
    """ "flowers that glow", "a silhouette animation": the light word describes a prop or a style."""
    word = tokens[start].text
    before = tokens[start - 1].text if start > 0 and not tokens[start].broken else ""
    after = tokens[end].text if end < len(tokens) and not tokens[end].broken else ""
    if word in {"glow", "glows"} and before in {"that", "which", "who", "to"}:
        return True
    return word == "silhouette" and after in {"animation", "style", "art", "cutout", "cutouts"}


def _not_an_action(tokens: list[_Token], i: int) -> bool:
    """ "Create a video", "wearing", "filled": an instruction to the model or a state, not an event."""
    word = tokens[i].text
    if word.endswith("ing") and _adjective_ing(tokens, i):
        return True
    return (tokens[i].opens and word in _IMPERATIVES) or word in vocab_data.NOT_ACTION_ING


def _is_era(tokens: list[_Token], i: int) -> bool:
    """ "during the gold rush", "in 1920s Paris", "in the year 2056": when it happens."""
    if i == 0 or tokens[i].broken:
        return False
    before = tokens[i - 1].text
    word = tokens[i].text
    if before == "during":
        return word in {"the", "a"} or word not in vocab_data.NOT_ACTION_ING
    decade = bool(re.fullmatch(r"(?:1[0-9]|20)?[0-9]0s", word))
    return (before in {"in", "the"} and decade) or (before == "year" and word.isdigit())


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
            if special is not None:
                compiled = _Term(words, frozenset(elements), special.next_ok, special.next_not)
            elif "camera" in elements and len(words) > 1 and words[-1][1] in _PARTICLES:
                # "pulls out a map", "pushes in the last piece": the subject's verb, not a camera move
                compiled = _Term(words, frozenset(elements), next_not=_DETERMINERS | {"some", "every"})
            else:
                compiled = _Term(words, frozenset(elements))
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
    def _fast_indexes(self) -> tuple[_FastIndex, _FastIndex, _FastIndex]:
        """The term, split and sequence indexes filed by first and second word (see :func:`_scan`)."""
        return _fast(self._index), _fast(self._split_index), _fast(self._sequence_index)

    @cached_property
    def _sizes(self) -> dict[tuple[tuple[bool, str], ...], str]:
        return {_words(t): size for size, terms in vocab_data.SHOT_SIZES.items() for t in terms}


CoachVocabulary = Vocabulary  # the public name (``sw.CoachVocabulary``)


def _camera_terms() -> tuple[str, ...]:
    movers = ("camera", "drone", "lens", "shot", "pov", "fpv")
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
        advice: short concrete sentences on what to add or split, phrased from what was found.
        language: ``"en"``, or ``"other"`` for a prompt the coach cannot read (then ``present`` and
            ``missing`` are empty and ``advice`` is one line saying so).
    """

    prompt: str
    present: dict[str, tuple[str, ...]]
    missing: list[str]
    single_purpose: bool
    splits: tuple[str, ...] = ()
    advice: tuple[str, ...] = field(default=())
    language: str = "en"

    @property
    def score(self) -> int:
        """How many of the six elements are present."""
        return len(self.present)

    @property
    def ready(self) -> bool:
        """All six elements present and a single shot (never for a prompt the coach cannot read)."""
        return self.language == "en" and not self.missing and self.single_purpose

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"prompt", "present", "missing", "single_purpose", "splits", "advice", "score",
        "language"}``."""
        return {
            "prompt": self.prompt,
            "present": {k: list(v) for k, v in self.present.items()},
            "missing": list(self.missing),
            "single_purpose": self.single_purpose,
            "splits": list(self.splits),
            "advice": list(self.advice),
            "score": self.score,
            "language": self.language,
        }

    def checklist(self) -> list[dict[str, Any]]:
        """The six elements in order as ``{"element", "present", "words"}`` rows (for front ends)."""
        return [
            {"element": name, "present": name in self.present, "words": list(self.present.get(name, ()))}
            for name in ELEMENTS
        ]

    def _repr_html_(self) -> str:
        if self.language != "en":
            return (
                '<div class="sw-coach-report" style="font-size:var(--jp-content-font-size1, 13px)">'
                f"<b>Prompt coach</b> {html.escape(self.advice[0])}</div>"
            )
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
        if self.language != "en":
            return "\n".join(f"- {a}" for a in self.advice)
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


def _scan(tokens: list[_Token], index: _FastIndex) -> list[tuple[int, int, _Term]]:
    """Every (start, end, term) of ``index`` that matches in ``tokens``.

    Terms are filed by first word and then by second word, so a word that starts many terms
    ("camera ...", "shot ...") costs one lookup per word that could follow it, not one per term.
    """
    out: list[tuple[int, int, _Term]] = []
    n = len(tokens)
    for i, token in enumerate(tokens):
        keys = (token.text,) if token.stem == token.text else (token.text, token.stem)
        for key in keys:
            entry = index.get(key)
            if entry is None:
                continue
            singles, by_second = entry
            candidates = list(singles)
            if by_second:
                j = i + 1
                while j < n and not tokens[j].broken and j - i <= _MAX_GAP + 1:
                    for form in {tokens[j].text, tokens[j].stem}:
                        candidates.extend(by_second.get(form, ()))
                    if not _is_adverb(tokens[j].text):
                        break
                    j += 1
            for term in candidates:
                end = _match_at(tokens, i, term)
                if end is not None:
                    out.append((i, end, term))
    return list(dict.fromkeys(out))


def _fast(index: Mapping[str, list[_Term]]) -> _FastIndex:
    """First word -> (one-word terms, second word -> longer terms)."""
    out: _FastIndex = {}
    for key, terms in index.items():
        singles = [t for t in terms if len(t.words) == 1]
        by_second: dict[str, list[_Term]] = {}
        for term in terms:
            if len(term.words) > 1:
                by_second.setdefault(term.words[1][1], []).append(term)
        out[key] = (singles, by_second)
    return out


def coach(prompt: str, *, vocabulary: Vocabulary | None = None) -> PromptReport:
    """Check ``prompt`` against the six elements of a good video prompt.

    Example:
        >>> r = coach("A chef cooks pasta, serves it, and then washes the dishes in the kitchen")
        >>> r.missing, r.single_purpose
        (['shot', 'lighting', 'camera'], False)

    The text is read after NFKC normalisation without zero-width characters and combining marks
    ("ｗｉｄｅ ｓｈｏｔ" is a wide shot); the words reported are cut from the prompt as written. Time
    is linear in the prompt's length. A prompt that is not English gets one line saying so and no
    list of missing elements (``language`` is then ``"other"``).

    Args:
        prompt: the prompt text.
        vocabulary: the words to look for (default :meth:`Vocabulary.default`; see
            :meth:`Vocabulary.extend` to add your own).
    """
    vocab = vocabulary or _DEFAULT
    source = _Source.of(str(prompt))
    tokens = _tokenize(source.norm)
    if not _is_english(source.norm, tokens):
        return PromptReport(
            prompt=source.text,
            present={},
            missing=[],
            single_purpose=True,
            advice=(_NOT_ENGLISH,),
            language="other",
        )
    quoted = _quoted(source.norm, tokens)
    found, taken, matched = _match_terms(tokens, source, vocab, quoted)
    _word_rules(tokens, source, taken, quoted, found)
    _noun_phrase_rules(tokens, source, taken, quoted, found)
    _label_rules(tokens, source, found)
    present = {
        name: tuple(dict.fromkeys(words for _, words in sorted(found[name])))
        for name in ELEMENTS
        if name in found
    }
    missing = [name for name in ELEMENTS if name not in present]
    splits = _splits(tokens, source, vocab, matched, found, quoted)
    return PromptReport(
        prompt=source.text,
        present=present,
        missing=missing,
        single_purpose=not splits,
        splits=tuple(splits),
        advice=_advice(missing, splits),
    )


def _advice(missing: list[str], splits: list[str]) -> tuple[str, ...]:
    advice = [_ADVICE[name] for name in missing]
    if splits:
        advice.append(
            "Keep it to one shot: it asks for several ("
            + ", ".join(f"“{s}”" for s in splits)
            + "). Generate each shot separately."
        )
    if not advice:
        advice.append("All six elements are there and it is one shot: ready to send.")
    return tuple(advice)


def _match_terms(
    tokens: list[_Token], source: _Source, vocab: Vocabulary, quoted: list[bool]
) -> tuple[dict[str, list[tuple[int, str]]], list[bool], list[tuple[int, int, _Term]]]:
    """The vocabulary's terms, longest first where they overlap; none inside quoted dialogue."""
    candidates = [c for c in _scan(tokens, vocab._fast_indexes[0]) if not quoted[c[0]]]
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken = list(quoted)  # spoken words are heard, not seen: no element comes from them
    found: dict[str, list[tuple[int, str]]] = {}
    matched: list[tuple[int, int, _Term]] = []
    for start, end, term in candidates:
        if any(taken[start:end]):
            continue
        for k in range(start, end):
            taken[k] = True
        matched.append((start, end, term))
        words = source.cut(tokens[start].start, tokens[end - 1].end)
        elements = term.elements
        if {"subject", "action"} <= elements:
            # "a cook" / "the leaves" / "Steam rises" name a thing; "the chef cooks" an action.
            opens = start == 0 or tokens[start].broken or tokens[start - 1].text in _NP_OPENERS | _DETERMINERS
            elements = elements - {"action" if opens else "subject"}
        if "lighting" in elements and _prop_glow(tokens, start, end):
            elements = elements - {"lighting"}
        if "action" in elements and end - start == 1 and _not_an_action(tokens, start):
            elements = elements - {"action"}
        for element in elements:
            if element:
                found.setdefault(element, []).append((start, words))
    return found, taken, matched


def _word_rules(
    tokens: list[_Token],
    source: _Source,
    taken: list[bool],
    quoted: list[bool],
    found: dict[str, list[tuple[int, str]]],
) -> None:
    """Rules a word list cannot hold: "-ing" verbs, "in/at + Capitalised Name", eras and views."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if taken[i] or quoted[i]:
            pass
        elif _is_action_ing(tokens, i):
            found.setdefault("action", []).append((i, source.cut(token.start, token.end)))
        elif token.capital and i > 0 and _is_place_name(tokens, i):
            last = i
            while last + 1 < len(tokens) and tokens[last + 1].capital and not tokens[last + 1].broken:
                last += 1
            found.setdefault("setting", []).append((i, source.cut(token.start, tokens[last].end)))
            i = last
        elif _is_era(tokens, i):
            last = i
            while last + 1 < len(tokens) and last - i < 2 and not tokens[last + 1].broken:
                if tokens[last + 1].text in _NP_ENDERS:
                    break
                last += 1
            found.setdefault("setting", []).append((i - 1, source.cut(tokens[i - 1].start, tokens[last].end)))
            i = last
        i += 1
    for regex, element in ((_VIEW_RE, "shot"), (_FOLLOW_RE, "camera")):
        for match in regex.finditer(source.norm):
            at = _token_at(tokens, match.start())
            if at < len(tokens) and not quoted[at]:
                found.setdefault(element, []).append((at, source.cut(*match.span())))


def _label_rules(tokens: list[_Token], source: _Source, found: dict[str, list[tuple[int, str]]]) -> None:
    """A label ("Lighting: warm backlight", a "Camera" heading) names its element, whatever follows.

    One pass over the labels and one over the words they cover (binary search), so a prompt of
    thousands of label lines stays linear.
    """
    starts = [tok.start for tok in tokens]
    spans: dict[str, list[tuple[int, int]]] = {}
    entries: dict[str, list[tuple[int, str]]] = {}
    for label in _LABEL_RE.finditer(source.norm):
        raw = label.group(2)
        content = raw.strip()
        if not content:
            continue
        element = _LABELS[label.group(1).lower()]
        begin = label.start(2) + len(raw) - len(raw.lstrip())
        spans.setdefault(element, []).append((label.start(1), label.end(2)))
        entries.setdefault(element, []).append(
            (bisect.bisect_left(starts, begin), source.cut(begin, begin + len(content)))
        )
    for element, covered in spans.items():
        ends = [end for _, end in covered]

        def inside(k: int, covered: list[tuple[int, int]] = covered, ends: list[int] = ends) -> bool:
            j = bisect.bisect_right(ends, starts[k])
            return j < len(covered) and covered[j][0] <= starts[k]

        kept = [(k, w) for k, w in found.get(element, []) if k >= len(starts) or not inside(k)]
        found[element] = kept + entries[element]


def _noun_phrase_rules(
    tokens: list[_Token],
    source: _Source,
    taken: list[bool],
    quoted: list[bool],
    found: dict[str, list[tuple[int, str]]],
) -> None:
    """The first noun phrase of each sentence ("A juggler keeps five clubs", "Bunny runs away.",
    "Close-up of an old watchmaker's eye") is its subject unless its head is a place, a light or a
    shot; a word in "-s" right after it, followed by an object or a preposition, is its verb (an
    action). A phrase naming the medium ("a video of", "footage of") hands over to what follows."""
    claimed_by: dict[int, str] = {}
    for element, hits in found.items():
        for i, _ in hits:
            claimed_by.setdefault(i, element)
    sentence_seen = False
    for i, token in enumerate(tokens):
        if token.opens:
            sentence_seen = False
        if sentence_seen or quoted[i]:
            continue
        if token.text in _NP_OPENERS:
            run = _np_run(tokens, i + 1, _NP_MAX)
        elif token.opens and _bare_start(tokens, source, i, claimed_by):
            run = _np_run(tokens, i, _NP_MAX + 1)
        elif (
            token.text == "of"
            and i > 0
            and tokens[i - 1].text in _MEDIA_HEADS | {"up", "closeup", "angle", "pov"}
        ):
            run = _after_of(tokens, i)  # "Aerial shot of otters floating ..."
        else:
            continue
        sentence_seen = True
        if run and {tokens[run[0]].text, tokens[run[-1]].text} & (_SOUND_HEADS | _TECH_HEADS):
            continue  # "The audio features ...", "Anamorphic 2.0x lens": nothing we watch
        if run and tokens[run[-1]].text in _MEDIA_HEADS:
            after = run[-1] + 1
            if (
                after < len(tokens)
                and not tokens[after].broken
                and tokens[after].text in {"of", "featuring", "showing"}
            ):
                run = _after_of(tokens, after)
            else:
                sentence_seen = False  # "A 90s documentary-style interview, an old man ..."
                continue
        if run:
            _claim_subject(tokens, source, taken, run, found, claimed_by)


def _after_of(tokens: list[_Token], of: int) -> list[int]:
    start = of + 1
    while start < len(tokens) and tokens[start].text in _NP_OPENERS | _DETERMINERS:
        start += 1
    return _np_run(tokens, start, _NP_MAX + 1)


def _claim_subject(
    tokens: list[_Token],
    source: _Source,
    taken: list[bool],
    run: list[int],
    found: dict[str, list[tuple[int, str]]],
    claimed_by: Mapping[int, str],
) -> None:
    """The noun phrase ``run`` is the subject, unless its head is a place, a light or a shot with no
    verb of its own ("A light rain falls" has one: the rain is what we watch)."""
    words, verb = _subject_words(tokens, source, taken, run, found, claimed_by)
    if not words:
        return
    after = words[-1] + 1
    verb = verb or (after < len(tokens) and not tokens[after].broken and _is_action_ing(tokens, after))
    head = words[-1]
    barred = {"shot", "camera"} if verb else {"setting", "lighting", "shot", "camera"}
    if claimed_by.get(head) in barred:
        return
    if "subject" not in found and (
        verb or any(not taken[k] or claimed_by.get(k) in {"subject", "action"} for k in words)
    ):
        found["subject"] = [(words[0], source.cut(tokens[words[0]].start, tokens[head].end))]


def _np_run(tokens: list[_Token], j: int, limit: int) -> list[int]:
    """Up to ``limit`` words from ``j`` up to a preposition, conjunction or punctuation."""
    run: list[int] = []
    while j < len(tokens) and len(run) < limit and not (run and tokens[j].broken):
        word = tokens[j].text
        if word in _NP_ENDERS or (
            len(word) >= 5 and word.endswith("ing") and word not in vocab_data.ING_NOUNS
        ):
            break
        run.append(j)
        j += 1
    return run


def _subject_words(
    tokens: list[_Token],
    source: _Source,
    taken: list[bool],
    run: list[int],
    found: dict[str, list[tuple[int, str]]],
    claimed_by: Mapping[int, str],
) -> tuple[list[int], bool]:
    """The noun phrase without its verb: "Bunny runs away" -> "Bunny" (and "runs" is an action)."""
    verb = next(
        (
            k
            for k in run[1:]
            if claimed_by.get(k) == "action"
            or (
                not taken[k]
                and tokens[k].text.endswith("s")
                and not tokens[k].text.endswith(("ss", "us", "is", "'s"))
                and (k + 1 >= len(tokens) or tokens[k + 1].broken or tokens[k + 1].text in _VERB_FOLLOWERS)
            )
        ),
        None,
    )
    if verb is None:
        return run, False
    if "action" not in found:
        found["action"] = [(verb, source.cut(tokens[verb].start, tokens[verb].end))]
    return run[: run.index(verb)], True


def _bare_start(tokens: list[_Token], source: _Source, i: int, claimed_by: Mapping[int, str]) -> bool:
    """A capitalised first word that may open a bare noun phrase ("Bunny runs away", "Borneo wildlife")."""
    token = tokens[i]
    if not source.norm[token.start].isupper() or token.text in _NOT_NP_STARTS or token.text.isdigit():
        return False
    if claimed_by.get(i) not in {None, "subject"}:
        return False
    follows = source.norm[token.end : token.end + 2]
    if i + 1 < len(tokens) and tokens[i + 1].text[0].isdigit():
        return False  # "Anamorphic 2.0x lens", "Duration 4s": a specification
    return not (set(follows) & {":", ","})  # "Soft, warm, golden light." lists adjectives


def _is_action_ing(tokens: list[_Token], i: int) -> bool:
    word = tokens[i].text
    if len(word) < 5 or not word.endswith("ing") or word in vocab_data.NOT_ACTION_ING:
        return False
    # "a building", "the setting sun", "his clothing": after a determiner it is a noun or adjective;
    # "with flowing shapes", "of floating islands": before a noun, after a preposition, an adjective.
    if i > 0 and not tokens[i].broken and tokens[i - 1].text in _DETERMINERS:
        return False
    return not _adjective_ing(tokens, i)


def _adjective_ing(tokens: list[_Token], i: int) -> bool:
    """ "with flowing shapes", "of floating islands": an "-ing" word before a noun, after a preposition."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        i > 0
        and not tokens[i].broken
        and tokens[i - 1].text in {"with", "of", "and", "by"}
        and nxt is not None
        and not nxt.broken
        and nxt.text not in _VERB_FOLLOWERS
    )


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
    source: _Source,
    vocab: Vocabulary,
    matched: list[tuple[int, int, _Term]],
    found: Mapping[str, list[tuple[int, str]]],
    quoted: list[bool],
) -> list[str]:
    """The words that show the prompt asks for several shots or scenes (empty: one shot).

    Words inside quoted dialogue never count ("I'll see you later" is not a cut).
    """
    sentence = list(itertools.accumulate(int(t.opens) for t in tokens))  # sentence number per token
    sized: list[tuple[int, int, str]] = []  # (start, end, size) of every shot size named
    for start, end, term in matched:
        size = vocab._sizes.get(term.words)
        if size:
            sized.append((start, end, size))
    size_ends = {end for _, end, _ in sized}
    out: list[str] = [
        source.cut(tokens[start].start, tokens[end - 1].end)
        for start, end, _ in _scan(tokens, vocab._fast_indexes[1])
        if not quoted[start] and not _one_take_marker(tokens, start, end, size_ends)
    ]
    out += _shot_list(source)
    out += _timed_parts(source, tokens, found)
    # Two different shot sizes in different sentences or put in sequence ("Wide shot of the bay, then
    # a close-up of a gull"), unless a camera move joins them ("starts wide, then zooms in to a
    # close-up" is one shot; "medium shot, eye-level close-up" names one framing twice).
    sizes: dict[str, str] = {}
    for start, end, size in sized:
        if size not in sizes:
            sizes[size] = source.cut(tokens[start].start, tokens[end - 1].end)
    apart = len({sentence[start] for start, _, _ in sized}) >= 2
    markers = [m for m in _scan(tokens, vocab._fast_indexes[2]) if not quoted[m[0]]]
    sequenced = bool(markers)
    if len(sizes) >= 2 and (apart or sequenced) and "camera" not in found:
        out.append(" + ".join(sizes.values()))
    # A list of events: "then", "finally", ... with three or more actions that are not the moves of
    # one moment ("turns around and smiles, then walks out" is one shot), or several such words.
    # Only the actions of the sentences that hold a sequence word count: a long prompt has many
    # actions, and one "then" in it does not make them a list.
    in_sequence = {sentence[a] for a, _, _ in markers}
    distinct = list(
        dict.fromkeys(source.cut(tokens[a].start, tokens[b - 1].end).lower() for a, b, _ in markers)
    )
    events = {
        tokens[k].stem for k, _ in found.get("action", ()) if k < len(tokens) and sentence[k] in in_sequence
    } - _GESTURE_STEMS
    if (len(distinct) >= 2 or (sequenced and len(events) >= 3)) and not _ONE_TAKE_RE.search(source.norm):
        out.append(", ".join(distinct) + f" ({len(events)} events)")
    return list(dict.fromkeys(out))


# "cut to black", "fade to white": the end of the clip, not a second shot.
_END_OF_CLIP = frozenset({"black", "white", "credits", "title", "titles", "logo"})
# "the camera starts with a wide shot": a camera move that begins somewhere, not a second shot.
_ONE_TAKE_OPENERS = frozenset({"start", "begin", "end", "open"})
_NEGATIONS = frozenset({"not", "never", "don't", "dont", "no"})
# "one continuous uncut shot", "no cuts", "single take": the prompt says it is one shot, so a list of
# its events ("she walks, then runs, then sprints") is not a list of shots.
_ONE_TAKE_RE = re.compile(
    r"\b(?:one|single|a)\s+(?:continuous\s+|unbroken\s+|uncut\s+)+(?:shot|take)\b|\bno\s+cuts\b|"
    r"\b(?:one|single)[ -]take\b|\buncut\b|\bwithout\s+(?:any\s+)?cuts\b",
    re.IGNORECASE,
)


def _one_take_marker(tokens: list[_Token], start: int, end: int, size_ends: set[int]) -> bool:
    """A split word that, read in place, still means one shot.

    "cut to black" ends the clip; "the camera starts with a wide shot" is a camera move; "medium shot
    transitioning to close-up" is one framing changing continuously.
    """
    if end < len(tokens) and tokens[end].text in _END_OF_CLIP:
        return True
    if start > 0 and tokens[start - 1].text in _NEGATIONS:
        return True  # "do not start with their hands over their mouths"
    if tokens[start].stem in _ONE_TAKE_OPENERS and start > 0 and tokens[start - 1].text == "camera":
        return True
    return tokens[start].stem == "transition" and start in size_ends


def _timed_parts(
    source: _Source, tokens: list[_Token], found: Mapping[str, list[tuple[int, str]]]
) -> list[str]:
    """Time ranges that split the clip into parts with framings or camera moves of their own.

    "0–3 s: static wide ... 3–7 s: slow push-in ..." asks for several shots; time ranges that only
    pace one take ("0–2s: they dance ... 2–6s: they laugh") or set playback speed do not. Bracketed
    ranges ("[00:00-00:04] ... [00:04-00:08] ...") are the vendors' timestamp syntax for a shot list,
    so two of them are enough.
    """
    spans = [m.span() for m in _TIMECODE_RE.finditer(source.norm)]
    if len(spans) < 2:
        return []
    if sum(a > 0 and source.norm[a - 1] == "[" for a, _ in spans) >= 2:
        return [" … ".join(source.cut(*spans[i]) for i in (0, 1))]
    # A part runs from its time range to the next one or to the next blank line, whichever is first
    # (a "Visual style: handheld ..." paragraph after the last part belongs to the whole clip).
    starts = [a for a, _ in spans]
    ends = []
    for i, (_, opened) in enumerate(spans):
        end = starts[i + 1] if i + 1 < len(starts) else len(source.norm)
        blank = source.norm.find("\n\n", opened, end)
        ends.append(blank if blank >= 0 else end)
    framed: set[int] = set()
    for name in ("shot", "camera"):
        for k, _ in found.get(name, ()):
            if k < len(tokens):
                part = bisect.bisect_right(starts, tokens[k].start) - 1
                if part >= 0 and tokens[k].start < ends[part]:
                    framed.add(part)
    if len(framed) < 2:
        return []
    return [" … ".join(source.cut(*spans[i]).strip(" \t*>-") for i in (0, 1))]


# "Shot 2:", "Cut 1 (0.0-3.0 s)", "Scene 3": numbered parts (a decimal such as "Shot 2.1" names one).
_NUMBERED_RE = re.compile(
    r"\b(shot|cut|scene|clip|beat|part)\s*#?(\d{1,2}|one|two|three|four|five|six)(?![.,]?\d)(\s*[:)(\]—–-])?",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# "0.00–2.40", "[00:03-00:06]", "(0.0-3.0 s)", "3-6s": a time range opening a part of the clip.
_TIMECODE_RE = re.compile(
    r"(?:(?<=[\[(])|(?:^|(?<=\n))[ \t*>-]*)\d{1,2}(?:[:.]\d{1,2}){0,2}\s*s?\s*[-–—]\s*"
    r"\d{1,2}(?:[:.]\d{1,2}){0,2}"
    r"(?:\s*(?:s|sec|secs|seconds)\b)?|\b\d{1,2}(?:\.\d)?\s*[-–—]\s*\d{1,2}(?:\.\d)?\s*(?:s|sec|secs|seconds)\b"
)


def _shot_list(source: _Source) -> list[str]:
    """Shot-list markers: two numbered parts ("Cut 1 ... Cut 5", or one numbered from 2 with a
    colon). Time ranges are read by :func:`_timed_parts`."""
    out: list[str] = []
    numbers: dict[str, dict[str, str]] = {}
    for match in _NUMBERED_RE.finditer(source.norm):
        kind, number = match.group(1).lower(), match.group(2).lower()
        numbers.setdefault(kind, {}).setdefault(number, source.cut(match.start(), match.end(2)))
        if (
            _NUMBER_WORDS.get(number, int(number) if number.isdigit() else 0) >= 2
            and match.group(3)
            and match.group(3).strip() in {":", ")", "]"}
        ):
            numbers[kind].setdefault("", "")
    for seen in numbers.values():
        named = [words for key, words in seen.items() if key]
        if len(seen) >= 2:
            out.append(" … ".join(named[:2]) if len(named) >= 2 else named[0])
    return out
