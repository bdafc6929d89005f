"""The refresh's stages as plain, typed functions; the Prefect flow and the CLI both call these."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from flows.constants import write_project_vars
from flows.errors import BymonitorError
from flows.gate import (
    GateFailed,
    GateResult,
    load_result,
    run_gate,
    save_report,
    save_result,
)
from flows.ingest import interviews, measures, statbank, survey
from flows.ingest.codebook import write_interview_codebook
from flows.ingest.landing import LoadResult
from flows.ingest.pseudonyms import pseudonymiser_for
from flows.ingest.statbank_api import ApiConfig, StatBankClient
from flows.ingest.statbank_catalogue import (
    load_catalogue,
    nordland_municipalities,
    select_tables,
    write_table_list,
)
from flows.ingest.statbank_live import LiveFetch, check_tables, fetch_table
from flows.ingest.statbank_plan import TablePlan
from flows.settings import Settings
from flows.transform import BuildResult, run_dbt
from flows.warehouse import connect, sql_identifier

if TYPE_CHECKING:
    from flows.publish.render import Publication


def sample_statbank_files(settings: Settings) -> list[Path]:
    files = sorted((settings.sample_dir / "statbank").glob("*.json"))
    if not files:
        raise BymonitorError(f"no StatBank files in {settings.sample_dir / 'statbank'}")
    return files


WAVE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
PEOPLE_SOURCES = ("survey", "interviews")


@dataclass(frozen=True)
class PeopleFile:
    path: Path
    wave: int
    sheet: str | None = None


def sample_files(settings: Settings, source: str) -> list[tuple[Path, int]]:
    """The embedded survey or interview files with their wave (the year in the file name)."""
    return [(f.path, f.wave) for f in _files_with_waves(settings.sample_dir, source)]


def _files_with_waves(folder: Path, source: str) -> list[PeopleFile]:
    found = []
    for path in sorted((folder / source).glob("*")):
        match = WAVE_IN_NAME.search(path.stem)
        if path.suffix.lower() in (".csv", ".xlsx") and match:
            found.append(PeopleFile(path, int(match.group(1))))
    return found


def input_files(settings: Settings, source: str) -> list[PeopleFile]:
    """The county's survey or interview files for a live run, from BYMONITOR_INPUT_DIR.

    Layout: `survey/` and `interviews/`, each file with its wave (year) in its name; or a
    `manifest.yml` beside them (`survey: [{file: svar.xlsx, wave: 2026, sheet: Svar}]`), which
    then decides. The embedded sample is refused: a live run publishes real inputs only.
    """
    folder = settings.input_dir
    if folder is None:
        return []
    folder = folder.resolve()
    if not folder.is_dir():
        raise BymonitorError(f"BYMONITOR_INPUT_DIR {folder} is not a folder")
    if folder.is_relative_to(
        settings.sample_dir.resolve()
    ) or settings.sample_dir.resolve().is_relative_to(folder):
        raise BymonitorError(
            f"BYMONITOR_INPUT_DIR {folder} holds the embedded sample: a live run reads the "
            "county's own survey and interview files, never the invented sample"
        )
    manifest = folder / "manifest.yml"
    if not manifest.exists():
        return _files_with_waves(folder, source)
    entries = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get(source) or []
    files = []
    for number, entry in enumerate(entries, start=1):
        wave = entry.get("wave", entry.get("year")) if isinstance(entry, dict) else None
        if wave is None or "file" not in entry:
            raise BymonitorError(f"{manifest}: {source} entry {number} needs `file` and `wave`")
        path = folder / source / str(entry["file"])
        if not path.exists():
            raise BymonitorError(f"{manifest}: {source} entry {number}: no file {path}")
        files.append(PeopleFile(path, int(wave), entry.get("sheet")))
    return files


def _ingest_people(settings: Settings, loader, paths: Iterable[Path], wave: int, sheet: str | None):
    paths = list(paths)
    pseudonymise = pseudonymiser_for(settings, paths)
    with connect(settings.warehouse_path) as con:
        return [loader(con, p, wave, settings.landing_dir, pseudonymise, sheet) for p in paths]


def ingest_survey(
    settings: Settings, paths: Iterable[Path], wave: int, sheet: str | None = None
) -> list[LoadResult]:
    """Load survey files of one wave (pseudonymised; bad rows to raw._rejects)."""
    return _ingest_people(settings, survey.load_survey, paths, wave, sheet)


def ingest_interviews(
    settings: Settings, paths: Iterable[Path], wave: int, sheet: str | None = None
) -> list[LoadResult]:
    """Load interview logs of one wave (pseudonymised; no consent, no row)."""
    return _ingest_people(settings, interviews.load_interviews, paths, wave, sheet)


def ingest_sample_people(settings: Settings, source: str) -> list[LoadResult]:
    """Load the embedded survey or interview files, each with the wave its name gives."""
    return _ingest_people_files(settings, source, _files_with_waves(settings.sample_dir, source))


def ingest_input_people(settings: Settings, source: str) -> list[LoadResult]:
    """Load the county's survey or interview files of BYMONITOR_INPUT_DIR (live runs)."""
    return _ingest_people_files(settings, source, input_files(settings, source))


