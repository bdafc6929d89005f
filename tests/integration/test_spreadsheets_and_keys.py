"""Spreadsheets read as a person sees them (the visible sheet, as far as its data goes) and
pseudonym keys that protect (long enough, and one key for every wave in a warehouse)."""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import zipfile

import duckdb
import pytest
from bad_inputs import BAD_DIR
from helpers import BYMONITOR, run_cli
from openpyxl import Workbook

from flows import pipeline
from flows.ingest import tabular
from flows.ingest.landing import InputFileError, sha256_of
from flows.ingest.people import MixedPseudonymKeys
from flows.ingest.pseudonyms import Pseudonymiser, WeakPseudonymKey
from flows.settings import Settings
from flows.warehouse import connect

_spec = importlib.util.spec_from_file_location("corpus", BAD_DIR / "generate_bad_inputs.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

KEY = "spreadsheet-test-key-Vq7w-N2xk-Rt5m-Lp9z"  # 40 bytes
OTHER_KEY = "another-county-key-Jd3s-Hy8c-Wq1v-Mb6t"
MEMORY_LIMIT = 1536 << 20  # 1.5 GB of address space for the whole `bymonitor` process


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", KEY)


def query(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def workbook(path, sheets: dict[str, list[int]], active: str, hidden: tuple[str, ...] = ()):
    """A survey workbook: each sheet with the respondents numbered, one active, some hidden."""
    book = Workbook()
    book.remove(book.active)
    for name, numbers in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(corpus.SURVEY_HEADER)
        for n in numbers:
            sheet.append(corpus.respondent(n))
    book.active = book[active]
    for name in hidden:
        book[name].sheet_state = "hidden"
    book.save(path)
    return path


ADVICE = (
    "use a random key of at least 32 bytes, for example the output of "
    '`python3 -c "import secrets; print(secrets.token_urlsafe(32))"`, kept in the county\'s '
    "secret store"
)


def env(key: str = KEY) -> dict[str, str]:
    return {"BYMONITOR_PSEUDONYM_KEY": key}


# ---- spreadsheets


def test_a_hidden_sheet_is_never_read_and_the_output_names_the_sheet_read(tmp_path):
    path = BAD_DIR / "sv_hidden_first_sheet.xlsx"  # hidden "Gamle svar" (5), active "Svar" (3)
    home = tmp_path / "home"
    first = run_cli(home, "ingest", "survey", str(path), "--wave", "2024", env=env())
    assert first.returncode == 0, first.stderr
    load_id = f"survey-2024-{sha256_of(path)[:12]}-sheet2"
    assert first.stdout.strip() == (
        f"sv_hidden_first_sheet.xlsx: loaded 3 rows from sheet 'Svar' as {load_id}"
    )
    hidden = run_cli(home, "ingest", "survey", str(path), "--wave", "2024", "--sheet",
                     "Gamle svar", env=env())  # fmt: skip
    assert hidden.returncode == 1
    assert hidden.stderr.strip() == (
        f"error: {path}: sheet 'Gamle svar' is hidden, and bymonitor reads only sheets a person "
        "opening the file can see (show it in the spreadsheet if it holds the answers)"
    )
    settings = Settings(home=home)
    [again] = pipeline.ingest_survey(settings, [path], 2024, sheet="Svar")
    assert again.describe() == (
        f"sv_hidden_first_sheet.xlsx: already loaded from sheet 'Svar' as {load_id}, nothing to do"
    )
    with pytest.raises(InputFileError) as caught:
        pipeline.ingest_survey(settings, [path], 2024, sheet="Ark1")
    assert str(caught.value) == f"{path}: no sheet named 'Ark1' (sheets: Gamle svar (hidden), Svar)"
    assert query(settings, "select count(*) from raw.survey_respondents") == [(3,)]
    assert query(settings, "select sheet from raw._loads") == [("Svar",)]


def test_each_sheet_of_a_workbook_is_a_load_of_its_own(settings, tmp_path):
    path = workbook(tmp_path / "svar.xlsx", {"Bodø": [1, 2, 3], "Narvik": [4, 5]}, "Narvik")
    [active] = pipeline.ingest_survey(settings, [path], 2024)
    assert (active.sheet, active.rows_loaded, active.load_id[-7:]) == ("Narvik", 2, "-sheet2")
    [named] = pipeline.ingest_survey(settings, [path], 2024, sheet="Bodø")
    assert (named.sheet, named.rows_loaded, named.skipped) == ("Bodø", 3, False)
    [again] = pipeline.ingest_survey(settings, [path], 2024, sheet="Narvik")
    assert again.skipped and again.load_id == active.load_id
    assert query(settings, "select sheet, rows_loaded from raw._loads order by 1") == [
        ("Bodø", 3), ("Narvik", 2),
    ]  # fmt: skip
    landed = query(settings, "select landed_path from raw._loads")
    assert len({p for (p,) in landed}) == 2  # each sheet's pseudonymised copy is kept


def test_a_workbook_whose_active_sheet_is_hidden_is_read_from_its_first_visible_sheet(
    settings, tmp_path
):
    path = tmp_path / "svar.xlsx"
    sheets = {"Forside": [], "Svar": [1, 2], "Gamle": [7, 8, 9]}
    workbook(path, sheets, "Svar", hidden=("Forside", "Gamle"))
    with zipfile.ZipFile(path) as archive:  # the hidden third tab active, as some tools leave it
        parts = {n: archive.read(n) for n in archive.namelist()}
    assert b'activeTab="1"' in parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'activeTab="1"', b'activeTab="2"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    assert tabular.sheet_to_read(path) == tabular.Sheet("Svar", 2)
    [result] = pipeline.ingest_survey(settings, [path], 2024)
    assert (result.sheet, result.rows_loaded) == ("Svar", 2)


def test_a_styled_cell_at_xfd1048576_is_read_within_a_memory_bound(tmp_path):
    path = BAD_DIR / "sv_styled_cell_at_xfd1048576.xlsx"
    assert path.stat().st_size < 10_000
    completed = subprocess.run(
        [str(BYMONITOR), "ingest", "survey", str(path), "--wave", "2024"],
        env={**_plain_env(), "BYMONITOR_HOME": str(tmp_path / "home"), **env()},
        capture_output=True, text=True, timeout=300, check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT)),
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "sv_styled_cell_at_xfd1048576.xlsx: loaded 3 rows from sheet 'Svar'" in completed.stdout


def test_a_sheet_beyond_the_size_limits_is_refused_with_a_clear_message(
    settings, tmp_path, monkeypatch
):
    path = workbook(tmp_path / "svar.xlsx", {"Svar": list(range(1, 40))}, "Svar")
    monkeypatch.setattr(tabular, "MAX_CELLS", 200)
    with pytest.raises(InputFileError) as caught:
        pipeline.ingest_survey(settings, [path], 2024)
    assert str(caught.value) == (
        f"{path}: sheet 'Svar' reaches more than 200 cells by row 19, more than bymonitor reads "
        "(a survey or an interview log is far smaller: save just the answers, or save them as "
        "CSV)"
    )
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(InputFileError) as caught:
        pipeline.ingest_survey(settings, [path], 2024)
    assert str(caught.value).startswith(f"{path}: the workbook unpacks to ")
    assert str(caught.value).endswith(
        " MB, more than the 0 MB bymonitor reads (a survey or an interview log is far smaller: "
        "save just the answers, or save them as CSV)"
    )
    assert query(settings, "select count(*) from raw._loads") == [(0,)]


def test_the_sheet_a_workbook_is_read_from_is_recorded_and_csv_has_none(settings, tmp_path):
    csv = BAD_DIR / "sv_extra_column.csv"
    [result] = pipeline.ingest_survey(settings, [csv], 2024)
    assert result.sheet is None and "sheet" not in result.describe()
    assert query(settings, "select sheet from raw._loads") == [(None,)]


# ---- pseudonym keys


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is empty, and pseudonyms made with an empty key can be recomputed by anyone from "
             "the names and e-mail addresses"),
        ("k", "is 1 byte long, too short to keep the pseudonyms from being recomputed by "
              "guessing it"),
        ("nordland-2026", "is 13 bytes long, too short to keep the pseudonyms from being "
                          "recomputed by guessing it"),
        ("ab" * 20, "is made of 2 different characters only, too plain to keep the pseudonyms "
                    "from being recomputed by guessing it"),
    ],
    ids=["empty", "one-character", "short", "repetitive"],
)  # fmt: skip
def test_weak_pseudonym_keys_are_refused(settings, monkeypatch, key, problem):
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", key)
    for loader, path in ((pipeline.ingest_survey, BAD_DIR / "sv_extra_column.csv"),
                         (pipeline.ingest_interviews, BAD_DIR / "iv_no_consent.csv")):  # fmt: skip
        with pytest.raises(WeakPseudonymKey) as caught:
            loader(Settings(), [path], 2024)
        assert str(caught.value) == f"BYMONITOR_PSEUDONYM_KEY {problem}: {ADVICE}"
    assert query(settings, "select count(*) from raw._loads") == [(0,)]


