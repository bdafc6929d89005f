"""The numbers behind the report: CSV and an XLSX workbook for spreadsheets, CSV for programs,
a read-only DuckDB copy.

data/*.csv and data/bymonitor.xlsx are for opening in (Norwegian) Excel: semicolons, UTF-8 with a
byte order mark, decimal commas, values rounded as the report shows them, headers and codes in
bokmål (reports/messages/columns_nb.yml, values_nb.yml; why a value is missing from the mart
dim_value_status), ja/nei.
data/machine/*.csv are for programs: commas, UTF-8, full precision, the marts' column ids.
"""

from __future__ import annotations

import csv
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import xlsxwriter
import yaml
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from flows import constants
from flows.publish.formatting import exact, half_up
from flows.publish.marts import MARTS, ReportData
from flows.warehouse import sql_identifier, sql_literal

DEFINITION_COLUMNS = ["indicator_id", "name_nb", "name_en", "unit", "definition_nb",
                      "definition_en", "source_tables"]  # fmt: skip
MESSAGES = Path(__file__).parents[2] / "reports" / "messages"
LABELS_FILE = MESSAGES / "columns_nb.yml"
VALUES_FILE = MESSAGES / "values_nb.yml"  # cell values and sheet names in bokmål
NB_FILE = MESSAGES / "nb.yml"  # the report's own words for origins and units
CONTENTS_SHEET = "innhold"
WORKBOOK = "bymonitor.xlsx"
MACHINE = "machine"

# Columns that hold a value in the unit of the row's indicator (indicator_id)
INDICATOR_VALUES = {"value", "median_of_towns", "difference", "threshold", "town_value",
                    "peers_median", "peers_min", "peers_max", "baseline_value", "latest_value",
                    "target_value"}  # fmt: skip
# Counts behind a rate (or, for an index, its level)
COUNTS = {"numerator", "denominator"}
# Ratios, quotients and scores that need two decimals to be read; other decimals get one
TWO_DECIMALS = {"score", "distance", "weight_covered", "job_coverage_ratio", "quotient_norway",
                "quotient_peers", "gap_below_quotient", "reference_quotient",
                "concentration_index", "progress_share", "time_share", "index_weight"}  # fmt: skip
# Whole numbers that are years, codes or positions: shown without a thousands separator
PLAIN_INTEGER_ENDS = ("year", "wave", "years", "_order", "rank", "position", "_id", "_code")
# Survey figures: in the measure's unit (the registry's survey_<measure>__<item> indicator)
SURVEY_VALUES = {"value", "value_from", "value_to", "change", "ci_low", "ci_high"}
MEASURE_DECIMALS = {"mean_agreement": 2, "share_agree": 1, "share_yes": 1}
PROFILE_SUFFIXES = {"_change_1y": "endring 1 år", "_change_5y": "endring 5 år",
                    "_rank": "rangering"}  # fmt: skip

README = """\
Tallene bak rapporten / The numbers behind the report

data/*.csv og data/bymonitor.xlsx: for regneark (Excel på norsk). Semikolon som skilletegn,
UTF-8 med BOM, desimalkomma, verdier avrundet slik rapporten viser dem, overskrifter og koder
på bokmål (id-ene står der de er nøkkelen, med byens navn ved siden), ja/nei. Dobbeltklikk for å
åpne. Arbeidsboken har i tillegg arkene «innhold» (hvilken tabell i datamodellen hvert ark
viser) og «definisjoner».

data/machine/*.csv: for programmer (R, Python, databaser). Komma som skilletegn, UTF-8 uten BOM,
full presisjon (punktum som desimaltegn), kolonnenavn som de stabile id-ene i datamodellen,
true/false, tomt felt for manglende verdi. Kolonnen «origin» sier hvem tallet er fra.

data/*.csv and data/bymonitor.xlsx are for spreadsheets (Norwegian Excel): semicolon-separated,
UTF-8 with BOM, decimal comma, values rounded as the report shows them, headers and codes in
Norwegian words (ids kept where they are the key); the workbook's sheet «innhold» maps each
sheet to its mart id.
data/machine/*.csv are for programs: comma-separated, UTF-8 without BOM, full precision, the
marts' stable column ids, true/false, empty for missing. Text that starts with = + - @ (which a
spreadsheet would run as a formula) is prefixed with an apostrophe in every file.
The column "origin" says whose figure it is: official, estimate or sample.
"""


