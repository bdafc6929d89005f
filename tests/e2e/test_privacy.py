"""No identity from the sample's or the bad-input corpus's survey and interview files reaches the
warehouse, the landing zone, the logs or any published file; the pseudonym key is written nowhere;
the publication holds no machine paths or environment; small survey cells stay suppressed
everywhere (security properties, tested on the whole output of a real run)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import ahocorasick
import duckdb
import pytest
from bad_inputs import BAD_DIR, load_manifest
from helpers import SAMPLE_DIR, pdf_pages, run_cli
from openpyxl import load_workbook

from flows import pipeline
from flows.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.e2e
IDENTITY_COLUMNS = {"informant_name", "informant_email", "kontakt_epost", "respondent_id",
                    "interview_id"}  # fmt: skip


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        values = [
            ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
        ]
        return [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    header = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=header.count)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


KEY = "privacy-test-key-7d1f0c-Jv4Wq8Nz2Lx6"  # must appear in no file and no output
# The corpus files that load; each goes in as a wave of its own, so every cell there is small.
PEOPLE_CASES = [c for c in load_manifest()
                if c.outcome == "loaded" and c.source != "statbank" and not c.large]  # fmt: skip


def sample_identities() -> set[str]:
    found: set[str] = set()
    people = [*SAMPLE_DIR.parent.glob("survey/*"), *SAMPLE_DIR.parent.glob("interviews/*")]
    people += [BAD_DIR / c.file for c in PEOPLE_CASES if c.file.endswith(".csv")]
    for path in people:
        for row in _rows(path):
            found.update(v for k, v in row.items() if k in IDENTITY_COLUMNS and v)
            found.update(re.findall(r"Hilsen (.+)", row.get("kommentar", "")))
    return found


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return {}


@pytest.fixture(scope="module")
def home(tmp_path_factory, outputs) -> Path:
    home = tmp_path_factory.mktemp("privacy")
    settings = Settings(home=home, pseudonym_key=KEY)
    inputs = tmp_path_factory.mktemp("privacy-inputs")
    for wave, case in enumerate(PEOPLE_CASES, start=2001):
        path = BAD_DIR / case.file
        if case.source == "interviews":  # an interview of a wave is dated in that year
            dated = re.sub(rb"(\d\d\.\d\d\.)2024", rb"\g<1>%d" % wave, path.read_bytes())
            path = inputs / path.name
            path.write_bytes(dated)
        loader = pipeline.ingest_survey if case.source == "survey" else pipeline.ingest_interviews
        loader(settings, [path], wave)
    # without the PDF (the published sample's PDF is read by
    # test_no_identity_machine_path_or_environment_in_the_pdf_s_text)
    completed = run_cli(home, "run", env={"BYMONITOR_PSEUDONYM_KEY": KEY})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # a run with no Prefect server of its own (its temporary one) ends cleanly, like `make run`
    assert "Traceback" not in completed.stdout + completed.stderr
    outputs["run"] = completed.stdout + completed.stderr
    status = run_cli(home, "status", env={"BYMONITOR_PSEUDONYM_KEY": KEY})
    outputs["status"] = status.stdout + status.stderr
    return home


def test_the_sample_really_holds_identities():
    identities = sample_identities()
    assert any("@example.no" in i for i in identities)
    assert any(re.fullmatch(r"[A-ZÆØÅ][a-zæøå]+ [A-ZÆØÅ][a-zæøå]+", i) for i in identities)
    assert len(identities) > 500


def byte_searcher(needles: set[str]) -> ahocorasick.Automaton:
    """One Aho-Corasick automaton over the needles' UTF-8 bytes (each byte as one latin-1
    character), so that a file's bytes are searched for all needles in one pass."""
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle.encode("utf-8").decode("latin-1"), needle)
    automaton.make_automaton()
    return automaton


def found_in(automaton: ahocorasick.Automaton, content: bytes) -> set[str]:
    return {needle for _, needle in automaton.iter(content.decode("latin-1"))}


def test_the_byte_search_finds_what_bytes_find_finds():
    searcher = byte_searcher({"Kari Nordmann", "kari@example.no", "Åse Ødegård"})
    content = "x;Åse Ødegård;y\nkari@example.no\n".encode() + b"\xff\xfe"
    assert found_in(searcher, content) == {"Åse Ødegård", "kari@example.no"}
    assert found_in(searcher, "Åse Ødegård".encode("utf-16")) == set()  # as bytes.find


