"""Charts of the programme and the survey over time, built like those of `charts`: a title drawn
in the chart, Okabe-Ito colours, every mark with its tooltip as the tables write the value."""

from __future__ import annotations

import altair as alt
import pandas as pd

from flows.publish.charts import PALETTE, WIDTH, WRAPPED, _title, wrap

LABEL_CHARS = 46  # a category label line beside the narrow dot plot: two lines at most here


def two_waves(rows: list[dict], title: str, x_title: str, waves: tuple[str, str]) -> alt.LayerChart:
    """Each category's value in two waves as two points joined by a line (rows: category,
    value_from, value_to, tip_from, tip_to); a category without both values is left out (a
    suppressed value is never drawn). Long category names go on several lines."""
    first, last = waves
    kept = [r for r in rows if r["value_from"] is not None and r["value_to"] is not None]
    labels = [wrap(r["category"], LABEL_CHARS) for r in kept]
    spans = pd.DataFrame(
        [
            {"label": lab, "low": r["value_from"], "high": r["value_to"]}
            for lab, r in zip(labels, kept, strict=True)
        ],
        columns=["label", "low", "high"],
    )
    points = pd.DataFrame(
        [
            {"label": lab, "wave": wave, "value": r[f"value_{end}"], "tip": r[f"tip_{end}"]}
            for lab, r in zip(labels, kept, strict=True)
            for wave, end in ((first, "from"), (last, "to"))
        ],
        columns=["label", "wave", "value", "tip"],
    )
    y = alt.Y(
        "label:N",
        sort=labels,
        title=None,
        axis=alt.Axis(labelExpr=WRAPPED, labelLimit=0, labelPadding=4),
    )
    x_scale = alt.Scale(domain=[0, 100])
    x_axis = alt.Axis(values=[0, 20, 40, 60, 80, 100])
    line = (
        alt.Chart(spans)
        .mark_rule(color="#999", strokeWidth=2)
        .encode(y=y, x=alt.X("low:Q", title=x_title, scale=x_scale, axis=x_axis), x2="high:Q")
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            y=y,
            x=alt.X("value:Q", title=x_title, scale=x_scale, axis=x_axis),
            color=alt.Color(
                "wave:N",
                scale=alt.Scale(domain=[first, last], range=[PALETTE[6], PALETTE[0]]),
                sort=[first, last],
            ),
            shape=alt.Shape(
                "wave:N",
                scale=alt.Scale(domain=[first, last], range=["circle", "diamond"]),
                sort=[first, last],
            ),
            description="tip:N",
            tooltip="tip:N",
        )
    )
    lines = max((lab.count("\n") + 1 for lab in labels), default=1)
    return alt.layer(line, dots, title=_title(title)).properties(
        width=WIDTH - 260, height=alt.Step(max(16, 12 * lines + 10))
    )
