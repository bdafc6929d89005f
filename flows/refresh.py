"""The Prefect flows `yearly-refresh` and `backfill`: ingest, build, check and publish.

Each run holds the writer lock, works on a copy of the warehouse that replaces the committed one
only when every stage succeeded (`flows.transaction`), and records itself in `ops.runs`.
Progress goes to the `flows.*` loggers, which Prefect forwards to its API (see `flows.runtime`).
"""

from __future__ import annotations

from flows import runtime
from flows.settings import get_settings

runtime.configure(get_settings())  # before Prefect is imported: telemetry off, PREFECT_HOME
runtime.seed_prefect_database(get_settings())

import logging  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from flows import fingerprint, pipeline  # noqa: E402
from flows.errors import BymonitorError  # noqa: E402
from flows.ingest.landing import LoadResult  # noqa: E402
from flows.lock import writer_lock  # noqa: E402
from flows.runlog import RunRecord, recorded_run  # noqa: E402
from flows.settings import Settings  # noqa: E402
from flows.transaction import warehouse_transaction  # noqa: E402
from flows.uptodate import build_state, gate_state, publication_state  # noqa: E402

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ingested:
    """What the ingest stage did, and the report's notice when StatBank was not reachable."""

    files: int
    new_files: int
    rows: int
    rejected: int
    stale_notice: str | None = None

    def describe(self) -> str:
        rejected = f", {self.rejected} rows rejected" if self.rejected else ""
        return (
            f"{self.files} files: {self.new_files} new ({self.rows} rows{rejected}), "
            f"{self.files - self.new_files} already loaded"
        )


def _logged(results: list[LoadResult]) -> list[LoadResult]:
    for result in results:
        log.info(result.describe())
    return results


@task(name="ingest-statbank-files", cache_policy=NO_CACHE)
def ingest_statbank_files_task(settings: Settings) -> list[LoadResult]:
    """The JSON-stat2 files of the input folder."""
    return _logged(pipeline.ingest_statbank(settings, pipeline.sample_statbank_files(settings)))


@task(name="fetch-statbank-live", cache_policy=NO_CACHE)
def fetch_statbank_task(settings: Settings) -> list[LoadResult]:
    """Every catalogue table from the StatBank API (the client retries and throttles)."""
    return _logged(pipeline.ingest_statbank_live(settings, progress=log.info))


@task(name="ingest-survey-and-interviews", cache_policy=NO_CACHE)
def ingest_people_task(settings: Settings) -> list[LoadResult]:
    results = []
    for source in ("survey", "interviews"):
        results.extend(_logged(pipeline.ingest_sample_people(settings, source)))
    return results


def ingest_all(settings: Settings, live: bool, allow_stale: bool) -> Ingested:
    stale = None
    if live:
        try:
            results = fetch_statbank_task(settings)
        except BymonitorError as exc:
            if not allow_stale:
                raise BymonitorError(
                    f"StatBank could not be read: {exc}. Nothing was changed; run again later, "
                    "or with --allow-stale to publish from the responses landed before"
                ) from exc
            landed = pipeline.last_statbank_load(settings)
            if landed is None:
                raise BymonitorError(
                    f"StatBank could not be read ({exc}) and no earlier responses are landed "
                    "to fall back on"
                ) from exc
            log.warning("StatBank could not be read (%s); using the responses of %s", exc, landed)
            stale = landed
            results = []
    else:
        results = ingest_statbank_files_task(settings)
    results = results + ingest_people_task(settings)
    new = [r for r in results if not r.skipped]
    return Ingested(
        files=len(results),
        new_files=len(new),
        rows=sum(r.rows_loaded for r in new),
        rejected=sum(r.rows_rejected for r in new),
        stale_notice=stale,
    )


@task(name="build-marts", cache_policy=NO_CACHE)
def build_task(settings: Settings) -> tuple[str, int | None]:
    """dbt build, skipped when no load and no file of the dbt project changed since the last."""
    current, unchanged = build_state(settings)
    if unchanged:
        summary = "dbt build: inputs and models unchanged since the last build, skipped"
    else:
        fingerprint.record(settings, "build", None)
        runtime.warm_up_in_background()  # the gate's imports, while dbt works in its process
        summary = pipeline.build(settings).describe()
        fingerprint.record(settings, "build", current)
    log.info(summary)
    return summary, pipeline.mart_rows(settings)


