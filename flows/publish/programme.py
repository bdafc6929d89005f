"""The regional plan's action programme on the report's pages, as view models from the marts:
a town's measures and how the figures they aim at moved (plan_measures, plan_measure_towns,
measure_progress), and the regional chapter "Veien videre": the programme by theme, the aims
that move the right way and those that do not, and the early warnings (town_signals) and
weaknesses (town_strengths_weaknesses) that no measure aims at. Every number comes from a mart;
everything the invented sample register or sample values feed carries its mark."""

from __future__ import annotations

from typing import Any

from flows.publish.context import Context, marks_for
from flows.publish.planning import current_signals, rules

SOURCE = "measures"  # the register's loads in source_loads
# A measure that was stopped no longer addresses anything; a planned, started or completed one does.
ADDRESSING = ("planned", "started", "completed")


def label(ctx: Context, scale: str, code: str) -> str:
    """A theme's or status's words in the report's language (the register's codebook, as the
    mart dim_code holds it)."""
    row = ctx.data.codes("plan", scale).get(code)
    return row[f"label_{ctx.lang}"] if row else code


def _statuses(ctx: Context) -> list[str]:
    """The measure statuses in the register codebook's order (dim_code)."""
    return list(ctx.data.codes("plan", "statuses"))


def register_year(ctx: Context) -> int | None:
    """The register the report shows: the latest loaded for the report year or before."""
    years = [r["register_year"] for r in ctx.data.marts["plan_measures"]]
    return max((y for y in years if y <= ctx.year), default=None)


def answered_by(rule: dict) -> list[str]:
    """The indicators the rule names as answering it (signal_backtest.answered_by), in order."""
    return (rule.get("answered_by") or "").split()


def signal_indicators(rule: dict, subject: str | None) -> set[str]:
    """The indicators a measure may aim at to address a raised signal of this rule: a measure
    addresses it when it covers the town and aims at one of them. A series that is itself an
    indicator (share_age_67_plus, ...) answers to that indicator, the survey's rule to every
    survey indicator of the item it names (its subject), any other to its answered_by."""
    series = rule.get("series") or ""
    if series == "survey" and subject:
        return {f"survey_{m}__{subject}" for m in ("share_agree", "share_yes", "mean_agreement")}
    return {series, *answered_by(rule)}


def _indicator_name(ctx: Context, indicator: str) -> str:
    return ctx.name(indicator) if indicator in ctx.catalogue else indicator


def _unit(ctx: Context, indicator: str) -> tuple[str, int]:
    entry = ctx.catalogue.get(indicator) or {}
    decimals = entry.get("decimals")
    return entry.get("unit") or "", 1 if decimals is None else decimals


def _show(ctx: Context, indicator: str, value: float | None) -> str:
    if indicator not in ctx.catalogue:
        return ctx.fmt.number(value, 1)
    return ctx.show(indicator, value)


def show_change(ctx: Context, indicator: str, value: float | None, basis: str) -> str:
    """A change over the measure's years as the comparison basis has it: percent for counts, else
    the indicator's unit (a change of a percentage is in percentage points)."""
    if basis == "percent":
        return ctx.fmt.percent(value)
    unit, decimals = _unit(ctx, indicator)
    if unit == "percent":
        unit = "percentage_points"
    return ctx.fmt.indicator(value, unit, decimals, signed=True)


def _with_year(shown: str, year: int | None, value: float | None) -> str:
    return shown if value is None or year is None else f"{shown} ({year})"


def _target(ctx: Context, row: dict) -> str:
    if row["target_value"] is not None:
        value = _show(ctx, row["indicator_id"], row["target_value"])
        return ctx.t("programme_target_value", value=value, year=row["target_year"])
    return ctx.t(f"programme_target_{row['direction']}", year=row["target_year"])


def _yardstick(ctx: Context, row: dict) -> str:
    """The yardstick's change over the same years, named ("Nordland: +0,3 %")."""
    if not row["yardstick"]:
        return ctx.t.programme_yardstick_none
    change = show_change(ctx, row["indicator_id"], row["yardstick_change"], row["comparison_basis"])
    return ctx.t(f"programme_yardstick_{row['yardstick']}", change=change)


