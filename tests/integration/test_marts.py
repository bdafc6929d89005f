"""The marts on the embedded sample, checked against numbers computed here from the raw tables."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict

import duckdb
import pytest
from helpers import copy_built

from flows import pipeline
from flows.transform import run_dbt


@pytest.fixture(scope="module")
def warehouse(built_sample, tmp_path_factory, monkeypatch_module):
    home = copy_built(built_sample, tmp_path_factory.mktemp("marts"))
    monkeypatch_module.setenv("BYMONITOR_HOME", str(home))
    from flows.settings import Settings

    settings = Settings()
    return settings, Reader(settings.warehouse_path)


class Reader:
    """Opens the warehouse read-only for each query, so dbt can still write between tests."""

    def __init__(self, path) -> None:
        self.path = path

    def execute(self, sql: str, params=()):
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return _Result(con.execute(sql, list(params)).fetchall())
        finally:
            con.close()


class _Result:
    def __init__(self, rows) -> None:
        self.rows = rows

    def fetchall(self):
        return self.rows

    def fetchone(self):
        return self.rows[0] if self.rows else None


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def one(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchone()


def indicator(con, geo_level: str, geo_code: str, year: int, indicator_id: str) -> float | None:
    return one(
        con,
        "select value from marts.fct_indicator_values where geo_level = ? and geo_code = ? "
        "and year = ? and indicator_id = ?",
        geo_level, geo_code, year, indicator_id,
    )[0]  # fmt: skip


def test_share_aged_67_plus_in_bodo_matches_the_raw_cells(warehouse):
    _, con = warehouse
    old, total = one(
        con,
        "select sum(value) filter (where dims->>'Alder' in ('F318', 'F319', 'F320')), sum(value) "
        "from raw.statbank_cells where table_id = '07459' and region_code = 'K-1804' "
        "and time_code = '2022'",
    )
    assert total == 52803
    assert indicator(con, "town", "bodo", 2022, "share_age_67_plus") == pytest.approx(
        100 * old / total
    )


def test_county_births_per_1000_use_the_countys_own_numerator_and_denominator(warehouse):
    _, con = warehouse
    births = one(
        con,
        "select value from raw.statbank_cells where table_id = '06913' and region_code = 'F_18' "
        "and contents_code = 'Levende' and time_code = '2022'",
    )[0]
    population = one(
        con,
        "select sum(value) from raw.statbank_cells where table_id = '07459' "
        "and region_code = 'F-18' and time_code = '2022'",
    )[0]
    assert indicator(con, "county", "18", 2022, "births_per_1000") == pytest.approx(
        1000 * births / population
    )


def test_a_regions_rate_is_its_summed_numerator_over_its_summed_denominator(warehouse):
    _, con = warehouse
    lofoten = ("K-1856", "K-1857", "K-1859", "K-1860", "K-1865", "K-1874")
    private, total = one(
        con,
        "select sum(value) filter (where dims->>'Sektor' = 'A+B+D+E.0-1+9'), sum(value) "
        f"from raw.statbank_cells where table_id = '13472' and region_code in {lofoten} "
        "and time_code = '2021'",
    )
    assert indicator(con, "region", "Lofoten", 2021, "private_sector_job_share") == pytest.approx(
        100 * private / total
    )


def test_survey_means_match_the_raw_answers_and_n_counts_real_answers(warehouse):
    _, con = warehouse
    mean, n = one(
        con,
        "select avg(value::double), count(*) from raw.survey_answers a "
        "join raw.survey_respondents r using (wave, respondent_key) "
        "where r.town_id = 'narvik' and a.wave = 2026 and a.item_id = 'arena_knowledge_links' "
        "and a.value between '1' and '5'",
    )
    row = one(
        con,
        "select value, n, is_suppressed from marts.survey_town_summary where wave = 2026 "
        "and town_id = 'narvik' and item_id = 'arena_knowledge_links' "
        "and measure = 'mean_agreement'",
    )
    assert row == (pytest.approx(mean), n, False)


def test_every_headline_indicator_has_a_value_or_a_reason_for_every_town_and_year(warehouse):
    """From a series' first year with a figure to the last year, every town has a row, and a
    row without a value says why."""
    _, con = warehouse
    headline = [r[0] for r in con.execute(
        "select indicator_id from marts.dim_indicator where is_headline").fetchall()]  # fmt: skip
    assert "population" in headline and "vekstkraft_index" in headline
    series = con.execute(
        "select indicator_id, count(*), count(distinct geo_code), min(year), max(year), "
        "count(*) filter (where value is null and status is null) "
        "from marts.fct_indicator_values where geo_level = 'town' and indicator_id in "
        "(select indicator_id from marts.dim_indicator where is_headline) group by 1"
    ).fetchall()
    assert {s[0] for s in series} == set(headline)
    for indicator, rows, towns, first, last, unexplained in series:
        assert (towns, rows, unexplained) == (10, 10 * (last - first + 1), 0), indicator
    first_population = one(
        con,
        "select min(cast(time_code as integer)) from raw.statbank_cells where table_id = '07459'",
    )[0]
    assert [s[3:5] for s in series if s[0] == "population"] == [(first_population, 2026)]


def test_every_registered_indicator_has_values_and_every_value_is_registered(warehouse):
    """The registry (dim_indicator) and the values hold each other on the full sample; the dbt
    test every_produced_indicator_is_registered keeps the second half in every build."""
    _, con = warehouse
    registered = {
        r[0] for r in con.execute("select indicator_id from marts.dim_indicator").fetchall()
    }
    produced = {
        r[0]
        for r in con.execute(
            "select distinct indicator_id from marts.fct_indicator_values where value is not null"
        ).fetchall()
    }
    assert registered - produced == set(), "registered but never produced"
    assert produced - registered == set(), "produced but not registered"
    families = dict(
        con.execute("select family, count(*) from marts.dim_indicator group by 1").fetchall()
    )
    assert set(families) == {"statistics", "derived", "survey", "job_share"}
    overview = con.execute(
        "select indicator_id from marts.dim_indicator where overview_order is not null "
        "order by overview_order"
    ).fetchall()
    assert [r[0] for r in overview][:2] == ["population", "population_change_10y_pct"]


def test_narvik_has_no_figures_before_its_2020_borders(warehouse):
    _, con = warehouse
    rows = con.execute(
        "select distinct status from marts.fct_indicator_values where geo_level = 'town' "
        "and geo_code = 'narvik' and year = 2015 and indicator_id in "
        "('population', 'jobs_workplace', 'share_higher_education')"
    ).fetchall()
    assert rows == [("series_break",)]


def test_the_vekstkraft_index_is_scaled_0_to_100_and_ranked(warehouse):
    _, con = warehouse
    rows = con.execute(
        "select index_0_100, rank from marts.vekstkraft_index where year = 2026 order by rank"
    ).fetchall()
    assert len(rows) == 10
    assert rows[0] == (100.0, 1) and rows[-1][0] == 0.0
    assert [r[1] for r in rows] == list(range(1, 11))


def test_no_mart_holds_a_pseudonym_or_personal_key(warehouse):
    _, con = warehouse
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts'"
    ).fetchall()
    assert not [c for t, c in columns if c.endswith("_key") or "respondent" in c or "email" in c]


def test_every_value_says_whose_it_is_and_derived_values_take_the_weakest_origin(warehouse):
    _, con = warehouse
    origins = dict(con.execute(
        "select indicator_id, string_agg(distinct origin, ',' order by origin) "
        "from marts.fct_indicator_values where value is not null group by indicator_id"
    ).fetchall())  # fmt: skip
    assert all(origins.values())
    # 07459 is SSB's: the population and everything computed from it alone are official
    for official in ("population", "share_age_67_plus", "population_change_10y_pct",
                     "share_of_county_population", "county_concentration_index"):  # fmt: skip
        assert origins[official] == "official", official
    # a rate with a sample numerator over SSB's population is sample values
    for sample in ("births_per_1000", "net_domestic_migration_per_1000", "job_coverage_ratio",
                   "job_share__86-88", "attractiveness_residual", "vekstkraft_index",
                   "survey_mean_agreement__arena_cross_sector"):  # fmt: skip
        assert origins[sample] == "sample", sample
    assert one(con, "select count(*) from marts.town_population where origin <> 'official'") == (0,)
    interviews = "select string_agg(distinct origin, ',') from marts.interview_coverage"
    assert one(con, interviews) == ("sample",)
    # the sample's survey and interview files are invented: their loads say so
    loads = con.execute(
        "select source, table_id, origin, is_used from marts.source_loads order by 1, 2"
    ).fetchall()
    assert ("statbank", "07459", "official", True) in loads
    assert {(source, origin) for source, _, origin, _ in loads if source != "statbank"} == {
        ("interviews", "sample"),
        ("measures", "sample"),
        ("survey", "sample"),
    }


def test_dbt_docs_generate_works(warehouse):
    settings, _ = warehouse
    run_dbt(settings, "docs", "generate")
    assert (settings.dbt_target_dir / "catalog.json").exists()


# --------------------------------------------------------------------------- SSB's figures
SSB_PLACES = {  # (geo_level, geo_code) in the marts → code in ../shared's 07459 file
    ("town", "bodo"): "1804",
    ("town", "fauske"): "1841",
    ("town", "mo-i-rana"): "1833",
    ("town", "narvik"): "1806",
    ("town", "svolvaer"): "1865",
    ("town", "bronnoysund"): "1813",
    ("county", "18"): "18",
    ("country", "NO"): "0",
}


def _ssb_population(shared_ssb) -> dict[tuple[str, int], dict[str, int]]:
    """(code, year) → persons in total, aged 67+ and 80+, from ../shared's SSB 07459 file."""
    codes = set(SSB_PLACES.values())
    out: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    path = shared_ssb / "population_by_sex_agegroup_2005-2026.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year = int(row["year"])
            if row["code"] not in codes or year < 2023:  # codes are unique across levels
                continue
            key, persons = (row["code"], year), int(row["population"])
            out[key]["total"] += persons
            if row["age_group"] in ("F318", "F319", "F320"):
                out[key]["67+"] += persons
            if row["age_group"] in ("F319", "F320"):
                out[key]["80+"] += persons
    return out


