"""Load StatBank JSON-stat2 files into raw.statbank_cells, one row per cell."""

from __future__ import annotations

import json
import math
from itertools import product
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from flows.ingest import jsonstat
from flows.ingest.landing import LoadResult, land, previous_load, record_load, sha256_of

SOURCE = "statbank"
REGION_DIM, TIME_DIM, CONTENTS_DIM = "Region", "Tid", "ContentsCode"


def cells_frame(dataset: jsonstat.Dataset, table_id: str, load_id: str) -> pd.DataFrame:
    """The dataset as rows of the raw.statbank_cells contract."""
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
    con: duckdb.DuckDBPyConnection, path: Path, landing_dir: Path, table_id: str | None = None
) -> LoadResult:
    """Load one JSON-stat2 file in one transaction; a file loaded before is a no-op."""
    sha = sha256_of(path)
    earlier = previous_load(con, sha)
    if earlier:
        return LoadResult(path.name, earlier, sha, 0, 0, skipped=True)
    dataset = jsonstat.read_file(path)
    table = resolve_table_id(dataset, table_id)
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
        _refresh_catalogue(con)
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
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return LoadResult(path.name, load_id, sha, len(frame), 0, skipped=False)


def _refresh_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the table catalogue beside the cells: the quality gate's freshness check reads it."""
    from flows.ingest.statbank_catalogue import load_catalogue

    con.execute("delete from raw.statbank_tables")
    con.executemany(
        "insert into raw.statbank_tables values (?, ?, ?, ?)",
        [
            (t.table_id, t.status, int(t.spec["first_year"]), int(t.spec.get("lag_years", 0)))
            for t in load_catalogue().values()
        ],
    )
