"""The refresh as Prefect runs it: against a real Prefect server started for the test run,
deployed on its yearly schedule, and recorded in the warehouse's run history (one writer at a
time: tests/e2e/test_faults.py starts two runs together). The server holds the flow runs of
every test of the run: a test looks at its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from helpers import SAMPLE_DIR, query, run_cli, tree_bytes, warehouse_state
from prefect_server import PREFECT
from statbank_server import PROFILES, FakeStatBank, Scripted

from flows.settings import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_the_schedule_deploys_to_a_prefect_server_with_its_cron_zone_and_parameters(
    prefect_server,
):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        **prefect_server.env(),
        "PREFECT_HOME": str(prefect_server.home / "client"),
        "BYMONITOR_CHECKOUT": str(REPO_ROOT),
    }

    def prefect(*args: str) -> None:
        done = subprocess.run(
            [str(PREFECT), *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
            timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr

    prefect("work-pool", "create", "bymonitor", "--type", "process", "--overwrite")
    prefect("--no-prompt", "deploy", "--all")

    deployment = prefect_server.get("/deployments/name/yearly-refresh/yearly")
    [schedule] = deployment["schedules"]
    assert schedule["schedule"]["cron"] == "0 6 15 3 *"
    assert schedule["schedule"]["timezone"] == "Europe/Oslo"
    assert schedule["active"] is True
    assert deployment["parameters"] == {"live": True}
    assert deployment["work_pool_name"] == "bymonitor"
    assert deployment["entrypoint"] == "flows/refresh.py:yearly_refresh"
    assert set(deployment["parameter_openapi_schema"]["properties"]) == {
        "year", "live", "allow_stale",
    }  # fmt: skip


@pytest.fixture(scope="module")
def served_run(cli_published):
    """The test run's `bymonitor run` against its Prefect server (conftest `cli_published`):
    read here, copied before another run."""
    return cli_published


def _flow_run_that_published(server, index: Path) -> str:
    """The id of the one flow run whose log says it published `index`: the server holds the
    runs of every test, and no other run publishes into this home."""
    needle = str(index)[-190:]  # the API's text search takes up to 200 characters
    logs = server.post("/logs/filter", {"logs": {"text": {"query": f'"{needle}"'}}, "limit": 200})
    published = {e["flow_run_id"] for e in logs if e["message"].endswith(f"report: {index}")}
    assert len(published) == 1, logs
    return published.pop()


def test_a_run_against_the_server_is_a_completed_flow_run_with_its_tasks(
    prefect_server, served_run
):
    home, _ = served_run
    index = home / "reports" / "published" / "2026" / "index.html"
    assert index.is_file()
    flow_run_id = _flow_run_that_published(prefect_server, index)
    runs = prefect_server.post(
        "/flow_runs/filter",
        {"flow_runs": {"id": {"any_": [flow_run_id]},
                       "state": {"type": {"any_": ["COMPLETED"]}}}},
    )  # fmt: skip
    assert len(runs) == 1, runs
    assert prefect_server.get(f"/flows/{runs[0]['flow_id']}")["name"] == "yearly-refresh"
    own = {"flow_run_id": {"any_": [flow_run_id]}}
    tasks = prefect_server.post("/task_runs/filter", {"task_runs": own, "limit": 200})
    names = {re.sub(r"-[0-9a-f]+$", "", t["name"]) for t in tasks}
    assert {"ingest-statbank-files", "ingest-survey-and-interviews", "build-marts",
            "quality-gate", "publish-report"} <= names  # fmt: skip
    logs = prefect_server.post("/logs/filter", {"logs": own, "limit": 200})
    assert any("07459.json: loaded" in entry["message"] for entry in logs)


def test_the_run_history_records_stages_rows_gate_and_outcome(served_run):
    home, completed = served_run
    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        run = con.execute(
            "select run_id, flow, parameters::varchar, status, report_year, gate, report "
            "from ops.runs"
        ).fetchall()
        stages = con.execute(
            "select stage, status, seconds, rows from ops.run_stages order by position"
        ).fetchall()
    finally:
        con.close()
    [(run_id, flow, parameters, status, year, gate, report)] = run
    assert (flow, status, year) == ("yearly-refresh", "ok", 2026)
    assert '"live": false' in parameters
    assert gate.startswith("quality gate passed")
    assert report.endswith("2026/index.html")
    assert [s[0] for s in stages] == ["ingest", "build", "check", "publish"]
    assert all(s[1] == "ok" and s[2] > 0 for s in stages)
    ingest_rows, build_rows, checks, files = (s[3] for s in stages)
    assert ingest_rows > 60_000 and build_rows > 10_000 and checks > 20 and files > 30
    out = completed.stdout
    assert run_id in out and re.search(r"│ build\s+│ ok\s+│", out)  # the summary table
    status = run_cli(home, "status").stdout
    assert run_id in status and "published: 2026" in status


def _landed_on(warehouse: Path) -> dict[str, str]:
    """The date each StatBank table was last landed in a home (a test run may cross midnight
    between the shared run that landed them and the test)."""
    rows = query(
        warehouse,
        "select table_id, max(loaded_at) from raw._loads where source = 'statbank' "
        "group by table_id",
    )
    return {table: loaded.date().isoformat() for table, loaded in rows}


def test_live_refresh_when_statbank_is_down_stops_unless_stale_figures_are_allowed(
    served_run, prefect_server, tmp_path
):
    home = tmp_path / "home"
    shutil.copytree(served_run[0], home)
    warehouse = home / "warehouse" / "bymonitor.duckdb"
    report = home / "reports" / "published" / "2026"
    state, files = warehouse_state(warehouse), tree_bytes(report)
    with socket.socket() as probe:  # a port nobody listens on: StatBank is unreachable
        probe.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{probe.getsockname()[1]}/api/v2"
    env = {**prefect_server.env(), "BYMONITOR_STATBANK_URL": unreachable,
           "BYMONITOR_STATBANK_MAX_ATTEMPTS": "2"}  # fmt: skip

    refused = run_cli(home, "run", "--live", env=env)
    assert refused.returncode == 1
    assert "StatBank could not be read: cannot reach StatBank" in refused.stderr
    assert "--allow-stale" in refused.stderr and "Traceback" not in refused.stderr
    assert warehouse_state(warehouse) == state and tree_bytes(report) == files

    landed = min(_landed_on(warehouse).values())  # the copied home's landing, not today
    stale = run_cli(home, "run", "--live", "--allow-stale", env=env)
    assert stale.returncode == 0, stale.stdout + stale.stderr
    assert "StatBank could not be read" in stale.stderr
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["statbank_stale_since"] == landed
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "SSBs statistikkbank kunne ikke leses da rapporten ble laget" in page
    assert (report / "bodo.html").read_text(encoding="utf-8").count('class="callout stale"') == 1


def test_live_refresh_checks_the_catalogue_first_and_one_failed_table_falls_back(
    served_run, prefect_server, tmp_path
):
    home = tmp_path / "home"
    shutil.copytree(served_run[0], home)
    warehouse = home / "warehouse" / "bymonitor.duckdb"
    report = home / "reports" / "published" / "2026"
    state, files = warehouse_state(warehouse), tree_bytes(report)
    env = {**prefect_server.env(), "BYMONITOR_STATBANK_REQUESTS_PER_MINUTE": "6000"}

    profiles = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    profiles["tables"]["13470"]["dimensions"]["NACE2007"]["codelists"]["agg_NACE2007arb17"] = (
        profiles["tables"]["13470"]["dimensions"]["NACE2007"]["codelists"].pop("agg_NACE2007arb11")
    )  # SSB renamed the industry grouping: the run must stop before it fetches anything
    changed = FakeStatBank(SAMPLE_DIR, profiles=profiles, rate_limit=None).start()
    try:
        refused = run_cli(
            home, "run", "--live", env={**env, "BYMONITOR_STATBANK_URL": changed.base_url}
        )
    finally:
        changed.stop()
    assert refused.returncode == 1
    assert "13470: codelist agg_NACE2007arb11 does not exist for NACE2007" in refused.stderr
    assert "agg_NACE2007arb17" in refused.stderr and "Traceback" not in refused.stderr
    assert not changed.data_requests("07459")
    assert warehouse_state(warehouse) == state and tree_bytes(report) == files

    server = FakeStatBank(SAMPLE_DIR, rate_limit=None).start()
    problem = b'{"type":"Parameter error","title":"Non-existent value","status":400}'
    server.script("09588", Scripted(400, problem, endpoint="data"))
    opened = tmp_path / "opened.log"
    audit = {  # every process of the run records what it opens under data/sample
        "PYTHONPATH": os.pathsep.join(
            p
            for p in (
                str(REPO_ROOT / "tests" / "data" / "open_audit"),
                os.environ.get("PYTHONPATH"),
            )
            if p
        ),
        "BYMONITOR_TEST_WATCH": str(REPO_ROOT / "data" / "sample"),
        "BYMONITOR_TEST_OPEN_LOG": str(opened),
    }
    try:
        partial = run_cli(
            home, "run", "--live", env={**env, **audit, "BYMONITOR_STATBANK_URL": server.base_url}
        )
    finally:
        server.stop()
    assert partial.returncode == 0, partial.stdout + partial.stderr
    assert not opened.exists(), opened.read_text(encoding="utf-8")  # a live run never reads it
    survey = SAMPLE_DIR.parent / "survey" / "survey_2025.csv"
    control = run_cli(tmp_path / "control", "ingest", "survey", str(survey), "--wave", "2025",
                      env=audit)  # the watch works: it sees this read  # fmt: skip
    assert control.returncode == 0 and "survey" in opened.read_text(encoding="utf-8")
    assert "no BYMONITOR_INPUT_DIR" in partial.stderr
    assert "table 09588 could not be fetched" in partial.stderr
    assert "Non-existent value" in partial.stderr
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    landed = _landed_on(warehouse)["09588"]  # its answer landed before, by the shared run
    assert manifest["statbank_stale_tables"] == {"09588": landed}
    for page in ("index.html", "bodo.html"):
        text = (report / page).read_text(encoding="utf-8")
        assert "Tabell 09588 kunne ikke hentes fra SSBs statistikkbank" in text
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        live_loads = con.execute(
            "select count(distinct table_id) from raw._loads where file_name like '_____-%.json'"
        ).fetchone()[0]
    finally:
        con.close()
    assert live_loads == 9  # every table but 09588 came from the API
