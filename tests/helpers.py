"""Helpers shared by the tests: paths to the sample and a way to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from flows.settings import REPO_ROOT

SAMPLE_DIR = REPO_ROOT / "data" / "sample" / "statbank"
SAMPLE_STATBANK = SAMPLE_DIR / "07459.json"
SHARED_SSB = REPO_ROOT.parent / "shared" / "data" / "ssb"
BYMONITOR = Path(sys.executable).parent / "bymonitor"


def run_cli(
    home: Path, *args: str, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `bymonitor` command in its own process, as a user would. The PDF is
    left out (`BYMONITOR_PDF=false`: laying it out is half a refresh's time) unless `env` asks
    for it; the tests of the PDF publish it."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))
    }
    environment["BYMONITOR_PDF"] = "false"
    environment.update(env or {})
    environment["BYMONITOR_HOME"] = str(home)
    return subprocess.run(
        [str(BYMONITOR), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def copy_sample(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_STATBANK, target / SAMPLE_STATBANK.name)
    return target / SAMPLE_STATBANK.name


def copy_built(built: Path, target: Path) -> Path:
    """A copy of a built home's warehouse (the session's `built_sample`) as a new home."""
    shutil.copytree(built / "warehouse", target / "warehouse")
    return target


def pdf_pages(path: Path) -> list[str]:
    """A PDF's text page by page (pdftotext where installed, else pypdf)."""
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        pages = out.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def cell_positions(document: dict, **codes: str) -> list[int]:
    """Positions in `value` of the cells whose codes match, e.g. Region="K-1804", Tid="2022"."""
    from flows.ingest import jsonstat

    dataset = jsonstat.parse(document)
    return [
        position
        for position, cell in enumerate(dataset.cells())
        if all(cell.codes[k] == v for k, v in codes.items())
    ]


def query(path: Path, sql: str, *parameters: object) -> list[tuple]:
    """The rows of one query on a DuckDB file, opened read-only and closed again."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(parameters)).fetchall()
    finally:
        con.close()


def warehouse_state(path: Path) -> dict[str, tuple[int, int]]:
    """Rows and an order-free checksum of every table in the raw and marts schemas."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('raw', 'marts') order by 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'select count(*), coalesce(bit_xor(hash(t)), 0) from {schema}."{table}" t'
            ).fetchone()
            for schema, table in tables
        }
    finally:
        con.close()


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, with its bytes."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}
