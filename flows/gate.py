"""The quality gate: run the Great Expectations suites in expectations/ on the marts.

Marts (and the gate's `quality.*` views) are read read-only from DuckDB into dataframes and
validated with GX's pandas engine. Each expectation carries GX's own severity: a failed
`critical` expectation blocks publication, a failed `warning` is reported. A failing check says
what is wrong, where and by how much, from its suite's message template (bokmål and English).
The verdict is kept in the warehouse (`ops.gate_results`) with a checksum of the marts it was
made on, so it is committed or thrown away with the run that made it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

from flows import constants
from flows.errors import BymonitorError
from flows.gate_messages import LANGUAGES, MessageError, fill, placeholders
from flows.settings import Settings
from flows.warehouse import WarehouseMissing, connect

SEVERITIES = ("critical", "warning")
THEMES = ("completeness", "accounting", "plausibility", "privacy", "freshness")
EXAMPLES = 10  # failing rows spelled out per check

GATE_DDL = """
create table if not exists ops.gate_results (
    report_year    integer primary key,
    checked_at     timestamptz not null,
    passed         boolean not null,  -- no critical check failed
    marts_checksum varchar not null,  -- the marts the verdict was made on (marts_checksum)
    result         json not null      -- every check, as in the publication's quality.json
);
"""


class GateConfigError(BymonitorError, ValueError):
    """A suite file in expectations/ is malformed."""


class GateFailed(BymonitorError):
    """Critical checks failed: the report must not be published."""

    def __init__(self, result: GateResult) -> None:
        names = "; ".join(f"{c.suite}: {c.headline('en')}" for c in result.critical_failures)
        super().__init__(
            f"the quality gate failed {len(result.critical_failures)} critical check(s): {names}"
        )
        self.result = result


@dataclass(frozen=True)
class CheckResult:
    suite: str
    expectation: str
    column: str | None
    severity: str
    description: dict[str, str]  # the rule, by language: {"nb": ..., "en": ...}
    success: bool
    observed: str  # in English, for the command line and the run's gate page
    theme: str = "completeness"
    checked: int | None = None  # rows looked at; None for a check of a whole table
    failing: int = 0  # rows (or columns) that broke the rule
    problems: dict[str, list[str]] = field(default_factory=dict)  # what is wrong, by language

    def headline(self, lang: str) -> str:
        """The rule and, when it failed, its first problem in words."""
        first = (self.problems.get(lang) or [None])[0]
        return f"{self.description[lang]} {first}" if first else self.description[lang]


@dataclass(frozen=True)
class GateResult:
    report_year: int
    period_start: int
    checked_at: str
    checks: list[CheckResult]
    row_counts: dict[str, int] = field(default_factory=dict)
    marts_checksum: str = ""

    @property
    def critical_failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "critical"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.critical_failures

    def describe(self) -> str:
        ok = sum(c.success for c in self.checks)
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"quality gate {verdict}: {ok}/{len(self.checks)} checks passed, "
            f"{len(self.critical_failures)} critical failure(s), {len(self.warnings)} warning(s)"
        )

    def to_json(self) -> str:
        body = asdict(self) | {"passed": self.passed}
        return json.dumps(body, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> GateResult:
        body = json.loads(text)
        body.pop("passed", None)
        body["checks"] = [CheckResult(**c) for c in body["checks"]]
        return cls(**body)


@dataclass(frozen=True)
class Suite:
    name: str
    mart: str | None  # schema.table; None with scope text_columns (every mart)
    period: bool
    expectations: list[dict[str, Any]]
    theme: str = "completeness"
    period_column: str = "year"
    where: str | None = None  # a condition with {parameter} placeholders
    order_by: str | None = None  # the order failing rows are named in (largest first, say)
    scope: str = "table"  # or "text_columns": every text value of every mart, as one table
    forbidden_column_names: list[str] = field(default_factory=list)
    forbidden_column_names_description: dict[str, str] | None = None


def _bilingual(value: Any) -> bool:
    return isinstance(value, dict) and set(LANGUAGES) <= set(value)


def _with_project_vars(node: Any) -> Any:
    """A suite with dbt's project vars in place: `{var: name}` becomes the value (a threshold),
    `{name}` in a text the value's words (flows.constants)."""
    if isinstance(node, dict):
        if set(node) == {"var"}:
            return constants.var(node["var"])
        return {key: _with_project_vars(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_project_vars(value) for value in node]
    if isinstance(node, str):
        return constants.fill(node)
    return node


def load_suites(directory: Path) -> list[Suite]:
    """Read and validate every suite file (*.yml) in the directory."""
    suites = []
    for path in sorted(directory.glob("*.yml")):
        try:
            document = _with_project_vars(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            raise GateConfigError(f"{path}: not valid YAML ({exc})") from exc
        except KeyError as exc:
            raise GateConfigError(f"{path}: {exc.args[0]}") from exc
        if not isinstance(document, dict) or (
            "mart" not in document and document.get("scope") != "text_columns"
        ):
            raise GateConfigError(f"{path}: needs at least `mart` and `expectations`")
        theme = document.get("theme", "plausibility")
        if theme not in THEMES:
            raise GateConfigError(f"{path}: the theme must be one of {', '.join(THEMES)}")
        expectations = document.get("expectations") or []
        for number, item in enumerate(expectations, start=1):
            if item.get("severity") not in SEVERITIES:
                raise GateConfigError(
                    f"{path}: expectation {number} needs severity critical or warning"
                )
            if not item.get("type") or not isinstance(item.get("kwargs", {}), dict):
                raise GateConfigError(f"{path}: expectation {number} needs a type and kwargs")
            if not _bilingual(item.get("description")):
                raise GateConfigError(
                    f"{path}: expectation {number} needs a description in nb and en"
                )
            if "problem" in item and not _bilingual(item["problem"]):
                raise GateConfigError(f"{path}: expectation {number} needs a problem in nb and en")
        suites.append(
            Suite(
                name=document.get("name", path.stem),
                mart=document.get("mart"),
                period=bool(document.get("period", False)),
                expectations=expectations,
                theme=theme,
                period_column=document.get("period_column", "year"),
                where=document.get("where"),
                order_by=document.get("order_by"),
                scope=document.get("scope", "table"),
                forbidden_column_names=list(document.get("forbidden_column_names") or []),
                forbidden_column_names_description=document.get(
                    "forbidden_column_names_description"
                ),
            )
        )
    if not suites:
        raise GateConfigError(f"no suites in {directory}")
    return suites


def gate_parameters(
    settings: Settings, report_year: int, town_count: int, headline_count: int = 0
) -> dict[str, int]:
    period_start = report_year - settings.history_years
    period_years = report_year - period_start + 1
    return {
        "report_year": report_year,
        "period_start": period_start,
        "period_years": period_years,
        "town_count": town_count,
        "headline_count": headline_count,
        "expected_town_years": town_count * period_years,
        "expected_headline_rows": town_count * period_years * headline_count,
    }


@dataclass(frozen=True)
class Batch:
    """One dataframe to validate and the expectations (suite items) to run on it."""

    suite: Suite
    name: str
    frame: Any
    expectations: list[dict[str, Any]]


def _batches(con, suites: list[Suite], parameters: dict[str, int]) -> list[Batch]:
    batches = []
    for suite in suites:
        if suite.scope == "text_columns":
            frame = con.execute(_text_values_query(con)).df()
            batches.append(Batch(suite, suite.name, frame, suite.expectations))
            continue
        conditions = []
        if suite.period:
            conditions.append(
                f"{suite.period_column} between {parameters['period_start']} "
                f"and {parameters['report_year']}"
            )
        if suite.where:
            conditions.append(suite.where.format(**parameters))
        query = f"select * from {suite.mart}"
        if conditions:
            query += " where " + " and ".join(f"({c})" for c in conditions)
        if suite.order_by:
            query += f" order by {suite.order_by}"
        batches.append(Batch(suite, suite.name, con.execute(query).df(), suite.expectations))
    return batches


def _text_values_query(con) -> str:
    """Every different text value of every text column of every mart, as rows (table_name,
    column_name, value): one frame, so each pattern is one check of every value."""
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type in ('VARCHAR', 'JSON') "
        "order by table_name, ordinal_position"
    ).fetchall()
    parts = [
        f"select distinct '{table}' as table_name, '{column}' as column_name, "
        f'cast("{column}" as varchar) as value from marts."{table}" where "{column}" is not null'
        for table, column in rows
    ]
    return " union all ".join(parts) or (
        "select null::varchar as table_name, null::varchar as column_name, "
        "null::varchar as value where false"
    )


NO_PERSON_COLUMNS = {
    "nb": "Ingen kolonne i tallgrunnlaget har et navn som tyder på personopplysninger.",
    "en": "No column in any mart has a name that suggests personal data.",
}


def _column_name_checks(con, suites: list[Suite]) -> list[CheckResult]:
    """Suites may forbid column names (anything that sounds like a person) in every mart: one
    check per suite over every column of every mart."""
    checks = []
    names = [
        name
        for (name,) in con.execute(
            "select table_name || '.' || column_name from information_schema.columns "
            "where table_schema = 'marts'"
        ).fetchall()
    ]
    for suite in suites:
        if not suite.forbidden_column_names:
            continue
        hits = [
            (name, pattern)
            for name in names
            for pattern in suite.forbidden_column_names
            if re.search(pattern, name.split(".", 1)[1], re.IGNORECASE)
        ]
        problems = {
            "nb": [f"Tabellen {n.split('.')[0]}, kolonnen {n.split('.')[1]}: navnet ligner {p!r}."
                   for n, p in hits],
            "en": [f"Table {n.split('.')[0]}, column {n.split('.')[1]}: the name is like {p!r}."
                   for n, p in hits],
        }  # fmt: skip
        checks.append(
            CheckResult(
                suite=suite.name,
                expectation="forbidden_column_names",
                column=None,
                severity="critical",
                description=suite.forbidden_column_names_description or NO_PERSON_COLUMNS,
                success=not hits,
                observed=f"{len(hits)} of {len(names)} columns"
                + "".join(f"; {name} (like {pattern!r})" for name, pattern in hits[:5]),
                theme=suite.theme,
                checked=len(names),
                failing=len(hits),
                problems=problems if hits else {},
            )
        )
    return checks


ROW_COUNT_TOLERANCE = 0.25


def _row_count_check(settings: Settings, row_counts: dict[str, int]) -> CheckResult:
    """Warn when a batch's row count moved more than the tolerated share since the last
    publication (a sudden drop or jump usually means a source changed shape)."""
    previous = _last_published_counts(settings)
    moved = [
        (name, previous[name], count)
        for name, count in row_counts.items()
        if previous.get(name) and abs(count - previous[name]) / previous[name] > ROW_COUNT_TOLERANCE
    ]
    share = f"{ROW_COUNT_TOLERANCE * 100:.0f}\u00a0%"
    return CheckResult(
        suite="stability",
        expectation="row_count_stability",
        column=None,
        severity="warning",
        description={
            "nb": f"Antall tall bak hver kontroll har ikke endret seg mer enn {share} siden "
            "forrige publisering.",
            "en": f"Row counts moved less than {share} since the last publication.",
        },
        success=not moved,
        observed=(
            "no earlier publication"
            if not previous
            else "; ".join(f"{n}: {b} → {a}" for n, b, a in moved) or "stable"
        ),
        theme="completeness",
        checked=len(row_counts),
        failing=len(moved),
        problems={
            "nb": [f"{n}: {b} rader ved forrige publisering, {a} nå." for n, b, a in moved],
            "en": [f"{n}: {b} rows at the last publication, {a} now." for n, b, a in moved],
        }
        if moved
        else {},
    )


def _last_published_counts(settings: Settings) -> dict[str, int]:
    published = sorted(settings.published_dir.glob("*/quality/quality.json"))
    if not published:
        return {}
    newest = max(published, key=lambda p: p.stat().st_mtime)
    return json.loads(newest.read_text(encoding="utf-8")).get("row_counts", {})


def marts_checksum(con: duckdb.DuckDBPyConnection) -> str:
    """Rows and an order-free hash of every mart: what a verdict was made on."""
    tables = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
    ).fetchall()
    digest = hashlib.sha256()
    for (table,) in tables:
        rows, hashed = con.execute(
            f'select count(*), coalesce(bit_xor(hash(t)), 0) from marts."{table}" as t'
        ).fetchone()
        digest.update(f"{table}:{rows}:{hashed};".encode())
    return digest.hexdigest()


