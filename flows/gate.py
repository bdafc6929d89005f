"""The quality gate: run the Great Expectations suites in expectations/ on the marts.

Marts are read read-only from DuckDB into dataframes and validated with GX's pandas engine.
A failed `critical` expectation blocks publication; a failed `warning` is reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from flows.errors import BymonitorError
from flows.settings import Settings
from flows.warehouse import connect

SEVERITIES = ("critical", "warning")


class GateConfigError(BymonitorError, ValueError):
    """A suite file in expectations/ is malformed."""


class GateFailed(BymonitorError):
    """Critical checks failed: the report must not be published."""

    def __init__(self, result: GateResult) -> None:
        names = "; ".join(f"{c.suite}: {c.description['en']}" for c in result.critical_failures)
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
    description: dict[str, str]  # by language: {"nb": ..., "en": ...}
    success: bool
    observed: str


@dataclass(frozen=True)
class GateResult:
    report_year: int
    period_start: int
    checked_at: str
    checks: list[CheckResult]
    row_counts: dict[str, int] = field(default_factory=dict)

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


@dataclass(frozen=True)
class Suite:
    name: str
    mart: str | None  # schema.table; None with scope text_columns (every mart)
    period: bool
    expectations: list[dict[str, Any]]
    period_column: str = "year"
    where: str | None = None  # a condition with {parameter} placeholders
    scope: str = "table"  # or "text_columns": each expectation for every text column of every mart
    forbidden_column_names: list[str] = field(default_factory=list)


def load_suites(directory: Path) -> list[Suite]:
    """Read and validate every suite file (*.yml) in the directory."""
    suites = []
    for path in sorted(directory.glob("*.yml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise GateConfigError(f"{path}: not valid YAML ({exc})") from exc
        if not isinstance(document, dict) or (
            "mart" not in document and document.get("scope") != "text_columns"
        ):
            raise GateConfigError(f"{path}: needs at least `mart` and `expectations`")
        expectations = document.get("expectations") or []
        for number, item in enumerate(expectations, start=1):
            if item.get("severity") not in SEVERITIES:
                raise GateConfigError(
                    f"{path}: expectation {number} needs severity critical or warning"
                )
            if not item.get("type") or not isinstance(item.get("kwargs", {}), dict):
                raise GateConfigError(f"{path}: expectation {number} needs a type and kwargs")
            description = item.get("description")
            if not isinstance(description, dict) or not {"nb", "en"} <= set(description):
                raise GateConfigError(
                    f"{path}: expectation {number} needs a description in nb and en"
                )
        suites.append(
            Suite(
                name=document.get("name", path.stem),
                mart=document.get("mart"),
                period=bool(document.get("period", False)),
                expectations=expectations,
                period_column=document.get("period_column", "year"),
                where=document.get("where"),
                scope=document.get("scope", "table"),
                forbidden_column_names=list(document.get("forbidden_column_names") or []),
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
    """One dataframe to validate and the expectations (GX configurations) to run on it."""

    suite: str
    name: str
    frame: Any
    expectations: list[dict[str, Any]]


def _batches(con, suites: list[Suite], parameters: dict[str, int]) -> list[Batch]:
    batches = []
    for suite in suites:
        if suite.scope == "text_columns":
            for table, columns in _mart_text_columns(con).items():
                items = [
                    {**item, "kwargs": {**item.get("kwargs", {}), "column": column},
                     "description": {k: f"{v} ({table}.{column})"
                                     for k, v in item["description"].items()}}
                    for column in columns
                    for item in suite.expectations
                ]  # fmt: skip
                frame = con.execute(f"select * from {table}").df()
                batches.append(Batch(suite.name, f"{suite.name}:{table}", frame, items))
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
        batches.append(Batch(suite.name, suite.name, con.execute(query).df(), suite.expectations))
    return batches


def _mart_text_columns(con) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_schema || '.' || table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type in ('VARCHAR', 'JSON') "
        "order by table_name, ordinal_position"
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def _column_name_checks(con, suites: list[Suite]) -> list[CheckResult]:
    """Suites may forbid column names (e.g. anything that sounds like a person) in every mart."""
    checks = []
    names = con.execute(
        "select table_name || '.' || column_name from information_schema.columns "
        "where table_schema = 'marts'"
    ).fetchall()
    for suite in suites:
        for pattern in suite.forbidden_column_names:
            hits = [n for (n,) in names if re.search(pattern, n.split(".", 1)[1], re.IGNORECASE)]
            checks.append(
                CheckResult(
                    suite=suite.name,
                    expectation="forbidden_column_name",
                    column=None,
                    severity="critical",
                    description={
                        "nb": f"Ingen kolonne i noen mart har et navn som ligner {pattern!r}.",
                        "en": f"No column in any mart has a name like {pattern!r}.",
                    },
                    success=not hits,
                    observed=f"{len(hits)} column(s)"
                    + (f": {', '.join(hits[:5])}" if hits else ""),
                )
            )
    return checks


def _row_count_check(settings: Settings, row_counts: dict[str, int]) -> CheckResult:
    """Warn when a batch's row count moved more than the tolerated share since the last
    publication (a sudden drop or jump usually means a source changed shape)."""
    previous = _last_published_counts(settings)
    moved = []
    for name, count in row_counts.items():
        before = previous.get(name)
        if before and abs(count - before) / before > ROW_COUNT_TOLERANCE:
            moved.append(f"{name}: {before} → {count}")
    share = f"{ROW_COUNT_TOLERANCE:.0%}"
    return CheckResult(
        suite="stability",
        expectation="row_count_stability",
        column=None,
        severity="warning",
        description={
            "nb": f"Antall rader har ikke endret seg mer enn {share} siden forrige publisering.",
            "en": f"Row counts moved less than {share} since the last publication.",
        },
        success=not moved,
        observed=("no earlier publication" if not previous else "; ".join(moved) or "stable"),
    )


ROW_COUNT_TOLERANCE = 0.25


def _last_published_counts(settings: Settings) -> dict[str, int]:
    published = sorted(settings.published_dir.glob("*/quality/quality.json"))
    if not published:
        return {}
    newest = max(published, key=lambda p: p.stat().st_mtime)
    return json.loads(newest.read_text(encoding="utf-8")).get("row_counts", {})


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

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("marts")
    for number, batch in enumerate(batches):
        asset = source.add_dataframe_asset(f"batch_{number}")
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        gx_suite = context.suites.add(gx.ExpectationSuite(name=f"{batch.name}#{number}"))
        for item in batch.expectations:
            config = ExpectationConfiguration(
                type=item["type"],
                kwargs=item.get("kwargs", {}),
                meta={"severity": item["severity"], "description": item["description"]},
            )
            gx_suite.add_expectation(config.to_domain_obj())
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"v{number}", data=batch_definition, suite=gx_suite)
        )
        outcome = validation.run(
            batch_parameters={"dataframe": batch.frame}, expectation_parameters=parameters
        )
        checks.extend(_check_result(batch.suite, r) for r in outcome.results)
    row_counts = {b.name: len(b.frame) for b in batches if b.suite != "privacy"}
    checks.append(_row_count_check(settings, row_counts))
    return GateResult(
        report_year=report_year,
        period_start=parameters["period_start"],
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
        checks=checks,
        row_counts=row_counts,
    )


def _check_result(suite: str, result: Any) -> CheckResult:
    config = result.expectation_config
    details = result.result or {}
    if result.exception_info and result.exception_info.get("raised_exception"):
        observed = f"error: {result.exception_info.get('exception_message')}"
    elif "unexpected_count" in details:
        sample = details.get("partial_unexpected_list") or []
        observed = (
            f"{details['unexpected_count']} of {details.get('element_count')} rows unexpected"
        )
        if sample:
            observed += f" (e.g. {', '.join(map(str, sample[:5]))})"
    else:
        observed = f"observed {details.get('observed_value')}"
    return CheckResult(
        suite=suite,
        expectation=config.type,
        column=config.kwargs.get("column"),
        severity=config.meta.get("severity", "critical"),
        description=config.meta.get("description") or {"nb": config.type, "en": config.type},
        success=bool(result.success),
        observed=observed,
    )


def save_result(settings: Settings, result: GateResult) -> Path:
    """Keep the gate's verdict beside the warehouse for `publish` and `status`."""
    path = settings.warehouse_dir / "gate" / f"{result.report_year}.json"  # the run's quality.json
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
    path = settings.warehouse_dir / "gate" / f"{report_year}.json"
    if not path.exists():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))
    body.pop("passed", None)
    body["checks"] = [CheckResult(**c) for c in body["checks"]]
    return GateResult(**body)
