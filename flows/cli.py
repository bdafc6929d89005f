"""The `bymonitor` command line."""

from __future__ import annotations

import errno
import logging
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows import __version__, runtime, signals, temporary_server
from flows.errors import BymonitorError
from flows.settings import get_settings
from flows.signals import interruption
from flows.terminal import plain, safe

app = typer.Typer(
    help="bymonitor: the yearly monitoring of Nordland's ten towns. "
    "Ingest statistics into DuckDB, build the marts with dbt, check them with Great "
    "Expectations and publish the report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ingest_app = typer.Typer(
    help="Load input files into the warehouse's raw layer.", no_args_is_help=True
)
app.add_typer(ingest_app, name="ingest")
statbank_app = typer.Typer(
    help="Statistics Norway's StatBank API: check the catalogue against it.", no_args_is_help=True
)
app.add_typer(statbank_app, name="statbank")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

YearOption = Annotated[
    int | None, typer.Option("--year", help="Report year (default: the latest year in the data).")
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {safe(message)}", highlight=False)
    return typer.Exit(code=code)


def _save_traceback() -> Path | None:
    """Keep the traceback of an unexpected error in warehouse/logs/last-error.txt, if possible."""
    import traceback

    try:
        path = get_settings().warehouse_dir / "logs" / "last-error.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(traceback.format_exc(), encoding="utf-8")
    except (OSError, BymonitorError):  # a home that cannot be written: the sentence must do
        return None
    return path


def _settings(writes: bool = True):
    """The settings, once BYMONITOR_HOME is known to be usable (readable; writable for a command
    that writes), with the frameworks' environment set."""
    settings = get_settings()
    _check_home(settings.home, settings.warehouse_dir, writes)
    runtime.configure(settings)
    return settings


def _check_home(home: Path, warehouse_dir: Path, writes: bool) -> None:
    """One sentence, instead of a traceback later, for a home bymonitor cannot use."""
    import os
    import tempfile

    advice = "give this user access to it, or set BYMONITOR_HOME to another folder"
    try:
        if home.exists() and not home.is_dir():
            raise BymonitorError(f"BYMONITOR_HOME {home} is not a folder; {advice}")
        if home.exists():
            os.listdir(home)
        if warehouse_dir.exists():
            os.listdir(warehouse_dir)
    except OSError as exc:
        raise BymonitorError(
            f"BYMONITOR_HOME {home} cannot be read ({exc.strerror}: {exc.filename}); {advice}"
        ) from None
    if not writes:
        return
    try:
        warehouse_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=warehouse_dir):
            pass
    except OSError as exc:
        raise BymonitorError(
            f"BYMONITOR_HOME {home} cannot be written ({exc.strerror}: {warehouse_dir}); {advice}"
        ) from None


@contextmanager
def _writing(settings, warehouse: bool = True):
    """For commands that write: hold the writer lock and, if they write to the warehouse, work on
    a copy of it that replaces it only if the command succeeds. Yields the settings to use."""
    from flows.lock import writer_lock
    from flows.transaction import warehouse_transaction

    with writer_lock(settings.lock_path, settings.lock_wait_s, logging.getLogger("flows").warning):
        if not warehouse:
            yield settings
            return
        with warehouse_transaction(settings) as work:
            yield work


class _ProgressHandler(logging.Handler):
    """The `flows.*` log lines on stderr: progress of long stages, warnings in colour."""

    def emit(self, record: logging.LogRecord) -> None:
        style = {logging.WARNING: "yellow", logging.ERROR: "red"}.get(record.levelno)
        text = safe(record.getMessage())
        err.print(f"[{style}]{text}[/]" if style else text, highlight=False)


def _configure_logging(verbose: bool) -> None:
    logger = logging.getLogger("flows")
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    if not any(isinstance(h, _ProgressHandler) for h in logger.handlers):
        logger.addHandler(_ProgressHandler())


NO_ACCESS = {errno.EACCES, errno.EPERM, errno.EROFS}