def test_population_and_old_age_shares_2023_2026_are_ssbs(warehouse, shared_ssb):
    _, con = warehouse
    ssb = _ssb_population(shared_ssb)
    for (level, code), ssb_code in SSB_PLACES.items():
        for year in range(2023, 2027):
            figures = ssb[(ssb_code, year)]
            assert indicator(con, level, code, year, "population") == figures["total"], (code, year)
            for ages, indicator_id in (("67+", "share_age_67_plus"), ("80+", "share_age_80_plus")):
                assert indicator(con, level, code, year, indicator_id) == pytest.approx(
                    100 * figures[ages] / figures["total"]
                ), (code, year, indicator_id)
    # as SSB publishes them for 1 January 2024
    quoted = {("town", "bodo"): 15.8, ("town", "fauske"): 21.3, ("county", "18"): 19.9,
              ("country", "NO"): 16.5}  # fmt: skip
    for (level, code), share in quoted.items():
        assert round(indicator(con, level, code, 2024, "share_age_67_plus"), 1) == share, code


def test_no_indicator_is_the_same_in_every_town(warehouse):
    settings, con = warehouse
    report_year = pipeline.latest_year(settings)
    assert report_year == 2026
    rows = con.execute(
        "with latest as (select indicator_id, max(year) as year from marts.fct_indicator_values "
        "where geo_level = 'town' and value is not null and year <= ? group by indicator_id) "
        "select f.indicator_id, f.year, count(f.value), count(distinct round(f.value, 6)) "
        "from marts.fct_indicator_values f join latest using (indicator_id, year) "
        "where f.geo_level = 'town' group by all order by 1",
        [report_year],
    ).fetchall()
    assert len(rows) > 20
    same = [(i, year) for i, year, values, distinct in rows if values > 1 and distinct == 1]
    assert not same


