"""Settings: everything a run writes lives under BYMONITOR_HOME."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.settings import HOLD_POINTS, REPO_ROOT, Settings


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


def test_a_run_can_be_held_only_at_a_named_hold_point():
    """hold_at takes the names of HOLD_POINTS (flows.holdpoints.POINTS), and every hold point
    the code passes is one of them."""
    import re

    from flows.holdpoints import POINTS

    assert POINTS is HOLD_POINTS
    for name in HOLD_POINTS:
        assert Settings(hold_at=name).hold_at == name
    with pytest.raises(ValidationError):
        Settings(hold_at="render")
    called = {
        name
        for path in (REPO_ROOT / "flows").rglob("*.py")
        for name in re.findall(r"hold_point\(\w+, \"(\w+)\"\)", path.read_text("utf-8"))
    }
    assert called == set(HOLD_POINTS)


def test_backfill_years_are_read_as_ranges_and_lists():
    from flows.cli import parse_years
    from flows.errors import BymonitorError

    assert parse_years("2019-2022") == [2019, 2020, 2021, 2022]
    assert parse_years("2024,2019-2020") == [2019, 2020, 2024]
    with pytest.raises(BymonitorError, match="comes after"):
        parse_years("2024-2019")
    with pytest.raises(BymonitorError, match="use 2019-2024"):
        parse_years("last year")
