"""The Prefect flows `yearly-refresh` and `backfill`: ingest, build, check and publish.

Each run holds the writer lock, works on a copy of the warehouse that replaces the committed one
only when every stage succeeded (`flows.transaction`), and records itself in `ops.runs`.
Progress goes to the `flows.*` loggers, which Prefect forwards to its API (see `flows.runtime`).
Importing this module changes nothing: the CLI sets the frameworks' environment (`flows.runtime`)
before it imports Prefect, and each flow sets it again for a run started by a Prefect worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import fingerprint, pipeline, runtime
from flows.errors import BymonitorError
from flows.holdpoints import hold_point
from flows.ingest.landing import LoadResult
from flows.ingest.statbank_live import LiveFetch
from flows.lock import writer_lock
from flows.runlog import RunRecord, recorded_run
from flows.settings import Settings, get_settings
from flows.transaction import warehouse_transaction
from flows.uptodate import build_state, gate_state, publication_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ingested:
    """What the ingest stage did, and the report's notice when StatBank was not reachable."""

    files: int
    new_files: int
    rows: int
    rejected: int
    # StatBank tables that could not be fetched: when their figures were landed before (None:
    # never, their indicators are missing); the report names them on every page
    stale: dict[str, str | None] = field(default_factory=dict)

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
def fetch_statbank_task(settings: Settings) -> LiveFetch:
    """Every catalogue table from the StatBank API (the client retries and throttles).

    First the metadata check (`bymonitor statbank check`): a catalogue that no longer matches
    StatBank's tables stops the run with the check's sentences. Then each table on its own.
    """
    with pipeline.statbank_client(settings) as client:
        plans = pipeline.check_statbank(settings, client=client)
        mismatched = [p for p in plans if p.problems]
        if mismatched:
            raise BymonitorError(
                "the StatBank catalogue no longer matches StatBank's tables (`bymonitor statbank "
                "check` lists the same): "
                + " ".join(problem + "." for p in mismatched for problem in p.problems)
                + " Change data/catalogue/statbank_tables.yml and run again; nothing was changed"
            )
        fetched = pipeline.ingest_statbank_live(
            settings, client=client, plans=plans, progress=log.info
        )
    _logged(fetched.loads)
    return fetched


@task(name="ingest-survey-and-interviews", cache_policy=NO_CACHE)
def ingest_people_task(settings: Settings, live: bool = False) -> list[LoadResult]:
    """The sample run reads the embedded (invented) survey, interviews and action programme
    registers; a live run reads the county's files from BYMONITOR_INPUT_DIR, never the sample."""
    results = []
    for source in pipeline.PEOPLE_SOURCES:
        if live:
            results.extend(_logged(pipeline.ingest_input_people(settings, source)))
        else:
            results.extend(_logged(pipeline.ingest_sample_people(settings, source)))
    if live:
        results.extend(_logged(pipeline.ingest_input_measures(settings)))
    else:
        results.extend(_logged(pipeline.ingest_sample_measures(settings)))
    if live and settings.input_dir is None:
        log.warning(
            "no BYMONITOR_INPUT_DIR: no new survey or interviews; the report shows the latest "
            "wave loaded before, and says which wave that is"
        )
    return results


def _fall_back(settings: Settings, fetched: LiveFetch, allow_stale: bool) -> dict[str, str | None]:
    """Tables that could not be fetched fall back on their last landed answer, if any.

    When no table at all could be fetched StatBank is unreachable: the run stops unless
    `allow_stale`. One failed table among others is that table's matter: the report names it
    and the gate decides whether what is left can be published.
    """
    failed = fetched.failed
    if not failed:
        return {}
    landed = pipeline.statbank_landed(settings, [t.table_id for t in failed])
    first = failed[0].error
    if len(failed) == len(fetched.tables):
        if not allow_stale:
            raise BymonitorError(
                f"StatBank could not be read: {first}. Nothing was changed; run again later, "
                "or with --allow-stale to publish from the responses landed before"
            )
        if not any(landed.values()):
            raise BymonitorError(
                f"StatBank could not be read ({first}) and no earlier responses are landed "
                "to fall back on"
            )
        since = ", ".join(sorted({d for d in landed.values() if d}))
        log.warning("StatBank could not be read (%s); using the responses landed %s", first, since)
        return landed
    for table in failed:
        since = landed[table.table_id]
        fallback = f"using its answer landed on {since}" if since else "no earlier answer: "
        fallback += "" if since else "its indicators will be missing"
        log.warning("table %s could not be fetched (%s); %s", table.table_id, table.error, fallback)
    return landed


