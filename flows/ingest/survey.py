"""Load a survey wave (CSV or XLSX, one row per respondent) into raw.survey_*.

Every value is checked against the codebook; a row with a problem goes to raw._rejects (one
record per problem) and the good rows are loaded. Respondent ids become keyed pseudonyms before
anything is written: the landing zone keeps a pseudonymised copy, never the original.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.errors import BymonitorError
from flows.ingest.codebook import SurveyCodebook, load_survey_codebook
from flows.ingest.landing import (
    LoadResult,
    Reject,
    insert_rows,
    previous_load,
    sha256_of,
)
from flows.ingest.people import check_key, land_and_load
from flows.ingest.pseudonyms import Pseudonymiser
from flows.ingest.tabular import read_table, shape_problems, sheet_to_read

SOURCE = "survey"
NUMERIC = {"likert5": {str(n): float(n) for n in range(1, 6)}, "yesno": {"yes": 1.0, "no": 0.0}}


@dataclass
class ParsedSurvey:
    respondents: list[tuple[str, str, int]]  # (respondent_key, town_id, row_number)
    answers: list[tuple[str, str, str | None]]  # (respondent_key, item_id, value)
    rejects: list[Reject]
    rejected_rows: int
    ignored_columns: list[str]
    pseudonymised_csv: bytes


def parse_survey(
    path: Path,
    wave: int,
    pseudonymise: Pseudonymiser,
    codebook: SurveyCodebook,
    already_in_wave: set[str],
    sheet: str | None = None,
) -> ParsedSurvey:
    table = read_table(path, sheet)
    expected = {c.column: c for c in codebook.columns}
    missing = [c.column for c in codebook.columns if c.required and c.column not in table.header]
    if missing:
        raise BymonitorError(
            f"{path}: missing column(s) {', '.join(missing)} (the header has "
            f"{', '.join(table.header)})"
        )
    ignored = [h for h in table.header if h not in expected]
    kept_header = [h for h in table.header if h in expected]

    respondents, answers, rejects = [], [], []
    rejected_rows = 0
    first_row: dict[str, int] = {}
    copy = io.StringIO()
    writer = csv.writer(copy)
    writer.writerow(kept_header)
    for number, row in table.rows:
        raw_id = row.get(codebook.respondent_id.column, "")
        key = pseudonymise("respondent", raw_id) if raw_id else None
        problems = [
            Reject(number, column, shown, reason)
            for column, shown, reason in shape_problems(row, list(expected))
        ]
        formulas = {p.column for p in problems}
        values: dict[str, str | None] = {}
        for column in codebook.items:
            if column.column not in row or column.column in formulas:
                continue
            value, problem = column.read(row[column.column], wave)
            if problem:
                shown = row[column.column][:80]
                problems.append(Reject(number, column.column, shown, problem))
            values[column.id] = value
        if key is None:
            problems.append(Reject(number, codebook.respondent_id.column, None, "no respondent id"))
        elif key in first_row:
            problems.append(
                Reject(number, codebook.respondent_id.column, key,
                       f"the same respondent as row {first_row[key]}: not counted twice")
            )  # fmt: skip
        elif key in already_in_wave:
            problems.append(
                Reject(number, codebook.respondent_id.column, key,
                       f"this respondent is already loaded for wave {wave}: not counted twice")
            )  # fmt: skip
        if problems:
            rejects.extend(problems)
            rejected_rows += 1
            continue
        first_row[key] = number
        respondents.append((key, values["town"], number))
        answers.extend((key, item, value) for item, value in values.items() if item != "town")
        writer.writerow(
            [key if h == codebook.respondent_id.column else row[h] for h in kept_header]
        )
    return ParsedSurvey(
        respondents, answers, rejects, rejected_rows, ignored, copy.getvalue().encode("utf-8")
    )


def load_survey(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    wave: int,
    landing_dir: Path,
    pseudonymise: Pseudonymiser,
    sheet: str | None = None,
) -> LoadResult:
    """Load one survey file for a wave in one transaction; the same file again is a no-op."""
    sha = sha256_of(path)
    chosen = sheet_to_read(path, sheet)
    name = chosen.name if chosen else None
    earlier = previous_load(con, sha, name)
    if earlier:
        return LoadResult(path.name, earlier, sha, 0, 0, skipped=True, sheet=name)
    check_key(con, path, pseudonymise)
    codebook = load_survey_codebook()
    already = {
        r[0]
        for r in con.execute(
            "select respondent_key from raw.survey_respondents where wave = ?", [wave]
        ).fetchall()
    }
    parsed = parse_survey(path, wave, pseudonymise, codebook, already, name)

    def write_rows(load_id: str) -> None:
        _refresh_codebook(con, codebook)
        insert_rows(
            con,
            "raw.survey_respondents",
            [(load_id, wave, key, town, number) for key, town, number in parsed.respondents],
        )
        insert_rows(
            con,
            "raw.survey_answers",
            [(load_id, wave, key, item, value) for key, item, value in parsed.answers],
        )

    return land_and_load(
        con,
        source=SOURCE,
        wave=wave,
        path=path,
        sha=sha,
        landing_dir=landing_dir,
        pseudonymised_csv=parsed.pseudonymised_csv,
        rows_loaded=len(parsed.respondents),
        rows_rejected=parsed.rejected_rows,
        rejects=parsed.rejects,
        pseudonymise=pseudonymise,
        write_rows=write_rows,
        sheet=chosen,
    )


def _refresh_codebook(con: duckdb.DuckDBPyConnection, codebook: SurveyCodebook) -> None:
    """Keep the codebook beside the answers, so dbt's staging models and tests can read it."""
    con.execute("delete from raw.survey_item_values")
    con.execute("delete from raw.survey_items")
    for order, item in enumerate(codebook.items):
        con.execute(
            "insert into raw.survey_items values (?, ?, ?, ?, ?, ?)",
            [item.id, item.group, item.type, item.labels["nb"], item.labels["en"], order],
        )
        if item.scale is not None:
            numeric = NUMERIC.get(item.type, {})
            con.executemany(
                "insert into raw.survey_item_values values (?, ?, ?, ?, ?)",
                [
                    (item.id, code, labels["nb"], labels["en"], numeric.get(code))
                    for code, labels in item.scale.values.items()
                ],
            )
