"""The landing zone: every input file is checksummed, copied in once and recorded in raw._loads."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.errors import BymonitorError


class InputFileError(BymonitorError, ValueError):
    """An input file that cannot be read at all (missing, a directory, unreadable)."""


@dataclass(frozen=True)
class LoadResult:
    """What one file's load did."""

    file_name: str
    load_id: str
    sha256: str
    rows_loaded: int
    rows_rejected: int
    skipped: bool  # True when the same file (by checksum; and sheet) was loaded before
    note: str = ""
    sheet: str | None = None  # the XLSX sheet read

    def describe(self) -> str:
        sheet = f" from sheet {self.sheet!r}" if self.sheet else ""
        if self.skipped:
            return f"{self.file_name}: already loaded{sheet} as {self.load_id}, nothing to do"
        rejected = f", {self.rows_rejected} rejected" if self.rows_rejected else ""
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.file_name}: loaded {self.rows_loaded} rows{sheet} as {self.load_id}"
            f"{rejected}{note}"
        )


def sha256_of(path: Path) -> str:
    """Checksum of a readable regular file; InputFileError names the file when it is not one."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    return digest.hexdigest()


def previous_load(
    con: duckdb.DuckDBPyConnection, sha256: str, sheet: str | None = None
) -> str | None:
    """The load id under which a file with this checksum (and, for a workbook, this sheet) was
    loaded, if any. A load recorded before sheets were (sheet NULL) stands for the whole file."""
    row = con.execute(
        "select load_id from raw._loads where sha256 = ? and (sheet is null or sheet = ?)",
        [sha256, sheet],
    ).fetchone()
    return row[0] if row else None


# Files this process put into the landing zone, in order: a transaction that fails (or is
# interrupted) removes those it added, so that no landed copy outlives its load's record.
_LANDED: list[Path] = []


def landed_mark() -> int:
    """A mark for `discard_landed_since`: how many files this process has landed so far."""
    return len(_LANDED)


def discard_landed_since(mark: int) -> None:
    """Remove the files landed after `mark` (their loads were not committed)."""
    for path in _LANDED[mark:]:
        path.unlink(missing_ok=True)
    del _LANDED[mark:]


def _write_landed(target: Path, write) -> Path:
    """Write a landing file through a `.partial` name, so it is whole or absent; remember it."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        write(partial)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _LANDED.append(target)
    return target


def land(path: Path, sha256: str, landing_dir: Path, source: str) -> Path:
    """Copy the file into the landing zone under a content-addressed name; return its path."""
    target = landing_dir / source / f"{sha256[:16]}-{path.name}"
    return _write_landed(target, lambda partial: shutil.copyfile(path, partial))


def record_load(
    con: duckdb.DuckDBPyConnection,
    *,
    load_id: str,
    source: str,
    table_id: str | None,
    path: Path,
    landed_path: Path,
    sha256: str,
    rows_loaded: int,
    rows_rejected: int,
    value_origin: str | None = None,
    sheet: str | None = None,
    key_fingerprint: str | None = None,
) -> None:
    con.execute(
        "insert into raw._loads (load_id, source, table_id, file_name, landed_path, sha256, "
        "rows_loaded, rows_rejected, loaded_at, value_origin, sheet, key_fingerprint) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            source,
            table_id,
            path.name,
            str(landed_path),
            sha256,
            rows_loaded,
            rows_rejected,
            datetime.now(UTC),
            value_origin,
            sheet,
            key_fingerprint,
        ],
    )


@dataclass(frozen=True)
class Reject:
    """One problem with one row (a row with three problems has three)."""

    row_number: int | None
    column: str | None
    value: str | None
    reason: str


#: Up to this many rows go in as one parameterised VALUES list (~30 µs a row); more are
#: scanned from a pandas frame, whose import alone costs ~1 s.
VALUES_ROWS = 2_000


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert many rows at once (`executemany` goes row by row, ~15 times slower)."""
    if not rows:
        return
    width = len(rows[0])
    if len(rows) <= VALUES_ROWS:
        placeholders = ", ".join([f"({', '.join('?' * width)})"] * len(rows))
        con.execute(f"insert into {table} values {placeholders}", [v for r in rows for v in r])
        return
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=[f"c{i}" for i in range(width)])
    frame = frame.astype(object).where(frame.notna(), None)
    con.register("incoming_rows", frame)
    try:
        con.execute(f"insert into {table} select * from incoming_rows")
    finally:
        con.unregister("incoming_rows")


def record_rejects(
    con: duckdb.DuckDBPyConnection, load_id: str, source: str, file_name: str, rejects: list[Reject]
) -> None:
    insert_rows(
        con,
        "raw._rejects",
        [(load_id, source, file_name, r.row_number, r.column, r.value, r.reason) for r in rejects],
    )


def land_bytes(content: bytes, name: str, sha256: str, landing_dir: Path, source: str) -> Path:
    """Write derived content (a pseudonymised copy) into the landing zone."""
    target = landing_dir / source / f"{sha256[:16]}-{name}"
    return _write_landed(target, lambda partial: partial.write_bytes(content))
