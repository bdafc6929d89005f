"""The survey and the interviews over time, as view models from the marts: a town's survey
answers wave against wave with the change's 95 % interval (survey_town_change), stated in words
only where the change exceeds its uncertainty, and the interview themes per town and for the
regional actors across the rounds (interview_themes_over_time). Counts and shares only: the
marts hold no respondent, informant or interview key, and a suppressed value is never shown."""

from __future__ import annotations

from typing import Any

from flows.publish import programme_charts
from flows.publish.context import Context, Figure, Sentence, marks_for

SHARES = ("share_agree", "share_yes")  # the chart and the table; mean agreement in words too
REGIONAL = "regional"  # the regional actors' rows of interview_themes_over_time


def _item_order(ctx: Context) -> dict[str, int]:
    """The survey's items in the questionnaire's order (the mart dim_code)."""
    return {code: n for n, code in enumerate(ctx.data.codes("survey", "items"))}


def _latest(ctx: Context, town_id: str) -> list[dict]:
    """The town's changes into its latest wave up to the report year."""
    rows = [
        r for r in ctx.data.rows("survey_town_change", town_id=town_id) if r["to_wave"] <= ctx.year
    ]
    if not rows:
        return []
    last = max(r["to_wave"] for r in rows)
    order = _item_order(ctx)
    return sorted(
        (r for r in rows if r["to_wave"] == last),
        key=lambda r: (order.get(r["item_id"], len(order)), r["measure"]),
    )


def _value(ctx: Context, row: dict, value: float | None) -> str:
    if row["measure"] == "mean_agreement":
        return ctx.fmt.number(value, 2)
    return ctx.fmt.percent(value, signed=False)


def _change(ctx: Context, row: dict, value: float | None) -> str:
    if row["measure"] == "mean_agreement":
        return ctx.fmt.signed(value, 2)
    return ctx.fmt.indicator(value, "percentage_points", 1, signed=True)


def _interval(ctx: Context, row: dict) -> str:
    places = 2 if row["measure"] == "mean_agreement" else 1
    return ctx.t(
        "survey_change_interval",
        low=ctx.fmt.signed(row["ci_low"], places),
        high=ctx.fmt.signed(row["ci_high"], places),
    )


def change_sentence(ctx: Context, row: dict) -> Sentence:
    """A change beyond its uncertainty in words: what, from, to, how much, the interval."""
    item = ctx.t("quoted", text=row[f"item_label_{ctx.lang}"])
    return ctx.sentence(
        ctx.t(
            "survey_change_sentence",
            subject=ctx.t(f"survey_change_subject_{row['measure']}", item=item),
            verb=ctx.t.survey_change_rose if row["change"] > 0 else ctx.t.survey_change_fell,
            before=_value(ctx, row, row["value_from"]),
            after=_value(ctx, row, row["value_to"]),
            first=row["from_wave"],
            last=row["to_wave"],
            change=_change(ctx, row, row["change"]),
            interval=_interval(ctx, row),
        ),
        row["origin"],
    )


def survey_change_section(ctx: Context, town: dict) -> dict[str, Any] | None:
    """The town's survey over time: the changes beyond their uncertainty in words, every share
    wave against wave in a chart and a table with its interval; suppressed values as such."""
    t, name = ctx.t, town["town_name"]
    rows = _latest(ctx, town["town_id"])
    if not rows:
        return None
    first, last = min(r["from_wave"] for r in rows), rows[0]["to_wave"]
    clear = [r for r in rows if r["is_beyond_uncertainty"] and not r["is_suppressed"]]
    shares = [r for r in rows if r["measure"] in SHARES]
    table = [
        {
            "label": r[f"item_label_{ctx.lang}"],
            "measure": t[f"survey_change_measure_{r['measure']}"],
            "before": t.suppressed if r["is_suppressed"] else _value(ctx, r, r["value_from"]),
            "after": t.suppressed if r["is_suppressed"] else _value(ctx, r, r["value_to"]),
            "change": "" if r["is_suppressed"] else _change(ctx, r, r["change"]),
            "interval": "" if r["is_suppressed"] else _interval(ctx, r),
            "beyond": bool(r["is_beyond_uncertainty"]) and not r["is_suppressed"],
            "n": t(
                "survey_change_n",
                before=ctx.fmt.number(r["n_from"]),
                after=ctx.fmt.number(r["n_to"]),
            ),
            "key": None  # a suppressed value is no figure to check against the mart
            if r["is_suppressed"]
            else {
                "town_id": r["town_id"],
                "item_id": r["item_id"],
                "measure": r["measure"],
                "to_wave": r["to_wave"],
            },
        }
        for r in shares
    ]
    origins = [r["origin"] for r in rows]
    return {
        "first": first,
        "last": last,
        "intro": ctx.sentence(t("survey_change_intro", town=name, first=first, last=last)),
        "sentences": [change_sentence(ctx, r) for r in clear],
        "none": t("survey_change_none", first=first, last=last) if not clear else "",
        "figure": _figure(ctx, town, shares, (str(first), str(last))),
        "rows": table,
        "marks": marks_for(origins),
        "source": ctx.source_line(["survey"]),
    }


