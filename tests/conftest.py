"""Shared fixtures: every test that writes gets its own BYMONITOR_HOME."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from helpers import BYMONITOR, SAMPLE_STATBANK, SHARED_SSB, run_cli
from prefect_server import INFO as SERVER_INFO
from prefect_server import PrefectServer

from flows.settings import Settings

PREFECT_SERVER = "prefect-server"  # the test run's server's folder, in the shared base temp


def pytest_configure(config: pytest.Config) -> None:
    """No PDF in the tests' own refreshes and publications (laying it out is half a refresh's
    time): the fixtures and tests that look at the PDF ask for it (`pdf=True`, or
    `BYMONITOR_PDF=true` for a command)."""
    os.environ["BYMONITOR_PDF"] = "false"


def pytest_unconfigure(config: pytest.Config) -> None:
    """Under pytest-xdist the controller stops the test run's Prefect server (`prefect_server`),
    once every worker has ended, whether the tests passed or not."""
    if config.pluginmanager.has_plugin("dsession"):  # the controller of an xdist run
        folder = config._tmp_path_factory.getbasetemp() / PREFECT_SERVER  # the workers' parent
        if (folder / SERVER_INFO).exists():
            PrefectServer.joined(folder).stop()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty BYMONITOR_HOME for this test, set in the environment."""
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("BYMONITOR_HOME", str(root))
    return root


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings()


@pytest.fixture
def shared_ssb() -> Path:
    if not SHARED_SSB.is_dir():
        pytest.skip(f"the shared reference data is not beside the checkout ({SHARED_SSB})")
    return SHARED_SSB


@pytest.fixture
def sample_document() -> dict:
    return json.loads(SAMPLE_STATBANK.read_text(encoding="utf-8"))


@pytest.fixture
def write_document(tmp_path: Path) -> Callable[[dict, str], Path]:
    """Write a (modified) JSON-stat2 document to a file and return its path."""

    def write(document: dict, name: str = "07459_modified.json") -> Path:
        path = tmp_path / "inputs" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> PrefectServer:
    """One real Prefect server for the whole test run's CLI runs, so that each run does not start
    its own temporary server: started by the first process that asks for it and shared by the
    pytest-xdist workers. Stopped at the end by pytest (here) or, under xdist, by the controller
    (`pytest_unconfigure`). Tests that query it find their own flow runs among everyone's."""
    folder = once_per_test_run(tmp_path_factory, PREFECT_SERVER, lambda f: PrefectServer(f).start())
    server = PrefectServer.joined(folder)
    yield server
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # this process is the test run
        server.stop()


def once_per_test_run(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder made once for the whole test run: under pytest-xdist the first worker to ask
    makes it (holding a file lock) and the others wait for it and read the same folder."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    target, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            make(target)
            done.touch()
    return target


@pytest.fixture(scope="session")
def cli_published(prefect_server, tmp_path_factory) -> Iterator[tuple[Path, CompletedProcess[str]]]:
    """`bymonitor run` on the sample, through the installed command against the test run's
    Prefect server, once per test run: its home, and what the command printed. Tests read the
    home and query its flow run on the server; a test that changes anything in it (another run,
    even one that finds nothing to do) works on a copy (`shutil.copytree`); at the end each
    process checks that nothing in the home was written after it was made."""

    def make(root: Path) -> None:
        (root / "home").mkdir()
        completed = run_cli(root / "home", "run", env=prefect_server.env())
        (root / "stdout").write_text(completed.stdout, encoding="utf-8")
        (root / "stderr").write_text(completed.stderr, encoding="utf-8")
        (root / "returncode").write_text(str(completed.returncode), encoding="utf-8")

    root = once_per_test_run(tmp_path_factory, "cli-published", make)  # made even if it failed
    completed = CompletedProcess(
        [str(BYMONITOR), "run"],
        int((root / "returncode").read_text(encoding="utf-8")),
        (root / "stdout").read_text(encoding="utf-8"),
        (root / "stderr").read_text(encoding="utf-8"),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    yield root / "home", completed
    made = (root.parent / "cli-published.done").stat().st_mtime
    written = [p for p in (root / "home").rglob("*") if p.stat().st_mtime > made]
    assert not written, f"a test wrote into the shared home instead of a copy: {written[:5]}"


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    """A home with the embedded sample ingested and built (dbt build) once per test run. Tests
    never write to it: they copy it with `helpers.copy_built` (a file copy, not a build)."""
    from flows import pipeline

    def make(root: Path) -> None:
        settings = Settings(home=root)
        pipeline.ingest_statbank(settings, pipeline.sample_statbank_files(settings))
        for source in ("survey", "interviews"):
            pipeline.ingest_sample_people(settings, source)
        pipeline.ingest_sample_measures(settings)
        pipeline.build(settings)

    return once_per_test_run(tmp_path_factory, "built-sample", make)


def _published(built: Path, lang: str) -> Callable[[Path], None]:
    from helpers import copy_built

    from flows import pipeline

    def make(root: Path) -> None:
        copy_built(built, root)
        settings = Settings(home=root, pdf=True)  # the PDF's tests read this one
        pipeline.check(settings, 2026)
        pipeline.publish_year(settings, 2026, lang=lang)

    return make


@pytest.fixture(scope="session")
def published_sample(built_sample, tmp_path_factory) -> Path:
    """The built sample checked and published (2026, bokmål, with the PDF) once per test run.
    Read it; copy the home before changing anything in it."""
    return once_per_test_run(tmp_path_factory, "published-sample", _published(built_sample, "nb"))


@pytest.fixture(scope="session")
def published_sample_en(built_sample, tmp_path_factory) -> Path:
    """The built sample checked and published in English (2026) once per test run, in its own
    copy (an English publication replaces the bokmål one). Read it; copy before changing it."""
    return once_per_test_run(
        tmp_path_factory, "published-sample-en", _published(built_sample, "en")
    )
