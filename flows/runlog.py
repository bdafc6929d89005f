"""The run history: every run, its stages, rows and outcome, in the warehouse's `ops` schema.

A run is written to the committed warehouse when it starts (status `running`) and when it ends,
whatever the outcome; the run's own data go to its working copy (see `flows.transaction`), so a
failed run adds only its history. A run stopped by SIGTERM or SIGINT records itself as
`interrupted`; one killed before it could record its end is marked so by the next run.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from flows.settings import Settings
from flows.signals import interruption
from flows.warehouse import WarehouseMissing, connect

log = logging.getLogger(__name__)


@dataclass
class StageRecord:
    name: str
    status: str = "running"
    seconds: float = 0.0
    rows: int | None = None
    summary: str = ""


@dataclass
class RunRecord:
    flow: str
    parameters: dict[str, Any]
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    pid: int = field(default_factory=os.getpid)
    year: int | None = None
    status: str = "running"
    finished_at: datetime | None = None
    error: str | None = None
    report: str | None = None
    gate: str | None = None
    stages: list[StageRecord] = field(default_factory=list)
    on_stage: Any = None  # called with a stage's name when it starts (the lock file shows it)

    @contextmanager
    def stage(self, name: str) -> Iterator[StageRecord]:
        """Time a stage; its summary and rows are whatever the body sets on the yielded record."""
        record = StageRecord(name)
        self.stages.append(record)
        if self.on_stage:
            self.on_stage(name)
        log.info("%s …", name)
        start = time.perf_counter()
        try:
            yield record
        except BaseException as exc:
            stopped_by = interruption(exc)
            record.status = "interrupted" if stopped_by else "failed"
            record.summary = record.summary or (
                f"interrupted by {stopped_by.name}" if stopped_by else str(exc)
            )
            raise
        else:
            record.status = "ok"
        finally:
            record.seconds = round(time.perf_counter() - start, 2)


@contextmanager
def recorded_run(
    settings: Settings, flow: str, parameters: dict[str, Any], on_stage=None
) -> Iterator[RunRecord]:
    """Record a run from start to end, failed or not, in ops.runs and ops.run_stages."""
    run = RunRecord(flow=flow, parameters=parameters, year=parameters.get("year"))
    run.on_stage = on_stage
    _mark_interrupted(settings)
    _write(settings, run)
    try:
        yield run
    except BaseException as exc:
        stopped_by = interruption(exc)
        if stopped_by:  # SIGTERM or SIGINT: everything unwound, as for a failure
            run.status = "interrupted"
            run.error = f"interrupted by {stopped_by.name}"
        else:
            run.status = "failed"
            run.error = str(exc) or type(exc).__name__
        raise
    else:
        run.status = "ok"
    finally:
        run.finished_at = datetime.now(UTC)
        _write(settings, run)


def _mark_interrupted(settings: Settings) -> None:
    """Runs still `running` when the lock is free again were killed: say so."""
    if not settings.committed_warehouse_path.exists():
        return
    with connect(settings.committed_warehouse_path) as con:
        for (run_id,) in con.execute(
            "update ops.runs set status = 'interrupted', "
            "error = 'the run stopped before it finished (killed or crashed)' "
            "where status = 'running' returning run_id"
        ).fetchall():
            log.warning("run %s did not finish (killed or crashed); marked interrupted", run_id)


def _write(settings: Settings, run: RunRecord) -> None:
    with connect(settings.committed_warehouse_path) as con:
        con.execute("begin")
        con.execute("delete from ops.runs where run_id = ?", [run.run_id])
        con.execute("delete from ops.run_stages where run_id = ?", [run.run_id])
        con.execute(
            "insert into ops.runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id,
                run.flow,
                json.dumps(run.parameters),
                run.started_at,
                run.finished_at,
                run.status,
                run.year,
                run.report,
                run.gate,
                run.error,
                run.pid,
            ],
        )
        stages = [
            [run.run_id, i, s.name, s.status, s.seconds, s.rows, s.summary]
            for i, s in enumerate(run.stages)
        ]
        if stages:
            con.executemany("insert into ops.run_stages values (?, ?, ?, ?, ?, ?, ?)", stages)
        con.execute("commit")


RUN_COLUMNS = (
    "run_id",
    "flow",
    "parameters",
    "started_at",
    "finished_at",
    "status",
    "year",
    "report",
    "gate",
    "error",
    "pid",
)


def last_runs(settings: Settings, limit: int = 5) -> list[dict[str, Any]]:
    """The latest runs, newest first, each with its stages."""
    try:
        with connect(settings.committed_warehouse_path, read_only=True) as con:
            runs = [
                dict(zip(RUN_COLUMNS, row, strict=True))
                for row in con.execute(
                    "select run_id, flow, parameters, started_at, finished_at, status, "
                    "report_year, report, gate, error, pid from ops.runs "
                    "order by started_at desc limit ?",
                    [limit],
                ).fetchall()
            ]
            for run in runs:
                run["stages"] = [
                    dict(zip(("name", "status", "seconds", "rows", "summary"), row, strict=True))
                    for row in con.execute(
                        "select stage, status, seconds, rows, summary from ops.run_stages "
                        "where run_id = ? order by position",
                        [run["run_id"]],
                    ).fetchall()
                ]
    except (WarehouseMissing, duckdb.CatalogException):
        return []
    return runs


def last_run(settings: Settings) -> dict[str, Any] | None:
    runs = last_runs(settings, 1)
    return runs[0] if runs else None
