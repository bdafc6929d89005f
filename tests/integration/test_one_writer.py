"""One writer at a time per BYMONITOR_HOME; a lock left by a killed run is taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
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
        assert (
            f"another run is writing to {tmp_path / 'warehouse'}: held by process {holder.pid} "
            f"on host {socket.gethostname()}, started "
        ) in completed.stderr
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


# What a run on another host (a home on a shared disk) leaves in the lock file.
OTHER_HOST = {"pid": 4242, "host": "county-app-2", "started_at": "2027-03-15T05:00:01+00:00",
              "command": "bymonitor run --live", "stage": "build"}  # fmt: skip
HOLD_AS_OTHER_HOST = """
import fcntl, json, sys, time
with open(sys.argv[1], "a+") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    handle.truncate()
    handle.write(sys.argv[2])
    handle.flush()
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_lock_held_from_another_host_is_named_with_its_host(tmp_path):
    lock = Settings(home=tmp_path).lock_path
    lock.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AS_OTHER_HOST, str(lock), json.dumps(OTHER_HOST)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        held_by = (
            "held by process 4242 on host county-app-2, started 2027-03-15T05:00:01+00:00, "
            "running `bymonitor run --live`, now at stage build"
        )
        status = run_cli(tmp_path, "status")
        assert f"a run is in progress: {held_by}" in status.stdout
        waiting = run_cli(tmp_path, "ingest", "sample", env={"BYMONITOR_LOCK_WAIT_S": "0"})
        assert waiting.returncode == 1
        assert waiting.stderr.strip() == (
            f"error: another run is writing to {tmp_path / 'warehouse'}: {held_by}; waited 0 s. "
            "Try again when it has finished."
        )
    finally:
        holder.kill()
        holder.wait()


def test_a_stale_lock_from_another_host_is_not_a_run_in_progress(tmp_path):
    """The process id in the file is alive here (it is this test's), but it names another host
    and nobody holds the lock: no run is in progress, and the next writer takes over."""
    lock = Settings(home=tmp_path).lock_path
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({**OTHER_HOST, "pid": os.getpid()}), encoding="utf-8")
    status = run_cli(tmp_path, "status")
    assert status.returncode == 0
    assert "in progress" not in status.stdout
    completed = run_cli(tmp_path, "ingest", "sample", env={"BYMONITOR_LOCK_WAIT_S": "0"})
    assert completed.returncode == 0, completed.stderr
    assert (
        f"took over the lock left by a run that stopped (process {os.getpid()} on host "
        "county-app-2, started 2027-03-15T05:00:01+00:00, running `bymonitor run --live`, now at "
        "stage build)"
    ) in completed.stderr
