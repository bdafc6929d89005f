"""Survey and interview files as they really arrive: messy, Norwegian, full of personal data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from helpers import run_cli
from openpyxl import Workbook

from flows import pipeline
from flows.errors import BymonitorError
from flows.ingest.landing import InputFileError
from flows.ingest.people import NothingValid
from flows.ingest.pseudonyms import MissingPseudonymKey

HEADER = ["respondent_id", "town", "industry", "size_class", "sector", "founded",
          "innov_product", "arena_cross_sector", "creativity_diversity"]  # fmt: skip
GOOD = [
    ["A-1", "Bodø", "C", "5-19", "privat", "1999", "ja", "4", "vet ikke"],
    ["A-2", "Rana", "G", "0-4", "offentlig", "2010", "nei", "2", "5"],
    ["A-3", "SVOLVAER ", "Q", "100+", "frivillig", "1987", "yes", "3", ""],
]


KEY = "test-key-not-secret-8Hq2-Wm5x-Tz3c-Rb7n"  # 40 bytes: long enough


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", KEY)


def write(tmp_path: Path, name: str, rows: list[list[str]], delimiter: str = ";",
          encoding: str = "utf-8", header: list[str] = HEADER) -> Path:  # fmt: skip
    path = tmp_path / name
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def query(settings, sql: str):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rejects(settings):
    return query(settings, "select row_number, column_name, value, reason from raw._rejects "
                           "order by row_number, column_name")  # fmt: skip


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8"), (",", "utf-8"), ("\t", "utf-8"), (";", "utf-8-sig"), (";", "cp1252")],
    ids=["semicolon", "comma", "tab", "bom", "windows-1252"],
)
def test_every_common_csv_dialect_loads_the_same(settings, tmp_path, delimiter, encoding):
    path = write(tmp_path, "svar.csv", GOOD, delimiter, encoding)
    [result] = pipeline.ingest_survey(settings, [path], 2024)
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    towns = query(settings, "select town_id from raw.survey_respondents order by row_number")
    assert towns == [("bodo",), ("mo-i-rana",), ("svolvaer",)]


def test_answers_are_coded_by_the_codebook_and_decimal_commas_read(settings, tmp_path):
    rows = [["B-1", "Narvik", "C", "5-19", "privat", "1999", "Ja", "4,0", "vet ikke"]]
    pipeline.ingest_survey(settings, [write(tmp_path, "s.csv", rows)], 2024)
    answers = dict(query(settings, "select item_id, value from raw.survey_answers"))
    assert answers["innov_product"] == "yes"
    assert answers["arena_cross_sector"] == "4"
    assert answers["creativity_diversity"] == "dont_know"
    assert answers["sector"] == "private"


def test_bad_rows_are_rejected_with_file_row_column_and_reason_and_good_rows_kept(
    settings, tmp_path
):
    rows = [
        *GOOD,
        ["A-4", "Tromsø", "C", "5-19", "privat", "1999", "ja", "4", "4"],
        ["A-5", "Fauske", "C", "5-19", "privat", "1999", "ja", "7", "4"],
        ["A-1", "Bodø", "C", "5-19", "privat", "1999", "ja", "4", "4"],
        ["A-6", "Leknes", "C", "5-19", "privat", "2031", "kanskje", "4", "4"],
    ]
    [result] = pipeline.ingest_survey(settings, [write(tmp_path, "s.csv", rows)], 2024)
    assert (result.rows_loaded, result.rows_rejected) == (3, 4)
    found = rejects(settings)
    assert found[0] == (5, "town", "Tromsø", "'Tromsø' is not one of the ten towns")
    assert found[1][:3] == (6, "arena_cross_sector", "7")
    assert "is not an allowed answer" in found[1][3]
    assert found[2][:2] == (7, "respondent_id")
    assert found[2][3] == "the same respondent as row 2: not counted twice"
    assert found[2][2].startswith("res_")  # the pseudonym, never "A-1"
    assert {(r[1], r[3]) for r in found[3:]} == {
        ("founded", "2031 is outside 1800–2024"),
        ("innov_product", "'kanskje' is not an allowed answer (yes, no)"),
    }
    files = query(settings, "select distinct file_name, source from raw._rejects")
    assert files == [("s.csv", "survey")]


def test_a_respondent_already_loaded_in_the_wave_is_not_counted_twice(settings, tmp_path):
    pipeline.ingest_survey(settings, [write(tmp_path, "a.csv", GOOD)], 2024)
    second = write(tmp_path, "b.csv", [*GOOD[:1], ["Z-9", "Fauske", "", "", "", "", "", "", ""]])
    [result] = pipeline.ingest_survey(settings, [second], 2024)
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert query(settings, "select count(*) from raw.survey_respondents") == [(4,)]


def test_extra_columns_are_ignored_and_never_stored(settings, tmp_path):
    header = [*HEADER, "kontakt_epost", "kommentar"]
    rows = [[*GOOD[0], "ola@example.no", "Ring Ola Nordmann"]]
    pipeline.ingest_survey(settings, [write(tmp_path, "s.csv", rows, header=header)], 2024)
    [(landed,)] = query(settings, "select landed_path from raw._loads")
    copy = Path(landed).read_text(encoding="utf-8")
    assert "ola@example.no" not in copy and "Ola Nordmann" not in copy and "A-1" not in copy
    assert copy.splitlines()[0] == ",".join(HEADER)


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", InputFileError, "the file is empty"),
        (";".join(HEADER).encode(), NothingValid, "no valid rows (0 rejected)"),
        (b"respondent_id;industry\nA-1;C\n", BymonitorError, "missing column(s) town"),
        (b"respondent_id|town|industry\nA-1|Bodo|C\n", BymonitorError, "missing column(s)"),
        (b"\x00\x01\x02PK binary", InputFileError, "not a text file"),
    ],
    ids=["empty", "header-only", "missing-column", "wrong-delimiter", "binary"],
)
def test_unusable_files_are_refused_whole_with_a_clear_message(
    settings, tmp_path, content, error, message
):
    path = tmp_path / "svar.csv"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        pipeline.ingest_survey(settings, [path], 2024)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
    assert query(settings, "select count(*) from raw._loads") == [(0,)]


def test_only_invalid_rows_is_an_error_that_shows_the_first_problems(settings, tmp_path):
    path = write(tmp_path, "s.csv", [["X", "Oslo", "", "", "", "", "", "", ""]])
    with pytest.raises(NothingValid, match=r"row 2 town: 'Oslo' is not one of the ten towns"):
        pipeline.ingest_survey(settings, [path], 2024)


def test_xlsx_first_or_named_sheet(settings, tmp_path):
    workbook = Workbook()
    workbook.active.title = "Forside"
    workbook.active.append(["Om undersøkelsen"])
    answers = workbook.create_sheet("Svar")
    answers.append(HEADER)
    for row in GOOD:
        answers.append([int(v) if v.isdigit() else v for v in row])
    path = tmp_path / "svar.xlsx"
    workbook.save(path)
    with pytest.raises(BymonitorError, match="missing column"):
        pipeline.ingest_survey(settings, [path], 2024)  # the first sheet is the cover
    with pytest.raises(InputFileError, match="no sheet named 'Data'"):
        pipeline.ingest_survey(settings, [path], 2024, sheet="Data")
    [result] = pipeline.ingest_survey(settings, [path], 2024, sheet="Svar")
    assert result.rows_loaded == 3


def test_the_same_file_twice_is_a_no_op(settings, tmp_path):
    path = write(tmp_path, "s.csv", GOOD)
    pipeline.ingest_survey(settings, [path], 2024)
    [again] = pipeline.ingest_survey(settings, [path], 2024)
    assert again.skipped
    assert query(settings, "select count(*) from raw.survey_respondents") == [(3,)]


INTERVIEW_HEADER = ["interview_id", "date", "town", "informant_role", "organisation",
                    "informant_name", "informant_email", "mode", "duration_min", "consent",
                    "themes", "notes"]  # fmt: skip


def test_interviews_without_consent_are_rejected_and_identities_pseudonymised(settings, tmp_path):
    rows = [
        ["I-1", "15.03.2024", "Bodø", "næringsliv", "Bodø Havbruk AS", "Kari Nordmann",
         "kari@example.no", "teams", "60", "ja", "strengths; barriers", "Kari sa: «hemmelig»"],
        ["I-2", "2024-03-16", "regional", "regional aktør", "Nordland fylkeskommune",
         "Per Hansen", "per@example.no", "fysisk", "45,5", "nei", "conditions", ""],
        ["I-3", "2024-03-17", "Fauske", "kultur", "Fauske kulturhus", "Ola Vik",
         "ola@example.no", "telefon", "30", "ja", "møteplasser", ""],
    ]  # fmt: skip
    path = write(tmp_path, "intervjuer.csv", rows, ",", header=INTERVIEW_HEADER)
    [result] = pipeline.ingest_interviews(settings, [path], 2024)
    assert (result.rows_loaded, result.rows_rejected) == (1, 2)
    found = rejects(settings)
    assert (3, "consent", "no", "the informant did not consent: not ingested") in found
    assert (4, "themes", "møteplasser", "unknown theme(s) 'møteplasser'") in found
    [(key, town, role, mode, minutes, org, person)] = query(
        settings,
        "select interview_key, town_id, informant_role, mode, duration_min, organisation_key, "
        "informant_key from raw.interviews",
    )
    assert (town, role, mode, minutes) == ("bodo", "business", "video", 60.0)
    assert key.startswith("int_") and org.startswith("org_") and person.startswith("ema_")
    themes = query(settings, "select theme from raw.interview_themes order by theme")
    assert themes == [("barriers",), ("strengths",)]
    everything = str(query(settings, "select * from raw.interviews")) + str(rejects(settings))
    for secret in ("Kari", "kari@example.no", "Per Hansen", "Havbruk", "hemmelig", "I-1"):
        assert secret not in everything


def test_pseudonyms_need_a_key_outside_the_embedded_sample(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("BYMONITOR_PSEUDONYM_KEY")
    path = write(tmp_path, "s.csv", GOOD)
    with pytest.raises(MissingPseudonymKey, match="BYMONITOR_PSEUDONYM_KEY is not set"):
        pipeline.ingest_survey(type(settings)(), [path], 2024)
    completed = run_cli(settings.home, "ingest", "survey", str(path), "--wave", "2024")
    assert completed.returncode == 1
    assert "BYMONITOR_PSEUDONYM_KEY is not set" in completed.stderr


def test_the_cli_loads_good_rows_and_reports_rejects(tmp_path):
    rows = [*GOOD, ["A-9", "Tromsø", "", "", "", "", "", "", ""]]
    path = write(tmp_path, "s.csv", rows)
    env = {"BYMONITOR_PSEUDONYM_KEY": KEY}
    completed = run_cli(tmp_path / "home", "ingest", "survey", str(path), "--wave", "2024", env=env)
    assert completed.returncode == 0, completed.stderr
    assert "loaded 3 rows" in completed.stdout and "1 rejected" in completed.stdout
    assert "1 row(s) rejected: see raw._rejects" in completed.stderr