def test_the_marts_carry_the_weights_words_and_catalogue_the_report_reads(warehouse):
    """The report reads these from the marts only: the vekstkraft weights on dim_indicator,
    the verdicts' words in dim_measure_verdict, the missing values' words and SSB's symbols in
    dim_value_status, the StatBank tables' titles and lags in dim_source_table (each the same
    as its seed or the catalogue)."""
    from flows.ingest.statbank_catalogue import load_catalogue
    from flows.settings import REPO_ROOT

    _, con = warehouse
    seeds = REPO_ROOT / "dbt" / "seeds"
    with (seeds / "index_weights.csv").open(encoding="utf-8", newline="") as handle:
        weights = [(r["indicator_id"], float(r["weight"])) for r in csv.DictReader(handle)]
    assert (
        con.execute(
            "select indicator_id, index_weight from marts.dim_indicator "
            "where index_weight is not null order by index_order"
        ).fetchall()
        == weights
    )
    with (seeds / "measure_verdicts.csv").open(encoding="utf-8", newline="") as handle:
        verdicts = sorted(csv.DictReader(handle), key=lambda r: int(r["sort_order"]))
    assert con.execute(
        "select verdict, label_nb, label_en, explanation_nb, explanation_en "
        "from marts.dim_measure_verdict order by sort_order"
    ).fetchall() == [
        (v["verdict"], v["label_nb"], v["label_en"], v["explanation_nb"], v["explanation_en"])
        for v in verdicts
    ]
    with (seeds / "value_statuses.csv").open(encoding="utf-8", newline="") as handle:
        statuses = list(csv.DictReader(handle))  # worst first
    assert con.execute(
        "select status, sort_order, ssb_symbols, meaning_nb, meaning_en "
        "from marts.dim_value_status order by sort_order"
    ).fetchall() == [
        (s["status"], i, s["ssb_symbols"] or None, s["meaning_nb"], s["meaning_en"])
        for i, s in enumerate(statuses, start=1)
    ]
    catalogue = load_catalogue()
    assert con.execute(
        "select table_id, title_nb, title_en, lag_years from marts.dim_source_table "
        "order by table_id"
    ).fetchall() == sorted(
        (k, t.spec["title_nb"], t.spec["title_en"], int(t.spec.get("lag_years", 0)))
        for k, t in catalogue.items()
    )


