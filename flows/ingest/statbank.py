"""Load StatBank JSON-stat2 files into raw.statbank_cells, one row per cell."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from flows.ingest import jsonstat
from flows.ingest.landing import LoadResult, land, previous_load, record_load, sha256_of

SOURCE = "statbank"
REGION_DIM, TIME_DIM, CONTENTS_DIM = "Region", "Tid", "ContentsCode"
REGION_CODE = re.compile(r"^([KF][-_.]?)?(\d{2}|\d{4})$")
YEAR = re.compile(r"^\d{4}$")

if TYPE_CHECKING:
    import pandas as pd


def cells_frame(dataset: jsonstat.Dataset, table_id: str, load_id: str) -> pd.DataFrame:
    """The dataset as rows of the raw.statbank_cells contract."""
    import numpy as np  # here, not at the top: commands that load no file start faster
    import pandas as pd

    region = dataset.role("geo") or REGION_DIM
    time = dataset.role("time") or TIME_DIM
    contents = dataset.role("metric") or CONTENTS_DIM
    present = {d.id for d in dataset.dimensions}
    missing = [d for d in (region, time, contents) if d not in present]
    if missing:
        raise jsonstat.JsonStatError(
            dataset.source, f"no {', '.join(missing)} dimension (needed for region, year, contents)"
        )
    # Built column-wise: each dimension's codes repeat in a fixed pattern (row-major order, the
    # last dimension fastest), so a column is its codes indexed by a tiled/repeated range. The
    # JSON of the other dimensions is made once per combination of those dimensions only.
    sizes = [len(d.codes) for d in dataset.dimensions]
    total = math.prod(sizes)
    positions = {}
    for i, dimension in enumerate(dataset.dimensions):
        inner, outer = math.prod(sizes[i + 1 :]), math.prod(sizes[:i])
        positions[dimension.id] = np.tile(np.repeat(np.arange(sizes[i]), inner), outer)
    others = [d for d in dataset.dimensions if d.id not in (region, time, contents)]
    combination = np.zeros(total, dtype=np.int64)
    for dimension in others:
        combination = combination * len(dimension.codes) + positions[dimension.id]
    others_json = [
        json.dumps(dict(zip([d.id for d in others], combo, strict=True)), ensure_ascii=False,
                   sort_keys=True)
        for combo in product(*(d.codes for d in others))
    ]  # fmt: skip
    codes = {d.id: np.asarray(d.codes, dtype=object) for d in dataset.dimensions}
    return pd.DataFrame(
        {
            "load_id": load_id,
            "table_id": table_id,
            "region_code": codes[region][positions[region]],
            "time_code": codes[time][positions[time]],
            "contents_code": codes[contents][positions[contents]],
            "dims": np.asarray(others_json, dtype=object)[combination],
            "value": pd.array(dataset.values, dtype="Float64"),
            "status": np.asarray(dataset.statuses, dtype=object),
        }
    )


def normalised_region(code: str) -> tuple[str, str] | None:
    """(level, code) of a StatBank region code however its codelist writes it: `K-1804`,
    `K_1804`, `K.1804` and `1804` are one municipality; `F-18`, `18` one county; `0` Norway."""
    if code == "0":
        return ("country", "0")
    match = REGION_CODE.match(code)
    if not match:
        return None
    return ("county" if len(match.group(2)) == 2 else "municipality", match.group(2))


def check_codes(dataset: jsonstat.Dataset, today: date) -> None:
    """Refuse what would be summed or misread: region codes that are one code written twice
    (`K-1804` and `1804`), periods that are not years, and years after today."""
    region = dataset.role("geo") or REGION_DIM
    time = dataset.role("time") or TIME_DIM
    for dimension in dataset.dimensions:
        if dimension.id == region:
            seen: dict[tuple[str, str], str] = {}
            for code in dimension.codes:
                key = normalised_region(code)
                if key and key in seen:
                    raise jsonstat.JsonStatError(
                        dataset.source,
                        f"region codes {seen[key]} and {code} are the same {key[0]} {key[1]}: "
                        "its figures would be counted twice; nothing was loaded",
                    )
                if key:
                    seen[key] = code
        if dimension.id == time:
            not_years = [c for c in dimension.codes if not YEAR.match(c)]
            if not_years:
                raise jsonstat.JsonStatError(
                    dataset.source,
                    f"{time} holds {', '.join(not_years[:3])}: bymonitor's tables are yearly and "
                    "each period must be a year (a monthly or quarterly table is not one of them)",
                )
            future = [c for c in dimension.codes if int(c) > today.year]
            if future:
                raise jsonstat.JsonStatError(
                    dataset.source,
                    f"figures for {', '.join(future)}, a year after today ({today.isoformat()}): "
                    "not a StatBank answer; nothing was loaded",
                )


def vintage(dataset: jsonstat.Dataset) -> str | None:
    """SSB's `updated` stamp of the answer (ISO), if it has one."""
    updated = dataset.updated
    return updated if isinstance(updated, str) and updated.strip() else None


