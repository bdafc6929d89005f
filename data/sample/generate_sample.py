"""Write the embedded StatBank snapshot (JSON-stat2) from the reference figures in ../shared/data.

The snapshot mirrors what SSB's PxWebApi 2 returns for table 07459 (population 1 January,
sex and age eliminated) for the ten town municipalities (codelist agg_KommSummer, `K-xxxx`),
Nordland (`F-18`) and Norway (`0`). Every figure is an official SSB figure; a year the reference
data does not hold (2023) is delivered as SSB delivers a missing cell: value null, status "..".
Narvik (K-1806) keeps the 0 that SSB's summed series returns before the 2020 reform.

Run: `python data/sample/generate_sample.py [--shared ../shared/data/ssb]`.
Source: Statistisk sentralbyrå (SSB), table 07459, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data" / "ssb"
OUTPUT = HERE / "statbank" / "07459_population_1jan.json"

FIRST_YEAR = 2001
LAST_YEAR = 2024
NORDLAND_CODE = "18"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def collect(shared: Path) -> tuple[dict[str, str], dict[tuple[str, int], int | None]]:
    """Return region labels and {(region_code, year): population or None}."""
    labels: dict[str, str] = {"0": "Hele landet", f"F-{NORDLAND_CODE}": "Nordland"}
    values: dict[tuple[str, int], int | None] = {}

    for row in read_csv(shared / "ten_towns_population_1jan.csv"):
        if row["town"].startswith("Narvik (old"):
            continue  # old Narvik (1805) is a different, non-comparable territory
        code = f"K-{row['kommunenummer']}"
        labels[code] = row["kommune"]
        # An empty population in the reference file is SSB's 0 for "not computable".
        values[(code, int(row["year_1jan"]))] = int(row["population"] or 0)

    national: dict[int, int] = defaultdict(int)
    for row in read_csv(shared / "population_07459_all_municipalities_2001-2022.csv"):
        if not row["ssb_id"].startswith("F-"):
            continue
        year = int(row["year"])
        national[year] += int(row["population"])
        if row["ssb_id"] == f"F-{NORDLAND_CODE}":
            values[(row["ssb_id"], year)] = int(row["population"])
    for year, total in national.items():
        values[("0", year)] = total

    latest = read_csv(shared / "municipalities_population_1jan2024.csv")
    values[("0", 2024)] = sum(int(r["population"]) for r in latest)
    values[(f"F-{NORDLAND_CODE}", 2024)] = sum(
        int(r["population"]) for r in latest if r["id"].startswith(NORDLAND_CODE)
    )
    return labels, values


def build_dataset(labels: dict[str, str], values: dict[tuple[str, int], int | None]) -> dict:
    towns = sorted(code for code in labels if code.startswith("K-"))
    regions = ["0", f"F-{NORDLAND_CODE}", *towns]
    years = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    flat: list[int | None] = []
    status: dict[str, str] = {}
    for region in regions:
        for year in years:
            value = values.get((region, int(year)))
            if value is None:
                status[str(len(flat))] = ".."
            flat.append(value)
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "note": [
            "Snapshot for bymonitor's embedded sample: official SSB figures for 1 January. "
            "2023 is not in the reference data and is delivered as missing ('..')."
        ],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [len(regions), 1, len(years)],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {code: i for i, code in enumerate(regions)},
                    "label": {code: labels[code] for code in regions},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": {
                "label": "år",
                "category": {"index": years, "label": {y: y for y in years}},
            },
        },
        "value": flat,
        "status": status,
        "extension": {"px": {"tableid": "07459", "language": "no"}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    labels, values = collect(args.shared)
    dataset = build_dataset(labels, values)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(dataset, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {args.output} ({len(dataset['value'])} cells)")


if __name__ == "__main__":
    main()
