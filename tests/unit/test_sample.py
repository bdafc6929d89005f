"""The embedded sample is the official figures, reproducible from ../shared/data."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from flows.settings import REPO_ROOT

GENERATOR = REPO_ROOT / "data" / "sample" / "generate_sample.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_sample", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_snapshot_is_what_the_generator_makes(shared_ssb: Path, tmp_path: Path):
    generator = _generator()
    labels, values = generator.collect(shared_ssb)
    fresh = generator.build_dataset(labels, values)
    committed = json.loads(generator.OUTPUT.read_text(encoding="utf-8"))
    assert fresh == committed


def test_the_snapshot_holds_known_official_figures(sample_document: dict):
    regions = list(sample_document["dimension"]["Region"]["category"]["index"])
    years = sample_document["dimension"]["Tid"]["category"]["index"]

    def value(region: str, year: str):
        return sample_document["value"][regions.index(region) * len(years) + years.index(year)]

    assert value("K-1804", "2022") == 52803  # Bodø
    assert value("F-18", "2022") == 240190  # Nordland
    assert value("0", "2001") == 4503436  # Norway
    assert value("0", "2024") == 5550203
    assert value("K-1806", "2019") == 0  # SSB's summed series before the Narvik reform
    assert value("K-1804", "2023") is None
