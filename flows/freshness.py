"""Whether the marts are those of the inputs and rules at hand: `check` and `publish` read the
marts as they were last built, so a load made after that build (or whose build failed) would
silently be left out, and a project var changed since (e.g. the small-cell rule) would be stated
in the report's texts over figures made with the old one."""

from __future__ import annotations

import json

import duckdb

from flows import constants
from flows.errors import BymonitorError
from flows.settings import Settings
from flows.warehouse import connect


class MartsOutOfDate(BymonitorError):
    """Loads exist that the marts were not built from."""


def unbuilt_loads(settings: Settings) -> list[tuple[str, str]]:
    """(load id, file name) of every load the marts were not built from, oldest first.

    The marts' `source_loads` lists every load a build saw; a load in raw._loads but not there
    came after the last successful build. Empty before the first build (nothing to compare).
    """
    with connect(settings.warehouse_path, read_only=True) as con:
        try:
            return con.execute(
                "select load_id, file_name from raw._loads where load_id not in "
                "(select load_id from marts.source_loads) order by loaded_at, load_id"
            ).fetchall()
        except duckdb.CatalogException:
            return []


def changed_vars(settings: Settings) -> list[str]:
    """Each project var whose value in dbt/dbt_project.yml differs from the one the marts were
    built with (mart `project_vars`), as "name built → now". Empty before the first build."""
    with connect(settings.warehouse_path, read_only=True) as con:
        try:
            con.execute("select 1 from marts.source_loads limit 1")
        except duckdb.CatalogException:
            return []  # not built yet: nothing to compare
        try:
            rows = con.execute("select var_name, var_value from marts.project_vars").fetchall()
        except duckdb.CatalogException:  # built by a version that did not record them
            return ["(the marts record no project vars: built by an earlier version)"]
    built = {name: json.loads(value) for name, value in rows}
    now = constants.project_vars()
    return [
        f"{name} {_shown(built.get(name))} → {_shown(now.get(name))}"
        for name in sorted(built.keys() | now.keys())
        if built.get(name) != now.get(name)
    ]


def _shown(value: object) -> str:
    return "(none)" if value is None else str(value)


def refuse_unbuilt(settings: Settings, command: str) -> None:
    """Stop `check` or `publish` when the marts lack loads or were built with other project vars,
    naming them."""
    changed = changed_vars(settings)
    if changed:
        raise MartsOutOfDate(
            f"the marts were built with other project vars than dbt/{constants.DBT_PROJECT.name} "
            f"holds now: {', '.join(changed)}; run `bymonitor build`, then "
            f"`bymonitor {command}` again"
        )
    missing = unbuilt_loads(settings)
    if not missing:
        return
    named = ", ".join(f"{load_id} ({file_name})" for load_id, file_name in missing)
    raise MartsOutOfDate(
        f"the marts were last built before {len(missing)} load(s), which they do not contain: "
        f"{named}; run `bymonitor build` (or `bymonitor unload LOAD_ID` to drop a load), then "
        f"`bymonitor {command}` again"
    )
