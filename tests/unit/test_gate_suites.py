"""The gate's suite files are reviewable and checked before anything runs."""

from pathlib import Path

import pytest

from flows.gate import THEMES, GateConfigError, gate_parameters, load_suites
from flows.gate_messages import fill
from flows.settings import REPO_ROOT, Settings


def test_every_suite_in_the_repository_loads():
    suites = load_suites(REPO_ROOT / "expectations" / "suites")
    assert {s.name for s in suites} >= {"town_population"}
    for suite in suites:
        assert suite.expectations, suite.name
        for item in suite.expectations:
            assert item["severity"] in ("critical", "warning")


def test_a_suite_without_severity_is_refused(tmp_path: Path):
    (tmp_path / "bad.yml").write_text(
        "mart: marts.x\ntheme: plausibility\nexpectations:\n"
        "  - type: expect_column_values_to_not_be_null\n"
        "    description: {nb: a, en: a}\n"
        "    kwargs: {column: a}\n"
    )
    with pytest.raises(GateConfigError, match=r"bad\.yml: expectation 1 needs severity"):
        load_suites(tmp_path)


def test_a_suite_with_an_unknown_theme_is_refused(tmp_path: Path):
    (tmp_path / "bad.yml").write_text("mart: marts.x\ntheme: quality\nexpectations: []\n")
    with pytest.raises(GateConfigError, match=r"bad\.yml: the theme must be one of completeness"):
        load_suites(tmp_path)


def test_every_rule_has_its_severity_in_great_expectations_and_its_words_in_both_languages():
    for suite in load_suites(REPO_ROOT / "expectations" / "suites"):
        assert suite.theme in THEMES, suite.name
        for item in suite.expectations:
            assert set(item["description"]) >= {"nb", "en"}, suite.name
            if "problem" in item:
                assert set(item["problem"]) >= {"nb", "en"}, suite.name


def test_a_problem_is_written_the_way_each_language_writes_numbers():
    values = {"place": "Bodø", "year": 2024, "residual": -228.0, "per_1000": -4.25, "n": 53712.0}
    template = "{place} {year}: {residual:+} ({per_1000:+.1} per 1000), {n}"
    assert fill(template, "nb", values) == "Bodø 2024: \u2212228 (\u22124,2 per 1000), 53\u00a0712"
    assert fill(template, "en", values) == "Bodø 2024: \u2212228 (\u22124.2 per 1000), 53,712"
    assert fill("{missing}", "nb", {"missing": None}) == "–"


def test_parameters_cover_the_report_period(home):
    params = gate_parameters(Settings(history_years=10), 2024, town_count=10)
    assert params["period_start"] == 2014
    assert params["period_years"] == 11
    assert params["expected_town_years"] == 110
