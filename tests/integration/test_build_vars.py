"""The marts record the project vars they were built with (mart `project_vars`), and `check` and
`publish`, whose texts state those vars, refuse marts built with other ones."""

from __future__ import annotations

import json

import duckdb
import pytest
from helpers import copy_built, query

from flows import constants
from flows.freshness import MartsOutOfDate, changed_vars, refuse_unbuilt
from flows.settings import Settings
from flows.warehouse import connect


@pytest.fixture
def built(built_sample, tmp_path) -> Settings:
    return Settings(home=copy_built(built_sample, tmp_path / "home"))


def test_the_marts_hold_the_vars_of_dbt_project_yml(built):
    rows = query(built.warehouse_path, "select var_name, var_value from marts.project_vars")
    assert {name: json.loads(value) for name, value in rows} == constants.project_vars()
    assert changed_vars(built) == []
    refuse_unbuilt(built, "publish")  # nothing to refuse


def test_publish_refuses_marts_built_with_another_small_cell_rule(built, monkeypatch):
    now = {**constants.project_vars(), "small_cell_n": 10}
    monkeypatch.setattr(constants, "project_vars", lambda: now)
    with pytest.raises(MartsOutOfDate) as refused:
        refuse_unbuilt(built, "publish")
    assert str(refused.value) == (
        "the marts were built with other project vars than dbt/dbt_project.yml holds now: "
        "small_cell_n 5 → 10; run `bymonitor build`, then `bymonitor publish` again"
    )


def test_marts_that_record_no_vars_are_refused_as_an_earlier_versions(built):
    with duckdb.connect(str(built.warehouse_path)) as con:
        con.execute("drop table marts.project_vars")
    with pytest.raises(MartsOutOfDate, match="record no project vars: built by an earlier"):
        refuse_unbuilt(built, "check")


def test_a_warehouse_never_built_has_no_vars_to_compare(settings):
    settings.warehouse_path.parent.mkdir(parents=True)
    with connect(settings.warehouse_path):
        pass  # the raw layer only, as after a first ingest
    assert changed_vars(settings) == []