def _ingest_people_files(
    settings: Settings, source: str, files: list[PeopleFile]
) -> list[LoadResult]:
    loader = ingest_survey if source == "survey" else ingest_interviews
    results = []
    for file in files:
        results.extend(loader(settings, [file.path], file.wave, file.sheet))
    return results


def ingest_measures(
    settings: Settings, paths: Iterable[Path], year: int, sheet: str | None = None
) -> list[LoadResult]:
    """Load action programme registers of one year (bad rows to raw._rejects)."""
    with connect(settings.warehouse_path) as con:
        return [measures.load_measures(con, p, year, settings.landing_dir, sheet) for p in paths]


def ingest_sample_measures(settings: Settings) -> list[LoadResult]:
    """Load the embedded registers, each with the year its name gives, oldest first."""
    return _ingest_measure_files(settings, _files_with_waves(settings.sample_dir, "measures"))


def ingest_input_measures(settings: Settings) -> list[LoadResult]:
    """Load the county's registers of BYMONITOR_INPUT_DIR/measures (live runs)."""
    return _ingest_measure_files(settings, input_files(settings, "measures"))


def _ingest_measure_files(settings: Settings, files: list[PeopleFile]) -> list[LoadResult]:
    results = []
    for file in sorted(files, key=lambda f: f.wave):
        results.extend(ingest_measures(settings, [file.path], file.wave, file.sheet))
    return results


def ingest_statbank(
    settings: Settings, paths: Iterable[Path], table_id: str | None = None
) -> list[LoadResult]:
    """Load JSON-stat2 files; each file lands whole or not at all, repeats are no-ops."""
    with connect(settings.warehouse_path) as con:
        return [statbank.load_file(con, p, settings.landing_dir, table_id) for p in paths]


def statbank_client(settings: Settings) -> StatBankClient:
    return StatBankClient(ApiConfig.from_settings(settings))


def check_statbank(
    settings: Settings, tables: list[str] | None = None, client: StatBankClient | None = None
) -> list[TablePlan]:
    """Only the metadata requests: each catalogue table's plan, or what stops it."""
    specs = select_tables(load_catalogue(), tables)
    with contextlib.ExitStack() as stack:
        client = client or stack.enter_context(statbank_client(settings))
        return check_tables(client, specs, nordland_municipalities())


def ingest_statbank_live(
    settings: Settings,
    tables: list[str] | None = None,
    client: StatBankClient | None = None,
    progress: Callable[[str], None] = lambda message: None,
    plans: list[TablePlan] | None = None,
) -> LiveFetch:
    """Fetch catalogue tables from the StatBank API, keep each answer as a file, load the files.

    Each table is planned from its metadata (or `plans` from a check made before), fetched
    whole and then loaded exactly like a file from disk (landed and recorded, so every live load
    can be replayed). A table that fails is reported in the result; the others are loaded.
    """
    specs = select_tables(load_catalogue(), tables)
    downloads = settings.warehouse_dir / "downloads" / "statbank"
    downloads.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        client = client or stack.enter_context(statbank_client(settings))
        if plans is None:
            plans = check_tables(client, specs, nordland_municipalities())
        outcomes = []
        for plan in plans:
            outcome = fetch_table(
                client,
                plan,
                downloads,
                lambda path, table_id: ingest_statbank(settings, [path], table_id),
                progress,
            )
            done = f"{len(outcome.loads)} answers loaded" if outcome.ok else "failed"
            progress(f"table {plan.table_id}: {done}")
            outcomes.append(outcome)
    return LiveFetch(outcomes)


