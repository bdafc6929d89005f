"""Write the embedded StatBank snapshot: one JSON-stat2 file per table in the catalogue.

Each file has the shape PxWebApi 2 returns for the catalogue's query (region codes as the
table's codelist writes them: `K-1804`, `K_1804` or `1804`; `F-18`, `F_18` or `18`; `0`), for
all 41 Nordland municipalities, Nordland and Norway, from the table's first year to 2024.

Where the figures come from (`extension.bymonitor.values` in each file says which applies):
- `official`: SSB's figures, from the reference data in ../shared/data/ssb;
- `official_totals`: 07459's population totals are SSB's; their split by sex and age is synthetic;
- `synthetic`: plausible values from this seeded generator (the same seed gives the same files).

Population totals come from ../shared/data/ssb: municipalities and counties 2001–2022 (table
07459, codelist agg_KommSummer), municipalities 2024, Norway as the sum of its counties. 2023 is
not in the reference data: 07459 delivers it as SSB delivers a missing cell (null, status "..").
Synthetic tables use 2023 interpolated between 2022 and 2024 as their base, and, for Narvik and
Hamarøy before their 2020 borders existed, a base scaled back from 2020.

How StatBank behaves, mimicked on purpose so the pipeline is tested against it:
- summed series (`K-`/`K_` codes) return 0 for Narvik (1806) and Hamarøy (1875) before 2020;
- tables with plain codes use the codes valid in each year: 1805 Narvik, 1854 Ballangen,
  1850 Tysfjord and 1849 Hamarøy until 2019; a code not valid in a year has status ".";
- very small counts of new enterprises are suppressed (value null, status ":").

Run: `python data/sample/generate_sample.py [--shared ../shared/data/ssb]` (or `make sample`).
Source of the official figures: Statistisk sentralbyrå (SSB), table 07459, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "ssb"
CATALOGUE = REPO / "data" / "catalogue" / "statbank_tables.yml"
MUNICIPALITIES = REPO / "dbt" / "seeds" / "nordland_municipalities.csv"
OUTPUT_DIR = HERE / "statbank"

LAST_YEAR = 2024
SEED = 2024
REFORM_YEAR = 2020
# Codes valid until 2019 for territory that is Narvik (1806) or Hamarøy (1875) today, with the
# share of today's municipality each is given in the synthetic plain-code tables.
OLD_CODES = {"1806": {"1805": 0.80, "1854": 0.10, "1850": 0.10}, "1875": {"1849": 1.0}}
REGIONAL_CENTRES = {  # jobs located in the municipality per employed resident (synthetic)
    "1804": 1.10,
    "1806": 1.03,
    "1833": 1.04,
    "1824": 1.01,
    "1820": 1.06,
    "1813": 1.05,
    "1841": 0.99,
    "1865": 1.04,
    "1860": 0.97,
    "1870": 1.08,
}
INDUSTRY_PROFILE = {  # share of jobs by NACE group in a typical Nordland municipality
    "01-03": 0.06,
    "05-09": 0.01,
    "10-33": 0.09,
    "35-39": 0.02,
    "41-43": 0.08,
    "45-47": 0.12,
    "49-53": 0.06,
    "55-56": 0.04,
    "58-63": 0.02,
    "64-66": 0.01,
    "68-75": 0.04,
    "77-82": 0.03,
    "84": 0.07,
    "85": 0.09,
    "86-88": 0.22,
    "90-99": 0.04,
}
INDUSTRY_TILT = {
    "1833": {"10-33": 2.0},
    "1865": {"01-03": 2.2},
    "1860": {"01-03": 1.8},
    "1804": {"84": 1.5, "85": 1.3},
    "1806": {"49-53": 1.7},
}
AGE_SHARES_2001 = [0.013, 0.066, 0.095, 0.042, 0.054, 0.335, 0.245, 0.105, 0.040, 0.005]
AGE_SHARES_2024 = [0.009, 0.049, 0.074, 0.036, 0.050, 0.290, 0.270, 0.155, 0.057, 0.010]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- official totals
@dataclass
class Population:
    """Population on 1 January by region key ('0', 'F18' or a municipality code) and year."""

    official: dict[str, dict[int, int | None]]
    names: dict[str, str]
    municipalities: list[str]

    def base(self, region: str, year: int) -> float:
        """A value to build synthetic tables on: official where known, else interpolated."""
        series = self.official[region]
        if series.get(year):
            return float(series[year])
        if region in OLD_CODES and year < REFORM_YEAR:
            return series[REFORM_YEAR] * (1 + 0.004 * (REFORM_YEAR - year))
        before = max((y for y, v in series.items() if v and y < year), default=None)
        after = min((y for y, v in series.items() if v and y > year), default=None)
        if before and after:
            weight = (year - before) / (after - before)
            return series[before] + weight * (series[after] - series[before])
        return float(series[before or after])


def official_population(shared: Path) -> Population:
    municipalities = read_csv(MUNICIPALITIES)
    codes = [m["municipality_code"] for m in municipalities]
    names = {m["municipality_code"]: m["municipality_name"] for m in municipalities}
    names.update({"F18": "Nordland", "0": "Hele landet"})
    official: dict[str, dict[int, int | None]] = defaultdict(dict)
    for row in read_csv(shared / "population_07459_all_municipalities_2001-2022.csv"):
        year, value = int(row["year"]), int(row["population"])
        if row["ssb_id"].startswith("F-"):
            official["0"][year] = official["0"].get(year, 0) + value
            if row["ssb_id"] == "F-18":
                official["F18"][year] = value
        elif row["municipality_id"] in names:
            official[row["municipality_id"]][year] = value
    latest = read_csv(shared / "municipalities_population_1jan2024.csv")
    official["0"][LAST_YEAR] = sum(int(r["population"]) for r in latest)
    official["F18"][LAST_YEAR] = sum(int(r["population"]) for r in latest if r["id"] in names)
    for row in latest:
        if row["id"] in names:
            official[row["id"]][LAST_YEAR] = int(row["population"])
    for series in official.values():
        series[2023] = None
    for code in OLD_CODES:  # SSB's summed series: 0 before the new borders existed
        for year in range(2001, REFORM_YEAR):
            assert official[code][year] == 0, (code, year)
    return Population(dict(official), names, codes)


# --------------------------------------------------------------------------- cells
Key = tuple[str, ...]  # (region, *other codes in query order, year)


@dataclass
class Cells:
    values: dict[Key, float | None] = field(default_factory=dict)
    statuses: dict[Key, str] = field(default_factory=dict)

    def put(self, key: Key, value: float | None, status: str | None = None) -> None:
        self.values[key] = value
        if status:
            self.statuses[key] = status


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split an integer total in proportion to weights, summing exactly to the total."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


class Generator:
    def __init__(self, population: Population, seed: int = SEED) -> None:
        self.pop = population
        self.seed = seed

    def rng(self, *key: object) -> random.Random:
        """A random stream per (table, region, ...) so one table's change leaves others alone."""
        return random.Random(f"{self.seed}:{':'.join(map(str, key))}")

    # ---- helpers shared by the synthetic tables
    def employed_residents(self, region: str, year: int) -> float:
        return self.pop.base(region, year) * (0.49 + 0.0015 * (year - 2001))

    def jobs(self, region: str, year: int) -> float:
        if region == "0":
            return self.employed_residents(region, year)
        if region == "F18":
            return sum(self.jobs(m, year) for m in self.pop.municipalities)
        coverage = REGIONAL_CENTRES.get(region, 0.82 + 0.1 * self.rng("cov", region).random())
        return self.employed_residents(region, year) * coverage

    def net_migration(self, region: str, year: int) -> tuple[int, int, int]:
        """(births, deaths, net migration) of a calendar year, consistent with the base growth."""
        population = self.pop.base(region, year)
        growth = round(self.pop.base(region, year + 1) - population) if year < LAST_YEAR else 0
        noise = self.rng("flows", region, year)
        births = round(population * (0.0115 - 0.0001 * (year - 2001)) * noise.uniform(0.9, 1.1))
        deaths = round(population * (0.0095 + 0.00005 * (year - 2001)) * noise.uniform(0.9, 1.1))
        return births, deaths, growth - (births - deaths)

    # ---- one method per table: values keyed by (region key, *codes, year)
    def t07459(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            total = self.pop.official[region].get(year)
            t = (year - 2001) / (LAST_YEAR - 2001)
            shares = [
                a + t * (b - a) for a, b in zip(AGE_SHARES_2001, AGE_SHARES_2024, strict=True)
            ]
            weights = []
            for sex, share in product(q["Kjonn"], shares):
                tilt = 1.0 + (0.03 if sex == "1" else -0.03)
                weights.append(
                    share * tilt * self.rng("age", region, year, sex).uniform(0.97, 1.03)
                )
            parts = (
                largest_remainder(total, weights) if total is not None else [None] * len(weights)
            )
            for (sex, age), value in zip(product(q["Kjonn"], q["Alder"]), parts, strict=True):
                out[(region, sex, age, "Personer1", str(year))] = value
        return out

    def t06913(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            births, deaths, net = self.net_migration(region, year)
            inflow = round(self.pop.base(region, year) * 0.045) + max(net, 0)
            values = {
                "Folkemengde": round(self.pop.base(region, year)),
                "Levende": births,
                "Dode": deaths,
                "Fodselsoverskudd": births - deaths,
                "Innflyttinger": inflow,
                "Utflyttinger": inflow - net,
                "Nettoinnflytting": net,
                "Folketilvekst": births - deaths + net,
            }
            for contents in q["ContentsCode"]:
                out[(region, contents, str(year))] = values[contents]
        return out

    def t09588(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            _, _, net = self.net_migration(region, year)
            rate = 0.004 + 0.004 * self.rng("imm", region, year).random()
            immigration = round(self.pop.base(region, year) * rate)
            values = {"NettoInnland": net - immigration, "Nettoinnvandring": immigration}
            for contents in q["ContentsCode"]:
                out[(region, contents, str(year))] = values[contents]
        return out

    def t13470(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            tilt = INDUSTRY_TILT.get(region, {})
            noise = self.rng("nace", region, year)
            weights = [
                INDUSTRY_PROFILE[n] * tilt.get(n, 1.0) * noise.uniform(0.9, 1.1)
                for n in q["NACE2007"]
            ]
            parts = largest_remainder(round(self.jobs(region, year)), weights)
            for nace, value in zip(q["NACE2007"], parts, strict=True):
                out[(region, nace, "SysselsatteArb", str(year))] = value
        return out

    def t13472(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        base_shares = [0.08, 0.19, 0.03, 0.04, 0.66]
        for region, year in product(self.regions(), years):
            noise = self.rng("sector", region, year)
            weights = [s * noise.uniform(0.85, 1.15) for s in base_shares]
            parts = largest_remainder(round(self.jobs(region, year)), weights)
            for sector, value in zip(q["Sektor"], parts, strict=True):
                out[(region, "00-99", sector, "SysselEtterArbste", str(year))] = value
        return out

    def t11616(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            employed = round(self.employed_residents(region, year))
            jobs = round(self.jobs(region, year))
            local = round(min(employed, jobs) * 0.84)
            values = {
                "SysselBosted": employed,
                "SysselArbsted": jobs,
                "Innpendlere": jobs - local,
                "Utpendlere": employed - local,
            }
            for contents in q["ContentsCode"]:
                out[(region, contents, str(year))] = values[contents]
        return out

    def t09429(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            t = (year - 2004) / (LAST_YEAR - 2004)
            higher = 1.35 if region in ("1804", "0") else 1.0
            shares = [
                0.27 - 0.07 * t,
                0.42 - 0.02 * t,
                0.02 + 0.01 * t,
                (0.17 + 0.05 * t) * higher,
                (0.05 + 0.04 * t) * higher,
                0.02,
            ]
            noise = self.rng("edu", region, year)
            weights = [s * noise.uniform(0.95, 1.05) for s in shares]
            adults = round(self.pop.base(region, year) * 0.81)
            for level, value in zip(q["Nivaa"], largest_remainder(adults, weights), strict=True):
                out[(region, level, "0", "Personer", str(year))] = value
        return out

    def t10309(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        shares = [0.62, 0.20, 0.07, 0.05, 0.035, 0.012, 0.008, 0.005]
        for region, year in product(self.regions(), years):
            noise = self.rng("est", region, year)
            total = round(self.pop.base(region, year) * 0.085 * noise.uniform(0.95, 1.05))
            parts = largest_remainder(total, [s * noise.uniform(0.9, 1.1) for s in shares])
            for size, value in zip(q["AntAnsatte"], parts, strict=True):
                out[(region, "00-99", size, "Bedrifter", str(year))] = value
        return out

    def t08316(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        fixed = tuple(
            q[v][0] for v in ("NACE2007", "OrgFormer", "AntSyss", "OverlevAar", "Overlevelse")
        )
        for region, year in product(self.regions(), years):
            noise = self.rng("new", region, year)
            out[(region, *fixed, "Foretak", str(year))] = round(
                self.pop.base(region, year) * 0.0065 * noise.uniform(0.7, 1.3)
            )
        return out

    def t09817(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            t = (year - 2001) / (LAST_YEAR - 2001)
            national = 2.0 if region == "0" else 1.0
            noise = self.rng("imm-share", region)
            shares = {
                "B": (0.025 + 0.07 * t) * national * noise.uniform(0.7, 1.4),
                "C": (0.003 + 0.009 * t) * national * noise.uniform(0.7, 1.4),
            }
            population = self.pop.base(region, year)
            for category in q["InnvandrKat"]:
                persons = round(population * shares[category])
                out[(region, category, "999", "Personer1", str(year))] = persons
                out[(region, category, "999", "AndelBefolkning", str(year))] = round(
                    100 * persons / population, 1
                )
        return out

    def regions(self) -> list[str]:
        return [*self.pop.municipalities, "F18", "0"]


# --------------------------------------------------------------------------- per-table shape
SUMMABLE_SKIP = {"AndelBefolkning"}  # shares are not summed into the county


def region_codes(
    spec: dict, pop: Population, year: int
) -> Iterable[tuple[str, str, dict[str, float]]]:
    """(code as delivered, region key, {source key: weight}) for each region group and year."""
    for group in spec["regions"]:
        if group["codes"] == "nordland_municipalities":
            fmt = group["format"]
            for code in pop.municipalities:
                if fmt == "{code}" and code in OLD_CODES and year < REFORM_YEAR:
                    for old, share in OLD_CODES[code].items():
                        yield old, code, {code: share}
                else:
                    yield fmt.format(code=code), code, {code: 1.0}
        else:
            for code in group["codes"]:
                key = "0" if code == "0" else "F18"
                yield code, key, {key: 1.0}


def build_dataset(table_id: str, spec: dict, generator: Generator) -> dict:
    pop = generator.pop
    years = range(spec["first_year"], LAST_YEAR + 1)
    query = spec["query"]
    others = [v for v in query if v != spec["contents_variable"]]
    variables = [spec["region_variable"], *others, spec["contents_variable"], spec["time_variable"]]
    produced = getattr(generator, f"t{table_id}")(years, query)
    if spec["sample"] != "official_totals" and table_id != "07459":
        produced = _county_as_sum(produced, pop)

    cells = Cells()
    region_order: list[str] = []
    region_labels: dict[str, str] = {}
    summed = "{code}" not in [g.get("format") for g in spec["regions"]]
    for year in years:
        for delivered, key, weights in region_codes(spec, pop, year):
            if delivered not in region_labels:
                region_order.append(delivered)
                region_labels[delivered] = _region_label(delivered, key, pop)
            for combo in product(*(query[v] for v in others), query[spec["contents_variable"]]):
                source = produced.get((key, *combo, str(year)))
                cell_key = (delivered, *combo, str(year))
                if source is None:
                    cells.put(cell_key, None, "..")
                    continue
                value = source
                if summed and key in OLD_CODES and year < REFORM_YEAR:
                    value = 0  # SSB's summed series before the new borders existed
                elif weights[key] != 1.0:
                    value = round(source * weights[key], 1 if isinstance(source, float) else None)
                if table_id == "08316" and value is not None and value < 3:
                    cells.put(cell_key, None, ":")  # suppressed small count
                    continue
                cells.put(cell_key, value)
    combos = list(product(*(query[v] for v in others), query[spec["contents_variable"]]))
    for delivered, year, combo in product(region_order, years, combos):
        if (delivered, *combo, str(year)) not in cells.values:  # a code not valid that year
            cells.put((delivered, *combo, str(year)), None, ".")
    return _jsonstat(table_id, spec, variables, region_order, region_labels, years, cells)


def _county_as_sum(produced: dict[Key, float | None], pop: Population) -> dict[Key, float | None]:
    """Counts for Nordland are the sum of its municipalities, as in StatBank."""
    totals: dict[Key, float] = defaultdict(float)
    for key, value in produced.items():
        if key[0] in pop.municipalities and value is not None and key[-2] not in SUMMABLE_SKIP:
            totals[("F18", *key[1:])] += value
    out = dict(produced)
    for key, value in totals.items():
        out[key] = round(value)
    for key in list(out):  # shares: recomputed from the county's counts
        if key[0] == "F18" and key[-2] == "AndelBefolkning":
            persons = out[("F18", *key[1:-2], "Personer1", key[-1])]
            population = sum(pop.base(m, int(key[-1])) for m in pop.municipalities)
            out[key] = round(100 * persons / population, 1)
    return out


def _region_label(delivered: str, key: str, pop: Population) -> str:
    if key in ("0", "F18"):
        return pop.names[key]
    old_names = {
        "1805": "Narvik (-2019)",
        "1854": "Ballangen (-2019)",
        "1850": "Tysfjord (-2019)",
        "1849": "Hamarøy (-2019)",
    }
    return old_names.get(delivered, pop.names[key])


def _jsonstat(table_id, spec, variables, region_order, region_labels, years, cells: Cells) -> dict:
    query, labels = spec["query"], spec.get("labels", {})
    categories: dict[str, list[str]] = {spec["region_variable"]: region_order}
    for variable in variables[1:-1]:
        categories[variable] = list(query[variable])
    categories[spec["time_variable"]] = [str(y) for y in years]
    values: list[float | None] = []
    status: dict[str, str] = {}
    for combo in product(*(categories[v] for v in variables)):
        if combo in cells.statuses:
            status[str(len(values))] = cells.statuses[combo]
        values.append(cells.values.get(combo))
    dimension = {}
    for variable in variables:
        codes = categories[variable]
        names = region_labels if variable == spec["region_variable"] else labels.get(variable, {})
        category: dict = {
            "index": {c: i for i, c in enumerate(codes)},
            "label": {c: str(names.get(c, c)) for c in codes},
        }
        if variable == spec["contents_variable"]:
            category["unit"] = {
                c: {"base": "personer", "decimals": 1 if "Andel" in c else 0} for c in codes
            }
        dimension[variable] = {"label": variable, "category": category}
    origin = {
        "official_totals": "official totals, synthetic breakdown by sex and age",
        "synthetic": "synthetic sample values",
        "official": "official",
    }[spec["sample"]]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table_id}: {spec['title_nb']}",
        "source": "Statistisk sentralbyrå",
        "note": [f"bymonitor sample snapshot: {origin}. See data/sample/README.md."],
        "role": {
            "time": [spec["time_variable"]],
            "metric": [spec["contents_variable"]],
            "geo": [spec["region_variable"]],
        },
        "id": variables,
        "size": [len(categories[v]) for v in variables],
        "dimension": dimension,
        "value": values,
        "status": status,
        "extension": {
            "px": {"tableid": table_id, "language": "no"},
            "bymonitor": {"values": spec["sample"], "generator_seed": SEED},
        },
    }


def generate(shared: Path, output_dir: Path, seed: int = SEED) -> list[Path]:
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["tables"]
    generator = Generator(official_population(shared), seed)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table_id, spec in catalogue.items():
        dataset = build_dataset(table_id, spec, generator)
        path = output_dir / f"{table_id}.json"
        path.write_text(
            json.dumps(dataset, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
        )
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for path in generate(args.shared, args.output, args.seed):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
