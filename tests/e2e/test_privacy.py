"""No identity from the sample's survey and interview files reaches the warehouse, the landing
zone or any published file (a security property: tested on the whole output of a real run)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_DIR, run_cli
from openpyxl import load_workbook

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
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,")
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def sample_identities() -> set[str]:
    found: set[str] = set()
    for path in [*SAMPLE_DIR.parent.glob("survey/*"), *SAMPLE_DIR.parent.glob("interviews/*")]:
        for row in _rows(path):
            found.update(v for k, v in row.items() if k in IDENTITY_COLUMNS and v)
            found.update(re.findall(r"Hilsen (.+)", row.get("kommentar", "")))
    return found


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("privacy")
    completed = run_cli(home, "run")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return home


def test_the_sample_really_holds_identities():
    identities = sample_identities()
    assert any("@example.no" in i for i in identities)
    assert any(re.fullmatch(r"[A-ZÆØÅ][a-zæøå]+ [A-ZÆØÅ][a-zæøå]+", i) for i in identities)
    assert len(identities) > 500


def test_no_identity_in_any_file_the_run_wrote(home):
    identities = sample_identities()
    written = [p for p in home.rglob("*") if p.is_file() and ".prefect" not in p.parts]
    assert any(p.suffix == ".duckdb" for p in written)
    assert any("landing" in p.parts for p in written)
    assert any("published" in p.parts for p in written)
    for path in written:
        content = path.read_bytes()
        for identity in identities:
            assert identity.encode("utf-8") not in content, f"{identity!r} in {path}"


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
