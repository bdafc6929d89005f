"""The quality gate catches broken marts with the right severity and says what is wrong, where
and by how much; its verdict lives in the warehouse and decides publication."""

from __future__ import annotations

import duckdb
import pytest
from helpers import copy_built

from flows import pipeline
from flows.gate import GateFailed, GateResult, load_result, run_gate
from flows.publish.marts import read_report_data
from flows.publish.render import PublishError, build_pages
from flows.settings import Settings

PLAUSIBILITY_SUITES = {
    "population_accounting",
    "national_migration",
    "additive_sums",
    "indicator_bounds",
    "age_shares",
    "identical_values",
    "stability",
}


@pytest.fixture
def settings(built_sample, tmp_path, monkeypatch) -> Settings:
    """A copy of the session's built sample; each test breaks its own."""
    home = copy_built(built_sample, tmp_path / "home")
    monkeypatch.setenv("BYMONITOR_HOME", str(home))
    return Settings()


def sql(settings: Settings, *statements: str) -> None:
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def shift_count(measure: str, municipality: str, year: int, delta: int) -> list[str]:
    """Change a municipality's count and, consistently, every sum it is part of (its town, its
    region, Nordland), as a source with that one figure wrong would."""
    return [
        f"update intermediate.int_statbank__measures set value = value + {delta} "
        f"where measure = '{measure}' and year = {year} and ((region_level = 'municipality' "
        f"and region_id = '{municipality}') or region_level = 'county')",
        f"update intermediate.int_geo_measures set value = value + {delta} "
        f"where measure = '{measure}' and year = {year} and (geo_level = 'county' "
        "or (geo_level, geo_code) in (select geo_level, geo_code from "
        f"intermediate.int_geo_members where municipality_code = '{municipality}'))",
    ]


def problems(result: GateResult, suite: str, severity: str, lang: str = "en") -> list[str]:
    failed = result.critical_failures if severity == "critical" else result.warnings
    return [p for c in failed if c.suite == suite for p in c.problems[lang]]


def test_the_sample_passes_every_check_and_every_plausibility_rule_looked_at_rows(settings):
    result = run_gate(settings, 2026)
    assert result.passed, [c.headline("en") for c in result.critical_failures]
    assert not result.warnings, [c.headline("en") for c in result.warnings]
    assert {c.suite for c in result.checks} >= PLAUSIBILITY_SUITES
    for check in result.checks:
        if check.suite in PLAUSIBILITY_SUITES:
            assert check.checked, check  # every rule compared rows
    shares = next(c for c in result.checks if c.suite == "indicator_bounds")
    assert shares.observed.startswith("0 of ") and int(shares.observed.split()[2]) > 3000


