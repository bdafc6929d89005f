"""What was published equals the marts: the pages' figures and the downloads are read back after
rendering and compared with the marts; a difference stops the publication and keeps the last."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from flows import pipeline
from flows.gate import GateFailed
from flows.publish import render, verify
from flows.publish.formatting import Formatter
from flows.publish.render import PublishError
from flows.settings import Settings


@pytest.fixture(scope="module")
def published(published_sample) -> tuple[Settings, Path]:
    """The session's published sample: a failed publication must leave it as it is."""
    settings = Settings(home=published_sample)
    return settings, settings.publication_dir(2026)


def _copy(publication: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(publication, tmp_path / "copy"))


def test_the_published_sample_shows_what_the_marts_hold(published):
    settings, publication = published
    assert verify.verify_publication(publication, settings.warehouse_path, "nb") == []
    marked = verify._Marked()
    marked.feed((publication / "bodo.html").read_text(encoding="utf-8"))
    assert len(marked.figures) > 15  # key figure, population table, strengths and weaknesses


def test_a_download_that_differs_from_the_marts_is_named(published, tmp_path):
    settings, publication = published
    copy = _copy(publication, tmp_path)
    path = copy / "data" / "machine" / "town_population.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    column = lines[0].split(",").index("population")
    number = next(i for i, line in enumerate(lines[1:], 1) if line.split(",")[column])
    changed = lines[number].split(",")
    changed[column] = str(float(changed[column]) + 1)
    lines[number] = ",".join(changed)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = verify.verify_publication(copy, settings.warehouse_path, "nb")
    assert len(problems) == 1, problems
    assert problems[0].startswith("data/machine/town_population.csv: population of town_id bodo")
    assert "but the marts hold" in problems[0]


def test_a_download_for_people_that_differs_from_the_marts_is_named(published, tmp_path):
    """The CSV for Excel (semicolons, decimal comma, headers in bokmål) is read back too."""
    settings, publication = published
    copy = _copy(publication, tmp_path)
    path = copy / "data" / "town_population.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    column = lines[0].split(";").index("Folketall")
    changed = lines[1].split(";")
    changed[column] = str(int(changed[column]) + 1)
    lines[1] = ";".join(changed)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    problems = verify.verify_publication(copy, settings.warehouse_path, "nb")
    assert len(problems) == 1, problems
    assert problems[0].startswith("data/town_population.csv: population of town_id ")
    assert f"shows {changed[column]}, but the marts hold {int(changed[column]) - 1}." in problems[0]


def test_the_duckdb_copy_s_changed_row_and_changed_type_are_named(published, tmp_path):
    """DuckDB finds a copied table equal to its mart or not; one that is not is compared value
    by value, and each difference named as in every other download."""
    settings, publication = published
    copy = _copy(publication, tmp_path)
    con = duckdb.connect(str(copy / "bymonitor.duckdb"))
    con.execute(
        "update marts.town_population set population = population + 1 "
        "where town_id = 'bodo' and year = 2026"
    )
    con.execute("alter table marts.dim_town alter town_id type varchar(40)")  # same values
    con.execute("alter table marts.regional_summary alter year type varchar")  # '2026'
    con.close()
    problems = verify.verify_publication(copy, settings.warehouse_path, "nb")
    assert [p for p in problems if "table town_population" in p] == [
        "bymonitor.duckdb, table town_population: population of town_id bodo, year 2026 "
        "shows 53639, but the marts hold 53638."
    ], problems
    assert any(p.startswith("bymonitor.duckdb, table regional_summary: ") for p in problems)
    assert not any("dim_town" in p for p in problems), problems


