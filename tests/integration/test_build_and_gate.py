"""Real dbt builds and real Great Expectations validations on the sample and on broken data."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from helpers import cell_positions, copy_built

from flows import pipeline
from flows.gate import GateFailed, load_result
from flows.publish.render import PublishError
from flows.settings import Settings


def _rows(settings, sql: str):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def built(built_sample, tmp_path, monkeypatch) -> Settings:
    """A copy of the sample built once for the session."""
    home = copy_built(built_sample, tmp_path / "built")
    monkeypatch.setenv("BYMONITOR_HOME", str(home))
    return Settings()


def test_the_mart_has_every_town_in_every_year_and_narvik_breaks_before_2020(built):
    assert _rows(built, "select count(distinct town_id), count(*) from marts.town_population") == [
        (10, 10 * 22)  # 2005-2026, the 07459 snapshot's years
    ]
    narvik = _rows(
        built,
        "select year, population, status from marts.town_population "
        "where town_id = 'narvik' and year in (2019, 2020) order by year",
    )
    assert narvik == [(2019, None, "series_break"), (2020, 21845, None)]
    assert _rows(built, "select count(*) from marts.town_population where population = 0") == [(0,)]


def test_change_from_the_previous_year_is_computed(built):
    assert _rows(
        built,
        "select population, change_1y, round(change_1y_pct, 2) from marts.town_population "
        "where town_id = 'bodo' and year = 2022",
    ) == [(52803, 52803 - 52560, round(100 * (52803 / 52560 - 1), 2))]


def test_the_gate_passes_on_the_sample_and_really_looks_at_rows(built):
    result = pipeline.check(built, 2026)
    assert result.passed
    assert len(result.checks) >= 5
    row_checks = [
        c for c in result.checks if c.suite == "town_population" and "rows unexpected" in c.observed
    ]
    assert row_checks and all(c.observed.startswith("0 of 110 rows") for c in row_checks)
    assert load_result(built, 2026) == result


def test_a_zero_population_fails_the_gate_and_nothing_is_published(
    settings, sample_document, write_document
):
    for position in cell_positions(sample_document, Region="K-1804", Tid="2022"):
        sample_document["value"][position] = 0
    pipeline.ingest_statbank(settings, [write_document(sample_document)])
    pipeline.build(settings)
    with pytest.raises(GateFailed) as caught:
        pipeline.check(settings, 2026)
    assert "Bodø 2022: Population is 0, below 1, the lowest plausible value" in str(caught.value)
    [failed] = [
        c
        for c in caught.value.result.critical_failures
        if c.suite == "indicator_bounds" and "Population is 0" in c.observed
    ]
    assert (
        failed.problems["nb"][0]
        == "Bodø 2022: Folketall er 0, lavere enn 1, det laveste som er mulig."
    )
    with pytest.raises(PublishError, match="quality gate failed"):
        pipeline.publish_year(settings, 2026)
    assert not settings.publication_dir(2026).exists()


def test_a_missing_year_without_a_status_fails_the_gate(settings, sample_document, write_document):
    # drop Leknes' figure for 2020 without a StatBank symbol: unexplained absence
    for position in cell_positions(sample_document, Region="K-1860", Tid="2020"):
        sample_document["value"][position] = None
    pipeline.ingest_statbank(settings, [write_document(sample_document)])
    pipeline.build(settings)
    with pytest.raises(GateFailed, match="Every town has a figure for every year"):
        pipeline.check(settings, 2026)


def test_a_new_home_builds_from_the_last_parse_of_the_project(built_sample, tmp_path, monkeypatch):
    """dbt's partial parse carries over: the session's build left its parse in the checkout's
    cache, and a home that never built starts from it instead of parsing every file."""
    from flows.transform import PARSE_CACHE

    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")  # dbt says how it parsed in its debug log
    settings = Settings(home=copy_built(built_sample, tmp_path / "new"))
    shutil.rmtree(settings.dbt_target_dir)  # a home that never built: no parse of its own
    assert (PARSE_CACHE / "bymonitor.duckdb.msgpack").exists()
    pipeline.build(settings)
    log = (settings.dbt_target_dir / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log
    assert "Partial parsing enabled" in log
    assert _rows(settings, "select count(*) from marts.town_population") == [(220,)]