def statbank_landed(settings: Settings, table_ids: list[str]) -> dict[str, str | None]:
    """When each table's StatBank figures were last landed (ISO date), None if never."""
    landed: dict[str, str | None] = dict.fromkeys(table_ids)
    if not settings.warehouse_path.exists():
        return landed
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute(
            "select table_id, max(loaded_at) from raw._loads where source = 'statbank' "
            "group by table_id"
        ).fetchall()
    for table_id, loaded_at in rows:
        if table_id in landed and loaded_at is not None:
            landed[table_id] = loaded_at.date().isoformat()
    return landed


def build(settings: Settings) -> BuildResult:
    if not settings.warehouse_path.exists():
        raise BymonitorError("nothing to build: the warehouse is empty (run `bymonitor ingest`)")
    # the StatBank catalogue's table list (titles, lags), the interview codebook's scales and the
    # project vars as the marts read them, written here only, before each build: the marts follow
    # the catalogue and the codebook even with no load since, and record the vars they were built
    # with
    with connect(settings.warehouse_path) as con:
        write_table_list(con)
        write_interview_codebook(con)
        write_project_vars(con)
    # --full-refresh: the seeds are rewritten whole, so a seed whose columns changed in a new
    # version loads into a warehouse built by an older one (no model is incremental). dbt's unit
    # tests check the SQL, not the data: they run in `make test`
    # (tests/integration/test_dbt_unit_tests.py), not in every refresh, as dbt advises.
    return run_dbt(
        settings, "build", extra=("--full-refresh", "--exclude-resource-type", "unit_test")
    )


def latest_year(settings: Settings) -> int:
    """The latest year with a figure for any town: the default report year."""
    with connect(settings.warehouse_path, read_only=True) as con:
        try:
            row = con.execute(
                "select max(year) from marts.town_population where population is not null"
            ).fetchone()
        except Exception as exc:  # duckdb.CatalogException before the first build
            raise BymonitorError("the marts are not built yet (run `bymonitor build`)") from exc
    if not row or row[0] is None:
        raise BymonitorError("the marts hold no population figures: nothing to report on")
    return int(row[0])


def check(settings: Settings, year: int) -> GateResult:
    """Run the gate and keep its verdict; raise GateFailed when a critical check failed."""
    result = run_gate(settings, year)
    save_result(settings, result)
    save_report(settings, result)
    if not result.passed:
        raise GateFailed(result)
    return result


def publish_year(
    settings: Settings,
    year: int,
    lang: str | None = None,
    fingerprint: str | None = None,
    stale: dict[str, str | None] | None = None,
) -> Publication:
    """Publish the report of a year whose gate passed."""
    # imported here: the pages' libraries (charts, workbook, SQLAlchemy) take ~1 s to load,
    # which commands that do not publish need not pay
    from flows.publish.marts import read_report_data
    from flows.publish.render import PublishError, publish

    gate = load_result(settings, year)
    if gate is None:
        raise PublishError(f"the quality gate has not run for {year} (run `bymonitor check`)")
    data = read_report_data(settings.warehouse_path)
    return publish(data, gate, year, settings, lang, fingerprint, stale)


def mart_rows(settings: Settings) -> int:
    """Rows in all marts together: the build stage's row count in the run history."""
    with connect(settings.warehouse_path, read_only=True) as con:
        names = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        return sum(
            con.execute(f"select count(*) from marts.{sql_identifier(name)}").fetchone()[0]
            for (name,) in names
        )