@task(name="quality-gate", cache_policy=NO_CACHE)
def check_task(settings: Settings, year: int, force: bool = False) -> tuple[str, int]:
    """The gate, skipped when the marts and suites are those it last passed for the year."""
    stage = f"gate-{year}"
    current, previous, unchanged = gate_state(settings, year)
    if unchanged and not force:
        result = previous
        summary = previous.describe() + " (unchanged since the last check, not run again)"
    else:
        fingerprint.record(settings, stage, None)
        result = pipeline.check(settings, year)
        summary = result.describe()
        fingerprint.record(settings, stage, current)
    log.info(summary)
    return summary, len(result.checks)


@task(name="publish-report", cache_policy=NO_CACHE)
def publish_task(
    settings: Settings, year: int, force: bool = False, stale_since: str | None = None
) -> tuple[str, int]:
    """Publish, skipped when the publication was made from the same checked marts and code.

    `stale_since`: StatBank could not be read; the report says its figures are those landed then.
    """
    current, unchanged = publication_state(settings, year, stale_since)
    target = settings.publication_dir(year)
    if unchanged and not force:
        log.info("the %s report is up to date: %s", year, target / "index.html")
        return str(target / "index.html"), 0
    publication = pipeline.publish_year(
        settings, year, fingerprint=current, stale_since=stale_since
    )
    log.info(publication.describe())
    return str(publication.directory / "index.html"), len(publication.files)


def _ingest_and_build(run: RunRecord, work: Settings, live: bool, allow_stale: bool) -> Ingested:
    with run.stage("ingest") as stage:
        ingested = ingest_all(work, live, allow_stale)
        stage.summary, stage.rows = ingested.describe(), ingested.rows
        if ingested.stale_notice:
            stage.summary += f"; StatBank unreachable, using responses of {ingested.stale_notice}"
    with run.stage("build") as stage:
        stage.summary, stage.rows = build_task(work)
    return ingested


def _check_and_publish(
    run: RunRecord, work: Settings, year: int, force: bool, stale: str | None, label: str = ""
) -> str:
    run.year = year
    with run.stage(f"check{label}") as stage:
        stage.summary, stage.rows = check_task(work, year, force)
        run.gate = stage.summary
    with run.stage(f"publish{label}") as stage:
        report, stage.rows = publish_task(work, year, force, stale)
        stage.summary = report
    return report


@flow(name="yearly-refresh", validate_parameters=True)
def yearly_refresh(year: int | None = None, live: bool = False, allow_stale: bool = False) -> str:
    """Refresh the warehouse and publish the year's report; returns the report's index page.

    `year` defaults to the latest year the data supports. With `live`, StatBank's tables are
    fetched from the API; if that fails after its retries the run stops, unless `allow_stale`,
    in which case the responses landed before are used and the report says so.
    """
    settings = get_settings()
    params = {"year": year, "live": live, "allow_stale": allow_stale}
    with (
        writer_lock(settings.lock_path, settings.lock_wait_s, log.warning) as holder,
        recorded_run(settings, "yearly-refresh", params, holder.stage) as run,
        warehouse_transaction(settings) as work,
    ):
        ingested = _ingest_and_build(run, work, live, allow_stale)
        report_year = year or pipeline.latest_year(work)
        run.report = _check_and_publish(run, work, report_year, False, ingested.stale_notice)
    return run.report


@flow(name="backfill", validate_parameters=True)
def backfill(years: list[int], force: bool = False) -> list[str]:
    """Refresh once, then check and publish each year in order; years already published are
    skipped unless `force`. Stops at the first year whose gate fails."""
    settings = get_settings()
    published = []
    params = {"years": years, "force": force}
    with (
        writer_lock(settings.lock_path, settings.lock_wait_s, log.warning) as holder,
        recorded_run(settings, "backfill", params, holder.stage) as run,
        warehouse_transaction(settings) as work,
    ):
        _ingest_and_build(run, work, live=False, allow_stale=False)
        for year in sorted(years):
            if (settings.publication_dir(year) / "manifest.json").exists() and not force:
                log.info("%s: already published, skipped (--force publishes it again)", year)
                continue
            published.append(_check_and_publish(run, work, year, force, None, f" {year}"))
        run.report = published[-1] if published else None
    return published
