"""The README's promise: `bymonitor run` on the sample publishes a real report, and again is safe.

Runs the installed command in its own process: a real Prefect flow run, dbt, Great Expectations
and the renderer, in a temporary BYMONITOR_HOME.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_DIR, cell_positions, query, run_cli, tree_bytes

pytestmark = pytest.mark.e2e
SAMPLE_INPUTS = [
    *SAMPLE_DIR.glob("*.json"),
    *SAMPLE_DIR.parent.glob("survey/*"),
    *SAMPLE_DIR.parent.glob("interviews/*"),
    *SAMPLE_DIR.parent.glob("measures/*"),
]
NBSP = "\u00a0"
TOWN_PAGES = [
    "bodo", "narvik", "mo-i-rana", "mosjoen", "sandnessjoen",
    "bronnoysund", "fauske", "svolvaer", "leknes", "sortland",
]  # fmt: skip


@pytest.fixture(scope="module")
def first_run(cli_published):
    """The test run's `bymonitor run` of the sample in a new home (conftest `cli_published`),
    against the test run's Prefect server; read here, copied before another run.

    The way `make run` goes, with no Prefect server and so Prefect's temporary one, is run end
    to end by test_privacy (a whole `bymonitor run` with no PREFECT_API_URL, which must succeed)
    and by test_faults' SIGTERM test (the temporary server starts beside dbt and ends with the
    run and all its children)."""
    return cli_published


def _copy(first_run, tmp_path: Path) -> Path:
    """A copy of the first run's home, for a test that runs again in it."""
    home = tmp_path / "home"
    shutil.copytree(first_run[0], home)
    return home


@pytest.fixture(scope="module")
def report(first_run) -> Path:
    home, _ = first_run
    return home / "reports" / "published" / "2026"


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps NBSP


def test_run_prints_where_the_report_is(first_run, report):
    _, completed = first_run
    assert str(report / "index.html") in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr
    progress = completed.stderr
    assert "survey_2026.xlsx: loaded" in progress
    assert "pseudonymised with the built-in demo key: embedded sample only" in progress


def test_every_page_is_published(report):
    names = {p.name for p in report.iterdir()}
    assert {"index.html", "manifest.json", "data", "quality", "static"} <= names
    assert {f"{slug}.html" for slug in TOWN_PAGES} <= names


def test_bodo_shows_its_2022_population_the_norwegian_way(report):
    page = (report / "bodo.html").read_text(encoding="utf-8")
    row = re.search(r"<th scope=\"row\">2022</th>(.*?)</tr>", page, re.S)
    assert row and f"52{NBSP}803" in row.group(1)
    assert f"53{NBSP}638" in page  # 1 January 2026, SSB
    assert '<html lang="nb">' in page
    assert "Statistisk sentralbyrå (SSB), tabell 07459" in page


def test_narvik_before_2020_is_a_series_break_not_zero(report):
    page = (report / "narvik.html").read_text(encoding="utf-8")
    for year in range(2016, 2020):  # the report period starts ten years before 2026
        row = re.search(rf"<th scope=\"row\">{year}</th>(.*?)</tr>", page, re.S)
        assert row, year
        cells = _text(row.group(1))
        assert "brudd i serien" in cells
        assert not re.search(r"(^|\s)0(\s|$)", cells), cells
    assert "ikke sammenlignbart" in page


def test_the_overview_compares_with_nordland_and_norway(report):
    page = _text((report / "index.html").read_text(encoding="utf-8"))
    assert f"Nordland 243{NBSP}272" in page  # 1 January 2026, SSB
    assert f"Norge 5{NBSP}627{NBSP}400" in page
    assert "Dette bør du vite" in page


def test_the_manifest_traces_every_file_and_load(report):
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report_year"] == 2026 and manifest["gate"]["passed"] is True
    assert sorted(load["file_name"] for load in manifest["loads"]) == sorted(
        p.name for p in SAMPLE_INPUTS
    )
    for name, digest in manifest["files"].items():
        assert (report / name).is_file(), name
        assert len(digest) == 64


def test_status_tells_what_happened(first_run):
    home, _ = first_run
    completed = run_cli(home, "status")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert re.search(r"yearly-re.*2026.*ok", out)
    for stage in ("ingest", "build", "check", "publish"):
        assert f"{stage} ok" in out, stage
    assert "07459.json" in out and "13470.json" in out
    assert "published: 2026" in out


def test_a_second_run_adds_nothing_and_says_so(first_run, prefect_server, tmp_path):
    home = _copy(first_run, tmp_path)
    completed = run_cli(home, "run", env=prefect_server.env())
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "it is up to date (Prefect not started)" in completed.stdout
    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        files = len(SAMPLE_INPUTS)
        assert con.execute("select count(*) from raw._loads").fetchone() == (files,)
        assert con.execute(
            "select count(*) from (select load_id, region_code, time_code, contents_code, dims "
            "from raw.statbank_cells group by all having count(*) > 1)"
        ).fetchone() == (0,)
        assert con.execute(
            "select count(*) from ops.run_stages where summary like 'nothing changed%'"
        ).fetchone() == (4,)
    finally:
        con.close()


def test_errors_are_one_sentence_and_exit_non_zero(tmp_path):
    completed = run_cli(tmp_path, "ingest", "statbank", str(tmp_path / "missing.json"))
    assert completed.returncode == 1
    assert "no such file" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_critical_gate_failure_stops_the_flow_and_keeps_the_last_report(
    first_run, tmp_path, prefect_server
):
    home = _copy(first_run, tmp_path)
    report = home / "reports" / "published" / "2026"
    before = {p: p.read_bytes() for p in report.rglob("*") if p.is_file()}
    broken = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR.parent, broken)
    document = json.loads((broken / "statbank" / "07459.json").read_text(encoding="utf-8"))
    for position in cell_positions(document, Region="K-1804", Tid="2022"):
        document["value"][position] = 0
    (broken / "statbank" / "07459.json").write_text(json.dumps(document), encoding="utf-8")
    env = {"BYMONITOR_SAMPLE_DIR": str(broken), "BYMONITOR_PSEUDONYM_KEY": "k"}
    warehouse = home / "warehouse" / "bymonitor.duckdb"
    loads_before = _loads(warehouse)
    completed = run_cli(home, "run", env={**env, **prefect_server.env()})
    assert completed.returncode == 1
    assert "the quality gate failed" in completed.stderr
    assert "Bodø 2022: Population is 0, below 1, the lowest plausible value" in completed.stderr
    assert "Traceback" not in completed.stderr
    after = {p: p.read_bytes() for p in report.rglob("*") if p.is_file()}
    assert after == before
    assert _loads(warehouse) == loads_before  # the run's loads were thrown away with it
    status = run_cli(home, "status").stdout
    assert "check failed" in status and "last run's error: the quality gate failed" in status


def _loads(warehouse: Path) -> list[tuple]:
    return query(warehouse, "select load_id, sha256 from raw._loads order by 1")


def test_a_backfill_publishes_each_year_and_skips_what_is_published(
    first_run, tmp_path, prefect_server
):
    home = _copy(first_run, tmp_path)  # 2026 is published there, 2025 is not
    published = home / "reports" / "published"
    before = tree_bytes(published / "2026")
    completed = run_cli(home, "run", "--years", "2025-2026", env=prefect_server.env())
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2026: already published, skipped" in completed.stderr
    manifest = json.loads((published / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report_year"] == 2025
    assert tree_bytes(published / "2026") == before
