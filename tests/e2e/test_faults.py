"""Faults at every stage: a run killed (SIGKILL, with dbt and all its children) during ingest,
dbt build, the gate or publication leaves the warehouse and the last publication exactly as they
were, and the next run recovers without duplicates (of two runs started together to recover, one
writes and the other names it). SIGTERM and Ctrl-C stop a run cleanly: its
children and Prefect's temporary server end with it, nothing it started is left behind, one line
says so. A full disk during publication ends with a clear message and no partial output."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from helpers import BYMONITOR, SAMPLE_DIR, cell_positions, tree_bytes, warehouse_state

from flows.holdpoints import POINTS

pytestmark = pytest.mark.e2e

BODO_2026 = 53638  # SSB, 1 January 2026


@pytest.fixture(scope="module")
def published(cli_published) -> Path:
    """The test run's published home (conftest `cli_published`): every test here copies it."""
    return cli_published[0]


@pytest.fixture(scope="module")
def changed_inputs(tmp_path_factory) -> Path:
    """The sample with 07459 revised: Bodø and Nordland +20 persons in 2026."""
    changed = tmp_path_factory.mktemp("changed") / "sample"
    shutil.copytree(SAMPLE_DIR.parent, changed)
    document = json.loads((changed / "statbank" / "07459.json").read_text(encoding="utf-8"))
    for region in ("K-1804", "F-18"):
        for position in cell_positions(document, Region=region, Tid="2026"):
            document["value"][position] += 1
    (changed / "statbank" / "07459.json").write_text(json.dumps(document), encoding="utf-8")
    return changed


def _env(home: Path, inputs: Path, server, **more: str) -> dict[str, str]:
    """The run's environment (no PDF); with no server, Prefect starts its temporary one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env.update(server.env() if server else {})
    env.update({"BYMONITOR_HOME": str(home), "BYMONITOR_SAMPLE_DIR": str(inputs),
                "BYMONITOR_PSEUDONYM_KEY": "k", "BYMONITOR_PDF": "false", **more})  # fmt: skip
    return env


def _kill_when_held(home: Path, inputs: Path, server, point: str) -> str:
    """Run `bymonitor run` until it holds at a named point (`flows.holdpoints`), then SIGKILL
    its whole process group (the flow, dbt, the renderer). Returns what it printed."""
    victim = subprocess.Popen(
        [str(BYMONITOR), "run"], env=_env(home, inputs, server, BYMONITOR_HOLD_AT=point),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    printed = []
    for line in victim.stdout:
        printed.append(line)
        if line.startswith(f"held at {point}:"):
            break
    assert victim.poll() is None, f"the run ended before it reached {point}: {''.join(printed)}"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    lock = home / "warehouse" / ".writer.lock"
    killed_in = json.loads(lock.read_text(encoding="utf-8") or "{}").get("stage")
    assert killed_in == point, f"killed during {killed_in}, not {point}"
    return "".join(printed)


def test_a_run_killed_at_each_stage_changes_nothing_and_the_next_run_recovers(
    published, changed_inputs, prefect_server, tmp_path
):
    """Four runs, each killed (SIGKILL) at a later stage than the one before; each leaves the
    warehouse and the publication as they were, and each next run takes over the lock that the
    killed one left. Then two runs start together: one completes, without duplicates; the
    other writes nothing and names the one that writes."""
    home = tmp_path / "home"
    shutil.copytree(published, home)
    warehouse = home / "warehouse" / "bymonitor.duckdb"
    publications = home / "reports" / "published"
    state_before, files_before = warehouse_state(warehouse), tree_bytes(publications)

    for number, point in enumerate(POINTS):
        printed = _kill_when_held(home, changed_inputs, prefect_server, point)
        if number:
            assert "took over the lock left by a run that stopped" in printed, printed
        assert warehouse_state(warehouse) == state_before, f"killed at {point}"
        assert tree_bytes(publications) == files_before, f"killed at {point}"
        assert [p.name for p in publications.iterdir()] == ["2026"], f"killed at {point}"

    # The recovery, by two runs started together: the first to take the lock (for its check of
    # whether anything changed) takes over the one the killed run left; one run completes and
    # the other, waiting for it (3 s), names it.
    env = _env(home, changed_inputs, prefect_server, BYMONITOR_LOCK_WAIT_S="3")
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    runs = [subprocess.Popen([str(BYMONITOR), "run"], env=env, **pipes) for _ in range(2)]
    results = [(*p.communicate(timeout=600), p.returncode) for p in runs]
    assert sorted(code for _, _, code in results) == [0, 1], results
    [winner] = [p for p, r in zip(runs, results, strict=True) if r[2] == 0]
    [(_, lost, _)] = [r for r in results if r[2] == 1]
    took_over = [e for _, e, _ in results if "took over the lock left by a run that stopped" in e]
    assert len(took_over) == 1, results  # once, by whichever run came first
    assert re.search(
        rf"another run is writing to .*: held by process {winner.pid} on host \S+, "
        r"started 20\d\d-.*running `bymonitor run`.*waited 3 s",
        lost,
    ), lost
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        loads = con.execute("select count(*), count(distinct sha256) from raw._loads").fetchone()
        manifest_rows = con.execute(
            "select sum(rows_loaded) from raw._loads where source = 'statbank'"
        ).fetchone()[0]
        cells = con.execute("select count(*) from raw.statbank_cells").fetchone()[0]
        bodo = con.execute(
            "select value from marts.fct_indicator_values where geo_code = 'bodo' "
            "and year = 2026 and indicator_id = 'population'"
        ).fetchone()[0]
        runs = con.execute("select status from ops.runs order by started_at").fetchall()
    finally:
        con.close()
    assert loads == (18, 18)  # 17 sample files and the revised 07459, each once
    assert manifest_rows == cells  # the load manifest accounts for every cell
    assert bodo == BODO_2026 + 20
    assert [r[0] for r in runs] == ["ok", *["interrupted"] * len(POINTS), "ok"]
    report = publications / "2026"
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert tree_bytes(report).keys() == {*manifest["files"], "manifest.json"}
    assert [p.name for p in publications.iterdir()] == ["2026"]


def _limit_file_size(limit: int):
    def limit_in_child() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_in_child


def test_a_full_disk_during_publication_ends_clearly_and_publishes_nothing(published, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(published, home)
    publications = home / "reports" / "published"
    files_before = tree_bytes(publications)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env["BYMONITOR_HOME"] = str(home)
    # No file may grow beyond 500 kB: the pages fit, the data files do not.
    completed = subprocess.run(
        [str(BYMONITOR), "publish"], env=env, capture_output=True, text=True, timeout=600,
        check=False, preexec_fn=_limit_file_size(500_000),
    )  # fmt: skip
    assert completed.returncode == 1
    assert "not enough disk space to publish the 2026 report" in completed.stderr
    assert "nothing was published and the previous publication is unchanged" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert tree_bytes(publications) == files_before
    assert [p.name for p in publications.iterdir()] == ["2026"]


def _group(pgid: int) -> list[str]:
    """The command lines of the processes still in a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (OSError, ProcessLookupError):
                pass
    return found