def test_the_cli_refuses_an_empty_key_in_one_sentence(tmp_path):
    path = BAD_DIR / "sv_extra_column.csv"
    completed = run_cli(tmp_path / "home", "ingest", "survey", str(path), "--wave", "2024",
                        env=env(""))  # fmt: skip
    assert completed.returncode == 1
    assert completed.stderr.strip() == (
        "error: BYMONITOR_PSEUDONYM_KEY is empty, and pseudonyms made with an empty key can be "
        f"recomputed by anyone from the names and e-mail addresses: {ADVICE}"
    )
    assert completed.stdout == ""


def test_the_embedded_samples_demo_key_is_accepted_as_it_is(settings, monkeypatch):
    monkeypatch.delenv("BYMONITOR_PSEUDONYM_KEY")
    results = pipeline.ingest_sample_people(Settings(), "survey")
    assert results and all(r.rows_loaded and "built-in demo key" in r.note for r in results)


def test_waves_pseudonymised_under_different_keys_are_not_mixed(settings, monkeypatch):
    first = BAD_DIR / "sv_extra_column.csv"
    [loaded] = pipeline.ingest_survey(settings, [first], 2024)
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", OTHER_KEY)
    second = BAD_DIR / "sv_bom_comma.csv"
    with pytest.raises(MixedPseudonymKeys) as caught:
        pipeline.ingest_survey(Settings(), [second], 2025)
    assert str(caught.value) == (
        f"{second}: not loaded, because BYMONITOR_PSEUDONYM_KEY is not the key the survey and "
        f"interview loads in the warehouse ({loaded.load_id}) were pseudonymised with, and "
        "pseudonyms made with different keys never match across waves; set the key used "
        "before, or, to change keys, unload those loads (`bymonitor unload LOAD_ID`) and load "
        "every wave again under the new key"
    )
    assert query(settings, "select count(*) from raw._loads") == [(1,)]
    [already] = pipeline.ingest_survey(Settings(), [first], 2024)  # a file loaded before: no-op
    assert already.skipped
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", KEY)
    [result] = pipeline.ingest_survey(Settings(), [second], 2025)
    assert result.rows_loaded == 3


