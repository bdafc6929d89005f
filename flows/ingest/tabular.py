"""Read the spreadsheets researchers send (CSV in any common dialect, or XLSX) as text rows."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flows.ingest.landing import InputFileError

ENCODINGS = ("utf-8-sig", "cp1252")


# A workbook is read as far as its data goes, never as far as it says it goes (a sheet's declared
# size can be A1:XFD1048576 because of one formatted cell); these bound what one file may cost.
MAX_UNPACKED_BYTES = 256_000_000  # the workbook's parts, unzipped
MAX_CELLS = 10_000_000  # cells visited in the sheet read, empty ones between values included


@dataclass(frozen=True)
class Table:
    """A header and its rows; `rows` pairs each row's spreadsheet row number with its values."""

    source: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    sheet: str | None = None  # the XLSX sheet read


@dataclass(frozen=True)
class Sheet:
    """The sheet of a workbook that is read: its name and place (1 for the first tab)."""

    name: str
    position: int


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty")


def read_table(path: Path, sheet: str | None = None) -> Table:
    """CSV (comma, semicolon or tab; UTF-8 with or without BOM, Windows-1252, or UTF-16 with
    its BOM) or XLSX (the sheet `sheet_to_read` chooses)."""
    _check_file(path)
    if is_workbook(path):
        return _read_xlsx(path, sheet)
    return _read_csv(path)


def sheet_to_read(path: Path, sheet: str | None = None) -> Sheet | None:
    """The sheet `read_table` reads from a workbook (None for CSV): the one named, or else the
    sheet the workbook opens on (its active tab) when that is visible, else the first visible
    one. A hidden sheet is never read: a person opening the file does not see it."""
    if not is_workbook(path):
        return None
    _check_file(path)
    workbook = _open_workbook(path)
    try:
        return _choose(path, workbook, sheet)[0]
    finally:
        workbook.close()


def _read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    text = _decode(path, raw)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(";,\t", key=lambda d: sample.splitlines()[0].count(d) if sample else 0)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table(str(path), list(enumerate(reader, start=1)))


SAVE_AS_UTF8 = "save it as UTF-8 (in Excel: CSV UTF-8)"


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM), Windows-1252, or UTF-16 with its byte-order mark (Excel's
    "Unicode text"); UTF-16 without the mark and UTF-32 are refused with what to do instead."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputFileError(f"{path}: UTF-32 text, which bymonitor does not read: {SAVE_AS_UTF8}")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputFileError(
                f"{path}: marked as UTF-16 text but not valid UTF-16: {SAVE_AS_UTF8}"
            ) from None
    head = raw[:4096]
    if b"\x00" in head:
        if _utf16_without_mark(head):
            raise InputFileError(
                f"{path}: UTF-16 text without a byte-order mark, which cannot be read safely: "
                f"{SAVE_AS_UTF8}"
            )
        raise InputFileError(f"{path}: not a text file (binary content); expected CSV or XLSX")
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    # cp1252 decodes almost anything; this is for the few bytes it does not
    raise InputFileError(f"{path}: neither UTF-8 nor Windows-1252 text")