def _guard(func):
    """Turn expected errors into one sentence and exit code 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BymonitorError as exc:
            raise _fail(str(exc)) from None
        except KeyboardInterrupt as exc:  # SIGTERM or SIGINT: everything has unwound by now
            stopped_by = interruption(exc) or signal.SIGINT
            raise _fail(
                f"interrupted by {stopped_by.name}: stopped cleanly, nothing was changed",
                code=128 + stopped_by.value,
            ) from None
        except Exception as exc:  # unexpected: one sentence here, the traceback in a file
            if isinstance(exc, OSError) and exc.errno in NO_ACCESS:
                raise _fail(
                    f"no access to {exc.filename or 'a file'} ({exc.strerror}): check the "
                    "permissions of BYMONITOR_HOME and of the files given"
                ) from None
            trace = _save_traceback()
            where = f"traceback in {trace}" if trace else "the home is not writable: no traceback"
            raise _fail(f"unexpected {type(exc).__name__}: {exc} ({where})") from None

    return wrapper


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show Prefect's and the libraries' log lines.")
    ] = False,
) -> None:
    signals.install()
    _configure_logging(verbose)
    if verbose:
        import os

        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    if version:
        out.print(f"bymonitor {__version__}")
        raise typer.Exit()


def parse_years(text: str) -> list[int]:
    """'2019-2024' or '2019,2021,2024' → the years, in order."""
    years: set[int] = set()
    for part in text.split(","):
        bounds = part.strip().split("-")
        if not all(b.strip().isdigit() and len(b.strip()) == 4 for b in bounds) or len(bounds) > 2:
            raise BymonitorError(f"--years {text!r}: use 2019-2024 or 2019,2021,2024")
        first, last = int(bounds[0]), int(bounds[-1])
        if first > last:
            raise BymonitorError(f"--years {text!r}: {first} comes after {last}")
        years.update(range(first, last + 1))
    return sorted(years)


@app.command()
@_guard
def run(
    year: YearOption = None,
    years: Annotated[
        str | None,
        typer.Option("--years", help="Backfill: publish each of these years (2019-2024)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --years: publish years already published.")
    ] = False,
    live: Annotated[
        bool, typer.Option("--live", help="Fetch the statistics from the StatBank API.")
    ] = False,
    allow_stale: Annotated[
        bool,
        typer.Option(
            "--allow-stale",
            help="With --live: if StatBank cannot be read, publish from the responses landed "
            "before (the report says so).",
        ),
    ] = False,
) -> None:
    """Run the whole yearly refresh (ingest, build, check, publish) as a Prefect flow; with
    --years, publish each year in order from the same warehouse. A run that fails changes
    nothing but the run history."""
    if year and years:
        raise BymonitorError("give --year or --years, not both")
    if allow_stale and not live:
        raise BymonitorError("--allow-stale only makes sense with --live")
    if live and years:
        raise BymonitorError("--live refreshes the latest year; backfill with --years separately")
    wanted = parse_years(years) if years else None
    settings = _settings()
    runtime.seed_prefect_database(settings)
    out.print(f"bymonitor: refresh in {safe(settings.home)} (starting Prefect)…", highlight=False)
    if wanted:
        server = temporary_server.start()  # starts while the flows are imported
        from flows.refresh import backfill

        _wait_for(server, settings)
        with _summary_after(settings):
            reports = backfill(years=wanted, force=force)
        for report in reports:
            out.print(f"[bold green]report:[/] {safe(report)}", highlight=False)
        return
    if not live and _report_is_up_to_date(settings, year):
        return
    server = temporary_server.start()
    from flows.refresh import yearly_refresh

    _wait_for(server, settings)
    with _summary_after(settings):
        report = yearly_refresh(year=year, live=live, allow_stale=allow_stale)
    out.print(f"[bold green]report:[/] {safe(report)}", highlight=False)


def _wait_for(server: temporary_server.TemporaryServer | None, settings) -> None:
    if server is not None:
        server.wait_until_ready(settings.prefect_startup_timeout_s)


def _report_is_up_to_date(settings, year: int | None) -> bool:
    """Nothing a refresh reads has changed since the published report was made: record a run
    whose stages are all skipped, say so, and leave Prefect unstarted."""
    from flows.runlog import recorded_run
    from flows.uptodate import up_to_date

    with _writing(settings, warehouse=False):
        report = up_to_date(settings, year)
        if report is None:
            return False
        parameters = {"year": year, "live": False, "allow_stale": False}
        with recorded_run(settings, "yearly-refresh", parameters) as run:
            run.year = int(Path(report).parent.name)
            for name in ("ingest", "build", "check", "publish"):
                with run.stage(name) as stage:
                    stage.summary = "nothing changed since the last run: skipped"
            run.report = report
    out.print("bymonitor: inputs, models, suites and templates are unchanged since the report "
              "was made: it is up to date (Prefect not started)", highlight=False)  # fmt: skip
    _print_run_summary(settings)
    out.print(f"[bold green]report:[/] {safe(report)}", highlight=False)
    return True


@contextmanager
def _summary_after(settings):
    """The run's stage table after it, failed or not; an interrupted run ends with one line."""
    try:
        yield
    except KeyboardInterrupt:
        raise
    except BaseException:
        _print_run_summary(settings)
        raise
    _print_run_summary(settings)


