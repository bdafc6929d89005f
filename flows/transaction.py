"""All-or-nothing runs: a run writes to a copy of the warehouse that replaces it only on success.

A failed or killed run therefore leaves the committed warehouse exactly as it was, and readers
(the report, `bymonitor status`, BI tools) can read it while a run is under way. The copy costs one
file copy per run (a few MB for the sample; see docs/performance.md).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.ingest import landing
from flows.settings import Settings
from flows.warehouse import open_duckdb

log = logging.getLogger(__name__)


def working_copy_path(settings: Settings) -> Path:
    committed = settings.committed_warehouse_path
    return committed.with_name(committed.stem + ".next" + committed.suffix)


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def _checkpoint(path: Path, verify: bool = False) -> None:
    """Fold a left-over write-ahead log into the file so that a byte copy is complete; with
    `verify`, open the file even without one, so that a damaged warehouse is named as such
    rather than copied."""
    has_wal = path.with_name(path.name + ".wal").exists()
    if has_wal or verify:
        open_duckdb(path, read_only=not has_wal).close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def warehouse_transaction(settings: Settings) -> Iterator[Settings]:
    """Yield settings whose warehouse is a fresh copy of the committed one; on success the copy
    replaces the committed warehouse in one rename, on any failure it is thrown away.

    Call it holding the writer lock: a copy left by a killed run is removed here.
    """
    committed = settings.committed_warehouse_path
    work = working_copy_path(settings)
    if work.exists():
        log.info("removing the unfinished working copy of a run that stopped: %s", work.name)
    _remove(work)
    committed.parent.mkdir(parents=True, exist_ok=True)
    if committed.exists():
        _checkpoint(committed, verify=True)
        shutil.copyfile(committed, work)
    landed = landing.landed_mark()
    try:
        yield settings.working_on(work)
    except BaseException:
        _remove(work)
        landing.discard_landed_since(landed)  # copies whose loads are not committed
        raise
    if not work.exists():  # nothing was written (e.g. a stage found nothing to do)
        return
    _checkpoint(work)
    _fsync(work)
    os.replace(work, committed)
    _fsync(committed.parent)