def run_gate(settings: Settings, report_year: int) -> GateResult:
    """Validate every suite against the marts; the result says whether publication may go on."""
    import logging

    import great_expectations as gx  # slow import (several seconds): only when the gate runs
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    suites = load_suites(settings.expectations_dir / "suites")
    with connect(settings.warehouse_path, read_only=True) as con:
        town_count = con.execute("select count(*) from marts.dim_town").fetchone()[0]
        headlines = con.execute(
            "select count(*) from marts.dim_indicator where is_headline"
        ).fetchone()[0]
        parameters = gate_parameters(settings, report_year, town_count, headlines)
        batches = _batches(con, suites, parameters)
        checks: list[CheckResult] = _column_name_checks(con, suites)
        checksum = marts_checksum(con)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("marts")
    for number, batch in enumerate(batches):
        asset = source.add_dataframe_asset(f"batch_{number}")
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        gx_suite = context.suites.add(gx.ExpectationSuite(name=f"{batch.name}#{number}"))
        for position, item in enumerate(batch.expectations):
            config = ExpectationConfiguration(
                type=item["type"],
                kwargs=item.get("kwargs", {}),
                severity=item["severity"],  # GX's own severity (critical, warning)
                meta={"item": position},
            )
            gx_suite.add_expectation(config.to_domain_obj())
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"v{number}", data=batch_definition, suite=gx_suite)
        )
        outcome = validation.run(
            batch_parameters={"dataframe": batch.frame},
            expectation_parameters=parameters,
            result_format="COMPLETE",  # the failing rows' index, to name them
        )
        for result in outcome.results:
            item = batch.expectations[result.expectation_config.meta["item"]]
            checks.append(_check_result(batch, item, result, parameters))
    row_counts = {b.name: len(b.frame) for b in batches if b.suite.scope != "text_columns"}
    checks.append(_row_count_check(settings, row_counts))
    return GateResult(
        report_year=report_year,
        period_start=parameters["period_start"],
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
        checks=checks,
        row_counts=row_counts,
        marts_checksum=checksum,
    )


