"""Whether the marts hold every load: `check` and `publish` read the marts as they were last
built, so a load made after that build (or whose build failed) would silently be left out."""

from __future__ import annotations

import duckdb

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


def refuse_unbuilt(settings: Settings, command: str) -> None:
    """Stop `check` or `publish` when the marts lack loads, naming them."""
    missing = unbuilt_loads(settings)
    if not missing:
        return
    named = ", ".join(f"{load_id} ({file_name})" for load_id, file_name in missing)
    raise MartsOutOfDate(
        f"the marts were last built before {len(missing)} load(s), which they do not contain: "
        f"{named}; run `bymonitor build` (or `bymonitor unload LOAD_ID` to drop a load), then "
        f"`bymonitor {command}` again"
    )
