"""Where a live run finds the county's survey and interview files (BYMONITOR_INPUT_DIR)."""

from __future__ import annotations

import pytest

from flows import pipeline
from flows.errors import BymonitorError
from flows.settings import REPO_ROOT, Settings


def _settings(input_dir) -> Settings:
    return Settings(input_dir=input_dir)


def test_without_an_input_folder_a_live_run_has_no_people_files():
    assert pipeline.input_files(_settings(None), "survey") == []


def test_the_wave_is_the_year_in_the_file_name(tmp_path):
    (tmp_path / "survey").mkdir()
    (tmp_path / "survey" / "spørreundersøkelse 2026.xlsx").write_bytes(b"")
    (tmp_path / "survey" / "notes.txt").write_text("not a survey")
    (tmp_path / "survey" / "svar.csv").write_text("no year in the name")
    [found] = pipeline.input_files(_settings(tmp_path), "survey")
    assert (found.path.name, found.wave, found.sheet) == (
        "spørreundersøkelse 2026.xlsx",
        2026,
        None,
    )


def test_a_manifest_decides_files_waves_and_sheets(tmp_path):
    (tmp_path / "interviews").mkdir()
    (tmp_path / "interviews" / "logg.xlsx").write_bytes(b"")
    (tmp_path / "manifest.yml").write_text(
        "interviews:\n  - {file: logg.xlsx, wave: 2026, sheet: Logg}\n", encoding="utf-8"
    )
    [found] = pipeline.input_files(_settings(tmp_path), "interviews")
    assert (found.path.name, found.wave, found.sheet) == ("logg.xlsx", 2026, "Logg")
    assert pipeline.input_files(_settings(tmp_path), "survey") == []


def test_a_manifest_entry_without_its_wave_or_file_is_named(tmp_path):
    (tmp_path / "manifest.yml").write_text("survey:\n  - {file: svar.xlsx}\n", encoding="utf-8")
    with pytest.raises(
        BymonitorError, match=r"manifest.yml: survey entry 1 needs `file` and `wave`"
    ):
        pipeline.input_files(_settings(tmp_path), "survey")
    (tmp_path / "manifest.yml").write_text(
        "survey:\n  - {file: svar.xlsx, wave: 2026}\n", encoding="utf-8"
    )
    with pytest.raises(BymonitorError, match=r"survey entry 1: no file .*svar.xlsx"):
        pipeline.input_files(_settings(tmp_path), "survey")


@pytest.mark.parametrize("folder", ["data/sample", "data"])
def test_the_embedded_sample_is_never_a_live_input(folder):
    with pytest.raises(BymonitorError, match="never the invented sample"):
        pipeline.input_files(_settings(REPO_ROOT / folder), "survey")


def test_registers_are_found_like_the_survey_and_a_manifest_may_say_year(tmp_path):
    (tmp_path / "measures").mkdir()
    (tmp_path / "measures" / "handlingsprogram_2026.xlsx").write_bytes(b"")
    [found] = pipeline.input_files(_settings(tmp_path), "measures")
    assert (found.path.name, found.wave) == ("handlingsprogram_2026.xlsx", 2026)
    (tmp_path / "measures" / "tiltak.csv").write_bytes(b"")
    (tmp_path / "manifest.yml").write_text(
        "measures:\n  - {file: tiltak.csv, year: 2025}\n", encoding="utf-8"
    )
    [found] = pipeline.input_files(_settings(tmp_path), "measures")
    assert (found.path.name, found.wave) == ("tiltak.csv", 2025)
