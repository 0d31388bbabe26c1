"""The README's Design claims, checked on the source: the module import graph (built from the AST
of every module under ``sora_widgets/``), the dependency direction, and function length.

Imports inside functions count (they run); imports under ``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sora_widgets"
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that runs, at any depth, skipping ``if TYPE_CHECKING:`` bodies."""
    for child in ast.iter_child_nodes(node):
        if _is_type_checking(child):
            assert isinstance(child, ast.If)
            for other in child.orelse:
                yield from _imports_in(other)
            continue
        yield from _imports_in(child)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    yield from _imports(node)


def _targets(name: str, path: Path) -> tuple[set[str], set[str]]:
    """The package's modules ``name`` imports, and the top-level names of everything it imports."""
    modules = _modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inner: set[str] = set()
    outer: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                outer.add(alias.name.split(".")[0])
                inner.update(m for m in (alias.name,) if m in modules)
            continue
        if node.level:  # relative: resolved against this module's package
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        outer.add(target.split(".")[0])
        for alias in node.names:
            sub = f"{target}.{alias.name}"
            if sub in modules:
                inner.add(sub)
            elif target in modules:
                inner.add(target)
    inner.discard(name)
    return inner, outer


@cache
def _graph() -> dict[str, set[str]]:
    return {name: _targets(name, path)[0] for name, path in _modules().items()}


def _third_party(name: str) -> set[str]:
    return _targets(name, _modules()[name])[1] - {"sora_widgets", "__future__"}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each strongly connected group of modules (Tarjan, then BFS)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group: set[str] = set()
            while v not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_shortest_cycle(graph, group) for group in groups]


def _shortest_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    paths = {w: [start, w] for w in graph[start] & group}
    frontier = list(paths)
    while start not in paths:
        step = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    step.append(w)
        frontier = step
    return paths[start]


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for w in graph[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen - {start}


def _reaches_back(start: str) -> set[str]:
    graph = _graph()
    reversed_graph = {v: {w for w in graph if v in graph[w]} for v in graph}
    return _reaches(reversed_graph, start) | {start}


def _under(prefix: str) -> list[str]:
    return [m for m in _modules() if m == prefix or m.startswith(prefix + ".")]


# -- the tools themselves ----------------------------------------------------------------


def test_the_graph_sees_function_level_and_relative_imports_and_skips_type_checking() -> None:
    graph = _graph()
    assert "sora_widgets.widgets.player" in graph["sora_widgets._display"]  # inside a function
    assert "sora_widgets.models.task" in graph["sora_widgets.models.video"]  # from .task import
    assert "sora_widgets.journal" not in graph["sora_widgets.client._client"]  # TYPE_CHECKING only
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


# -- the claims ----------------------------------------------------------------------------


def test_no_import_cycle_between_modules() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (shortest through each circle, then its size):\n" + "\n".join(
        f"{' -> '.join(c)}  [{len(_reaches(_graph(), c[0]) & _reaches_back(c[0]))} modules]" for c in cycles
    )


def test_models_are_data() -> None:
    allowed = {
        "sora_widgets._constants",
        "sora_widgets._text",
        "sora_widgets.errors",
        "sora_widgets._failure_codes",
    }
    io_libraries = {"httpx", "sqlite3", "av", "PIL", "socket", "urllib", "subprocess", "asyncio", "IPython"}
    for name in _under("sora_widgets.models"):
        bad = {m for m in _graph()[name] if m not in allowed and not m.startswith("sora_widgets.models")}
        assert not bad, f"{name} imports {sorted(bad)}"
        assert not _third_party(name) & io_libraries, f"{name} imports {_third_party(name) & io_libraries}"


def test_only_the_transport_imports_httpx() -> None:
    importers = {name for name in _modules() if "httpx" in _third_party(name)}
    assert importers and all(m.startswith("sora_widgets.transport") for m in importers), sorted(importers)


def test_nothing_imports_widgets_but_widgets_and_the_display_layer() -> None:
    for name, targets in _graph().items():
        if name.startswith("sora_widgets.widgets") or name == "sora_widgets._display":
            continue
        into = sorted(t for t in targets if t.startswith("sora_widgets.widgets"))
        assert not into, f"{name} imports {into}"


def test_the_client_reaches_no_journal_cache_or_sqlite() -> None:
    graph = _graph()
    for name in _under("sora_widgets.client"):
        reached = _reaches(graph, name)
        bad = sorted(m for m in reached if m.startswith(("sora_widgets.journal", "sora_widgets.cache")))
        assert not bad, f"{name} reaches {bad}"
        assert "sqlite3" not in _third_party(name)


def _functions() -> Iterator[tuple[str, int]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                where = f"{path.relative_to(PACKAGE).as_posix()}:{node.name}"
                yield where, node.end_lineno - node.lineno + 1


def test_no_function_is_over_80_lines() -> None:
    long = {where: n for where, n in _functions() if n > MAX_FUNCTION_LINES}
    assert not long, f"over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("source", ["def f():\n" + "    x = 1\n" * 80, "async def g():\n    pass\n"])
def test_the_length_check_counts_from_def_to_the_last_line(source: str) -> None:
    node = ast.parse(source).body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None
    assert node.end_lineno - node.lineno + 1 == source.count("\n")
