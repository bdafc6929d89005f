"""The quality gate: run the Great Expectations suites in expectations/ on the marts.

Marts are read read-only from DuckDB into dataframes and validated with GX's pandas engine.
A failed `critical` expectation blocks publication; a failed `warning` is reported.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
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
    mart: str
    period: bool
    expectations: list[dict[str, Any]]


def load_suites(directory: Path) -> list[Suite]:
    """Read and validate every suite file (*.yml) in the directory."""
    suites = []
    for path in sorted(directory.glob("*.yml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise GateConfigError(f"{path}: not valid YAML ({exc})") from exc
        if not isinstance(document, dict) or "mart" not in document:
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
                mart=document["mart"],
                period=bool(document.get("period", False)),
                expectations=expectations,
            )
        )
    if not suites:
        raise GateConfigError(f"no suites in {directory}")
    return suites


def gate_parameters(settings: Settings, report_year: int, town_count: int) -> dict[str, int]:
    period_start = report_year - settings.history_years
    period_years = report_year - period_start + 1
    return {
        "report_year": report_year,
        "period_start": period_start,
        "period_years": period_years,
        "town_count": town_count,
        "expected_town_years": town_count * period_years,
    }


def run_gate(settings: Settings, report_year: int) -> GateResult:
    """Validate every suite against the marts; the result says whether publication may go on."""
    import logging

    import great_expectations as gx  # slow import (several seconds): only when the gate runs
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    suites = load_suites(settings.expectations_dir / "suites")
    with connect(settings.warehouse_path, read_only=True) as con:
        town_count = con.execute("select count(*) from marts.dim_town").fetchone()[0]
        parameters = gate_parameters(settings, report_year, town_count)
        frames = {}
        for suite in suites:
            query = f"select * from {suite.mart}"
            if suite.period:
                query += f" where year between {parameters['period_start']} and {report_year}"
            frames[suite.name] = con.execute(query).df()

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("marts")
    checks: list[CheckResult] = []
    for suite in suites:
        batch_definition = source.add_dataframe_asset(
            suite.name
        ).add_batch_definition_whole_dataframe("whole")
        gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
        for item in suite.expectations:
            config = ExpectationConfiguration(
                type=item["type"],
                kwargs=item.get("kwargs", {}),
                meta={"severity": item["severity"], "description": item["description"]},
            )
            gx_suite.add_expectation(config.to_domain_obj())
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        outcome = validation.run(
            batch_parameters={"dataframe": frames[suite.name]},
            expectation_parameters=parameters,
        )
        checks.extend(_check_result(suite.name, r) for r in outcome.results)
    return GateResult(
        report_year=report_year,
        period_start=parameters["period_start"],
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
        checks=checks,
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
    path = settings.warehouse_dir / "gate" / f"{result.report_year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.to_json(), encoding="utf-8")
    return path


def load_result(settings: Settings, report_year: int) -> GateResult | None:
    path = settings.warehouse_dir / "gate" / f"{report_year}.json"
    if not path.exists():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))
    body.pop("passed", None)
    body["checks"] = [CheckResult(**c) for c in body["checks"]]
    return GateResult(**body)
