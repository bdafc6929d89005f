"""A run killed in the middle (SIGKILL) leaves nothing the next run cannot recover from."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time

import duckdb
import pytest
from helpers import BYMONITOR, SAMPLE_DIR, cell_positions, run_cli

pytestmark = pytest.mark.e2e


def test_a_run_killed_mid_build_is_recovered_by_the_next_without_duplicates(tmp_path):
    home = tmp_path / "home"
    first = run_cli(home, "run")
    assert first.returncode == 0, first.stdout + first.stderr
    report = home / "reports" / "published" / "2024"

    changed = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR.parent, changed)
    document = json.loads((changed / "statbank" / "07459.json").read_text(encoding="utf-8"))
    for region in ("K-1804", "F-18"):  # Bodø and Nordland alike: the county must still add up
        for position in cell_positions(document, Region=region, Tid="2024"):
            document["value"][position] += 1
    (changed / "statbank" / "07459.json").write_text(json.dumps(document), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env.update({"BYMONITOR_HOME": str(home), "BYMONITOR_SAMPLE_DIR": str(changed),
                "BYMONITOR_PSEUDONYM_KEY": "k"})  # fmt: skip
    victim = subprocess.Popen(
        [str(BYMONITOR), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    for line in victim.stdout:  # kill it as soon as it has loaded the new file
        if "07459.json: loaded" in line or time.monotonic() > deadline:
            break
    os.killpg(victim.pid, signal.SIGKILL)  # the flow, dbt and Prefect's server with it
    victim.wait()

    again = run_cli(home, "run", env={"BYMONITOR_SAMPLE_DIR": str(changed),
                                      "BYMONITOR_PSEUDONYM_KEY": "k"})  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert "took over the lock left by a run that stopped" in again.stdout

    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        loads = con.execute("select count(*), count(distinct sha256) from raw._loads").fetchone()
        duplicates = con.execute(
            "select count(*) from (select load_id, region_code, time_code, contents_code, dims "
            "from raw.statbank_cells group by all having count(*) > 1)"
        ).fetchone()[0]
        bodo = con.execute(
            "select value from marts.fct_indicator_values where geo_code = 'bodo' "
            "and year = 2024 and indicator_id = 'population'"
        ).fetchone()[0]
    finally:
        con.close()
    assert loads[0] == loads[1] == 15  # 14 sample files and the changed 07459, once each
    assert duplicates == 0
    assert bodo == 53712 + 20  # the changed file's figures (20 cells, each +1)
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((report / name).read_bytes()).hexdigest() == digest
    assert [p.name for p in report.parent.iterdir()] == ["2024"]
