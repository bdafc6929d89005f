"""A local stand-in for SSB's StatBank API (PxWebApi 2) on 127.0.0.1, serving the sample snapshots.

What it mimics (as SSB's API behaves, see the shared StatBank notes, section 1b):

- `GET /tables/{id}`: table info (`label`, `updated`, `firstPeriod`, `lastPeriod`, ...).
- `GET /tables/{id}/metadata?lang=no[&codelist[VAR]=ID]`: JSON-stat 2.0 with `value: []`, `role`,
  and per dimension `extension.elimination`, `extension.show` and `extension.codelists`
  (`{id, label, type, links}`); with `codelist[VAR]=ID` the dimension lists that codelist's codes.
- `GET /tables/{id}/data?valueCodes[VAR]=...&codelist[VAR]=...` and `POST /tables/{id}/data` with
  `{"selection": [{"variableCode", "codelist", "valueCodes": [...]}], "placement": {...}}`.
  Variable names and value codes are matched case-insensitively, codelist ids are not.
  Selection expressions: `*`, `?` and `*` wildcards, `top(n[,offset])`, `bottom(n[,offset])` (on
  the time variable `top` is the latest periods), `from(x)`, `to(x)`, `range(a,b)`; in a GET an
  expression with a comma must sit in brackets (`[range(a,b)]`), as the comma separates values.
  `from`/`to`/`range` need existing codes. `outputValues[...]`, `heading`, `stub` and `placement`
  are ignored. Variables left out disappear if eliminable (their cells summed, null if any summed
  cell is null) and are refused if not.
- Errors as SSB gives them: problem JSON (`application/problem+json`, `{"type": "Parameter error",
  "title": ..., "status": 400}`) for "Non-existent variable", "Non-existent value", "Non-existent
  codelist", "Missing selection for mandantory variable" (sic), "Illegal selection expression",
  "Too many cells selected" (over `max_cells`); the same code twice in one variable: 500 with an
  empty body; a GET whose path and query are longer than `url_limit`: 404 (an HTML page); an
  unknown table: 404 problem JSON.
- Rate limit: `rate_limit` requests per sliding `rate_window_s` window (40 per 60 s), measured with
  the injectable `clock`; every answer carries `x-ratelimit-policy` and `x-ratelimit-remaining`,
  and a request over the limit gets 429 with an empty body and no Retry-After. Refused requests do
  not count.
- Maintenance: `unavailable_for(n)` answers the next n requests with 503, as SSB during its
  metadata updates.

Which codelists a table has, which codes they hold and which variables may be left out come from
`tests/data/statbank_standin.yml` (its header explains the format). Tests can queue scripted
answers per table (`script`), which come before the normal ones.

Where it simplifies:

- Codelists do not aggregate: a codelist is the subset of the snapshot's codes its pattern
  matches (the snapshot already holds the aggregated series, e.g. `K-1804`). A dimension's codes
  without a codelist are those no codelist claims, unless the profile gives `base`; for 07459 that
  leaves Region and Alder with no codes of their own (SSB has the plain codes there).
- A variable left out is summed over its own codes (or, when it has none, its first codelist's)
  and never shown at an elimination value; the sums of shares or rates mean nothing.
- Only json-stat2; `lang=en` answers in Norwegian; no `/codelists/{id}`, `/tables` search,
  `/defaultselection` or saved queries; a query without any selection is treated like any other
  (mandatory variables missing: 400), not answered with a default selection.
- A selection whose wildcards match nothing is 400 "Non-existent value".
- Rate-limit headers are on every answer, including the 503s and 404s SSB's front end may send
  without them.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import product
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from flows.ingest import jsonstat

PROFILES = Path(__file__).parent / "data" / "statbank_standin.yml"
SOURCE = "Statistisk sentralbyrå"
UPDATED = "2025-03-01T07:00:00Z"
LANGUAGES = ("no", "en")
CODELIST_TYPES = ("Aggregation", "Valueset")
PARAM = re.compile(r"(valuecodes|codelist|outputvalues)\[(.*)\]", re.IGNORECASE)
EXPRESSION = re.compile(r"(top|bottom|from|to|range)\((.*)\)", re.IGNORECASE | re.DOTALL)
MAINTENANCE_PAGE = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
NOT_FOUND_PAGE = b"<html><body><h1>404 Not Found</h1></body></html>"


@dataclass
class Scripted:
    """An answer a test queues for a table: it comes before the stand-in's own answers.

    `endpoint` limits it to one kind of request ("data", "metadata" or "table"); None: any.
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    endpoint: str | None = None


