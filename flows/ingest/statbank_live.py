"""Fetch catalogue tables from StatBank, one table at a time: one table's failure is its own.

Each table is first planned from its metadata (`statbank_plan`), then every part of its queries
is fetched and written under the downloads folder; only when all parts of a table arrived are
they loaded (each like a file from disk). A table whose fetch fails loads nothing, and the other
tables go on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flows.errors import BymonitorError
from flows.ingest.landing import LoadResult
from flows.ingest.statbank_api import StatBankClient, StatBankError, StatBankUnreachable
from flows.ingest.statbank_catalogue import TableSpec
from flows.ingest.statbank_plan import TablePlan


@dataclass
class TableFetch:
    """What the live fetch did for one table."""

    table_id: str
    loads: list[LoadResult] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class LiveFetch:
    tables: list[TableFetch]

    @property
    def loads(self) -> list[LoadResult]:
        return [load for table in self.tables for load in table.loads]

    @property
    def failed(self) -> list[TableFetch]:
        return [t for t in self.tables if not t.ok]

    def summary_rows(self) -> list[tuple[str, str, str]]:
        """(table, outcome, detail) per table, for the command's closing table."""
        rows = []
        for t in self.tables:
            if t.ok:
                new = [r for r in t.loads if not r.skipped]
                cells = sum(r.rows_loaded for r in new)
                detail = f"{len(t.loads)} answers, {len(new)} new ({cells} cells)"
                rows.append((t.table_id, "ok", detail))
            else:
                rows.append((t.table_id, "failed", t.error or ""))
        return rows


def check_tables(
    client: StatBankClient, specs: list[TableSpec], municipalities: list[str]
) -> list[TablePlan]:
    """Each table's plan from its metadata; a table StatBank did not answer for has `error`.

    When StatBank cannot be reached at all, the remaining tables get the same error at once
    rather than each waiting through the client's retries.
    """
    plans: list[TablePlan] = []
    unreachable: str | None = None
    for spec in specs:
        if unreachable:
            plans.append(TablePlan(spec.table_id, error=unreachable))
            continue
        try:
            plans.append(client.plan_table(spec, municipalities))
        except StatBankUnreachable as exc:
            unreachable = str(exc)
            plans.append(TablePlan(spec.table_id, error=unreachable))
        except StatBankError as exc:
            plans.append(TablePlan(spec.table_id, error=str(exc)))
    return plans


def fetch_table(
    client: StatBankClient,
    plan: TablePlan,
    downloads: Path,
    load: Callable[[Path, str], list[LoadResult]],
    progress: Callable[[str], None],
) -> TableFetch:
    """Fetch every part of a planned table, then load the parts; any failure fails the table."""
    if not plan.ok:
        return TableFetch(plan.table_id, error=plan.error or "; ".join(plan.problems))
    answers: list[Path] = []
    try:
        for query in plan.queries:
            for part, body in client.fetch(query):
                digest = hashlib.sha256(json.dumps(part.params()).encode()).hexdigest()[:12]
                path = downloads / f"{plan.table_id}-{digest}.json"
                path.write_bytes(body)
                answers.append(path)
                progress(f"fetched {part.describe()}")
    except StatBankError as exc:
        return TableFetch(plan.table_id, error=str(exc))
    loads: list[LoadResult] = []
    try:
        for path in answers:
            loads.extend(load(path, plan.table_id))
    except BymonitorError as exc:
        error = f"StatBank's answer could not be loaded: {exc}"
        return TableFetch(plan.table_id, loads, error=error)
    return TableFetch(plan.table_id, loads)
