"""Every file of the bad-input corpus gets exactly the outcome its manifest entry states: refused
whole with an error naming the file, or its good rows loaded and each bad row kept with a reason."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from bad_inputs import BAD_DIR, BadInput, load_manifest

from flows import pipeline
from flows.errors import BymonitorError
from flows.settings import Settings

CASES = load_manifest()


@pytest.fixture(scope="session")
def large_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-large")
    subprocess.run(
        [sys.executable, str(BAD_DIR / "generate_bad_inputs.py"), "--large", str(folder)],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder


def _ingest(settings, case: BadInput, path):
    if case.source == "statbank":
        return pipeline.ingest_statbank(settings, [path])
    loader = pipeline.ingest_survey if case.source == "survey" else pipeline.ingest_interviews
    return loader(settings, [path], 2024, case.sheet)


def _query(settings, sql: str) -> list[tuple]:
    if not settings.warehouse_path.exists():
        return []
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_corpus_is_complete():
    assert len(CASES) >= 40
    committed = {c.file for c in CASES if not c.large and c.create is None}
    assert all((BAD_DIR / name).is_file() for name in committed)
    on_disk = {p.name for p in BAD_DIR.iterdir() if p.is_file()} - {
        "manifest.yml", "generate_bad_inputs.py",
    }  # fmt: skip
    assert on_disk <= committed, f"files without a manifest entry: {on_disk - committed}"
    sources = {c.source for c in CASES}
    assert sources == {"statbank", "survey", "interviews"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_input_gets_the_outcome_its_manifest_states(
    case: BadInput, home, tmp_path, monkeypatch, request
):
    monkeypatch.setenv("BYMONITOR_PSEUDONYM_KEY", "corpus-test-key-4Qm9-zT7w-Lk2r-Xc8v-Hs1n")
    settings = Settings()
    large = request.getfixturevalue("large_dir") if case.large else None
    path = case.path(tmp_path, large)
    if case.outcome == "rejected":
        with pytest.raises(BymonitorError) as error:
            _ingest(settings, case, path)
        message = str(error.value)
        assert case.message in message
        assert path.name in message  # the error names the file
        assert _query(settings, "select * from raw._loads") == []
        assert _query(settings, "select * from raw._rejects") == []
        return
    [result] = _ingest(settings, case, path)
    assert result.rows_loaded == case.rows
    assert result.rows_rejected == len({r[0] for r in case.rejects})
    stored = _query(
        settings,
        "select row_number, column_name, reason, file_name from raw._rejects "
        "order by row_number, column_name",
    )
    assert len(stored) == len(case.rejects), stored
    for (row, column, reason, file_name), (want_row, want_column, want_reason) in zip(
        stored, case.rejects, strict=True
    ):
        assert (row, column, file_name) == (want_row, want_column, path.name)
        assert want_reason in reason
    [(loaded,)] = _query(settings, "select sum(rows_loaded) from raw._loads")
    assert loaded == case.rows