def test_no_identity_in_any_file_the_run_wrote(home):
    searcher = byte_searcher(sample_identities())
    written = [p for p in home.rglob("*") if p.is_file()]  # Prefect's database and logs too
    assert any(p.suffix == ".duckdb" for p in written)
    assert any("landing" in p.parts for p in written)
    assert any("published" in p.parts for p in written)
    for path in written:
        assert not found_in(searcher, path.read_bytes()), path


def test_no_identity_in_any_warehouse_column(home):
    identities = sample_identities()
    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'JSON')"
        ).fetchall()
        seen = set()
        for schema, table, column in columns:
            values = con.execute(f'select distinct "{column}" from "{schema}"."{table}"').fetchall()
            seen.update(str(v[0]) for v in values if v[0] is not None)
    finally:
        con.close()
    assert len(seen) > 100
    leaked = {i for i in identities for value in seen if i in value}
    assert not leaked


def test_no_identity_and_no_key_in_what_the_commands_printed(home, outputs):
    printed = "\n".join(outputs.values())
    assert "07459.json" in printed  # the output really is the run's
    assert KEY not in printed
    assert not {i for i in sample_identities() if i in printed}


def test_the_pseudonym_key_is_written_nowhere(home):
    files = [p for p in home.rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


def test_the_publication_holds_no_machine_paths_secrets_or_environment(home):
    published = home / "reports" / "published"
    forbidden = [str(home), str(REPO_ROOT), "/tmp/", "/root", "/home/", "BYMONITOR_", "PREFECT_",
                 "PATH=", "VIRTUAL_ENV", KEY]  # fmt: skip
    files = [p for p in published.rglob("*") if p.is_file()]
    assert any(p.suffix == ".xlsx" for p in files)
    for path in files:
        content = path.read_bytes()
        if path.suffix == ".xlsx":  # compressed: look inside
            import zipfile

            with zipfile.ZipFile(path) as archive:
                content = b"".join(archive.read(n) for n in archive.namelist())
        for text in forbidden:
            assert text.encode() not in content, f"{text!r} in {path}"


def test_no_identity_machine_path_or_environment_in_the_pdf_s_text(published_sample):
    """The PDF's text is compressed in the file, so a byte search would find nothing there: the
    published sample's PDF (its survey and interviews hold identities) is read as text."""
    pdf = Settings(home=published_sample).publication_dir(2026) / "report.pdf"
    text = " ".join(" ".join(pdf_pages(pdf)).split())  # a name broken over two lines is found
    assert "Mo i Rana" in text and len(text) > 100_000  # the text really is the report's
    assert not {i for i in sample_identities() if i in text}
    forbidden = [str(published_sample), str(REPO_ROOT), "/tmp/", "/root", "/home/", "BYMONITOR_",
                 "PREFECT_", "PATH=", "VIRTUAL_ENV"]  # fmt: skip
    content = pdf.read_bytes()  # the metadata is not compressed
    for word in forbidden:
        assert word not in text and word.encode() not in content, word


def test_small_survey_cells_are_suppressed_everywhere_and_cannot_be_worked_out(home):
    con = duckdb.connect(str(home / "reports" / "published" / "2026" / "bymonitor.duckdb"),
                         read_only=True)  # fmt: skip
    try:
        small = con.execute(
            "select count(*), count(value) from marts.survey_town_summary where n < 5"
        ).fetchone()
        flagged = con.execute(
            "select count(*) from marts.survey_town_summary where is_suppressed <> (n < 5)"
        ).fetchone()[0]
        facts = con.execute(
            "select count(*), count(*) filter (where geo_level <> 'town'), "
            "count(value) filter (where n < 5) "
            "from marts.fct_indicator_values where indicator_id like 'survey_%'"
        ).fetchone()
    finally:
        con.close()
    assert small[0] > 50 and small[1] == 0  # the corpus waves are all small cells: no value
    assert flagged == 0
    # Survey values exist per town only: no ten-town, regional or county total is published
    # from which a suppressed town's answers could be worked out by subtraction.
    assert facts[0] > 0 and facts[1] == 0 and facts[2] == 0
    for path in (home / "reports" / "published" / "2026" / "data").glob("*.csv"):
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        if rows and {"n", "value"} <= set(rows[0]):
            small_values = [r for r in rows if r["n"] and int(r["n"]) < 5 and r["value"]]
            assert not small_values, (path.name, small_values[:3])