def _utf16_without_mark(head: bytes) -> bool:
    """Latin text in UTF-16 has a zero byte in every other position (odd ones for little-endian,
    even ones for big-endian) and almost none in the others."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 8:
        return False
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(zeros_even, zeros_odd) > 0.6 and min(zeros_even, zeros_odd) < 0.05


def _open_workbook(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise InputFileError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputFileError(
            f"{path}: the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than the "
            f"{MAX_UNPACKED_BYTES / 1e6:,.0f} MB bymonitor reads (a survey or an interview log is "
            "far smaller: save just the answers, or save them as CSV)"
        )
    try:
        # Formulas are read as formulas (not as cached results, which a file saved by a script
        # lacks) so that a row with one is rejected rather than read as an empty answer.
        return load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputFileError(f"{path}: not a readable XLSX workbook ({exc})") from exc


def _choose(path: Path, workbook, name: str | None):
    """(Sheet, worksheet) to read; see `sheet_to_read`."""
    from openpyxl.chartsheet import Chartsheet

    names = workbook.sheetnames  # every tab in order, charts included
    if name is not None:
        if name not in names:
            listed = ", ".join(
                n + ("" if workbook[n].sheet_state == "visible" else " (hidden)") for n in names
            )
            raise InputFileError(f"{path}: no sheet named {name!r} (sheets: {listed})")
        chosen = workbook[name]
        if isinstance(chosen, Chartsheet):
            raise InputFileError(f"{path}: sheet {name!r} is a chart, not a sheet of cells")
        if chosen.sheet_state != "visible":
            raise InputFileError(
                f"{path}: sheet {name!r} is hidden, and bymonitor reads only sheets a person "
                "opening the file can see (show it in the spreadsheet if it holds the answers)"
            )
    else:
        visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
        if not visible:
            raise InputFileError(
                f"{path}: every sheet is hidden, and bymonitor reads only sheets a person opening "
                "the file can see (show the sheet with the answers, or name it with --sheet)"
            )
        active = workbook.active
        chosen = active if active in visible else visible[0]
    return Sheet(chosen.title, names.index(chosen.title) + 1), chosen


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    workbook = _open_workbook(path)
    try:
        chosen, worksheet = _choose(path, workbook, sheet)
        records = _sheet_rows(path, chosen.name, worksheet)
    finally:
        workbook.close()
    return _table(str(path), records, chosen.name)


def _sheet_rows(path: Path, name: str, worksheet) -> list[tuple[int, list[str]]]:
    """The rows that hold a value, with their row numbers, each cut after its last value: the
    sheet is read until its data ends, whatever size it declares."""
    worksheet.reset_dimensions()  # the declared size is not trusted: read what is there
    records = []
    visited = 0
    for number, row in enumerate(worksheet.iter_rows(min_row=1, min_col=1), start=1):
        visited += len(row) or 1
        if visited > MAX_CELLS:
            raise InputFileError(
                f"{path}: sheet {name!r} reaches more than {MAX_CELLS:,} cells by row {number:,}, "
                "more than bymonitor reads (a survey or an interview log is far smaller: save "
                "just the answers, or save them as CSV)"
            )
        last = len(row)
        while last and row[last - 1].value is None:
            last -= 1
        if last:
            records.append(
                (number, [_cell_text(cell.value, cell.data_type) for cell in row[:last]])
            )
    return records


FORMULA = "\x00formula:"  # marks a cell holding a formula; never a value a codebook accepts


def _cell_text(value: object, data_type: str | None = None) -> str:
    if value is None:
        return ""
    if data_type == "f":
        return f"{FORMULA}{value}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # dates as ISO dates
    return str(value)


def _table(source: str, records: list[tuple[int, list[str]]], sheet: str | None = None) -> Table:
    """Header and rows; each row keeps its number as a spreadsheet shows it (blank rows count)."""
    numbered = [(n, r) for n, r in records if any(str(v).strip() for v in r)]
    if not numbered:
        where = f" (sheet {sheet!r})" if sheet else ""
        raise InputFileError(f"{source}: the file has no header row{where}")
    header = [h.strip() for h in numbered[0][1]]
    while header and not header[-1]:
        header.pop()  # trailing empty header cells (a sheet's formatted but unused columns)
    if any(not h for h in header):
        blanks = [str(i + 1) for i, h in enumerate(header) if not h]
        raise InputFileError(f"{source}: column(s) {', '.join(blanks)} have no name in the header")
    rows = []
    for number, record in numbered[1:]:
        values = [_unmark(str(v).strip()) for v in record]
        extra = [v for v in values[len(header) :] if v]
        values += [""] * (len(header) - len(values))
        row = dict(zip(header, values[: len(header)], strict=True))
        if extra:
            row[TOO_MANY] = f"{len(header) + len(extra)} values but {len(header)} columns"
        rows.append((number, row))
    return Table(source, header, rows, sheet)


TOO_MANY = "\x00too_many_values"  # a row's key when it has more values than the header


def _unmark(value: str) -> str:
    """Drop the apostrophe spreadsheets put before a value to keep it text ('1987 → 1987)."""
    return value[1:] if value.startswith("'") and len(value) > 1 else value


def shape_problems(row: dict[str, str], columns: list[str]) -> list[tuple[str, str | None, str]]:
    """Problems of a row as a whole: more values than columns, formulas in the columns read.
    Each is (column, value shown, reason)."""
    problems: list[tuple[str, str | None, str]] = []
    if TOO_MANY in row:
        problems.append(("(row)", None, f"the row has {row[TOO_MANY]}: values out of place"))
    for column in columns:
        value = row.get(column, "")
        if value.startswith(FORMULA):
            formula = "=" + value[len(FORMULA) :].lstrip("=")
            problems.append(
                (column, formula[:80], "a spreadsheet formula, not a value (save the values)")
            )
    return problems