def ingest_all(settings: Settings, live: bool, allow_stale: bool) -> Ingested:
    stale: dict[str, str | None] = {}
    if live:
        fetched = fetch_statbank_task(settings)
        stale = _fall_back(settings, fetched, allow_stale)
        results = fetched.loads
    else:
        results = ingest_statbank_files_task(settings)
    results = results + ingest_people_task(settings, live)
    new = [r for r in results if not r.skipped]
    return Ingested(
        files=len(results),
        new_files=len(new),
        rows=sum(r.rows_loaded for r in new),
        rejected=sum(r.rows_rejected for r in new),
        stale=stale,
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
    settings: Settings, year: int, force: bool = False, stale: dict[str, str | None] | None = None
) -> tuple[str, int]:
    """Publish, skipped when the publication was made from the same checked marts and code.

    `stale`: tables StatBank could not deliver, with the date their figures were landed (None:
    never); the report says so on every page.
    """
    current, unchanged = publication_state(settings, year, stale)
    target = settings.publication_dir(year)
    if unchanged and not force:
        log.info("the %s report is up to date: %s", year, target / "index.html")
        return str(target / "index.html"), 0
    publication = pipeline.publish_year(settings, year, fingerprint=current, stale=stale)
    log.info(publication.describe())
    return str(publication.directory / "index.html"), len(publication.files)


def _ingest_and_build(run: RunRecord, work: Settings, live: bool, allow_stale: bool) -> Ingested:
    with run.stage("ingest") as stage:
        ingested = ingest_all(work, live, allow_stale)
        stage.summary, stage.rows = ingested.describe(), ingested.rows
        if ingested.stale:
            tables = ", ".join(f"{t} ({d or 'missing'})" for t, d in ingested.stale.items())
            stage.summary += f"; not fetched from StatBank: {tables}"
        hold_point(work, "ingest")
    with run.stage("build") as stage:
        stage.summary, stage.rows = build_task(work)
        hold_point(work, "build")
    return ingested


def _check_and_publish(
    run: RunRecord,
    work: Settings,
    year: int,
    force: bool,
    stale: dict[str, str | None] | None,
    label: str = "",
) -> str:
    run.year = year
    with run.stage(f"check{label}") as stage:
        stage.summary, stage.rows = check_task(work, year, force)
        run.gate = stage.summary
        hold_point(work, "check")
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
    runtime.configure(settings)  # a worker's run: telemetry off before dbt and GX start
    params = {"year": year, "live": live, "allow_stale": allow_stale}
    with (
        writer_lock(settings.lock_path, settings.lock_wait_s, log.warning) as holder,
        recorded_run(settings, "yearly-refresh", params, holder.stage) as run,
        warehouse_transaction(settings) as work,
    ):
        ingested = _ingest_and_build(run, work, live, allow_stale)
        report_year = year or pipeline.latest_year(work)
        run.report = _check_and_publish(run, work, report_year, False, ingested.stale)
    return run.report


@flow(name="backfill", validate_parameters=True)
def backfill(years: list[int], force: bool = False) -> list[str]:
    """Refresh once, then check and publish each year in order; years already published are
    skipped unless `force`. Stops at the first year whose gate fails."""
    settings = get_settings()
    runtime.configure(settings)
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
