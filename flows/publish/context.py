"""What each page of the report shows: view models built from the marts (no SQL, no HTML)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from flows.ingest.statbank_catalogue import load_catalogue
from flows.publish import charts
from flows.publish.formatting import Formatter
from flows.publish.marts import ReportData

HEADLINE_TABLE = [
    "population",
    "population_change_10y_pct",
    "share_age_67_plus",
    "net_domestic_migration_per_1000",
    "job_coverage_ratio",
    "share_higher_education",
    "vekstkraft_index",
]
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
    """A chart with its accessible description, source line and origin marks."""

    svg: str
    alt: str
    source: str
    marks: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    """A narrative sentence and the marks of the values it states."""

    text: str
    marks: list[str] = field(default_factory=list)


class Context:
    """Looks up values and formats them for one report year and language."""

    def __init__(self, data: ReportData, year: int, fmt: Formatter, t: Any, lang: str) -> None:
        self.data, self.year, self.fmt, self.t, self.lang = data, year, fmt, t, lang
        self.catalogue = data.indicators()
        self.facts = data.values()
        self.theme_labels: dict[str, str] = {}  # interview theme code → label
        self.lags = {k: int(t.spec.get("lag_years", 0)) for k, t in load_catalogue().items()}
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
        tables = "13470" if indicator.startswith("job_share__") else entry.get("source_tables")
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

    def show(self, indicator: str, value: float | None, signed: bool = False) -> str:
        entry = self.catalogue[indicator]
        return self.fmt.indicator(value, entry["unit"], entry["decimals"], signed)

    def tables(self, *indicators: str) -> list[str]:
        """The StatBank tables (or "survey") the indicators are computed from."""
        found: set[str] = set()
        for indicator in indicators:
            sources = (self.catalogue.get(indicator) or {}).get("source_tables") or ""
            found |= set(re.findall(r"\d{5}", sources))
            if indicator.startswith("survey_"):
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
            mine = [k for k in used if k not in PEOPLE_SOURCES and origin_of[k] == origin]
            if mine:
                key = "credit_official" if credit and origin == "official" else f"source_{origin}"
                parts.append(self.t(key, tables=", ".join(mine)))
        for source in PEOPLE_SOURCES:
            if source in used:
                made_up = origin_of[source] != "official"  # an estimate of answers is none of ours
                parts.append(self.t(f"source_{source}_{'sample' if made_up else 'official'}"))
        return parts

    def source_line(self, tables: Iterable[str]) -> str:
        return self.t("source_line", parts="; ".join(self.source_parts(tables)))

    def source(self, *indicators: str) -> str:
        return self.source_line(self.tables(*indicators))

    def figure(self, svg: str, alt: str, source: str, origins: Iterable[str | None] = ()) -> Figure:
        marks = marks_for(origins)
        if marks:
            alt = f"{alt} ({', '.join(self.t['mark_' + m] for m in marks)})"
        return Figure(svg, alt, source, marks)

    def sentence(self, text: str, *origins: str | None) -> Sentence:
        return Sentence(text, marks_for(origins))


def region_page(ctx: Context, towns: list[dict]) -> dict[str, Any]:
    t, year = ctx.t, ctx.year
    places = [("town", town["town_id"]) for town in towns] + [("county", "18"), ("country", "NO")]
    columns = [
        {
            "name": ctx.name(i),
            "marks": marks_for(ctx.latest_origin(level, code, i) for level, code in places),
        }
        for i in HEADLINE_TABLE
    ]
    side_by_side = {
        "columns": columns,
        "marks": marks_for(m for c in columns for m in c["marks"]),
        "source": ctx.source(*HEADLINE_TABLE),
        "rows": [
            {
                "name": town["town_name"],
                "href": f"{town['town_id']}.html",
                "comparison": False,
                "cells": [ctx.show_latest("town", town["town_id"], i) for i in HEADLINE_TABLE],
            }
            for town in towns
        ]
        + [
            {
                "name": name,
                "href": None,
                "comparison": True,
                "cells": [ctx.show_latest(level, code, i) for i in HEADLINE_TABLE],
            }
            for level, code, name in (("county", "18", "Nordland"), ("country", "NO", "Norge"))
        ],
    }
    centralisation = ctx.data.marts["county_centralisation"]
    chart_rows = [
        {"year": r["year"], "series": t.series_ten_towns, "value": r["share_in_ten_towns_pct"]}
        for r in centralisation
    ] + [
        {"year": r["year"], "series": t.series_bodo, "value": r["share_in_bodo_pct"]}
        for r in centralisation
    ]
    centralisation_figure = ctx.figure(
        charts.lines(chart_rows, t.chart_centralisation, t.percent, ctx.fmt.locale),
        t.chart_centralisation,
        ctx.source("county_share_in_ten_towns", "county_share_in_bodo"),
        (r["origin"] for r in centralisation if r["share_in_ten_towns_pct"] is not None),
    )
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
    return {
        "side_by_side": side_by_side,
        "centralisation": centralisation_figure,
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
    }


def vekstkraft_figure(ctx: Context) -> Figure:
    ranking = [r for r in ctx.data.rows("vekstkraft_index", year=ctx.year) if r["rank"]]
    title = ctx.t("chart_vekstkraft", year=ctx.year)
    svg = charts.ranked_bars(
        [(r["town_name"], r["index_0_100"], False) for r in ranking], title, "0–100", ctx.fmt.locale
    )
    alt = (
        title
        + ": "
        + ", ".join(
            f"{r['rank']}. {r['town_name']} ({ctx.fmt.number(r['index_0_100'])})" for r in ranking
        )
    )
    return ctx.figure(svg, alt, ctx.source("vekstkraft_index"), (r["origin"] for r in ranking))


def town_page(ctx: Context, town: dict) -> dict[str, Any]:
    code, t = town["town_id"], ctx.t
    strengths = _standouts(ctx, code, "strength")
    weaknesses = _standouts(ctx, code, "weakness")
    standouts = strengths + weaknesses
    return {
        "narrative": narrative(ctx, town),
        "figures": [
            population_index_figure(ctx, town),
            age_figure(ctx, town),
            components_figure(ctx, town),
            industry_figure(ctx, town),
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
                t("narrative_population", town=name, population=fmt.number(population), year=year),
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
                    nordland=fmt.percent(ctx.value("county", "18", "population_change_10y_pct")),
                    norway=fmt.percent(ctx.value("country", "NO", "population_change_10y_pct")),
                ),
                *(
                    ctx.origin(level, geo, "population_change_10y_pct")
                    for level, geo in (("town", code), ("county", "18"), ("country", "NO"))
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
                        "share_age_67_plus", ctx.value("county", "18", "share_age_67_plus")
                    ),
                ),
                ctx.origin("town", code, "share_age_67_plus"),
                ctx.origin("county", "18", "share_age_67_plus"),
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
        sentences.append(
            ctx.sentence(
                t("narrative_vekstkraft", town=name, rank=index["rank"], year=year),
                index["origin"],
            )
        )
    return sentences


def _more_or_fewer(t: Any, fmt: Formatter, change: float) -> str:
    pct = fmt.percent(abs(change), signed=False)
    if round(change, 1) == 0:
        return t.narrative_same
    return t("narrative_more", pct=pct) if change > 0 else t("narrative_fewer", pct=pct)


def _first_comparable_year(ctx: Context, code: str) -> int | None:
    years = [r["year"] for r in ctx.data.town_series(code) if r["value_status"] == "ok"]
    return min(years) if years else None


def _latest_year_with(ctx: Context, level: str, code: str, indicator: str) -> int | None:
    years = [
        y
        for (lv, c, y, i), r in ctx.facts.items()
        if lv == level and c == code and i == indicator and r["value"] is not None and y <= ctx.year
    ]
    return max(years) if years else None


def population_index_figure(ctx: Context, town: dict) -> Figure:
    t, code = ctx.t, town["town_id"]
    base = _first_comparable_year(ctx, code) or ctx.year
    series = [
        (town["town_name"], "town", code),
        ("Nordland", "county", "18"),
        ("Norge", "country", "NO"),
    ]
    rows, origins = [], []
    for label, level, geo in series:
        start = ctx.value(level, geo, "population", base)
        for year in range(base, ctx.year + 1):
            value = ctx.value(level, geo, "population", year)
            index = 100 * value / start if value is not None and start else None
            rows.append({"year": year, "series": label, "value": index})
            origins.append(ctx.origin(level, geo, "population", year))
    title = t("chart_population_index", base=base)
    svg = charts.lines(rows, title, t("population_index", base=base), ctx.fmt.locale)
    last = {r["series"]: r["value"] for r in rows if r["year"] == ctx.year}
    alt = title + ": " + ", ".join(f"{k} {ctx.fmt.number(v, 1)}" for k, v in last.items() if v)
    return ctx.figure(svg, alt, ctx.source("population"), origins)


def age_figure(ctx: Context, town: dict) -> Figure:
    t, code = ctx.t, town["town_id"]
    rows, origins = [], []
    for label, indicator in AGE_GROUPS:
        for group, level, geo in ((town["town_name"], "town", code), ("Nordland", "county", "18")):
            rows.append(
                {"category": t[label], "group": group, "value": ctx.value(level, geo, indicator)}
            )
            origins.append(ctx.origin(level, geo, indicator))
    title = t("chart_age", year=ctx.year)
    alt = (
        title
        + ": "
        + "; ".join(
            f"{r['category']} {r['group']} {ctx.fmt.percent(r['value'], signed=False)}"
            for r in rows
        )
    )
    return ctx.figure(
        charts.grouped_bars(rows, title, t.percent, ctx.fmt.locale),
        alt,
        ctx.source(*(indicator for _, indicator in AGE_GROUPS)),
        origins,
    )


def components_figure(ctx: Context, town: dict) -> Figure:
    t, code = ctx.t, town["town_id"]
    shown = [(label, indicator, year) for label, indicator in COMPONENTS
             for year in range(ctx.year - 10, ctx.year + 1)]  # fmt: skip
    rows = [
        {"year": year, "series": t[label], "value": ctx.value("town", code, indicator, year)}
        for label, indicator, year in shown
    ]
    title = t.chart_components
    return ctx.figure(
        charts.lines(rows, title, t.per_1000, ctx.fmt.locale, zero=True),
        title,
        ctx.source(*(indicator for _, indicator in COMPONENTS)),
        (ctx.origin("town", code, indicator, year) for _, indicator, year in shown),
    )


def industry_figure(ctx: Context, town: dict) -> Figure:
    t, code = ctx.t, town["town_id"]
    year = _latest_year_with(ctx, "town", code, "jobs_workplace") or ctx.year
    industries = [i for i in ctx.catalogue if i.startswith("job_share__")]
    rows, origins = [], []
    for indicator in industries:
        name = ctx.catalogue[indicator][f"name_{ctx.lang}"].split(": ", 1)[-1]
        for group, level, geo in ((town["town_name"], "town", code), ("Nordland", "county", "18")):
            rows.append(
                {"category": name, "group": group, "value": ctx.value(level, geo, indicator, year)}
            )
            origins.append(ctx.origin(level, geo, indicator, year))
    title = t("chart_industry", year=year)
    top = sorted(
        (r for r in rows if r["group"] == town["town_name"] and r["value"]),
        key=lambda r: -r["value"],
    )[:3]
    alt = (
        title
        + ": "
        + ", ".join(f"{r['category']} {ctx.fmt.percent(r['value'], signed=False)}" for r in top)
    )
    return ctx.figure(
        charts.grouped_bars(rows, title, t.percent, ctx.fmt.locale),
        alt,
        ctx.source(*industries),
        origins,
    )


def _standouts(ctx: Context, code: str, kind: str) -> list[dict]:
    rows = ctx.data.rows("town_strengths_weaknesses", town_id=code, year=ctx.year, kind=kind)
    return [
        {
            "name": ctx.name(r["indicator_id"]),
            "value": ctx.show(r["indicator_id"], r["value"])
            + (f" ({r['value_year']})" if r["value_year"] != ctx.year else ""),
            "median": ctx.show(r["indicator_id"], r["median_of_towns"]),
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
        chart_rows += [
            {"category": row[label], "group": town["town_name"], "value": row["value"]},
            {"category": row[label], "group": t.series_ten_town_average, "value": average},
        ]
    innovation = [
        {"label": r[label], "share": ctx.fmt.percent(r["value"], signed=False), "n": r["n"]}
        for r in rows
        if r["town_id"] == code and r["measure"] == "share_yes"
    ]
    respondents = max((i["n"] for i in items), default=0)
    title = t("chart_survey", wave=wave)
    # the ten-town average is in the chart and the table: every town's answers count
    origins = [r["origin"] for r in rows]
    figure = ctx.figure(
        charts.grouped_bars(chart_rows, title, t.agreement, ctx.fmt.locale),
        title,
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
    catalogue = load_catalogue()
    title = "title_en" if ctx.lang == "en" else "title_nb"

    def named(tables: list[str]) -> str:
        return ", ".join(
            f"{k} ({catalogue[k].spec[title]})" if k in catalogue else k for k in tables
        )

    statbank = sorted(k for k in ctx.origins if k not in PEOPLE_SOURCES)
    statements = []
    for origin in ORIGINS:
        mine = [k for k in statbank if ctx.origins[k] == origin]
        if mine:
            statements.append(ctx.t(f"ttk_tables_{origin}", tables=named(mine)))
    people = [k for k in PEOPLE_SOURCES if k in ctx.origins]
    if any(ctx.origins[k] != "official" for k in people):
        statements.append(ctx.t("ttk_people_sample"))
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
