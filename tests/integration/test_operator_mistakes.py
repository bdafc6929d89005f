"""What an operator can get wrong around the command, each answered with one sentence and exit 1,
never a traceback: a bad setting, a home that cannot be read or written, a damaged warehouse;
and text from outside (file names, cell values) shown as it is, never as console markup or
terminal control codes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from helpers import BYMONITOR, SAMPLE_STATBANK, run_cli

from flows.publish import downloads
from flows.publish.downloads import write_duckdb_copy
from flows.warehouse import sql_identifier, sql_literal

KEY = "operator-test-key-3Fq9-Lm2x-Vb7c-Np4z-Hk8w"  # long and varied enough for real files
SURVEY = Path(__file__).parents[2] / "data" / "sample" / "survey" / "survey_2025.csv"


def _one_sentence(completed: subprocess.CompletedProcess[str]) -> str:
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def test_file_names_and_cell_values_are_shown_as_they_are_never_as_markup_or_terminal_codes(
    tmp_path,
):
    name = "07459 [bold]x[red] \x1b]0;owned\x07\x1b[2J\nnext.json"  # no "/" in a file name
    odd = tmp_path / "inputs" / name
    odd.parent.mkdir()
    shutil.copy(SAMPLE_STATBANK, odd)
    home = tmp_path / "home"
    loaded = run_cli(home, "ingest", "statbank", str(odd))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("07459 [bold]x[red] ?]0;owned??[2J?next.json: loaded ")
    again = run_cli(home, "ingest", "statbank", str(odd.with_name(name + ".missing")))
    assert _one_sentence(again) == (
        f"error: {tmp_path}/inputs/07459 [bold]x[red] ?]0;owned??[2J?next.json.missing: "
        "no such file"
    )

    header, first = SURVEY.read_text(encoding="utf-8-sig").splitlines()[:2]
    cells = first.split(";")
    cells[1] = "[red]Gotham[/]\x1b[2J"
    survey = tmp_path / "inputs" / "survey [x].csv"
    survey.write_text(header + "\n" + ";".join(cells) + "\n", encoding="utf-8")
    refused = run_cli(home, "ingest", "survey", str(survey), "--wave", "2025",
                      env={"BYMONITOR_PSEUDONYM_KEY": KEY})  # fmt: skip
    sentence = _one_sentence(refused)
    assert sentence.startswith(f"error: {survey}: no valid rows (1 rejected; first problems: ")
    assert "row 2 town: '[red]Gotham[/]\\x1b[2J' is not one of the ten towns" in sentence
    for output in (loaded.stdout + loaded.stderr, again.stderr, refused.stderr):
        assert "\x1b" not in output and "\x07" not in output


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("BYMONITOR_LANG", "de", "BYMONITOR_LANG='de' is not valid: use nb or en"),
        ("BYMONITOR_HISTORY_YEARS", "ten", "BYMONITOR_HISTORY_YEARS='ten' is not valid: input "
         "should be a valid integer, unable to parse string as an integer"),
        ("BYMONITOR_LOCK_WAIT_S", "-1", "BYMONITOR_LOCK_WAIT_S='-1' is not valid: input should be "
         "greater than or equal to 0"),
        ("BYMONITOR_STATBANK_REQUESTS_PER_MINUTE", "90", "BYMONITOR_STATBANK_REQUESTS_PER_MINUTE "
         "above 40: SSB's StatBank allows 40 requests per sliding minute (and asks for 30)"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_sentence_naming_the_variable(variable, value, sentence, tmp_path):
    for command in (["status"], ["run"]):
        completed = run_cli(tmp_path, *command, env={variable: value})
        assert _one_sentence(completed) == f"error: {sentence}"
    assert not (tmp_path / "warehouse").exists()


def _as_ordinary_user(*args: str) -> list[str]:
    """The command as a user the file permissions apply to: root overrides them, so as root the
    command runs without the capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    command = [str(BYMONITOR), *args]
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tried")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env["BYMONITOR_HOME"] = str(home)
    return subprocess.run(_as_ordinary_user(*args), env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip


@pytest.fixture
def loaded_home(tmp_path) -> Path:
    home = tmp_path / "home"
    completed = run_cli(home, "ingest", "statbank", str(SAMPLE_STATBANK))
    assert completed.returncode == 0, completed.stderr
    yield home
    for path in [home, *home.rglob("*")]:  # let pytest clean up
        if path.is_dir():
            path.chmod(0o755)


def test_a_read_only_home_is_read_but_not_written_one_sentence_each(loaded_home):
    for path in [loaded_home, *loaded_home.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    shown = _run(loaded_home, "status")
    assert shown.returncode == 0, shown.stderr
    assert "statbank-07459-" in shown.stdout
    refused = _run(loaded_home, "ingest", "sample")
    assert _one_sentence(refused) == (
        f"error: BYMONITOR_HOME {loaded_home} cannot be written (Permission denied: "
        f"{loaded_home / 'warehouse'}); give this user access to it, or set BYMONITOR_HOME to "
        "another folder"
    )


def test_an_unreadable_home_is_one_sentence(loaded_home):
    loaded_home.chmod(0)
    for command in (["status"], ["ingest", "sample"]):
        assert _one_sentence(_run(loaded_home, *command)) == (
            f"error: BYMONITOR_HOME {loaded_home} cannot be read (Permission denied: "
            f"{loaded_home}); give this user access to it, or set BYMONITOR_HOME to another folder"
        )


def test_a_truncated_warehouse_is_named_damaged_and_left_as_it_is(loaded_home):
    warehouse = loaded_home / "warehouse" / "bymonitor.duckdb"
    with warehouse.open("r+b") as handle:
        handle.truncate(warehouse.stat().st_size // 2)
    damaged = warehouse.read_bytes()
    for command in (["status"], ["ingest", "sample"], ["build"]):
        sentence = _one_sentence(run_cli(loaded_home, *command))
        assert sentence.startswith(
            f"error: the warehouse {warehouse} is damaged (IO Error: Could not read enough bytes "
            f'from file "{warehouse}": attempted to read '
        ), sentence
        assert sentence.endswith(
            "); restore it from a backup, or move it aside and load the input files again"
        )
    assert warehouse.read_bytes() == damaged
    assert not (loaded_home / "warehouse" / "bymonitor.next.duckdb").exists()


def test_paths_and_names_with_quotes_reach_duckdb_quoted(tmp_path, monkeypatch):
    """ATTACH takes no parameters: the path goes in as a literal, each quote doubled."""
    folder = tmp_path / 'o\'brien "x" [y]; drop table t; --'
    folder.mkdir()
    warehouse = folder / "bymonitor.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema marts")
        for name in ("dim_town", "source_loads"):
            con.execute(f'create table marts.{name} ("it\'s ""odd""" decimal(9, 2))')
            con.execute(f"insert into marts.{name} values (1.5)")
    finally:
        con.close()
    assert sql_literal("o'brien") == "'o''brien'"
    assert sql_identifier('a "b"') == '"a ""b"""'
    with pytest.raises(ValueError, match="NUL"):
        sql_literal("a\x00b")
    monkeypatch.setattr(downloads, "MARTS", {"dim_town": "", "source_loads": ""})
    copy = folder / "copy.duckdb"
    write_duckdb_copy(warehouse, copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert con.execute('select "it\'s ""odd""" from marts.source_loads').fetchall() == [(1.5,)]
        assert con.execute(
            "select data_type from duckdb_columns() where table_name = 'dim_town'"
        ).fetchall() == [("DOUBLE",)]
    finally:
        con.close()


def test_marts_built_by_another_version_are_named_with_what_to_run(tmp_path):
    """A warehouse whose marts lack one the report reads (built before it existed): one sentence
    naming the mart and `bymonitor build`, not a database error."""
    from flows.publish.marts import MARTS, REFERENCE_MARTS, MartsOutdated, read_report_data

    warehouse = tmp_path / "bymonitor.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        for name in [*MARTS, *REFERENCE_MARTS][1:]:  # every mart but the first
            con.execute(f"create table marts.{name} (x integer)")
    first = next(iter(MARTS))
    with pytest.raises(MartsOutdated, match=rf"no mart {first}: .* run `bymonitor build`"):
        read_report_data(warehouse)