def _town_change(ctx: Context, row: dict) -> str:
    """The town's change since the baseline; for a count also in percent."""
    if row["change"] is None:
        return ctx.fmt.number(None)
    indicator = row["indicator_id"]
    if row["comparison_basis"] != "percent":
        return show_change(ctx, indicator, row["change"], "difference")
    unit, decimals = _unit(ctx, indicator)
    in_unit = ctx.fmt.indicator(row["change"], unit, decimals, signed=True)
    sign = 1 if row["direction"] == "up" else -1
    return f"{in_unit} ({ctx.fmt.percent(sign * row['change_in_direction'])})"


def progress_row(ctx: Context, row: dict) -> dict[str, Any]:
    """One indicator a measure aims at in one town, as the tables show it."""
    indicator = row["indicator_id"]
    return {
        "indicator_id": indicator,
        "name": _indicator_name(ctx, indicator),
        "baseline": _with_year(
            _show(ctx, indicator, row["baseline_value"]),
            row["baseline_year"],
            row["baseline_value"],
        ),
        "latest": _with_year(
            _show(ctx, indicator, row["latest_value"]), row["latest_year"], row["latest_value"]
        ),
        "change": _town_change(ctx, row),
        "target": _target(ctx, row),
        "verdict": row[f"verdict_{ctx.lang}"],
        "verdict_code": row["verdict"],
        "reason": ctx.t[f"programme_reason_{row['verdict_reason']}"],
        "yardstick": _yardstick(ctx, row),
        "key": {k: row[k] for k in ("register_year", "measure_id", "indicator_id", "town_id")},
        "marks": marks_for([row["origin"]]),
    }


def _status(ctx: Context, measure: dict, year: int) -> str:
    """The status, and what it was in the measure's previous register where it changed."""
    status = measure[f"measure_status_{ctx.lang}"]
    if measure["is_new"]:
        return ctx.t("programme_status_new", status=status, year=year)
    if measure["measure_status_changed"] and measure["previous_measure_status"]:
        before = label(ctx, "statuses", measure["previous_measure_status"]).lower()
        return ctx.t(
            "programme_status_changed",
            status=status,
            before=before,
            year=measure["previous_register_year"],
        )
    return ctx.t("programme_status_same", status=status, year=measure["previous_register_year"])


def _years(ctx: Context, measure: dict) -> str:
    if measure["end_year"] is None:
        return ctx.t("programme_years_open", start=measure["start_year"])
    return f"{measure['start_year']}\u2013{measure['end_year']}"


def measure_view(ctx: Context, measure: dict, year: int, progress: list[dict]) -> dict[str, Any]:
    """A measure with its facts and the indicators it aims at (progress rows of one town)."""
    order = {i: n for n, i in enumerate(ctx.catalogue)}
    rows = [
        progress_row(ctx, r)
        for r in sorted(progress, key=lambda r: order.get(r["indicator_id"], len(order)))
    ]
    budget = measure["budget_nok"]
    return {
        "measure_id": measure["measure_id"],
        "title": measure[f"title_{ctx.lang}"],
        "theme": measure[f"theme_{ctx.lang}"],
        "status": _status(ctx, measure, year),
        "responsible": measure["responsible"],
        "years": _years(ctx, measure),
        "towns": ctx.t.programme_whole_region if measure["is_regional"] else measure["town_names"],
        "budget": ctx.t("programme_budget", amount=ctx.fmt.number(budget)) if budget else "",
        "rows": rows,
        "no_indicators": ctx.t.programme_no_indicators if not rows else "",
        "marks": marks_for([measure["origin"], *(r["origin"] for r in progress)]),
    }


def _source(ctx: Context, indicators: set[str]) -> str:
    return ctx.source_line([*ctx.tables(*indicators), SOURCE])


def town_section(ctx: Context, town: dict) -> dict[str, Any]:
    """ "Tiltak i handlingsprogrammet" on a town page: the town's measures in the register for
    the report year, each indicator's baseline, latest figure, target, verdict and yardstick."""
    t, code = ctx.t, town["town_id"]
    year = register_year(ctx)
    if year is None:
        return {"measures": [], "none": t("programme_no_register", year=ctx.year), "intro": None}
    covered = {
        r["measure_id"]
        for r in ctx.data.rows("plan_measure_towns", register_year=year)
        if r["town_id"] == code
    }
    measures = sorted(
        (
            r
            for r in ctx.data.rows("plan_measures", register_year=year)
            if r["measure_id"] in covered
        ),
        key=lambda r: (r["theme_order"] or 99, r["measure_id"]),
    )
    progress = ctx.data.rows("measure_progress", register_year=year, town_id=code)
    views = [
        measure_view(ctx, m, year, [p for p in progress if p["measure_id"] == m["measure_id"]])
        for m in measures
    ]
    origins = [m["origin"] for m in measures] + [p["origin"] for p in progress]
    later = ctx.t("programme_register_older", year=year) if year < ctx.year else ""
    return {
        "register_year": year,
        "intro": ctx.sentence(
            t("programme_town_intro", town=town["town_name"], year=year, count=len(views))
            + (f" {later}" if later else ""),
            *origins,
        )
        if views
        else None,
        "none": t("programme_town_none", town=town["town_name"], year=year) if not views else "",
        "measures": views,
        "marks": marks_for(origins),
        "source": _source(ctx, {p["indicator_id"] for p in progress}) if views else "",
    }