def test_duckdb_compares_an_unchanged_copy_and_catches_a_writer_that_rounds(
    published, tmp_path, monkeypatch
):
    """An unchanged copy needs no comparison in Python; a copy whose writer rounds its decimals
    (the writer's fault, so its own query would round too) is still named."""
    from flows.publish import downloads
    from flows.publish.marts import read_report_data

    settings, publication = published
    marts = read_report_data(settings.warehouse_path).marts
    compared: list[str] = []
    compare = verify._compare_rows

    def counted(file, *args, **kwargs):
        compared.append(file)
        return compare(file, *args, **kwargs)

    monkeypatch.setattr(verify, "_compare_rows", counted)
    copy = publication / "bymonitor.duckdb"
    assert verify.check_duckdb_copy(copy, marts, settings.warehouse_path) == []
    assert compared == []  # every table found equal by DuckDB

    plain = downloads._plain

    def rounding(column: str, kind: str) -> str:  # a faulty writer: decimals to one place
        if kind.upper() == "DOUBLE":
            name = downloads.sql_identifier(column)
            return f"round({name}, 1) as {name}"
        return plain(column, kind)

    monkeypatch.setattr(downloads, "_plain", rounding)
    rounded = tmp_path / "rounded.duckdb"
    downloads.write_duckdb_copy(settings.warehouse_path, rounded)
    problems = verify.check_duckdb_copy(rounded, marts, settings.warehouse_path)
    assert any("table town_population:" in p for p in problems), problems
    assert set(compared) > {"bymonitor.duckdb, table town_population"}


def test_a_page_figure_that_differs_from_the_marts_is_named(published, tmp_path):
    settings, publication = published
    copy = _copy(publication, tmp_path)
    page = copy / "bodo.html"
    html = page.read_text(encoding="utf-8")
    marked = 'data-key="town_id=bodo;year=2026">'
    start = html.index(marked) + len(marked)
    end = html.index("<", start)
    page.write_text(html[:start] + "50\u00a0000" + html[end:], encoding="utf-8")
    problems = verify.verify_publication(copy, settings.warehouse_path, "nb")
    assert problems == [
        "bodo.html: town_population.population (town_id bodo, year 2026) shows 50\u00a0000, "
        "but the marts hold 53638."
    ]


def test_a_report_that_would_show_other_figures_is_not_published(published, monkeypatch):
    settings, publication = published
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in publication.rglob("*")
              if p.is_file()}  # fmt: skip
    number = Formatter.number

    def off_by_one(self, value, decimals=0):  # a rendering fault: every number one too high
        return number(self, value + 1 if value is not None else None, decimals)

    monkeypatch.setattr(Formatter, "number", off_by_one)
    checked: list[str] = []

    def verify_publication(staging, warehouse, lang, extra_pages=None):
        checked.extend(extra_pages or {})
        return verify.verify_publication(staging, warehouse, lang, extra_pages)

    monkeypatch.setattr(render, "verify_publication", verify_publication)
    with pytest.raises(PublishError) as caught:
        pipeline.publish_year(settings, 2026)
    assert not settings.pdf  # the tests' publications make no PDF: the print page is named so
    assert checked == ["print.html (print page, no PDF made)"]
    message = str(caught.value)
    assert "the 2026 report would not show what the marts hold" in message
    assert "town_population.population (town_id bodo, year 2026) shows 53\u00a0639" in message
    assert "Nothing was published; the previous publication is unchanged." in message
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in publication.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == before
    assert not [p for p in publication.parent.iterdir() if p.name.startswith(".")]


def test_a_failed_gate_publishes_nothing_and_keeps_the_last_report(published, tmp_path):
    settings, publication = published
    home = tmp_path / "home"
    shutil.copytree(settings.home, home, ignore=shutil.ignore_patterns(".prefect"))
    settings = Settings(home=home)
    publication = settings.publication_dir(2026)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in publication.rglob("*")
              if p.is_file()}  # fmt: skip
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(
        "update marts.fct_indicator_values set value = 140 where geo_code = 'bodo' "
        "and year = 2025 and indicator_id = 'share_higher_education'"
    )
    con.close()
    with pytest.raises(GateFailed, match=r"Bodø 2025: Share with higher education is 140\.0 %"):
        pipeline.check(settings, 2026)
    with pytest.raises(PublishError, match="quality gate failed"):
        pipeline.publish_year(settings, 2026)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in publication.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == before