def check_vintage(
    con: duckdb.DuckDBPyConnection, dataset: jsonstat.Dataset, table: str, updated: str | None
) -> None:
    """An older vintage loaded after a newer one would silently win: refuse it."""
    if not updated:
        return
    newest = con.execute(
        "select max(v.updated), arg_max(l.file_name, v.updated) from raw.statbank_vintages v "
        "join raw._loads l using (load_id) where l.table_id = ?",
        [table],
    ).fetchone()
    if newest and newest[0] and newest[0] > updated:
        raise jsonstat.JsonStatError(
            dataset.source,
            f"an older vintage of table {table} (updated {updated}) than the one already loaded "
            f"from {newest[1]} (updated {newest[0]}): it would replace newer figures. Unload the "
            "newer load first (`bymonitor unload`) if going back is what you want",
        )


def resolve_table_id(dataset: jsonstat.Dataset, given: str | None) -> str:
    if given and dataset.table_id and given != dataset.table_id:
        raise jsonstat.JsonStatError(
            dataset.source, f"--table {given} but the document is table {dataset.table_id}"
        )
    table_id = given or dataset.table_id
    if not table_id:
        raise jsonstat.JsonStatError(
            dataset.source,
            'the table id is neither in the label ("07459: ...") nor given with --table',
        )
    return table_id


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    landing_dir: Path,
    table_id: str | None = None,
    today: date | None = None,
) -> LoadResult:
    """Load one JSON-stat2 file in one transaction; a file loaded before is a no-op."""
    sha = sha256_of(path)
    earlier = previous_load(con, sha)
    if earlier:
        return LoadResult(path.name, earlier, sha, 0, 0, skipped=True)
    dataset = jsonstat.read_file(path)
    table = resolve_table_id(dataset, table_id)
    check_codes(dataset, today or date.today())
    updated = vintage(dataset)
    check_vintage(con, dataset, table, updated)
    load_id = f"{SOURCE}-{table}-{sha[:12]}"
    frame = cells_frame(dataset, table, load_id)
    landed = land(path, sha, landing_dir, SOURCE)
    con.begin()
    try:
        con.register("incoming_cells", frame)
        con.execute(
            "insert into raw.statbank_cells select load_id, table_id, region_code, time_code, "
            "contents_code, dims::json, value, status from incoming_cells"
        )
        con.unregister("incoming_cells")
        record_load(
            con,
            load_id=load_id,
            source=SOURCE,
            table_id=table,
            path=path,
            landed_path=landed,
            sha256=sha,
            rows_loaded=len(frame),
            rows_rejected=0,
            value_origin=(dataset.extension.get("bymonitor") or {}).get("values"),
        )
        if updated:
            con.execute("insert into raw.statbank_vintages values (?, ?)", [load_id, updated])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return LoadResult(path.name, load_id, sha, len(frame), 0, skipped=False)
