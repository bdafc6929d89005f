"""Read the spreadsheets researchers send (CSV in any common dialect, or XLSX) as text rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from flows.ingest.landing import InputFileError

ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class Table:
    """A header and its rows; `rows` pairs each row's spreadsheet row number with its values."""

    source: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path, sheet: str | None = None) -> Table:
    """CSV (comma, semicolon or tab; UTF-8 with or without BOM, or Windows-1252) or XLSX."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    return _read_csv(path)


def _read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    if b"\x00" in raw[:4096]:
        raise InputFileError(f"{path}: not a text file (binary content); expected CSV or XLSX")
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes almost anything; this is for the few bytes it does not
        raise InputFileError(f"{path}: neither UTF-8 nor Windows-1252 text")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(";,\t", key=lambda d: sample.splitlines()[0].count(d) if sample else 0)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = list(reader)
    return _table(str(path), records)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputFileError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputFileError(
                f"{path}: no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})"
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        records = [
            ["" if cell is None else _cell_text(cell) for cell in row]
            for row in worksheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    return _table(str(path), records)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # dates as ISO dates
    return str(value)


def _table(source: str, records: list[list[str]]) -> Table:
    records = [r for r in records if any(str(v).strip() for v in r)] if records else []
    if not records:
        raise InputFileError(f"{source}: the file has no header row")
    header = [h.strip() for h in records[0]]
    if any(not h for h in header):
        blanks = [str(i + 1) for i, h in enumerate(header) if not h]
        raise InputFileError(f"{source}: column(s) {', '.join(blanks)} have no name in the header")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        values = [str(v).strip() for v in record] + [""] * (len(header) - len(record))
        rows.append((number, dict(zip(header, values[: len(header)], strict=True))))
    return Table(source, header, rows)
