"""One writer at a time: an exclusive lock on warehouse/.writer.lock while a run writes.

The lock is an OS file lock (flock), so the kernel releases it when the holder dies: a lock
left by a crashed run can always be taken over. The file also says who holds it (process id,
host, start time, command) so a second writer can tell the user. Whether a run is in progress
is asked of the lock itself, never guessed from the process id in the file: that id may belong
to another host (a home on a shared disk) or have been reused since.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flows.errors import BymonitorError


class WarehouseBusy(BymonitorError):
    """Another process is writing to the same BYMONITOR_HOME."""


def describe(holder: dict) -> str:
    """`process 123 on host h, started …, running `bymonitor run`, now at stage build`."""
    host = f" on host {holder['host']}" if holder.get("host") else ""
    stage = f", now at stage {holder['stage']}" if holder.get("stage") else ""
    return (
        f"process {holder.get('pid', '?')}{host}, started {holder.get('started_at', '?')}, "
        f"running `{holder.get('command', '?')}`{stage}"
    )


def current_holder(path: Path) -> dict | None:
    """Who is writing now (pid, host, start time, command, stage), or None when nobody holds
    the lock, whatever a stopped run left in the file."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(path) or {"stage": "starting"}
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


class Holder(dict):
    """The lock holder's description; `stage()` updates the stage others see."""

    def __init__(self, handle, **fields) -> None:
        super().__init__(**fields)
        self._handle = handle

    def stage(self, name: str) -> None:
        self["stage"] = name
        self._write()

    def _write(self) -> None:
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(json.dumps(self))
        self._handle.flush()


@contextmanager
def writer_lock(path: Path, wait_s: float = 10.0, notice=lambda message: None) -> Iterator[Holder]:
    """Hold the writer lock; wait up to `wait_s` for another writer, then stop with its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the whole block)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"another run is writing to {path.parent}: held by "
                        f"{describe(_read(path))}; waited {wait_s:g} s. Try again when it has "
                        "finished."
                    ) from None
                time.sleep(0.2)
        # A holder empties the file when it lets go: what is left was written by one that stopped.
        previous = _read(path)
        host = socket.gethostname()
        ours = previous.get("pid") == os.getpid() and previous.get("host", host) == host
        if previous.get("pid") and not ours:
            notice(f"took over the lock left by a run that stopped ({describe(previous)})")
        holder = Holder(
            handle,
            pid=os.getpid(),
            host=host,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            command=" ".join(["bymonitor", *sys.argv[1:]]),
        )
        holder._write()
        try:
            yield holder
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
