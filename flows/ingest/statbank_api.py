"""A client for Statistics Norway's StatBank API (PxWebApi 2), as SSB's server behaves.

- at most `requests_per_minute` requests; when an answer says no requests are left in the rate
  window (`x-ratelimit-remaining: 0`) the client waits the window out before the next;
- 429 waits out the rate window (`Retry-After`, else the `x-ratelimit-policy` window, at least
  60 s); 503 (SSB's metadata updates) is retried with a longer back-off; other 5xx and time-outs
  with exponential back-off;
- 4xx other than 429 are not retried: their problem-JSON title and detail become the message,
  with the table and the URL; a 500 with an empty body is a faulty request, not retried;
- duplicate codes are removed before sending; a selection too long for a URL goes as a POST
  body; a query over the cell limit is split by its largest dimension;
- answers are cached on disk by request for `cache_ttl_s`.
"""

from __future__ import annotations

import hashlib
import json
import re
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
from flows.ingest.statbank_plan import TableMetadata, TablePlan, plan_table
from flows.settings import Settings

DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
SPLIT_ORDER = ("Region", "Tid")  # split these first: they are the long selections
MIN_RATE_WINDOW_S = 60.0  # SSB: 40 requests per sliding 60 s, no Retry-After on its 429


class StatBankError(BymonitorError):
    """The API refused a query or did not answer; the message names the table and query."""


class StatBankUnreachable(StatBankError):
    """No answer at all (connection refused, time-outs): the other tables will not fare better."""


class RetryableResponse(Exception):
    """A response worth trying again (429, 503, other 5xx with a body)."""

    def __init__(self, status: int, wait_s: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.wait_s = wait_s


@dataclass(frozen=True)
class ApiConfig:
    base_url: str = DEFAULT_BASE_URL
    lang: str = "no"
    requests_per_minute: float = 30
    timeout_s: float = 60
    max_attempts: int = 5
    backoff_base_s: float = 2.0
    backoff_max_s: float = 120.0
    unavailable_backoff_s: float = 30.0  # 503: SSB's metadata updates last minutes
    max_cells: int = 800_000
    max_url_length: int = 2_000  # SSB answers 404 above about 2,100 characters
    cache_dir: Path | None = None
    cache_ttl_s: float = 24 * 3600

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiConfig:
        """The client's configuration from BYMONITOR_* (cache under warehouse/cache/statbank)."""
        return cls(
            base_url=settings.statbank_url,
            requests_per_minute=settings.statbank_requests_per_minute,
            timeout_s=settings.statbank_timeout_s,
            max_attempts=settings.statbank_max_attempts,
            cache_dir=settings.warehouse_dir / "cache" / "statbank",
            cache_ttl_s=settings.statbank_cache_hours * 3600,
        )


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


def split_query(query: Query, max_cells: int) -> list[Query]:
    """Halve the largest splittable selection until every part is within the cell limit."""
    if query.cells() <= max_cells:
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
        parts.extend(split_query(Query(query.table_id, selections, query.codelists), max_cells))
    return parts


def rate_window_s(response: httpx.Response) -> float:
    """How long to wait out SSB's rate window: Retry-After, the reset or policy header, >= 60 s."""
    for header in ("Retry-After", "x-ratelimit-reset"):
        value = response.headers.get(header)
        if value is not None:
            try:
                return max(float(value), 1.0)
            except ValueError:
                pass
    match = re.search(r"w=(\d+)", response.headers.get("x-ratelimit-policy", ""))
    window = float(match.group(1)) if match else MIN_RATE_WINDOW_S
    return max(window, MIN_RATE_WINDOW_S)


def _wait(config: ApiConfig) -> Callable[[RetryCallState], float]:
    exponential = wait_exponential(multiplier=config.backoff_base_s, max=config.backoff_max_s)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableResponse) and error.wait_s is not None:
            return error.wait_s
        if isinstance(error, RetryableResponse) and error.status == 503:
            return min(config.unavailable_backoff_s * state.attempt_number, 5 * 60.0)
        return exponential(state)

    return wait


