"""Undo a load: its rows leave the raw layer and the marts are rebuilt without them, in one
warehouse transaction (`flows.transaction`), so the warehouse either has the load and all that was
built from it or neither. The landing copy is kept (the default) or removed once the rest is
committed. Each unload is a run in the history (`ops.runs`, flow `unload`).

A survey or interview file loaded under the wrong `--wave` is corrected this way: unload it, then
load it again with the right wave (its checksum no longer says "already loaded").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from flows import fingerprint
from flows.errors import BymonitorError
from flows.runlog import recorded_run
from flows.settings import Settings
from flows.transaction import warehouse_transaction
from flows.warehouse import WarehouseMissing, connect, sql_identifier


class UnknownLoad(BymonitorError):
    """No load with that id in the warehouse."""


@dataclass(frozen=True)
class Load:
    load_id: str
    source: str
    table_or_wave: str  # a StatBank table id, a survey's or interview's wave, a register's year
    file_name: str
    rows_loaded: int
    rows_rejected: int
    loaded_at: datetime
    landed_path: str


def list_loads(settings: Settings) -> list[Load]:
    """Every load in the committed warehouse, oldest first."""
    try:
        with connect(settings.committed_warehouse_path, read_only=True) as con:
            return _loads(con)
    except WarehouseMissing:
        return []


def _loads(con: duckdb.DuckDBPyConnection, load_id: str | None = None) -> list[Load]:
    rows = con.execute(
        """
        with waves as (
            select load_id, min(wave) as wave from raw.survey_respondents group by load_id
            union all
            select load_id, min(wave) from raw.interviews group by load_id
            union all
            select load_id, min(register_year) from raw.plan_measures group by load_id
        )
        select l.load_id, l.source, coalesce(l.table_id, cast(w.wave as varchar), ''),
               l.file_name, l.rows_loaded, l.rows_rejected, l.loaded_at, l.landed_path
        from raw._loads as l left join waves as w using (load_id)
        where l.load_id = coalesce(?::varchar, l.load_id)
        order by l.loaded_at, l.load_id
        """,
        [load_id],
    ).fetchall()
    return [Load(*row) for row in rows]


@dataclass
class Unloaded:
    load: Load
    removed: dict[str, int] = field(default_factory=dict)  # raw table -> rows removed
    build: str = ""
    landing: str = ""
    published: list[int] = field(default_factory=list)  # years whose report still has the load

    def describe(self) -> list[str]:
        rows = ", ".join(f"{n} from {table}" for table, n in self.removed.items() if n)
        lines = [
            f"unloaded {self.load.load_id} ({self.load.file_name}): {rows or 'no rows'}, and its "
            "raw._loads row",
            self.build,
            self.landing,
        ]
        if self.published:
            years = ", ".join(str(y) for y in self.published)
            lines.append(
                f"the published report(s) for {years} still include it: `bymonitor run` "
                "publishes without it"
            )
        return lines


def remove_load(con: duckdb.DuckDBPyConnection, load_id: str) -> dict[str, int]:
    """Delete a load's rows from every raw table that records a load id (cells, answers,
    interviews, rejects, ...) and its raw._loads row; rows removed per table."""
    tables = [
        name
        for (name,) in con.execute(
            "select distinct table_name from duckdb_columns() where database_name = "
            "current_database() and schema_name = 'raw' and column_name = 'load_id' "
            "and table_name <> '_loads' order by table_name"
        ).fetchall()
    ]
    removed = {}
    con.begin()
    try:
        for table in tables:
            (count,) = con.execute(
                f"delete from raw.{sql_identifier(table)} where load_id = ?", [load_id]
            ).fetchone()
            removed[f"raw.{table}"] = count
        con.execute("delete from raw._loads where load_id = ?", [load_id])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return removed


def unload(settings: Settings, load_id: str, keep_landing: bool = True) -> Unloaded:
    """Remove a load and rebuild the marts without it, all or nothing; then keep or remove its
    landing copy. Call it holding the writer lock."""
    with connect(settings.committed_warehouse_path, read_only=True) as con:
        found = _loads(con, load_id)
    if not found:
        raise UnknownLoad(f"no load {load_id} in the warehouse: `bymonitor loads` lists them")
    from flows import pipeline  # the marts' build: imported here, so `loads` starts quickly

    parameters = {"load_id": load_id, "keep_landing": keep_landing}
    with recorded_run(settings, "unload", parameters) as run:
        done = Unloaded(found[0])
        with warehouse_transaction(settings) as work:
            with run.stage("unload") as stage, connect(work.warehouse_path) as con:
                done.removed = remove_load(con, load_id)
                stage.rows = sum(done.removed.values())
                stage.summary = done.describe()[0]
            with run.stage("build") as stage:
                done.build = _rebuild(work, load_id)
                stage.summary, stage.rows = done.build, pipeline.mart_rows(work)
        with run.stage("landing") as stage:
            done.landing = stage.summary = _landing(settings, done.load, keep_landing)
        done.published = _published_with(settings, load_id)
    return done


def _rebuild(work: Settings, load_id: str) -> str:
    from flows import pipeline

    fingerprint.record(work, "build", None)
    try:
        result = pipeline.build(work)
    except BymonitorError as exc:
        raise BymonitorError(
            f"the marts could not be rebuilt without {load_id}, so it was not unloaded: {exc}"
        ) from exc
    fingerprint.record(work, "build", fingerprint.build_fingerprint(work))
    return result.describe()


def _landing(settings: Settings, load: Load, keep: bool) -> str:
    landed = Path(load.landed_path)
    if keep:
        return f"landing copy kept: {landed}"
    with connect(settings.committed_warehouse_path, read_only=True) as con:
        (others,) = con.execute(
            "select count(*) from raw._loads where landed_path = ?", [load.landed_path]
        ).fetchone()
    if others:
        return f"landing copy kept: {landed} is also the copy of another load"
    if not landed.resolve().is_relative_to(settings.landing_dir.resolve()):
        return f"landing copy kept: {landed} is not inside {settings.landing_dir}"
    landed.unlink(missing_ok=True)
    return f"landing copy removed: {landed}"


def _published_with(settings: Settings, load_id: str) -> list[int]:
    """Years whose publication lists the load in its manifest."""
    import json

    years = []
    if settings.published_dir.exists():
        for manifest in sorted(settings.published_dir.glob("[0-9]*/manifest.json")):
            try:
                loads = json.loads(manifest.read_text(encoding="utf-8")).get("loads", [])
            except (OSError, ValueError):
                continue
            if any(entry.get("load_id") == load_id for entry in loads):
                years.append(int(manifest.parent.name))
    return years
