"""dbt's unit tests (the SQL of the trend test, the signal rules, the peer ranking, the location
quotients, the verdicts, SSB's symbols ...) run here, once per test run, against a copy of the
built sample: a refresh's `dbt build` leaves them out (they test the code, not the data)."""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import copy_built

from flows import pipeline
from flows.settings import Settings

MODELS = Path(__file__).resolve().parents[2] / "dbt" / "models"


def declared_unit_tests() -> set[str]:
    found = set()
    for path in MODELS.rglob("*.yml"):
        for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", []):
            found.add(f"{test['model']}.{test['name']}")
    return found


def test_every_dbt_unit_test_passes(built_sample, tmp_path):
    settings = Settings(home=copy_built(built_sample, tmp_path / "home"))
    result = pipeline.run_dbt(settings, "test", extra=("--select", "test_type:unit"))
    declared = declared_unit_tests()
    assert len(declared) >= 18
    assert result.statuses == {"pass": len(declared)}, result.failures


def test_a_refresh_build_leaves_the_unit_tests_out(built_sample):
    import json

    results = json.loads(
        (Settings(home=built_sample).dbt_target_dir / "run_results.json").read_text()
    )
    kinds = {r["unique_id"].split(".")[0] for r in results["results"]}
    assert "unit_test" not in kinds and {"model", "test", "seed"} <= kinds
