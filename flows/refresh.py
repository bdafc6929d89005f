"""The Prefect flow `yearly_refresh`: ingest, build, check and publish, one task per stage."""

from __future__ import annotations

from flows import runtime
from flows.settings import get_settings

runtime.configure(get_settings())  # before Prefect is imported: telemetry off, PREFECT_HOME

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from flows import pipeline  # noqa: E402
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
    summary = pipeline.build(settings).describe()
    _say(summary)
    return summary


@task(name="quality-gate", cache_policy=NO_CACHE)
def check_task(settings: Settings, year: int) -> str:
    summary = pipeline.check(settings, year).describe()
    _say(summary)
    return summary


@task(name="publish-report", cache_policy=NO_CACHE)
def publish_task(settings: Settings, year: int) -> str:
    publication = pipeline.publish_year(settings, year)
    _say(publication.describe())
    return str(publication.directory / "index.html")


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
                stage.summary = check_task(settings, year)
            with run.stage(f"publish {year}") as stage:
                published.append(publish_task(settings, year))
                stage.summary = published[-1]
        run.report = published[-1] if published else None
    return published