def _print_run_summary(settings) -> None:
    """The last run's stages as a table: what ran, how long it took, what it did."""
    from flows.runlog import last_run

    run = last_run(settings)
    if not run:
        return
    table = Table(
        title=safe(f"run {run['run_id']} {run['status']} (year {run.get('year') or '?'})")
    )
    for column in ("stage", "result", "seconds", "rows", "what happened"):
        table.add_column(column)
    for stage in run.get("stages", []):
        rows = "" if stage["rows"] is None else f"{stage['rows']:,}"
        table.add_row(
            safe(stage["name"]),
            safe(stage["status"]),
            f"{stage['seconds']:.1f}",
            rows,
            safe(stage["summary"]),
        )
    out.print(table)


@app.command()
@_guard
def serve() -> None:
    """Serve the yearly refresh on its schedule (15 March, 06:00 Europe/Oslo) from this process,
    for a single county server; stop with Ctrl-C."""
    settings = _settings()
    runtime.seed_prefect_database(settings)
    from prefect import serve as prefect_serve

    from flows.schedule import CRON, TIMEZONE, deployment

    out.print(
        f"bymonitor: serving the yearly refresh ({CRON}, {TIMEZONE}) for {safe(settings.home)}",
        highlight=False,
    )
    prefect_serve(deployment())


@ingest_app.command("statbank")
@_guard
def ingest_statbank(
    files: Annotated[
        list[Path] | None, typer.Argument(help="JSON-stat2 files (StatBank responses).")
    ] = None,
    table: Annotated[
        str | None, typer.Option("--table", help="Table id, when a file's label lacks it.")
    ] = None,
    live: Annotated[
        bool, typer.Option("--live", help="Fetch from the StatBank API instead of files.")
    ] = False,
    tables: Annotated[
        str | None,
        typer.Option("--tables", help="With --live: comma-separated table ids (default: all)."),
    ] = None,
) -> None:
    """Load StatBank JSON-stat2 files into raw.statbank_cells (a file loaded before is skipped),
    or with --live fetch the catalogue's tables from the API, keep each answer and load it."""

    settings = _settings()
    with _writing(settings) as settings:
        failed = _ingest_statbank(settings, files, table, live, tables)
    if failed:  # the tables that were fetched are committed; the command still fails
        raise BymonitorError(
            f"{len(failed)} table(s) could not be fetched: {', '.join(failed)} "
            "(see the table above)"
        )


