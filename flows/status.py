"""What is loaded, built, checked and published: for `bymonitor status`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from flows.gate import load_result
from flows.lock import current_holder
from flows.runlog import last_runs
from flows.settings import Settings
from flows.warehouse import connect, sql_identifier


@dataclass
class Status:
    home: str
    warehouse: str
    loads: list[dict[str, Any]] = field(default_factory=list)
    marts: dict[str, int] = field(default_factory=dict)
    published: list[int] = field(default_factory=list)
    gate: dict[int, str] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    running: dict[str, Any] | None = None
    warehouse_note: str | None = None

    @property
    def last_run(self) -> dict[str, Any] | None:
        return self.runs[0] if self.runs else None


def collect(settings: Settings) -> Status:
    status = Status(home=str(settings.home), warehouse=str(settings.warehouse_path))
    status.running = current_holder(settings.lock_path)
    try:
        status.runs = last_runs(settings, 5)
    except duckdb.IOException:
        status.warehouse_note = "the warehouse is being replaced by a finishing run; try again"
    if settings.published_dir.exists():
        status.published = sorted(
            int(p.name)
            for p in settings.published_dir.iterdir()
            if p.is_dir() and p.name.isdigit() and (p / "manifest.json").exists()
        )
    last = status.last_run
    for year in status.published + ([last["year"]] if last and last.get("year") else []):
        result = load_result(settings, year)
        if result is not None:
            status.gate[year] = result.describe()
    if not settings.committed_warehouse_path.exists():
        status.warehouse_note = "no warehouse yet: run `bymonitor run`"
        return status
    try:
        with connect(settings.committed_warehouse_path, read_only=True) as con:
            status.loads = [
                dict(
                    zip(
                        ("load_id", "file_name", "rows_loaded", "rows_rejected", "loaded_at"),
                        r,
                        strict=True,
                    )
                )
                for r in con.execute(
                    "select load_id, file_name, rows_loaded, rows_rejected, loaded_at "
                    "from raw._loads order by loaded_at"
                ).fetchall()
            ]
            marts = con.execute(
                "select table_name, estimated_size from duckdb_tables() "
                "where schema_name = 'marts' order by table_name"
            ).fetchall()
            for name, _ in marts:
                count = f"select count(*) from marts.{sql_identifier(name)}"
                status.marts[name] = con.execute(count).fetchone()[0]
    except duckdb.IOException as exc:
        status.warehouse_note = f"the warehouse is busy (another process is writing): {exc}"
    return status
