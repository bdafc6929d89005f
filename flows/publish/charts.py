"""Charts as self-contained SVG (Vega-Lite via Altair, rendered by vl-convert; no browser, no
network). Colours are the Okabe-Ito palette, which colour-blind readers can tell apart.

Each chart function returns the Vega-Lite chart; `to_svg` renders it with the report language's
number format (decimal mark, thousands separator, minus sign). Rows carry a `tip`: the value as
the tables write it, which the SVG gives each bar and point as its tooltip (an SVG <title>)."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]
ACCENT, MUTED = PALETTE[0], PALETTE[6]
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
# Charts are drawn about as wide as the text column (~680 px with their labels), their labels
# at 13 px; on a narrow screen a chart shrinks to no less than SHRINK of that (labels >= 9.75
# px) and scrolls sideways in its own box beyond (report.css, macro figure).
WIDTH = 580
FONT_SIZE = 13
SHRINK = 0.75
TITLE_CHARS = 72  # a title line at 15 px: about the width of the chart with its labels
LABEL_CHARS = 30  # a category label line at 13 px beside horizontal bars
MARKER_LABEL_CHARS = 56  # bars_with_marker: one line for every industry's name
MARKER_STEP = 24  # bars_with_marker: px a row
MARKER_COLOUR = "#222222"  # bars_with_marker: the second place's tick
# a label of several lines: Vega draws a list of strings as lines
WRAPPED = "split(datum.label, '\\n')"


def d3_locale(locale: str) -> dict:
    """The d3-format locale (decimal mark, thousands separator, minus) for a Babel locale."""
    return {
        "decimal": get_decimal_symbol(locale),
        "thousands": get_group_symbol(locale),
        "grouping": [3],
        "currency": ["", ""],
        "minus": get_minus_sign_symbol(locale),
    }


def to_svg(chart: alt.TopLevelMixin, locale: str, cache: Path | None = None) -> str:
    """The chart as an SVG element to inline in HTML, its numbers in the locale's format."""
    configured = (
        chart.configure(font=FONT, aria=False)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, titleFontWeight="normal")
        .configure_legend(orient="bottom", title=None, labelFontSize=FONT_SIZE, labelLimit=0)
    )
    # Altair's check against the Vega-Lite schema (~20 ms a chart) runs only when the chart is
    # drawn: a specification found in the cache passed it when it was drawn
    spec = configured.to_dict(validate=False)
    svg = render_svg(spec, d3_locale(locale), cache, check=configured.to_dict)
    return tooltips(narrowest(svg[svg.index("<svg") :]))  # no XML prolog: inlined in HTML


def render_svg(
    spec: dict, format_locale: dict, cache: Path | None, check: Callable[[], Any] | None = None
) -> str:
    """vl-convert's SVG of a Vega-Lite specification. With a cache folder, a specification
    rendered before (the same spec, number format and vl-convert version: the same SVG) is
    read from there instead of being drawn again (~50 ms a chart); a new one is kept there.
    The cache only ever saves time: an unreadable or unwritable folder renders as usual.
    `check` runs before a specification is drawn (and raises if it is not valid)."""
    key = json.dumps([vl_convert.__version__, spec, format_locale], sort_keys=True, default=str)
    path = cache / f"{hashlib.sha256(key.encode()).hexdigest()}.svg" if cache else None
    if path is not None:
        with contextlib.suppress(OSError, ValueError):  # unreadable or damaged: drawn again
            kept = path.read_text(encoding="utf-8")
            if "<svg" in kept and kept.rstrip().endswith("</svg>"):
                return kept
    if check is not None:
        check()
    svg = vl_convert.vegalite_to_svg(spec, format_locale=format_locale, allowed_base_urls=[])
    if path is not None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            partial.write_text(svg, encoding="utf-8")
            os.replace(partial, path)  # whole or not at all, for processes reading beside
    return svg


