"""What a planner asks next, as view models from the marts: each town against its peers across
Norway by population (town_peers' demographic model, town_peer_comparison) and by jobs and
industry mix (its economic model), early warnings (town_signals, signal_backtest) and
gaps in the industry spectrum (town_industry_quotients). Every number comes from a mart; every
value that is not SSB's own carries its mark."""

from __future__ import annotations

import re
from typing import Any

from flows import constants
from flows.publish import charts
from flows.publish.context import Context, Figure, Sentence, marks_for, municipality_label

# The indicators the town page sets against its peers' (all from 07459, which covers every
# municipality): the headline ones first.
PEER_INDICATORS = [
    "population",
    "population_change_10y_pct",
    "share_age_67_plus",
    "share_age_0_19",
    "share_age_20_66",
    "women_per_100_men_20_44",
    "old_age_dependency_ratio",
]


def _tables(text: str | None) -> list[str]:
    return re.findall(r"\d{5}", text or "")


def rules(ctx: Context) -> list[dict]:
    """Every early-warning rule, in the methods page's order."""
    return sorted(ctx.data.marts["signal_backtest"], key=lambda r: r["sort_order"])


def rule_lag(ctx: Context, rule: dict) -> int:
    """How far behind the report year the rule's tables are published (0 for the survey)."""
    return max((ctx.lags.get(t, 0) for t in _tables(rule["source_tables"])), default=0)


def current_signals(ctx: Context, town_id: str) -> list[dict]:
    """The town's raised signals for the report: per rule, its latest evaluation within the
    publishing lag of the rule's tables (for the survey, the latest wave up to the report year)."""
    raised = []
    for rule in rules(ctx):
        rows = [
            r
            for r in ctx.data.rows("town_signals", town_id=town_id, rule_id=rule["rule_id"])
            if r["year"] <= ctx.year
            and (not rule["source_tables"] or r["year"] >= ctx.year - rule_lag(ctx, rule))
        ]
        if rows:
            latest = max(r["year"] for r in rows)
            raised += [{**r, "rule": rule} for r in rows if r["year"] == latest and r["is_raised"]]
    return raised


def signals_section(ctx: Context, town: dict) -> dict[str, Any]:
    """The "Varsellamper" of one town: each raised signal in a sentence, or none."""
    signals = current_signals(ctx, town["town_id"])
    lamps = [
        {
            "name": s[f"name_{ctx.lang}"],
            "since": s["since_year"],
            "sentence": ctx.sentence(s[f"sentence_{ctx.lang}"], s["origin"]),
            "marks": marks_for([s["origin"]]),
        }
        for s in signals
    ]
    return {
        "lamps": lamps,
        "none": ctx.t("signals_none", town=town["town_name"], year=ctx.year),
        "source": _source(ctx, signals) if lamps else "",
    }


def _source(ctx: Context, signals: list[dict]) -> str:
    """The source line of some signals: their tables, and the survey where a rule reads it."""
    tables = {table for s in signals for table in _tables(s["source_tables"])}
    survey = ["survey"] if any(not s["source_tables"] for s in signals) else []
    return ctx.source_line([*sorted(tables), *survey])


def region_signals(ctx: Context, towns: list[dict]) -> dict[str, Any]:
    """The regional chapter's overview: which lamps are lit in which town."""
    lit = {town["town_id"]: current_signals(ctx, town["town_id"]) for town in towns}
    rows = []
    for rule in rules(ctx):
        cells = []
        for town in towns:
            mine = [s for s in lit[town["town_id"]] if s["rule_id"] == rule["rule_id"]]
            cells.append({"count": len(mine), "marks": marks_for(s["origin"] for s in mine)})
        if any(c["count"] for c in cells):
            rows.append(
                {
                    "name": rule[f"name_{ctx.lang}"],
                    "cells": cells,
                    "marks": marks_for(m for c in cells for m in c["marks"]),
                }
            )
    return {
        "towns": [{"name": town["town_name"], "href": f"{town['town_id']}.html"} for town in towns],
        "rows": rows,
        "totals": [len(lit[town["town_id"]]) for town in towns],
        "source": _source(ctx, [s for signals in lit.values() for s in signals]),
    }


