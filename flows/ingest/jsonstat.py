"""A reader for JSON-stat 2.0 datasets (the format of SSB's StatBank API), to one row per cell."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

from flows.errors import BymonitorError

TABLE_ID_IN_LABEL = re.compile(r"^\s*(\d{5})\s*:")
MAX_ABS_VALUE = 1e12  # no StatBank count or rate bymonitor reads comes near this


class JsonStatError(BymonitorError, ValueError):
    """The document is not a JSON-stat 2.0 dataset this reader can trust; nothing is loaded."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass(frozen=True)
class Dimension:
    id: str
    codes: list[str]
    labels: dict[str, str]


@dataclass(frozen=True)
class Cell:
    """One cell: its code in every dimension, its value (None where missing) and status."""

    codes: dict[str, str]
    value: float | None
    status: str | None


@dataclass(frozen=True)
class Dataset:
    source: str
    label: str
    table_id: str | None
    dimensions: list[Dimension]
    roles: dict[str, list[str]]
    values: list[float | None]
    statuses: list[str | None]
    extension: dict[str, Any]
    updated: str | None = None

    def role(self, name: str) -> str | None:
        """The dimension id that has this role (time, geo, metric), if the document says so."""
        ids = self.roles.get(name) or []
        return ids[0] if ids else None

    def cells(self) -> Iterator[Cell]:
        """All cells in row-major order (the last dimension varies fastest)."""
        ids = [d.id for d in self.dimensions]
        for position, combo in enumerate(product(*(d.codes for d in self.dimensions))):
            yield Cell(
                dict(zip(ids, combo, strict=True)), self.values[position], self.statuses[position]
            )


def read_file(path: Path) -> Dataset:
    """Parse a JSON-stat 2.0 file; raise JsonStatError naming the file and the problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise JsonStatError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise JsonStatError(source, "the file is empty")
    if text.lstrip().startswith("<"):
        raise JsonStatError(source, "an HTML or XML page, not JSON (an error page saved as .json?)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonStatError(source, f"not JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError:
        raise JsonStatError(source, "not usable JSON (nested too deeply)") from None
    return parse(document, source)


def parse(document: Any, source: str = "<document>") -> Dataset:
    """Validate and unpack a decoded JSON-stat 2.0 dataset."""
    if not isinstance(document, dict):
        raise JsonStatError(source, "not a JSON-stat dataset (top level is not an object)")
    if "version" not in document and any(
        isinstance(v, dict) and "dimension" in v for v in document.values()
    ):
        raise JsonStatError(
            source,
            "a JSON-stat 1.x bundle, not a JSON-stat 2.0 dataset (StatBank's API v2 answers "
            'with "version": "2.0", "class": "dataset")',
        )
    if document.get("class") != "dataset" or str(document.get("version", "")) != "2.0":
        raise JsonStatError(
            source, 'not a JSON-stat 2.0 dataset (needs "version": "2.0", "class": "dataset")'
        )
    ids, sizes = document.get("id"), document.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise JsonStatError(source, '"id" and "size" must be lists of the same length')
    dims_doc = document.get("dimension")
    if not isinstance(dims_doc, dict):
        raise JsonStatError(source, '"dimension" is missing')

    dimensions = [
        _dimension(source, dim_id, dims_doc, size) for dim_id, size in zip(ids, sizes, strict=True)
    ]
    total = math.prod(sizes)
    values = _values(source, document.get("value"), total)
    statuses = _statuses(source, document.get("status"), total)
    label = str(document.get("label") or "")
    match = TABLE_ID_IN_LABEL.match(label)
    px = (document.get("extension") or {}).get("px")
    extension_id = px.get("tableid") if isinstance(px, dict) else None
    roles = document.get("role") or {}
    return Dataset(
        source=source,
        label=label,
        table_id=match.group(1) if match else (str(extension_id) if extension_id else None),
        dimensions=dimensions,
        roles={k: list(v) for k, v in roles.items() if isinstance(v, list)},
        values=values,
        statuses=statuses,
        extension=document.get("extension") if isinstance(document.get("extension"), dict) else {},
        updated=str(document["updated"]) if document.get("updated") else None,
    )


def _dimension(source: str, dim_id: str, dims_doc: dict, size: int) -> Dimension:
    entry = dims_doc.get(dim_id)
    if not isinstance(entry, dict) or not isinstance(entry.get("category"), dict):
        raise JsonStatError(source, f'dimension {dim_id!r} is listed in "id" but not described')
    category = entry["category"]
    index = category.get("index")
    labels = category.get("label") or {}
    if index is None:  # a single-category dimension may carry labels only
        codes = list(labels)
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        codes = [None] * len(index)  # type: ignore[list-item]
        for code, position in index.items():
            if not isinstance(position, int) or not 0 <= position < len(index) or codes[position]:
                raise JsonStatError(source, f"dimension {dim_id!r} has a bad index for {code!r}")
            codes[position] = str(code)
    else:
        raise JsonStatError(source, f"dimension {dim_id!r}: index must be a list or an object")
    repeated = sorted(c for c, n in Counter(codes).items() if n > 1)
    if repeated:
        raise JsonStatError(
            source, f"dimension {dim_id!r} lists {', '.join(repeated)} more than once"
        )
    if len(codes) != size:
        raise JsonStatError(
            source, f"dimension {dim_id!r} has {len(codes)} categories but size says {size}"
        )
    return Dimension(dim_id, codes, {str(k): str(v) for k, v in labels.items()})


def _values(source: str, raw: Any, total: int) -> list[float | None]:
    if isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(
                source, f"{len(raw)} values but the dimensions' sizes multiply to {total}"
            )
        items = enumerate(raw)
        values: list[float | None] = [None] * total
    elif isinstance(raw, dict):
        values = [None] * total
        items = _sparse_items(source, raw, total, "value")
    else:
        raise JsonStatError(source, '"value" must be a list or an object')
    for position, value in items:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise JsonStatError(source, f"value {position} is not a number: {value!r}")
        if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
            shown = "NaN" if value != value else repr(value)
            raise JsonStatError(
                source,
                f"value {position} is {shown}: StatBank's figures are finite numbers "
                f"(at most {MAX_ABS_VALUE:.0e} in size); nothing was loaded",
            )
        values[position] = float(value)
    return values


def _statuses(source: str, raw: Any, total: int) -> list[str | None]:
    if raw is None:
        return [None] * total
    if isinstance(raw, str):
        return [raw] * total
    if isinstance(raw, list):
        if len(raw) == 1:
            return [raw[0]] * total
        if len(raw) != total:
            raise JsonStatError(source, f"{len(raw)} statuses for {total} values")
        return [None if s is None else str(s) for s in raw]
    if isinstance(raw, dict):
        statuses: list[str | None] = [None] * total
        for position, status in _sparse_items(source, raw, total, "status"):
            statuses[position] = None if status is None else str(status)
        return statuses
    raise JsonStatError(source, '"status" must be a string, a list or an object')


def _sparse_items(source: str, raw: dict, total: int, what: str) -> Iterator[tuple[int, Any]]:
    for key, item in raw.items():
        try:
            position = int(key)
        except ValueError:
            raise JsonStatError(source, f"{what} key {key!r} is not a cell number") from None
        if not 0 <= position < total:
            raise JsonStatError(source, f"{what} for cell {position}, but there are {total} cells")
        yield position, item