def _check_result(
    batch: Batch, item: dict[str, Any], result: Any, parameters: dict[str, int]
) -> CheckResult:
    config = result.expectation_config
    details = result.result or {}
    checked, failing = None, 0
    if result.exception_info and result.exception_info.get("raised_exception"):
        observed = f"error: {result.exception_info.get('exception_message')}"
    elif "unexpected_count" in details:
        failing, checked = details["unexpected_count"], details.get("element_count")
        observed = f"{failing} of {checked} rows unexpected"
    else:
        observed = f"observed {details.get('observed_value')}"
    problems = {}
    if not result.success:
        problems = _problems(batch, item, details, config.kwargs, parameters, failing, checked)
        if problems.get("en"):
            observed += ": " + "; ".join(problems["en"][:5])
        elif details.get("partial_unexpected_list"):
            sample = details["partial_unexpected_list"][:5]
            observed += f" (e.g. {', '.join(map(str, sample))})"
    return CheckResult(
        suite=batch.suite.name,
        expectation=config.type,
        column=config.kwargs.get("column"),
        severity=str(getattr(config.severity, "value", config.severity)),
        description=item["description"],
        success=bool(result.success),
        observed=observed,
        theme=item.get("theme", batch.suite.theme),
        checked=checked,
        failing=failing,
        problems=problems,
    )