def peers_section(ctx: Context, town: dict) -> dict[str, Any] | None:
    """The town's most similar municipalities outside Nordland, and its headline indicators
    against theirs."""
    t, fmt, code = ctx.t, ctx.fmt, town["town_id"]
    peers = _peers(ctx, code, "demographic", ctx.year)
    if not peers:
        return None
    kept = peers[0]["peers_kept"]
    compared = {
        r["indicator_id"]: r
        for r in ctx.data.rows("town_peer_comparison", town_id=code, year=ctx.year)
    }
    comparison = []
    for indicator in PEER_INDICATORS:
        row = compared.get(indicator)
        if not row:
            continue
        signed = ctx.is_change(indicator)
        comparison.append(
            {
                "name": ctx.name(indicator),
                "town": ctx.show(indicator, row["town_value"], signed),
                "median": ctx.show(indicator, row["peers_median"], signed),
                "range": f"{ctx.show(indicator, row['peers_min'], signed)} – "
                f"{ctx.show(indicator, row['peers_max'], signed)}",
                "position": t[f"position_{row['position']}"] if row["position"] else "",
                "marks": marks_for([row["origin"]]),
            }
        )
    origins = [p["origin"] for p in peers] + [r["origin"] for r in compared.values()]
    return {
        "intro": ctx.sentence(
            t(
                "peers_intro",
                town=town["town_name"],
                year=ctx.year,
                compared=fmt.number(peers[0]["municipalities_compared"]),
            ),
            *(p["origin"] for p in peers),
        ),
        "kept": ctx.sentence(t("peers_kept", kept=kept, year=ctx.year - 1), *origins)
        if kept is not None
        else None,
        "fewer": _fewer_variables(ctx, town, peers),
        "rows": _peer_rows(ctx, peers, t.peers_new),
        "comparison": comparison,
        "town_label": municipality_label(ctx, town),
        "marks": marks_for(origins),
        "source": ctx.source_line(["07459"]),
    }


def economic_peers_section(ctx: Context, town: dict) -> dict[str, Any] | None:
    """The town's most similar municipalities outside Nordland by jobs and industry mix (the
    economic model, 13470), in the latest year within the table's publishing lag."""
    t, fmt, code = ctx.t, ctx.fmt, town["town_id"]
    years = [
        r["year"]
        for r in ctx.data.rows("town_peers", town_id=code, model="economic")
        if ctx.year - ctx.lags.get("13470", 0) <= r["year"] <= ctx.year
    ]
    if not years:
        return None
    year = max(years)
    peers = _peers(ctx, code, "economic", year)
    kept = peers[0]["peers_kept"]
    origins = [p["origin"] for p in peers]
    # set against the demographic peers the page shows above (the report year's)
    shown = {p["peer_municipality_code"] for p in _peers(ctx, code, "demographic", ctx.year)}
    both = [p for p in peers if p["peer_municipality_code"] in shown]
    return {
        "intro": ctx.sentence(
            t(
                "peers_economic_intro",
                town=town["town_name"],
                year=year,
                compared=fmt.number(peers[0]["municipalities_compared"]),
            ),
            *origins,
        ),
        "both": t(
            "peers_economic_both" if both else "peers_economic_none_both",
            year=ctx.year,
            names=_joined(t, [p["peer_municipality_name"] for p in both]) if both else "",
        ),
        # one sample mark for the paragraph: the intro's
        "kept": t("peers_kept", kept=kept, year=year - 1) if kept is not None else None,
        "fewer": _fewer_variables(ctx, town, peers),
        "rows": _peer_rows(ctx, peers, t("peers_new_in", year=year)),
        "title": t("peers_economic_list", year=year),
        "marks": marks_for(origins),
        "source": ctx.source_line(["13470", "07459"]),
    }


def _peers(ctx: Context, code: str, model: str, year: int) -> list[dict]:
    rows = ctx.data.rows("town_peers", town_id=code, model=model, year=year)
    return sorted(rows, key=lambda r: r["rank"])


def _peer_rows(ctx: Context, peers: list[dict], new_label: str) -> list[dict]:
    """The peers' table rows; `new` is the label of a peer that was not one the year before."""
    return [
        {
            "rank": p["rank"],
            "name": p["peer_municipality_name"] or p["peer_municipality_code"],
            "county": p["peer_county_name"] or "",
            "distance": ctx.fmt.number(p["distance"], 2),
            "separating": p[f"separating_{ctx.lang}"],
            "new": new_label if p["was_peer_last_year"] is False else None,
        }
        for p in peers
    ]


def _fewer_variables(ctx: Context, town: dict, peers: list[dict]) -> str | None:
    """A sentence when the town was compared on fewer variables than its model has."""
    first = peers[0]
    most = max(
        r["variables_used"]
        for r in ctx.data.marts["town_peers"]
        if r["year"] == first["year"] and r["model"] == first["model"]
    )
    if first["variables_used"] >= most:
        return None
    return ctx.t("peers_fewer_variables", town=town["town_name"], used=first["variables_used"])


def _gap_rows(ctx: Context, code: str) -> tuple[int | None, list[dict]]:
    """The town's location quotients in the latest year within 13470's publishing lag."""
    rows = ctx.data.rows("town_industry_quotients", town_id=code)
    years = [
        r["year"] for r in rows if ctx.year - ctx.lags.get("13470", 0) <= r["year"] <= ctx.year
    ]
    if not years:
        return None, []
    year = max(years)
    return year, sorted((r for r in rows if r["year"] == year), key=lambda r: r["industry_order"])


