"""Read what the report shows from the marts, through SQLAlchemy, read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from flows.errors import BymonitorError
from flows.warehouse import WarehouseMissing, sqlalchemy_url


class MartsOutdated(BymonitorError):
    """The marts the report reads are not all in the warehouse (built by another version)."""


Row = dict[str, Any]

# Every mart the report reads (and publishes as CSV, XLSX and in the DuckDB copy), with order.
MARTS = {
    "dim_town": "sort_order",
    "dim_indicator": "indicator_id",
    "fct_indicator_values": "geo_level, geo_code, indicator_id, year",
    "town_profile": "town_id, year",
    "town_strengths_weaknesses": "town_id, year, kind, position",
    "survey_town_summary": "wave, town_id, item_id, measure",
    "interview_coverage": "wave, town_id, category_type, category",
    "regional_summary": "town_id, year",
    "county_centralisation": "year",
    "vekstkraft_index": "year, rank",
    "town_population": "town_id, year",
    "area_population": "area_id, year",
    "source_loads": "source, table_id, loaded_at",
    "town_peers": "town_id, year, model, rank",
    "town_peer_comparison": "town_id, year, indicator_id",
    "town_signals": "town_id, year, rule_id, subject",
    "signal_backtest": "sort_order",
    "town_industry_quotients": "town_id, year, industry_order",
    "plan_measures": "register_year, measure_id",
    "plan_measure_towns": "register_year, measure_id, town_id",
    "measure_progress": "register_year, measure_id, indicator_id, town_id",
    "survey_town_change": "town_id, item_id, measure, to_wave",
    "interview_themes_over_time": "wave, town_id, theme",
}

# Marts the report reads for its wording and notes but does not publish as downloads: the
# codebooks' labels and orders, the StatBank tables' titles and lags, the measure verdicts'
# words, the missing values' words. With order.
REFERENCE_MARTS = {
    "dim_code": "codebook, scale, sort_order",
    "dim_source_table": "table_id",
    "dim_measure_verdict": "sort_order",
    "dim_value_status": "sort_order",
}


@dataclass(frozen=True)
class ReportData:
    marts: dict[str, list[Row]]  # MARTS: shown and published as downloads
    reference: dict[str, list[Row]] = field(default_factory=dict)  # REFERENCE_MARTS

    # ---- the tables the report uses most, by name
    @property
    def towns(self) -> list[Row]:
        return self.marts["dim_town"]

    @property
    def town_population(self) -> list[Row]:
        return self.marts["town_population"]

    @property
    def area_population(self) -> list[Row]:
        return self.marts["area_population"]

    @property
    def loads(self) -> list[Row]:
        return self.marts["source_loads"]

    @property
    def used_loads(self) -> list[Row]:
        """The loads the marts read now (not a file a later one of the same table replaced)."""
        return [r for r in self.loads if r.get("is_used", True)]

    def town_series(self, town_id: str) -> list[Row]:
        return [r for r in self.town_population if r["town_id"] == town_id]

    def area_series(self, area_id: str) -> list[Row]:
        return [r for r in self.area_population if r["area_id"] == area_id]

    def indicators(self) -> dict[str, Row]:
        return {r["indicator_id"]: r for r in self.marts["dim_indicator"]}

    def values(self) -> dict[tuple[str, str, int, str], Row]:
        """fct_indicator_values keyed by (geo_level, geo_code, year, indicator_id)."""
        return {
            (r["geo_level"], r["geo_code"], r["year"], r["indicator_id"]): r
            for r in self.marts["fct_indicator_values"]
        }

    def source_tables(self) -> dict[str, Row]:
        """dim_source_table keyed by table_id: the StatBank catalogue's tables, titles and lags."""
        return {r["table_id"]: r for r in self.reference.get("dim_source_table", [])}

    def verdicts(self) -> list[Row]:
        """dim_measure_verdict in its order: each verdict's words and explanation."""
        return list(self.reference.get("dim_measure_verdict", []))

    def value_statuses(self) -> dict[str, Row]:
        """dim_value_status keyed by status, worst first: why a value is missing, in words."""
        return {r["status"]: r for r in self.reference.get("dim_value_status", [])}

    def status_words(self, lang: str) -> dict[str, str]:
        """Each missing-value status's word in the language (dim_value_status.meaning_<lang>)."""
        return {k: r[f"meaning_{lang}"] for k, r in self.value_statuses().items()}

    def ssb_symbol_statuses(self) -> set[str]:
        """The statuses SSB marks with a symbol (those with ssb_symbols in dim_value_status)."""
        return {k for k, r in self.value_statuses().items() if (r.get("ssb_symbols") or "").strip()}

    def codes(self, codebook: str, scale: str) -> dict[str, Row]:
        """dim_code's codes of a codebook's scale keyed by code, in the codebook's order."""
        return {
            r["code"]: r
            for r in self.reference.get("dim_code", [])
            if r["codebook"] == codebook and r["scale"] == scale
        }

    def index_weights(self) -> dict[str, float]:
        """The vekstkraft index's weights (dim_indicator.index_weight), in the method's order."""
        rows = [r for r in self.marts["dim_indicator"] if r.get("index_weight") is not None]
        return {
            r["indicator_id"]: float(r["index_weight"])
            for r in sorted(rows, key=lambda r: r["index_order"])
        }

    def rows(self, mart: str, **where: Any) -> list[Row]:
        return [r for r in self.marts[mart] if all(r.get(k) == v for k, v in where.items())]


def read_report_data(warehouse: Path) -> ReportData:
    """Every mart the report needs, as plain rows; the file is opened read-only and released."""
    if not warehouse.exists():
        raise WarehouseMissing(f"no warehouse at {warehouse}: run `bymonitor run` first")
    engine = create_engine(sqlalchemy_url(warehouse), connect_args={"read_only": True})
    try:
        with engine.connect() as con:
            built = {
                row[0]
                for row in con.execute(
                    text("select table_name from duckdb_tables() where schema_name = 'marts'")
                )
            }
            missing = [name for name in (*MARTS, *REFERENCE_MARTS) if name not in built]
            if missing:
                raise MartsOutdated(
                    f"the warehouse has no mart {', '.join(missing[:3])}"
                    f"{f' (and {len(missing) - 3} more)' if len(missing) > 3 else ''}: the marts "
                    "are not built, or were built by another version of bymonitor; run "
                    "`bymonitor build`, then try again"
                )

            def read(tables: dict[str, str]) -> dict[str, list[Row]]:
                return {
                    name: [
                        dict(row)
                        for row in con.execute(
                            text(f"select * from marts.{name} order by {order}")
                        ).mappings()
                    ]
                    for name, order in tables.items()
                }

            marts, reference = read(MARTS), read(REFERENCE_MARTS)
    finally:
        engine.dispose()
    return ReportData(marts, reference)
