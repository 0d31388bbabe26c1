"""Every function in a front-end ES module, with its lines: the JS twin of the Python length rule.

A small scanner, not a parser: it knows enough JS (strings, template literals with ``${}``,
comments, regex literals) to match brackets, and it sees a function wherever one starts:
``function name(...) {``, ``(...) => {``, ``x => expression``, and method shorthand
``name(...) {``. A function's lines run from the line its parameters start on to its last line,
nested functions included (as Python's ``end_lineno - lineno + 1`` counts them).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    """One significant token: kind is "id" (identifier, keyword, number), "str", "re" or "punct"."""

    kind: str
    text: str
    line: int


class JsFunction(NamedTuple):
    """A function's name (``(arrow)`` when it has none) and its first and last line."""

    name: str
    start: int
    end: int

    @property
    def lines(self) -> int:
        """The function's length in lines, counting its first and last line."""
        return self.end - self.start + 1


_WORD = re.compile(r"[\w$]+")
_BEFORE_REGEX = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw"}
_BEFORE_REGEX |= {"instanceof", "yield", "await"}
_NOT_METHODS = {"if", "for", "while", "switch", "catch", "with", "function"}


def _regex_allowed(prev: Token | None) -> bool:
    """Whether a ``/`` after ``prev`` starts a regex literal (not a division)."""
    if prev is None:
        return True
    if prev.kind == "punct":
        return prev.text not in {")", "]", "}"}
    return prev.kind == "id" and prev.text in _BEFORE_REGEX


def _skip_quoted(src: str, i: int, quote: str) -> int:
    """The index just past the string or regex body that starts at ``i`` (after its opening quote)."""
    in_class = False
    while i < len(src) and src[i] != "\n":
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if quote == "/" and c in "[]":
            in_class = c == "["
        elif c == quote and not in_class:
            return i + 1
        i += 1
    return i


def _template_piece(src: str, i: int, braces: list[bool]) -> int:
    """The index just past one piece of a template literal starting at ``i``: to ``` or ``${``."""
    while i < len(src):
        if src[i] == "\\":
            i += 2
        elif src[i] == "`":
            return i + 1
        elif src.startswith("${", i):
            braces.append(True)
            return i + 2
        else:
            i += 1
    return i


def tokens(src: str) -> list[Token]:
    """The significant tokens of ``src``, each with its line (comments and whitespace dropped)."""
    out: list[Token] = []
    braces: list[bool] = []  # one per open "{": True when it is a template literal's "${"
    i, line = 0, 1
    while i < len(src):
        c = src[i]
        if c.isspace():
            j = i + 1
        elif src.startswith("//", i):
            j = _find(src, "\n", i)
        elif src.startswith("/*", i):
            j = _find(src, "*/", i + 2) + 2
        elif c in "'\"" or (c == "/" and _regex_allowed(out[-1] if out else None)):
            j = _skip_quoted(src, i + 1, c)
            out.append(Token("re" if c == "/" else "str", src[i:j], line))
        elif c == "`" or (c == "}" and braces and braces[-1]):
            if c == "}":
                braces.pop()
            j = _template_piece(src, i + 1, braces)
            out.append(Token("str", src[i:j], line))
        elif word := _WORD.match(src, i):
            j = word.end()
            out.append(Token("id", word.group(), line))
        else:
            j = i + (2 if src.startswith("=>", i) else 1)
            if c == "{":
                braces.append(False)
            elif c == "}" and braces:
                braces.pop()
            out.append(Token("punct", src[i:j], line))
        line += src.count("\n", i, j)
        i = j
    return out


def _find(src: str, what: str, start: int) -> int:
    """Where ``what`` is in ``src`` from ``start`` on, or the end of ``src``."""
    at = src.find(what, start)
    return len(src) if at < 0 else at


def _name_from_context(toks: list[Token], start: int, anonymous: str) -> str:
    """The name a function expression starting at ``toks[start]`` is bound to (``f = …``, ``f: …``)."""
    if start >= 2 and toks[start - 1].text in {"=", ":"} and toks[start - 2].kind in {"id", "str"}:
        return toks[start - 2].text.strip("'\"")
    return anonymous


def _arrow(toks: list[Token], arrow: int, opener: dict[int, int]) -> JsFunction:
    """The arrow function whose ``=>`` is ``toks[arrow]`` (its end still unknown)."""
    start = arrow - 1
    start = opener.get(start, start)  # "(params) =>" or "param =>"
    if start > 0 and toks[start - 1].text == "async":
        start -= 1
    return JsFunction(_name_from_context(toks, start, "(arrow)"), toks[start].line, 0)


def _opens_function(toks: list[Token], brace: int, opener: dict[int, int]) -> JsFunction | None:
    """The function whose body the ``{`` at ``toks[brace]`` opens, if it opens one."""
    prev = toks[brace - 1] if brace else None
    if prev is None or prev.kind != "punct":
        return None
    if prev.text == "=>":
        return _arrow(toks, brace - 1, opener)
    if prev.text != ")" or brace - 1 not in opener or opener[brace - 1] == 0:
        return None
    before = opener[brace - 1] - 1  # the token before "(": a name, or the keyword "function"
    word = toks[before]
    if word.kind != "id":
        return None
    if word.text == "function":
        return JsFunction(_name_from_context(toks, before, "(function)"), word.line, 0)
    if before and toks[before - 1].text == "function":
        return JsFunction(word.text, toks[before - 1].line, 0)
    return None if word.text in _NOT_METHODS else JsFunction(word.text, word.line, 0)


def functions(src: str) -> list[JsFunction]:
    """Every function of ``src`` (nested ones too), in the order they end."""
    toks = tokens(src)
    found: list[JsFunction] = []
    stack: list[tuple[int, JsFunction | None]] = []  # open brackets: token index, function opened
    opener: dict[int, int] = {}  # a ")" token's index -> its "(" token's index
    bodies: list[tuple[int, JsFunction]] = []  # expression-bodied arrows open: depth, function

    def end_bodies(last_line: int) -> None:
        while bodies and bodies[-1][0] == len(stack):
            found.append(bodies.pop()[1]._replace(end=last_line))

    for k, tok in enumerate(toks):
        if tok.kind != "punct":
            continue
        if tok.text in {"(", "[", "{"}:
            stack.append((k, _opens_function(toks, k, opener) if tok.text == "{" else None))
        elif tok.text in {")", "]", "}"}:
            end_bodies(toks[k - 1].line)
            if stack:
                open_k, fn = stack.pop()
                opener[k] = open_k
                if fn is not None:
                    found.append(fn._replace(end=tok.line))
        elif tok.text in {",", ";"}:
            end_bodies(toks[k - 1].line)
        elif tok.text == "=>" and (k + 1 == len(toks) or toks[k + 1].text != "{"):
            bodies.append((len(stack), _arrow(toks, k, opener)))
    stack.clear()
    end_bodies(toks[-1].line if toks else 0)
    return found
