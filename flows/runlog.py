"""A run history beside the warehouse (JSON lines), readable while nothing else is."""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.settings import Settings


@dataclass
class StageRecord:
    name: str
    status: str = "running"
    seconds: float = 0.0
    summary: str = ""


@dataclass
class RunRecord:
    started_at: str
    pid: int
    year: int | None = None
    status: str = "running"
    finished_at: str | None = None
    error: str | None = None
    report: str | None = None
    stages: list[StageRecord] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str):
        """Time a stage; its summary is whatever the body sets on the yielded record."""
        record = StageRecord(name)
        self.stages.append(record)
        start = time.perf_counter()
        try:
            yield record
        except BaseException as exc:
            record.status = "failed"
            record.summary = record.summary or str(exc)
            raise
        else:
            record.status = "ok"
        finally:
            record.seconds = round(time.perf_counter() - start, 2)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def recorded_run(settings: Settings, year: int | None):
    """Record a run from start to end, failed or not, in warehouse/runs.jsonl."""
    run = RunRecord(started_at=_now(), pid=os.getpid(), year=year)
    try:
        yield run
    except BaseException as exc:
        run.status = "failed"
        run.error = str(exc) or type(exc).__name__
        raise
    else:
        run.status = "ok"
    finally:
        run.finished_at = _now()
        _append(settings.run_log_path, asdict(run))


def _append(path: Path, body: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(body, ensure_ascii=False) + "\n")


def last_run(settings: Settings) -> dict[str, Any] | None:
    path = settings.run_log_path
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None