def _ingest_statbank(settings, files, table, live, tables) -> list[str]:
    """Load files or fetch live; the ids of tables that could not be fetched."""
    from flows import pipeline

    if not live:
        if not files:
            raise BymonitorError("give JSON-stat2 files to load, or --live")
        for result in pipeline.ingest_statbank(settings, files, table):
            out.print(safe(result.describe()), highlight=False)
        return []
    if files:
        raise BymonitorError("give either files or --live, not both")
    wanted = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
    fetched = pipeline.ingest_statbank_live(
        settings, wanted, progress=lambda m: err.print(safe(m), highlight=False)
    )
    for result in fetched.loads:
        out.print(safe(result.describe()), highlight=False)
    summary = Table(title="StatBank tables")
    for column in ("table", "outcome", "detail"):
        summary.add_column(column, overflow="fold")
    for table_id, outcome, detail in fetched.summary_rows():
        style = "green" if outcome == "ok" else "red"
        summary.add_row(safe(table_id), f"[{style}]{safe(outcome)}[/]", safe(detail))
    out.print(summary)
    return [t.table_id for t in fetched.failed]


@statbank_app.command("check")
@_guard
def statbank_check(
    tables: Annotated[
        str | None,
        typer.Option("--tables", help="Comma-separated table ids (default: the whole catalogue)."),
    ] = None,
) -> None:
    """Check the catalogue against StatBank's metadata (a few requests per table, no data):
    codelists, codes, periods, and the cells the yearly fetch will ask for. Exit 1 on a problem.
    Run it in January, before the yearly refresh in March."""
    from flows import pipeline

    settings = _settings()
    wanted = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
    plans = pipeline.check_statbank(settings, wanted)
    table = Table(title=f"StatBank tables against {settings.statbank_url}")
    for column in ("table", "status", "codelists", "periods", "cells", "problem"):
        table.add_column(column, overflow="fold")
    for plan in plans:
        periods = f"{plan.first_period}–{plan.last_period}" if plan.first_period else "–"
        status = "[green]ok[/]" if plan.ok else "[red]problem[/]"
        problems = plan.problems or ([plan.error] if plan.error else [])
        table.add_row(
            safe(plan.table_id),
            status,
            safe(", ".join(plan.codelists) or "–"),
            safe(periods),
            f"{plan.cells:,}".replace(",", " ") if plan.ok else "–",
            "\n".join(safe(line) for line in [*problems, *plan.notes]),
        )
    out.print(table)
    for plan in plans:  # each problem whole, on its own line, to copy from
        for problem in plan.problems or ([plan.error] if plan.error else []):
            out.print(f"- {plain(problem)}", highlight=False, markup=False)
    bad = [p.table_id for p in plans if not p.ok]
    if bad:
        raise BymonitorError(
            f"{len(bad)} of {len(plans)} tables do not match StatBank: {', '.join(bad)}; change "
            "data/catalogue/statbank_tables.yml as the table above says"
        )
    err.print(f"all {len(plans)} tables match StatBank's metadata", highlight=False)


WaveOption = Annotated[int, typer.Option("--wave", help="The survey year the files belong to.")]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="XLSX: the sheet to read (default: the sheet the workbook opens on; a hidden sheet "
        "is never read).",
    ),
]


def _report_people(results) -> None:
    for result in results:
        out.print(safe(result.describe()), highlight=False)
    rejected = sum(r.rows_rejected for r in results)
    if rejected:
        err.print(
            f"{rejected} row(s) rejected: see raw._rejects (file, row, column, reason)",
            highlight=False,
        )


@ingest_app.command("survey")
@_guard
def ingest_survey(
    files: Annotated[list[Path], typer.Argument(help="Survey files (CSV or XLSX).")],
    wave: WaveOption,
    sheet: SheetOption = None,
) -> None:
    """Load survey files of one wave: values checked against the codebook, respondent ids
    pseudonymised, bad rows kept in raw._rejects with their reason."""
    from flows import pipeline

    settings = _settings()
    with _writing(settings) as settings:
        _report_people(pipeline.ingest_survey(settings, files, wave, sheet))


@ingest_app.command("interviews")
@_guard
def ingest_interviews(
    files: Annotated[list[Path], typer.Argument(help="Interview logs (CSV or XLSX).")],
    wave: WaveOption,
    sheet: SheetOption = None,
) -> None:
    """Load interview metadata of one wave: identities pseudonymised, interviews without
    consent rejected, free text never read."""
    from flows import pipeline

    settings = _settings()
    with _writing(settings) as settings:
        _report_people(pipeline.ingest_interviews(settings, files, wave, sheet))


