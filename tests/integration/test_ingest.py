"""StatBank files land whole, once, with their StatBank status flags kept."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_STATBANK

from flows import pipeline
from flows.ingest.jsonstat import JsonStatError
from flows.ingest.landing import InputFileError


def _count(settings, sql: str):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# 357 municipalities, Nordland and Norway; two sexes; ten age groups; 2005-2026
ALL_07459_CELLS = (357 + 1 + 1) * 2 * 10 * 22


def test_a_file_is_loaded_checksummed_and_landed(settings):
    [result] = pipeline.ingest_statbank(settings, [SAMPLE_STATBANK])
    assert not result.skipped
    assert result.rows_loaded == ALL_07459_CELLS
    [(load_id, sha, rows, landed)] = _count(
        settings, "select load_id, sha256, rows_loaded, landed_path from raw._loads"
    )
    assert load_id == result.load_id and rows == result.rows_loaded and sha == result.sha256
    assert (settings.landing_dir / "statbank").is_dir()
    assert Path(landed).read_bytes() == SAMPLE_STATBANK.read_bytes()


def test_loading_the_same_file_again_is_a_no_op(settings):
    pipeline.ingest_statbank(settings, [SAMPLE_STATBANK])
    [again] = pipeline.ingest_statbank(settings, [SAMPLE_STATBANK])
    assert again.skipped
    assert "already loaded" in again.describe()
    assert _count(settings, "select count(*) from raw.statbank_cells") == [(ALL_07459_CELLS,)]
    assert _count(settings, "select count(*) from raw._loads") == [(1,)]


def test_cells_keep_the_raw_contract_and_missing_values_keep_their_flag(settings):
    pipeline.ingest_statbank(settings, [SAMPLE_STATBANK])
    rows = _count(
        settings,
        "select table_id, time_code, contents_code, count(*), sum(value), "
        "list(distinct status), list(distinct dims->>'Kjonn' order by dims->>'Kjonn') "
        "from raw.statbank_cells where region_code = 'K-1804' and time_code in ('2004', '2022') "
        "group by all order by time_code",
    )
    assert rows == [("07459", "2022", "Personer1", 20, 52803.0, [None], ["1", "2"])]
    [(origin,)] = _count(settings, "select value_origin from raw._loads")
    assert origin == "official"
    # a cell SSB did not give keeps its symbol: 07459 has none, 08316 suppresses small counts
    pipeline.ingest_statbank(settings, [SAMPLE_STATBANK.parent / "08316.json"])
    [(suppressed,)] = _count(
        settings,
        "select count(*) from raw.statbank_cells where table_id = '08316' "
        "and status = ':' and value is null",
    )
    assert suppressed > 0


def test_a_malformed_file_loads_nothing_and_names_the_file(
    settings, sample_document, write_document
):
    sample_document["value"] = sample_document["value"][:-1]
    expected = len(sample_document["value"])
    bad = write_document(sample_document, "truncated.json")
    with pytest.raises(JsonStatError, match=rf"truncated\.json: {expected} values"):
        pipeline.ingest_statbank(settings, [bad])
    assert _count(settings, "select count(*) from raw._loads") == [(0,)]
    assert _count(settings, "select count(*) from raw.statbank_cells") == [(0,)]


def test_a_directory_or_missing_path_is_a_clear_error(settings, tmp_path):
    with pytest.raises(InputFileError, match="not a regular file"):
        pipeline.ingest_statbank(settings, [tmp_path])
    with pytest.raises(InputFileError, match="no such file"):
        pipeline.ingest_statbank(settings, [tmp_path / "nope.json"])


def test_a_table_id_that_contradicts_the_document_is_refused(settings):
    with pytest.raises(JsonStatError, match="--table 06913 but the document is table 07459"):
        pipeline.ingest_statbank(settings, [SAMPLE_STATBANK], table_id="06913")


def test_the_table_id_can_be_given_when_the_label_lacks_it(
    settings, sample_document, write_document
):
    sample_document["label"] = "Befolkning"
    del sample_document["extension"]
    path = write_document(sample_document)
    with pytest.raises(JsonStatError, match="neither in the label"):
        pipeline.ingest_statbank(settings, [path])
    [result] = pipeline.ingest_statbank(settings, [path], table_id="07459")
    assert result.load_id.startswith("statbank-07459-")
    assert json.loads(path.read_text())["label"] == "Befolkning"