def _wait_for(condition, what: str, victim: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert victim.poll() is None, f"the command ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within {seconds:g} s"
        time.sleep(0.05)


def _ended_with_its_children(victim: subprocess.Popen) -> tuple[str, str]:
    out, errors = victim.communicate(timeout=120)
    deadline = time.monotonic() + 30
    while _group(victim.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(victim.pid) == []  # no dbt, no PDF child, no Prefect server left running
    assert "Traceback" not in errors
    return out, errors


def test_sigterm_stops_a_run_its_dbt_and_prefect_s_temporary_server_cleanly(
    published, changed_inputs, tmp_path
):
    home = tmp_path / "home"
    shutil.copytree(published, home)
    warehouse = home / "warehouse" / "bymonitor.duckdb"
    state_before, files_before = warehouse_state(warehouse), tree_bytes(home / "reports")
    landed_before = sorted((home / "warehouse" / "landing").rglob("*"))
    victim = subprocess.Popen(
        [str(BYMONITOR), "run"], env=_env(home, changed_inputs, None),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    _wait_for(
        lambda: (
            (group := _group(victim.pid))
            and any("dbt" in c and " build " in c for c in group)
            and any("uvicorn" in c and "prefect.server" in c for c in group)
        ),
        "dbt build beside Prefect's temporary server",
        victim,
    )
    os.kill(victim.pid, signal.SIGTERM)  # the process only, as `kill` or a service manager does
    _, errors = _ended_with_its_children(victim)
    assert victim.returncode == 128 + signal.SIGTERM
    assert errors.strip().splitlines()[-1] == (
        "error: interrupted by SIGTERM: stopped cleanly, nothing was changed"
    )
    assert not (home / "warehouse" / "bymonitor.next.duckdb").exists()
    assert sorted((home / "warehouse" / "landing").rglob("*")) == landed_before
    assert warehouse_state(warehouse) == state_before
    assert tree_bytes(home / "reports") == files_before
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = con.execute("select status, error from ops.runs order by started_at").fetchall()
        stages = con.execute(
            "select stage, run_stages.status from ops.run_stages join ops.runs using (run_id) "
            "where runs.status = 'interrupted' order by position"
        ).fetchall()
    finally:
        con.close()
    assert runs == [("ok", None), ("interrupted", "interrupted by SIGTERM")]
    assert stages == [("ingest", "ok"), ("build", "interrupted")]


def test_ctrl_c_during_publication_stops_the_pdf_child_and_removes_the_staging_folder(
    published, tmp_path
):
    home = tmp_path / "home"
    shutil.copytree(published, home)
    publications = home / "reports" / "published"
    files_before = tree_bytes(publications)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env["BYMONITOR_HOME"] = str(home)
    victim = subprocess.Popen(
        [str(BYMONITOR), "publish"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    _wait_for(
        lambda: (
            any("flows.publish.pdf" in c for c in _group(victim.pid))
            and any(p.name.startswith(".2026-") for p in publications.iterdir())
        ),
        "PDF child writing into a staging folder",
        victim,
    )
    os.killpg(victim.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
    _, errors = _ended_with_its_children(victim)
    assert victim.returncode == 128 + signal.SIGINT
    assert errors.strip().splitlines()[-1] == (
        "error: interrupted by SIGINT: stopped cleanly, nothing was changed"
    )
    assert [p.name for p in publications.iterdir()] == ["2026"]  # no staging folder left
    assert tree_bytes(publications) == files_before


def test_an_interrupted_load_leaves_no_landed_copy_behind(settings, monkeypatch):
    """The landing copy is written before the load's transaction: Ctrl-C or SIGTERM in between
    (here, while the rows go in) removes it with the working copy."""
    from flows import pipeline
    from flows.ingest import statbank
    from flows.signals import Interrupted
    from flows.transaction import warehouse_transaction

    def interrupt(*args, **kwargs):
        raise Interrupted(signal.SIGINT)

    monkeypatch.setattr(statbank, "record_load", interrupt)
    with pytest.raises(Interrupted), warehouse_transaction(settings) as work:
        pipeline.ingest_statbank(work, [SAMPLE_DIR / "07459.json"])
    assert [p for p in settings.landing_dir.rglob("*") if p.is_file()] == []
    assert not settings.committed_warehouse_path.exists()
