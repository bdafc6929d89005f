"""What each page of the report shows: view models built from the marts (no SQL, no HTML)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import mean
from typing import Any

from flows import constants
from flows.publish import charts
from flows.publish.formatting import Formatter
from flows.publish.marts import ReportData

COUNTY = constants.var("county_code")
COUNTY_NAME = constants.var("county_name")
AGE_GROUPS = [
    ("age_0_19", "share_age_0_19"),
    ("age_20_66", "share_age_20_66"),
    ("age_67_plus", "share_age_67_plus"),
    ("age_80_plus", "share_age_80_plus"),
]
COMPONENTS = [
    ("series_births", "births_per_1000"),
    ("series_deaths", "deaths_per_1000"),
    ("series_net_domestic", "net_domestic_migration_per_1000"),
    ("series_net_international", "net_international_migration_per_1000"),
]


# Whose a value is, strongest first: SSB's (or the county's own) figures, an estimate, the
# embedded sample's made-up values. A value made from several takes the weakest of them.
ORIGINS = ("official", "estimate", "sample")
PEOPLE_SOURCES = ("survey", "interviews")
# The county's own inputs that are no StatBank table: the answers and interviews, and the action
# programme's register; a source line names them in words.
OWN_SOURCES = (*PEOPLE_SOURCES, "measures")


def weakest(origins: Iterable[str | None]) -> str | None:
    """The weakest origin among those given (None where none is given)."""
    known = [o for o in origins if o in ORIGINS]
    return max(known, key=ORIGINS.index) if known else None


def marks_for(origins: Iterable[str | None]) -> list[str]:
    """The marks a chart, table or sentence carries: one per origin weaker than official."""
    present = set(origins)
    return [o for o in ORIGINS[1:] if o in present]


@dataclass
class Figure:
    """A chart with its text alternative (title and what it shows, for screen readers), source
    line, origin marks and notes (a series break, a town left out and why)."""

    svg: str
    alt: str
    source: str
    marks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = ""  # names the box the chart scrolls in on a narrow screen


@dataclass
class Sentence:
    """A narrative sentence and the marks of the values it states."""

    text: str
    marks: list[str] = field(default_factory=list)


class Context:
    """Looks up values and formats them for one report year and language."""

    def __init__(
        self,
        data: ReportData,
        year: int,
        fmt: Formatter,
        t: Any,
        lang: str,
        chart_cache: Path | None = None,
    ) -> None:
        self.data, self.year, self.fmt, self.t, self.lang = data, year, fmt, t, lang
        self.chart_cache = chart_cache  # charts rendered before (Settings.chart_cache_dir)
        self.catalogue = data.indicators()
        self.facts = data.values()
        self.theme_labels: dict[str, str] = {}  # interview theme code → label
        # the StatBank tables of the catalogue (dim_source_table): titles and publishing lags
        self.source_tables = data.source_tables()
        self.lags = {k: int(t["lag_years"] or 0) for k, t in self.source_tables.items()}
        # the origin of each StatBank table (and of the survey and interviews) the marts use
        self.origins: dict[str, str] = {}
        for load in data.used_loads:
            key = load["table_id"] or load["source"]
            self.origins[key] = weakest([self.origins.get(key), load["origin"]]) or "official"

    @property
    def any_marked(self) -> bool:
        """Whether anything this report uses is an estimate or sample values."""
        return any(o != "official" for o in self.origins.values())

    def value(self, level: str, code: str, indicator: str, year: int | None = None) -> float | None:
        row = self.facts.get((level, code, year or self.year, indicator))
        return row["value"] if row else None

    def origin(self, level: str, code: str, indicator: str, year: int | None = None) -> str | None:
        """Whose the value is (official, estimate, sample); None where there is no value."""
        row = self.facts.get((level, code, year or self.year, indicator))
        return row["origin"] if row and row["value"] is not None else None

    def latest_origin(self, level: str, code: str, indicator: str) -> str | None:
        _, year = self.latest(level, code, indicator)
        return self.origin(level, code, indicator, year)

    def lag(self, indicator: str) -> int:
        """How many years the indicator's tables are published behind the report year."""
        entry = self.catalogue.get(indicator) or {}
        tables = entry.get("source_tables")
        return max((self.lags.get(t, 0) for t in re.findall(r"\d{5}", tables or "")), default=0)

    def latest(self, level: str, code: str, indicator: str) -> tuple[float | None, int]:
        """The indicator's latest figure within its publishing lag, and the year it is for."""
        for year in range(self.year, self.year - self.lag(indicator) - 1, -1):
            if (value := self.value(level, code, indicator, year)) is not None:
                return value, year
        return None, self.year

    def show_latest(self, level: str, code: str, indicator: str) -> str:
        """The latest figure formatted (a change with its sign), with its year where it is not
        the report year."""
        value, year = self.latest(level, code, indicator)
        shown = self.show(indicator, value, signed=self.is_change(indicator))
        return shown if year == self.year or value is None else f"{shown} ({year})"

    def is_change(self, indicator: str) -> bool:
        """Whether the indicator is a change or a difference (shown with its sign: +6,2 %)."""
        entry = self.catalogue.get(indicator) or {}
        return "_change_" in indicator or entry.get("unit") == "percentage_points"

    def name(self, indicator: str) -> str:
        return self.catalogue[indicator][f"name_{self.lang}"]

    def family(self, family: str) -> list[str]:
        """The registry's indicators of a family (statistics, derived, survey, job_share), in
        report order."""
        rows = [r for r in self.catalogue.values() if r["family"] == family]
        return [r["indicator_id"] for r in sorted(rows, key=lambda r: r["report_order"])]

    def overview(self) -> list[str]:
        """The registry's columns of the towns-side-by-side table, from the left."""
        rows = [r for r in self.catalogue.values() if r["overview_order"] is not None]
        return [r["indicator_id"] for r in sorted(rows, key=lambda r: r["overview_order"])]

    def show(self, indicator: str, value: float | None, signed: bool = False) -> str:
        entry = self.catalogue[indicator]
        return self.fmt.indicator(value, entry["unit"], entry["decimals"], signed)

    def tables(self, *indicators: str) -> list[str]:
        """The StatBank tables (or "survey") the indicators are computed from."""
        found: set[str] = set()
        for indicator in indicators:
            sources = (self.catalogue.get(indicator) or {}).get("source_tables") or ""
            found |= set(re.findall(r"\d{5}", sources))
            if (self.catalogue.get(indicator) or {}).get("family") == "survey":
                found.add("survey")
        return sorted(found)

    def source_parts(self, tables: Iterable[str], credit: bool = False) -> list[str]:
        """Who the figures are from, a phrase per origin: SSB's tables, the tables sample values
        stand in for, the survey and interviews as what they are. Tables the marts do not use
        are left out (nothing of theirs is shown). `credit` names SSB in full (the footer's
        attribution, as the licence asks)."""
        tables = sorted(set(tables))
        used = [k for k in tables if k in self.origins] or tables
        origin_of = {k: self.origins.get(k, "official") for k in used}
        parts = []
        for origin in ORIGINS:
            mine = [k for k in used if k not in OWN_SOURCES and origin_of[k] == origin]
            if mine:
                key = "credit_official" if credit and origin == "official" else f"source_{origin}"
                parts.append(self.t(key, tables=", ".join(mine)))
        for source in OWN_SOURCES:
            if source in used:
                made_up = origin_of[source] != "official"  # an estimate of answers is none of ours
                parts.append(self.t(f"source_{source}_{'sample' if made_up else 'official'}"))
        return parts

    def source_line(self, tables: Iterable[str]) -> str:
        return self.t("source_line", parts="; ".join(self.source_parts(tables)))

    def source(self, *indicators: str) -> str:
        return self.source_line(self.tables(*indicators))

    def figure(
        self,
        chart: Any,
        title: str,
        summary: str,
        source: str,
        origins: Iterable[str | None] = (),
        notes: Iterable[str] = (),
    ) -> Figure:
        """A chart rendered in the report's language; its text alternative is the title and a
        summary built from the figures it shows, with the notes and origin marks."""
        marks, notes = marks_for(origins), list(notes)
        alt = " ".join([f"{title}.", summary, *notes])
        if marks:
            alt = f"{alt} ({', '.join(self.t['mark_' + m] for m in marks)})"
        svg = charts.to_svg(chart, self.fmt.locale, self.chart_cache)
        return Figure(svg, alt, source, marks, notes, title)

    def tip(self, label: str, shown: str) -> str:
        """A bar's or point's tooltip: what it is and its value as the tables write it."""
        return f"{label}: {shown}"

    def sentence(self, text: str, *origins: str | None) -> Sentence:
        return Sentence(text, marks_for(origins))


