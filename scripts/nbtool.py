"""Keep notebooks/ committable: strip outputs and widget state, check that they are stripped.

Usage:
    python scripts/nbtool.py strip notebooks/*.ipynb    # rewrite in place
    python scripts/nbtool.py check notebooks/*.ipynb    # exit 1 and list problems if any

The same rules are asserted by tests/notebooks/test_notebooks.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

# Kernel metadata every notebook carries, so JupyterLab and Voila never ask which kernel to use.
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Cell metadata that only records a past run or a UI state; everything else (tags) is kept.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
# A stripped teaching notebook is text only; anything larger carries outputs or embedded media.
MAX_NOTEBOOK_BYTES = 40_000


def problems(path: Path) -> list[str]:
    """Return what would have to change for ``path`` to be committable (empty if nothing)."""
    nb = nbformat.read(path, as_version=4)
    found: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            if cell.get("outputs"):
                found.append(f"cell {index} has outputs")
            if cell.get("execution_count") is not None:
                found.append(f"cell {index} has an execution count")
        if any(key in cell.metadata for key in VOLATILE_CELL_METADATA):
            found.append(f"cell {index} has run metadata")
    if "widgets" in nb.metadata:
        found.append("notebook metadata holds saved widget state")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append("kernelspec metadata is missing (JupyterLab would ask for a kernel)")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        found.append(f"file is {size} bytes (limit {MAX_NOTEBOOK_BYTES})")
    return found


def strip(path: Path) -> bool:
    """Strip ``path`` in place; return True when the file changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"strip", "check"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, paths = argv[0], [Path(p) for p in argv[1:]]
    status = 0
    for path in paths:
        if command == "strip":
            if strip(path):
                print(f"stripped {path}")
        else:
            for problem in problems(path):
                print(f"{path}: {problem}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
