"""SIGTERM and SIGINT stop a command cleanly.

Python's default for SIGTERM ends the process on the spot: no `finally`, no `atexit`, so dbt's
process, the PDF child and Prefect's temporary server would live on and the run's working copy
would stay behind. `install()` turns both signals into `Interrupted`, an exception that unwinds
every stage like Ctrl-C does: a child process is killed by the code that waits for it, the working
copy and staging folders are removed, the run is recorded as interrupted, and at exit Prefect
stops its temporary server. Inside a flow Prefect raises its own `TerminationSignal` for SIGTERM
first; once it has unwound the flow it sends the signal again, and then it lands here.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

HANDLED = (signal.SIGTERM, signal.SIGINT)


class Interrupted(KeyboardInterrupt):
    """The command received SIGTERM or SIGINT."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


_interrupted: list[int] = []  # the signal that interrupted this process, once one did


def _stop(signum: int, frame: object) -> None:
    # Further signals would break off the clean-up itself (which takes a moment): ignored.
    for handled in HANDLED:
        signal.signal(handled, signal.SIG_IGN)
    _interrupted.append(signum)
    raise Interrupted(signum)


def install() -> None:
    """Let SIGTERM and SIGINT raise `Interrupted` in the main thread (a no-op elsewhere), and,
    when one did, stop any child still running as the very last thing before the process exits
    (after Prefect's own exit handlers, which stop its temporary server and flush its logs)."""
    try:
        for handled in HANDLED:
            signal.signal(handled, _stop)
    except ValueError:  # not the main thread
        return
    atexit.register(_end_children_if_interrupted)  # registered first, so it runs last


def _end_children_if_interrupted() -> None:
    if _interrupted:
        end_children()


def interruption(exc: BaseException) -> signal.Signals | None:
    """The signal behind an exception that interrupted a run (ours, Prefect's translation of
    SIGTERM, or a plain Ctrl-C), or None for any other exception."""
    if isinstance(exc, Interrupted):
        return signal.Signals(exc.signum)
    if isinstance(exc, KeyboardInterrupt):
        return signal.SIGINT
    signum = getattr(exc, "signal", None)
    if type(exc).__name__ == "TerminationSignal" and isinstance(signum, int):
        return signal.Signals(signum)
    return None


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back while a child process is started, and deliver them after.

    A signal that lands while `Popen` waits for the child to exec would raise before the caller
    has the child's handle, and the child would run on, unseen. Whichever handler is in force
    (ours, or Prefect's inside a flow) gets the signal once the block has ended.
    """
    pending: list[int] = []
    try:
        previous = {s: signal.signal(s, lambda signum, frame: pending.append(signum))
                    for s in HANDLED}  # fmt: skip
    except ValueError:  # not the main thread: signals are not delivered here anyway
        yield
        return
    try:
        yield
    finally:
        for handled, handler in previous.items():
            signal.signal(handled, handler)
        if pending:
            os.kill(os.getpid(), pending[0])


def run(args: list[str], **options) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(..., capture_output=True, text=True)` for a child that must not outlive an
    interruption: started with signals deferred, killed and reaped on any exception."""
    process = None
    try:
        with deferred():
            process = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
            )
        stdout, stderr = process.communicate()
    except BaseException:
        if process is not None:
            process.kill()
            process.wait()
        raise
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def end_children(grace_s: float = 5.0) -> None:
    """Stop every child process still running (a last safeguard when a command is interrupted):
    SIGTERM, then SIGKILL after `grace_s`. Linux only (reads /proc); elsewhere nothing."""
    children = _children()
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while children and time.monotonic() < deadline:
        children = [pid for pid in children if _running(pid)]
        time.sleep(0.05)
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for pid in children:
        _running(pid)


def _children() -> list[int]:
    me, found = os.getpid(), []
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                        found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether a child still runs (a finished one is reaped here)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0