@ingest_app.command("measures")
@_guard
def ingest_measures(
    files: Annotated[list[Path], typer.Argument(help="Register files (CSV or XLSX).")],
    year: Annotated[
        int, typer.Option("--year", help="The year of the register (one file a year).")
    ],
    sheet: SheetOption = None,
) -> None:
    """Load the action programme register of one year: values checked against
    data/catalogue/measures_codebook.yml, bad rows kept in raw._rejects with their reason."""
    from flows import pipeline

    settings = _settings()
    with _writing(settings) as settings:
        _report_people(pipeline.ingest_measures(settings, files, year, sheet))


@ingest_app.command("sample")
@_guard
def ingest_sample() -> None:
    """Load the embedded sample inputs (what `run` ingests)."""
    from flows import pipeline

    settings = _settings()
    with _writing(settings) as settings:
        files = pipeline.sample_statbank_files(settings)
        for result in pipeline.ingest_statbank(settings, files):
            out.print(safe(result.describe()), highlight=False)
        for source in ("survey", "interviews"):
            _report_people(pipeline.ingest_sample_people(settings, source))
        _report_people(pipeline.ingest_sample_measures(settings))


@app.command()
@_guard
def build() -> None:
    """Build the marts with dbt (`dbt build`: seeds, models and their tests)."""
    from flows import pipeline

    settings = _settings()
    with _writing(settings) as settings:
        out.print(safe(pipeline.build(settings).describe()), highlight=False)


@app.command()
@_guard
def check(year: YearOption = None) -> None:
    """Run the quality gate on the marts; exit 1 if a critical check fails. Refused while a
    load is not in the marts yet (run `bymonitor build` first)."""
    from flows import pipeline
    from flows.freshness import refuse_unbuilt

    settings = _settings()
    with _writing(settings, warehouse=False):
        report_year = year or pipeline.latest_year(settings)
        refuse_unbuilt(settings, "check")
        try:
            result = pipeline.check(settings, report_year)
        except pipeline.GateFailed as exc:
            _print_checks(exc.result)
            raise
    _print_checks(result)
    out.print(safe(result.describe()), highlight=False)


def _print_checks(result) -> None:
    table = Table(title=f"quality gate for {result.report_year}")
    for column in ("suite", "check", "severity", "result", "unexpected / observed"):
        table.add_column(column)
    for c in result.checks:
        verdict = "[green]passed[/]" if c.success else "[red]FAILED[/]"
        table.add_row(
            safe(c.suite), safe(c.description["en"]), safe(c.severity), verdict, safe(c.observed)
        )
    out.print(table)


@app.command()
@_guard
def publish(
    year: YearOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help="nb (default) or en.")] = None,
) -> None:
    """Render and publish the report of a year whose gate passed. Refused while a load is not in
    the marts yet (run `bymonitor build` first)."""
    from flows import pipeline
    from flows.freshness import refuse_unbuilt

    settings = _settings()
    if lang not in (None, "nb", "en"):
        raise BymonitorError(f"unknown language {lang!r}: use nb or en")
    with _writing(settings, warehouse=False):
        report_year = year or pipeline.latest_year(settings)
        refuse_unbuilt(settings, "publish")
        publication = pipeline.publish_year(settings, report_year, lang)
    out.print(safe(publication.describe()), highlight=False)


