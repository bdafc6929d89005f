"""The numbers behind the report: a CSV per mart, one XLSX workbook, a read-only DuckDB copy."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from flows.publish.marts import MARTS, ReportData
from flows.warehouse import sql_identifier, sql_literal

DEFINITION_COLUMNS = ["indicator_id", "name_nb", "name_en", "unit", "definition_nb",
                      "definition_en", "source_tables"]  # fmt: skip


# A text cell starting with one of these is run as a formula by spreadsheet programs
# (CSV/formula injection); such text is written so that it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csvs(data: ReportData, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.marts.items():
        write_csv(rows, folder / f"{name}.csv")


def write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        if rows:
            writer = csv.writer(handle)
            writer.writerow(list(rows[0]))
            writer.writerows([neutralise(v) for v in row.values()] for row in rows)


def write_workbook(data: ReportData, path: Path) -> None:
    """A sheet per mart and a sheet of definitions (sheet names are cut to Excel's 31 letters)."""
    workbook = Workbook(write_only=True)
    definitions = workbook.create_sheet("definisjoner")
    definitions.append(DEFINITION_COLUMNS)
    for row in data.marts["dim_indicator"]:
        definitions.append([_excel(definitions, row.get(c)) for c in DEFINITION_COLUMNS])
    for name, rows in data.marts.items():
        sheet = workbook.create_sheet(name[:31])
        if rows:
            sheet.append(list(rows[0]))
            for row in rows:
                sheet.append([_excel(sheet, v) for v in row.values()])
    workbook.save(path)


def _excel(sheet, value: object) -> object:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # stored as text: openpyxl would otherwise write "=..." as a formula
        return cell
    return value


def write_duckdb_copy(warehouse: Path, path: Path) -> None:
    """The marts in a file of their own, with plain types (integers as BIGINT, decimals as
    DOUBLE), so readers such as Evidence or SQLAlchemy never open the live warehouse."""
    con = duckdb.connect(str(path))
    try:
        # ATTACH takes no parameters: the path goes in as a properly quoted literal
        con.execute(f"attach {sql_literal(warehouse)} as live (read_only)")
        con.execute("create schema marts")
        for name in MARTS:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'live' and schema_name = 'marts' and table_name = ? "
                "order by column_index",
                [name],
            ).fetchall()
            select = ", ".join(_plain(column, kind) for column, kind in columns)
            table = sql_identifier(name)
            con.execute(f"create table marts.{table} as select {select} from live.marts.{table}")
        con.execute("detach live")
        con.execute("checkpoint")
    finally:
        con.close()


def _plain(column: str, kind: str) -> str:
    kind, column = kind.upper(), sql_identifier(column)
    if kind.startswith("DECIMAL") or kind in ("FLOAT", "REAL"):
        return f"cast({column} as double) as {column}"
    if kind in ("HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "UHUGEINT"):
        return f"cast({column} as bigint) as {column}"
    if kind == "JSON":
        return f"cast({column} as varchar) as {column}"
    return column
