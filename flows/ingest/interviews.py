"""Load interview metadata (CSV or XLSX, one row per interview) into raw.interviews.

Informant names, e-mails and organisations become keyed pseudonyms; interviews without consent
are rejected; free text (notes, quotes, anything the codebook does not name) is never read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.errors import BymonitorError
from flows.ingest.codebook import Column, load_interview_codebook
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

SOURCE = "interviews"
IDENTITIES = {"interview_id": "interview", "informant_name": "person",
              "informant_email": "email", "organisation": "organisation"}  # fmt: skip


@dataclass
class ParsedInterviews:
    interviews: list[tuple]
    themes: list[tuple[str, str]]
    rejects: list[Reject]
    rejected_rows: int
    pseudonymised_csv: bytes


def parse_interviews(
    path: Path,
    wave: int,
    pseudonymise: Pseudonymiser,
    columns: list[Column],
    already_in_wave: set[str],
    sheet: str | None = None,
) -> ParsedInterviews:
    table = read_table(path, sheet)
    missing = [c.column for c in columns if c.required and c.column not in table.header]
    if missing:
        raise BymonitorError(
            f"{path}: missing column(s) {', '.join(missing)} (the header has "
            f"{', '.join(table.header)})"
        )
    kept = [c for c in columns if c.column in table.header]
    copy = io.StringIO()
    writer = csv.writer(copy)
    writer.writerow([c.column for c in kept])
    interviews, themes, rejects = [], [], []
    rejected_rows = 0
    seen: dict[str, int] = {}
    for number, row in table.rows:
        values: dict[str, str | None] = {}
        readable = [c.column for c in kept if c.column not in IDENTITIES]
        problems = [
            Reject(number, column, shown, reason)
            for column, shown, reason in shape_problems(row, readable)
        ]
        formulas = {p.column for p in problems}
        for column in kept:
            if column.column in formulas:
                continue
            text = row[column.column]
            if column.column in IDENTITIES:
                values[column.id] = pseudonymise(IDENTITIES[column.column], text) if text else None
                if column.required and not text:
                    problems.append(Reject(number, column.column, None, "a value is required"))
                continue
            value, problem = column.read(text, wave)
            if problem:
                problems.append(Reject(number, column.column, text[:80], problem))
            values[column.id] = value
        if values.get("consent") == "no":
            problems.append(
                Reject(number, "consent", "no", "the informant did not consent: not ingested")
            )
        key = values.get("interview_id")
        if key and key in seen:
            problems.append(
                Reject(number, "interview_id", key, f"the same interview as row {seen[key]}")
            )
        elif key and key in already_in_wave:
            problems.append(
                Reject(number, "interview_id", key, f"this interview is already loaded for {wave}")
            )
        if problems:
            rejects.extend(problems)
            rejected_rows += 1
            continue
        seen[key] = number
        interviews.append(
            (
                key,
                values["date"],
                values["town"],
                values["informant_role"],
                values.get("organisation"),
                values.get("informant_email") or values.get("informant_name"),
                values.get("mode"),
                float(values["duration_min"]) if values.get("duration_min") else None,
                number,
            )
        )
        themes.extend((key, t) for t in (values.get("themes") or "").split(";") if t)
        writer.writerow([values.get(c.id) or "" for c in kept])
    return ParsedInterviews(
        interviews, themes, rejects, rejected_rows, copy.getvalue().encode("utf-8")
    )


def load_interviews(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    wave: int,
    landing_dir: Path,
    pseudonymise: Pseudonymiser,
    sheet: str | None = None,
) -> LoadResult:
    """Load one interview log for a wave in one transaction; the same file again is a no-op."""
    sha = sha256_of(path)
    chosen = sheet_to_read(path, sheet)
    name = chosen.name if chosen else None
    earlier = previous_load(con, sha, name)
    if earlier:
        return LoadResult(path.name, earlier, sha, 0, 0, skipped=True, sheet=name)
    check_key(con, path, pseudonymise)
    already = {
        r[0]
        for r in con.execute(
            "select interview_key from raw.interviews where wave = ?", [wave]
        ).fetchall()
    }
    parsed = parse_interviews(path, wave, pseudonymise, load_interview_codebook(), already, name)

    def write_rows(load_id: str) -> None:
        insert_rows(con, "raw.interviews", [(load_id, wave, *row) for row in parsed.interviews])
        insert_rows(
            con,
            "raw.interview_themes",
            [(load_id, wave, key, theme) for key, theme in parsed.themes],
        )

    return land_and_load(
        con,
        source=SOURCE,
        wave=wave,
        path=path,
        sha=sha,
        landing_dir=landing_dir,
        pseudonymised_csv=parsed.pseudonymised_csv,
        rows_loaded=len(parsed.interviews),
        rows_rejected=parsed.rejected_rows,
        rejects=parsed.rejects,
        pseudonymise=pseudonymise,
        write_rows=write_rows,
        sheet=chosen,
    )
