"""The floor: the refresh's work with no orchestration, in one process and one DuckDB connection.

Given a home where `bymonitor run` has run (for its landed raw tables and dbt's compiled SQL), it
times: loading the raw tables with DuckDB (from Parquet written beforehand, untimed), every seed
and every compiled dbt model and data test in dependency order, the gate's expectations as plain
SQL over the same frames, and rendering the report (HTML, downloads, PDF). Prints JSON stages.

    python benchmarks/floor.py HOME WORKDIR
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def prepare(home: Path, work: Path) -> Path:
    """Untimed set-up: raw tables to Parquet, and dbt's compiled SQL for a file named like ours."""
    work.mkdir(parents=True, exist_ok=True)
    source = home / "warehouse" / "bymonitor.duckdb"
    con = duckdb.connect(str(source), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('raw', 'reference')"
        ).fetchall()
        for schema, table in tables:  # the raw layer, and the seeds as dbt typed them
            (work / schema).mkdir(exist_ok=True)
            con.execute(
                f"copy {schema}.\"{table}\" to '{work / schema / table}.parquet' (format parquet)"
            )
    finally:
        con.close()
    target = work / "dbt-target"
    env = {
        **os.environ,
        "BYMONITOR_WAREHOUSE": str(source),
        "DBT_PROFILES_DIR": str(REPO / "dbt"),
        "DO_NOT_TRACK": "1",
    }
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [
            str(dbt),
            "compile",
            "--project-dir",
            str(REPO / "dbt"),
            "--target-path",
            str(target),
            "--quiet",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return target / "manifest.json"


def _evaluate(frame, expectation: dict, parameters: dict) -> bool:
    """One GX expectation as SQL over the frame (the types the suites use)."""
    kwargs = {
        k: parameters[v["$PARAMETER"]] if isinstance(v, dict) and "$PARAMETER" in v else v
        for k, v in expectation.get("kwargs", {}).items()
    }
    if kwargs.get("row_condition"):
        frame = frame.query(kwargs["row_condition"])
    column = f'"{kwargs["column"]}"' if "column" in kwargs else None
    kind = expectation["type"]
    con = duckdb.connect()
    con.register("batch", frame)
    try:
        if kind == "expect_table_row_count_to_equal":
            return con.execute("select count(*) from batch").fetchone()[0] == kwargs["value"]
        if kind == "expect_compound_columns_to_be_unique":
            columns = ", ".join(f'"{c}"' for c in kwargs["column_list"])
            duplicates = f"select {columns} from batch group by all having count(*) > 1"
            sql = f"select count(*) from ({duplicates})"
        elif kind == "expect_column_values_to_be_between":
            bounds = []
            if kwargs.get("min_value") is not None:
                bounds.append(f"{column} < {kwargs['min_value']}")
            if kwargs.get("max_value") is not None:
                bounds.append(f"{column} > {kwargs['max_value']}")
            sql = f"select count(*) from batch where {' or '.join(bounds) or 'false'}"
        elif kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
            values = ", ".join(repr(v) for v in kwargs["value_set"])
            negate = "" if "not_be" in kind else "not"  # count the values that break the rule
            outside = f"{column} is not null and {negate} {column} in ({values})"
            sql = f"select count(*) from batch where {outside}"
        elif kind == "expect_column_values_to_be_null":
            sql = f"select count(*) from batch where {column} is not null"
        elif kind == "expect_column_values_to_not_be_null":
            sql = f"select count(*) from batch where {column} is null"
        elif kind == "expect_column_values_to_not_match_regex":
            pattern = kwargs["regex"].replace("'", "''")
            sql = f"select count(*) from batch where regexp_matches({column}::varchar, '{pattern}')"
        elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
            a, b = f'"{kwargs["column_A"]}"', f'"{kwargs["column_B"]}"'
            strict = ">" if not kwargs.get("or_equal") else ">="
            broken = f"{a} is not null and {b} is not null and not ({a} {strict} {b})"
            sql = f"select count(*) from batch where {broken}"
        else:
            raise ValueError(f"no SQL for {kind}")
        return con.execute(sql).fetchone()[0] == 0
    finally:
        con.close()


def run(home: Path, work: Path, manifest_path: Path) -> dict[str, float]:
    from flows.gate import _batches, gate_parameters, load_result, load_suites
    from flows.publish.marts import read_report_data
    from flows.publish.render import publish
    from flows.settings import Settings

    stages: dict[str, float] = {}
    database = work / "bymonitor.duckdb"
    database.unlink(missing_ok=True)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))

    start = time.perf_counter()
    con = duckdb.connect(str(database))
    con.execute("create schema raw")
    for parquet in sorted((work / "raw").glob("*.parquet")):
        con.execute(
            f"create table raw.\"{parquet.stem}\" as select * from read_parquet('{parquet}')"
        )
    stages["ingest"] = time.perf_counter() - start

    start = time.perf_counter()
    nodes = {
        k: n
        for k, n in manifest["nodes"].items()
        if n["resource_type"] in ("seed", "model", "test")
    }
    order = TopologicalSorter(
        {k: [d for d in n["depends_on"].get("nodes", []) if d in nodes] for k, n in nodes.items()}
    ).static_order()
    failures = 0
    for key in order:
        node = nodes[key]
        schema = node["schema"]
        con.execute(f'create schema if not exists "{schema}"')
        if node["resource_type"] == "seed":
            path = work / "reference" / f"{node['name']}.parquet"
            con.execute(
                f"create table {node['relation_name']} as select * from read_parquet('{path}')"
            )
        elif node["resource_type"] == "model":
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            code = re.sub(r";\s*$", "", node["compiled_code"].strip())
            con.execute(f"create {kind} {node['relation_name']} as {code}")
        elif node.get("compiled_code"):
            failures += (
                con.execute(f"select count(*) from ({node['compiled_code']})").fetchone()[0] > 0
            )
    stages["build"] = time.perf_counter() - start
    con.close()

    settings = Settings(home=home).working_on(database)
    start = time.perf_counter()
    suites = load_suites(settings.expectations_dir / "suites")
    with duckdb.connect(str(database), read_only=True) as reader:
        towns = reader.execute("select count(*) from marts.dim_town").fetchone()[0]
        headlines = reader.execute(
            "select count(*) from marts.dim_indicator where is_headline"
        ).fetchone()[0]
        year = reader.execute(
            "select max(year) from marts.town_population where population is not null"
        ).fetchone()[0]
        parameters = gate_parameters(settings, year, towns, headlines)
        batches = _batches(reader, suites, parameters)
    results = [_evaluate(b.frame, e, parameters) for b in batches for e in b.expectations]
    stages["check"] = time.perf_counter() - start

    start = time.perf_counter()
    gate = load_result(Settings(home=home), year)
    floor_home = Settings(home=work / "home").working_on(database)
    publish(read_report_data(database), gate, year, floor_home)
    stages["publish"] = time.perf_counter() - start
    return {
        "stages": stages,
        "checks": len(results),
        "checks_failed": results.count(False),
        "dbt_tests_failed": int(failures),
    }


if __name__ == "__main__":
    home, work = Path(sys.argv[1]), Path(sys.argv[2])
    manifest = prepare(home, work) if len(sys.argv) < 4 else Path(sys.argv[3])
    print(json.dumps(run(home, work, manifest)))
