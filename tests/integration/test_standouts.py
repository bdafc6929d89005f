"""Strengths and weaknesses only from meaningful differences, on the sample and on the page."""

from __future__ import annotations

import duckdb
import pytest
from helpers import copy_built

from flows.gate import GateResult
from flows.publish.marts import read_report_data
from flows.publish.render import build_pages
from flows.settings import Settings


@pytest.fixture(scope="module")
def standouts(built_sample) -> list[dict]:
    con = duckdb.connect(str(built_sample / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        frame = con.execute(
            "select s.*, c.min_meaningful_difference, c.higher_is_better "
            "from marts.town_strengths_weaknesses as s "
            "inner join marts.dim_indicator as c using (indicator_id)"
        ).df()
    finally:
        con.close()
    return frame.to_dict("records")


def test_every_strength_and_weakness_differs_from_the_median_by_more_than_its_threshold(
    standouts,
):
    assert standouts
    for row in standouts:
        assert abs(row["value"] - row["median_of_towns"]) > row["threshold"], row
        assert row["threshold"] >= row["min_meaningful_difference"], row
        better = (row["difference"] > 0) == bool(row["higher_is_better"])
        assert row["kind"] == ("strength" if better else "weakness"), row


def test_sizes_and_shares_of_the_county_are_never_strengths(standouts):
    ids = {row["indicator_id"] for row in standouts}
    assert not ids & {"population", "jobs_workplace", "share_of_county_population"}


def test_a_small_survey_town_needs_a_larger_difference(standouts):
    survey = [row for row in standouts if row["n"] is not None and row["n"] == row["n"]]
    assert survey, "the sample has survey strengths or weaknesses"
    for row in survey:
        assert row["threshold"] >= 10, row
    small = min(survey, key=lambda row: row["n"])
    large = max(survey, key=lambda row: row["n"])
    assert small["threshold"] > large["threshold"]


def test_a_town_with_no_meaningful_difference_says_so(built_sample, tmp_path):
    home = copy_built(built_sample, tmp_path / "home")
    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"))
    con.execute("delete from marts.town_strengths_weaknesses where town_id = 'bronnoysund'")
    con.close()
    settings = Settings(home=home)
    gate = GateResult(report_year=2026, period_start=2016, checked_at="2026-03-15", checks=[])
    data = read_report_data(settings.warehouse_path)
    nb = build_pages(data, gate, 2026, settings, "nb")
    assert "Ingen indikator er tydelig bedre enn medianen for de ti byene" in nb["bronnoysund.html"]
    assert "Ingen indikator er tydelig svakere" in nb["bronnoysund.html"]
    assert "Ingen indikator er tydelig" not in nb["bodo.html"]
    en = build_pages(data, gate, 2026, settings, "en")
    assert "No indicator is clearly weaker than the ten-town median" in en["bronnoysund.html"]
