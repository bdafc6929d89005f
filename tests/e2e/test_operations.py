"""Work on a warehouse by hand, through the real CLI and real dbt: listing the loads, undoing one
(a survey loaded under the wrong wave is unloaded and loaded again), `check` and `publish`
refusing marts that lack a load, and a home whose path has an apostrophe and brackets, which
every command (publishing included) must take as it is."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_DIR, cell_positions, query, run_cli, warehouse_state

pytestmark = pytest.mark.e2e

ODD_HOME = "o'brien [red] home"  # an apostrophe (SQL) and brackets (console markup)
STATBANK = sorted(str(p) for p in SAMPLE_DIR.glob("*.json"))
SURVEY_2026 = SAMPLE_DIR.parent / "survey" / "survey_2026.xlsx"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample's statistics loaded and the marts built, in a home with an odd path."""
    home = tmp_path_factory.mktemp("operations") / ODD_HOME
    for command in (["ingest", "statbank", *STATBANK], ["build"]):
        completed = run_cli(home, *command)
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return home


def _copy(built: Path, tmp_path: Path) -> Path:
    home = tmp_path / ODD_HOME
    shutil.copytree(built, home)
    return home


def _query(home: Path, sql: str, *parameters) -> list[tuple]:
    return query(home / "warehouse" / "bymonitor.duckdb", sql, *parameters)


def _raw(state: dict) -> dict:
    return {table: rows for table, rows in state.items() if table.startswith("raw.")}


def _loaded_as(completed, prefix: str) -> str:
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return re.search(rf" as ({prefix}-[0-9a-f]{{12}}\S*)", completed.stdout).group(1).rstrip(",")


def test_a_survey_loaded_under_the_wrong_wave_is_unloaded_and_loaded_again(built, tmp_path):
    home = _copy(built, tmp_path)
    wrong = _loaded_as(run_cli(home, "ingest", "survey", str(SURVEY_2026), "--wave", "2025"),
                       "survey-2025")  # fmt: skip
    listed = run_cli(home, "loads")
    [line] = [row for row in listed.stdout.splitlines() if row.startswith(wrong)]
    assert line.split()[:4] == [wrong, "survey", "2025", "survey_2026.xlsx"]
    assert "already loaded" in run_cli(home, "ingest", "survey", str(SURVEY_2026),
                                       "--wave", "2026").stdout  # fmt: skip
    [(landed,)] = _query(home, "select landed_path from raw._loads where load_id = ?", wrong)
    counts = {
        table: _query(home, f"select count(*) from raw.{table} where load_id = ?", wrong)[0][0]
        for table in ("_rejects", "survey_answers", "survey_respondents")
    }

    undone = run_cli(home, "unload", wrong)
    assert undone.returncode == 0, undone.stdout + undone.stderr
    said = undone.stdout.splitlines()
    assert said[0] == (
        f"unloaded {wrong} (survey_2026.xlsx): {counts['_rejects']} from raw._rejects, "
        f"{counts['survey_answers']} from raw.survey_answers, {counts['survey_respondents']} from "
        "raw.survey_respondents, and its raw._loads row"
    )
    assert said[1].startswith("dbt build: ")
    assert said[2] == f"landing copy kept: {landed}"
    assert Path(landed).exists()
    with_load_id = _query(
        home, "select table_name from duckdb_columns() where schema_name = 'raw' "
        "and column_name = 'load_id'"
    )  # fmt: skip
    for (table,) in with_load_id:
        left = _query(home, f'select count(*) from raw."{table}" where load_id = ?', wrong)
        assert left == [(0,)], table

    right = _loaded_as(run_cli(home, "ingest", "survey", str(SURVEY_2026), "--wave", "2026"),
                       "survey-2026")  # fmt: skip
    assert run_cli(home, "build").returncode == 0
    assert _query(home, "select distinct wave from raw.survey_respondents") == [(2026,)]
    assert _query(home, "select distinct wave from marts.survey_town_summary") == [(2026,)]
    assert _query(home, "select load_id from marts.source_loads where source = 'survey'") == [
        (right,)
    ]
    runs = _query(home, "select run_id, status, parameters from ops.runs where flow = 'unload'")
    [(run_id, status, parameters)] = runs
    assert status == "ok"
    assert json.loads(parameters) == {"load_id": wrong, "keep_landing": True}
    assert _query(
        home, "select stage, status from ops.run_stages where run_id = ? order by position", run_id
    ) == [("unload", "ok"), ("build", "ok"), ("landing", "ok")]


def test_check_and_publish_refuse_marts_that_lack_a_load_and_unload_takes_it_away(built, tmp_path):
    home = _copy(built, tmp_path)
    state_before = warehouse_state(home / "warehouse" / "bymonitor.duckdb")
    document = json.loads((SAMPLE_DIR / "07459.json").read_text(encoding="utf-8"))
    for position in cell_positions(document, Region="K-1804", Tid="2026"):
        document["value"][position] += 1
    revised = tmp_path / "07459.json"
    revised.write_text(json.dumps(document), encoding="utf-8")
    load_id = _loaded_as(run_cli(home, "ingest", "statbank", str(revised)), "statbank-07459")

    for command in ("check", "publish"):
        refused = run_cli(home, command)
        assert refused.returncode == 1
        assert refused.stderr == (
            f"error: the marts were last built before 1 load(s), which they do not contain: "
            f"{load_id} (07459.json); run `bymonitor build` (or `bymonitor unload LOAD_ID` to "
            f"drop a load), then `bymonitor {command}` again\n"
        )
    unknown = run_cli(home, "unload", "statbank-07459-000000000000")
    assert unknown.returncode == 1
    assert unknown.stderr == (
        "error: no load statbank-07459-000000000000 in the warehouse: `bymonitor loads` lists "
        "them\n"
    )

    [(landed,)] = _query(home, "select landed_path from raw._loads where load_id = ?", load_id)
    undone = run_cli(home, "unload", load_id, "--remove-landing")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert undone.stdout.splitlines()[2] == f"landing copy removed: {landed}"
    assert not Path(landed).exists()
    assert load_id not in run_cli(home, "loads").stdout
    # the raw layer as it was (the marts are rebuilt: their sums may differ in the last bits)
    assert _raw(warehouse_state(home / "warehouse" / "bymonitor.duckdb")) == _raw(state_before)


def test_a_home_whose_path_has_an_apostrophe_and_brackets_is_checked_and_published(built, tmp_path):
    home = _copy(built, tmp_path)
    checked = run_cli(home, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    published = run_cli(home, "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    report = home / "reports" / "published" / "2026"
    assert published.stdout == f"published the 2026 report: {report / 'index.html'}\n"
    con = duckdb.connect(str(report / "bymonitor.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from marts.dim_town").fetchone() == (10,)
    finally:
        con.close()
