"""Charts as self-contained SVG (Vega-Lite via Altair, rendered by vl-convert; no browser, no
network). Colours are the Okabe-Ito palette, which colour-blind readers can tell apart."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]
ACCENT, MUTED = PALETTE[0], PALETTE[6]
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
WIDTH = 560


def d3_locale(locale: str) -> dict:
    """The d3-format locale (decimal mark, thousands separator, minus) for a Babel locale."""
    return {
        "decimal": get_decimal_symbol(locale),
        "thousands": get_group_symbol(locale),
        "grouping": [3],
        "currency": ["", ""],
        "minus": get_minus_sign_symbol(locale),
    }


def _svg(chart: alt.TopLevelMixin, locale: str) -> str:
    spec = (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, titleFontWeight="normal")
        .configure_legend(orient="bottom", title=None, labelFontSize=11)
        .to_dict()
    )
    svg = vl_convert.vegalite_to_svg(spec, format_locale=d3_locale(locale), allowed_base_urls=[])
    return svg[svg.index("<svg") :]  # drop the XML prolog: the SVG is inlined in HTML


def _title(text: str) -> alt.Title:
    return alt.Title(text, anchor="start", fontSize=13, fontWeight="normal", color="#333")


def _colour(domain: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=PALETTE[: len(domain)])


def population_line(points: list[tuple[int, Any]], title: str, locale: str) -> str:
    """Population per year; a year without a comparable figure breaks the line."""
    frame = pd.DataFrame(points, columns=["year", "population"])
    first = frame.loc[frame["population"].notna(), "year"].min()
    frame = frame[frame["year"] >= first]  # no empty stretch before the series starts
    chart = (
        alt.Chart(frame, title=_title(title))
        .mark_line(
            color=ACCENT,
            strokeWidth=2.5,
            point=alt.OverlayMarkDef(color=ACCENT, size=30),
            invalid="break-paths-show-domains",
        )
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", labelOverlap="greedy")),
            y=alt.Y(
                "population:Q",
                title=None,
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",d", tickCount=5),
            ),
        )
        .properties(width=WIDTH, height=200)
    )
    return _svg(chart, locale)


def lines(rows: list[dict], title: str, y_title: str, locale: str, zero: bool = False) -> str:
    """Several series over the years: rows have year, series, value (None breaks a line)."""
    frame = pd.DataFrame(rows, columns=["year", "series", "value"])
    domain = list(dict.fromkeys(frame["series"]))
    chart = (
        alt.Chart(frame, title=_title(title))
        .mark_line(strokeWidth=2.2, invalid="break-paths-show-domains")
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", labelOverlap="greedy")),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=zero)),
            color=alt.Color("series:N", scale=_colour(domain), sort=domain),
            strokeDash=alt.StrokeDash("series:N", sort=domain, legend=None),
        )
        .properties(width=WIDTH, height=210)
    )
    return _svg(chart, locale)


def grouped_bars(rows: list[dict], title: str, x_title: str, locale: str) -> str:
    """Horizontal bars: rows have category, group, value; one bar per group in each category."""
    frame = pd.DataFrame(rows, columns=["category", "group", "value"])
    frame = frame[frame["value"].notna()]
    domain = list(dict.fromkeys(frame["group"]))
    categories = list(dict.fromkeys(frame["category"]))
    chart = (
        alt.Chart(frame, title=_title(title))
        .mark_bar()
        .encode(
            y=alt.Y("category:N", sort=categories, title=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("group:N", sort=domain),
            x=alt.X("value:Q", title=x_title),
            color=alt.Color("group:N", scale=_colour(domain), sort=domain),
        )
        .properties(width=WIDTH - 220, height=alt.Step(9))
    )
    return _svg(chart, locale)


def ranked_bars(rows: list[tuple[str, Any, bool]], title: str, x_title: str, locale: str) -> str:
    """Horizontal bars in the given order; `True` marks a bar to set apart (a comparison area)."""
    frame = pd.DataFrame(
        [(n, v, "area" if apart else "town") for n, v, apart in rows if v is not None],
        columns=["name", "value", "kind"],
    )
    chart = (
        alt.Chart(frame, title=_title(title))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=None, title=None),
            x=alt.X("value:Q", title=x_title),
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=["town", "area"], range=[ACCENT, MUTED]),
            ),
        )
        .properties(width=WIDTH - 100, height=22 * len(frame))
    )
    return _svg(chart, locale)


def quotient_bars(
    rows: list[tuple[str, Any, bool]],
    title: str,
    x_title: str,
    locale: str,
    reference: float = 1.0,
    threshold: float = 0.5,
    labels: tuple[str, str] = ("gap", "other"),
) -> str:
    """Location quotients as horizontal bars in the given order, a solid rule at `reference`
    (as common as in the comparison) and a dashed one at `threshold`; bars marked `True` (a
    possible gap) in a second colour, named by `labels`."""
    gap, other = labels
    frame = pd.DataFrame(
        [(n, v, gap if flagged else other) for n, v, flagged in rows if v is not None],
        columns=["name", "value", "kind"],
    )
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y=alt.Y("name:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=x_title, scale=alt.Scale(domainMin=0)),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[other, gap], range=[ACCENT, PALETTE[5]])),
    )
    lines = pd.DataFrame({"at": [reference, threshold], "line": ["reference", "threshold"]})
    rules = (
        alt.Chart(lines)
        .mark_rule(color="#333")
        .encode(
            x="at:Q",
            strokeDash=alt.StrokeDash(
                "line:N",
                scale=alt.Scale(domain=["reference", "threshold"], range=[[1, 0], [4, 3]]),
                legend=None,
            ),
        )
    )
    chart = alt.layer(bars, rules, title=_title(title)).properties(
        width=WIDTH - 220, height=alt.Step(14)
    )
    return _svg(chart, locale)
