"""What survey and interview loads share: refusing a file with no valid row, and landing the
pseudonymised copy, the rows, the rejects and the manifest entry in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from flows.errors import BymonitorError
from flows.ingest.landing import LoadResult, Reject, land_bytes, record_load, record_rejects
from flows.ingest.pseudonyms import DEMO_KEY, DEMO_NOTICE, Pseudonymiser
from flows.ingest.tabular import Sheet

PEOPLE_SOURCES = ("survey", "interviews")


class NothingValid(BymonitorError):
    """A file whose every row was rejected (or that has no rows)."""


class MixedPseudonymKeys(BymonitorError):
    """A file would be pseudonymised under another key than the loads already in the warehouse."""


def check_key(con: duckdb.DuckDBPyConnection, path: Path, pseudonymise: Pseudonymiser) -> None:
    """Before a file is pseudonymised: the key is strong enough, and it is the key the survey and
    interview loads in the warehouse were made with (by the fingerprint stored with each load;
    loads recorded before fingerprints were are not compared)."""
    pseudonymise.check_strength()
    others = con.execute(
        "select key_fingerprint, load_id from raw._loads where source in (?, ?) "
        "and key_fingerprint is not null and key_fingerprint <> ? order by loaded_at, load_id",
        [*PEOPLE_SOURCES, pseudonymise.fingerprint],
    ).fetchall()
    if not others:
        return
    loads = [load_id for _, load_id in others]
    named = ", ".join(loads[:3]) + (f" and {len(loads) - 3} more" if len(loads) > 3 else "")
    if any(key == Pseudonymiser(DEMO_KEY).fingerprint for key, _ in others):
        raise MixedPseudonymKeys(
            f"{path}: not loaded, because the warehouse holds survey and interview loads of the "
            f"embedded sample ({named}), pseudonymised with the built-in demo key, and real "
            "files must not be mixed with them; load real files into a BYMONITOR_HOME of their "
            "own, or unload the sample's loads first (`bymonitor unload LOAD_ID`)"
        )
    if pseudonymise.is_demo:
        raise MixedPseudonymKeys(
            f"{path}: not loaded, because BYMONITOR_PSEUDONYM_KEY is not set and the built-in "
            f"demo key is not the key the survey and interview loads in the warehouse ({named}) "
            "were pseudonymised with; set BYMONITOR_PSEUDONYM_KEY to that key"
        )
    raise MixedPseudonymKeys(
        f"{path}: not loaded, because BYMONITOR_PSEUDONYM_KEY is not the key the survey and "
        f"interview loads in the warehouse ({named}) were pseudonymised with, and pseudonyms "
        "made with different keys never match across waves; set the key used before, or, to "
        "change keys, unload those loads (`bymonitor unload LOAD_ID`) and load every wave again "
        "under the new key"
    )


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
            key_fingerprint=pseudonymise.fingerprint,
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
