"""The JSON-stat2 reader: any layout JSON-stat 2.0 allows, and whole-document rejection."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from helpers import SAMPLE_DIR

from flows.ingest import jsonstat


def small(**overrides) -> dict:
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning",
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [2, 1, 2],
        "dimension": {
            "Region": {"category": {"index": {"K-1804": 0, "F-18": 1}}},
            "ContentsCode": {"category": {"index": {"Personer1": 0}}},
            "Tid": {"category": {"index": ["2022", "2023"]}},
        },
        "value": [52803, None, 240190, 241000],
        "status": {"1": ".."},
    }
    document.update(overrides)
    return document


def test_cells_come_out_in_row_major_order_with_values_and_statuses():
    dataset = jsonstat.parse(small())
    cells = list(dataset.cells())
    assert [(c.codes["Region"], c.codes["Tid"], c.value, c.status) for c in cells] == [
        ("K-1804", "2022", 52803.0, None),
        ("K-1804", "2023", None, ".."),
        ("F-18", "2022", 240190.0, None),
        ("F-18", "2023", 241000.0, None),
    ]
    assert dataset.table_id == "07459"


def test_sparse_values_and_a_single_status_string_are_understood():
    dataset = jsonstat.parse(small(value={"0": 1, "3": 4}, status="p"))
    assert [c.value for c in dataset.cells()] == [1.0, None, None, 4.0]
    assert {c.status for c in dataset.cells()} == {"p"}


def test_roles_name_the_time_and_geo_dimensions():
    dataset = jsonstat.parse(small(role={"time": ["Tid"], "geo": ["Region"]}))
    assert dataset.role("time") == "Tid"
    assert dataset.role("geo") == "Region"
    assert dataset.role("metric") is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"value": [1, 2, 3]}, "3 values but the dimensions' sizes multiply to 4"),
        ({"id": ["Region", "ContentsCode", "Alder"]}, "dimension 'Alder' is listed in \"id\""),
        ({"value": [1, "2", 3, 4]}, "value 1 is not a number: '2'"),
        ({"version": "1.0"}, "not a JSON-stat 2.0 dataset"),
        ({"size": [3, 1, 2]}, "dimension 'Region' has 2 categories but size says 3"),
        ({"status": {"9": ".."}}, "status for cell 9, but there are 4 cells"),
    ],
)
def test_a_malformed_document_is_rejected_with_the_problem_named(change, problem):
    with pytest.raises(jsonstat.JsonStatError) as caught:
        jsonstat.parse(small(**change), source="bad.json")
    assert str(caught.value).startswith("bad.json: ")
    assert problem in str(caught.value)


def test_a_file_that_is_not_json_is_rejected_naming_the_file(tmp_path: Path):
    path = tmp_path / "error-page.json"
    path.write_text("<html><body>503 Service Unavailable</body></html>")
    with pytest.raises(jsonstat.JsonStatError, match=r"error-page\.json: an HTML or XML page"):
        jsonstat.read_file(path)


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_embedded_snapshot_parses(path: Path):
    dataset = jsonstat.read_file(path)
    assert dataset.table_id == path.stem
    assert len(list(dataset.cells())) == math.prod(len(d.codes) for d in dataset.dimensions)
    assert {dataset.role("geo"), dataset.role("time"), dataset.role("metric")} == {
        "Region",
        "Tid",
        "ContentsCode",
    }


def test_status_as_a_full_array_is_understood():
    dataset = jsonstat.parse(small(status=[None, "..", ":", None]))
    assert [c.status for c in dataset.cells()] == [None, "..", ":", None]


def test_a_dimension_of_size_one_with_labels_only_is_understood():
    document = small()
    document["dimension"]["ContentsCode"] = {"category": {"label": {"Personer1": "Personer"}}}
    assert {c.codes["ContentsCode"] for c in jsonstat.parse(document).cells()} == {"Personer1"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        ('{"version": "2.0", "class": "dataset", "id": ["Region"', "not JSON"),
        ('{"dataset": {"dimension": {}, "value": []}}', "a JSON-stat 1.x bundle"),
        ("[1, 2, 3]", r"not a JSON-stat dataset \(top level is not an object\)"),
    ],
    ids=["empty", "truncated", "json-stat-1-bundle", "a-list"],
)
def test_files_that_are_not_json_stat2_are_rejected(tmp_path: Path, content: str, problem: str):
    path = tmp_path / "input.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(jsonstat.JsonStatError, match=rf"input\.json: {problem}"):
        jsonstat.read_file(path)


def test_a_binary_file_is_rejected(tmp_path: Path):
    path = tmp_path / "input.json"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(jsonstat.JsonStatError, match=r"input\.json: not UTF-8"):
        jsonstat.read_file(path)
