"""Settings: everything a run writes lives under BYMONITOR_HOME."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.settings import REPO_ROOT, Settings


def test_paths_follow_bymonitor_home(home: Path):
    settings = Settings()
    assert settings.warehouse_path == home / "warehouse" / "bymonitor.duckdb"
    assert settings.landing_dir == home / "warehouse" / "landing"
    assert settings.publication_dir(2024) == home / "reports" / "published" / "2024"
    assert settings.prefect_home == home / ".prefect"
    # code is always read from the repository
    assert settings.dbt_project_dir == REPO_ROOT / "dbt"


def test_default_home_is_the_repository(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("BYMONITOR_HOME", raising=False)
    assert Settings().home == REPO_ROOT


def test_a_bad_setting_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BYMONITOR_LANG", "sv")
    with pytest.raises(ValidationError):
        Settings()


def test_backfill_years_are_read_as_ranges_and_lists():
    from flows.cli import parse_years
    from flows.errors import BymonitorError

    assert parse_years("2019-2022") == [2019, 2020, 2021, 2022]
    assert parse_years("2024,2019-2020") == [2019, 2020, 2024]
    with pytest.raises(BymonitorError, match="comes after"):
        parse_years("2024-2019")
    with pytest.raises(BymonitorError, match="use 2019-2024"):
        parse_years("last year")
