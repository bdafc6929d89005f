"""The Prefect flow `yearly_refresh`: ingest, build, check and publish, one task per stage."""

from __future__ import annotations

from flows import runtime
from flows.settings import get_settings

runtime.configure(get_settings())  # before Prefect is imported: telemetry off, PREFECT_HOME

import json  # noqa: E402

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from flows import fingerprint, pipeline  # noqa: E402
from flows.gate import load_result  # noqa: E402
from flows.lock import writer_lock  # noqa: E402
from flows.runlog import recorded_run  # noqa: E402
from flows.settings import Settings  # noqa: E402


def _say(message: str) -> None:
    print(f"bymonitor: {message}", flush=True)


@task(name="ingest-statbank", cache_policy=NO_CACHE)
def ingest_task(settings: Settings) -> list[str]:
    results = pipeline.ingest_statbank(settings, pipeline.sample_statbank_files(settings))
    lines = [r.describe() for r in results]
    for line in lines:
        _say(line)
    return lines


@task(name="ingest-survey-and-interviews", cache_policy=NO_CACHE)
def ingest_people_task(settings: Settings) -> list[str]:
    lines = []
    for source in ("survey", "interviews"):
        for result in pipeline.ingest_sample_people(settings, source):
            lines.append(result.describe())
            _say(lines[-1])
    return lines


@task(name="build-marts", cache_policy=NO_CACHE)
def build_task(settings: Settings) -> str:
    """dbt build, skipped when no load and no file of the dbt project changed since the last."""
    marker = settings.warehouse_dir / "fingerprints" / "build"
    current = fingerprint.build_fingerprint(settings)
    if fingerprint.recorded(marker) == current:
        summary = "dbt build: inputs and models unchanged since the last build, skipped"
    else:
        marker.unlink(missing_ok=True)
        summary = pipeline.build(settings).describe()
        fingerprint.record(marker, current)
    _say(summary)
    return summary


@task(name="quality-gate", cache_policy=NO_CACHE)
def check_task(settings: Settings, year: int, force: bool = False) -> str:
    """The gate, skipped when the marts and suites are those it last passed for the year."""
    marker = settings.warehouse_dir / "fingerprints" / f"gate-{year}"
    build = fingerprint.recorded(settings.warehouse_dir / "fingerprints" / "build") or ""
    current = fingerprint.gate_fingerprint(settings, build, year)
    previous = load_result(settings, year)
    unchanged = fingerprint.recorded(marker) == current and previous is not None
    if unchanged and previous.passed and not force:
        summary = previous.describe() + " (unchanged since the last check, not run again)"
    else:
        marker.unlink(missing_ok=True)
        summary = pipeline.check(settings, year).describe()
        fingerprint.record(marker, current)
    _say(summary)
    return summary


@task(name="publish-report", cache_policy=NO_CACHE)
def publish_task(settings: Settings, year: int, force: bool = False) -> str:
    """Publish, skipped when the publication was made from the same checked marts and code."""
    gate = fingerprint.recorded(settings.warehouse_dir / "fingerprints" / f"gate-{year}") or ""
    current = fingerprint.publish_fingerprint(settings, gate, settings.lang)
    target = settings.publication_dir(year)
    if gate and _published_fingerprint(target) == current and not force:
        _say(f"the {year} report is up to date: {target / 'index.html'}")
        return str(target / "index.html")
    publication = pipeline.publish_year(settings, year, fingerprint=current)
    _say(publication.describe())
    return str(publication.directory / "index.html")


def _published_fingerprint(target) -> str | None:
    manifest = target / "manifest.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("inputs_fingerprint")


@flow(name="yearly-refresh", validate_parameters=True)
def yearly_refresh(year: int | None = None) -> str:
    """Refresh the warehouse from the embedded inputs and publish the year's report.

    `year` defaults to the latest year the data supports. Returns the report's index page.
    """
    settings = get_settings()
    with (
        writer_lock(settings.lock_path, settings.lock_wait_s, _say),
        recorded_run(settings, year) as run,
    ):
        with run.stage("ingest") as stage:
            lines = ingest_task(settings) + ingest_people_task(settings)
            skipped = sum("already loaded" in line for line in lines)
            stage.summary = (
                f"{len(lines)} files: {len(lines) - skipped} loaded, {skipped} already loaded"
            )
        with run.stage("build") as stage:
            stage.summary = build_task(settings)
        report_year = year or pipeline.latest_year(settings)
        run.year = report_year
        with run.stage("check") as stage:
            stage.summary = check_task(settings, report_year)
        with run.stage("publish") as stage:
            run.report = publish_task(settings, report_year)
            stage.summary = run.report
    return run.report


@flow(name="backfill", validate_parameters=True)
def backfill(years: list[int], force: bool = False) -> list[str]:
    """Refresh once, then check and publish each year in order; years already published are
    skipped unless `force`. Stops at the first year whose gate fails."""
    settings = get_settings()
    published = []
    with (
        writer_lock(settings.lock_path, settings.lock_wait_s, _say),
        recorded_run(settings, None) as run,
    ):
        with run.stage("ingest") as stage:
            lines = ingest_task(settings) + ingest_people_task(settings)
            stage.summary = f"{len(lines)} files"
        with run.stage("build") as stage:
            stage.summary = build_task(settings)
        for year in sorted(years):
            if (settings.publication_dir(year) / "manifest.json").exists() and not force:
                _say(f"{year}: already published, skipped (--force publishes it again)")
                continue
            run.year = year
            with run.stage(f"check {year}") as stage:
                stage.summary = check_task(settings, year, force)
            with run.stage(f"publish {year}") as stage:
                published.append(publish_task(settings, year, force))
                stage.summary = published[-1]
        run.report = published[-1] if published else None
    return published