def region_page(ctx: Context, towns: list[dict]) -> dict[str, Any]:
    year = ctx.year
    places = [("town", town["town_id"]) for town in towns] + [("county", COUNTY), ("country", "NO")]
    overview = ctx.overview()
    columns = [
        {
            "name": ctx.name(i),
            "marks": marks_for(ctx.latest_origin(level, code, i) for level, code in places),
        }
        for i in overview
    ]
    side_by_side = {
        "columns": columns,
        "marks": marks_for(m for c in columns for m in c["marks"]),
        "source": ctx.source(*overview),
        "rows": [
            {
                "name": town["town_name"],
                "municipality": town["municipality_name"]
                if town["municipality_name"] != town["town_name"]
                else None,
                "href": f"{town['town_id']}.html",
                "comparison": False,
                "cells": [ctx.show_latest("town", town["town_id"], i) for i in overview],
            }
            for town in towns
        ]
        + [
            {
                "name": name,
                "href": None,
                "comparison": True,
                "cells": [ctx.show_latest(level, code, i) for i in overview],
            }
            for level, code, name in (
                ("county", COUNTY, COUNTY_NAME),
                ("country", "NO", ctx.t.chart_norway),
            )
        ],
    }
    centralisation = ctx.data.marts["county_centralisation"]
    now = next((r for r in centralisation if r["year"] == year), {})
    regions = sorted({town["region_name"] for town in ctx.data.towns})
    region_indicators = ("population", "population_change_10y_pct", "share_of_county_population")
    region_origins = [
        ctx.origin("region", region, i) for region in regions for i in region_indicators
    ]
    region_rows = [
        {
            "name": region,
            "population": ctx.show("population", ctx.value("region", region, "population")),
            "change": ctx.show(
                "population_change_10y_pct",
                ctx.value("region", region, "population_change_10y_pct"),
                signed=True,
            ),
            "share": ctx.show(
                "share_of_county_population",
                ctx.value("region", region, "share_of_county_population"),
            ),
        }
        for region in regions
    ]
    no_change = [
        region
        for region in regions
        if ctx.value("region", region, "population_change_10y_pct") is None
        and ctx.value("region", region, "population") is not None
    ]
    regions_note = (
        ctx.t(
            "regions_note_not_comparable",
            regions=", ".join(no_change[:-1]) + f" {ctx.t.and_word} {no_change[-1]}"
            if len(no_change) > 1
            else no_change[0],
            start=year - 10,
            year=year,
        )
        if no_change
        else ""
    )
    return {
        "side_by_side": side_by_side,
        "regions_note": regions_note,
        "centralisation": centralisation_figure(ctx),
        "centralisation_now": {
            "ten": ctx.show("county_share_in_ten_towns", now.get("share_in_ten_towns_pct")),
            "bodo": ctx.show("county_share_in_bodo", now.get("share_in_bodo_pct")),
            "index": ctx.show("county_concentration_index", now.get("concentration_index")),
        },
        "regions": region_rows,
        "regions_marks": marks_for(region_origins),
        "regions_source": ctx.source(*region_indicators),
        "centralisation_now_marks": marks_for([now.get("origin")]),
        "vekstkraft": vekstkraft_figure(ctx),
        "vekstkraft_intro": ctx.t("vekstkraft_intro", count=len(ctx.data.index_weights())),
    }


