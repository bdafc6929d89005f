"""Is the last publication already what a refresh would produce? Checked before Prefect starts.

A rerun with nothing changed skips every stage anyway (by checksum and fingerprint); checking the
same fingerprints up front lets `bymonitor run` say so in a second instead of starting Prefect's
temporary server to skip four stages.
"""

from __future__ import annotations

import json

from flows import fingerprint, pipeline
from flows.gate import load_result
from flows.ingest.landing import sha256_of
from flows.settings import Settings
from flows.warehouse import connect


def up_to_date(settings: Settings, year: int | None = None) -> str | None:
    """The published report's index page when nothing a refresh reads has changed, else None."""
    if not settings.committed_warehouse_path.exists():
        return None
    try:
        inputs = pipeline.sample_statbank_files(settings) + [
            path for source in ("survey", "interviews")
            for path, _ in pipeline.sample_files(settings, source)
        ]  # fmt: skip
        with connect(settings.committed_warehouse_path, read_only=True) as con:
            loaded = {r[0] for r in con.execute("select sha256 from raw._loads").fetchall()}
        if any(sha256_of(path) not in loaded for path in inputs):
            return None
        build = fingerprint.build_fingerprint(settings)
        if fingerprint.recorded(settings, "build") != build:
            return None
        year = year or pipeline.latest_year(settings)
        gate = fingerprint.gate_fingerprint(settings, build, year)
        result = load_result(settings, year)
        if (
            fingerprint.recorded(settings, f"gate-{year}") != gate
            or not result
            or not result.passed
        ):
            return None
        manifest = settings.publication_dir(year) / "manifest.json"
        published = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        if published.get("inputs_fingerprint") != fingerprint.publish_fingerprint(
            settings, gate, settings.lang
        ):
            return None
    except Exception:  # anything unexpected: let the full refresh find and report it
        return None
    return str(settings.publication_dir(year) / "index.html")
