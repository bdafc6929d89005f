"""What survey and interview loads share: refusing a file with no valid row, and landing the
pseudonymised copy, the rows, the rejects and the manifest entry in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from flows.errors import BymonitorError
from flows.ingest.landing import LoadResult, Reject, land_bytes, record_load, record_rejects
from flows.ingest.pseudonyms import DEMO_NOTICE, Pseudonymiser
from flows.ingest.tabular import Sheet


class NothingValid(BymonitorError):
    """A file whose every row was rejected (or that has no rows)."""


def refuse_if_empty(
    path: Path, rows_loaded: int, rejected_rows: int, rejects: list[Reject]
) -> None:
    if rows_loaded:
        return
    first = "; ".join(f"row {r.row_number} {r.column}: {r.reason}" for r in rejects[:3])
    raise NothingValid(
        f"{path}: no valid rows ({rejected_rows} rejected"
        + (f"; first problems: {first})" if first else ")")
    )


def land_and_load(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    wave: int,
    path: Path,
    sha: str,
    landing_dir: Path,
    pseudonymised_csv: bytes,
    rows_loaded: int,
    rows_rejected: int,
    rejects: list[Reject],
    pseudonymise: Pseudonymiser,
    write_rows: Callable[[str], None],
    sheet: Sheet | None = None,
) -> LoadResult:
    """Land the pseudonymised copy, then write rows (via `write_rows(load_id)`), rejects and the
    raw._loads entry in one transaction: the file lands whole or not at all. A workbook's load
    is one of its sheet (`-sheet2` for the second tab), so another sheet can be loaded too."""
    refuse_if_empty(path, rows_loaded, rows_rejected, rejects)
    part = f"-sheet{sheet.position}" if sheet else ""
    load_id = f"{source}-{wave}-{sha[:12]}{part}"
    landed = land_bytes(
        pseudonymised_csv, f"{path.stem}{part}.pseudonymised.csv", sha, landing_dir, source
    )
    con.begin()
    try:
        write_rows(load_id)
        record_rejects(con, load_id, source, path.name, rejects)
        record_load(
            con,
            load_id=load_id,
            source=source,
            table_id=None,
            path=path,
            landed_path=landed,
            sha256=sha,
            rows_loaded=rows_loaded,
            rows_rejected=rows_rejected,
            value_origin="synthetic" if pseudonymise.is_demo else None,
            sheet=sheet.name if sheet else None,
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    note = DEMO_NOTICE if pseudonymise.is_demo else ""
    return LoadResult(
        path.name, load_id, sha, rows_loaded, rows_rejected, False, note,
        sheet.name if sheet else None,
    )  # fmt: skip
