"""The embedded sample: SSB's population figures (07459), reproducible from ../shared/data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from helpers import SAMPLE_DIR

from flows.ingest import jsonstat
from flows.settings import REPO_ROOT

GENERATOR = REPO_ROOT / "data" / "sample" / "generate_sample.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_sample", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_committed_snapshot_is_what_the_generator_makes(shared_ssb: Path, tmp_path: Path):
    written = _generator().generate(shared_ssb, tmp_path)
    committed = sorted(SAMPLE_DIR.glob("*.json"))
    assert sorted(p.name for p in written) == [p.name for p in committed]
    for path in written:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_the_area_seed_is_what_the_generator_makes_from_the_reference_file(
    shared_ssb: Path, tmp_path: Path
):
    written = _generator().write_area_seed(shared_ssb, tmp_path / "municipality_area.csv")
    seed = REPO_ROOT / "dbt" / "seeds" / "municipality_area.csv"
    assert written.read_bytes() == seed.read_bytes()
    rows = seed.read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 357
    assert sum(int(r.split(",")[5]) for r in rows) == 5550203  # SSB's Norway, 1 January 2024


def _total(table: str, region: str, year: str, **codes: str) -> float | None:
    dataset = jsonstat.read_file(SAMPLE_DIR / f"{table}.json")
    values = [
        c.value
        for c in dataset.cells()
        if c.codes["Region"] == region
        and c.codes["Tid"] == year
        and all(c.codes[k] == v for k, v in codes.items())
    ]
    return None if None in values else sum(values)


def test_population_totals_are_ssbs_official_figures():
    assert _total("07459", "K-1804", "2022") == 52803  # Bodø
    assert _total("07459", "F-18", "2022") == 240190  # Nordland
    # before 2005 SSB's totals are in 06913 (the 07459 snapshot starts in 2005)
    assert _total("06913", "0", "2001", ContentsCode="Folkemengde") == 4503436  # Norway
    assert _total("07459", "0", "2024") == 5550203
    assert _total("07459", "F-18", "2024") == 243081
    assert _total("07459", "0", "2023") == 5488984
    assert _total("07459", "0", "2026") == 5627400
    assert _total("07459", "K-1804", "2024") == 53712


def test_the_snapshot_behaves_like_statbank():
    assert _total("07459", "K-1806", "2019") == 0  # summed series before the Narvik reform
    snapshot = jsonstat.read_file(SAMPLE_DIR / "07459.json")
    # no year the reference data lacks by sex and age: StatBank has them, so no ".." is written
    assert min(int(c.codes["Tid"]) for c in snapshot.cells()) == 2005
    # Nordland's figures are all there (two municipalities elsewhere lack 2005 in the reference
    # data and stay "..": Vindafjord and Aure, see generate_sample.py)
    nordland = {
        c.status for c in snapshot.cells() if c.codes["Region"].startswith(("K-18", "F-18"))
    }
    assert nordland == {None}
    plain = jsonstat.read_file(SAMPLE_DIR / "11616.json")
    statuses = {
        (c.codes["Region"], c.codes["Tid"]): c.status
        for c in plain.cells()
        if c.codes["ContentsCode"] == "Innpendlere"
    }
    assert statuses[("1805", "2019")] is None and statuses[("1805", "2020")] == "."
    assert statuses[("1806", "2019")] == "." and statuses[("1806", "2020")] is None