# ------------------------------------------------------------------ the regional chapter
def _themes(ctx: Context, measures: list[dict]) -> list[dict[str, Any]]:
    rows = []
    for theme in ctx.data.codes("plan", "themes"):  # in the plan's order
        mine = [m for m in measures if m["theme"] == theme]
        rows.append(
            {
                "theme": label(ctx, "themes", theme),
                "total": len(mine),
                "counts": [sum(m["measure_status"] == s for m in mine) for s in _statuses(ctx)],
                "marks": marks_for(m["origin"] for m in mine),
            }
        )
    return rows


def _aims(ctx: Context, year: int, verdict: str) -> list[dict[str, Any]]:
    """The measure × indicator × town rows of one verdict, for the regional chapter."""
    measures = {m["measure_id"]: m for m in ctx.data.rows("plan_measures", register_year=year)}
    towns = {tw["town_id"]: tw["town_name"] for tw in ctx.data.towns}
    order = {tw["town_id"]: n for n, tw in enumerate(ctx.data.towns)}
    rows = sorted(
        ctx.data.rows("measure_progress", register_year=year, verdict=verdict),
        key=lambda r: (r["measure_id"], r["indicator_id"], order.get(r["town_id"], 99)),
    )
    return [
        {
            **progress_row(ctx, r),
            "measure": f"{r['measure_id']} {measures[r['measure_id']][f'title_{ctx.lang}']}",
            "town": towns.get(r["town_id"], r["town_id"]),
        }
        for r in rows
        if r["measure_id"] in measures
    ]


def _aim_table(ctx: Context, year: int, verdict: str) -> dict[str, Any]:
    rows = _aims(ctx, year, verdict)
    return {"kind": verdict, "rows": rows, "marks": marks_for(m for r in rows for m in r["marks"])}


def _addressed(ctx: Context, year: int) -> dict[str, dict[str, list[str]]]:
    """Per town, each indicator a measure still in force aims at, with those measures' ids."""
    status = {
        m["measure_id"]: m["measure_status"]
        for m in ctx.data.rows("plan_measures", register_year=year)
    }
    found: dict[str, dict[str, list[str]]] = {}
    for r in ctx.data.rows("measure_progress", register_year=year):
        if status.get(r["measure_id"]) in ADDRESSING:
            ids = found.setdefault(r["town_id"], {}).setdefault(r["indicator_id"], [])
            if r["measure_id"] not in ids:
                ids.append(r["measure_id"])
    return found


def gaps(ctx: Context, towns: list[dict], year: int) -> dict[str, Any]:
    """Each town's raised early warnings and weaknesses, and whether a measure aims at them."""
    addressed = _addressed(ctx, year)
    rows, counts = [], {"signals": [0, 0], "weaknesses": [0, 0]}
    for town in towns:
        code, mine = town["town_id"], addressed.get(town["town_id"], {})
        open_weaknesses, origins = [], []
        subjects: dict[str, list[str]] = {}  # a rule's lamps without a measure, by subject
        for signal in current_signals(ctx, code):
            aimed = signal_indicators(signal["rule"], signal["subject"]) & set(mine)
            counts["signals"][0] += 1
            counts["signals"][1] += bool(aimed)
            if not aimed:
                items = subjects.setdefault(signal[f"name_{ctx.lang}"], [])
                if signal["subject"]:
                    items.append(_survey_item(ctx, signal["subject"]))
                origins.append(signal["origin"])
        open_signals = [
            f"{name}: {', '.join(items)}" if items else name for name, items in subjects.items()
        ]
        weaknesses = ctx.data.rows(
            "town_strengths_weaknesses", town_id=code, year=ctx.year, kind="weakness"
        )
        for w in sorted(weaknesses, key=lambda r: r["position"]):
            counts["weaknesses"][0] += 1
            counts["weaknesses"][1] += w["indicator_id"] in mine
            if w["indicator_id"] not in mine:
                open_weaknesses.append(_indicator_name(ctx, w["indicator_id"]))
                origins.append(w["origin"])
        rows.append(
            {
                "town": town["town_name"],
                "href": f"{town['town_id']}.html",
                "signals": open_signals,
                "weaknesses": open_weaknesses,
                "marks": marks_for(origins),
            }
        )
    (signals, signals_met), (weak, weak_met) = counts["signals"], counts["weaknesses"]
    return {
        "rows": rows,
        "summary": ctx.t(
            "programme_gaps_summary",
            signals=signals,
            signals_met=signals_met,
            weaknesses=weak,
            weaknesses_met=weak_met,
            year=ctx.year,
        ),
        "marks": marks_for(m for r in rows for m in r["marks"]),
    }


