"""Settle a catalogue table's queries against the table's own metadata (PxWebApi 2).

The catalogue says what bymonitor wants (regions, contents, first year, codelists); the metadata
(`/tables/{id}/metadata`, and `?codelist[VAR]=ID` for each codelist used) settles the codes:
codelist ids must be among the dimension's `extension.codelists`, every code must exist in its
codelist or dimension, years are the table's own time codes from the first year on, and every
variable the metadata marks as not eliminable must be selected. Each mismatch becomes one
sentence that says what to change in `data/catalogue/statbank_tables.yml`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flows.ingest.statbank_catalogue import Query, RegionGroup, TableSpec

MAX_LISTED = 6  # codes named in one problem sentence


@dataclass(frozen=True)
class Dimension:
    id: str
    codes: list[str]
    labels: dict[str, str]
    elimination: bool
    codelists: dict[str, str]  # id -> type (Aggregation, Valueset)


@dataclass(frozen=True)
class TableMetadata:
    table_id: str
    label: str
    updated: str | None
    dimensions: dict[str, Dimension]

    @classmethod
    def from_json(cls, table_id: str, document: dict[str, Any]) -> TableMetadata:
        dimensions = {}
        for dim_id in document.get("id") or list(document.get("dimension") or {}):
            raw = (document.get("dimension") or {}).get(dim_id) or {}
            category = raw.get("category") or {}
            index = category.get("index") or {}
            codes = (
                sorted(index, key=index.get) if isinstance(index, dict) else [str(c) for c in index]
            )
            extension = raw.get("extension") or {}
            codelists = {
                str(c.get("id")): str(c.get("type", ""))
                for c in extension.get("codelists") or []
                if c.get("id")
            }
            dimensions[dim_id] = Dimension(
                dim_id,
                codes,
                dict(category.get("label") or {}),
                bool(extension.get("elimination", False)),
                codelists,
            )
        return cls(table_id, str(document.get("label", "")), document.get("updated"), dimensions)


@dataclass
class TablePlan:
    """The queries a table's yearly fetch sends, or the problems that stop it."""

    table_id: str
    queries: list[Query] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    codelists: list[str] = field(default_factory=list)
    first_period: str | None = None
    last_period: str | None = None
    error: str | None = None  # StatBank did not answer the metadata requests

    @property
    def ok(self) -> bool:
        return not self.problems and self.error is None

    @property
    def cells(self) -> int:
        return sum(q.cells() for q in self.queries)


MetadataSource = Callable[[dict[str, str]], TableMetadata]
"""Fetches a table's metadata with the given codelists ({variable: codelist id}) applied."""


def _listed(codes: list[str]) -> str:
    shown = ", ".join(codes[:MAX_LISTED])
    return shown + (f" and {len(codes) - MAX_LISTED} more" if len(codes) > MAX_LISTED else "")


def _year(code: str) -> int | None:
    return int(code[:4]) if code[:4].isdigit() else None


