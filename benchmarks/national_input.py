"""Write a national-size input in the formats of the embedded sample, into a folder of your choice.

Every municipality in Norway (357, the 2024 structure) in every catalogue table: the embedded
Nordland snapshot is extended with a block per other municipality, built from the Nordland
municipality nearest in population and scaled to the municipality's real population on
1 January 2024 (../shared/data/ssb); 07459's totals follow SSB's real series where the shared
extract has them. Plus a survey of 50 000 respondents and 2 000 interview records, resampled from
the sample's rows under new ids. Seeded: the same folder every time. Never committed.

    python benchmarks/national_input.py /tmp/national
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
SHARED = REPO.parent / "shared" / "data" / "ssb"
SEED = 20261126
REPORT_YEAR = 2026  # the sample's report year: its survey wave (the CSV wave is the year before)


def national_municipalities(shared: Path) -> dict[str, int]:
    """Municipality code → population on 1 January 2024, all 357."""
    with (shared / "municipalities_population_1jan2024.csv").open(encoding="utf-8") as handle:
        return {row["id"]: int(row["population"]) for row in csv.DictReader(handle)}


def real_07459_totals(shared: Path) -> dict[tuple[str, int], int]:
    """(municipality code, year) → population, 2001–2022, where SSB's extract has a figure."""
    totals = {}
    path = shared / "population_07459_all_municipalities_2001-2022.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["municipality_id"] and int(row["population"]) > 0:
                totals[(row["municipality_id"], int(row["year"]))] = int(row["population"])
    return totals


def extend_table(document: dict, population: dict[str, int], totals: dict) -> dict:
    """Append a block of cells per municipality not yet in the table (Region is dimension 0)."""
    region_dim = document["id"][0]
    category = document["dimension"][region_dim]["category"]
    index = category["index"]
    codes = list(index)  # keys of an index object, or the list itself
    block = math.prod(document["size"][1:])
    present = {m: c for c in codes if (m := re.sub(r"\D", "", c)) and len(m) == 4}
    nordland = {m: population[m] for m in present if m in population}
    values, status = document["value"], document.get("status") or {}
    if isinstance(status, list):
        status = {str(i): s for i, s in enumerate(status) if s}
    labels = category.setdefault("label", {})
    time_dim = document["id"][-1]
    years = list(document["dimension"][time_dim]["category"]["index"])
    is_07459 = document["label"].startswith("07459")
    for code, people in sorted(population.items()):
        if code in present:
            continue
        template = min(nordland, key=lambda m: abs(nordland[m] - people))
        factor = people / nordland[template]
        position = codes.index(present[template])
        new_code = present[template].replace(template, code)
        start = len(values)
        for offset in range(block):
            source = position * block + offset
            value = values[source]
            if value is not None:
                year = years[offset % len(years)]
                scale = factor
                if is_07459 and (code, int(year)) in totals and (template, int(year)) in totals:
                    scale = totals[(code, int(year))] / totals[(template, int(year))]
                value = round(value * scale, 1 if isinstance(value, float) else None)
            values.append(value)
            if str(source) in status:
                status[str(start + offset)] = status[str(source)]
        codes.append(new_code)
        labels[new_code] = f"Kommune {code}"
    category["index"] = {c: i for i, c in enumerate(codes)}
    document["size"][0] = len(codes)
    document["status"] = status
    document.setdefault("extension", {}).setdefault("bymonitor", {})["values"] = "synthetic"
    return document


def resample_rows(path: Path, count: int, id_column: str, make_id, rng: random.Random,
                  identities: dict[str, callable]) -> bytes:  # fmt: skip
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    for n in range(1, count + 1):
        row = dict(rng.choice(rows))
        row[id_column] = make_id(n)
        for column, make in identities.items():
            if column in row:
                row[column] = make(n)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def generate(target: Path, shared: Path = SHARED, respondents: int = 50_000,
             interviews: int = 2_000) -> dict[str, int]:  # fmt: skip
    """Write statbank/, survey/ and interviews/ under target; return rows per part."""
    population = national_municipalities(shared)
    totals = real_07459_totals(shared)
    rng = random.Random(SEED)
    counts = {}
    (target / "statbank").mkdir(parents=True, exist_ok=True)
    for path in sorted((SAMPLE / "statbank").glob("*.json")):
        document = extend_table(json.loads(path.read_text(encoding="utf-8")), population, totals)
        (target / "statbank" / path.name).write_text(
            json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        counts[f"statbank/{path.name}"] = len(document["value"])
    year = REPORT_YEAR
    (target / "survey").mkdir(exist_ok=True)
    (target / "survey" / f"survey_{year}.csv").write_bytes(
        resample_rows(
            SAMPLE / "survey" / f"survey_{year - 1}.csv", respondents, "respondent_id",
            lambda n: f"N{year}-{n:06d}", rng,
            {"kontakt_epost": lambda n: f"leder{n}@example.no", "kommentar": lambda n: ""},
        )
    )  # fmt: skip
    counts[f"survey/survey_{year}.csv"] = respondents
    (target / "interviews").mkdir(exist_ok=True)
    (target / "interviews" / f"interviews_{year}.csv").write_bytes(
        resample_rows(
            SAMPLE / "interviews" / f"interviews_{year - 1}.csv", interviews, "interview_id",
            lambda n: f"N{year}-{n:05d}", rng,
            {"informant_name": lambda n: f"Informant {n}",
             "informant_email": lambda n: f"informant{n}@example.no", "notes": lambda n: "",
             "date": lambda n: f"{1 + n % 28:02d}.{1 + n % 12:02d}.{year}"},
        )
    )  # fmt: skip
    counts[f"interviews/interviews_{year}.csv"] = interviews
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--shared", type=Path, default=SHARED)
    arguments = parser.parse_args()
    for name, rows in generate(arguments.target, arguments.shared).items():
        print(f"{name}: {rows:,} cells/rows")