def _survey_item(ctx: Context, item: str) -> str:
    """A survey item's words, from the survey's marts."""
    for r in ctx.data.marts["survey_town_summary"]:
        if r["item_id"] == item:
            return ctx.t("quoted", text=r[f"item_label_{ctx.lang}"])
    return item


def region_section(ctx: Context, towns: list[dict]) -> dict[str, Any]:
    """ "Veien videre": the whole programme by theme, the aims that move the right way and those
    that do not, and what no measure addresses."""
    t = ctx.t
    year = register_year(ctx)
    if year is None:
        return {"register_year": None, "none": t("programme_no_register", year=ctx.year)}
    measures = ctx.data.rows("plan_measures", register_year=year)
    progress = ctx.data.rows("measure_progress", register_year=year)
    statuses = _statuses(ctx)
    by_status = {s: sum(m["measure_status"] == s for m in measures) for s in statuses}
    verdicts = {
        v: sum(r["verdict"] == v for r in progress)
        for v in ("on_track", "not_yet", "wrong_way", "too_early")
    }
    origins = [m["origin"] for m in measures] + [r["origin"] for r in progress]
    themes = _themes(ctx, measures)
    return {
        "register_year": year,
        "none": "",
        "intro": ctx.sentence(
            t(
                "programme_region_intro",
                year=year,
                count=len(measures),
                **by_status,
                regional=sum(bool(m["is_regional"]) for m in measures),
            ),
            *(m["origin"] for m in measures),
        ),
        "statuses": [label(ctx, "statuses", s) for s in statuses],
        "themes": themes,
        "totals": [by_status[s] for s in statuses],
        "themes_marks": marks_for(m["origin"] for m in measures),
        "verdicts": ctx.sentence(
            t("programme_region_verdicts", aims=len(progress), **verdicts),
            *(r["origin"] for r in progress),
        ),
        "aims": [_aim_table(ctx, year, kind) for kind in ("on_track", "wrong_way")],
        "gaps": gaps(ctx, towns, year),
        "marks": marks_for(origins),
        "source": _source(ctx, {r["indicator_id"] for r in progress}),
        "gaps_source": ctx.source_line([*_gap_tables(ctx, towns), SOURCE]),
    }


def _gap_tables(ctx: Context, towns: list[dict]) -> list[str]:
    tables: set[str] = set()
    for town in towns:
        for signal in current_signals(ctx, town["town_id"]):
            tables |= set(ctx.tables(*signal_indicators(signal["rule"], signal["subject"])))
        weaknesses = ctx.data.rows(
            "town_strengths_weaknesses", town_id=town["town_id"], year=ctx.year, kind="weakness"
        )
        tables |= set(ctx.tables(*(w["indicator_id"] for w in weaknesses)))
    return sorted(tables)


def methods_section(ctx: Context) -> dict[str, Any]:
    """How the verdicts are set, the yardstick, and which indicators answer a warning."""
    mapping = [
        ctx.t(
            "programme_method_mapping_one",
            rule=rule[f"name_{ctx.lang}"],
            indicators=", ".join(_indicator_name(ctx, i) for i in answered_by(rule)),
        )
        for rule in rules(ctx)
        if answered_by(rule)
    ]
    return {
        "intro": ctx.t.programme_method_register,
        "verdicts": [
            {"label": v[f"label_{ctx.lang}"], "explanation": v[f"explanation_{ctx.lang}"]}
            for v in ctx.data.verdicts()
        ],
        "yardstick": ctx.t.programme_method_yardstick,
        "gaps": ctx.t.programme_method_gaps,
        "mapping": mapping,
        "survey": ctx.t.programme_method_survey_change,
    }
