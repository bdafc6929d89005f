"""A client for Statistics Norway's StatBank API (PxWebApi 2): throttled, retried, split, cached.

- at most `requests_per_minute` requests (SSB asks for 30);
- 429, 5xx and time-outs are retried with exponential back-off, honouring `Retry-After`;
- a query is split (by its largest dimension) until none exceeds the cell limit or URL length;
- answers are cached on disk by URL for `cache_ttl_s`;
- 400 and 404 are errors that name the table and the query.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from flows.errors import BymonitorError
from flows.ingest.statbank_catalogue import Query, TableSpec

DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
SPLIT_ORDER = ("Region", "Tid")  # split these first: they are the long selections


class StatBankError(BymonitorError):
    """The API refused a query or did not answer; the message names the table and query."""


class RetryableResponse(Exception):
    """A response worth trying again (429, 5xx)."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class ApiConfig:
    base_url: str = DEFAULT_BASE_URL
    lang: str = "no"
    requests_per_minute: float = 30
    timeout_s: float = 60
    max_attempts: int = 5
    backoff_base_s: float = 2.0
    backoff_max_s: float = 120.0
    max_cells: int = 800_000
    max_url_length: int = 2_000
    cache_dir: Path | None = None
    cache_ttl_s: float = 24 * 3600


class Throttle:
    """Spaces calls at least 60 / per_minute seconds apart."""

    def __init__(
        self,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute
        self.clock, self.sleep = clock, sleep
        self.last: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.sleep(self.interval - (now - self.last))
            now = self.clock()
        self.last = now


def split_query(
    query: Query, max_cells: int, url_length: Callable[[Query], int], limit: int
) -> list[Query]:
    """Halve the largest splittable selection until every part fits both limits."""
    if query.cells() <= max_cells and url_length(query) <= limit:
        return [query]
    variables = sorted(
        (v for v, codes in query.selections.items() if len(codes) > 1),
        key=lambda v: (v not in SPLIT_ORDER, -len(query.selections[v])),
    )
    if not variables:
        raise StatBankError(f"{query.describe()}: a single cell exceeds the API's limits")
    variable = variables[0]
    codes = query.selections[variable]
    middle = len(codes) // 2
    parts = []
    for half in (codes[:middle], codes[middle:]):
        selections = {**query.selections, variable: half}
        parts.extend(
            split_query(
                Query(query.table_id, selections, query.codelists), max_cells, url_length, limit
            )
        )
    return parts


def _wait(config: ApiConfig) -> Callable[[RetryCallState], float]:
    exponential = wait_exponential(multiplier=config.backoff_base_s, max=config.backoff_max_s)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableResponse) and error.retry_after is not None:
            return min(error.retry_after, config.backoff_max_s)
        return exponential(state)

    return wait


class StatBankClient:
    def __init__(
        self,
        config: ApiConfig,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.sleep = sleep
        self.http = httpx.Client(
            base_url=config.base_url.rstrip("/"),
            timeout=config.timeout_s,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "bymonitor (Nordland county)"},
        )
        self.throttle = Throttle(config.requests_per_minute, sleep=sleep)
        self.requests_sent = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> StatBankClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- public
    def url(self, query: Query) -> str:
        request = self.http.build_request(
            "GET", f"/tables/{query.table_id}/data", params=query.params(self.config.lang)
        )
        return str(request.url)

    def plan(self, query: Query) -> list[Query]:
        return split_query(
            query, self.config.max_cells, lambda q: len(self.url(q)), self.config.max_url_length
        )

    def fetch(self, query: Query) -> list[tuple[Query, bytes]]:
        """The JSON-stat2 answers to a query, split into parts the API accepts."""
        return [
            (part, self._get(f"/tables/{part.table_id}/data", part.params(self.config.lang), part))
            for part in self.plan(query)
        ]

    def metadata(self, table_id: str) -> dict[str, Any]:
        body = self._get(
            f"/tables/{table_id}/metadata", [("lang", self.config.lang)], None, table_id
        )
        return json.loads(body)

    def check_against_metadata(self, table: TableSpec) -> None:
        """Refuse to fetch a table whose variables or value codes the API does not know."""
        document = self.metadata(table.table_id)
        dimensions = document.get("dimension") or {}
        problems = []
        for variable in table.variables:
            if variable not in dimensions:
                problems.append(f"no variable {variable}")
                continue
            if variable in (table.spec["region_variable"], table.spec["time_variable"]):
                continue  # region codes depend on the codelist; years on the release
            if variable in (table.spec.get("codelists") or {}):
                continue
            known = set((dimensions[variable].get("category") or {}).get("index") or [])
            missing = [c for c in table.spec["query"][variable] if str(c) not in known]
            if missing:
                problems.append(f"{variable} has no {', '.join(map(str, missing))}")
        if problems:
            raise StatBankError(
                f"table {table.table_id}: the API's metadata does not match the catalogue: "
                + "; ".join(problems)
            )

    # ---- internals
    def _cache_path(self, url: str) -> Path | None:
        if self.config.cache_dir is None:
            return None
        return self.config.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"

    def _get(
        self,
        path: str,
        params: list[tuple[str, str]],
        query: Query | None,
        table_id: str | None = None,
    ) -> bytes:
        request = self.http.build_request("GET", path, params=params)
        url = str(request.url)
        cached = self._cache_path(url)
        if (
            cached
            and cached.exists()
            and time.time() - cached.stat().st_mtime < self.config.cache_ttl_s
        ):
            return cached.read_bytes()
        what = query.describe() if query else f"table {table_id}"
        body = self._send_with_retries(request, what)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".partial")
            partial.write_bytes(body)
            partial.replace(cached)
        return body

    def _send_with_retries(self, request: httpx.Request, what: str) -> bytes:
        @retry(
            retry=retry_if_exception_type(
                (RetryableResponse, httpx.TimeoutException, httpx.TransportError)
            ),
            wait=_wait(self.config),
            stop=stop_after_attempt(self.config.max_attempts),
            sleep=self.sleep,
            reraise=True,
        )
        def send() -> bytes:
            self.throttle.wait()
            self.requests_sent += 1
            response = self.http.send(request)
            if response.status_code == 429 or response.status_code >= 500:
                raise RetryableResponse(response.status_code, _retry_after(response))
            if response.status_code in (400, 404):
                raise StatBankError(
                    f"StatBank refused {what} (HTTP {response.status_code}: "
                    f"{_error_text(response)}); URL: {request.url}"
                )
            response.raise_for_status()
            return response.content

        try:
            return send()
        except RetryableResponse as exc:
            raise StatBankError(
                f"StatBank kept failing for {what}: {exc} after {self.config.max_attempts} attempts"
            ) from exc
        except httpx.TimeoutException as exc:
            raise StatBankError(
                f"StatBank did not answer {what} within {self.config.timeout_s:g} s "
                f"({self.config.max_attempts} attempts)"
            ) from exc
        except httpx.TransportError as exc:
            raise StatBankError(f"cannot reach StatBank for {what}: {exc}") from exc


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_text(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:300] or response.reason_phrase
