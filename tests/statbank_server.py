"""A local stand-in for StatBank's PxWebApi 2 on 127.0.0.1, serving the embedded snapshots.

It answers `/tables/<id>/data` with the JSON-stat2 subset a query selects (value codes, `*`,
`from(yyyy)`), 400 for a query over its cell limit or with an unknown code, 404 for an unknown
table, and `/tables/<id>/metadata` with the table's variables and codes. Tests can queue
scripted answers per table (a status, headers, a body, a delay) that come before the normal ones.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import product
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

from flows.ingest import jsonstat


@dataclass
class Scripted:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


class FakeStatBank:
    def __init__(self, snapshots: Path, max_cells: int = 800_000) -> None:
        self.snapshots = snapshots
        self.max_cells = max_cells
        self.scripts: dict[str, list[Scripted]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
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
        self._server.shutdown()
        self._server.server_close()

    def script(self, table_id: str, *answers: Scripted) -> None:
        self.scripts.setdefault(table_id, []).extend(answers)

    def data_requests(self, table_id: str) -> list[dict[str, str]]:
        return [p for path, p in self.requests if path == f"/tables/{table_id}/data"]

    # ---- answers
    def answer(self, path: str, params: dict[str, str]) -> Scripted:
        self.requests.append((path, params))
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "tables":
            return Scripted(404, b'{"error":"not found"}')
        table_id, kind = parts[1], parts[2]
        if self.scripts.get(table_id):
            return self.scripts[table_id].pop(0)
        snapshot = self.snapshots / f"{table_id}.json"
        if not snapshot.exists():
            return Scripted(404, f'{{"error":"Table {table_id} not found"}}'.encode())
        document = json.loads(snapshot.read_text(encoding="utf-8"))
        if kind == "metadata":
            meta = {
                k: document[k] for k in ("version", "class", "label", "id", "size", "dimension")
            }
            return Scripted(200, json.dumps(meta).encode())
        return self._data(document, params)

    def _data(self, document: dict, params: dict[str, str]) -> Scripted:
        dataset = jsonstat.parse(document)
        chosen: list[list[str]] = []
        for dim in dataset.dimensions:
            wanted = params.get(f"valueCodes[{dim.id}]", "*")
            if wanted == "*":
                codes = dim.codes
            elif wanted.startswith("from(") and wanted.endswith(")"):
                codes = [c for c in dim.codes if c >= wanted[5:-1]]
            else:
                codes = wanted.split(",")
                unknown = [c for c in codes if c not in dim.codes]
                if unknown:
                    return Scripted(400, f'{{"error":"Unknown value code {unknown[0]}"}}'.encode())
            chosen.append(codes)
        cells = math.prod(len(c) for c in chosen)
        if cells > self.max_cells:
            body = f'{{"error":"Too many cells selected: {cells} (max {self.max_cells})"}}'
            return Scripted(400, body.encode())
        strides = [math.prod(len(d.codes) for d in dataset.dimensions[i + 1 :])
                   for i in range(len(dataset.dimensions))]  # fmt: skip
        index = [{c: i for i, c in enumerate(d.codes)} for d in dataset.dimensions]
        values, status = [], {}
        for combo in product(*chosen):
            position = sum(index[i][c] * strides[i] for i, c in enumerate(combo))
            if dataset.statuses[position]:
                status[str(len(values))] = dataset.statuses[position]
            values.append(dataset.values[position])
        subset = dict(document)
        subset["size"] = [len(c) for c in chosen]
        subset["dimension"] = {
            dim.id: {
                "label": document["dimension"][dim.id].get("label", dim.id),
                "category": {
                    "index": {c: i for i, c in enumerate(codes)},
                    "label": {c: dim.labels.get(c, c) for c in codes},
                },
            }
            for dim, codes in zip(dataset.dimensions, chosen, strict=True)
        }
        subset["value"], subset["status"] = values, status
        return Scripted(200, json.dumps(subset, ensure_ascii=False).encode())

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                answer = fake.answer(url.path, dict(parse_qsl(url.query)))
                if answer.delay_s:
                    time.sleep(answer.delay_s)
                self.send_response(answer.status)
                for key, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)  # the client may have given up (time-outs)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