def gaps_figure(ctx: Context, town: dict) -> Figure | None:
    """Location quotients by industry against Norway, possible gaps set apart."""
    t, fmt = ctx.t, ctx.fmt
    year, rows = _gap_rows(ctx, town["town_id"])
    if not rows:
        return None
    first = rows[0]
    title = t("chart_quotients", year=year)
    name = f"industry_{ctx.lang}"
    bars = [
        {
            "name": r[name],
            "value": r["quotient_norway"],
            "flagged": r["is_possible_gap"],
            "tip": ctx.tip(r[name], fmt.number(r["quotient_norway"], 2)),
        }
        for r in rows
    ]
    chart = charts.quotient_bars(
        bars,
        title,
        t("quotient_axis"),
        reference=first["reference_quotient"],
        threshold=first["gap_below_quotient"],
        labels=(t.quotient_gap, t.quotient_other),
    )
    summary = t(
        "alt_quotients",
        town=town["town_name"],
        industries=", ".join(f"{r[name]} {fmt.number(r['quotient_norway'], 2)}" for r in rows),
    )
    return ctx.figure(
        chart, title, summary, ctx.source_line(["13470"]), (r["origin"] for r in rows)
    )


def gap_sentence(ctx: Context, town: dict) -> Sentence | None:
    """One sentence for the town's summary: the possible gaps in its industry spectrum, or none."""
    t, fmt = ctx.t, ctx.fmt
    year, rows = _gap_rows(ctx, town["town_id"])
    if not rows:
        return None
    first = rows[0]
    values = {
        "year": year,
        "below": fmt.number(first["gap_below_quotient"], 1),
        "reference": fmt.number(first["reference_quotient"], 1),
        "group": t[f"quotient_group_{first['reference_group']}"],
    }
    gaps = [r for r in rows if r["is_possible_gap"]]
    if gaps:
        names = [
            f"{r[f'industry_{ctx.lang}'].lower()} ({fmt.number(r['quotient_norway'], 2)})"
            for r in gaps
        ]
        text = t("gaps_sentence", industries=_joined(t, names), **values)
    else:
        text = t("gaps_none", **values)
        quotients = [r for r in rows if r["quotient_norway"] is not None]
        if quotients:
            # the town's least common industry, and why it does not count as a gap
            lowest = min(quotients, key=lambda r: r["quotient_norway"])
            below = lowest["quotient_norway"] < first["gap_below_quotient"]
            text += " " + t(
                "gaps_lowest_common" if below else "gaps_lowest_above",
                industry=lowest[f"industry_{ctx.lang}"].lower(),
                quotient=fmt.number(lowest["quotient_norway"], 2),
                **values,
            )
    return ctx.sentence(text, *(r["origin"] for r in rows))


def _joined(t: Any, items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {t.and_word} {items[-1]}"


def methods_sections(ctx: Context) -> dict[str, Any]:
    """The methods of peers, early warnings (with the back-test's numbers) and industry gaps."""
    t, fmt = ctx.t, ctx.fmt
    backtest = []
    for rule in rules(ctx):
        tested = rule["is_backtested"]
        backtest.append(
            {
                "name": rule[f"name_{ctx.lang}"],
                "method": rule[f"method_{ctx.lang}"],
                "outcome": rule[f"backtest_{ctx.lang}"],
                "tested": tested,
                "signals": fmt.number(rule["signals"]) if tested else "",
                "hit_rate": fmt.percent(rule["hit_rate_pct"], signed=False) if tested else "",
                "false_alarms": fmt.percent(rule["false_alarm_rate_pct"], signed=False)
                if tested
                else "",
                "base_rate": fmt.percent(rule["base_rate_pct"], signed=False) if tested else "",
                "warned": fmt.percent(rule["outcomes_warned_pct"], signed=False) if tested else "",
                "scope": t(
                    "backtest_scope_value",
                    municipalities=fmt.number(rule["municipalities"]),
                    first=rule["first_year"],
                    last=rule["last_year"],
                )
                if tested
                else "",
            }
        )
    tested = [r for r in rules(ctx) if r["is_backtested"]]
    quotients = ctx.data.marts["town_industry_quotients"]
    first = quotients[0] if quotients else None
    return {
        "peers": t(
            "method_peers",
            peer_min_coverage_pct=fmt.percent(
                100 * float(constants.var("peer_min_coverage")), 0, signed=False
            ),
        ),
        "signals": t.method_signals,
        "backtest_intro": t(
            "method_backtest", horizon=max((r["horizon_years"] for r in tested), default="")
        )
        if tested
        else "",
        "backtest": backtest,
        "gaps": t(
            "method_gaps",
            below=fmt.number(first["gap_below_quotient"], 1),
            reference=fmt.number(first["reference_quotient"], 1),
            share=fmt.percent(first["min_reference_share_pct"], 0, signed=False),
            min_towns=first["min_reference_towns"],
        )
        if first
        else "",
        "source": ctx.source_line(["07459"]),
    }


def town_section(ctx: Context, town: dict) -> dict[str, Any]:
    """Everything of this module a town page shows."""
    return {
        "signals": signals_section(ctx, town),
        "peers": peers_section(ctx, town),
        "economic_peers": economic_peers_section(ctx, town),
        "gaps_figure": gaps_figure(ctx, town),
        "gap_sentence": gap_sentence(ctx, town),
    }
