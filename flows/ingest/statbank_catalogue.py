"""The StatBank table catalogue (data/catalogue/statbank_tables.yml) and the queries it implies."""

from __future__ import annotations

import csv
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
    """One PxWebApi 2 data request: value codes (and codelists) per variable."""

    table_id: str
    selections: dict[str, list[str]]
    codelists: dict[str, str] = field(default_factory=dict)
    # how many codes a selection expression such as from(2001) stands for, for the cell limit
    expression_sizes: dict[str, int] = field(default_factory=dict)

    def cells(self) -> int:
        total = 1
        for variable, codes in self.selections.items():
            total *= self.expression_sizes.get(variable, len(codes))
        return total

    def params(self, lang: str = "no") -> list[tuple[str, str]]:
        params = [("lang", lang), ("outputFormat", "json-stat2")]
        for variable, codes in self.selections.items():
            params.append((f"valueCodes[{variable}]", ",".join(codes)))
            if variable in self.codelists:
                params.append((f"codelist[{variable}]", self.codelists[variable]))
                params.append((f"outputValues[{variable}]", "aggregated"))
        return params

    def describe(self) -> str:
        parts = []
        for variable, codes in self.selections.items():
            shown = ",".join(codes[:3]) + (f",… ({len(codes)} codes)" if len(codes) > 3 else "")
            parts.append(f"{variable}={shown}")
        return f"table {self.table_id} [{'; '.join(parts)}]"


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    spec: dict[str, Any]

    @property
    def status(self) -> str:
        return self.spec.get("status", "U")

    @property
    def variables(self) -> list[str]:
        """Every variable the query names, region and time included."""
        return [
            self.spec["region_variable"],
            *self.spec["query"],
            self.spec["time_variable"],
        ]

    def queries(self, municipalities: list[str], last_year: int) -> list[Query]:
        """One query per region group (each group has its own codelist), years from(first_year)."""
        first_year = int(self.spec["first_year"])
        queries = []
        for group in self.spec["regions"]:
            if group["codes"] == "nordland_municipalities":
                codes = [group["format"].format(code=c) for c in municipalities]
                if group["format"] == "{code}":  # codes valid in each year: ask for old ones too
                    codes += retired_codes(municipalities)
            else:
                codes = [str(c) for c in group["codes"]]
            selections = {self.spec["region_variable"]: codes}
            selections.update({k: [str(v) for v in vs] for k, vs in self.spec["query"].items()})
            selections[self.spec["time_variable"]] = [f"from({first_year})"]
            codelists = dict(self.spec.get("codelists") or {})
            if group.get("codelist"):
                codelists[self.spec["region_variable"]] = group["codelist"]
            sizes = {self.spec["time_variable"]: max(1, last_year - first_year + 1)}
            queries.append(Query(self.table_id, selections, codelists, sizes))
        return queries


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
    return [r["old_code"] for r in rows if r["current_code"] in municipalities]
