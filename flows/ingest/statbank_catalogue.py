"""The StatBank table catalogue (data/catalogue/statbank_tables.yml): what bymonitor wants of
each table. The table's metadata settles the exact query (`flows.ingest.statbank_plan`)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.errors import BymonitorError
from flows.settings import REPO_ROOT

CATALOGUE_PATH = REPO_ROOT / "data" / "catalogue" / "statbank_tables.yml"
MUNICIPALITIES_PATH = REPO_ROOT / "dbt" / "seeds" / "nordland_municipalities.csv"
CODE_HISTORY_PATH = REPO_ROOT / "dbt" / "seeds" / "municipality_code_history.csv"


class CatalogueError(BymonitorError):
    """The catalogue is malformed or does not know a table."""


@dataclass(frozen=True)
class Query:
    """One PxWebApi 2 data request: explicit value codes (and codelists) per variable."""

    table_id: str
    selections: dict[str, list[str]]
    codelists: dict[str, str] = field(default_factory=dict)

    def cells(self) -> int:
        total = 1
        for codes in self.selections.values():
            total *= len(codes)
        return total

    def params(self, lang: str = "no") -> list[tuple[str, str]]:
        """The GET query string (PxWebApi 2 removed `outputValues`: it is never sent)."""
        params = [("lang", lang), ("outputFormat", "json-stat2")]
        for variable, codes in self.selections.items():
            params.append((f"valueCodes[{variable}]", ",".join(codes)))
            if variable in self.codelists:
                params.append((f"codelist[{variable}]", self.codelists[variable]))
        return params

    def body(self) -> dict[str, Any]:
        """The same selection as a POST body, for selections too long for a URL."""
        selection = []
        for variable, codes in self.selections.items():
            item: dict[str, Any] = {"variableCode": variable, "valueCodes": list(codes)}
            if variable in self.codelists:
                item["codelist"] = self.codelists[variable]
            selection.append(item)
        return {"selection": selection, "placement": {"heading": [], "stub": []}}

    def describe(self) -> str:
        parts = []
        for variable, codes in self.selections.items():
            shown = ",".join(codes[:3]) + (f",… ({len(codes)} codes)" if len(codes) > 3 else "")
            parts.append(f"{variable}={shown}")
        return f"table {self.table_id} [{'; '.join(parts)}]"

    def without_duplicates(self) -> Query:
        """SSB answers a code given twice with an empty HTTP 500: never send one."""
        return Query(
            self.table_id,
            {v: list(dict.fromkeys(codes)) for v, codes in self.selections.items()},
            self.codelists,
        )


@dataclass(frozen=True)
class RegionGroup:
    """Region codes asked with one codelist, for the years `first`..`last` (None: open).

    With `pattern`, the codes asked are every code of the codelist's own metadata that matches
    it (e.g. every municipality in Norway); `codes` are then the ones that must be among them.
    """

    codelist: str | None
    codes: list[str]
    first: int | None = None
    last: int | None = None
    pattern: str | None = None

    def covers(self, year: int) -> bool:
        return (self.first is None or year >= self.first) and (
            self.last is None or year <= self.last
        )


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    spec: dict[str, Any]

    @property
    def status(self) -> str:
        return self.spec.get("status", "U")

    @property
    def region_variable(self) -> str:
        return self.spec["region_variable"]

    @property
    def time_variable(self) -> str:
        return self.spec["time_variable"]

    @property
    def first_year(self) -> int:
        return int(self.spec["first_year"])

    @property
    def query(self) -> dict[str, list[str]]:
        """Value codes per variable besides region and time."""
        return {k: [str(v) for v in vs] for k, vs in self.spec["query"].items()}

    @property
    def codelists(self) -> dict[str, str]:
        """Codelists for the variables of `query` (the region's are per group)."""
        return dict(self.spec.get("codelists") or {})

    def region_groups(self, municipalities: list[str]) -> list[RegionGroup]:
        groups = []
        for group in self.spec["regions"]:
            pattern = None
            if group["codes"] in ("nordland_municipalities", ALL_MUNICIPALITIES):
                codes = [group["format"].format(code=c) for c in municipalities]
                if group.get("retired"):  # codes valid in earlier years, for plain-code lists
                    codes += [group["format"].format(code=c) for c in retired_codes(municipalities)]
                if group["codes"] == ALL_MUNICIPALITIES:
                    pattern = municipality_pattern(group["format"])
            else:
                codes = [str(c) for c in group["codes"]]
            groups.append(
                RegionGroup(
                    group.get("codelist"), codes, group.get("from"), group.get("to"), pattern
                )
            )
        return groups


ALL_MUNICIPALITIES = "all_municipalities"


def municipality_pattern(code_format: str) -> str:
    """The regular expression of a municipality code written with `format` ("K-{code}")."""
    before, _, after = code_format.partition("{code}")
    return re.escape(before) + r"\d{4}" + re.escape(after)


REQUIRED = (
    "region_variable",
    "time_variable",
    "contents_variable",
    "regions",
    "query",
    "first_year",
)


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, TableSpec]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = {}
    for table_id, spec in (document.get("tables") or {}).items():
        missing = [key for key in REQUIRED if key not in spec]
        if missing:
            raise CatalogueError(f"{path}: table {table_id} lacks {', '.join(missing)}")
        tables[str(table_id)] = TableSpec(str(table_id), spec)
    return tables


def write_table_list(con: Any, path: Path = CATALOGUE_PATH) -> int:
    """Replace raw.statbank_tables with the catalogue's table list (id, status, first year, lag
    and titles), in the caller's transaction: the warehouse's copy of the catalogue, which the
    marts (dim_source_table, the freshness check, the lags) read. The YAML stays its only
    source. Returns the number of tables."""
    rows = [
        (
            t.table_id,
            t.status,
            int(t.spec["first_year"]),
            int(t.spec.get("lag_years", 0)),
            t.spec.get("title_nb"),
            t.spec.get("title_en"),
        )
        for t in load_catalogue(path).values()
    ]
    con.execute("delete from raw.statbank_tables")
    if rows:
        con.executemany(
            "insert into raw.statbank_tables "
            "(table_id, status, first_year, lag_years, title_nb, title_en) "
            "values (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def select_tables(catalogue: dict[str, TableSpec], wanted: list[str] | None) -> list[TableSpec]:
    if not wanted:
        return list(catalogue.values())
    unknown = [t for t in wanted if t not in catalogue]
    if unknown:
        raise CatalogueError(
            f"unknown table(s) {', '.join(unknown)}: the catalogue has {', '.join(catalogue)}"
        )
    return [catalogue[t] for t in wanted]


def nordland_municipalities(path: Path = MUNICIPALITIES_PATH) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["municipality_code"] for row in csv.DictReader(handle)]


def retired_codes(municipalities: list[str], path: Path = CODE_HISTORY_PATH) -> list[str]:
    """Codes no longer in use whose territory is (partly) in one of these municipalities."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return list(dict.fromkeys(r["old_code"] for r in rows if r["current_code"] in municipalities))
