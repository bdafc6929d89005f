"""The published report: every page well-formed and true to the marts, the PDF, the downloads,
the manifest, and a failed render that leaves the last publication as it was."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_DIR
from openpyxl import load_workbook
from pypdf import PdfReader

from flows import pipeline
from flows.publish.marts import MARTS
from flows.settings import Settings

NBSP = "\u00a0"
VOID = {"meta", "link", "br", "img", "hr", "input", "source", "col", "wbr", "area", "base"}


@pytest.fixture(scope="module")
def built_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("report")
    settings = Settings(home=home)
    pipeline.ingest_statbank(settings, sorted(SAMPLE_DIR.glob("*.json")))
    for source in ("survey", "interviews"):
        pipeline.ingest_sample_people(settings, source)
    pipeline.build(settings)
    pipeline.check(settings, 2026)
    return home


@pytest.fixture(scope="module")
def publication(built_home) -> Path:
    return pipeline.publish_year(Settings(home=built_home), 2026).directory


class Balanced(HTMLParser):
    """Fails on a closing tag that does not match the open one (a broken page)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> at {self.getpos()} but open {self.stack[-3:]}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Balanced:
    parser = Balanced()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_every_html_page_is_well_formed(publication):
    pages = sorted(publication.rglob("*.html"))
    names = {p.name for p in pages}
    assert {"index.html", "region.html", "methods.html", "bodo.html", "mo-i-rana.html",
            "svolvaer.html", "bronnoysund.html", "sandnessjoen.html"} <= names  # fmt: skip
    for page in pages:
        parser = parse(page)
        assert not parser.problems, (page.name, parser.problems[:3])
        assert parser.stack == [], (page.name, parser.stack)


def test_each_town_page_shows_its_own_figures_from_the_marts(built_home, publication):
    con = duckdb.connect(str(built_home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select t.town_id, t.town_name, f.value from marts.fct_indicator_values f "
            "join marts.dim_town t on f.geo_code = t.town_id where f.geo_level = 'town' "
            "and f.year = 2026 and f.indicator_id = 'population'"
        ).fetchall()
    finally:
        con.close()
    for town_id, name, population in rows:
        text = " ".join(parse(publication / f"{town_id}.html").text)
        figure = f"{int(population):,}".replace(",", NBSP)
        assert f"Folketallet i {name} var {figure} 1. januar 2026." in text, town_id
        assert (
            f'<h1 id="town-{town_id}">{name}</h1>' in (publication / f"{town_id}.html").read_text()
        )


def test_the_pdf_is_a4_with_a_chapter_per_town(publication):
    reader = PdfReader(publication / "report.pdf")
    assert len(reader.pages) >= 20
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("Bodø", "Narvik", "Mo i Rana", "Mosjøen", "Sandnessjøen", "Brønnøysund",
                 "Fauske", "Svolvær", "Leknes", "Sortland"):  # fmt: skip
        assert name in text, name
    contents = reader.pages[1].extract_text()
    assert "Innhold" in contents and re.search(r"Bodø \.+ \d+", contents)


def test_the_downloads_hold_every_mart(publication):
    for name in MARTS:
        assert (publication / "data" / f"{name}.csv").is_file(), name
        assert (publication / "data" / "machine" / f"{name}.csv").is_file(), name
    assert (publication / "data" / "machine" / "README.txt").is_file()
    index = (publication / "index.html").read_text(encoding="utf-8")
    assert all(f'href="data/{name}.csv"' in index for name in MARTS)
    workbook = load_workbook(publication / "data" / "bymonitor.xlsx", read_only=True)
    assert set(workbook.sheetnames) == {"definisjoner", *(n[:31] for n in MARTS)}
    con = duckdb.connect(str(publication / "bymonitor.duckdb"), read_only=True)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        types = {r[0] for r in con.execute(
            "select distinct data_type from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()}  # fmt: skip
        population = con.execute(
            "select value from marts.fct_indicator_values where geo_code = 'bodo' "
            "and year = 2022 and indicator_id = 'population'"
        ).fetchone()[0]
    finally:
        con.close()
    assert tables == set(MARTS)
    assert not {t for t in types if t.startswith(("DECIMAL", "HUGEINT", "U"))}
    assert population == 52803


def test_every_file_has_the_checksum_the_manifest_lists(publication):
    manifest = json.loads((publication / "manifest.json").read_text(encoding="utf-8"))
    listed = set(manifest["files"])
    on_disk = {str(p.relative_to(publication)) for p in publication.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.json"} == listed
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((publication / name).read_bytes()).hexdigest() == digest, name
    assert manifest["gate"]["passed"] is True and manifest["code_version"]


def test_english_uses_english_words_and_number_formats(built_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    publication = pipeline.publish_year(Settings(home=home), 2026, lang="en").directory
    page = (publication / "bodo.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "Bodø had 53,638 inhabitants on 1 January 2026." in page  # SSB