def centralisation_figure(ctx: Context) -> Figure:
    """The shares of Nordland's population in the ten towns and in Bodø, year by year."""
    t, fmt = ctx.t, ctx.fmt
    shown = [r for r in ctx.data.marts["county_centralisation"] if r["year"] <= ctx.year]
    rows, points = [], {}
    for label, column in (
        (t.series_ten_towns, "share_in_ten_towns_pct"),
        (t.series_bodo, "share_in_bodo_pct"),
    ):
        for r in shown:
            value = r[column]
            tip = ctx.tip(f"{label} {r['year']}", fmt.percent(value, signed=False))
            rows.append({"year": r["year"], "series": label, "value": value, "tip": tip})
            points.setdefault(label, []).append((r["year"], value))
    years = [y for line in points.values() for y, v in line if v is not None] or [ctx.year]
    broken = {  # the first comparable year of a town whose borders changed
        _first_comparable_year(ctx, town["town_id"]): town["town_name"]
        for town in ctx.data.towns
        if any(r["status"] == "series_break" for r in ctx.data.town_series(town["town_id"]))
    }
    notes = [
        t("chart_note_starts_later", series=label, year=start, town=broken[start])
        if start in broken
        else t("chart_note_starts_later_plain", series=label, year=start)
        for label, line in points.items()
        if (ends := _from_to(line)) and (start := ends[0][0]) > min(years)
    ]
    changes = [
        change
        for label, line in points.items()
        if (change := _series_change(ctx, label, line, lambda v: fmt.percent(v, signed=False)))
    ]
    return ctx.figure(
        charts.lines(rows, t.chart_centralisation, t.percent, (min(years), max(years))),
        t.chart_centralisation,
        t("alt_centralisation", series="; ".join(changes)),
        ctx.source("county_share_in_ten_towns", "county_share_in_bodo"),
        (r["origin"] for r in shown if r["share_in_ten_towns_pct"] is not None),
        notes + _gap_notes(ctx, points),
    )


def _index_coverage(ctx: Context, row: dict) -> dict[str, object]:
    """How much of the index a town's rank rests on, for a town without every indicator."""
    missing = [i for i in (row.get("indicators_missing") or "").split(",") if i]
    return {
        "used": row["indicators_used"],
        "count": len(ctx.data.index_weights()),
        "share": ctx.fmt.percent(100 * float(row["weight_covered"]), 0, signed=False),
        "missing": ", ".join(ctx.name(i) for i in missing),
    }


def vekstkraft_figure(ctx: Context) -> Figure:
    """The vekstkraft ranking; a town without a rank (too few figures) is named in a note."""
    t, fmt = ctx.t, ctx.fmt
    rows = ctx.data.rows("vekstkraft_index", year=ctx.year)
    ranking = sorted((r for r in rows if r["rank"]), key=lambda r: r["rank"])
    title = t("chart_vekstkraft", year=ctx.year)
    bars = [
        {
            "name": r["town_name"],
            "value": r["index_0_100"],
            "apart": False,
            "tip": ctx.tip(f"{r['rank']}. {r['town_name']}", fmt.number(r["index_0_100"])),
            "shown": fmt.number(r["index_0_100"]),
        }
        for r in ranking
    ]
    ranked = {r["town_name"] for r in ranking}
    left_out = [town["town_name"] for town in ctx.data.towns if town["town_name"] not in ranked]
    notes = [t("chart_note_no_rank", names=", ".join(left_out))] if left_out else []
    notes += [
        t("chart_note_vekstkraft_partial", town=r["town_name"], **_index_coverage(ctx, r))
        for r in ranking
        if r.get("indicators_missing")
    ]
    notes.append(t.chart_note_vekstkraft_scale)
    summary = t(
        "alt_vekstkraft",
        year=ctx.year,
        ranking=", ".join(
            f"{r['rank']}. {r['town_name']} ({fmt.number(r['index_0_100'])})" for r in ranking
        ),
    )
    return ctx.figure(
        charts.ranked_bars(bars, title, t.chart_vekstkraft_axis, domain=(0, 100)),
        title,
        summary,
        ctx.source("vekstkraft_index"),
        (r["origin"] for r in ranking),
        notes,
    )


