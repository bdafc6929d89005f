"""A real Prefect server on 127.0.0.1 for the tests that need one.

One server serves the whole test run (tests/conftest.py `prefect_server`): the first process to
need it starts it and writes where it listens and its process group in `server.json` in the
server's home; the other processes (pytest-xdist's workers) join it from that file, and the
process that owns the run (the xdist controller, or pytest itself without xdist) stops it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from flows.runtime import NO_PHONE_HOME

PREFECT = Path(sys.executable).parent / "prefect"
INFO = "server.json"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _running_in_group(pgid: int) -> bool:
    """Whether a process of the group is still running (zombies, waiting for a parent that has
    not ended yet, do not count)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class PrefectServer:
    def __init__(self, home: Path, port: int | None = None, pid: int | None = None) -> None:
        self.home = home
        self.port = port or _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = None
        self.pid = pid  # the server's process, leader of its own process group

    @classmethod
    def joined(cls, home: Path) -> PrefectServer:
        """The server another process started in `home` (from its `server.json`)."""
        info = json.loads((home / INFO).read_text(encoding="utf-8"))
        return cls(home, port=info["port"], pid=info["pid"])

    def env(self) -> dict[str, str]:
        """Environment for a process that should use this server."""
        return {**NO_PHONE_HOME, "PREFECT_API_URL": self.api_url}

    def start(self, timeout_s: float = 120) -> PrefectServer:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        environment.update(NO_PHONE_HOME)
        environment.update({"PREFECT_HOME": str(self.home), "PREFECT_SERVER_UI_ENABLED": "false"})
        self.home.mkdir(parents=True, exist_ok=True)
        log = (self.home / "server.log").open("w")
        self.process = subprocess.Popen(
            [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.process.pid
        # written at once, so that the server is stopped even if this process ends while it starts
        info = {"port": self.port, "pid": self.pid, "api_url": self.api_url}
        (self.home / INFO).write_text(json.dumps(info), encoding="utf-8")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log_text = (self.home / "server.log").read_text()
                raise RuntimeError(f"prefect server exited: {log_text}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"prefect server did not start within {timeout_s} s")

    def get(self, path: str) -> dict | list:
        response = httpx.get(f"{self.api_url}{path}", timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict) -> dict | list:
        response = httpx.post(f"{self.api_url}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def stop(self, timeout_s: float = 20) -> None:
        """SIGTERM to the server's process group, SIGKILL if it has not ended within timeout_s;
        from the process that started it or from any other (by its process group)."""
        if self.pid is None:
            return
        with contextlib.suppress(ProcessLookupError):  # ended already
            os.killpg(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _running_in_group(self.pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                break
            time.sleep(0.1)
        if self.process is not None:
            self.process.wait()
