"""One writer at a time per BYMONITOR_HOME; a lock left by a killed run is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import run_cli

from flows.settings import Settings

HOLDER = """
import sys, time
from pathlib import Path
from flows.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def hold_lock(home: Path) -> subprocess.Popen:
    lock = Settings(home=home).lock_path
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_writer_waits_then_stops_naming_the_holder(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        started = time.monotonic()
        completed = run_cli(tmp_path, "ingest", "sample", env={"BYMONITOR_LOCK_WAIT_S": "1"})
        waited = time.monotonic() - started
        assert completed.returncode == 1
        assert f"another run is writing to {tmp_path / 'warehouse'} (process {holder.pid}" in (
            completed.stderr
        )
        assert "waited 1 s" in completed.stderr and waited >= 1
        assert not (tmp_path / "warehouse" / "bymonitor.duckdb").exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    holder = hold_lock(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    completed = run_cli(tmp_path, "ingest", "sample", env={"BYMONITOR_LOCK_WAIT_S": "1"})
    assert completed.returncode == 0, completed.stderr
    assert f"took over the lock left by a run that stopped (process {holder.pid}" in (
        completed.stderr
    )
    assert "07459.json: loaded" in completed.stdout


def test_readers_of_a_publication_need_no_lock(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        completed = run_cli(tmp_path, "status")
        assert completed.returncode == 0
    finally:
        holder.kill()
        holder.wait()
