"""The action programme register as the county keeps it: one messy file a year, and what the
marts and the gate make of it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from helpers import copy_built, run_cli
from openpyxl import Workbook

from flows import pipeline
from flows.errors import BymonitorError
from flows.ingest.people import NothingValid
from flows.settings import Settings

HEADER = ["measure_id", "title_nb", "title_en", "theme", "towns", "responsible", "start_year",
          "end_year", "status", "budget_nok", "indicator_id", "baseline_year", "target_value",
          "target_direction", "target_year"]  # fmt: skip
M1 = ["HP-01", "Tilflytting for unge", "Young settlers", "demografi", "Bodo; Rana",
      "Nordland fylkeskommune", "2024", "2027", "startet", "1 500 000"]  # fmt: skip
M2 = ["HP-02", "Nettverk for byene", "", "regional_cooperation", "region",
      "Nordland fylkeskommune", "2024", "", "planned", ""]  # fmt: skip


def write(tmp_path: Path, name: str, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = tmp_path / name
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\n").writerows([header, *rows])
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rejects(settings: Settings) -> list[tuple]:
    return query(
        settings,
        "select file_name, row_number, column_name, reason from raw._rejects "
        "where source = 'measures' order by row_number, column_name",
    )


def test_a_messy_register_keeps_its_good_rows_and_names_every_problem(settings, tmp_path):
    path = write(
        tmp_path,
        "handlingsprogram_2025.csv",
        [
            [*M1, "net_domestic_migration_per_1000", "2023", "", "opp", "2027"],  # 2: good
            [*M1, "women_per_100_men_20_44", "2023", "92,5", "", "2028"],  # 3: good
            [*M1, "net_domestic_migraton_per_1000", "2023", "", "up", "2027"],  # 4: a typo
            [*M1, "net_domestic_migration_per_1000", "2023", "", "up", "2027"],  # 5: row 2 again
            [
                "HP-01",
                "Tilflytting for unge voksne",
                *M1[2:],
                "population",
                "2023",
                "",
                "up",
                "2027",
            ],  # 6: the same measure, another title
            [*M2, "", "", "", "", ""],  # 7: a measure without indicators: kept
            [
                "HP-03",
                "Torg",
                "",
                "town_centres_meeting_places",
                "Tromsø",
                "Tromsø kommune",
                "2024",
                "2026",
                "started",
                "",
                "population",
                "2023",
                "",
                "up",
                "2026",
            ],  # 8
            [
                "HP-04",
                "Klynge",
                "",
                "business_competence",
                "Fauske",
                "Fauske kommune",
                "1899",
                "2026",
                "ongoing",
                "",
                "jobs_workplace",
                "2023",
                "",
                "up",
                "2027",
            ],  # 9
            [
                "HP-05",
                "Arena",
                "",
                "innovation_arenas",
                "Leknes",
                "ola@example.no",
                "2024",
                "2026",
                "started",
                "",
                "jobs_workplace",
                "2026",
                "",
                "",
                "2026",
            ],  # 10
            [
                "HP-06",
                "Kai",
                "",
                "town_centres_meeting_places",
                "Svolvær",
                "Vågan kommune",
                "2024",
                "2026",
                "started",
                "",
                "",
                "2023",
                "",
                "up",
                "",
            ],  # 11
        ],
    )
    [result] = pipeline.ingest_measures(settings, [path], 2025)
    assert (result.rows_loaded, result.rows_rejected, result.skipped) == (3, 7, False)
    problems = rejects(settings)
    assert {p[0] for p in problems} == {"handlingsprogram_2025.csv"}
    found = [(row, column, reason) for _, row, column, reason in problems]
    assert (
        4,
        "indicator_id",
        "'net_domestic_migraton_per_1000' is not an indicator of dbt/seeds/indicators.csv "
        "(did you mean net_domestic_migration_per_1000?)",
    ) in found
    assert (
        5,
        "measure_id",
        "a duplicate of row 2 (measure HP-01, indicator net_domestic_migration_per_1000)",
    ) in found
    assert (6, "title_nb", "measure HP-01 is described differently in row 2 (title_nb)") in found
    assert (8, "towns", "'Tromsø': not one of the ten towns (or 'region')") in found
    assert (9, "start_year", "1899 is outside 2000–2045") in found
    assert (9, "status", "'ongoing' is not one of planned, started, completed, stopped") in found
    assert (
        10,
        "responsible",
        "looks like an e-mail address: name the body, never a person",
    ) in found
    assert (
        10,
        "baseline_year",
        "after the register's year 2025: a baseline is a year with figures",
    ) in found
    assert (
        10,
        "target_value",
        "an indicator needs a target value or a direction (up or down)",
    ) in found
    assert (10, "target_year", "not after the baseline year 2026") in found
    assert (
        11,
        "indicator_id",
        "baseline_year, target_direction given without an indicator",
    ) in found
    assert not [p for p in problems if "ola@example.no" in str(p)]  # the address is not kept

    measures = query(
        settings,
        "select measure_id, theme, towns, status, budget_nok, title_en from raw.plan_measures "
        "order by measure_id",
    )
    assert measures == [
        (
            "HP-01",
            "demography_attractiveness",
            "bodo;mo-i-rana",
            "started",
            1_500_000.0,
            "Young settlers",
        ),
        ("HP-02", "regional_cooperation", "region", "planned", None, None),
    ]
    links = query(
        settings,
        "select measure_id, indicator_id, baseline_year, target_value, target_direction, "
        "target_year from raw.plan_measure_indicators order by indicator_id",
    )
    assert links == [
        ("HP-01", "net_domestic_migration_per_1000", 2023, None, "up", 2027),
        ("HP-01", "women_per_100_men_20_44", 2023, 92.5, None, 2028),
    ]
    [(origin, rows, rejected)] = query(
        settings, "select value_origin, rows_loaded, rows_rejected from raw._loads"
    )
    assert (origin, rows, rejected) == (None, 3, 7)  # the county's own file: official


def test_a_register_without_the_codebooks_columns_is_refused_whole(settings, tmp_path):
    header = [h for h in HEADER if h not in ("status", "baseline_year")]
    path = write(
        tmp_path, "tiltak.csv", [M1[:8] + M1[9:] + ["population", "", "up", "2027"]], header
    )
    with pytest.raises(BymonitorError, match=r"missing column\(s\) status, baseline_year"):
        pipeline.ingest_measures(settings, [path], 2025)
    assert query(settings, "select count(*) from raw._loads") == [(0,)]
    assert query(settings, "select count(*) from raw.plan_measures") == [(0,)]


def test_a_register_with_no_good_row_loads_nothing(settings, tmp_path):
    path = write(
        tmp_path, "tiltak.csv", [["HP-09", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    )
    with pytest.raises(NothingValid, match="no valid rows"):
        pipeline.ingest_measures(settings, [path], 2025)
    assert query(settings, "select count(*) from raw._loads") == [(0,)]


def test_a_status_may_not_go_back_from_one_years_register_to_the_next(settings, tmp_path):
    target = ["population", "2023", "", "up", "2027"]
    completed = [
        "HP-07",
        "Kai",
        "",
        "town_centres_meeting_places",
        "Svolvær",
        "Vågan kommune",
        "2023",
        "2024",
        "completed",
        "",
    ]
    started = [
        "HP-08",
        "Klynge",
        "",
        "business_competence",
        "Fauske",
        "Fauske kommune",
        "2024",
        "2027",
        "started",
        "",
    ]
    pipeline.ingest_measures(
        settings,
        [write(tmp_path, "r2024.csv", [[*completed, *target], [*started, *target]])],
        2024,
    )
    back = [*completed[:8], "planned", "", *target]
    stopped = [*started[:8], "stopped", "", *target]
    [result] = pipeline.ingest_measures(
        settings, [write(tmp_path, "r2025.csv", [back, stopped])], 2025
    )
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rejects(settings) == [
        (
            "r2025.csv",
            2,
            "status",
            "the status goes back: completed in the 2024 register, planned in 2025",
        ),
    ]
    # a register of an earlier year loaded late is held to the years after it too
    earlier = [*started[:8], "completed", "", *target]
    with pytest.raises(NothingValid, match="completed in the 2023 register, started in 2024"):
        pipeline.ingest_measures(settings, [write(tmp_path, "r2023.csv", [earlier])], 2023)
    history = query(
        settings,
        "select register_year, measure_id, status from raw.plan_measures order by 2, 1",
    )
    assert history == [
        (2024, "HP-07", "completed"),
        (2024, "HP-08", "started"),
        (2025, "HP-08", "stopped"),
    ]


def test_the_same_register_twice_is_a_no_op_and_a_second_file_cannot_repeat_a_measure(
    settings, tmp_path
):
    path = write(tmp_path, "r2026.csv", [[*M2, "", "", "", "", ""]])
    [first] = pipeline.ingest_measures(settings, [path], 2026)
    [again] = pipeline.ingest_measures(settings, [path], 2026)
    assert again.skipped and again.load_id == first.load_id
    assert "already loaded" in again.describe()
    other = write(tmp_path, "r2026-b.csv", [[*M2, "", "", "", "", ""], [*M1, "", "", "", "", ""]])
    [result] = pipeline.ingest_measures(settings, [other], 2026)
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rejects(settings) == [
        (
            "r2026-b.csv",
            2,
            "measure_id",
            "this measure is already loaded for 2026: unload that load to replace it",
        ),
    ]
    assert query(settings, "select count(*) from raw._loads") == [(2,)]


def test_a_workbook_register_loads_through_the_command_line(home, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tiltak 2026"
    sheet.append(HEADER)
    sheet.append(
        [
            "HP-01",
            "Tilflytting",
            None,
            "Demografi og attraktivitet",
            "Mo i Rana",
            "Rana kommune",
            2024,
            2027,
            "Startet",
            250000,
            "share_higher_education",
            2023,
            30.5,
            None,
            2030,
        ]
    )
    path = tmp_path / "tiltak_2026.xlsx"
    workbook.save(path)
    completed = run_cli(home, "ingest", "measures", str(path), "--year", "2026")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "tiltak_2026.xlsx: loaded 1 rows from sheet 'Tiltak 2026' as measures-2026-" in (
        completed.stdout
    )
    missing = write(tmp_path, "bad.csv", [M1], HEADER[:10])
    refused = run_cli(home, "ingest", "measures", str(missing), "--year", "2026")
    assert refused.returncode == 1
    assert "missing column(s) indicator_id, baseline_year" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_sample_registers_reach_the_marts_and_a_measure_without_indicators_warns(
    built_sample, tmp_path
):
    home = copy_built(built_sample, tmp_path / "home")
    settings = Settings(home=home)
    loads = query(
        settings,
        "select file_name, value_origin from raw._loads where source = 'measures' order by 1",
    )
    assert loads == [
        ("measures_2024.csv", "synthetic"),
        ("measures_2025.csv", "synthetic"),
        ("measures_2026.xlsx", "synthetic"),
    ]
    extra = write(
        tmp_path,
        "tillegg_2026.csv",
        [
            [
                "HP-99",
                "Nytt tiltak",
                "",
                "innovation_arenas",
                "Bodø",
                "Bodø kommune",
                "2026",
                "",
                "planned",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        ],
    )
    pipeline.ingest_measures(settings, [extra], 2026)
    pipeline.build(settings)
    result = pipeline.check(settings, 2026)  # a warning does not stop the report
    [warning] = [c for c in result.warnings if c.suite == "plan_measures"]
    assert warning.failing == 1
    assert warning.problems["nb"] == [
        "Tiltak HP-99 («Nytt tiltak») i registeret for 2026 peker ikke på noen indikator, så "
        "ingen kan se om det virker."
    ]
    marts = query(
        settings,
        "select measure_id, origin, indicators, is_new from marts.plan_measures "
        "where register_year = 2026 and measure_id in ('HP-06', 'HP-99') order by 1",
    )
    assert marts == [("HP-06", "sample", 1, False), ("HP-99", "official", 0, True)]
    [(status, previous)] = query(
        settings,
        "select measure_status, previous_measure_status from marts.plan_measures "
        "where register_year = 2026 and measure_id = 'HP-06'",
    )
    assert (status, previous) == ("completed", "started")
    verdicts = query(
        settings,
        "select distinct verdict from marts.measure_progress where register_year = 2026",
    )
    assert {v for (v,) in verdicts} <= {"on_track", "not_yet", "wrong_way", "too_early"}
    regional = query(
        settings,
        "select count(distinct town_id) from marts.measure_progress "
        "where register_year = 2026 and measure_id = 'HP-05'",
    )
    assert regional == [(10,)]  # a measure for the whole region covers the ten towns
    loads = query(
        settings,
        "select wave, is_used from marts.source_loads where source = 'measures' order by 1",
    )
    # every register is traced with its year and used: the report shows the programme
    assert loads == [(2024, True), (2025, True), (2026, True), (2026, True)]