# Each plausibility rule: a violation injected into a copy of the built warehouse, the suite
# that must catch it with which severity, and what its message says (English where and by how
# much, then bokmål).
VIOLATIONS = {
    "accounting-small-gap": (
        shift_count("births", "1804", 2023, 40),
        "population_accounting", "warning",
        "Bodø 2023: ", "persons (−0.8 per 1000 inhabitants) are unexplained",
        "personer (−0,8 per 1000 innbyggere) er uforklart",
    ),
    "accounting-large-gap": (
        shift_count("births", "1804", 2022, 400),
        "population_accounting", "critical",
        "Bodø 2022: 880 births, 360 deaths and net migration of +333 make +853, but the "
        "population changed by +456", "persons (−7.5 per 1000 inhabitants) are unexplained",
        "Bodø 2022: 880 fødte, 360 døde og nettoinnflytting på +333 gir +853",
    ),
    "norway-net-domestic-migration": (
        ["update marts.fct_indicator_values set value = -3.9, numerator = -21700 "
         "where geo_level = 'country' and indicator_id = 'net_domestic_migration_per_1000' "
         "and year = 2024"],
        "national_migration", "critical",
        "Norway 2024: net domestic migration is −3.9 per 1000 inhabitants (−21,700 persons)",
        "must be 0", "Norge 2024: netto innenlandsk flytting er −3,9 per 1000",
    ),
    "county-not-sum-of-municipalities": (
        ["update intermediate.int_geo_measures set value = value + 300 "
         "where geo_level = 'county' and measure = 'jobs' and year = 2024"],
        "additive_sums", "critical",
        "Nordland 2024, jobs (employed by place of work) (table 13470): the figure is",
        "but the sum over its 41 municipalities is", "summen over de 41 kommunene er",
    ),
    "region-not-sum-of-members": (
        ["update intermediate.int_geo_measures set value = value - 12 "
         "where geo_level = 'region' and geo_code = 'Salten' and measure = 'births' "
         "and year = 2022"],
        "additive_sums", "critical",
        "Salten 2022, live births (table 06913): the figure is", "(−12)", "(−12 personer)",
    ),
    "share-of-140": (
        ["update marts.fct_indicator_values set value = 140 where geo_code = 'bodo' "
         "and year = 2025 and indicator_id = 'share_higher_education'"],
        "indicator_bounds", "critical",
        "Bodø 2025: Share with higher education is 140.0 %", "a share cannot be below 0 or "
        "above 100 %", "Bodø 2025: Andel med høyere utdanning er 140,0 %",
    ),
    "rate-above-catalogue-bound": (
        ["update marts.fct_indicator_values set value = 80 where geo_code = 'leknes' "
         "and year = 2022 and indicator_id = 'births_per_1000'"],
        "indicator_bounds", "critical",
        "Leknes 2022: Births per 1000 is 80, above 40,", "the highest plausible value",
        "Leknes 2022: Fødte per 1000 er 80, høyere enn 40",
    ),
    "age-groups-not-100": (
        ["update marts.fct_indicator_values set value = value + 5 where geo_code = 'fauske' "
         "and year = 2024 and indicator_id = 'share_age_67_plus'"],
        "age_shares", "critical",
        "Fauske 2024: the age groups add up to 105.0 %", "not 100 %",
        "Fauske 2024: aldersgruppene er til sammen 105,0 %",
    ),
    "same-value-in-every-town": (
        ["update marts.fct_indicator_values set value = 10.04 where geo_level = 'town' "
         "and year = 2024 and indicator_id = 'births_per_1000'"],
        "identical_values", "warning",
        "Births per 1000 2024: all 10 towns have the same value,", "10",
        "Fødte per 1000 2024: alle 10 byene har samme verdi",
    ),
    "jump-in-population": (
        ["update marts.fct_indicator_values set value = value * 1.2 where geo_code = 'sortland' "
         "and year = 2022 and indicator_id = 'population'"],
        "stability", "warning",
        "Sortland 2022: Population changed by +19.5 % in one year (10,514 → 12,561.6)",
        "the threshold is 5 %", "Sortland 2022: Folketall endret seg med +19,5 % på ett år",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", VIOLATIONS, ids=list(VIOLATIONS))
def test_each_plausibility_rule_catches_its_violation_and_says_where_and_by_how_much(
    settings, case
):
    statements, suite, severity, where, how_much, bokmal = VIOLATIONS[case]
    sql(settings, *statements)
    result = run_gate(settings, 2026)
    english = problems(result, suite, severity)
    assert any(where in p and how_much in p for p in english), (english, result.describe())
    assert any(bokmal in p for p in problems(result, suite, severity, "nb"))
    if severity == "warning":
        assert result.passed, [c.headline("en") for c in result.critical_failures]


BREAKAGES = {
    "missing-town-year": (
        ["delete from marts.fct_indicator_values where geo_code = 'fauske' and year = 2020 "
         "and indicator_id = 'population'"],
        "headline_coverage",
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
    result = run_gate(settings, 2026)
    failed = {c.suite: c for c in result.critical_failures}
    assert suite in failed, result.describe()
    if case == "e-mail-column":
        # the table and column are named, never the address (it would reach logs and history)
        assert "Table dim_town, column contact: a value looks like an e-mail address" in (
            failed[suite].observed
        )
        assert "kari.nordmann" not in result.to_json()
    if case == "stale-table":
        assert "Table 09817 has figures up to 2025" in failed[suite].observed


def test_the_verdict_lives_in_the_warehouse_for_the_marts_it_was_made_on(settings):
    result = pipeline.check(settings, 2026)
    assert load_result(settings, 2026) == result
    # the readable copy under warehouse/gate/ is not what counts
    (settings.warehouse_dir / "gate" / "2026.json").unlink()
    assert load_result(settings, 2026) == result
    sql(settings, "update marts.dim_town set town_name = 'Bodø' where town_id = 'bodo'")
    assert load_result(settings, 2026) == result  # the same marts
    sql(settings, "delete from marts.survey_town_summary where town_id = 'leknes'")
    assert load_result(settings, 2026) is None  # marts changed since: the verdict no longer counts
    with pytest.raises(PublishError, match="has not run"):
        pipeline.publish_year(settings, 2026)


def test_a_verdict_only_under_warehouse_gate_publishes_nothing(settings):
    pipeline.check(settings, 2026)
    sql(settings, "delete from ops.gate_results")
    assert (settings.warehouse_dir / "gate" / "2026.json").exists()
    with pytest.raises(PublishError, match="has not run"):
        pipeline.publish_year(settings, 2026)


def test_a_critical_failure_is_named_with_its_problem_and_publishes_nothing(settings):
    sql(settings, *VIOLATIONS["share-of-140"][0])
    with pytest.raises(GateFailed, match="indicator_bounds: Shares lie between 0 and 100"):
        pipeline.check(settings, 2026)
    page = (settings.warehouse_dir / "gate" / "2026.html").read_text(encoding="utf-8")
    assert "FAILED" in page and "Bodø 2025: Share with higher education is 140.0 %" in page
    with pytest.raises(PublishError, match="quality gate failed"):
        pipeline.publish_year(settings, 2026)
    assert not settings.publication_dir(2026).exists()


def test_a_warning_lets_the_report_through_and_is_shown_in_it(settings):
    sql(settings, *VIOLATIONS["jump-in-population"][0])
    result = pipeline.check(settings, 2026)
    assert result.passed
    assert {w.suite for w in result.warnings} == {"stability"}
    pages = build_pages(read_report_data(settings.warehouse_path), result, 2026, settings, "nb")
    problem = "Sortland 2022: Folketall endret seg med +19,5 % på ett år"
    assert problem in pages["index.html"]
    assert problem in pages["quality"] and problem in pages["print"]
    assert "1 ga en advarsel (rimelighet)" in pages["quality"]
