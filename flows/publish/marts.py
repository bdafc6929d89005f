"""Read what the report shows from the marts, through SQLAlchemy, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from flows.warehouse import WarehouseMissing, sqlalchemy_url

Row = dict[str, Any]


@dataclass(frozen=True)
class ReportData:
    towns: list[Row]
    town_population: list[Row]
    area_population: list[Row]
    loads: list[Row]

    def latest_year(self) -> int | None:
        years = [r["year"] for r in self.town_population if r["value_status"] == "ok"]
        return max(years) if years else None

    def town_series(self, town_id: str) -> list[Row]:
        return [r for r in self.town_population if r["town_id"] == town_id]

    def area_series(self, area_id: str) -> list[Row]:
        return [r for r in self.area_population if r["area_id"] == area_id]


MART_QUERIES = {
    "towns": "select * from marts.dim_town order by sort_order",
    "town_population": "select * from marts.town_population order by town_id, year",
    "area_population": "select * from marts.area_population order by area_id, year",
    "loads": "select * from marts.source_loads order by source, table_id, loaded_at",
}


def read_report_data(warehouse: Path) -> ReportData:
    """Every mart the report needs, as plain rows; the file is opened read-only and released."""
    if not warehouse.exists():
        raise WarehouseMissing(f"no warehouse at {warehouse}: run `bymonitor run` first")
    engine = create_engine(sqlalchemy_url(warehouse), connect_args={"read_only": True})
    try:
        with engine.connect() as con:
            tables = {
                name: [dict(row) for row in con.execute(text(query)).mappings()]
                for name, query in MART_QUERIES.items()
            }
    finally:
        engine.dispose()
    return ReportData(**tables)