def problem_text(response: httpx.Response) -> str:
    """The API's problem JSON (title, detail) in one phrase, or the start of the body."""
    text = response.text.strip()
    try:
        problem = json.loads(text) if text else None
    except ValueError:
        problem = None
    if isinstance(problem, dict) and (problem.get("title") or problem.get("detail")):
        parts = [str(problem.get("title") or "").strip(), str(problem.get("detail") or "").strip()]
        return ": ".join(p for p in parts if p)
    if isinstance(problem, dict) and problem.get("error"):
        return str(problem["error"])
    if text.lower().startswith(("<!doctype", "<html")):
        return f"an HTML page ({response.reason_phrase})"
    return text.replace("\n", " ")[:300] or response.reason_phrase


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
        self._window_exhausted: float | None = None  # wait this long before the next request

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

    def uses_post(self, query: Query) -> bool:
        return len(self.url(query)) > self.config.max_url_length

    def plan(self, query: Query) -> list[Query]:
        return split_query(query.without_duplicates(), self.config.max_cells)

    def fetch(self, query: Query) -> list[tuple[Query, bytes]]:
        """The JSON-stat2 answers to a query, split into parts the API accepts."""
        return [(part, self._data(part)) for part in self.plan(query)]

    def metadata(self, table_id: str, codelists: dict[str, str] | None = None) -> dict[str, Any]:
        """`/tables/{id}/metadata`, with a codelist applied per variable if given."""
        params = [("lang", self.config.lang)]
        params += [(f"codelist[{v}]", c) for v, c in sorted((codelists or {}).items())]
        what = f"the metadata of table {table_id}" + (
            f" with {', '.join(sorted((codelists or {}).values()))}" if codelists else ""
        )
        request = self.http.build_request("GET", f"/tables/{table_id}/metadata", params=params)
        return json.loads(self._cached(request, what))

    def table_metadata(self, table_id: str, codelists: dict[str, str]) -> TableMetadata:
        return TableMetadata.from_json(table_id, self.metadata(table_id, codelists))

    def plan_table(self, table: TableSpec, municipalities: list[str]) -> TablePlan:
        """The table's queries, settled by its metadata (a few metadata requests)."""
        return plan_table(
            table, lambda codelists: self.table_metadata(table.table_id, codelists), municipalities
        )

    # ---- internals
    def _data(self, query: Query) -> bytes:
        path = f"/tables/{query.table_id}/data"
        if self.uses_post(query):
            params = [("lang", self.config.lang), ("outputFormat", "json-stat2")]
            request = self.http.build_request("POST", path, params=params, json=query.body())
        else:
            request = self.http.build_request("GET", path, params=query.params(self.config.lang))
        return self._cached(request, query.describe())

    def _cache_path(self, request: httpx.Request) -> Path | None:
        if self.config.cache_dir is None:
            return None
        key = f"{request.method} {request.url}\n".encode() + (request.content or b"")
        return self.config.cache_dir / f"{hashlib.sha256(key).hexdigest()[:32]}.json"

    def _cached(self, request: httpx.Request, what: str) -> bytes:
        cached = self._cache_path(request)
        if (
            cached
            and cached.exists()
            and time.time() - cached.stat().st_mtime < self.config.cache_ttl_s
        ):
            return cached.read_bytes()
        body = self._send_with_retries(request, what)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".partial")
            partial.write_bytes(body)
            partial.replace(cached)
        return body

    def _where(self, request: httpx.Request) -> str:
        if request.method == "POST":
            return f"POST {request.url} with a selection body"
        return f"URL: {request.url}"

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
            if self._window_exhausted:
                self.sleep(self._window_exhausted)
                self._window_exhausted = None
            self.throttle.wait()
            self.requests_sent += 1
            response = self.http.send(request)
            if response.headers.get("x-ratelimit-remaining", "").strip() == "0":
                self._window_exhausted = rate_window_s(response)
            return self._accept(response, request, what)

        try:
            return send()
        except RetryableResponse as exc:
            advice = (
                "StatBank is probably updating its metadata (it does around 05:00 and 11:30); "
                "try again later"
                if exc.status == 503
                else "try again later"
            )
            raise StatBankError(
                f"StatBank kept failing for {what}: {exc} after {self.config.max_attempts} "
                f"attempts; {advice}"
            ) from exc
        except httpx.TimeoutException as exc:
            raise StatBankUnreachable(
                f"StatBank did not answer {what} within {self.config.timeout_s:g} s "
                f"({self.config.max_attempts} attempts)"
            ) from exc
        except httpx.TransportError as exc:
            raise StatBankUnreachable(f"cannot reach StatBank for {what}: {exc}") from exc

    def _accept(self, response: httpx.Response, request: httpx.Request, what: str) -> bytes:
        status = response.status_code
        if status < 300:
            return response.content
        if status == 429:
            raise RetryableResponse(429, rate_window_s(response))
        if status == 500 and not response.content.strip():
            raise StatBankError(
                f"StatBank could not answer {what} (HTTP 500 with an empty body): the request "
                f"itself is faulty (SSB answers so to a code asked for twice), so it was not "
                f"retried; {self._where(request)}"
            )
        if status >= 500:
            retry_after = response.headers.get("Retry-After")
            wait = float(retry_after) if retry_after and retry_after.isdigit() else None
            raise RetryableResponse(status, wait)
        if status == 404 and request.method == "GET" and len(str(request.url)) > 2_000:
            reason = "the URL is too long for StatBank (it answers 404 above ~2,100 characters)"
        elif status == 404:
            reason = f"not found: {problem_text(response)}"
        else:
            reason = problem_text(response)
        raise StatBankError(
            f"StatBank refused {what} (HTTP {status}: {reason}); {self._where(request)}"
        )