def test_dim_code_holds_the_three_codebooks_labels_in_their_order(warehouse):
    """dim_code, where the report reads the codebooks' words and orders, is each codebook as
    data/catalogue has it: the register's scales, the survey's items, the interviews' scales."""
    from flows.ingest.codebook import interview_scales, load_survey_codebook
    from flows.ingest.measures import load_measures_codebook

    _, con = warehouse
    expected = []
    for codebook, scales in (
        ("plan", load_measures_codebook().scales),
        ("interviews", interview_scales()),
    ):
        for scale, values in scales.items():
            expected += [
                (codebook, scale, code, v["nb"], v["en"]) for code, v in values.values.items()
            ]
    expected += [
        ("survey", "items", item.id, item.labels["nb"], item.labels["en"])
        for item in load_survey_codebook().items
    ]
    found = con.execute(
        "select codebook, scale, code, label_nb, label_en from marts.dim_code "
        "order by codebook, scale, sort_order"
    ).fetchall()
    assert sorted(found) == sorted(expected)
    in_order = {}  # each scale's codes in dim_code's order, as in its codebook
    for codebook, scale, code, *_ in found:
        in_order.setdefault((codebook, scale), []).append(code)
    for (codebook, scale), codes in in_order.items():
        assert codes == [e[2] for e in expected if e[:2] == (codebook, scale)], (codebook, scale)
