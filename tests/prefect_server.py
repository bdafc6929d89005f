"""A real Prefect server on 127.0.0.1 for the tests that need one, started and stopped by them."""

from __future__ import annotations

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrefectServer:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = None

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

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