def town_page(ctx: Context, town: dict) -> dict[str, Any]:
    code, t = town["town_id"], ctx.t
    strengths = _standouts(ctx, code, "strength")
    weaknesses = _standouts(ctx, code, "weakness")
    standouts = strengths + weaknesses
    return {
        "narrative": narrative(ctx, town),
        # each chart under a heading that names what it shows
        "chart_sections": [
            {
                "heading": t.population_trend,
                "figures": [town["chart"], population_index_figure(ctx, town)],
            },
            {"heading": t.age_structure, "figures": [age_figure(ctx, town)]},
            {"heading": t.components, "figures": [components_figure(ctx, town)]},
            {"heading": t.jobs_by_industry, "figures": [industry_figure(ctx, town)]},
        ],
        "strengths": strengths,
        "weaknesses": weaknesses,
        "standouts_marks": marks_for(m for s in standouts for m in s["marks"]),
        "standouts_source": ctx.source(*{s["indicator_id"] for s in standouts}),
        "survey": survey_section(ctx, town),
        "interviews": interview_section(ctx, code),
        "regional": regional_section(ctx, town),
        "t": t,
    }


def regional_section(ctx: Context, town: dict) -> dict[str, Any]:
    """The town's weight in its region and the county, and its commuting pull."""
    code, t, year, region = town["town_id"], ctx.t, ctx.year, town["region_name"]
    summary = next(iter(ctx.data.rows("regional_summary", town_id=code, year=year)), {})
    commuting, commuting_origin = _net_commuting(ctx, code)
    rows = [
        (
            f"{t.share_of_region} ({region})",
            ctx.fmt.percent(summary.get("share_of_region_pct"), signed=False),
            [ctx.origin("town", code, "population"), ctx.origin("region", region, "population")],
            ("population",),
        ),
        (
            t.share_of_nordland,
            ctx.show(
                "share_of_county_population", ctx.value("town", code, "share_of_county_population")
            ),
            [ctx.origin("town", code, "share_of_county_population")],
            ("share_of_county_population",),
        ),
        (
            t.job_coverage,
            ctx.show_latest("town", code, "job_coverage_ratio"),
            [ctx.latest_origin("town", code, "job_coverage_ratio")],
            ("job_coverage_ratio",),
        ),
        (t.net_commuting, commuting, [commuting_origin], ("in_commuters", "out_commuters")),
    ]
    shown = [
        {"label": label, "value": value, "marks": marks_for(origins)}
        for label, value, origins, _ in rows
    ]
    return {
        "rows": shown,
        "marks": marks_for(m for r in shown for m in r["marks"]),
        "source": ctx.source(*(i for *_, indicators in rows for i in indicators)),
    }


def _net_commuting(ctx: Context, code: str) -> tuple[str, str | None]:
    """In- minus out-commuters, the latest year within 11616's publishing lag, and its origin."""
    for year in range(ctx.year, ctx.year - ctx.lag("in_commuters") - 1, -1):
        rows = ctx.data.rows("regional_summary", town_id=code, year=year)
        value = next((r["net_commuting"] for r in rows if r["net_commuting"] is not None), None)
        if value is not None:
            shown = ctx.fmt.signed(value)
            origin = weakest(
                ctx.origin("town", code, i, year) for i in ("in_commuters", "out_commuters")
            )
            return (shown if year == ctx.year else f"{shown} ({year})"), origin
    return ctx.fmt.signed(None), None


def narrative(ctx: Context, town: dict) -> list[Sentence]:
    """Plain sentences with the town's most important facts; every number from the marts, and
    every sentence marked with the origins of the values it states."""
    t, fmt, code, year = ctx.t, ctx.fmt, town["town_id"], ctx.year
    name = town["town_name"]
    sentences = []
    population = ctx.value("town", code, "population")
    if population is not None:
        sentences.append(
            ctx.sentence(
                t(
                    "narrative_population",
                    place=municipality_label(ctx, town),
                    population=fmt.number(population),
                    year=year,
                ),
                ctx.origin("town", code, "population"),
            )
        )
    change = ctx.value("town", code, "population_change_10y_pct")
    if change is not None:
        sentences.append(
            ctx.sentence(
                t(
                    "narrative_change_10y",
                    change=_more_or_fewer(t, fmt, change),
                    nordland=fmt.percent(ctx.value("county", COUNTY, "population_change_10y_pct")),
                    norway=fmt.percent(ctx.value("country", "NO", "population_change_10y_pct")),
                ),
                *(
                    ctx.origin(level, geo, "population_change_10y_pct")
                    for level, geo in (("town", code), ("county", COUNTY), ("country", "NO"))
                ),
            )
        )
    elif (base := _first_comparable_year(ctx, code)) and population is not None:
        first = ctx.value("town", code, "population", base)
        if first:
            sentences.append(
                ctx.sentence(
                    t(
                        "narrative_change_10y_break",
                        change=fmt.percent(100 * (population / first - 1)),
                    ),
                    ctx.origin("town", code, "population"),
                    ctx.origin("town", code, "population", base),
                )
            )
    old = ctx.value("town", code, "share_age_67_plus")
    if old is not None:
        sentences.append(
            ctx.sentence(
                t(
                    "narrative_old",
                    share=ctx.show("share_age_67_plus", old),
                    nordland=ctx.show(
                        "share_age_67_plus", ctx.value("county", COUNTY, "share_age_67_plus")
                    ),
                ),
                ctx.origin("town", code, "share_age_67_plus"),
                ctx.origin("county", COUNTY, "share_age_67_plus"),
            )
        )
    migration_year = _latest_year_with(ctx, "town", code, "net_domestic_migration_per_1000")
    if migration_year:
        rate = ctx.value("town", code, "net_domestic_migration_per_1000", migration_year)
        sentences.append(
            ctx.sentence(
                t(
                    "narrative_migration",
                    rate=fmt.number(rate, 1) if rate is not None else "–",
                    year=migration_year,
                ),
                ctx.origin("town", code, "net_domestic_migration_per_1000", migration_year),
            )
        )
    coverage, coverage_year = ctx.latest("town", code, "job_coverage_ratio")
    if coverage is not None:
        pull = t.narrative_pull_in if coverage > 1 else t.narrative_pull_out
        if fmt.number(coverage, 2) == fmt.number(1, 2):  # as the sentence shows it: 1,00
            pull = t.narrative_pull_even
        sentences.append(
            ctx.sentence(
                t(
                    "narrative_coverage",
                    coverage=fmt.number(coverage, 2),
                    pull=pull,
                    year=coverage_year,
                ),
                ctx.origin("town", code, "job_coverage_ratio", coverage_year),
            )
        )
    index = next(iter(ctx.data.rows("vekstkraft_index", town_id=code, year=year)), {})
    if index.get("rank"):
        ranked = {"town": name, "rank": index["rank"], "year": year}
        said = (
            t("narrative_vekstkraft_partial", **ranked, **_index_coverage(ctx, index))
            if index.get("indicators_missing")
            else t("narrative_vekstkraft", **ranked)
        )
        sentences.append(ctx.sentence(said, index["origin"]))
    return sentences