def _problems(
    batch: Batch,
    item: dict[str, Any],
    details: dict[str, Any],
    kwargs: dict[str, Any],
    parameters: dict[str, int],
    failing: int,
    checked: int | None,
) -> dict[str, list[str]]:
    """The suite's problem template filled in for each failing row (at most EXAMPLES), or once
    with the observed value when the template names no column (a check of a whole table)."""
    templates = item.get("problem")
    if not templates:
        return {}
    common = {
        **parameters,
        **{k: v for k, v in kwargs.items() if not isinstance(v, dict | list)},
        "observed": details.get("observed_value"),
        "failing": failing,
        "checked": checked,
    }
    columns = set(batch.frame.columns)
    rows = [common]
    if any(placeholders(templates[lang]) & columns for lang in LANGUAGES):
        indexes = details.get("unexpected_index_list") or []
        rows = [{**common, **batch.frame.loc[i].to_dict()} for i in indexes[:EXAMPLES]]
    try:
        return {
            lang: list(dict.fromkeys(fill(templates[lang], lang, row) for row in rows))
            for lang in LANGUAGES
        }
    except MessageError as exc:
        raise GateConfigError(
            f"expectations/suites: {batch.suite.name}: a problem names {exc.args[0]!r}, which "
            f"{batch.suite.mart or 'the table'} does not have"
        ) from None


# ---- the verdict, kept in the warehouse


def save_result(settings: Settings, result: GateResult) -> Path:
    """Keep the verdict in the warehouse (inside a run's working copy, so it is committed or
    thrown away with the run), and a readable copy under warehouse/gate/ that is never read."""
    with connect(settings.warehouse_path) as con:
        con.execute(GATE_DDL)
        con.execute("begin")
        con.execute("delete from ops.gate_results where report_year = ?", [result.report_year])
        con.execute(
            "insert into ops.gate_results values (?, ?, ?, ?, ?)",
            [
                result.report_year,
                result.checked_at,
                result.passed,
                result.marts_checksum,
                result.to_json(),
            ],
        )
        con.execute("commit")
    path = settings.warehouse_dir / "gate" / f"{result.report_year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.to_json(), encoding="utf-8")
    return path


def save_report(settings: Settings, result: GateResult) -> Path:
    """A readable page of every check beside the JSON, for runs that do not publish too."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(settings.templates_dir), autoescape=select_autoescape(["html"])
    )
    path = settings.warehouse_dir / "gate" / f"{result.report_year}.html"
    path.write_text(env.get_template("quality_run.html").render(gate=result), encoding="utf-8")
    return path


def load_result(settings: Settings, report_year: int) -> GateResult | None:
    """The year's verdict from the warehouse, if it was made on the marts as they are now (a
    verdict on marts built since does not count); None otherwise."""
    try:
        with connect(settings.warehouse_path, read_only=True) as con:
            row = con.execute(
                "select result, marts_checksum from ops.gate_results where report_year = ?",
                [report_year],
            ).fetchone()
            if row is None or row[1] != marts_checksum(con):
                return None
    except (WarehouseMissing, duckdb.CatalogException, duckdb.IOException):
        return None
    return GateResult.from_json(row[0])
