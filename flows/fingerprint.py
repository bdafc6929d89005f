"""Fingerprints of a stage's inputs, so a rerun with nothing changed can skip the stage."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from flows.ingest.statbank_catalogue import CATALOGUE_PATH
from flows.settings import Settings
from flows.warehouse import connect

CODE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".html", ".css", ".py"}


def _tree_digest(*roots: Path) -> str:
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES):
            if "target" in path.parts or "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def loads_digest(settings: Settings) -> str:
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute("select load_id from raw._loads order by load_id").fetchall()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def build_fingerprint(settings: Settings) -> str:
    """What the marts depend on: every load, the dbt project and the StatBank catalogue (its
    table list is written to the warehouse before each build)."""
    catalogue = hashlib.sha256(CATALOGUE_PATH.read_bytes()).hexdigest()
    return hashlib.sha256(
        (loads_digest(settings) + _tree_digest(settings.dbt_project_dir) + catalogue).encode()
    ).hexdigest()


def gate_fingerprint(settings: Settings, build: str, year: int) -> str:
    suites = _tree_digest(settings.expectations_dir)
    return hashlib.sha256(f"{build}:{suites}:{year}:{settings.history_years}".encode()).hexdigest()


def publish_fingerprint(
    settings: Settings, gate: str, lang: str, stale: dict[str, str | None] | None = None
) -> str:
    reports = settings.templates_dir.parent
    code = _tree_digest(
        reports / "templates",
        reports / "static",
        reports / "messages",
        Path(__file__).parent / "publish",
    )
    stale_key = json.dumps(stale or {}, sort_keys=True)
    pdf = "pdf" if settings.pdf else "no-pdf"
    return hashlib.sha256(f"{gate}:{code}:{lang}:{stale_key}:{pdf}".encode()).hexdigest()


def recorded(settings: Settings, stage: str) -> str | None:
    """The fingerprint of a stage's last success, kept in the warehouse (ops.fingerprints) so
    that it is committed or thrown away together with what the stage wrote."""
    if not settings.warehouse_path.exists():
        return None
    with connect(settings.warehouse_path, read_only=True) as con:
        try:
            row = con.execute(
                "select value from ops.fingerprints where stage = ?", [stage]
            ).fetchone()
        except duckdb.CatalogException:  # a warehouse from before the ops schema
            return None
    return row[0] if row else None


def record(settings: Settings, stage: str, fingerprint: str | None) -> None:
    """Keep (or with None, forget) a stage's fingerprint."""
    with connect(settings.warehouse_path) as con:
        con.execute("delete from ops.fingerprints where stage = ?", [stage])
        if fingerprint is not None:
            con.execute(
                "insert into ops.fingerprints values (?, ?, current_timestamp)",
                [stage, fingerprint],
            )
