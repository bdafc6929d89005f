"""Fingerprints of a stage's inputs, so a rerun with nothing changed can skip the stage."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

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
    """What the marts depend on: every load and the dbt project."""
    return hashlib.sha256(
        (loads_digest(settings) + _tree_digest(settings.dbt_project_dir)).encode()
    ).hexdigest()


def gate_fingerprint(settings: Settings, build: str, year: int) -> str:
    suites = _tree_digest(settings.expectations_dir)
    return hashlib.sha256(f"{build}:{suites}:{year}:{settings.history_years}".encode()).hexdigest()


def publish_fingerprint(settings: Settings, gate: str, lang: str) -> str:
    reports = settings.templates_dir.parent
    code = _tree_digest(
        reports / "templates",
        reports / "static",
        reports / "messages",
        Path(__file__).parent / "publish",
    )
    return hashlib.sha256(f"{gate}:{code}:{lang}".encode()).hexdigest()


def recorded(path: Path) -> str | None:
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def record(path: Path, fingerprint: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(fingerprint + "\n", encoding="utf-8")
