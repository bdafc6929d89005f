"""The quality gate catches broken marts with the right severity, and decides publication."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_DIR

from flows import pipeline
from flows.gate import GateFailed, run_gate
from flows.publish.render import PublishError
from flows.settings import Settings


@pytest.fixture(scope="module")
def built_home(tmp_path_factory) -> Path:
    """A warehouse built from the sample once; each test works on its own copy."""
    home = tmp_path_factory.mktemp("built")
    settings = Settings(home=home)
    pipeline.ingest_statbank(settings, sorted(SAMPLE_DIR.glob("*.json")))
    for source in ("survey", "interviews"):
        pipeline.ingest_sample_people(settings, source)
    pipeline.build(settings)
    return home


@pytest.fixture
def settings(built_home, tmp_path, monkeypatch) -> Settings:
    home = tmp_path / "home"
    shutil.copytree(built_home / "warehouse", home / "warehouse")
    monkeypatch.setenv("BYMONITOR_HOME", str(home))
    return Settings()


def sql(settings: Settings, *statements: str) -> None:
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def failures(settings: Settings, severity: str = "critical") -> dict[str, str]:
    result = run_gate(settings, 2026)
    failed = result.critical_failures if severity == "critical" else result.warnings
    return {c.suite: c.observed for c in failed}


def test_the_sample_passes_with_no_critical_failure_and_every_row_was_looked_at(settings):
    result = run_gate(settings, 2026)
    assert result.passed, [c.description["en"] for c in result.critical_failures]
    bounds = next(c for c in result.checks if c.suite == "indicator_bounds")
    assert bounds.observed.startswith("0 of ") and int(bounds.observed.split()[2]) > 5000


BREAKAGES = {
    "missing-town-year": (
        ["delete from marts.fct_indicator_values where geo_code = 'fauske' and year = 2020 "
         "and indicator_id = 'population'"],
        "headline_coverage",
    ),
    "share-of-140": (
        ["update marts.fct_indicator_values set value = 140 where geo_code = 'bodo' "
         "and year = 2025 and indicator_id = 'share_higher_education'"],
        "indicator_bounds",
    ),
    "duplicated-key": (
        ["insert into marts.fct_indicator_values select * from marts.fct_indicator_values "
         "where geo_code = 'leknes' and year = 2022 and indicator_id = 'births_per_1000'"],
        "indicator_values",
    ),
    "unsuppressed-n-3": (
        ["update marts.survey_town_summary set n = 3 where town_id = 'fauske' and wave = 2026 "
         "and item_id = 'arena_cross_sector' and measure = 'mean_agreement'"],
        "survey",
    ),
    "e-mail-column": (
        ["alter table marts.dim_town add column contact varchar",
         "update marts.dim_town set contact = 'kari.nordmann@example.no' where town_id = 'bodo'"],
        "privacy",
    ),
    "stale-table": (
        ["delete from raw.statbank_cells where table_id = '09817' and time_code = '2026'"],
        "freshness",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_each_breakage_is_a_critical_failure_of_the_right_suite(settings, case):
    statements, suite = BREAKAGES[case]
    sql(settings, *statements)
    failed = failures(settings)
    assert suite in failed, failed
    if case == "share-of-140":
        assert "share_higher_education bodo 2025: 140.0 outside 0.0–100.0" in failed[suite]
    if case == "e-mail-column":
        assert "kari.nordmann@example.no" in failed[suite]


def test_a_critical_failure_publishes_nothing_and_keeps_the_last_report(settings):
    pipeline.check(settings, 2026)
    first = pipeline.publish_year(settings, 2026)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in first.directory.rglob("*")
              if p.is_file()}  # fmt: skip
    sql(settings, *BREAKAGES["share-of-140"][0])
    with pytest.raises(GateFailed, match="indicator_bounds"):
        pipeline.check(settings, 2026)
    page = (settings.warehouse_dir / "gate" / "2026.html").read_text(encoding="utf-8")
    assert "FAILED" in page and "share_higher_education bodo 2025" in page
    with pytest.raises(PublishError, match="quality gate failed"):
        pipeline.publish_year(settings, 2026)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in first.directory.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == before


def test_a_warning_is_published_and_shown_in_the_report(settings):
    sql(
        settings,
        "update marts.fct_indicator_values set value = value * 1.2 where geo_code = 'sortland' "
        "and year = 2022 and indicator_id = 'population'",
    )
    result = pipeline.check(settings, 2026)
    assert result.passed
    [warning] = result.warnings
    assert warning.suite == "stability" and "population sortland 2022: " in warning.observed
    publication = pipeline.publish_year(settings, 2026)
    index = (publication.directory / "index.html").read_text(encoding="utf-8")
    assert "population sortland 2022: " in index
    quality = publication.directory / "quality"
    assert (quality / "quality.json").is_file() and (quality / "index.html").is_file()
