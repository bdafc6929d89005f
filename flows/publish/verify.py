"""What was published equals the marts: the rule in expectations/publication.yml.

After the report is rendered into its temporary folder and before it replaces the last
publication, the downloads (every CSV, every sheet of the workbook, every table of the DuckDB
copy) and the figures the pages mark with `data-mart`, `data-key` and `data-column` are read
back and compared with the marts, read afresh from the warehouse. Any difference is a problem
named in words; the caller stops the publication.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import yaml

from flows.publish.downloads import (
    CONTENTS_SHEET,
    Columns,
    _is_number,
    excel_value,
    neutralise,
    spreadsheet_text,
)
from flows.publish.marts import MARTS, read_report_data
from flows.settings import REPO_ROOT
from flows.warehouse import sql_identifier, sql_literal

RULE = REPO_ROOT / "expectations" / "publication.yml"
SHOWN_AT_MOST = 5  # problems named per file


def _template(lang: str = "en") -> str:
    return yaml.safe_load(RULE.read_text(encoding="utf-8"))["problem"][lang]


def _problem(file: str, where: str, shown: Any, expected: Any) -> str:
    if isinstance(expected, float) and expected.is_integer():
        expected = int(expected)
    return _template().format(file=file, where=where, shown=shown, expected=expected)


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _at_time(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def _plain(value: Any) -> Any:
    """A value as a comparable plain Python value (numbers as float, times as naive ISO text)."""
    kind = type(value)  # the common cases first: called for every cell read back
    if kind is str:
        return value
    if kind is float:
        return None if math.isnan(value) else value
    if kind is int:
        return float(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, datetime):
        return _naive(value).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _same(a: Any, b: Any, loose: bool) -> bool:
    """Equal; with `loose`, numbers to 14 significant digits and times to the second (what a
    spreadsheet keeps: a date is the time at its midnight, and a time at midnight reads back as
    its date)."""
    if type(a) is type(b) and a == b:  # equal values of one kind (NaN is never equal)
        return True
    if loose and isinstance(a, date) and isinstance(b, date):
        return abs(_naive(_at_time(a)) - _naive(_at_time(b))).total_seconds() < 1
    a, b = _plain(a), _plain(b)
    if loose and isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-14, abs_tol=1e-300)
    return a == b


def _identifying(rows: list[dict]) -> list[str]:
    """The columns that can tell rows apart exactly: text, whole numbers and flags."""
    columns = list(rows[0]) if rows else []
    return [
        c for c in columns if all(isinstance(r[c], str | int | bool) or r[c] is None for r in rows)
    ]


def _compare_rows(
    file: str,
    mart: str,
    rows: list[dict],
    found: list[dict],
    shown: Callable[[Any], Any] = lambda value: value,
    loose: bool = False,
    same: Callable[[Any, Any], bool] | None = None,
) -> list[str]:
    """A download's rows against the mart's (`shown` turns a mart value into what the download
    writes), matched on the mart's key (its order columns) or else on the columns that can
    identify a row, or in order where neither tells the rows apart. `same(found, value)`, where
    given, decides whether a cell shows the mart's value (else: equal to `shown(value)`)."""
    columns = list(rows[0]) if rows else []
    if len(found) != len(rows):
        return [_problem(file, "the number of rows", len(found), len(rows))]

    def key(row: dict, keys: list[str], convert=lambda value: value) -> tuple:
        return tuple(_plain(convert(row.get(k))) for k in keys)

    identifying = _identifying(rows)
    order = [c.strip() for c in MARTS.get(mart, "").split(",") if c.strip() in identifying]
    keys: list[str] = []
    for candidate in (order, identifying):
        if candidate and len({key(row, candidate) for row in rows}) == len(rows):
            keys = candidate
            break
    expected_keys = [key(row, keys, shown) for row in rows]
    if keys:
        by_key = {key(row, keys): row for row in found}
        pairs = [(k, row, by_key.get(k)) for k, row in zip(expected_keys, rows, strict=True)]
    else:
        pairs = list(zip(expected_keys, rows, found, strict=True))
    problems = []
    for identity, row, other in pairs:
        where = ", ".join(f"{k} {_written(v)}" for k, v in zip(keys, identity, strict=True))
        where = where or "a row"
        if other is None:
            problems.append(_problem(file, f"the row {where}", "nothing", "a row"))
        else:
            problems += [
                _problem(file, f"{column} of {where}", other.get(column), row.get(column))
                for column in columns
                if not (
                    same(other.get(column), row.get(column))
                    if same
                    else _same(other.get(column), shown(row.get(column)), loose)
                )
            ]
        if len(problems) >= SHOWN_AT_MOST:
            break
    return problems


