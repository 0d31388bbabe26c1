"""The package's public face: every exported name loads, IDEs see the same names, and the types
the Studio's public members return are exported (``studio.status_bars`` gives JobStatus records)."""

from __future__ import annotations

import ast
import importlib
import typing
from pathlib import Path

import sora_widgets as sw

INIT = Path(sw.__file__)


def _type_checking_imports() -> dict[str, str]:
    """name -> module, as imported under ``if TYPE_CHECKING:`` in ``sora_widgets/__init__.py``."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in ast.walk(node):
                if isinstance(imp, ast.ImportFrom):
                    for alias in imp.names:
                        found[alias.asname or alias.name] = "." * imp.level + (imp.module or "")
    return found


def test_every_export_loads_from_its_module() -> None:
    for name, module in sw._EXPORTS.items():
        value = getattr(sw, name)  # an AttributeError or ImportError names the broken entry
        assert value is getattr(importlib.import_module(module, "sora_widgets"), name), name


def test_ides_see_the_same_names_from_the_same_modules() -> None:
    assert _type_checking_imports() == sw._EXPORTS


def test_the_status_types_the_studio_returns_are_exported() -> None:
    hints = typing.get_type_hints(sw.Studio.status_bars.fget, localns={"JobStatus": sw.JobStatus})
    (returned,) = typing.get_args(hints["return"])
    assert returned is sw.JobStatus and "JobStatus" in sw.__all__
    assert issubclass(sw.JobStatus, sw.TaskStatus) and "TaskStatus" in sw.__all__
    assert issubclass(sw.StatusBar, sw.TaskStatus)