def test_real_files_are_not_mixed_with_the_samples_demo_key(settings, monkeypatch):
    monkeypatch.delenv("BYMONITOR_PSEUDONYM_KEY")
    sample = pipeline.ingest_sample_people(Settings(), "interviews")
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", KEY)
    path = BAD_DIR / "iv_no_consent.csv"
    with pytest.raises(MixedPseudonymKeys) as caught:
        pipeline.ingest_interviews(Settings(), [path], 2024)
    assert str(caught.value) == (
        f"{path}: not loaded, because the warehouse holds survey and interview loads of the "
        f"embedded sample ({sample[0].load_id}, {sample[1].load_id}), pseudonymised with the "
        "built-in demo key, and real files must not be mixed with them; load real files into a "
        "BYMONITOR_HOME of their own, or unload the sample's loads first "
        "(`bymonitor unload LOAD_ID`)"
    )


def test_the_key_fingerprint_is_stored_with_each_load_and_tells_keys_apart(settings):
    pipeline.ingest_survey(settings, [BAD_DIR / "sv_extra_column.csv"], 2024)
    pipeline.ingest_interviews(settings, [BAD_DIR / "iv_no_consent.csv"], 2024)
    stored = query(settings, "select distinct key_fingerprint from raw._loads")
    assert stored == [(Pseudonymiser(KEY).fingerprint,)]
    assert len(stored[0][0]) == 16 and KEY not in stored[0][0]
    assert Pseudonymiser(OTHER_KEY).fingerprint != Pseudonymiser(KEY).fingerprint


def test_a_warehouse_from_before_sheets_and_fingerprints_keeps_its_loads(settings):
    """raw._loads of an earlier version (checksum unique, no sheet or fingerprint) is rebuilt
    with its rows; its loads, whose key is unknown, still count as loaded and do not block."""
    path = BAD_DIR / "sv_hidden_first_sheet.xlsx"
    settings.warehouse_path.parent.mkdir(parents=True)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(EARLIER_LOADS)
    con.execute(
        "insert into raw._loads values ('survey-2024-old', 'survey', null, ?, 'x', ?, 5, 0, "
        "now(), null)",
        [path.name, sha256_of(path)],
    )
    con.close()
    [result] = pipeline.ingest_survey(settings, [path], 2024)
    assert result.skipped and result.load_id == "survey-2024-old"
    [loaded] = pipeline.ingest_survey(settings, [BAD_DIR / "sv_extra_column.csv"], 2025)
    assert loaded.rows_loaded == 3
    with connect(settings.warehouse_path) as con:
        unique = con.execute(
            "select count(*) from duckdb_constraints() where table_name = '_loads' "
            "and constraint_type = 'UNIQUE'"
        ).fetchone()
        loads = con.execute("select load_id, sheet from raw._loads order by 1").fetchall()
    assert unique == (0,)
    assert loads == [("survey-2024-old", None), (loaded.load_id, None)]


# raw._loads as versions before sheets and key fingerprints wrote it
EARLIER_LOADS = """
create schema raw;
create table raw._loads (
    load_id varchar primary key, source varchar not null, table_id varchar,
    file_name varchar not null, landed_path varchar not null, sha256 varchar not null unique,
    rows_loaded bigint not null, rows_rejected bigint not null, loaded_at timestamptz not null,
    value_origin varchar
);
"""


def _plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
