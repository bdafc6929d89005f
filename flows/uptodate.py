"""Whether each stage's last success still stands: one set of rules for the flow's tasks, which
skip a stage whose inputs did not change, and for `bymonitor run`, which checks all of them before
starting Prefect and says the report is up to date when nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from flows import fingerprint, pipeline
from flows.gate import GateResult, load_result
from flows.ingest.landing import sha256_of
from flows.settings import Settings
from flows.warehouse import connect


def build_state(settings: Settings) -> tuple[str, bool]:
    """The build's fingerprint now, and whether the last build was made from the same."""
    current = fingerprint.build_fingerprint(settings)
    return current, fingerprint.recorded(settings, "build") == current


def gate_state(settings: Settings, year: int) -> tuple[str, GateResult | None, bool]:
    """The gate's fingerprint for the year, its last result, and whether that result passed on
    the same marts and suites."""
    build = fingerprint.recorded(settings, "build") or ""
    current = fingerprint.gate_fingerprint(settings, build, year)
    previous = load_result(settings, year)
    unchanged = (
        fingerprint.recorded(settings, f"gate-{year}") == current
        and previous is not None
        and previous.passed
    )
    return current, previous, unchanged


def publication_state(
    settings: Settings, year: int, stale: dict[str, str | None] | None = None
) -> tuple[str, bool]:
    """The publication's fingerprint, and whether the year's published report has it."""
    gate = fingerprint.recorded(settings, f"gate-{year}") or ""
    current = fingerprint.publish_fingerprint(settings, gate, settings.lang, stale)
    return current, bool(gate) and published_fingerprint(settings.publication_dir(year)) == current


def published_fingerprint(publication: Path) -> str | None:
    manifest = publication / "manifest.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("inputs_fingerprint")


def up_to_date(settings: Settings, year: int | None = None) -> str | None:
    """The published report's index page when nothing a refresh reads has changed, else None."""
    if not settings.committed_warehouse_path.exists():
        return None
    try:
        inputs = pipeline.sample_statbank_files(settings) + [
            path for source in ("survey", "interviews", "measures")
            for path, _ in pipeline.sample_files(settings, source)
        ]  # fmt: skip
        with connect(settings.committed_warehouse_path, read_only=True) as con:
            loaded = {r[0] for r in con.execute("select sha256 from raw._loads").fetchall()}
        if any(sha256_of(path) not in loaded for path in inputs):
            return None
        if not build_state(settings)[1]:
            return None
        year = year or pipeline.latest_year(settings)
        if not gate_state(settings, year)[2] or not publication_state(settings, year)[1]:
            return None
    except Exception:  # anything unexpected: let the full refresh find and report it
        return None
    return str(settings.publication_dir(year) / "index.html")
