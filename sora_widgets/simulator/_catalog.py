"""The simulated service's model catalog: what ``/api/v1/skill/models`` lists and what each spec says.

Every model is data, read with the client's own types (:class:`~sora_widgets.models.specs.ModelSpec`,
so the simulator serves exactly what the client parses): the Sora 2 Pro specs bundled with the
package (``models/specs/*.json``) and the simulator's example models
(``simulator/examples/*.json``, each marked a simulated example). An example file holds the list
entry (``model``), the spec as the wire carries it (``spec``) and the simulated price
(``price_per_second``); the service's catalog has no prices, so the simulator keeps its own to
fill ``usage.cost``.

A model can be retired while the simulator runs, to rehearse what resold Sora endpoints do:
it leaves the list, its spec answers "model not found", and so does a create.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._constants import CREATE_PATH
from ..models.prices import BUNDLED_PRICES
from ..models.specs import ModelInfo, ModelSpec, bundled_specs

__all__ = [
    "RETIRE_ENV",
    "RETIRE_PRESETS",
    "CatalogEntry",
    "SimCatalog",
    "expand_retired",
    "model_not_found",
]

#: Named groups for ``retire=``/``--retire``: ``sora`` rehearses the announced Sora retirement.
RETIRE_ENV = "SORA_WIDGETS_SIM_RETIRE"  # the command line's default for --retire
RETIRE_PRESETS: Mapping[str, tuple[str, ...]] = {"sora": ("sora_2_pro_t2v", "sora_2_pro_i2v")}


def model_not_found(model_id: object) -> str:
    """The words a gateway uses for a model it does not (or no longer) serve."""
    return f"Model not found: {model_id}"


def expand_retired(names: Iterable[str]) -> frozenset[str]:
    """Model ids from ids and preset names (``"sora"``), comma-separated or not."""
    out: set[str] = set()
    for name in names:
        for part in str(name).split(","):
            part = part.strip()
            if part:
                out.update(RETIRE_PRESETS.get(part.lower(), (part,)))
    return frozenset(out)


@dataclass(frozen=True)
class CatalogEntry:
    """One model the simulator serves.

    Attributes:
        info: the list entry.
        spec: the model's spec (``endpoint`` names the real host; the simulator answers with its
            own origin and the same path).
        price_per_second: what the simulator bills per second of video (USD).
    """

    info: ModelInfo
    spec: ModelSpec
    price_per_second: Decimal

    @property
    def id(self) -> str:
        """The model id."""
        return self.spec.model_id

    @property
    def endpoint_path(self) -> str:
        """The path of the create endpoint (``/model/v1/generation`` for most models)."""
        return urlsplit(self.spec.endpoint).path or CREATE_PATH

    def defaults(self) -> dict[str, Any]:
        """Top-level parameters' declared defaults, by name."""
        return {p.name: p.default for p in self.spec.parameters if p.default is not None}

    def list_entry(self) -> dict[str, Any]:
        """The entry as the list's ``models`` carries it."""
        return asdict(self.info)

    def spec_for(self, base_url: str) -> dict[str, Any]:
        """The spec's wire form with ``api.endpoint`` on the simulator's own origin."""
        wire = self.spec.to_wire()
        wire["api"]["endpoint"] = base_url.rstrip("/") + self.endpoint_path
        wire["agent_prompt"] = wire.get("agent_prompt") or agent_prompt(wire)
        return wire


def agent_prompt(spec: Mapping[str, Any]) -> str:
    """A short text form of a spec (the vendor CLI prints this by default for ``models spec``)."""
    lines = [
        f"{spec.get('name', spec['model_id'])} ({spec['model_id']})",
        f"{spec['api'].get('method', 'POST')} {spec['api']['endpoint']}",
        'Body: {"model": "%s", "input": [{"params": {...}}]}' % spec["model_id"],  # noqa: UP031
        f"Poll: GET {spec['api']['endpoint']}/task/{{id}}",
        "Parameters:",
    ]

    def walk(params: Iterable[Mapping[str, Any]], depth: int) -> None:
        for p in params:
            constraints = p.get("constraints") or {}
            facts = [str(p.get("type", "string")), "required" if p.get("required") else "optional"]
            if constraints.get("enum"):
                facts.append("one of " + ", ".join(constraints["enum"]))
            if "default" in constraints:
                facts.append(f"default {json.dumps(constraints['default'])}")
            text = f"{'  ' * depth}- {p.get('path') or p['name']} ({'; '.join(facts)})"
            lines.append(f"{text}: {p['description']}" if p.get("description") else text)
            walk(p.get("children") or (), depth + 1)

    walk(spec.get("parameters", ()), 1)
    return "\n".join(lines)


def _bundled_price(model_id: str) -> Decimal:
    """The bundled spec's price per second (the price table's own entry; 0 if it has none)."""
    price = BUNDLED_PRICES.get(model_id)
    return price.per_second if price is not None else Decimal(0)


def _example(path: Path) -> CatalogEntry:
    """A simulator example file: list entry, spec and simulated price."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return CatalogEntry(
        ModelInfo.from_wire(doc["model"]),
        ModelSpec.from_wire(doc["spec"]),
        Decimal(str(doc["price_per_second"])),
    )


def bundled_entries() -> list[CatalogEntry]:
    """The Sora specs bundled with the package first, then the simulator's examples."""
    sora = [CatalogEntry(spec.info(), spec, _bundled_price(spec.model_id)) for spec in bundled_specs()]
    return sora + [_example(p) for p in sorted((Path(__file__).resolve().parent / "examples").glob("*.json"))]


class SimCatalog:
    """The models a simulator serves, with the ones retired left out.

    Example:
        >>> cat = SimCatalog(retired=["sora"])
        >>> cat.get("sora_2_pro_t2v") is None, cat.get("kirin_v2_6_t2v") is not None
        (True, True)

    Args:
        entries: the models (default: :func:`bundled_entries`).
        retired: ids or presets (``"sora"``) of models that answer "model not found".
    """

    def __init__(self, entries: Iterable[CatalogEntry] | None = None, retired: Iterable[str] = ()) -> None:
        self._entries = {e.id: e for e in (bundled_entries() if entries is None else entries)}
        self._retired = set(expand_retired(retired))
        self._lock = threading.Lock()

    @property
    def retired(self) -> frozenset[str]:
        """Ids of the models retired now."""
        with self._lock:
            return frozenset(self._retired)

    def retire(self, *names: str) -> None:
        """Retire models (ids or presets); they leave the list and answer "model not found"."""
        with self._lock:
            self._retired |= expand_retired(names)

    def restore(self, *names: str) -> None:
        """Bring retired models back."""
        with self._lock:
            self._retired -= expand_retired(names)

    def get(self, model_id: object) -> CatalogEntry | None:
        """The entry of a model served now, or None (unknown or retired)."""
        if not isinstance(model_id, str) or model_id in self.retired:
            return None
        return self._entries.get(model_id)

    def known(self, model_id: str) -> CatalogEntry | None:
        """The entry even when retired (old tasks keep their price)."""
        return self._entries.get(model_id)

    def endpoint_paths(self) -> list[str]:
        """Every create path the catalog's specs name, each once."""
        return list(dict.fromkeys(e.endpoint_path for e in self._entries.values()))

    def served(self) -> list[ModelInfo]:
        """The list entries of the models served now (retired ones left out), in catalog order."""
        return [e.info for e in self._entries.values() if e.id not in self.retired]
