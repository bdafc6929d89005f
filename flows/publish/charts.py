"""Charts as self-contained SVG (Vega-Lite via Altair, rendered by vl-convert; no browser)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

ACCENT = "#00566b"
MUTED = "#9aa5ab"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


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
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec, format_locale=d3_locale(locale), allowed_base_urls=[])
    return svg[svg.index("<svg") :]  # drop the XML prolog: the SVG is inlined in HTML


def _title(text: str) -> alt.Title:
    return alt.Title(text, anchor="start", fontSize=13, fontWeight="normal", color="#333")


def population_line(points: list[tuple[int, int | None]], title: str, locale: str) -> str:
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
        .properties(width=560, height=200)
    )
    return _svg(chart, locale)


def change_bars(rows: list[tuple[str, float | None, bool]], title: str, locale: str) -> str:
    """Horizontal bars of a change in percent; `True` marks a comparison area (Nordland, Norway)."""
    frame = pd.DataFrame(
        [(n, v, "area" if area else "town") for n, v, area in rows if v is not None],
        columns=["name", "value", "kind"],
    )
    chart = (
        alt.Chart(frame, title=_title(title))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=None, title=None),
            x=alt.X("value:Q", title=None, axis=alt.Axis(format=".0f")),
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=["town", "area"], range=[ACCENT, MUTED]),
            ),
        )
        .properties(width=460, height=22 * len(frame))
    )
    return _svg(chart, locale)
