"""Every runtime dependency in pyproject.toml is imported by the package, or says why not."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Distribution name -> the module it is imported as, where they differ.
IMPORT_NAMES = {"pillow": "PIL", "nest-asyncio2": "nest_asyncio2"}


def _runtime_dependencies() -> list[tuple[str, str]]:
    """(distribution name, the line's comment) for each entry of [project] dependencies."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[\n(.*?)^\]", text, re.M | re.S)
    assert block is not None, "pyproject.toml has no [project] dependencies list"
    found = []
    for line in block.group(1).splitlines():
        entry = re.match(r'\s*"([A-Za-z0-9_.-]+)[^"]*",?\s*(?:#\s*(.*))?$', line)
        if entry:
            found.append((entry.group(1).lower(), (entry.group(2) or "").strip()))
    return found


def _imported_modules() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "sora_widgets").rglob("*.py"):
        for match in re.finditer(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", path.read_text("utf-8"), re.M):
            names.add(match.group(1))
    return names


def test_every_runtime_dependency_is_imported_or_has_a_written_reason() -> None:
    dependencies = _runtime_dependencies()
    assert len(dependencies) >= 10  # the parser read the list
    imported = _imported_modules()
    unexplained = [
        name
        for name, reason in dependencies
        if IMPORT_NAMES.get(name, name.replace("-", "_")) not in imported and not reason
    ]
    assert unexplained == [], f"declared but never imported, with no comment saying why: {unexplained}"


def test_pydantic_is_not_declared() -> None:
    assert "pydantic" not in {name for name, _ in _runtime_dependencies()}