@app.command()
@_guard
def loads() -> None:
    """List every load (id, source, table or wave, file, rows, when): the ids `unload` takes."""
    from flows.unload import list_loads

    found = list_loads(_settings(writes=False))
    if not found:
        out.print("no loads yet: `bymonitor ingest` or `bymonitor run` loads files")
        return
    rows = [
        tuple(plain(cell) for cell in (
            load.load_id, load.source, load.table_or_wave, load.file_name, load.rows_loaded,
            load.rows_rejected, f"{load.loaded_at:%Y-%m-%d %H:%M}"))
        for load in found
    ]  # fmt: skip
    header = ("load id", "source", "table/wave", "file", "rows", "rejected", "loaded at")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        line = "  ".join(
            cell.rjust(width) if i in (4, 5) else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        out.print(line.rstrip(), highlight=False, markup=False)


@app.command()
@_guard
def unload(
    load_id: Annotated[
        str, typer.Argument(help="The load to remove (`bymonitor loads` lists them).")
    ],
    keep_landing: Annotated[
        bool,
        typer.Option(
            "--keep-landing/--remove-landing",
            help="Keep the load's copy in the landing zone (default), or remove it too.",
        ),
    ] = True,
) -> None:
    """Remove a load: its rows, its rejects and its record leave the raw layer and the marts are
    rebuilt without it, all or nothing; recorded in the run history. A survey or interview file
    loaded under the wrong --wave is corrected by unloading it and loading it again."""
    from flows.unload import unload as remove

    settings = _settings()
    with _writing(settings, warehouse=False):
        done = remove(settings, load_id, keep_landing)
    for line in done.describe():
        out.print(safe(line), highlight=False)


@app.command()
@_guard
def status() -> None:
    """Say what is loaded, built, checked and published, and how the last run went."""
    from flows.status import collect

    s = collect(_settings(writes=False))
    out.print(f"home:      {safe(s.home)}\nwarehouse: {safe(s.warehouse)}", highlight=False)
    if s.warehouse_note:
        out.print(f"[yellow]{safe(s.warehouse_note)}[/]", highlight=False)
    if s.running:
        from flows.lock import describe

        holder = {"stage": "starting", **s.running}
        out.print(
            f"\n[bold]a run is in progress:[/] held by {safe(describe(holder))}", highlight=False
        )
    if s.runs:
        table = Table(title="last runs")
        table.add_column("run", no_wrap=True, min_width=12)
        for column in ("flow", "year", "started", "result", "seconds"):
            table.add_column(column, no_wrap=True)
        for run in s.runs:
            seconds = sum(stage["seconds"] for stage in run["stages"])
            table.add_row(
                safe(run["run_id"]),
                safe(run["flow"]),
                str(run.get("year") or ""),
                f"{run['started_at']:%Y-%m-%d %H:%M}",
                safe(run["status"]),
                f"{seconds:.1f}",
            )
        out.print(table)
        out.print("last run's stages:")
        for stage in s.last_run["stages"]:
            rows = "" if stage["rows"] is None else f"{stage['rows']:>9,} rows"
            out.print(
                f"  {safe(stage['name'])} {safe(stage['status'])}  {stage['seconds']:>6.1f} s "
                f"{rows}  {safe(stage['summary'])}",
                highlight=False,
            )
        if s.last_run.get("error"):
            out.print(f"last run's error: [red]{safe(s.last_run['error'])}[/]", highlight=False)
    else:
        out.print("\nno run yet: `bymonitor run` runs the yearly refresh")
    if s.loads:
        out.print(f"\nloaded files ({len(s.loads)}):")
        for load in s.loads:
            out.print(
                f"  {safe(load['file_name'])}  {load['rows_loaded']} rows, "
                f"{load['rows_rejected']} rejected"
                f"  ({safe(load['load_id'])}, {load['loaded_at']:%Y-%m-%d %H:%M})",
                highlight=False,
            )
    if s.marts:
        out.print(
            "\nmarts: " + ", ".join(f"{safe(k)} ({v} rows)" for k, v in s.marts.items()),
            highlight=False,
        )
    for year, verdict in sorted(s.gate.items()):
        out.print(f"gate {year}: {safe(verdict)}", highlight=False)
    if s.published:
        out.print("published: " + ", ".join(str(y) for y in s.published), highlight=False)
        latest = max(s.published)
        index = Path(s.home) / "reports" / "published" / str(latest) / "index.html"
        out.print(f"latest report: {safe(index)}", highlight=False)


if __name__ == "__main__":
    sys.exit(app())