def plan_table(spec: TableSpec, metadata: MetadataSource, municipalities: list[str]) -> TablePlan:
    """The table's queries, settled by its metadata; problems instead where they disagree."""
    tid = spec.table_id
    plan = TablePlan(tid)
    base = metadata({})
    dims = base.dimensions
    region, time = spec.region_variable, spec.time_variable
    wanted = [region, *spec.query, time]
    unknown = [v for v in wanted if v not in dims]
    for variable in unknown:
        plan.problems.append(
            f"{tid}: the table has no variable {variable}; its variables are {', '.join(dims)}"
        )
    for dim in dims.values():
        if dim.id not in wanted and not dim.elimination:
            offered = ", ".join(f"{c} ({dim.labels.get(c, c)})" for c in dim.codes[:MAX_LISTED])
            plan.problems.append(
                f"{tid}: variable {dim.id} cannot be left out (the table does not eliminate it); "
                f"add it to the table's query, choosing from {offered}"
            )
    if unknown:
        return plan

    def codelist_exists(variable: str, codelist: str) -> bool:
        offered = dims[variable].codelists
        if codelist in offered:
            return True
        alternatives = ", ".join(offered) or "no codelists"
        plan.problems.append(
            f"{tid}: codelist {codelist} does not exist for {variable}; "
            f"the table offers {alternatives}"
        )
        return False

    # variables besides region and time: codes checked in their codelist or the dimension
    fixed: dict[str, str] = {}
    for variable, codelist in spec.codelists.items():
        if variable in dims and codelist_exists(variable, codelist):
            fixed[variable] = codelist
    views: dict[tuple[tuple[str, str], ...], TableMetadata] = {(): base}

    def view(codelists: dict[str, str]) -> TableMetadata:
        key = tuple(sorted(codelists.items()))
        if key not in views:
            views[key] = metadata(codelists)
        return views[key]

    others_view = view(fixed)
    selections: dict[str, list[str]] = {}
    for variable, codes in spec.query.items():
        known = set(others_view.dimensions[variable].codes)
        missing = [c for c in codes if c not in known]
        if missing:
            where = f"codelist {fixed[variable]}" if variable in fixed else f"variable {variable}"
            plan.problems.append(f"{tid}: {where} has no code {_listed(missing)}")
        selections[variable] = list(dict.fromkeys(c for c in codes if c in known))

    # time: the table's own codes from the first year on
    periods = [c for c in dims[time].codes if (_year(c) or 0) >= spec.first_year]
    if dims[time].codes:
        plan.first_period, plan.last_period = dims[time].codes[0], dims[time].codes[-1]
    if not periods:
        plan.problems.append(
            f"{tid}: the table has no period from {spec.first_year} on "
            f"(its periods run {plan.first_period}–{plan.last_period})"
        )
    elif plan.first_period and (_year(plan.first_period) or 0) > spec.first_year:
        plan.notes.append(
            f"{tid}: first_year {spec.first_year} is before the table's first period "
            f"{plan.first_period}; fetching from {plan.first_period}"
        )

    # regions: one query per codelist group and period
    for group in spec.region_groups(municipalities):
        _plan_region_group(plan, spec, group, codelist_exists, view, fixed, selections, periods)
    plan.codelists = list(
        dict.fromkeys([*(q.codelists.get(region) or "" for q in plan.queries), *fixed.values()])
    )
    plan.codelists = [c for c in plan.codelists if c]
    if plan.problems:
        plan.queries = []
    return plan


def _plan_region_group(
    plan: TablePlan,
    spec: TableSpec,
    group: RegionGroup,
    codelist_exists: Callable[[str, str], bool],
    view: Callable[[dict[str, str]], TableMetadata],
    fixed: dict[str, str],
    selections: dict[str, list[str]],
    periods: list[str],
) -> None:
    tid, region, time = spec.table_id, spec.region_variable, spec.time_variable
    codelists = dict(fixed)
    if group.codelist:
        if not codelist_exists(region, group.codelist):
            return
        codelists[region] = group.codelist
    offered = view({region: group.codelist} if group.codelist else {}).dimensions[region].codes
    known = set(offered)
    missing = [c for c in group.codes if c not in known]
    if missing:
        where = f"codelist {group.codelist}" if group.codelist else f"variable {region}"
        plan.problems.append(
            f"{tid}: {where} has no region code {_listed(missing)}"
            + (
                "; codes retired in a reform are only in a valueset of their years "
                "(e.g. vs_Kommune, asked for the years before the reform)"
                if group.codelist and group.codelist.startswith("agg_")
                else ""
            )
        )
        return
    codes = list(dict.fromkeys(group.codes))
    if group.pattern:  # every municipality the codelist holds, in its order
        pattern = re.compile(group.pattern)
        codes = [c for c in offered if pattern.fullmatch(c)]
        plan.notes.append(
            f"{tid}: every municipality {group.codelist or region} holds ({len(codes)} codes)"
        )
    years = [p for p in periods if group.covers(_year(p) or 0)]
    if not years:
        return
    query = Query(tid, {region: codes, **selections, time: years}, codelists)
    plan.queries.append(query)