class Refused(Exception):
    """A request answered early (a problem JSON, a bare status)."""

    def __init__(self, answer: Scripted) -> None:
        super().__init__(answer.status)
        self.answer = answer


def problem(
    status: int, title: str, detail: str | None = None, kind: str = "Parameter error"
) -> Refused:
    """A problem JSON answer, as SSB gives for a refused query (raise it)."""
    body: dict[str, Any] = {"type": kind, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return Refused(
        Scripted(status, json.dumps(body).encode(), {"Content-Type": "application/problem+json"})
    )


def _json(document: dict) -> Scripted:
    body = json.dumps(document, ensure_ascii=False).encode()
    return Scripted(200, body, {"Content-Type": "application/json; charset=utf-8"})


# ---- the tables as the stand-in presents them


@dataclass
class Codelist:
    id: str
    type: str
    label: str
    codes: list[str]


@dataclass
class Variable:
    id: str
    label: str
    codes: list[str]  # every code the snapshot has, in its order
    labels: dict[str, str]
    stride: int  # the step in the snapshot's `value` for one code (0: a variable it lacks)
    elimination: bool
    base: list[str]
    codelists: dict[str, Codelist]
    is_time: bool

    def offset(self, code: str) -> int:
        return self.codes.index(code) * self.stride

    def values(self, codelist: str | None) -> list[str]:
        return self.base if codelist is None else self.codelists[codelist].codes

    def summed_over(self) -> list[str]:
        if self.base:
            return self.base
        first = next(iter(self.codelists.values()), None)
        return first.codes if first and first.codes else self.codes


@dataclass
class Table:
    id: str
    document: dict
    variables: list[Variable]
    values: list[float | int | None]
    statuses: list[str | None]
    updated: str

    def variable(self, name: str) -> Variable:
        for variable in self.variables:
            if variable.id.lower() == name.lower():
                return variable
        raise problem(400, "Non-existent variable", f"{name!r} is not a variable of {self.id}")

    @property
    def roles(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in (self.document.get("role") or {}).items()}


def load_profiles(source: Path | dict | None) -> dict[str, dict]:
    if source is None:
        return {}
    if isinstance(source, Path):
        source = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    return {str(k): v or {} for k, v in (source.get("tables") or {}).items()}


def load_table(snapshot: Path, profile: dict) -> Table:
    """Read a snapshot and dress it as its profile says (codelists, elimination, extras)."""
    document = json.loads(snapshot.read_text(encoding="utf-8"))
    dataset = jsonstat.parse(document, str(snapshot))
    table_id = dataset.table_id or snapshot.stem
    specs = dict(profile.get("dimensions") or {})
    roles = dataset.roles
    fixed = set(roles.get("time", [])) | set(roles.get("metric", []))
    time_ids = set(roles.get("time", []))
    sizes = [len(d.codes) for d in dataset.dimensions]
    variables = []
    for i, dim in enumerate(dataset.dimensions):
        label = str(document["dimension"][dim.id].get("label") or dim.id)
        variables.append(
            _variable(
                dim.id, label, dim.codes, dim.labels, specs.pop(dim.id, None) or {},
                stride=math.prod(sizes[i + 1 :]), fixed=fixed, is_time=dim.id in time_ids,
            )
        )  # fmt: skip
    for dim_id, spec in specs.items():
        codes = {str(k): str(v) for k, v in (spec.get("codes") or {}).items()}
        if len(codes) != 1:
            raise ValueError(
                f"{snapshot.name}: the profile's {dim_id} is not in the snapshot; it may only be "
                "added as a one-code variable (codes: {code: label})"
            )
        after = spec.get("after")
        at = next((i + 1 for i, v in enumerate(variables) if v.id == after), len(variables))
        variable = _variable(
            dim_id, str(spec.get("label", dim_id)), list(codes), codes, spec,
            stride=0, fixed=fixed, is_time=False,
        )  # fmt: skip
        variables.insert(at, variable)
    raw = document.get("value")
    values = raw if isinstance(raw, list) else dataset.values
    updated = str(profile.get("updated") or document.get("updated") or UPDATED)
    return Table(table_id, document, variables, values, dataset.statuses, updated)


def _variable(
    dim_id: str,
    label: str,
    codes: list[str],
    labels: dict[str, str],
    spec: dict,
    *,
    stride: int,
    fixed: set[str],
    is_time: bool,
) -> Variable:
    codelists: dict[str, Codelist] = {}
    claimed: set[str] = set()
    for cl_id, cl in (spec.get("codelists") or {}).items():
        kind = cl.get("type", "Aggregation")
        if kind not in CODELIST_TYPES:
            raise ValueError(f"codelist {cl_id}: type must be one of {CODELIST_TYPES}")
        pattern = re.compile(str(cl.get("pattern", ".*")))
        excluded = {str(c) for c in cl.get("exclude") or []}
        members = [c for c in codes if pattern.fullmatch(c) and c not in excluded]
        claimed.update(members)
        codelists[str(cl_id)] = Codelist(str(cl_id), kind, str(cl.get("label", cl_id)), members)
    if "base" in spec:
        base_pattern = re.compile(str(spec["base"]))
        base = [c for c in codes if base_pattern.fullmatch(c)]
    else:
        base = [c for c in codes if c not in claimed]
    return Variable(
        id=dim_id,
        label=label,
        codes=list(codes),
        labels=dict(labels),
        stride=stride,
        elimination=bool(spec.get("elimination", True)) and dim_id not in fixed,
        base=base,
        codelists=codelists,
        is_time=is_time,
    )


# ---- selections


def split_get_values(text: str) -> list[str]:
    """`a,[range(b,c)],d` -> ["a", "range(b,c)", "d"]: commas separate values outside brackets."""
    items, current, inside = [], [], False
    for char in text:
        if char == "[" and not inside:
            inside = True
        elif char == "]" and inside:
            inside = False
        elif char == "," and not inside:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    if inside:
        raise problem(400, "Illegal selection expression", f"unclosed bracket in {text!r}")
    items.append("".join(current))
    return [item.strip() for item in items]


def expand(variable: Variable, available: list[str], item: str) -> list[str]:
    """The codes one value or expression selects among `available`."""
    lookup = {code.lower(): code for code in available}

    def existing(code: str) -> int:
        if code.lower() not in lookup:
            raise problem(
                400, "Illegal selection expression", f"{item!r}: {variable.id} has no {code!r}"
            )
        return available.index(lookup[code.lower()])

    match = EXPRESSION.fullmatch(item)
    if match:
        name, args = match.group(1).lower(), [a.strip() for a in match.group(2).split(",")]
        if name in ("top", "bottom"):
            if len(args) not in (1, 2) or not all(a.isdigit() for a in args):
                raise problem(400, "Illegal selection expression", item)
            count, skip = int(args[0]), int(args[1]) if len(args) == 2 else 0
            from_end = (name == "top") == variable.is_time
            ordered = available[::-1] if from_end else available
            return ordered[skip : skip + count]
        if name in ("from", "to") and len(args) == 1:
            at = existing(args[0])
            return available[at:] if name == "from" else available[: at + 1]
        if name == "range" and len(args) == 2:
            first, last = sorted((existing(args[0]), existing(args[1])))
            return available[first : last + 1]
        raise problem(400, "Illegal selection expression", item)
    if any(c in item for c in "()[]"):
        raise problem(400, "Illegal selection expression", item)
    if "*" in item or "?" in item:
        pattern = re.compile(
            "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in item),
            re.IGNORECASE,
        )
        return [code for code in available if pattern.fullmatch(code)]
    if item.lower() not in lookup:
        raise problem(400, "Non-existent value", f"{variable.id} has no value {item!r}")
    return [lookup[item.lower()]]


def select(variable: Variable, codelist: str | None, items: list[str]) -> list[str]:
    """The codes a variable's selection picks, in the order of its codes (or its codelist's)."""
    if len(set(items)) != len(items):
        raise Refused(Scripted(500))  # SSB fails on a repeated code, with nothing to say
    available = variable.values(codelist)
    chosen: set[str] = set()
    for item in items:
        chosen.update(expand(variable, available, item))
    if not chosen:
        raise problem(400, "Non-existent value", f"nothing of {variable.id} matches {items}")
    return [code for code in available if code in chosen]


# ---- the server


class FakeStatBank:
    """The stand-in. `start()` serves it on a free port of 127.0.0.1; `base_url` says where."""

    def __init__(
        self,
        snapshots: Path,
        max_cells: int = 800_000,
        *,
        profiles: Path | dict | None = PROFILES,
        url_limit: int = 2100,
        rate_limit: int | None = 40,
        rate_window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.snapshots = Path(snapshots)
        self.max_cells = max_cells
        self.profiles = load_profiles(profiles)
        self.url_limit = url_limit
        self.rate_limit = rate_limit
        self.rate_window_s = rate_window_s
        self.clock = clock
        self.unavailable = 0  # the next this many requests get 503
        self.scripts: dict[str, list[Scripted]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._window: deque[float] = deque()
        self._tables: dict[str, tuple[int, Table]] = {}
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStatBank:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def script(self, table_id: str, *answers: Scripted) -> None:
        with self._lock:
            self.scripts.setdefault(table_id, []).extend(answers)

    def unavailable_for(self, requests: int) -> None:
        """Answer the next `requests` requests with 503 (SSB while it updates its metadata)."""
        with self._lock:
            self.unavailable = requests

    def data_requests(self, table_id: str) -> list[dict[str, str]]:
        """The parameters of each data request for the table (POST selections included)."""
        with self._lock:
            return [dict(p) for path, p in self.requests if path == f"/tables/{table_id}/data"]

    def table(self, table_id: str) -> Table | None:
        """The table as the stand-in presents it, or None if there is no snapshot for it."""
        snapshot = self.snapshots / f"{table_id}.json"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", table_id) or not snapshot.is_file():
            return None
        stamp = snapshot.stat().st_mtime_ns
        with self._lock:
            cached = self._tables.get(table_id)
            if cached is None or cached[0] != stamp:
                cached = (stamp, load_table(snapshot, self.profiles.get(table_id, {})))
                self._tables[table_id] = cached
            return cached[1]

    # ---- answering

    def answer(self, method: str, target: str, body: bytes = b"") -> Scripted:
        """The answer to one request (`target` is the path and query as sent)."""
        url = urlsplit(target)
        params = query_params(url.query)
        record = {**params, "method": method}
        if method == "POST":
            record.update(post_record(body))
        with self._lock:
            self.requests.append((url.path, record))
            if self.unavailable > 0:
                self.unavailable -= 1
                answer = Scripted(503, MAINTENANCE_PAGE, {"Content-Type": "text/html"})
                return self._with_rate_headers(answer, self._remaining())
            remaining = self._take_permit()
            if remaining is None:
                return self._with_rate_headers(Scripted(429), 0)
            if len(target) > self.url_limit:
                answer = Scripted(404, NOT_FOUND_PAGE, {"Content-Type": "text/html"})
                return self._with_rate_headers(answer, remaining)
            answer = self._scripted(url.path)
        if answer is None:
            try:
                answer = self._route(method, url.path, params, body)
            except Refused as refused:
                answer = refused.answer
        return self._with_rate_headers(answer, remaining)

    def _remaining(self) -> int | None:
        if self.rate_limit is None:
            return None
        self._forget_old()
        return max(self.rate_limit - len(self._window), 0)

    def _forget_old(self) -> None:
        horizon = self.clock() - self.rate_window_s
        while self._window and self._window[0] <= horizon:
            self._window.popleft()

    def _take_permit(self) -> int | None:
        """Count this request in the window; None if the window is full (-1: no limit)."""
        if self.rate_limit is None:
            return -1
        self._forget_old()
        if len(self._window) >= self.rate_limit:
            return None
        self._window.append(self.clock())
        return self.rate_limit - len(self._window)

    def _with_rate_headers(self, answer: Scripted, remaining: int | None) -> Scripted:
        if self.rate_limit is None or remaining is None or remaining < 0:
            return answer
        window = f"{self.rate_window_s:g}"
        headers = {
            "x-ratelimit-policy": f"{self.rate_limit};w={window}s",
            "x-ratelimit-remaining": str(remaining),
        }
        return replace(answer, headers={**headers, **answer.headers})

    def _scripted(self, path: str) -> Scripted | None:
        parts = path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "tables":
            return None
        endpoint = parts[2] if len(parts) > 2 else "table"
        queue = self.scripts.get(parts[1]) or []
        for i, answer in enumerate(queue):
            if answer.endpoint in (None, endpoint):
                return queue.pop(i)
        return None

    def _route(self, method: str, path: str, params: dict[str, str], body: bytes) -> Scripted:
        parts = path.strip("/").split("/")
        lowered = {k.lower(): v for k, v in params.items()}
        lang = lowered.get("lang", "no")
        if lang not in LANGUAGES:
            raise problem(400, "Unsupported language", f"lang={lang!r}")
        if parts == ["config"] and method == "GET":
            return _json(self._config())
        if len(parts) < 2 or parts[0] != "tables" or len(parts) > 3:
            raise problem(404, "Not found", path, kind="Not found")
        table = self.table(parts[1])
        if table is None:
            raise problem(404, "Non-existent table", f"no table {parts[1]}", kind="Not found")
        endpoint = parts[2] if len(parts) == 3 else ""
        if endpoint == "" and method == "GET":
            return _json(self._table_info(table, lang))
        if endpoint == "metadata" and method == "GET":
            return _json(self._metadata(table, lang, params))
        if endpoint == "data":
            output = lowered.get("outputformat", "json-stat2")
            if output.lower() != "json-stat2":
                raise problem(400, "Unsupported output format", "the stand-in has only json-stat2")
            if method == "POST":
                selections, codelists = post_selection(body)
            else:
                selections, codelists = get_selection(params)
            return _json(self._data(table, lang, selections, codelists))
        raise problem(404, "Not found", path, kind="Not found")

    # ---- documents

    def _config(self) -> dict:
        return {
            "apiVersion": "2.0",
            "languages": [{"id": "no", "label": "Norsk"}, {"id": "en", "label": "English"}],
            "defaultLanguage": "no",
            "maxDataCells": self.max_cells,
            "maxCallsPerTimeWindow": 0,
            "timeWindow": 0,
            "defaultDataFormat": "json-stat2",
            "dataFormats": ["json-stat2"],
        }

    def _links(self, table: Table, lang: str) -> list[dict[str, str]]:
        href = f"{self.base_url}/tables/{table.id}"
        return [
            {"rel": "self", "hreflang": lang, "href": f"{href}?lang={lang}"},
            {"rel": "metadata", "hreflang": lang, "href": f"{href}/metadata?lang={lang}"},
            {
                "rel": "data",
                "hreflang": lang,
                "href": f"{href}/data?lang={lang}&outputFormat=json-stat2",
            },
        ]

    def _table_info(self, table: Table, lang: str) -> dict:
        periods = next((v.base or v.codes for v in table.variables if v.is_time), [])
        return {
            "language": lang,
            "id": table.id,
            "label": table.document.get("label", table.id),
            "description": "",
            "sortCode": table.id,
            "updated": table.updated,
            "firstPeriod": periods[0] if periods else None,
            "lastPeriod": periods[-1] if periods else None,
            "category": "public",
            "variableNames": [v.label for v in table.variables],
            "source": table.document.get("source") or SOURCE,
            "timeUnit": "Annual",
            "discontinued": False,
            "paths": [],
            "links": self._links(table, lang),
        }

    def _px(self, table: Table, lang: str, ids: Iterable[str]) -> dict:
        ids = list(ids)
        roles = table.roles
        heading = [i for i in ids if i in roles.get("metric", []) + roles.get("time", [])]
        label = str(table.document.get("label", ""))
        px = dict((table.document.get("extension") or {}).get("px") or {})
        px.update(
            {
                "tableid": table.id,
                "language": lang,
                "contents": label.split(",")[0],
                "decimals": 0,
                "official-statistics": True,
                "aggregallowed": True,
                "descriptiondefault": False,
                "heading": heading,
                "stub": [i for i in ids if i not in heading],
                "matrix": table.id,
            }
        )
        return px

    def _metadata(self, table: Table, lang: str, params: dict[str, str]) -> dict:
        chosen: dict[str, str] = {}
        for key, value in params.items():
            match = PARAM.fullmatch(key)
            if match and match.group(1).lower() == "codelist":
                variable = table.variable(match.group(2))
                if value not in variable.codelists:
                    raise problem(400, "Non-existent codelist", f"{variable.id} has no {value!r}")
                chosen[variable.id] = value
        dimension = {}
        for variable in table.variables:
            codes = variable.values(chosen.get(variable.id))
            dimension[variable.id] = {
                "label": variable.label,
                "category": {
                    "index": {c: i for i, c in enumerate(codes)},
                    "label": {c: variable.labels.get(c, c) for c in codes},
                },
                "extension": {
                    "elimination": variable.elimination,
                    "show": "code" if variable.is_time else "value",
                    "codelists": [
                        {
                            "id": cl.id,
                            "label": cl.label,
                            "type": cl.type,
                            "links": [
                                {
                                    "rel": "metadata",
                                    "hreflang": lang,
                                    "href": f"{self.base_url}/codelists/{cl.id}?lang={lang}",
                                }
                            ],
                        }
                        for cl in variable.codelists.values()
                    ],
                },
            }
        ids = [v.id for v in table.variables]
        document = {
            "version": "2.0",
            "class": "dataset",
            "label": table.document.get("label", table.id),
            "source": table.document.get("source") or SOURCE,
            "updated": table.updated,
            "role": table.roles,
            "id": ids,
            "size": [len(dimension[i]["category"]["index"]) for i in ids],
            "dimension": dimension,
            "extension": {"px": self._px(table, lang, ids)},
            "value": [],
        }
        if table.document.get("note"):
            document["note"] = table.document["note"]
        return document

    def _data(
        self,
        table: Table,
        lang: str,
        selections: dict[str, list[str]],
        codelists: dict[str, str],
    ) -> dict:
        named: dict[str, Variable] = {}
        for name in [*selections, *codelists]:
            named[name] = table.variable(name)
        chosen_lists: dict[str, str] = {}
        for name, codelist in codelists.items():
            variable = named[name]
            if codelist not in variable.codelists:
                raise problem(400, "Non-existent codelist", f"{variable.id} has no {codelist!r}")
            chosen_lists[variable.id] = codelist
        picked: dict[str, list[str]] = {}
        for name, items in selections.items():
            variable = named[name]
            picked[variable.id] = select(variable, chosen_lists.get(variable.id), items)
        for variable in table.variables:
            if variable.id not in picked and not variable.elimination:
                raise problem(
                    400,
                    "Missing selection for mandantory variable",
                    f"{variable.id} must be selected",
                )
        kept = [v for v in table.variables if v.id in picked]
        cells = math.prod(len(picked[v.id]) for v in kept)
        if cells > self.max_cells:
            raise problem(400, "Too many cells selected", "Too many cells selected")
        eliminated = [v for v in table.variables if v.id not in picked]
        left_out = [[v.offset(c) for c in v.summed_over()] for v in eliminated]
        summed = [sum(offsets) for offsets in product(*left_out)]
        values: list[float | int | None] = []
        status: dict[str, str] = {}
        for combo in product(*([v.offset(c) for c in picked[v.id]] for v in kept)):
            start = sum(combo)
            value, flag = summed_cell(table, start, summed)
            if flag:
                status[str(len(values))] = flag
            values.append(value)
        ids = [v.id for v in kept]
        roles = {k: [i for i in v if i in ids] for k, v in table.roles.items()}
        document: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": table.document.get("label", table.id),
            "source": table.document.get("source") or SOURCE,
            "updated": table.updated,
            "role": {k: v for k, v in roles.items() if v},
            "id": ids,
            "size": [len(picked[i]) for i in ids],
            "dimension": {
                v.id: {
                    "label": v.label,
                    "category": {
                        "index": {c: i for i, c in enumerate(picked[v.id])},
                        "label": {c: v.labels.get(c, c) for c in picked[v.id]},
                    },
                }
                for v in kept
            },
            "value": values,
        }
        if status:
            document["status"] = status
        if table.document.get("note"):
            document["note"] = table.document["note"]
        extension = dict(table.document.get("extension") or {})
        extension["px"] = self._px(table, lang, ids)
        document["extension"] = extension
        return document

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = fake.answer(method, self.path, body)
                if answer.delay_s:
                    time.sleep(answer.delay_s)
                headers = dict(answer.headers)
                if answer.body and not any(k.lower() == "content-type" for k in headers):
                    headers["Content-Type"] = "application/json"
                self.send_response(answer.status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)  # the client may have given up (time-outs)

            def do_GET(self) -> None:
                self._reply("GET")

            def do_POST(self) -> None:
                self._reply("POST")

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def query_params(query: str) -> dict[str, str]:
    """The query's parameters; a name given twice has its values joined by commas."""
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def get_selection(params: dict[str, str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    selections: dict[str, list[str]] = {}
    codelists: dict[str, str] = {}
    for key, value in params.items():
        match = PARAM.fullmatch(key)
        if not match:
            continue
        kind, name = match.group(1).lower(), match.group(2)
        if kind == "valuecodes":
            selections[name] = split_get_values(value)
        elif kind == "codelist" and value:
            codelists[name] = value
    return selections, codelists


def post_selection(body: bytes) -> tuple[dict[str, list[str]], dict[str, str]]:
    try:
        query = json.loads(body or b"{}")
    except ValueError:
        raise problem(400, "Illegal query", "the body is not JSON") from None
    entries = query.get("selection") if isinstance(query, dict) else None
    if not isinstance(entries, list):
        raise problem(400, "Illegal query", 'the body needs a "selection" list')
    selections: dict[str, list[str]] = {}
    codelists: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("variableCode"), str):
            raise problem(400, "Illegal query", "each selection needs a variableCode")
        name = entry["variableCode"]
        items = entry.get("valueCodes") or []
        selections[name] = [_unbracket(str(item).strip()) for item in items]
        if entry.get("codelist"):
            codelists[name] = str(entry["codelist"])
    return selections, codelists


def post_record(body: bytes) -> dict[str, str]:
    """A POST's selections in the GET parameters' form, for `requests` and `data_requests`."""
    try:
        query = json.loads(body or b"{}")
        record = {}
        for entry in query.get("selection") or []:
            name = entry["variableCode"]
            record[f"valueCodes[{name}]"] = ",".join(str(c) for c in entry.get("valueCodes") or [])
            if entry.get("codelist"):
                record[f"codelist[{name}]"] = str(entry["codelist"])
        return record
    except (ValueError, TypeError, KeyError, AttributeError):
        return {"body": body.decode("utf-8", "replace")}


def summed_cell(table: Table, start: int, offsets: list[int]) -> tuple[Any, str | None]:
    """A cell's value and status, summed over the left-out variables' codes (null if any is)."""
    if len(offsets) == 1:
        return table.values[start + offsets[0]], table.statuses[start + offsets[0]]
    total: Any = 0
    for offset in offsets:
        value = table.values[start + offset]
        if value is None:
            return None, table.statuses[start + offset]
        total += value
    return total, None


def _unbracket(item: str) -> str:
    return item[1:-1].strip() if item.startswith("[") and item.endswith("]") else item