def _written(value: Any) -> Any:
    """A key's value as a reader writes it (a year as 2026, not 2026.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _from_text(text: str, like: Any) -> Any:
    """A CSV cell read as the kind of value the mart holds in its column (`like`)."""
    if text == "":
        return None
    try:
        if isinstance(like, bool):
            return text.strip().lower() in ("true", "1", "ja", "yes")
        if isinstance(like, int | float | Decimal):
            return float(text)
        if isinstance(like, datetime):
            return datetime.fromisoformat(text)
        if isinstance(like, date):
            return date.fromisoformat(text)
    except ValueError:
        return text  # not a value of that kind: reported as a difference
    return text.removeprefix("'") if text.startswith("'") and neutralise(text[1:]) == text else text


def _typed(found: list[dict], rows: list[dict]) -> list[dict]:
    """CSV rows with each cell read as the mart's value of its column."""
    kinds = {}
    for column in rows[0] if rows else {}:
        kinds[column] = next((r[column] for r in rows if r[column] is not None), "")
    return [{c: _from_text(v, kinds.get(c, "")) for c, v in row.items()} for row in found]


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, [])
        return header, [dict(zip(header, line, strict=False)) for line in reader]


def check_csvs(
    folder: Path, marts: dict[str, list[dict]], columns: Columns | None = None
) -> list[str]:
    """The CSV downloads. A file with the marts' column ids is compared value by value; one made
    for people (headers in words, values rounded as the report shows them) too, as it shows them
    (`columns`): each number within half a unit of its last decimal, each code as its word.
    Without `columns` a file for people is checked by its rows only."""
    problems = []
    machine = folder / "machine"
    for mart, rows in marts.items():
        for path in (folder / f"{mart}.csv", machine / f"{mart}.csv"):
            if path.parent == machine and not machine.is_dir():
                continue
            file = str(path.relative_to(folder.parent))
            if not path.exists():
                problems.append(_problem(file, "the file", "nothing", f"{len(rows)} rows"))
                continue
            header, found = _read_csv(path)
            if not rows or set(rows[0]) <= set(header):
                problems += _compare_rows(file, mart, rows, _typed(found, rows))
            elif columns is None:
                if len(found) != len(rows):
                    problems.append(_problem(file, "the number of rows", len(found), len(rows)))
            else:
                problems += _compare_csv_for_people(file, mart, rows, header, found, columns)
    return problems


def _compare_csv_for_people(
    file: str, mart: str, rows: list[dict], header: list, found: list[dict], columns: Columns
) -> list[str]:
    """A CSV made for people against the mart as the download shows it (`Columns`), row by row
    on the mart's key: a number read back (decimal comma) is the mart's within half a unit of
    the last decimal written; any other value is written exactly as the download writes it
    (words, ja/nei, dates)."""
    names, shown = columns.names(mart, rows)
    labels = [columns.label(name, mart) for name in names]
    if header != labels:
        return [_problem(file, "the header row", ", ".join(header), ", ".join(labels))]
    by_name = [{n: line.get(label) or "" for n, label in zip(names, labels, strict=True)}
               for line in found]  # fmt: skip
    return _compare_rows(file, mart, shown, by_name, _as_text, same=_shows)


def _as_text(value: Any) -> str:
    """A key's value as a CSV for people writes it (a text, a whole number, ja/nei)."""
    return spreadsheet_text(value, 0)


def _shows(text: str, value: Any) -> bool:
    """Whether a CSV cell for people shows the value: a number rounded to the decimals written
    (decimal comma), else the text the download writes for it."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return text == ""
    if _is_number(value):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return False
        places = len(text.rsplit(",", 1)[1]) if "," in text else 0
        return abs(number - float(value)) <= 0.5 * 10**-places * (1 + 1e-9) + 1e-12
    return text == spreadsheet_text(value, 0)


def check_workbook(
    path: Path, marts: dict[str, list[dict]], columns: Columns | None = None
) -> list[str]:
    """The workbook's sheets, value by value: a sheet with the marts' column ids holds the
    mart's values; a sheet made for people (headers in words, codes in words, a town's name
    beside its id: `columns`, as the workbook is written) holds them as those words, its
    numbers unrounded. Without `columns` a sheet for people is checked by its rows only. Read
    with calamine: values only, an empty cell as None, a number with a date format as a time."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    problems = []
    try:
        sheets = _sheets(workbook)
        for mart, rows in marts.items():
            title = sheets.get(mart, mart[:31])
            file = f"data/{path.name}, sheet {title}"
            if title not in workbook.sheet_names:
                problems.append(_problem(file, "the sheet", "nothing", f"{len(rows)} rows"))
                continue
            values = iter(_sheet_rows(workbook, title))
            header = list(next(values, ()) or ())
            lines = [line for line in values if any(line)]
            if not rows or set(rows[0]) <= set(header):  # the marts' column ids
                found = [dict(zip(header, line, strict=False)) for line in lines]
                problems += _compare_rows(file, mart, rows, found, _as_excel, loose=True)
            elif columns is None:
                if len(lines) != len(rows):
                    problems.append(_problem(file, "the number of rows", len(lines), len(rows)))
            else:
                problems += _compare_for_people(file, mart, rows, header, lines, columns)
    finally:
        workbook.close()
    return problems


