"""StatBank loads are versions, not additions: a re-coded or revised file supersedes the cells it
covers, and what would be summed or misread is refused at the door with file and reason."""

from __future__ import annotations

import copy
import json
from datetime import date

import duckdb
import pytest
from helpers import SAMPLE_DIR

from flows import pipeline
from flows.ingest import statbank
from flows.ingest.jsonstat import JsonStatError
from flows.warehouse import connect

TODAY = date(2026, 11, 26)


def _recoded(document: dict, rename) -> dict:
    """The same document with its region codes written another way."""
    changed = copy.deepcopy(document)
    category = changed["dimension"]["Region"]["category"]
    category["index"] = {rename(code): i for code, i in category["index"].items()}
    category["label"] = {rename(code): label for code, label in category["label"].items()}
    return changed


def _plain(code: str) -> str:
    return code.split("-", 1)[-1]


def _load(settings, path, today=TODAY):
    with connect(settings.warehouse_path) as con:
        return statbank.load_file(con, path, settings.landing_dir, today=today)


def _position(document: dict, **codes: str) -> int:
    """The flat index of one cell."""
    position = 0
    for dim_id, size in zip(document["id"], document["size"], strict=True):
        index = document["dimension"][dim_id]["category"]["index"]
        position = position * size + index[codes[dim_id]]
    return position


def test_a_recoded_and_a_revised_file_change_only_what_they_revise(
    settings, sample_document, write_document
):
    pipeline.ingest_statbank(settings, sorted(SAMPLE_DIR.glob("*.json")))
    recoded = _recoded(sample_document, _plain)  # 1804 and 18 instead of K-1804 and F-18
    recoded["updated"] = "2026-02-20T07:00:00Z"
    revision = copy.deepcopy(recoded)
    revision["updated"] = "2026-03-01T07:00:00Z"
    cell = _position(
        revision, Region="1804", Kjonn="2", Alder="F316", ContentsCode="Personer1", Tid="2026"
    )
    revision["value"][cell] += 10
    _load(settings, write_document(recoded, "07459_plain_codes.json"))
    _load(settings, write_document(revision, "07459_revised.json"))
    pipeline.build(settings)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        population = {
            (place, year): value
            for place, year, value in con.execute(
                "select town_id, year, population from marts.town_population union all "
                "select area_id, year, population from marts.area_population"
            ).fetchall()
        }
    finally:
        con.close()
    bodo_cells = {
        _position(
            sample_document, Region="K-1804", Kjonn=k, Alder=a, ContentsCode="Personer1", Tid="2026"
        )
        for k in ("1", "2")
        for a in sample_document["dimension"]["Alder"]["category"]["index"]
    }
    real = sum(sample_document["value"][i] for i in bodo_cells)
    assert population["bodo", 2026] == real + 10  # the revised cell, counted once
    assert population["bodo", 2025] == 53_725  # SSB's figure: the re-coded file added nothing
    assert population["nordland", 2026] == 243_272  # its own row: not doubled, not revised
    assert population["norge", 2026] == 5_627_400


def test_one_code_written_two_ways_in_one_file_is_refused(
    settings, sample_document, write_document
):
    mixed = _recoded(sample_document, lambda c: "K_1804" if c == "K-1806" else c)
    mixed["dimension"]["Region"]["category"]["index"]["K_1804"] = mixed["dimension"]["Region"][
        "category"
    ]["index"].pop("K_1804")
    with pytest.raises(
        JsonStatError, match=r"region codes K-1804 and K_1804 are the same municipality 1804"
    ):
        _load(settings, write_document(mixed))


def test_a_code_listed_twice_in_a_dimension_is_refused(settings, sample_document, write_document):
    twice = copy.deepcopy(sample_document)
    codes = list(twice["dimension"]["Kjonn"]["category"]["index"])
    twice["dimension"]["Kjonn"]["category"]["index"] = [codes[0], codes[0]]
    with pytest.raises(JsonStatError, match=r"dimension 'Kjonn' lists 1 more than once"):
        _load(settings, write_document(twice))


@pytest.mark.parametrize(
    ("value", "shown"), [(float("nan"), "NaN"), (float("inf"), "inf"), (1e308, r"1e\+308")]
)
def test_values_that_are_not_finite_figures_are_refused(
    settings, sample_document, tmp_path, value, shown
):
    document = copy.deepcopy(sample_document)
    document["value"][0] = value
    path = tmp_path / "07459_bad_value.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # NaN and Infinity as literals
    with pytest.raises(JsonStatError, match=rf"value 0 is {shown}: StatBank's figures are finite"):
        _load(settings, path)
    assert _loads(settings) == 0


@pytest.mark.parametrize("period", ["2025M01", "2024K4"])
def test_periods_that_are_not_years_are_refused(settings, sample_document, write_document, period):
    monthly = copy.deepcopy(sample_document)
    index = monthly["dimension"]["Tid"]["category"]["index"]
    last = max(index, key=index.get)
    index[period] = index.pop(last)
    with pytest.raises(JsonStatError, match=rf"Tid holds {period}: bymonitor's tables are yearly"):
        _load(settings, write_document(monthly))


def test_a_year_after_today_is_refused(settings, sample_document, write_document):
    with pytest.raises(JsonStatError, match=r"figures for 2026, a year after today \(2025-06-01\)"):
        _load(settings, write_document(sample_document), today=date(2025, 6, 1))


def test_an_older_vintage_after_a_newer_one_is_refused(settings, sample_document, write_document):
    newer = copy.deepcopy(sample_document)
    newer["updated"] = "2026-03-01T07:00:00Z"
    _load(settings, write_document(newer, "07459_march.json"))
    older = copy.deepcopy(sample_document)
    older["updated"] = "2026-02-01T07:00:00Z"
    older["value"][0] = (older["value"][0] or 0) + 1  # another file, an older vintage
    with pytest.raises(
        JsonStatError,
        match=r"an older vintage of table 07459 \(updated 2026-02-01T07:00:00Z\) than the one "
        r"already loaded from 07459_march.json \(updated 2026-03-01T07:00:00Z\)",
    ):
        _load(settings, write_document(older, "07459_february.json"))
    assert _loads(settings) == 1


def _loads(settings) -> int:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute("select count(*) from raw._loads").fetchone()[0]
    finally:
        con.close()