def municipality_label(ctx: Context, town: dict) -> str:
    """The town with its municipality, for the figures that are the municipality's."""
    town_name, municipality = town["town_name"], town["municipality_name"]
    if town_name == municipality:
        return ctx.t("municipality_only", municipality=municipality)
    return ctx.t("town_in_municipality", town=town_name, municipality=municipality)


def _more_or_fewer(t: Any, fmt: Formatter, change: float) -> str:
    pct = fmt.percent(abs(change), signed=False)
    if round(change, 1) == 0:
        return t.narrative_same
    return t("narrative_more", pct=pct) if change > 0 else t("narrative_fewer", pct=pct)


def _first_comparable_year(ctx: Context, code: str) -> int | None:
    years = [r["year"] for r in ctx.data.town_series(code) if r["population"] is not None]
    return min(years) if years else None


def _latest_year_with(ctx: Context, level: str, code: str, indicator: str) -> int | None:
    years = [
        y
        for (lv, c, y, i), r in ctx.facts.items()
        if lv == level and c == code and i == indicator and r["value"] is not None and y <= ctx.year
    ]
    return max(years) if years else None


def _break_note(ctx: Context, town: dict) -> list[str]:
    """The note under a town's chart where its series breaks (new borders): the years before
    the first comparable one are not drawn."""
    series = ctx.data.town_series(town["town_id"])
    if not any(r["status"] == "series_break" for r in series):
        return []
    first = _first_comparable_year(ctx, town["town_id"])
    return [ctx.t("chart_note_break", town=town["town_name"], year=first)] if first else []


def _gap_notes(ctx: Context, series: dict[str, list[tuple[int, float | None]]]) -> list[str]:
    """A note for each series with years without a figure between its first and last: the line
    has a gap there (a single year between gaps is drawn as a point)."""
    notes = []
    for name, points in series.items():
        known = [y for y, v in points if v is not None]
        missing = [y for y, v in points if v is None and known and known[0] < y < known[-1]]
        if missing:
            notes.append(ctx.t("chart_note_gap", series=name, years=_years(missing, ctx.t)))
    return notes


def _from_to(points: list[tuple[int, float | None]]) -> tuple[tuple[int, float], ...]:
    """The first and the last (year, value) with a value; empty where there is none."""
    known = [(y, v) for y, v in points if v is not None]
    return (known[0], known[-1]) if known else ()


def _series_change(ctx: Context, label: str, points: list, show: Any) -> str | None:
    """ "Fødte fra 10,1 i 2016 til 9,5 i 2025": a series' first and last figure."""
    ends = _from_to(points)
    if not ends:
        return None
    (y0, v0), (y1, v1) = ends
    return ctx.t(
        "alt_series", series=label, first=show(v0), first_year=y0, last=show(v1), last_year=y1
    )


def population_figure(ctx: Context, town: dict) -> Figure:
    """Population on 1 January, from the first comparable year to the report year."""
    t, fmt, name = ctx.t, ctx.fmt, town["town_name"]
    series = [r for r in ctx.data.town_series(town["town_id"]) if r["year"] <= ctx.year]
    points = [(r["year"], r["population"]) for r in series]
    ends = _from_to(points)
    first = ends[0][0] if ends else ctx.year
    rows = [
        {"year": y, "value": v, "tip": ctx.tip(f"{name} {y}", fmt.number(v))}
        for y, v in points
        if y >= first
    ]
    title = t(
        "chart_population_town", town=municipality_label(ctx, town), first=first, last=ctx.year
    )
    summary = ""
    if ends:
        (y0, v0), (y1, v1) = ends
        way = "rose" if v1 > v0 else "fell" if v1 < v0 else "same"
        summary = t(
            f"alt_population_{way}",
            town=municipality_label(ctx, town),
            first=fmt.number(v0),
            first_year=y0,
            last=fmt.number(v1),
            last_year=y1,
        )
    return ctx.figure(
        charts.population_line(rows, title, (first, ctx.year)),
        title,
        summary,
        ctx.source("population"),
        (r["origin"] for r in series if r["population"] is not None),
        _break_note(ctx, town) + _gap_notes(ctx, {name: [p for p in points if p[0] >= first]}),
    )


