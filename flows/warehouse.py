"""The DuckDB warehouse: connections and the raw layer's tables.

Only one process may hold the file read-write; readers open it read-only after a build.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.errors import BymonitorError

RAW_DDL = """
create schema if not exists raw;
create schema if not exists ops;
create table if not exists ops.fingerprints (
    stage       varchar primary key,  -- build, gate-<year>: what the stage's last success saw
    value       varchar not null,
    recorded_at timestamptz not null
);
create table if not exists ops.runs (
    run_id      varchar primary key,
    flow        varchar not null,     -- yearly-refresh, backfill
    parameters  json not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    status      varchar not null,     -- running, ok, failed, interrupted
    report_year integer,
    report      varchar,
    gate        varchar,              -- the gate's verdict in one line
    error       varchar,
    pid         integer not null
);
create table if not exists ops.run_stages (
    run_id   varchar not null,
    position integer not null,
    stage    varchar not null,
    status   varchar not null,
    seconds  double not null,
    rows     bigint,                  -- rows loaded, built, checked or files published
    summary  varchar
);
create table if not exists raw._loads (
    load_id       varchar primary key,
    source        varchar not null,
    table_id      varchar,
    file_name     varchar not null,
    landed_path   varchar not null,
    sha256        varchar not null,  -- of the file; one workbook may be loaded once per sheet
    rows_loaded   bigint not null,
    rows_rejected bigint not null,
    loaded_at     timestamptz not null,
    value_origin  varchar, -- official, synthetic (sample) or official_totals (old), NULL if unsaid
    sheet         varchar, -- the XLSX sheet read; NULL for other files and for older loads
    key_fingerprint varchar -- survey and interviews: which pseudonym key (flows.ingest.pseudonyms)
);
create table if not exists raw.statbank_vintages (
    load_id  varchar primary key,   -- a StatBank load whose answer carried SSB's `updated`
    updated  varchar not null       -- ISO time stamp: a later load may not be older than this
);
create table if not exists raw._rejects (
    load_id     varchar not null,
    source      varchar not null,
    file_name   varchar not null,
    row_number  bigint,          -- as a spreadsheet numbers it: the header is row 1
    column_name varchar,
    value       varchar,         -- never an identity: those appear as their pseudonym
    reason      varchar not null
);
create table if not exists raw.statbank_tables (
    table_id   varchar primary key,  -- the catalogue (data/catalogue/statbank_tables.yml) as of
    status     varchar,              -- the last StatBank load or build, replaced whole each time
    first_year integer,
    lag_years  integer,
    title_nb   varchar,
    title_en   varchar
);
create table if not exists raw.project_vars (
    name  varchar primary key,  -- dbt/dbt_project.yml's vars as of the last build, replaced whole
    value varchar not null      -- as JSON: "18", 5
);
create table if not exists raw.survey_respondents (
    load_id        varchar not null,
    wave           integer not null,
    respondent_key varchar not null,  -- keyed pseudonym of the respondent id
    town_id        varchar not null,
    row_number     bigint not null
);
create table if not exists raw.survey_answers (
    load_id        varchar not null,
    wave           integer not null,
    respondent_key varchar not null,
    item_id        varchar not null,
    value          varchar           -- the codebook's code; NULL for an item left empty
);
create table if not exists raw.survey_items (
    item_id    varchar primary key,
    item_group varchar,
    item_type  varchar not null,
    label_nb   varchar not null,
    label_en   varchar not null,
    sort_order integer not null
);
create table if not exists raw.survey_item_values (
    item_id       varchar not null,
    code          varchar not null,
    label_nb      varchar not null,
    label_en      varchar not null,
    numeric_value double             -- 1-5 for agreement, 1/0 for yes/no, else NULL
);
create table if not exists raw.interviews (
    load_id          varchar not null,
    wave             integer not null,
    interview_key    varchar not null,
    interview_date   date not null,
    town_id          varchar not null,  -- one of the ten towns, or 'regional'
    informant_role   varchar not null,
    organisation_key varchar,
    informant_key    varchar,
    mode             varchar,
    duration_min     double,
    row_number       bigint not null
);
create table if not exists raw.interview_themes (
    load_id       varchar not null,
    wave          integer not null,
    interview_key varchar not null,
    theme         varchar not null
);
create table if not exists raw.plan_measures (
    load_id       varchar not null,
    register_year integer not null,   -- the year of the register file (`ingest measures --year`)
    measure_id    varchar not null,
    title_nb      varchar not null,
    title_en      varchar,
    theme         varchar not null,
    towns         varchar not null,   -- town ids separated by ';', or 'region'
    responsible   varchar not null,
    start_year    integer not null,
    end_year      integer,
    status        varchar not null,   -- planned, started, completed, stopped (that year)
    budget_nok    double,
    row_number    bigint not null     -- the measure's first row in the file
);
create table if not exists raw.plan_measure_indicators (
    load_id          varchar not null,
    register_year    integer not null,
    measure_id       varchar not null,
    indicator_id     varchar not null,
    baseline_year    integer not null,
    target_value     double,
    target_direction varchar,         -- up, down; NULL when only a target value is given
    target_year      integer not null,
    row_number       bigint not null
);
create table if not exists raw.plan_codebook (
    scale      varchar not null,      -- themes, statuses, directions
    code       varchar not null,
    label_nb   varchar not null,
    label_en   varchar not null,
    sort_order integer not null
);
create table if not exists raw.interview_codebook (
    scale      varchar not null,      -- roles, themes, ... (data/catalogue/interview_codebook.yml)
    code       varchar not null,
    label_nb   varchar not null,
    label_en   varchar not null,
    sort_order integer not null
);
create table if not exists raw.statbank_cells (
    load_id       varchar not null,
    table_id      varchar not null,
    region_code   varchar not null,
    time_code     varchar not null,
    contents_code varchar not null,
    dims          json not null,
    value         double,
    status        varchar
);
"""


class WarehouseMissing(BymonitorError):
    """The warehouse file does not exist yet."""


class WarehouseUnusable(BymonitorError):
    """The warehouse file is damaged or cannot be opened (permissions, read-only disk)."""


# What DuckDB says of a file that is not (or no longer) a whole database
DAMAGED = ("not a valid duckdb database file", "could not read enough bytes", "checksum",
           "corrupt")  # fmt: skip
NO_ACCESS = ("permission denied", "read-only file system")


def open_duckdb(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, with a damaged or inaccessible file named in one sentence."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if any(sign in message.lower() for sign in DAMAGED):
            raise WarehouseUnusable(
                f"the warehouse {path} is damaged ({message}); restore it from a backup, or move "
                "it aside and load the input files again"
            ) from None
        if any(sign in message.lower() for sign in NO_ACCESS):
            raise WarehouseUnusable(
                f"the warehouse {path} cannot be opened ({message}); check the permissions of "
                "BYMONITOR_HOME"
            ) from None
        raise


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse; read-write creates it and the raw schema if needed."""
    if read_only and not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `bymonitor ingest` or `bymonitor run`")
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_duckdb(path, read_only=read_only)
    try:
        if not read_only:
            con.execute(RAW_DDL)
            migrate(con)
        yield con
    finally:
        con.close()


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a warehouse written by an earlier version to RAW_DDL's shape; nothing when it has it.

    raw._loads: `sheet` and `key_fingerprint` are added (NULL for the loads before them), and the
    checksum is no longer unique on its own, since one workbook may be loaded once per sheet;
    DuckDB cannot drop a constraint, so the table is rebuilt with its rows, in one transaction.
    raw.statbank_tables: the titles are added (NULL until the catalogue is written again)."""
    for column in ("title_nb", "title_en"):
        con.execute(f"alter table raw.statbank_tables add column if not exists {column} varchar")
    unique_checksum = con.execute(
        "select count(*) from duckdb_constraints() where schema_name = 'raw' "
        "and table_name = '_loads' and constraint_type = 'UNIQUE' "
        "and constraint_column_names = ['sha256']"
    ).fetchone()[0]
    if not unique_checksum:
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'raw' and table_name = '_loads'"
            ).fetchall()
        }
        for column in ("sheet", "key_fingerprint"):
            if column not in columns:
                con.execute(f"alter table raw._loads add column {column} varchar")
        return
    ddl = RAW_DDL[RAW_DDL.index("create table if not exists raw._loads") :]
    ddl = ddl[: ddl.index("\n);") + 3]
    con.begin()
    try:
        con.execute("alter table raw._loads rename to _loads_before_sheets")
        con.execute(ddl)
        con.execute("insert into raw._loads by name select * from raw._loads_before_sheets")
        con.execute("drop table raw._loads_before_sheets")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def sqlalchemy_url(path: Path):
    """SQLAlchemy URL (duckdb-engine) for readers such as the report and BI tools; built from
    its parts, so no character of the path is read as URL syntax."""
    from sqlalchemy.engine import URL

    return URL.create("duckdb", database=str(path))


def sql_literal(text: object) -> str:
    """A SQL string literal for DuckDB statements that take no parameters (ATTACH): the text
    in single quotes, each quote doubled. Anywhere a `?` parameter works, use that instead."""
    text = str(text)
    if "\x00" in text:
        raise ValueError("a NUL character cannot be part of a SQL string")
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """A quoted SQL identifier (schema, table or column name), each double quote doubled."""
    if "\x00" in name:
        raise ValueError("a NUL character cannot be part of a SQL name")
    return '"' + name.replace('"', '""') + '"'
