"""The constants the models, the gate and the report share, read from their one home: the `vars`
of dbt/dbt_project.yml (the models read them with `var()`, the gate's suites with `{var: name}` in
kwargs and `{name}` in their texts, Python from here)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import yaml

from flows.settings import REPO_ROOT

DBT_PROJECT = REPO_ROOT / "dbt" / "dbt_project.yml"


@cache
def project_vars() -> dict[str, Any]:
    """dbt's project vars (county, the regional capital, the small-cell rule, ...)."""
    document = yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))
    return dict(document.get("vars") or {})


def var(name: str) -> Any:
    """One project var; a missing name is a programming error, named."""
    values = project_vars()
    if name not in values:
        raise KeyError(f"{name} is not a var in {DBT_PROJECT}")
    return values[name]


def write_project_vars(con: Any) -> int:
    """Replace raw.project_vars with the project vars (values as JSON), in the caller's
    transaction, before each build: the marts keep the vars they were built with
    (`project_vars`), so `check` and `publish`, which state the vars in their texts, can refuse
    marts built with other ones (flows/freshness.py). Returns the number of vars."""
    rows = [(name, json.dumps(value)) for name, value in project_vars().items()]
    con.execute("delete from raw.project_vars")
    if rows:
        con.executemany("insert into raw.project_vars (name, value) values (?, ?)", rows)
    return len(rows)


def fill(text: str) -> str:
    """`text` with every `{var_name}` of a project var replaced by its value; other
    placeholders (a failing row's columns) are left for later."""
    for name, value in project_vars().items():
        text = text.replace("{" + name + "}", str(value))
    return text


def fill_all(node: Any) -> Any:
    """`fill` applied to every text of a loaded YAML document (messages, column labels), so
    that a text naming a rule (e.g. "fewer than {small_cell_n} answers") states its value."""
    if isinstance(node, str):
        return fill(node)
    if isinstance(node, dict):
        return {key: fill_all(value) for key, value in node.items()}
    if isinstance(node, list):
        return [fill_all(value) for value in node]
    return node
