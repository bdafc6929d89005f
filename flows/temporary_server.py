"""Prefect's temporary API server for a run with no Prefect server of its own, started early.

With no `PREFECT_API_URL`, Prefect starts a temporary server when the flow first calls its API:
the process then waits ~7 s for it (importing the server's modules, then the server starting
in its subprocess). `start()` launches the same server, the way Prefect does, as soon as the
command knows that it will run a flow, and points `PREFECT_API_URL` at it; the command imports
the flows meanwhile and `wait_until_ready()` waits for what is left. At exit the server is
stopped (SIGTERM, then SIGKILL after 5 s), as Prefect stops its own.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time

from flows import signals
from flows.errors import BymonitorError

# What Prefect sets for its own temporary server (prefect.server.api.server.SubprocessASGIServer):
# no UI, only the services a temporary server needs.
SERVER_ENVIRONMENT = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
PORT_IN_USE = 3  # uvicorn's exit code when its port was taken in the meantime


class TemporaryServer:
    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        self.port = _free_port()
        app = "prefect.server.api.server:create_app"
        where = ["--host", "127.0.0.1", "--port", str(self.port)]
        quiet = ["--log-level", "error", "--lifespan", "on"]
        command = [sys.executable, "-m", "uvicorn", "--factory", app, *where, *quiet]
        with signals.deferred():  # never an unseen child, whenever a signal lands
            self.process = subprocess.Popen(
                command,
                env={**os.environ, **SERVER_ENVIRONMENT},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        os.environ["PREFECT_API_URL"] = self.api_url

    def wait_until_ready(self, timeout_s: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            code = self.process.poll()
            if code == PORT_IN_USE:
                self.start()
                continue
            if code is not None:
                error = (self.process.stderr.read() if self.process.stderr else "").strip()
                raise BymonitorError(
                    f"Prefect's temporary server stopped as it started (exit code {code}): "
                    f"{error.splitlines()[-1] if error else 'no message'}"
                )
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise BymonitorError(
            f"Prefect's temporary server did not start within {timeout_s:.0f} s "
            "(BYMONITOR_PREFECT_STARTUP_TIMEOUT_S); nothing was changed"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> TemporaryServer | None:
    """Start the temporary server unless a Prefect server is configured (`PREFECT_API_URL`)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    server = TemporaryServer()
    atexit.register(server.stop)  # after Prefect's own exit handlers, which flush its logs
    server.start()
    return server
