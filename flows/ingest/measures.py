"""Load the action programme register (CSV or XLSX, one row per measure and indicator) of one
year into raw.plan_measures and raw.plan_measure_indicators.

Every value is checked against data/catalogue/measures_codebook.yml; a row with a problem goes
to raw._rejects (one record per problem, naming file, row and column) and the good rows are
loaded. A file without the codebook's columns is refused whole. Each year's register is a load
of its own, so the history of a measure's status is kept; a status may not go back (completed
one year, planned the next) against the registers of the years before and after.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import yaml

from flows.errors import BymonitorError
from flows.ingest.codebook import (
    Scale,
    _decimal_integer,
    load_survey_codebook,
    lookalike_note,
    scale_rows,
)
from flows.ingest.landing import (
    LoadResult,
    Reject,
    insert_rows,
    land_bytes,
    previous_load,
    record_load,
    record_rejects,
    sha256_of,
)
from flows.ingest.people import refuse_if_empty
from flows.ingest.pseudonyms import SAMPLE_ROOT
from flows.ingest.tabular import Sheet, read_table, shape_problems, sheet_to_read
from flows.ingest.towns import fold, match_town
from flows.settings import REPO_ROOT

SOURCE = "measures"
CODEBOOK = REPO_ROOT / "data" / "catalogue" / "measures_codebook.yml"
INDICATORS_SEED = REPO_ROOT / "dbt" / "seeds" / "indicators.csv"
REGION = "region"
REGION_WORDS = {"region", "regionen", "hele regionen", "regional", "regionalt", "alle byene"}
MEASURE_COLUMNS = ("measure_id", "title_nb", "title_en", "theme", "towns", "responsible",
                   "start_year", "end_year", "status", "budget_nok")  # fmt: skip
INDICATOR_COLUMNS = ("indicator_id", "baseline_year", "target_value", "target_direction",
                     "target_year")  # fmt: skip
# planned → started → completed or stopped; the last two are final
STATUS_RANK = {"planned": 0, "started": 1, "completed": 2, "stopped": 2}
SURVEY_MEASURES = {"yesno": ("share_yes",), "likert5": ("share_agree", "mean_agreement")}


@dataclass(frozen=True)
class RegisterColumn:
    """One column of the register and the rule its values follow."""

    id: str
    type: str
    required: bool = False
    optional_column: bool = False
    scale: Scale | None = None
    minimum: float | None = None
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MeasuresCodebook:
    columns: dict[str, RegisterColumn]
    scales: dict[str, Scale]
    min_year: int
    max_years_ahead: int

    @property
    def header_required(self) -> list[str]:
        return [c.id for c in self.columns.values() if not c.optional_column]


def load_measures_codebook(path: Path = CODEBOOK) -> MeasuresCodebook:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    scales = {
        name: Scale(
            {str(k): v for k, v in entry["values"].items()},
            {str(k): str(v) for k, v in (entry.get("aliases") or {}).items()},
        )
        for name, entry in document["scales"].items()
    }
    columns = {
        name: RegisterColumn(
            id=name,
            type=entry["type"],
            required=bool(entry.get("required", False)),
            optional_column=bool(entry.get("optional_column", False)),
            scale=scales[entry["scale"]] if entry.get("scale") else None,
            minimum=entry.get("min"),
            labels={"nb": entry.get("nb", name), "en": entry.get("en", name)},
        )
        for name, entry in document["columns"].items()
    }
    expected = set(MEASURE_COLUMNS) | set(INDICATOR_COLUMNS)
    if set(columns) != expected:
        raise BymonitorError(f"{path}: the columns must be {', '.join(sorted(expected))}")
    return MeasuresCodebook(
        columns, scales, int(document["min_year"]), int(document["max_years_ahead"])
    )


@cache
def known_indicators() -> frozenset[str]:
    """The indicator ids a measure may aim at: the catalogue's and the survey's."""
    with INDICATORS_SEED.open(encoding="utf-8", newline="") as handle:
        ids = {row["indicator_id"] for row in csv.DictReader(handle)}
    for item in load_survey_codebook().items:
        for measure in SURVEY_MEASURES.get(item.type, ()):
            ids.add(f"survey_{measure}__{item.id}")
    return frozenset(ids)


def read_value(
    column: RegisterColumn, text: str, year: int, codebook: MeasuresCodebook
) -> tuple[Any, str | None]:
    """(value, None) or (None, reason in plain words); an empty cell gives (None, None) unless
    the column is required."""
    text = text.strip()
    if text == "":
        return None, ("a value is required" if column.required else None)
    kind = column.type
    if kind == "id":
        if len(text) > 40 or ";" in text:
            return None, f"{text[:80]!r} is not a measure id (at most 40 characters, no ';')"
        return text, None
    if kind == "text":
        if "@" in text:
            return None, "looks like an e-mail address: name the body, never a person"
        if len(text) > 300:
            return None, "longer than 300 characters"
        return text, None
    if kind == "choice":
        assert column.scale is not None
        code = column.scale.code(text)
        if code is None:
            return None, f"{text!r} is not one of {column.scale.describe()}"
        return code, None
    if kind == "towns":
        return _read_towns(text)
    if kind == "year":
        plain = _decimal_integer(text)
        if not re.fullmatch(r"\d{4}", plain):
            return None, f"{text!r} is not a year"
        value, last = int(plain), year + codebook.max_years_ahead
        if not codebook.min_year <= value <= last:
            return None, f"{value} is outside {codebook.min_year}–{last}"
        return value, None
    if kind == "number":
        try:
            number = float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            return None, f"{text!r} is not a number"
        if column.minimum is not None and number < column.minimum:
            return None, f"{text} is below {column.minimum:g}"
        return number, None
    if kind == "indicator":
        if text in known_indicators():
            return text, None
        close = difflib.get_close_matches(text, sorted(known_indicators()), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return None, f"{text!r} is not an indicator of dbt/seeds/indicators.csv{hint}"
    raise BymonitorError(f"{CODEBOOK}: unknown column type {kind!r} for {column.id}")


def _read_towns(text: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    if any(fold(p) in REGION_WORDS for p in parts):
        if len(parts) > 1:
            return None, "either 'region' or towns, not both"
        return REGION, None
    towns, unknown = [], []
    for part in parts:
        town = match_town(part)
        (towns if town else unknown).append(town or part)
    if unknown:
        notes = "".join(lookalike_note(u) for u in unknown)
        return None, (
            f"{', '.join(map(repr, unknown))}: not one of the ten towns (or 'region'){notes}"
        )
    if not towns:
        return None, "a value is required"
    return ";".join(dict.fromkeys(towns)), None


@dataclass
class ParsedRegister:
    measures: list[tuple]  # (measure_id, title_nb, ..., budget_nok, row_number)
    links: list[tuple]  # (measure_id, indicator_id, baseline, target, direction, year, row)
    rejects: list[Reject]
    rows_kept: int
    rejected_rows: int
    landed_csv: bytes


def _status_problem(
    status: str, year: int, before: tuple[int, str] | None, after: tuple[int, str] | None
) -> str | None:
    """Why a status cannot follow the status of the register before (or precede the one
    after), or None. A final status (completed, stopped) never changes."""
    pairs = ([(before, (year, status))] if before else []) + (
        [((year, status), after)] if after else []
    )
    for (earlier_year, earlier), (later_year, later) in pairs:
        if STATUS_RANK[later] < STATUS_RANK[earlier] or (
            earlier in ("completed", "stopped") and later != earlier
        ):
            return (
                f"the status goes back: {earlier} in the {earlier_year} register, "
                f"{later} in {later_year}"
            )
    return None


def parse_register(
    path: Path,
    year: int,
    codebook: MeasuresCodebook,
    history: dict[str, list[tuple[int, str]]],
    already_in_year: set[str],
    sheet: str | None = None,
) -> ParsedRegister:
    """Read and check every row; `history` holds each measure's (year, status) in the other
    registers loaded, `already_in_year` the measures loaded for this year before."""
    table = read_table(path, sheet)
    missing = [c for c in codebook.header_required if c not in table.header]
    if missing:
        raise BymonitorError(
            f"{path}: missing column(s) {', '.join(missing)}: the register needs "
            f"{', '.join(codebook.header_required)} (the header has {', '.join(table.header)}); "
            "nothing was loaded"
        )
    kept = [c for c in codebook.columns if c in table.header]
    copy = io.StringIO()
    writer = csv.writer(copy)
    writer.writerow(kept)
    measures, links, rejects = [], [], []
    rejected_rows = rows_kept = 0
    described: dict[str, tuple[int, tuple]] = {}  # measure → (first row, its columns)
    linked: dict[tuple[str, str | None], int] = {}
    for number, row in table.rows:
        problems = [Reject(number, c, shown, why) for c, shown, why in shape_problems(row, kept)]
        formulas = {p.column for p in problems}
        values: dict[str, Any] = {}
        for name in kept:
            if name in formulas:
                continue
            value, problem = read_value(codebook.columns[name], row[name], year, codebook)
            if problem:
                problems.append(Reject(number, name, row[name].strip()[:80], problem))
            values[name] = value
        problems += _row_problems(number, values, year, codebook)
        measure_id = values.get("measure_id")
        if measure_id and not problems:
            problems += _against_others(
                number, measure_id, values, year, history, already_in_year, described, linked
            )
        if problems:
            rejects.extend(problems)
            rejected_rows += 1
            continue
        rows_kept += 1
        own = tuple(values.get(c) for c in MEASURE_COLUMNS)
        if measure_id not in described:
            described[measure_id] = (number, own)
            measures.append((*own, number))
        linked[(measure_id, values.get("indicator_id"))] = number
        if values.get("indicator_id"):
            links.append((measure_id, *(values.get(c) for c in INDICATOR_COLUMNS), number))
        writer.writerow([row[c].strip() for c in kept])
    return ParsedRegister(
        measures, links, rejects, rows_kept, rejected_rows, copy.getvalue().encode("utf-8")
    )


def _row_problems(
    number: int, values: dict[str, Any], year: int, codebook: MeasuresCodebook
) -> list[Reject]:
    """Problems between the columns of one row."""
    problems = []
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end < start:
        problems.append(Reject(number, "end_year", str(end), f"before the start year {start}"))
    indicator = values.get("indicator_id")
    given = [c for c in INDICATOR_COLUMNS[1:] if values.get(c) is not None]
    if not indicator:
        if given:
            problems.append(
                Reject(number, "indicator_id", None,
                       f"{', '.join(given)} given without an indicator")
            )  # fmt: skip
        return problems
    baseline, target_year = values.get("baseline_year"), values.get("target_year")
    if baseline is None:
        problems.append(Reject(number, "baseline_year", None, "an indicator needs a baseline year"))
    elif baseline > year:
        problems.append(
            Reject(number, "baseline_year", str(baseline),
                   f"after the register's year {year}: a baseline is a year with figures")
        )  # fmt: skip
    if values.get("target_value") is None and values.get("target_direction") is None:
        problems.append(
            Reject(number, "target_value", None,
                   "an indicator needs a target value or a direction (up or down)")
        )  # fmt: skip
    if target_year is None:
        problems.append(Reject(number, "target_year", None, "an indicator needs a target year"))
    elif baseline is not None and target_year <= baseline:
        problems.append(
            Reject(number, "target_year", str(target_year),
                   f"not after the baseline year {baseline}")
        )  # fmt: skip
    return problems


def _against_others(
    number: int,
    measure_id: str,
    values: dict[str, Any],
    year: int,
    history: dict[str, list[tuple[int, str]]],
    already_in_year: set[str],
    described: dict[str, tuple[int, tuple]],
    linked: dict[tuple[str, str | None], int],
) -> list[Reject]:
    """Problems against the file's other rows and the registers already loaded."""
    if measure_id in already_in_year:
        return [
            Reject(number, "measure_id", measure_id,
                   f"this measure is already loaded for {year}: unload that load to replace it")
        ]  # fmt: skip
    if measure_id in described:
        first, own = described[measure_id]
        differing = [c for c, old in zip(MEASURE_COLUMNS, own, strict=True) if values.get(c) != old]
        if differing:
            return [
                Reject(number, differing[0], str(values.get(differing[0]) or "")[:80],
                       f"measure {measure_id} is described differently in row {first} "
                       f"({', '.join(differing)})")
            ]  # fmt: skip
        indicator = values.get("indicator_id")
        if (measure_id, indicator) in linked or indicator is None or (measure_id, None) in linked:
            twin = linked.get((measure_id, indicator)) or first
            return [
                Reject(number, "measure_id", measure_id,
                       f"a duplicate of row {twin} (measure {measure_id}"
                       + (f", indicator {indicator})" if indicator else ")"))
            ]  # fmt: skip
    before = max((h for h in history.get(measure_id, []) if h[0] < year), default=None)
    after = min((h for h in history.get(measure_id, []) if h[0] > year), default=None)
    problem = _status_problem(values["status"], year, before, after)
    return [Reject(number, "status", values["status"], problem)] if problem else []