def narrowest(svg: str) -> str:
    """The SVG with the narrowest width it may shrink to on screen (SHRINK of its own), as a
    custom property that report.css reads: below it, the chart's box scrolls sideways."""
    width = re.search(r'<svg[^>]*?\swidth="([\d.]+)"', svg)
    if not width:
        return svg
    least = round(float(width.group(1)) * SHRINK)
    return svg.replace("<svg ", f'<svg style="--chart-least: {least}px" ', 1)


_DESCRIBED = re.compile(r'<(\w+)([^<>]*?) aria-label="([^"]*)"([^<>]*?)/>')


def tooltips(svg: str) -> str:
    """Vega writes a mark's description as aria-label; in an inlined SVG a <title> child is
    what a browser shows on hover. Vega's own (English) roles and labels are dropped: the
    figure around the SVG names the chart for screen readers."""
    svg = _DESCRIBED.sub(r"<\1\2\4><title>\3</title></\1>", svg)
    svg = re.sub(r' (?:role|aria-roledescription|aria-label)="[^"]*"', "", svg)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def titles_in(svg: str) -> list[str]:
    """The tooltips of an SVG made by `to_svg`, as text."""
    return [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg)]


def wrap(text: str, width: int) -> str:
    """Text broken into lines of at most `width` characters (a long word stays whole)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _title(text: str) -> alt.Title:
    lines = wrap(text, TITLE_CHARS).split("\n")
    return alt.Title(lines, anchor="start", fontSize=15, fontWeight="normal", color="#333")


def _colour(domain: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=PALETTE[: len(domain)])


def year_ticks(years: tuple[int, int], most: int = 12) -> list[int]:
    """The years labelled on a year axis: counted back from the last year (the year the text
    beside the chart quotes), every year or every second, third ... so that labels never
    overlap and the last year is always labelled."""
    first, last = years
    step = -(-(last - first + 1) // most)  # ceiling
    return sorted(range(last, first - 1, -step))


def _years(years: tuple[int, int]) -> alt.X:
    """A year axis over exactly the given years (no rounding out to a year without data)."""
    return alt.X(
        "year:Q",
        title=None,
        scale=alt.Scale(domain=list(years), nice=False, zero=False),
        axis=alt.Axis(values=year_ticks(years), format="d", labelOverlap=False),
    )


def population_line(rows: list[dict], title: str, years: tuple[int, int]) -> alt.LayerChart:
    """Population per year (rows: year, value, tip); a year without a comparable figure breaks
    the line, and every figure is a point, so a single year between gaps is drawn too."""
    frame = pd.DataFrame(rows, columns=["year", "value", "tip"])
    base = alt.Chart(frame).encode(
        x=_years(years),
        y=alt.Y(
            "value:Q",
            title=None,
            scale=alt.Scale(zero=False),
            axis=alt.Axis(format=",d", tickCount=5),
        ),
    )
    line = base.mark_line(color=ACCENT, strokeWidth=2.5, invalid="break-paths-show-domains")
    points = base.mark_point(color=ACCENT, filled=True, size=30, opacity=1).encode(
        description="tip:N", tooltip="tip:N"
    )
    return alt.layer(line, points.transform_filter("isValid(datum.value)"), title=_title(title))\
        .properties(width=WIDTH, height=200)  # fmt: skip


def lines(
    rows: list[dict],
    title: str,
    y_title: str,
    years: tuple[int, int],
    zero: bool = False,
    y_format: str | None = None,
) -> alt.LayerChart:
    """Several series over the years (rows: year, series, value, tip). None breaks a line; every
    figure is also a point, so a single year between gaps is drawn."""
    frame = pd.DataFrame(rows, columns=["year", "series", "value", "tip"])
    domain = list(dict.fromkeys(frame["series"]))
    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2.2)
    base = alt.Chart(frame).encode(
        x=_years(years),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=zero), axis=axis),
    )
    line = base.mark_line(strokeWidth=2.2, invalid="break-paths-show-domains").encode(
        color=alt.Color("series:N", scale=_colour(domain), sort=domain, legend=legend),
        strokeDash=alt.StrokeDash(
            "series:N", scale=alt.Scale(domain=domain), sort=domain, legend=legend
        ),
    )
    points = base.mark_point(filled=True, size=22, opacity=1).encode(
        color=alt.Color("series:N", scale=_colour(domain), sort=domain, legend=None),
        description="tip:N",
        tooltip="tip:N",
    )
    return alt.layer(
        line, points.transform_filter("isValid(datum.value)"), title=_title(title)
    ).properties(width=WIDTH, height=210)


def grouped_bars(
    rows: list[dict],
    title: str,
    x_title: str,
    domain: tuple[float, float] | None = None,
    x_format: str | None = None,
) -> alt.Chart:
    """Horizontal bars (rows: category, group, value, tip): one bar per group in each category,
    long category names on several lines. With a `domain` the axis covers exactly that range
    (the same for every town) and the bars start at its low end (a scale from 1 to 5 has no 0)."""
    frame = pd.DataFrame(rows, columns=["category", "group", "value", "tip"])
    frame = frame[frame["value"].notna()].assign(
        label=lambda f: f["category"].map(lambda c: wrap(c, LABEL_CHARS))
    )
    groups = list(dict.fromkeys(frame["group"]))
    categories = list(dict.fromkeys(frame["label"]))
    lines_per_label = max((c.count("\n") + 1 for c in categories), default=1)
    # room for the longest label (15 px a line) beside the category's bars
    step = max(11, -(-(15 * lines_per_label + 8) // max(len(groups), 1)))
    axis = alt.Axis(format=x_format) if x_format else alt.Axis()
    if domain is None:
        x, x2 = alt.X("value:Q", title=x_title, axis=axis), {}
    else:
        scale = alt.Scale(domain=list(domain), nice=False, zero=False, clamp=True)
        axis = alt.Axis(format=x_format or "d", tickMinStep=1)  # 1, 2, ... 5: whole points
        x = alt.X("value:Q", title=x_title, scale=scale, axis=axis)
        x2 = {"x2": alt.datum(domain[0])}
    return (
        alt.Chart(frame, title=_title(title))
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N",
                sort=categories,
                title=None,
                axis=alt.Axis(labelExpr=WRAPPED, labelLimit=0, labelPadding=4),
            ),
            yOffset=alt.YOffset("group:N", sort=groups),
            x=x,
            **x2,
            color=alt.Color("group:N", scale=_colour(groups), sort=groups),
            description="tip:N",
            tooltip="tip:N",
        )
        .properties(width=WIDTH - 200, height=alt.Step(step))
    )


def bars_with_marker(
    rows: list[dict], title: str, x_title: str, groups: tuple[str, str]
) -> alt.LayerChart:
    """Horizontal bars of one place with a second place's value as a tick across each bar
    (rows: category, value, marker, tip): one row per category and one line per label, so a
    long list (every industry) stays short enough to print legibly."""
    bar_group, marker_group = groups
    frame = pd.DataFrame(
        [{**r, "label": wrap(r["category"], MARKER_LABEL_CHARS)} for r in rows],
        columns=["label", "value", "marker", "tip"],
    ).assign(bar=bar_group, tick=marker_group)
    y = alt.Y(
        "label:N",
        sort=list(frame["label"]),
        title=None,
        axis=alt.Axis(labelExpr=WRAPPED, labelLimit=0, labelPadding=4),
    )

    def legend(symbol: str, **style: Any) -> alt.Legend:
        return alt.Legend(title=None, orient="top", symbolType=symbol, symbolOpacity=1, **style)

    bars = (
        alt.Chart(frame)
        .mark_bar(size=MARKER_STEP - 10)
        .encode(
            y=y,
            x=alt.X("value:Q", title=x_title),
            color=alt.Color(
                "bar:N",
                scale=alt.Scale(domain=[bar_group], range=[ACCENT]),
                legend=legend("square"),
            ),
            description="tip:N",
            tooltip="tip:N",
        )
        .transform_filter("isValid(datum.value)")
    )
    # the tick reaches beyond the bar, so it shows where it falls on the bar's end
    ticks = (
        alt.Chart(frame)
        .mark_tick(thickness=3, size=MARKER_STEP - 2, opacity=1, fill=MARKER_COLOUR)
        .encode(
            y=y,
            x="marker:Q",
            stroke=alt.Stroke(
                "tick:N",
                scale=alt.Scale(domain=[marker_group], range=[MARKER_COLOUR]),
                legend=legend("M0,-1V1", symbolStrokeWidth=3),  # an upright stroke, as drawn
            ),
        )
        .transform_filter("isValid(datum.marker)")
    )
    return (
        alt.layer(bars, ticks, title=_title(title))
        .resolve_scale(color="independent", stroke="independent")
        .properties(width=WIDTH - 260, height=alt.Step(MARKER_STEP))
    )


def ranked_bars(
    rows: list[dict],
    title: str,
    x_title: str,
    domain: tuple[float, float] | None = None,
) -> alt.LayerChart:
    """Horizontal bars in the given order (rows: name, value, apart, tip, and optionally
    `missing`: the words written in place of a bar without a value, and `shown`: the value
    written at the bar's end); `apart` sets a bar apart (a comparison area). A place without a
    value keeps its row, with the words instead of a bar; a value of 0, which has no bar, still
    has its figure written. `domain` fixes the axis (0-100 for an index)."""
    frame = pd.DataFrame(
        [{"missing": "", "shown": "", **r, "kind": "area" if r["apart"] else "town"} for r in rows],
        columns=["name", "value", "kind", "tip", "missing", "shown"],
    )
    scale = alt.Scale(domain=list(domain), nice=False) if domain else alt.Scale()
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", sort=list(frame["name"]), title=None, axis=alt.Axis(labelLimit=0))
    )
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X("value:Q", title=x_title, scale=scale),
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=["town", "area"], range=[ACCENT, MUTED]),
            ),
            description="tip:N",
            tooltip="tip:N",
        )
        .transform_filter("isValid(datum.value)")
    )
    words = (
        base.mark_text(align="left", dx=4, fontStyle="italic", color="#555", fontSize=FONT_SIZE)
        .encode(x=alt.datum(0), text="missing:N")
        .transform_filter("!isValid(datum.value)")
    )
    figures = (
        base.mark_text(align="left", dx=4, color="#333", fontSize=FONT_SIZE)
        .encode(x=alt.X("value:Q", scale=scale), text="shown:N")
        .transform_filter("isValid(datum.value) && datum.shown != ''")
    )
    return alt.layer(bars, words, figures, title=_title(title)).properties(
        width=WIDTH - 40, height=26 * len(frame)
    )


def quotient_bars(
    rows: list[dict],
    title: str,
    x_title: str,
    reference: float = 1.0,
    threshold: float = 0.5,
    labels: tuple[str, str] = ("gap", "other"),
) -> alt.LayerChart:
    """Location quotients as horizontal bars in the given order (rows: name, value, flagged,
    tip), a solid rule at `reference` (as common as in the comparison) and a dashed one at
    `threshold`; flagged bars (a possible gap) in a second colour, named by `labels`."""
    gap, other = labels
    frame = pd.DataFrame(
        [
            {**r, "kind": gap if r["flagged"] else other, "label": wrap(r["name"], LABEL_CHARS)}
            for r in rows
            if r["value"] is not None
        ],
        columns=["label", "value", "kind", "tip"],
    )
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y=alt.Y(
            "label:N",
            sort=None,
            title=None,
            axis=alt.Axis(labelExpr=WRAPPED, labelLimit=0, labelPadding=4),
        ),
        x=alt.X("value:Q", title=x_title, scale=alt.Scale(domainMin=0)),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[other, gap], range=[ACCENT, PALETTE[5]])),
        description="tip:N",
        tooltip="tip:N",
    )
    at = pd.DataFrame({"at": [reference, threshold], "line": ["reference", "threshold"]})
    rules = (
        alt.Chart(at)
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
    lines = max((label.count("\n") + 1 for label in frame["label"]), default=1)
    return alt.layer(bars, rules, title=_title(title)).properties(
        width=WIDTH - 200, height=alt.Step(max(17, 15 * lines + 8))
    )


def spec(chart: Any) -> dict:
    """The Vega-Lite specification of a chart, as rendered (for tests and debugging)."""
    return chart.to_dict()