def _figure(ctx: Context, town: dict, rows: list[dict], waves: tuple[str, str]) -> Figure | None:
    t = ctx.t
    shown = [r for r in rows if not r["is_suppressed"] and r["value_from"] is not None]
    if not shown:
        return None
    first, last = waves
    points = []
    for r in shown:
        label = r[f"item_label_{ctx.lang}"]
        points.append(
            {
                "category": label,
                "value_from": r["value_from"],
                "value_to": r["value_to"],
                "tip_from": ctx.tip(
                    f"{first}, {t('quoted', text=label)}", _value(ctx, r, r["value_from"])
                ),
                "tip_to": ctx.tip(
                    f"{last}, {t('quoted', text=label)}", _value(ctx, r, r["value_to"])
                ),
            }
        )
    title = t("chart_survey_change", town=town["town_name"], first=first, last=last)
    items = "; ".join(
        t(
            "alt_survey_change_item",
            item=t("quoted", text=r[f"item_label_{ctx.lang}"]),
            before=_value(ctx, r, r["value_from"]),
            after=_value(ctx, r, r["value_to"]),
        )
        for r in shown
    )
    hidden = len(rows) - len(shown)
    notes = [t("chart_note_suppressed", count=hidden)] if hidden else []
    return ctx.figure(
        programme_charts.two_waves(points, title, t.percent, waves),
        title,
        t("alt_survey_change", first=first, last=last, items=items),
        ctx.source_line(["survey"]),
        (r["origin"] for r in shown),
        notes,
    )


def interview_themes(ctx: Context, town_id: str) -> dict[str, Any] | None:
    """The coded themes of a town's (or the regional actors') interviews in each round up to the
    report year: how many interviews touched each theme, and the share."""
    rows = [
        r
        for r in ctx.data.rows("interview_themes_over_time", town_id=town_id)
        if r["wave"] <= ctx.year
    ]
    if not rows:
        return None
    waves = sorted({r["wave"] for r in rows})
    totals = {r["wave"]: r["interviews_total"] for r in rows}
    labels = ctx.theme_labels
    order = {code: n for n, code in enumerate(labels)}
    themes = sorted({r["theme"] for r in rows}, key=lambda c: (order.get(c, len(order)), c))
    cell = {(r["theme"], r["wave"]): r for r in rows}
    table = []
    for theme in themes:
        cells = []
        for wave in waves:
            r = cell.get((theme, wave))
            cells.append(
                ctx.t(
                    "interview_themes_cell",
                    count=ctx.fmt.number(r["interviews"]),
                    share=ctx.fmt.percent(r["share_of_interviews"], 0, signed=False),
                )
                if r
                else ctx.fmt.number(None)
            )
        table.append({"theme": labels.get(theme, theme), "cells": cells})
    origins = [r["origin"] for r in rows]
    return {
        "waves": [
            {"wave": w, "total": ctx.t("interview_themes_total", count=ctx.fmt.number(totals[w]))}
            for w in waves
        ],
        "rows": table,
        "intro": ctx.sentence(
            ctx.t(
                "interview_themes_regional_intro"
                if town_id == REGIONAL
                else "interview_themes_intro",
                waves=", ".join(str(w) for w in waves),
            ),
            *origins,
        ),
        "marks": marks_for(origins),
        "source": ctx.source_line(["interviews"]),
    }


def town_section(ctx: Context, town: dict) -> dict[str, Any]:
    """The survey and the interviews over time on a town page."""
    return {
        "survey": survey_change_section(ctx, town),
        "interviews": interview_themes(ctx, town["town_id"]),
    }