def _compare_for_people(
    file: str, mart: str, rows: list[dict], header: list, lines: list[list], columns: Columns
) -> list[str]:
    """A sheet made for people against the mart as the workbook shows it (`Columns`)."""
    names, shown = columns.names(mart, rows)
    labels = [columns.label(name, mart) for name in names]
    if header[: len(labels)] != labels or any(header[len(labels) :]):
        return [_problem(file, "the header row", ", ".join(map(str, header)), ", ".join(labels))]
    found = [dict(zip(names, line, strict=False)) for line in lines]
    expected = [{name: excel_value(row.get(name), name) for name in names} for row in shown]
    return _compare_rows(file, mart, expected, found, loose=True)


def _sheet_rows(workbook, title: str) -> list[list[Any]]:
    """A sheet's rows from A1 on, an empty cell as None."""
    lines = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    return [[None if value == "" else value for value in line] for line in lines]


def _sheets(workbook) -> dict[str, str]:
    """The sheet of each mart, from the workbook's contents sheet (sheet name, mart id)."""
    if CONTENTS_SHEET not in workbook.sheet_names:
        return {}
    lines = _sheet_rows(workbook, CONTENTS_SHEET)[1:]
    return {line[1]: line[0] for line in lines if len(line) > 1 and line[0] and line[1]}


def _as_excel(value: Any) -> Any:
    return None if value == "" else value  # an empty text is an empty cell


def check_duckdb_copy(
    path: Path, marts: dict[str, list[dict]], warehouse: Path | None = None
) -> list[str]:
    """The DuckDB copy's tables against the marts. With the warehouse at hand, a table that
    DuckDB finds equal to its mart as the copy is written (same columns, types and rows) needs
    no comparison in Python; any other is compared value by value and its differences named."""
    problems = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        if warehouse is not None:
            con.execute(f"attach {sql_literal(warehouse)} as live (read_only)")
        for mart, rows in marts.items():
            if warehouse is not None and _copied_exactly(con, mart):
                continue
            result = con.execute(f"select * from marts.{sql_identifier(mart)}")
            header = [d[0] for d in result.description]
            found = [dict(zip(header, line, strict=True)) for line in result.fetchall()]
            problems += _compare_rows(f"bymonitor.duckdb, table {mart}", mart, rows, found)
    finally:
        con.close()
    return problems