def change_figure(ctx: Context, towns: list[dict], areas: list[dict]) -> Figure:
    """The front page's ten-year change, town by town, Nordland and Norway set apart; a town
    without a comparable change is named in a note with the reason."""
    t, fmt, year = ctx.t, ctx.fmt, ctx.year
    start = year - 10
    places = [(tw["town_name"], tw["now"], False) for tw in towns]
    places += [
        (t.chart_norway if a["area_id"] == "norge" else a["name"], a["now"], True) for a in areas
    ]
    rows = [
        {
            "name": name,
            "value": now.get("change_10y_pct"),
            "apart": apart,
            "tip": ctx.tip(name, fmt.percent(now.get("change_10y_pct"))),
            "missing": t.chart_no_bar,
        }
        for name, now, apart in places
    ]
    notes = []
    for tw in towns:
        if tw["now"].get("change_10y_pct") is not None:
            continue
        first = _first_comparable_year(ctx, tw["town_id"])
        if tw["has_break"] and first:
            notes.append(
                t(
                    "chart_note_not_comparable",
                    town=tw["town_name"],
                    year=first,
                    start=start,
                    end=year,
                )
            )
        else:
            notes.append(t("chart_note_no_value", names=tw["town_name"], year=year))
    title = t("chart_change_10y", start=start, year=year)
    shown = [
        f"{name} {fmt.percent(now.get('change_10y_pct'))}"
        for name, now, _ in places
        if now.get("change_10y_pct") is not None
    ]
    return ctx.figure(
        charts.ranked_bars(rows, title, t.percent),
        title,
        t("alt_change_10y", start=start, year=year, places=", ".join(shown)),
        ctx.source("population_change_10y_pct"),
        (now.get("origin") for _, now, _ in places if now.get("change_10y_pct") is not None),
        notes,
    )


def population_index_figure(ctx: Context, town: dict) -> Figure:
    t, fmt, code = ctx.t, ctx.fmt, town["town_id"]
    base = _first_comparable_year(ctx, code) or ctx.year
    series = [
        (town["town_name"], "town", code),
        ("Nordland", "county", COUNTY),
        (t.chart_norway, "country", "NO"),
    ]
    rows, origins, points = [], [], {}
    for label, level, geo in series:
        start = ctx.value(level, geo, "population", base)
        for year in range(base, ctx.year + 1):
            value = ctx.value(level, geo, "population", year)
            index = 100 * value / start if value is not None and start else None
            tip = ctx.tip(f"{label} {year}", fmt.number(index, 1))
            rows.append({"year": year, "series": label, "value": index, "tip": tip})
            points.setdefault(label, []).append((year, index))
            origins.append(ctx.origin(level, geo, "population", year))
    title = t("chart_population_index", base=base)
    changes = [
        f"{label} {fmt.percent(ends[1][1] - 100)}"
        for label, line in points.items()
        if (ends := _from_to(line))
    ]
    summary = t("alt_index", first_year=base, last_year=ctx.year, changes=", ".join(changes))
    return ctx.figure(
        charts.lines(rows, title, t("population_index", base=base), (base, ctx.year)),
        title,
        summary,
        ctx.source("population"),
        origins,
        _break_note(ctx, town) + _gap_notes(ctx, points),
    )


def age_figure(ctx: Context, town: dict) -> Figure:
    t, fmt, code, name = ctx.t, ctx.fmt, town["town_id"], town["town_name"]
    rows, origins, groups = [], [], []
    for label, indicator in AGE_GROUPS:
        shown = {}
        for group, level, geo in ((name, "town", code), ("Nordland", "county", COUNTY)):
            value = ctx.value(level, geo, indicator)
            shown[group] = fmt.percent(value, signed=False)
            tip = ctx.tip(f"{group}, {t[label]}", shown[group])
            rows.append({"category": t[label], "group": group, "value": value, "tip": tip})
            origins.append(ctx.origin(level, geo, indicator))
        groups.append(
            t(
                "alt_age_group",
                group=t[label],
                town=name,
                value=shown[name],
                nordland=shown["Nordland"],
            )
        )
    title = t("chart_age", year=ctx.year)
    return ctx.figure(
        charts.grouped_bars(rows, title, t.percent),
        title,
        t("alt_age", year=ctx.year, groups="; ".join(groups)),
        ctx.source(*(indicator for _, indicator in AGE_GROUPS)),
        origins,
    )


def components_figure(ctx: Context, town: dict) -> Figure:
    """Births, deaths and migration per 1000 over ten years to the report year; it begins earlier
    where the town's sentence on migration quotes an earlier year."""
    t, code, name = ctx.t, town["town_id"], town["town_name"]
    quoted = _latest_year_with(ctx, "town", code, "net_domestic_migration_per_1000")
    first = min(ctx.year - 10, quoted or ctx.year)
    rows, origins, points = [], [], {}
    for label, indicator in COMPONENTS:
        for year in range(first, ctx.year + 1):
            value = ctx.value("town", code, indicator, year)
            tip = ctx.tip(f"{t[label]} {year}", ctx.show(indicator, value))
            rows.append({"year": year, "series": t[label], "value": value, "tip": tip})
            points.setdefault(t[label], []).append((year, value))
            origins.append(ctx.origin("town", code, indicator, year))
    changes = [
        change
        for label, indicator in COMPONENTS
        if (
            change := _series_change(
                ctx, t[label], points[t[label]], lambda v, i=indicator: ctx.show(i, v)
            )
        )
    ]
    notes = []
    known = [y for line in points.values() for y, v in line if v is not None]
    if known and min(known) > first:
        notes += _break_note(ctx, town)
    if known and max(known) < ctx.year:
        notes.append(t("chart_note_lag", year=max(known)))
    title = t.chart_components
    return ctx.figure(
        charts.lines(rows, title, t.per_1000, (first, ctx.year), zero=True),
        title,
        t("alt_components", town=name, series="; ".join(changes)),
        ctx.source(*(indicator for _, indicator in COMPONENTS)),
        origins,
        notes + _gap_notes(ctx, points),
    )


