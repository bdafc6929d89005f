"""Put on PYTHONPATH by a test: every process of a run (and its children) records each file it
opens under BYMONITOR_TEST_WATCH into BYMONITOR_TEST_OPEN_LOG, through Python's audit hooks."""

import os
import sys

_WATCH = os.environ.get("BYMONITOR_TEST_WATCH")
_LOG = os.environ.get("BYMONITOR_TEST_OPEN_LOG")
_busy = False


def _hook(event: str, args: tuple) -> None:
    global _busy
    if _busy or event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    target = args[0]
    if not isinstance(target, (str, bytes, os.PathLike)):
        return
    path = os.path.abspath(os.fsdecode(target))
    if not path.startswith(_WATCH):
        return
    _busy = True
    try:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {event} {path}\n")
    finally:
        _busy = False


if _WATCH and _LOG:
    sys.addaudithook(_hook)