# A text cell starting with one of these is run as a formula by spreadsheet programs
# (CSV/formula injection); such text is written so that it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@cache
def _labels() -> dict[str, str]:
    return constants.fill_all(yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8")) or {})


@cache
def _values() -> dict:
    return constants.fill_all(yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8")) or {})


@cache
def _value_labels() -> dict[str, dict[str, str]]:
    """Words per kind of column: values_nb.yml's, with the origins and units in nb.yml's words."""
    nb = constants.fill_all(yaml.safe_load(NB_FILE.read_text(encoding="utf-8")) or {})
    labels = {kind: dict(words) for kind, words in (_values().get("labels") or {}).items()}
    units = labels.setdefault("unit", {})
    units.update({code: word for code, word in (nb.get("units") or {}).items()})
    aliases = labels.get("origin", {})
    for prefix, kind in (("origin_", "origin"), ("origin_people_", "origin_people")):
        words = {k[len(prefix):]: v for k, v in nb.items()
                 if k.startswith(prefix) and not k[len(prefix):].startswith("people_")}  # fmt: skip
        words.update({alias: words[code] for alias, code in aliases.items() if code in words})
        labels[kind] = words
    return labels


def sheet_names(marts: list[str]) -> dict[str, str]:
    """The workbook's sheet for each mart: a bokmål name of at most 31 letters, each its own."""
    wanted = _values().get("sheets") or {}
    names: dict[str, str] = {}
    taken = {CONTENTS_SHEET.lower(), "definisjoner"}
    for mart in marts:
        name = (wanted.get(mart) or mart)[:31]
        base, n = name, 2
        while name.lower() in taken:
            name = f"{base[: 31 - len(str(n)) - 1]} {n}"
            n += 1
        taken.add(name.lower())
        names[mart] = name
    return names


class Columns:
    """Header labels, cell words and decimals for the marts, from the column labels, the value
    labels, dim_indicator and dim_value_status."""

    def __init__(self, data: ReportData) -> None:
        self.indicators = {r["indicator_id"]: r for r in data.marts.get("dim_indicator", [])}
        self.towns = {r["town_id"]: r.get("town_name") for r in data.marts.get("dim_town", [])}
        self.places = {"18": "Nordland", "NO": "Norge", **self.towns}
        self.words = {  # the marts' words, beside values_nb.yml's labels
            "status": data.status_words("nb"),  # why a value is missing: dim_value_status
            "measure_status": {  # a measure's progress: the register's codebook, dim_code
                code: row["label_nb"] for code, row in data.codes("plan", "statuses").items()
            },
        }
        # an interview category is a code of the codebook's scale its category_type names
        # (role: roles, theme: themes), worded by dim_code
        self.interview_words = {
            kind: {code: row["label_nb"] for code, row in data.codes("interviews", scale).items()}
            for kind, scale in (("role", "roles"), ("theme", "themes"))
        }

    def word(self, kind: str, value: str) -> str:
        """The bokmål word for a code of the kind: the marts' first, then values_nb.yml's."""
        if value in self.words.get(kind, {}):
            return self.words[kind][value]
        return _value_labels().get(kind, {}).get(value, value)

    def label(self, column: str, mart: str = "") -> str:
        labels = _labels()
        if f"{mart}.{column}" in labels:
            return labels[f"{mart}.{column}"]
        if column in labels:
            return labels[column]
        indicator, suffix = self._profile(column)
        if indicator is not None:
            name = self.indicators[indicator].get("name_nb") or indicator
            return f"{name}, {PROFILE_SUFFIXES[suffix]}" if suffix else name
        return column

    def _profile(self, column: str) -> tuple[str | None, str | None]:
        """town_profile's columns: <indicator>, <indicator>_change_1y/_5y, <indicator>_rank."""
        if column in self.indicators:
            return column, None
        for suffix in PROFILE_SUFFIXES:
            if column.endswith(suffix) and column[: -len(suffix)] in self.indicators:
                return column[: -len(suffix)], suffix
        return None, None

    def value(self, mart: str, column: str, value: object, row: dict) -> object:
        """A cell in words where the column holds a code (values_nb.yml, dim_value_status);
        else as it is."""
        kind = (_values().get("columns") or {}).get(column)
        if kind is None or not isinstance(value, str):
            return value
        if kind == "interview_category":
            return self.interview_words.get(row.get("category_type"), {}).get(value, value)
        if kind == "origin" and (
            mart in (_values().get("people_marts") or [])
            or row.get("source") in (_values().get("people_sources") or [])
        ):
            kind = "origin_people"
        return self.word(kind, value)

    def names(self, mart: str, rows: list[dict]) -> tuple[list[str], list[dict]]:
        """The columns for people: a town's name beside its id (a place's beside geo_code) where
        the mart has none, every code in words; the ids stay where they are the key."""
        columns = list(rows[0]) if rows else []
        added = {}
        if "town_id" in columns and "town_name" not in columns and self.towns:
            added["town_id"] = ("town_name", self.towns)
        if "geo_code" in columns and "geo_name" not in columns and self.places:
            added["geo_code"] = ("geo_name", self.places)
        names = []
        for column in columns:
            names.append(column)
            if column in added:
                names.append(added[column][0])
        coded = [c for c in columns if c in (_values().get("columns") or {})]
        shown = []
        for row in rows:
            out = {c: row.get(c) for c in columns}
            for column in coded:  # the other columns' values stay as they are
                out[column] = self.value(mart, column, out[column], row)
            for column, (name, lookup) in added.items():
                key = row.get(column)
                out[name] = lookup.get(key, key) if key is not None else None
            shown.append(out)
        return names, shown

    def indicator_decimals(self, indicator_id: object) -> int | None:
        row = self.indicators.get(indicator_id) if isinstance(indicator_id, str) else None
        if row is None:
            return None
        if row.get("unit") == "persons":
            return 0
        return int(row["decimals"]) if row.get("decimals") is not None else 1

    def decimals(self, column: str, row: dict, whole: bool | None = None) -> int:
        """Decimals to show for a number: the indicator's (a survey measure's); 2 for ratios;
        none for a column of whole numbers; else 1. `whole`: every number in the column is whole
        (one row's value decides where it is not given)."""
        value = row.get(column)
        whole_here = isinstance(value, (float, Decimal)) and float(value).is_integer()
        if whole is None:
            whole = whole_here
        if column in COUNTS and whole_here:
            return 0  # a count of people or answers
        if column in SURVEY_VALUES and isinstance(row.get("measure"), str):
            measure = row["measure"]
            places = self.indicator_decimals(f"survey_{measure}__{row.get('item_id')}")
            if places is None:
                places = MEASURE_DECIMALS.get(measure)
            if places is not None:
                return places
        if column in INDICATOR_VALUES or column in COUNTS:
            places = self.indicator_decimals(row.get("indicator_id"))
            if places is not None:
                return places
        indicator, suffix = self._profile(column)
        if indicator is not None:
            if suffix == "_rank":
                return 0
            return self.indicator_decimals(indicator) or 0
        if column in TWO_DECIMALS:
            return 2
        return 0 if whole and not column.endswith("_pct") else 1


# ------------------------------------------------------------------------ for spreadsheets
def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _spreadsheet_number(value: float | int | Decimal, places: int) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    with half_up():  # as the pages round
        text = f"{exact(value):.{places}f}"  # fixed point: never exponent notation
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")  # no "-0,0"
    return text.replace(".", ",")


def spreadsheet_text(value: object, places: int) -> str:
    """A value as Norwegian Excel reads it from a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if _is_number(value):
        return _spreadsheet_number(value, places)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(neutralise(str(value)))


def machine_text(value: object) -> str:
    """A value for programs: full precision, true/false, ISO dates, empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)  # a number, never text: no apostrophe before a minus sign
    if isinstance(value, float):
        # every digit of the shortest exact form, in fixed point (no exponent)
        return format(Decimal(repr(value)), "f") if math.isfinite(value) else ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(neutralise(str(value)))


def write_csvs(data: ReportData, folder: Path) -> None:
    """A CSV per mart for spreadsheets in folder, one for programs in folder/machine."""
    machine = folder / MACHINE
    machine.mkdir(parents=True, exist_ok=True)
    columns = Columns(data)
    for name, rows in data.marts.items():
        write_csv(rows, folder / f"{name}.csv", columns, name)
        write_machine_csv(rows, machine / f"{name}.csv")
    (machine / "README.txt").write_text(README, encoding="utf-8")


def _whole_columns(rows: list[dict]) -> set[str]:
    """The columns whose every number is whole (shown without decimals in every row)."""
    columns = list(rows[0]) if rows else []
    whole = set()
    for column in columns:
        numbers = [r.get(column) for r in rows if _is_number(r.get(column))]
        if numbers and all(math.isfinite(float(v)) and float(v).is_integer() for v in numbers):
            whole.add(column)
    return whole


def write_csv(rows: list[dict], path: Path, columns: Columns | None = None,
              mart: str = "") -> None:  # fmt: skip
    """For Norwegian Excel: semicolons, BOM, decimal comma, rounded as the report shows them,
    headers and codes in bokmål."""
    columns = columns or Columns(ReportData(marts={}))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        if rows:
            writer = csv.writer(handle, delimiter=";")
            names, shown = columns.names(mart, rows)
            whole = _whole_columns(rows)
            writer.writerow([columns.label(c, mart) for c in names])
            writer.writerows(
                [spreadsheet_text(out.get(c), columns.decimals(c, row, c in whole))
                 for c in names]
                for row, out in zip(rows, shown, strict=True)
            )  # fmt: skip


def write_machine_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        if rows:
            writer = csv.writer(handle)
            names = list(rows[0])
            writer.writerow(names)
            writer.writerows([machine_text(row.get(c)) for c in names] for row in rows)


# ------------------------------------------------------------------------ the workbook
PLAIN_INTEGER = "0"  # years, codes and positions: no thousands separator
# The formats of times (a date and time without a time zone, as Excel has none)
TIME_FORMATS = {datetime: "yyyy-mm-dd hh:mm:ss", date: "yyyy-mm-dd", time: "h:mm:ss",
                timedelta: "[hh]:mm:ss"}  # fmt: skip


def _number_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


class _Formats:
    """The workbook's cell formats, each (number format, bold) made once."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.made: dict[tuple[str | None, bool], Format] = {}

    def __call__(self, number_format: str | None, bold: bool = False) -> Format | None:
        if number_format is None and not bold:
            return None
        made = self.made.get((number_format, bold))
        if made is None:
            properties: dict[str, object] = {"bold": True} if bold else {}
            if number_format is not None:
                properties["num_format"] = number_format
            made = self.made[(number_format, bold)] = self.workbook.add_format(properties)
        return made


def write_workbook(data: ReportData, path: Path) -> None:
    """A sheet per mart under a bokmål name, a sheet of contents (which mart each sheet holds,
    for programs) and one of definitions, with headers in bokmål frozen above an autofilter,
    number formats and column widths. Rows are written in order, each as it is made
    (XlsxWriter's constant_memory), so the workbook is never held whole."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = _Formats(workbook)
    columns = Columns(data)
    sheets = sheet_names(list(data.marts))
    contents = [{"sheet": sheets[name], "mart": name, "rows": len(rows)}
                for name, rows in data.marts.items()]  # fmt: skip
    try:
        _sheet(workbook, formats, CONTENTS_SHEET, contents, columns, ["sheet", "mart", "rows"],
               {"sheet": "Ark", "mart": "Tabell i datamodellen (id)", "rows": "Rader"})  # fmt: skip
        definitions = [{c: r.get(c) for c in DEFINITION_COLUMNS}
                       for r in data.marts.get("dim_indicator", [])]  # fmt: skip
        _sheet(workbook, formats, "definisjoner", definitions, columns, DEFINITION_COLUMNS,
               mart="definisjoner")  # fmt: skip
        for name, rows in data.marts.items():
            _sheet(workbook, formats, sheets[name], rows, columns, mart=name)
    finally:
        workbook.close()


def _sheet(workbook: xlsxwriter.Workbook, formats: _Formats, title: str, rows: list[dict],
           columns: Columns, names: list[str] | None = None,
           headers: dict[str, str] | None = None, mart: str = "") -> None:  # fmt: skip
    sheet = workbook.add_worksheet(title)
    if names is None:
        names, shown = columns.names(mart, rows)
    else:
        shown = [{c: columns.value(mart, c, r.get(c), r) for c in names} for r in rows]
    if not names:
        return
    labels = [(headers or {}).get(c) or columns.label(c, mart) for c in names]
    whole = _whole_columns(rows)
    widths = [len(label) for label in labels]
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(names) - 1)
    bold = formats(None, bold=True)
    for i, label in enumerate(labels):
        sheet.write_string(0, i, label, bold)
    for r, (row, out) in enumerate(zip(rows, shown, strict=True), start=1):
        for i, column in enumerate(names):
            value = out.get(column)
            if isinstance(value, str):  # most cells: as spreadsheet_text, without its detour
                widths[i] = max(widths[i], len(value) + value.startswith(FORMULA_STARTS))
                if value:
                    _write_text(sheet, r, i, value)
                continue
            # decimals matter to numbers only
            places = columns.decimals(column, row, column in whole) if _is_number(value) else 0
            widths[i] = max(widths[i], len(spreadsheet_text(value, places)))
            cell, number_format = _excel(value, places, column)
            if cell is None or cell == "":
                continue  # an empty cell
            if isinstance(cell, str):
                _write_text(sheet, r, i, cell)
            elif isinstance(cell, (int, float)):
                sheet.write_number(r, i, cell, formats(number_format))
            else:
                sheet.write_datetime(r, i, cell, formats(number_format))
    for i, width in enumerate(widths):
        # the width in characters of the digits, as Excel stores it (7 pixels each)
        sheet.set_column_pixels(i, i, 7 * min(max(width, 6) + 2, 60))


def _write_text(sheet: Worksheet, row: int, column: int, text: str) -> None:
    """A text cell, always text: never a formula, a number or a link."""
    if text.startswith("<r>") and text.endswith("</r>"):
        # XlsxWriter's constant_memory mode would put such a text into the file as the cell's
        # XML (rich text); in plain parts it is written as text and reads as the one text it is
        sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:])
    else:
        sheet.write_string(row, column, text)


def excel_value(value: object, column: str = "") -> object:
    """What the workbook's cell holds for a value shown in a sheet (None: an empty cell)."""
    cell = _excel(value, 0, column)[0]
    return None if cell == "" else cell


def _excel(value: object, places: int = 0, column: str = "") -> tuple[object, str | None]:
    """A cell's value as the workbook holds it (a text, a number, a time or None for an empty
    cell) and its number format."""
    if isinstance(value, bool):
        return ("ja" if value else "nei"), None
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None, None
        plain = isinstance(value, int) and column.endswith(PLAIN_INTEGER_ENDS)
        number_format = PLAIN_INTEGER if plain else _number_format(
            0 if isinstance(value, int) else places)  # fmt: skip
        return (float(value) if isinstance(value, Decimal) else value), number_format
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, (datetime, date, time, timedelta)):
        return value, next(f for kind, f in TIME_FORMATS.items() if isinstance(value, kind))
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    if value is None or isinstance(value, str):
        return value, None
    raise TypeError(f"a {type(value).__name__} cannot be written to the workbook: {value!r}")


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