def _industry_year(ctx: Context, code: str, industries: list[str]) -> int:
    """The latest year within the jobs tables' publishing lag with the town's industry shares."""
    for year in range(ctx.year, ctx.year - max(map(ctx.lag, industries), default=0) - 1, -1):
        if any(ctx.value("town", code, i, year) is not None for i in industries):
            return year
    return ctx.year


def industry_figure(ctx: Context, town: dict) -> Figure:
    t, fmt, code, name = ctx.t, ctx.fmt, town["town_id"], town["town_name"]
    industries = ctx.family("job_share")
    year = _industry_year(ctx, code, industries)
    rows, origins = [], []
    for indicator in industries:
        label = ctx.catalogue[indicator][f"name_{ctx.lang}"].split(": ", 1)[-1]
        value = ctx.value("town", code, indicator, year)
        marker = ctx.value("county", COUNTY, indicator, year)
        county = fmt.percent(marker, signed=False)
        shown = f"{fmt.percent(value, signed=False)} ({COUNTY_NAME} {county})"
        tip = ctx.tip(f"{name}, {label}", shown)
        rows.append({"category": label, "value": value, "marker": marker, "tip": tip})
        origins += [
            ctx.origin("town", code, indicator, year),
            ctx.origin("county", COUNTY, indicator, year),
        ]
    title = t("chart_industry", year=year)
    top = sorted((r for r in rows if r["value"]), key=lambda r: -r["value"])
    industries_shown = [
        t(
            "alt_industry_one",
            industry=r["category"],
            value=fmt.percent(r["value"], signed=False),
            nordland=fmt.percent(r["marker"], signed=False),
        )
        for r in top[:3]
    ]
    return ctx.figure(
        charts.bars_with_marker(rows, title, t.chart_industry_axis, (name, COUNTY_NAME)),
        title,
        t("alt_industry", town=name, year=year, industries="; ".join(industries_shown)),
        ctx.source(*industries),
        origins,
        [t("chart_industry_note", town=name)],
    )


def _standouts(ctx: Context, code: str, kind: str) -> list[dict]:
    rows = ctx.data.rows("town_strengths_weaknesses", town_id=code, year=ctx.year, kind=kind)
    return [
        {
            "name": ctx.name(r["indicator_id"]),
            "value": ctx.show(r["indicator_id"], r["value"], ctx.is_change(r["indicator_id"]))
            + (f" ({r['value_year']})" if r["value_year"] != ctx.year else ""),
            # the median is of the ten towns' figures for the same year as the town's
            "median": ctx.show(
                r["indicator_id"], r["median_of_towns"], ctx.is_change(r["indicator_id"])
            )
            + (f" ({r['value_year']})" if r["value_year"] != ctx.year else ""),
            "indicator_id": r["indicator_id"],
            "marks": marks_for([r["origin"]]),
        }
        for r in sorted(rows, key=lambda r: r["position"])
    ]


def survey_section(ctx: Context, town: dict) -> dict[str, Any] | None:
    code, t = town["town_id"], ctx.t
    waves = [r["wave"] for r in ctx.data.marts["survey_town_summary"] if r["wave"] <= ctx.year]
    if not waves:
        return None
    wave = max(waves)
    rows = ctx.data.rows("survey_town_summary", wave=wave)
    label = f"item_label_{ctx.lang}"
    items = []
    chart_rows = []
    for row in (r for r in rows if r["town_id"] == code and r["measure"] == "mean_agreement"):
        others = [
            r["value"]
            for r in rows
            if r["item_id"] == row["item_id"]
            and r["measure"] == "mean_agreement"
            and r["value"] is not None
        ]
        agree = next(
            (
                r
                for r in rows
                if r["town_id"] == code
                and r["item_id"] == row["item_id"]
                and r["measure"] == "share_agree"
            ),
            {},
        )
        average = mean(others) if others else None
        items.append(
            {
                "label": row[label],
                "mean": ctx.fmt.number(row["value"], 2)
                if not row["is_suppressed"]
                else t.suppressed,
                "agree": ctx.fmt.percent(agree.get("value"), signed=False),
                "average": ctx.fmt.number(average, 2),
                "n": row["n"],
            }
        )
        for group, value in (
            (town["town_name"], row["value"]),
            (t.series_ten_town_average, average),
        ):
            tip = ctx.tip(f"{group}, {t('quoted', text=row[label])}", ctx.fmt.number(value, 2))
            chart_rows.append({"category": row[label], "group": group, "value": value, "tip": tip})
    innovation = [
        {"label": r[label], "share": ctx.fmt.percent(r["value"], signed=False), "n": r["n"]}
        for r in rows
        if r["town_id"] == code and r["measure"] == "share_yes"
    ]
    # the most answers any question got in the town and wave: the same counts as in the tables
    respondents = max(
        (r["n"] for r in rows if r["town_id"] == code and r["n"] is not None), default=0
    )
    title = t("chart_survey", wave=wave)
    # the ten-town average is in the chart and the table: every town's answers count
    origins = [r["origin"] for r in rows]
    compared = [
        t(
            "alt_survey_item",
            item=t("quoted", text=i["label"]),
            value=i["mean"],
            average=i["average"],
        )
        for i in items
    ]
    figure = ctx.figure(
        charts.grouped_bars(chart_rows, title, t.agreement, domain=(1, 5)),
        title,
        t("alt_survey", town=town["town_name"], items="; ".join(compared)),
        ctx.source_line(["survey"]),
        origins,
    )
    return {
        "wave": wave,
        "items": items,
        "innovation": innovation,
        "figure": figure,
        "marks": marks_for(origins),
        "source": ctx.source_line(["survey"]),
        "intro": ctx.sentence(
            t("perspective_conditions_intro", town=town["town_name"], n=respondents, wave=wave),
            *origins,
        ),
    }