def load_measures(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    year: int,
    landing_dir: Path,
    sheet: str | None = None,
) -> LoadResult:
    """Load one year's register in one transaction; the same file again is a no-op."""
    codebook = load_measures_codebook()
    if not codebook.min_year <= year <= 2100:
        raise BymonitorError(f"--year {year} is not a register year ({codebook.min_year}–2100)")
    sha = sha256_of(path)
    chosen: Sheet | None = sheet_to_read(path, sheet)
    name = chosen.name if chosen else None
    earlier = previous_load(con, sha, name)
    if earlier:
        return LoadResult(path.name, earlier, sha, 0, 0, skipped=True, sheet=name)
    history: dict[str, list[tuple[int, str]]] = {}
    for measure_id, register_year, status in con.execute(
        "select measure_id, register_year, status from raw.plan_measures where register_year <> ?",
        [year],
    ).fetchall():
        history.setdefault(measure_id, []).append((register_year, status))
    already = {
        r[0]
        for r in con.execute(
            "select measure_id from raw.plan_measures where register_year = ?", [year]
        ).fetchall()
    }
    parsed = parse_register(path, year, codebook, history, already, name)
    refuse_if_empty(path, parsed.rows_kept, parsed.rejected_rows, parsed.rejects)
    part = f"-sheet{chosen.position}" if chosen else ""
    load_id = f"{SOURCE}-{year}-{sha[:12]}{part}"
    landed = land_bytes(parsed.landed_csv, f"{path.stem}{part}.csv", sha, landing_dir, SOURCE)
    sample = _inside(path, SAMPLE_ROOT)
    con.begin()
    try:
        _refresh_codebook(con, codebook)
        insert_rows(con, "raw.plan_measures", [(load_id, year, *m) for m in parsed.measures])
        insert_rows(con, "raw.plan_measure_indicators", [(load_id, year, *x) for x in parsed.links])
        record_rejects(con, load_id, SOURCE, path.name, parsed.rejects)
        record_load(
            con,
            load_id=load_id,
            source=SOURCE,
            table_id=None,
            path=path,
            landed_path=landed,
            sha256=sha,
            rows_loaded=parsed.rows_kept,
            rows_rejected=parsed.rejected_rows,
            value_origin="synthetic" if sample else None,
            sheet=name,
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    note = "the embedded sample's invented register" if sample else ""
    return LoadResult(
        path.name, load_id, sha, parsed.rows_kept, parsed.rejected_rows, False, note, name
    )


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _refresh_codebook(con: duckdb.DuckDBPyConnection, codebook: MeasuresCodebook) -> None:
    """Keep the register's codes and their labels beside it, for the staging models."""
    con.execute("delete from raw.plan_codebook")
    insert_rows(con, "raw.plan_codebook", scale_rows(codebook.scales))