# The copy's types for the marts' (flows.publish.downloads writes the copy with plain types):
# only these widenings lose nothing. Any other change of type goes to the comparison in Python.
WIDENED = {"DOUBLE": ("DECIMAL", "FLOAT", "REAL"),
           "BIGINT": ("HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "UHUGEINT"),
           "VARCHAR": ("JSON",)}  # fmt: skip


def _copied_exactly(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    """Whether the copy's table holds exactly the live mart's rows (EXCEPT ALL both ways:
    duplicates count), with its column names and each column's type or a lossless widening of
    it (`WIDENED`). The expected rows are read here, not by the writer's own query, so a fault
    in the writer cannot hide itself."""
    table, live = f"marts.{sql_identifier(mart)}", f"live.marts.{sql_identifier(mart)}"
    try:
        copied = [tuple(c[:2]) for c in con.execute(f"describe {table}").fetchall()]
        marts = [tuple(c[:2]) for c in con.execute(f"describe {live}").fetchall()]
        if [name for name, _ in copied] != [name for name, _ in marts]:
            return False
        select = []
        for (name, kind), (_, copy_kind) in zip(marts, copied, strict=True):
            column = sql_identifier(name)
            if kind == copy_kind:
                select.append(column)
            elif kind.split("(")[0] in WIDENED.get(copy_kind, ()):
                select.append(f"cast({column} as {copy_kind}) as {column}")
            else:
                return False
        expected = f"select {', '.join(select)} from {live}"
        differing = con.execute(
            f"select count(*) from ((from {table} except all {expected}) "
            f"union all ({expected} except all from {table}))"
        ).fetchone()[0]
    except duckdb.Error:  # a table missing or not comparable: compared in Python
        return False
    return differing == 0


class _Marked(HTMLParser):
    """The text of every element that carries data-mart, data-key and data-column."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: list[tuple[dict[str, str], str]] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        for _, _, text in self._open:
            text.append(" ")
        if "data-mart" in attributes:
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            _, attributes, text = self._open.pop()
            self.figures.append((attributes, "".join(text)))

    def handle_data(self, data):
        for _, _, text in self._open:
            text.append(data)


NUMBER = {
    "nb": re.compile(r"[+\u2212-]?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?"),
    "en": re.compile(r"[+\u2212-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?"),
}
MISSING_SHOWN = {"", "–", "-", "..", ":", "."}


def read_number(text: str, lang: str) -> tuple[float | None, int]:
    """The first number in a figure as the page writes it, and its decimals; None for a dash or
    StatBank's symbols. A year in brackets after it ("(2025)") is not part of it."""
    text = re.sub(r"\(\d{4}\)", "", text).strip()
    if text in MISSING_SHOWN:
        return None, 0
    match = NUMBER[lang].search(text)
    if not match:
        raise ValueError(text)
    raw = match.group(0).replace("\u2212", "-")
    if lang == "nb":
        raw = re.sub(r"[\u00a0\u202f ]", "", raw).replace(",", ".")
    else:
        raw = raw.replace(",", "")
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    return float(raw), decimals


def _key(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(";") if part)


class _Lookup:
    """Rows of the marts by the columns and values a page's key names."""

    def __init__(self, marts: dict[str, list[dict]]) -> None:
        self.marts = marts
        self.indexes: dict[tuple[str, tuple[str, ...]], dict[tuple[str, ...], list[dict]]] = {}

    def rows(self, mart: str, key: dict[str, str]) -> list[dict]:
        columns = tuple(sorted(key))
        index = self.indexes.get((mart, columns))
        if index is None:
            index = {}
            for row in self.marts.get(mart, []):
                index.setdefault(tuple(str(row.get(c)) for c in columns), []).append(row)
            self.indexes[(mart, columns)] = index
        return index.get(tuple(key[c] for c in columns), [])


def check_page(name: str, html: str, lookup: _Lookup, lang: str) -> list[str]:
    parser = _Marked()
    parser.feed(html)
    parser.close()
    problems = []
    for attributes, text in parser.figures:
        mart, column = attributes["data-mart"], attributes["data-column"]
        key = attributes.get("data-key", "")
        where = f"{mart}.{column} ({key.replace(';', ', ').replace('=', ' ')})"
        rows = lookup.rows(mart, _key(key))
        if len(rows) != 1:
            problems.append(_problem(name, where, text.strip(), f"{len(rows)} rows for it"))
            continue
        expected = _plain(rows[0].get(column))
        try:
            shown, decimals = read_number(text, lang)
        except ValueError:
            problems.append(_problem(name, where, text.strip(), expected))
            continue
        if shown is None or expected is None:
            if shown is not expected:
                problems.append(_problem(name, where, text.strip(), expected))
        elif abs(shown - expected) > 0.5 * 10**-decimals + 1e-9:
            problems.append(_problem(name, where, text.strip(), expected))
    return problems


def verify_publication(
    staging: Path, warehouse: Path, lang: str, extra_pages: dict[str, str] | None = None
) -> list[str]:
    """Every difference between what is about to be published and the marts, in words."""
    data = read_report_data(warehouse)  # afresh, not what the pages were rendered from
    marts = data.marts
    columns = Columns(data)  # how the downloads for people write the marts
    problems = check_csvs(staging / "data", marts, columns)
    problems += check_workbook(staging / "data" / "bymonitor.xlsx", marts, columns)
    problems += check_duckdb_copy(staging / "bymonitor.duckdb", marts, warehouse)
    pages = {str(p.relative_to(staging)): p.read_text(encoding="utf-8")
             for p in sorted(staging.rglob("*.html")) if not p.name.startswith(".")}  # fmt: skip
    pages.update(extra_pages or {})
    lookup = _Lookup(marts)
    for name, html in pages.items():
        problems += check_page(name, html, lookup, lang)
    return problems