def interview_section(ctx: Context, code: str) -> dict[str, Any] | None:
    rows = ctx.data.marts["interview_coverage"]
    waves = [r["wave"] for r in rows if r["wave"] <= ctx.year and r["town_id"] == code]
    if not waves:
        return None
    wave = max(waves)
    mine = [r for r in rows if r["wave"] == wave and r["town_id"] == code]
    count = sum(r["interviews"] for r in mine if r["category_type"] == "role")
    themes = sorted(
        (r for r in mine if r["category_type"] == "theme"), key=lambda r: -r["interviews"]
    )
    labels = ctx.theme_labels
    origins = [r["origin"] for r in mine]
    return {
        "intro": ctx.sentence(ctx.t("interviews_intro", count=count, wave=wave), *origins),
        "themes": [(labels.get(r["category"], r["category"]), r["interviews"]) for r in themes],
        "marks": marks_for(origins),
        "source": ctx.source_line(["interviews"]),
    }


def origin_statements(ctx: Context) -> list[str]:
    """What is whose in this report, table by table: SSB's figures, estimates, sample values
    (never a claim about "all figures"), for the front box and the methods page."""
    catalogue = ctx.source_tables
    title = "title_en" if ctx.lang == "en" else "title_nb"

    def named(tables: list[str]) -> str:
        return ", ".join(f"{k} ({catalogue[k][title]})" if k in catalogue else k for k in tables)

    statbank = sorted(k for k in ctx.origins if k not in OWN_SOURCES)
    statements = []
    for origin in ORIGINS:
        mine = [k for k in statbank if ctx.origins[k] == origin]
        if mine:
            statements.append(ctx.t(f"ttk_tables_{origin}", tables=named(mine)))
    people = [k for k in PEOPLE_SOURCES if k in ctx.origins]
    if any(ctx.origins[k] != "official" for k in people):
        statements.append(ctx.t("ttk_people_sample"))
    if ctx.origins.get("measures", "official") != "official":
        statements.append(ctx.t("ttk_measures_sample"))
    if ctx.any_marked:
        own_people = "official" in {ctx.origins[k] for k in people}
        unmarked = "ttk_unmarked_people" if own_people else "ttk_unmarked"
        statements.append(f"{ctx.t('ttk_marked')} {ctx.t(unmarked)}")
    return statements


def methods_page(ctx: Context, weights: dict[str, float]) -> dict[str, Any]:
    shown = ", ".join(f"{ctx.name(i)} {ctx.fmt.number(w, 2)}" for i, w in weights.items())
    return {
        "indicators": [
            {
                "name": r[f"name_{ctx.lang}"],
                "unit": ctx.t["units"][r["unit"]],
                "definition": r[f"definition_{ctx.lang}"],
                "source": "; ".join(ctx.source_parts(ctx.tables(r["indicator_id"])))
                or r["source_tables"],
            }
            for r in ctx.data.marts["dim_indicator"]
        ],
        "origins": origin_statements(ctx),
        "paragraphs": [
            ctx.t.method_origin if ctx.any_marked else ctx.t.method_origin_official,
            ctx.t.method_aggregation,
            ctx.t("method_vekstkraft", weights=shown),
            ctx.t.method_attractiveness,
            ctx.t.method_standouts,
            ctx.t.method_suppression,
            ctx.t.method_breaks,
        ],
    }


def _years(years: list[int], t: Any) -> str:
    """Years as a reader writes them: 2025, 2024–2026, or 2022 og 2025."""
    years = sorted(set(years))
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}\u2013{years[-1]}"
    if len(years) > 1:
        return ", ".join(map(str, years[:-1])) + f" {t.and_word} {years[-1]}"
    return str(years[0])


def figures_as_of(ctx: Context) -> str:
    """What the report's figures describe, from the marts: the population figures' 1 January,
    the latest years of the other statistics the towns have figures for, and the survey's
    wave ("Tall per 1. januar 2026 (befolkning); andre tall for 2024–2026; ...")."""
    latest: dict[str, int] = {}
    for (level, _, year, indicator), row in ctx.facts.items():
        if level == "town" and year <= ctx.year and row["value"] is not None:
            latest[indicator] = max(year, latest.get(indicator, year))
    population, other, survey = [], [], []
    for indicator, year in latest.items():
        tables = ctx.tables(indicator)
        if "survey" in tables:
            survey.append(year)
        elif tables == ["07459"]:
            population.append(year)
        elif (ctx.catalogue.get(indicator) or {}).get("unit") != "index":  # composites: no
            other.append(year)  # date of their own
    parts = []
    if population:
        day = ctx.fmt.day(date(max(population), 1, 1))
        parts.append(ctx.t("figures_as_of", date=day))
    if other:
        parts.append(ctx.t("figures_as_of_other", years=_years(other, ctx.t)))
    if survey:
        parts.append(ctx.t("figures_as_of_survey", years=_years([max(survey)], ctx.t)))
    return "; ".join(parts)
