"""The front ends: ES modules in ``static/`` bundled by esbuild into ``static/dist/`` (committed).

anywidget loads each displayed widget's bundle as a file (``_esm``/``_css`` are paths, so its own
hot reload applies); the bundles must match the sources, each must export a default
``{initialize, render}``, no source file grows past 450 lines, and no function (arrow, method or
nested ones included) past 80: a widget's mount function composes named parts.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import sora_widgets
import sora_widgets.widgets
from sora_widgets.widgets._base import SoraWidget
from sora_widgets.widgets._front import DIST, STATIC
from tests.widgets.js_functions import functions

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted(STATIC.glob("*.js"))
MAX_LINES = 450
MAX_FUNCTION_LINES = 80


def displayed_widgets() -> dict[str, type[SoraWidget]]:
    """Every widget class of the package that names a front end, by front-end name."""
    for info in pkgutil.iter_modules(sora_widgets.widgets.__path__):
        importlib.import_module(f"sora_widgets.widgets.{info.name}")
    found: dict[str, type[SoraWidget]] = {}
    todo = list(SoraWidget.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("sora_widgets.") and cls.__dict__.get("_front_name"):
            found[str(cls._front_name)] = cls
    return found


def test_every_displayed_widget_loads_its_bundle_with_a_default_export() -> None:
    widgets = displayed_widgets()
    assert {"player", "studio", "gallery", "prompt_lab", "storyboard"} <= set(widgets)
    for name, cls in widgets.items():
        esm, css = DIST / f"{name}.js", DIST / f"{name}.css"
        assert Path(str(cls._esm._path)) == esm, f"{cls.__name__}._esm is not {esm}"  # type: ignore[attr-defined]
        assert Path(str(cls._css._path)) == css, f"{cls.__name__}._css is not {css}"  # type: ignore[attr-defined]
        bundle = esm.read_text(encoding="utf-8")
        assert re.search(r"\bas default\b", bundle), f"{esm.name} has no default export"
        assert not re.search(r"^\s*import\b", bundle, re.M), f"{esm.name} still imports a file"
        assert "render:" in bundle
        assert ".sw-" in css.read_text(encoding="utf-8")  # base.css and the widget's own rules


def test_every_bundle_belongs_to_a_widget() -> None:
    # A source with `export default` is bundled; a bundle nobody loads is a stale leftover.
    entries = {p.stem for p in SOURCES if re.search(r"^export default ", p.read_text("utf-8"), re.M)}
    bundles = {p.stem for p in DIST.glob("*.js")}
    assert entries == bundles == set(displayed_widgets())


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_front_end_source_is_over_450_lines(source: Path) -> None:
    count = len(source.read_text(encoding="utf-8").splitlines())
    assert count <= MAX_LINES, f"{source.name} has {count} lines: split it into named parts"


def test_the_function_measure_sees_a_long_function() -> None:
    body = "\n".join(f"  step{i}();" for i in range(3))
    found = functions(f"export function mountX({{ model, el }}) {{\n{body}\n}}\n")
    assert [(f.name, f.lines) for f in found] == [("mountX", 5)]


def test_the_function_measure_sees_arrows_methods_and_nested_functions() -> None:
    source = """const draw = (model) => {
  const parts = { paint(x) {
    return x;
  } };
  function inner() {
    if (a) { b(); }
  }
  items.map((item) =>
    h("li", { text: item }),
  );
};
export default { render: async ({ model }) => { go(); } };
"""
    found = {(f.name, f.start, f.end) for f in functions(source)}
    assert found == {
        ("draw", 1, 11),
        ("paint", 2, 4),
        ("inner", 5, 7),
        ("(arrow)", 8, 9),
        ("render", 12, 12),
    }


def test_the_function_measure_is_not_fooled_by_braces_in_text() -> None:
    source = r"""function f() {
  const a = "}" + '{' + `}${"{"}${ g({}) }`; // }
  /* } */ const r = /[}]{2}\//g;
  return a / 2 / r;
}
"""
    assert [(f.name, f.lines) for f in functions(source)] == [("f", 5)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_front_end_functions_are_split_into_named_parts(source: Path) -> None:
    for fn in functions(source.read_text(encoding="utf-8")):
        where = f"{source.name}:{fn.start}: {fn.name} has {fn.lines} lines"
        assert fn.lines <= MAX_FUNCTION_LINES, f"{where} (max {MAX_FUNCTION_LINES}): split it into parts"


_EXPORTED = re.compile(r"^export (?:async function|function|const|let) ([A-Za-z_$][\w$]*)", re.M)
_IMPORTED = re.compile(r'^import \{([^}]*)\} from "\./_dom\.js";', re.M)


def missing_dom_imports(source: str, helpers: set[str]) -> list[str]:
    """The ``_dom.js`` helpers ``source`` calls without importing (or defining) them."""
    imported = {name.strip() for names in _IMPORTED.findall(source) for name in names.split(",")}
    missing = []
    for name in sorted(helpers - imported):
        defined = re.search(rf"\b(?:function|const|let|var) {re.escape(name)}\b", source)
        if not defined and re.search(rf"(?<![\w$.]){re.escape(name)}\(", source):
            missing.append(name)
    return missing


def test_the_import_check_sees_a_helper_used_without_its_import() -> None:
    # What a merge did once: new code called activeIn, which the old shared scope had provided.
    source = 'import { h } from "./_dom.js";\nexport function f(n) { return activeIn(n) && h("a"); }\n'
    assert missing_dom_imports(source, {"h", "activeIn", "listen"}) == ["activeIn"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_shared_helper_a_module_calls_is_imported(source: Path) -> None:
    helpers = set(_EXPORTED.findall((STATIC / "_dom.js").read_text(encoding="utf-8")))
    if source.name != "_dom.js":
        missing = missing_dom_imports(source.read_text(encoding="utf-8"), helpers)
        assert missing == [], f"{source.name} calls {missing} without importing them from ./_dom.js"


def test_no_private_anywidget_import() -> None:
    package = Path(sora_widgets.__file__).parent
    private = re.compile(r"\banywidget\._|from anywidget\._")
    users = [p.name for p in package.rglob("*.py") if private.search(p.read_text(encoding="utf-8"))]
    assert users == []


def test_the_committed_bundles_are_built_from_the_sources(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "esbuild").is_dir():
        pytest.skip("needs node and `npm ci` (esbuild) in the repository")
    subprocess.run(
        [node, str(REPO / "scripts" / "build_front.mjs"), "--outdir", str(tmp_path)],
        check=True,
        cwd=REPO,
        timeout=60,
    )
    built = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DIST.iterdir()}
    assert sorted(built) == sorted(committed), "run `npm run build` and commit static/dist"
    stale = [name for name in built if built[name] != committed[name]]
    assert stale == [], f"static/dist is stale ({stale}): run `npm run build` and commit it"
