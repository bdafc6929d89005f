"""The gate's suite files are reviewable and checked before anything runs."""

from pathlib import Path

import pytest

from flows.gate import GateConfigError, gate_parameters, load_suites
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
        "mart: marts.x\nexpectations:\n"
        "  - type: expect_column_values_to_not_be_null\n"
        "    description: {nb: a, en: a}\n"
        "    kwargs: {column: a}\n"
    )
    with pytest.raises(GateConfigError, match=r"bad\.yml: expectation 1 needs severity"):
        load_suites(tmp_path)


def test_parameters_cover_the_report_period(home):
    params = gate_parameters(Settings(history_years=10), 2024, town_count=10)
    assert params["period_start"] == 2014
    assert params["period_years"] == 11
    assert params["expected_town_years"] == 110
