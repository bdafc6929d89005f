"""Write the embedded StatBank snapshot: one JSON-stat2 file per table in the catalogue.

Each file has the shape PxWebApi 2 returns for the catalogue's query (region codes as the
table's codelist writes them: `K-1804`, `K_1804` or `1804`; `F-18`, `F_18` or `18`; `0`), for
all 41 Nordland municipalities (07459 and 13470: every municipality in Norway), Nordland and
Norway, from
the table's first year to the latest
year its publishing lag allows for a report on 1 January 2026 (07459, 09817 and 10309 to 2026;
06913, 09588, 09429, 11616, 13470 and 13472 to 2025; 08316 to 2024).

`extension.bymonitor.values` in each file says where its figures come from:
- `official`: table 07459 is SSB's (Statistisk sentralbyrå), from ../shared/data/ssb;
- `synthetic`: every other table is made by this seeded generator (the same seed gives
  byte-identical files). Its values are not SSB's figures.

07459, SSB's population on 1 January by sex and age (agg_Funksjonell4):
- 2005–2026: SSB's cells for the municipalities (all 357) and Norway (2024 borders); where the
  reference data has estimates for a municipality a reform split (Narvik, Hamarøy, Ålesund,
  Haram, Heim, Hitra, Orkland), 0, as SSB's summed series deliver a code before its borders;
- 2001–2004 are left out: the reference data has totals only, and StatBank does publish these
  years by sex and age, so no cell may say it lacks them (a null with ".."); the snapshot starts
  in 2005 (a live run asks from the catalogue's first_year, 2001);
- Narvik (1806) and Hamarøy (1875) before 2020: 0, as SSB's summed series (agg_KommSummer)
  deliver them. The reference data's values there are estimates on today's borders, not SSB's;
  they are never written into 07459;
- Nordland (F-18), 2005–2019: the reference data's county rows contain those estimates and
  miss SSB's county totals by 2 to 22 persons. Written: the 39 other municipalities' SSB cells
  plus the Narvik and Hamarøy area, whose SSB total (SSB's F-18 minus the 39) is split by sex and
  age in proportion to the estimates. Totals are SSB's; a cell may be a few persons off SSB's.

The synthetic tables are built on SSB's population and obey what a reader can check:
- 06913: Folkemengde is SSB's population on 1 January. Births follow SSB's number of women aged
  20–44 (a national rate per woman that falls after 2009, a fixed level per municipality and
  yearly noise); deaths follow SSB's population by age (rates for under 67, 67–79, 80–89 and 90+,
  falling over time). Net migration closes the accounting identity: births − deaths + net
  migration = SSB's population on 1 January next year − this year − a residual (SSB's
  corrections), |residual| ≤ max(1, 0.01 % of the population); Folketilvekst = births − deaths +
  net migration. In- and out-migrations of Nordland exclude moves between its municipalities;
  Norway's are immigrations and emigrations;
- 09588: NettoInnland + Nettoinnvandring = 06913's Nettoinnflytting; Norway's NettoInnland is 0
  (domestic moves cancel out) and its Nettoinnvandring is Norway's net migration;
- every count of Nordland is the sum of its municipalities' (before 2020 in plain-code tables,
  of the codes valid then);
- jobs, commuting, sectors, education, establishments, new enterprises and immigrants: levels
  per municipality within ranges (RANGES; fixed levels for the ten towns and Norway, TOWN_LEVELS
  and NORWAY_LEVELS) applied to SSB's population by age. data/sample/README.md lists them;
- 13470 covers every municipality (the economic model of town_peers compares each town with
  the rest of Norway): outside Nordland each industry is tilted by a lasting random factor per
  municipality (log-normal, INDUSTRY_SPREAD), and Norway's jobs are the sum of all
  municipalities' (in 13472 too, which has the same totals).

How StatBank behaves, mimicked on purpose so the pipeline is tested against it:
- summed series (`K-`/`K_` codes) return 0 for Narvik (1806) and Hamarøy (1875) before 2020;
- tables with plain codes use the codes valid in each year: 1805 Narvik, 1854 Ballangen,
  1850 Tysfjord and 1849 Hamarøy until 2019; a code not valid in a year has status ".";
- very small counts of new enterprises are suppressed (value null, status ":");
- 11616 has an age dimension (Alder) with the single code 15-74, as SSB's table does.

It also writes the seed dbt/seeds/municipality_area.csv (every municipality's county and area,
for population density; `write_area_seed`).

Run: `python data/sample/generate_sample.py [--shared ../shared/data/ssb]` (or `make sample`).
Source of the official figures: Statistisk sentralbyrå (SSB), table 07459, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "ssb"
CATALOGUE = REPO / "data" / "catalogue" / "statbank_tables.yml"
AREA_SEED = REPO / "dbt" / "seeds" / "municipality_area.csv"
AREA_SOURCE = (
    "area: open geodata repository (MIT licence), as in ../shared/data/ssb/"
    "municipalities_population_1jan2024.csv; population 1 January 2024: Statistisk sentralbyrå "
    "(SSB), table 07459, CC BY 4.0"
)
MUNICIPALITIES = REPO / "dbt" / "seeds" / "nordland_municipalities.csv"
OUTPUT_DIR = HERE / "statbank"

REPORT_YEAR = 2026  # the latest 1 January in the reference data; tables end at it minus their lag
SEED = 2024
REFORM_YEAR = 2020
FIRST_AGE_YEAR = 2005  # the reference data has SSB's split by sex and age from 2005
SEXES = ("1", "2")
AGES = ("F311", "F312", "F313", "F314", "F315", "F316", "F317", "F318", "F319", "F320")
UNDER_67, AGED_67_79, AGED_80_89, AGED_90 = AGES[:7], AGES[7:8], AGES[8:9], AGES[9:]
AGED_16_PLUS = AGES[4:]
SPLIT_AREA = ("1806", "1875")  # no SSB series before 2020 (the Tysfjord split)
# Codes valid until 2019 for territory that is Narvik (1806) or Hamarøy (1875) today, with the
# share of today's municipality each is given in the synthetic plain-code tables.
OLD_CODES = {"1806": {"1805": 0.80, "1854": 0.10, "1850": 0.10}, "1875": {"1849": 1.0}}
# Dimensions SSB's table has that the catalogue's query eliminates: written after Region.
EXTRA_DIMENSIONS = {"11616": {"Alder": {"15-74": "15-74 år"}}}
SHARES = {"AndelBefolkning"}  # contents that are shares: not summed, not split
NOT_ADDITIVE = {"Innflyttinger", "Utflyttinger"}  # moves inside the county cancel out

# Levels of the synthetic tables per municipality: drawn once per municipality (seeded) from
# these ranges, except for the ten towns and Norway (below). See data/sample/README.md.
RANGES = {
    "fertility": (0.85, 1.15),  # births per woman 20–44, relative to the national rate
    "mortality": (0.92, 1.08),  # deaths relative to the age-specific rates
    "immigration": (0.6, 1.6),  # net immigration per inhabitant, relative to Norway's
    "moving": (0.040, 0.070),  # in-migrations per inhabitant
    "employment": (0.76, 0.83),  # employed residents per inhabitant aged 20–66
    "coverage": (0.70, 1.00),  # jobs located in the municipality per employed resident
    "local_work": (0.60, 0.85),  # of min(employed residents, jobs): live and work there
    "private": (0.55, 0.75),  # private sector share of jobs
    "state": (0.03, 0.09),  # central government share of jobs
    "higher": (0.18, 0.27),  # 16 and over with higher education, 2025
    "establishments": (0.075, 0.130),  # establishments per inhabitant, 2026
    "new_enterprises": (0.005, 0.010),  # new enterprises per inhabitant
    "immigrants": (0.07, 0.22),  # immigrants' share of the population, 2026
    "born_to_immigrants": (0.006, 0.020),  # Norwegian-born to immigrant parents, 2026
}
TOWN_LEVELS = {  # approximate levels for the ten towns (not SSB's figures)
    "1804": {"coverage": 1.08, "local_work": 0.93, "private": 0.58, "state": 0.16,
             "higher": 0.37, "immigrants": 0.115, "establishments": 0.090},  # Bodø
    "1806": {"coverage": 1.02, "local_work": 0.90, "private": 0.63, "state": 0.09,
             "higher": 0.30, "immigrants": 0.125, "establishments": 0.085},  # Narvik
    "1833": {"coverage": 1.03, "local_work": 0.92, "private": 0.70, "state": 0.07,
             "higher": 0.27, "immigrants": 0.130, "establishments": 0.080},  # Rana
    "1824": {"coverage": 1.00, "local_work": 0.86, "private": 0.66, "state": 0.06,
             "higher": 0.24, "immigrants": 0.120, "establishments": 0.095},  # Vefsn
    "1820": {"coverage": 1.06, "local_work": 0.80, "private": 0.60, "state": 0.08,
             "higher": 0.29, "immigrants": 0.140, "establishments": 0.095},  # Alstahaug
    "1813": {"coverage": 1.05, "local_work": 0.85, "private": 0.58, "state": 0.15,
             "higher": 0.28, "immigrants": 0.125, "establishments": 0.105},  # Brønnøy
    "1841": {"coverage": 0.93, "local_work": 0.72, "private": 0.64, "state": 0.06,
             "higher": 0.24, "immigrants": 0.100, "establishments": 0.090},  # Fauske
    "1865": {"coverage": 1.02, "local_work": 0.87, "private": 0.68, "state": 0.06,
             "higher": 0.28, "immigrants": 0.145, "establishments": 0.120},  # Vågan
    "1860": {"coverage": 0.97, "local_work": 0.86, "private": 0.68, "state": 0.05,
             "higher": 0.25, "immigrants": 0.150, "establishments": 0.115},  # Vestvågøy
    "1870": {"coverage": 1.06, "local_work": 0.84, "private": 0.66, "state": 0.07,
             "higher": 0.28, "immigrants": 0.110, "establishments": 0.100},  # Sortland
}  # fmt: skip
NORWAY_LEVELS = {
    "fertility": 1.0, "mortality": 1.0, "moving": 0.0075, "employment": 0.79, "coverage": 1.0,
    "private": 0.69, "state": 0.09, "higher": 0.37, "establishments": 0.105,
    "new_enterprises": 0.0110, "immigrants": 0.175, "born_to_immigrants": 0.036,
}  # fmt: skip
# Births per woman aged 20–44 in Norway (anchor years, linear between): rising to 2009, then
# falling, as Norway's fertility did. A model, not SSB's figures.
BIRTH_RATE = {2001: 0.071, 2009: 0.076, 2016: 0.068, 2020: 0.061, 2022: 0.059, 2025: 0.060}
# Deaths per person and year by age (2023 level), 15 % higher per decade back.
DEATH_RATE = {UNDER_67: 0.0012, AGED_67_79: 0.018, AGED_80_89: 0.070, AGED_90: 0.230}
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
INDUSTRY_SPREAD = 0.5  # outside Nordland: log-normal spread of an industry's lasting tilt
INDUSTRY_TILT = {
    "1833": {"10-33": 2.0},
    "1865": {"01-03": 2.2, "55-56": 1.5},
    "1860": {"01-03": 1.8},
    "1804": {"84": 1.5, "85": 1.3},
    "1806": {"49-53": 1.7},
    "1813": {"84": 1.6},
}


def read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split a non-negative integer total in proportion to weights, summing exactly to it."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def split_exact(value: int, shares: list[float]) -> list[int]:
    """Split an integer (possibly negative) by shares; the parts sum exactly to the value."""
    parts = [round(value * s) for s in shares[:-1]]
    return [*parts, value - sum(parts)]


# --------------------------------------------------------------------------- SSB's population
Cells07459 = dict[tuple[str, str], int]  # (sex, age group) → persons


@dataclass
class Population:
    """SSB's population on 1 January, by region key ('0', 'F18' or a municipality code).

    `official` holds what 07459 delivers (SSB's cells; absent where the reference data has no
    split). `base_*` is what the synthetic tables are built on: SSB's figures, and where SSB has
    none (Narvik and Hamarøy before 2020, any split before 2005) the documented stand-ins.
    """

    municipalities: list[str]
    names: dict[str, str]
    official: dict[tuple[str, int], Cells07459]
    totals: dict[str, dict[int, int]]  # SSB's totals, 2001–2026 (the split area: stand-ins)
    cells: dict[tuple[str, int], dict[tuple[str, str], float]]  # base cells, 2001–2026
    others: list[str] = field(default_factory=list)  # the rest of Norway: 07459 only

    def total(self, region: str, year: int) -> int:
        return self.totals[region][year]

    def group(self, region: str, year: int, ages: Iterable[str], sex: str | None = None) -> float:
        # the rest of Norway has only SSB's cells (2005 on), which the tables built on it need
        cells = self.cells.get((region, year)) or self.official[(region, year)]
        return sum(cells[(s, a)] for s in SEXES for a in ages if sex in (None, s))


def official_population(shared: Path) -> Population:
    seeds = read_csv(MUNICIPALITIES)
    codes = [m["municipality_code"] for m in seeds]
    names = {m["municipality_code"]: m["municipality_name"] for m in seeds}
    names.update({"F18": "Nordland", "0": "Hele landet"})
    years = range(2001, REPORT_YEAR + 1)

    # SSB's totals 2001–2022 (agg_KommSummer; Norway as the sum of its counties)
    totals: dict[str, dict[int, int]] = defaultdict(dict)
    for row in read_csv(shared / "population_07459_all_municipalities_2001-2022.csv"):
        year, value = int(row["year"]), int(row["population"])
        if row["ssb_id"].startswith("F-"):
            totals["0"][year] = totals["0"].get(year, 0) + value
            if row["ssb_id"] == "F-18":
                totals["F18"][year] = value
        elif row["ssb_id"] == f"K-{row['municipality_id']}" and row["municipality_id"] in names:
            totals[row["municipality_id"]][year] = value

    # SSB's cells by sex and age 2005–2026; the estimates (split area before 2020) apart
    official: dict[tuple[str, int], Cells07459] = defaultdict(dict)
    estimates: dict[tuple[str, int], Cells07459] = defaultdict(dict)
    for row in read_csv(shared / "population_by_sex_agegroup_2005-2026.csv.gz"):
        level, code = row["level"], row["code"]
        key = {"nation": "0", "county": "F18" if code == "18" else None}.get(level, code)
        if key not in names:
            continue
        cell_key, value = (row["sex"], row["age_group"]), int(row["population"])
        target = estimates if row["estimate"] == "True" else official
        target[(key, int(row["year"]))][cell_key] = value
    for region, year in list(official):
        total = sum(official[(region, year)].values())
        known = totals[region].get(year)
        assert known in (None, total), (region, year, known, total)
        totals[region][year] = total

    # Nordland 2005–2019: the 39 municipalities' SSB cells plus the split area, whose SSB total
    # is shared out by sex and age in proportion to the estimates
    others = [m for m in codes if m not in SPLIT_AREA]
    for year in range(FIRST_AGE_YEAR, REFORM_YEAR):
        area = {k: sum(estimates[(m, year)][k] for m in SPLIT_AREA) for k in product(SEXES, AGES)}
        known = totals["F18"][year] - sum(totals[m][year] for m in others)
        parts = dict(zip(area, largest_remainder(known, list(area.values())), strict=True))
        official[("F18", year)] = {
            k: sum(official[(m, year)][k] for m in others) + parts[k] for k in area
        }
    for code, year in product(SPLIT_AREA, range(2001, REFORM_YEAR)):
        assert totals[code][year] == 0, (code, year)  # SSB's summed series: 0 before 2020
        official[(code, year)] = dict.fromkeys(product(SEXES, AGES), 0)

    # Stand-ins for the synthetic tables where SSB has no figure: the split area's SSB total
    # (Nordland minus the 39) shared between Narvik and Hamarøy as the estimates do (as in
    # 2005 for 2001–2004); before 2005 every region's 2005 age structure scaled to its total
    cells: dict[tuple[str, int], dict[tuple[str, str], float]] = {}
    for year in years:
        if year < REFORM_YEAR:
            area_total = totals["F18"][year] - sum(totals[m][year] for m in others)
            first, second = (estimates[(m, max(year, FIRST_AGE_YEAR))] for m in SPLIT_AREA)
            share = sum(first.values()) / (sum(first.values()) + sum(second.values()))
            totals[SPLIT_AREA[0]][year] = round(area_total * share)
            totals[SPLIT_AREA[1]][year] = area_total - totals[SPLIT_AREA[0]][year]
    for year, region in product(range(REPORT_YEAR, 2000, -1), [*codes, "F18", "0"]):
        if year < FIRST_AGE_YEAR:
            source = cells[(region, year + 1)]
        elif region in SPLIT_AREA and year < REFORM_YEAR:
            source = estimates[(region, year)]
        else:
            source = official[(region, year)]
        scale = totals[region][year] / sum(source.values())
        cells[(region, year)] = {k: v * scale for k, v in source.items()}

    for year in years:  # the county is the sum of its municipalities in every year
        assert totals["F18"][year] == sum(totals[m][year] for m in codes), year
    others = rest_of_norway(shared, set(codes), names, official)
    return Population(codes, names, dict(official), dict(totals), cells, others)


def rest_of_norway(
    shared: Path,
    nordland: set[str],
    names: dict[str, str],
    official: dict[tuple[str, int], Cells07459],
) -> list[str]:
    """SSB's cells of every municipality outside Nordland into `official` (07459 only, so towns
    can be compared with similar municipalities across Norway). Where the reference data has an
    estimate (a municipality split by a reform: 1508 and 1580 before 2024; 5055, 5056 and 5059
    before 2020) the cells are 0, as SSB's summed series deliver a code before its borders
    existed; a year the reference data lacks (Vindafjord and Aure in 2005) stays "..".
    """
    others: set[str] = set()
    for row in read_csv(shared / "population_by_sex_agegroup_2005-2026.csv.gz"):
        code = row["code"]
        if row["level"] != "municip" or code in nordland:
            continue
        others.add(code)
        names.setdefault(code, row["name"])
        value = 0 if row["estimate"] == "True" else int(row["population"])
        official.setdefault((code, int(row["year"])), {})[(row["sex"], row["age_group"])] = value
    return sorted(others)


def interpolate(anchors: dict[int, float], year: int) -> float:
    """Linear between anchor years, flat beyond them."""
    points = sorted(anchors)
    if year <= points[0] or year >= points[-1]:
        return anchors[points[0] if year <= points[0] else points[-1]]
    after = next(p for p in points if p >= year)
    before = max(p for p in points if p <= year)
    if before == after:
        return anchors[before]
    weight = (year - before) / (after - before)
    return anchors[before] + weight * (anchors[after] - anchors[before])


# --------------------------------------------------------------------------- synthetic tables
Key = tuple[str, ...]  # (region key, *codes in query order, contents code, year)


@dataclass(frozen=True)
class Flows:
    """Population changes of one calendar year (06913, 09588)."""

    births: int
    deaths: int
    net: int  # net migration
    immigration: int  # net immigration (the rest of net migration is domestic)
    inflow: int
    outflow: int
    residual: int  # SSB's corrections: change on 1 January − (births − deaths + net)


class Generator:
    def __init__(self, population: Population, seed: int = SEED) -> None:
        self.pop = population
        self.seed = seed

    def rng(self, *key: object) -> random.Random:
        """A random stream per (purpose, region, ...) so one table's change leaves others alone."""
        return random.Random(f"{self.seed}:{':'.join(map(str, key))}")

    @cache  # noqa: B019 (one generator per run)
    def level(self, name: str, region: str) -> float:
        """A municipality's level of one synthetic quantity (see RANGES)."""
        if region == "0":
            return NORWAY_LEVELS[name]
        if name in TOWN_LEVELS.get(region, {}):
            return TOWN_LEVELS[region][name]
        low, high = RANGES[name]
        return self.rng("level", name, region).uniform(low, high)

    def regions(self) -> list[str]:
        return [*self.pop.municipalities, "F18", "0"]

    # ---- population changes
    def expected_deaths(self, region: str, year: int) -> float:
        trend = 1 + 0.015 * (2023 - year)
        return trend * sum(
            rate * self.pop.group(region, year, ages) for ages, rate in DEATH_RATE.items()
        )

    @cache  # noqa: B019
    def flows(self, region: str, year: int) -> Flows:
        pop = self.pop
        if region == "F18":
            parts = [self.flows(m, year) for m in pop.municipalities]
            summed = {f: sum(getattr(p, f) for p in parts) for f in Flows.__dataclass_fields__}
            inside = round(0.4 * min(summed["inflow"], summed["outflow"]))  # moves in Nordland
            summed["inflow"] -= inside
            summed["outflow"] -= inside
            return Flows(**summed)
        population = pop.total(region, year)
        noise = self.rng("flows", region, year)
        national = region == "0"
        spread = 0.01 if national else 0.08
        women = pop.group(region, year, ("F316",), sex="2")
        births = round(
            interpolate(BIRTH_RATE, year)
            * self.level("fertility", region)
            * women
            * noise.uniform(1 - spread, 1 + spread)
        )
        deaths = round(
            self.expected_deaths(region, year)
            * self.level("mortality", region)
            * noise.uniform(1 - spread - 0.02, 1 + spread + 0.02)
        )
        limit = max(1, int(0.0001 * population))
        residual = noise.randint(-limit, limit)
        net = pop.total(region, year + 1) - population - residual - (births - deaths)
        if national:  # moves inside the country cancel out: all net migration is immigration
            emigration = round(population * self.level("moving", region) * noise.uniform(0.9, 1.1))
            return Flows(births, deaths, net, net, net + emigration, emigration, residual)
        rate = self.flows("0", year).immigration / pop.total("0", year)
        immigration = round(
            population * rate * self.level("immigration", region) * noise.uniform(0.7, 1.3)
        )
        inflow = round(population * self.level("moving", region) * noise.uniform(0.9, 1.1))
        inflow = max(inflow, net + round(0.02 * population), immigration + round(0.02 * population))
        return Flows(births, deaths, net, immigration, inflow, inflow - net, residual)

    # ---- labour market
    @cache  # noqa: B019
    def employed(self, region: str, year: int) -> int:
        if region == "F18":
            return sum(self.employed(m, year) for m in self.pop.municipalities)
        group = self.pop.group
        rate = self.level("employment", region) * self.rng("emp", region, year).uniform(0.99, 1.01)
        return round(
            rate * group(region, year, ("F316", "F317"))
            + 0.30 * group(region, year, ("F315",))
            + 0.08 * group(region, year, ("F318",))
        )

    @cache  # noqa: B019
    def jobs(self, region: str, year: int) -> int:
        """Jobs located in a region; Nordland and Norway are the sums of their municipalities."""
        if region in ("F18", "0"):
            members = self.pop.municipalities
            if region == "0":
                members = [*members, *self.pop.others]
            return sum(self.jobs(m, year) for m in members)
        noise = self.rng("jobs", region, year).uniform(0.99, 1.01)
        return round(self.employed(region, year) * self.level("coverage", region) * noise)

    @cache  # noqa: B019
    def industry_tilt(self, region: str) -> dict[str, float]:
        """How much more (or less) common each industry is in a municipality than in the
        typical Nordland profile: the towns' documented tilts; outside Nordland a lasting random
        tilt per industry (a municipality's mix differs as Norway's do), 1 elsewhere in Nordland."""
        if region in self.pop.municipalities:
            return INDUSTRY_TILT.get(region, {})
        rng = self.rng("industry_tilt", region)
        return {nace: rng.lognormvariate(0, INDUSTRY_SPREAD) for nace in INDUSTRY_PROFILE}

    def local_workers(self, region: str, year: int) -> int:
        commuting = (1 - self.level("local_work", region)) * self.rng(
            "local", region, year
        ).uniform(0.94, 1.06)
        return round(min(self.employed(region, year), self.jobs(region, year)) * (1 - commuting))

    # ---- one method per table: values keyed by (region key, *codes, contents, year)
    def t07459(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product([*self.regions(), *self.pop.others], years):
            cells = self.pop.official.get((region, year))
            for sex, age in product(q["Kjonn"], q["Alder"]):
                value = cells[(sex, age)] if cells else None
                out[(region, sex, age, "Personer1", str(year))] = value
        return out

    def t06913(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            f = self.flows(region, year)
            values = {
                "Folkemengde": self.pop.total(region, year),
                "Levende": f.births,
                "Dode": f.deaths,
                "Fodselsoverskudd": f.births - f.deaths,
                "Innflyttinger": f.inflow,
                "Utflyttinger": f.outflow,
                "Nettoinnflytting": f.net,
                "Folketilvekst": f.births - f.deaths + f.net,
            }
            for contents in q["ContentsCode"]:
                out[(region, contents, str(year))] = values[contents]
        return out

    def t09588(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.regions(), years):
            f = self.flows(region, year)
            values = {"NettoInnland": f.net - f.immigration, "Nettoinnvandring": f.immigration}
            for contents in q["ContentsCode"]:
                out[(region, contents, str(year))] = values[contents]
        return out

    def t13470(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product([*self.pop.municipalities, *self.pop.others], years):
            tilt = self.industry_tilt(region)
            noise = self.rng("nace", region, year)
            weights = [
                INDUSTRY_PROFILE[n] * tilt.get(n, 1.0) * noise.uniform(0.9, 1.1)
                for n in q["NACE2007"]
            ]
            parts = largest_remainder(self.jobs(region, year), weights)
            for nace, value in zip(q["NACE2007"], parts, strict=True):
                out[(region, nace, "SysselsatteArb", str(year))] = value
        return with_country(with_county(out, self.pop), self.pop)

    def t13472(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product([*self.pop.municipalities, "0"], years):
            noise = self.rng("sector", region, year)
            private = self.level("private", region) * noise.uniform(0.97, 1.03)
            state = self.level("state", region) * noise.uniform(0.95, 1.05)
            county_admin = (0.045 if region == "1804" else 0.025) * noise.uniform(0.9, 1.1)
            enterprises = 0.035 * noise.uniform(0.8, 1.2)
            municipal = 1 - private - state - county_admin - enterprises
            weights = [state, municipal, county_admin, enterprises, private]  # catalogue order
            parts = largest_remainder(self.jobs(region, year), weights)
            for sector, value in zip(q["Sektor"], parts, strict=True):
                out[(region, "00-99", sector, "SysselEtterArbste", str(year))] = value
        return with_county(out, self.pop)

    def t11616(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product(self.pop.municipalities, years):
            employed, jobs = self.employed(region, year), self.jobs(region, year)
            local = self.local_workers(region, year)
            values = {
                "SysselBosted": employed,
                "SysselArbsted": jobs,
                "Innpendlere": jobs - local,
                "Utpendlere": employed - local,
            }
            for age, contents in product(q["Alder"], q["ContentsCode"]):
                out[(region, age, contents, str(year))] = values[contents]
        return out

    def t09429(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product([*self.pop.municipalities, "0"], years):
            t = (year - 2004) / (2025 - 2004)
            level = self.level("higher", region)
            higher = level * (0.66 + 0.34 * t)
            long = 0.22 + 0.4 * (level - 0.18)
            unknown = 0.015 + 0.1 * self.level("immigrants", region)
            shares = [
                0.32 - 0.08 * t - 0.3 * (level - 0.25),  # primary school only
                0.0,  # upper secondary: the rest
                0.02 + 0.01 * t,  # vocational college
                higher * (1 - long),
                higher * long,
                unknown,
            ]
            shares[1] = 1 - sum(shares)
            noise = self.rng("edu", region, year)
            weights = [s * noise.uniform(0.97, 1.03) for s in shares]
            adults = round(self.pop.group(region, year, AGED_16_PLUS))
            for level_code, value in zip(
                q["Nivaa"], largest_remainder(adults, weights), strict=True
            ):
                out[(region, level_code, "0", "Personer", str(year))] = value
        return with_county(out, self.pop)

    def t10309(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        shares = [0.62, 0.20, 0.07, 0.05, 0.035, 0.012, 0.008, 0.005]
        for region, year in product([*self.pop.municipalities, "0"], years):
            noise = self.rng("est", region, year)
            trend = 0.85 + 0.15 * (year - 2009) / (REPORT_YEAR - 2009)
            per_person = self.level("establishments", region) * trend * noise.uniform(0.97, 1.03)
            total = round(self.pop.total(region, year) * per_person)
            parts = largest_remainder(total, [s * noise.uniform(0.9, 1.1) for s in shares])
            for size, value in zip(q["AntAnsatte"], parts, strict=True):
                out[(region, "00-99", size, "Bedrifter", str(year))] = value
        return out

    def t08316(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        fixed = tuple(
            q[v][0] for v in ("NACE2007", "OrgFormer", "AntSyss", "OverlevAar", "Overlevelse")
        )
        for region, year in product(self.pop.municipalities, years):
            noise = self.rng("new", region, year)
            out[(region, *fixed, "Foretak", str(year))] = round(
                self.pop.total(region, year)
                * self.level("new_enterprises", region)
                * noise.uniform(0.75, 1.25)
            )
        return out

    def t09817(self, years: range, q: dict) -> dict[Key, float | None]:
        out: dict[Key, float | None] = {}
        for region, year in product([*self.pop.municipalities, "0"], years):
            t = (year - 2010) / (REPORT_YEAR - 2010)
            start = (0.54, 0.55) if region == "0" else (0.42, 0.40)  # share of the 2026 level
            levels = {
                "B": self.level("immigrants", region) * (start[0] + (1 - start[0]) * t),
                "C": self.level("born_to_immigrants", region) * (start[1] + (1 - start[1]) * t),
            }
            noise = self.rng("imm-share", region, year)
            population = self.pop.total(region, year)
            for category in q["InnvandrKat"]:
                share = levels[category] * noise.uniform(0.98, 1.02)
                out[(region, category, "999", "Personer1", str(year))] = round(population * share)
        out = with_county(out, self.pop)
        for key in list(out):
            region, year = key[0], int(key[-1])
            share_key = (*key[:-2], "AndelBefolkning", key[-1])
            out[share_key] = round(100 * out[key] / self.pop.total(region, year), 1)
        return out


def with_county(produced: dict[Key, float | None], pop: Population) -> dict[Key, float | None]:
    """Nordland's counts as the sum of its municipalities', as in StatBank."""
    totals: dict[Key, int] = defaultdict(int)
    for key, value in produced.items():
        if key[0] in pop.municipalities and key[-2] not in SHARES:
            totals[("F18", *key[1:])] += value
    return {**produced, **totals}


def with_country(produced: dict[Key, float | None], pop: Population) -> dict[Key, float | None]:
    """Norway's counts as the sum of every municipality's, for a table generated for all."""
    totals: dict[Key, int] = defaultdict(int)
    for key, value in produced.items():
        if key[0] not in ("F18", "0") and key[-2] not in SHARES:
            totals[("0", *key[1:])] += value or 0
    return {**produced, **totals}


# --------------------------------------------------------------------------- per-table shape
@dataclass
class Cells:
    values: dict[Key, float | None] = field(default_factory=dict)
    statuses: dict[Key, str] = field(default_factory=dict)

    def put(self, key: Key, value: float | None, status: str | None = None) -> None:
        self.values[key] = value
        if status:
            self.statuses[key] = status


def region_codes(
    spec: dict, pop: Population, year: int
) -> Iterable[tuple[str, str, int, list[float]]]:
    """(code as delivered, region key, part, shares) per region valid in a year: a code valid
    until 2019 is part `part` of today's municipality split by `shares`."""
    seen = set()
    for group in spec["regions"]:
        if not group.get("from", year) <= year <= group.get("to", year):
            continue
        if group["codes"] in ("nordland_municipalities", "all_municipalities"):
            fmt = group["format"]
            every = sorted([*pop.municipalities, *pop.others])
            for code in every if group["codes"] == "all_municipalities" else pop.municipalities:
                if fmt == "{code}" and code in OLD_CODES and year < REFORM_YEAR:
                    shares = list(OLD_CODES[code].values())
                    for part, old in enumerate(OLD_CODES[code]):
                        if old not in seen:
                            seen.add(old)
                            yield old, code, part, shares
                elif (delivered := fmt.format(code=code)) not in seen:
                    seen.add(delivered)
                    yield delivered, code, 0, [1.0]
        else:
            for code in group["codes"]:
                if code not in seen:
                    seen.add(code)
                    yield code, "0" if code == "0" else "F18", 0, [1.0]


# Where the snapshot starts later than the catalogue asks a live run to: 07459 by sex and age
# exists in the reference data from 2005 only.
SNAPSHOT_FIRST_YEAR = {"07459": 2005}


def build_dataset(table_id: str, spec: dict, generator: Generator) -> dict:
    pop = generator.pop
    first_year = max(spec["first_year"], SNAPSHOT_FIRST_YEAR.get(table_id, 0))
    years = range(first_year, REPORT_YEAR - spec["lag_years"] + 1)
    extra = EXTRA_DIMENSIONS.get(table_id, {})
    extra = {v: codes for v, codes in extra.items() if v not in spec["query"]}
    query = {**{v: list(codes) for v, codes in extra.items()}, **spec["query"]}
    others = [v for v in query if v != spec["contents_variable"]]
    variables = [spec["region_variable"], *others, spec["contents_variable"], spec["time_variable"]]
    produced = getattr(generator, f"t{table_id}")(years, query)
    combos = list(product(*(query[v] for v in others), query[spec["contents_variable"]]))
    summed = "{code}" not in [g.get("format") for g in spec["regions"]]

    cells = Cells()
    region_order: list[str] = []
    region_labels: dict[str, str] = {}
    for year in years:
        for delivered, key, part, shares in region_codes(spec, pop, year):
            if delivered not in region_labels:
                region_order.append(delivered)
                region_labels[delivered] = _region_label(delivered, key, pop)
            for combo in combos:
                source = produced.get((key, *combo, str(year)))
                cell_key = (delivered, *combo, str(year))
                if source is None:
                    cells.put(cell_key, None, "..")
                    continue
                value = source
                if summed and key in OLD_CODES and year < REFORM_YEAR:
                    value = 0  # SSB's summed series before the new borders existed
                elif len(shares) > 1 and combo[-1] not in SHARES:
                    value = split_exact(source, shares)[part]
                if table_id == "08316" and value < 3:
                    cells.put(cell_key, None, ":")  # suppressed small count
                    continue
                cells.put(cell_key, value)
    for delivered, year, combo in product(region_order, years, combos):
        cell_key = (delivered, *combo, str(year))
        if cell_key not in cells.values:  # a code not valid that year
            cells.put(cell_key, None, ".")
    categories = {spec["region_variable"]: region_order}
    labels = {**EXTRA_DIMENSIONS.get(table_id, {}), **spec.get("labels", {})}
    labels[spec["region_variable"]] = region_labels
    for variable in [*others, spec["contents_variable"]]:
        categories[variable] = list(query[variable])
    categories[spec["time_variable"]] = [str(y) for y in years]
    return _jsonstat(table_id, spec, variables, categories, labels, cells)


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


ORIGIN_NOTES = {
    "official": "official figures from Statistics Norway (SSB), by sex and age, 2005-2026",
    "synthetic": "synthetic sample values, not SSB's figures",
}


def _jsonstat(table_id, spec, variables, categories, labels, cells: Cells) -> dict:
    values: list[float | None] = []
    status: dict[str, str] = {}
    for combo in product(*(categories[v] for v in variables)):
        if combo in cells.statuses:
            status[str(len(values))] = cells.statuses[combo]
        values.append(cells.values.get(combo))
    dimension = {}
    for variable in variables:
        codes = categories[variable]
        names = labels.get(variable, {})
        category: dict = {
            "index": {c: i for i, c in enumerate(codes)},
            "label": {c: str(names.get(c, c)) for c in codes},
        }
        if variable == spec["contents_variable"]:
            category["unit"] = {
                c: {"base": "personer", "decimals": 1 if "Andel" in c else 0} for c in codes
            }
        dimension[variable] = {"label": variable, "category": category}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table_id}: {spec['title_nb']}",
        "source": "Statistisk sentralbyrå",
        "note": [
            f"bymonitor sample snapshot: {ORIGIN_NOTES[spec['sample']]}. See data/sample/README.md."
        ],
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


def write_area_seed(shared: Path, path: Path = AREA_SEED) -> Path:
    """The seed with every municipality's area (km²), for population density: copied from the
    reference file with its source, ordered by code."""
    rows = read_csv(shared / "municipalities_population_1jan2024.csv")
    rows.sort(key=lambda r: r["id"])
    counties = {  # the Norwegian name, without the Sami or Kven form SSB adds after a hyphen
        row["code"]: row["name"].split("-")[0]
        for row in read_csv(shared / "population_by_sex_agegroup_2005-2026.csv.gz")
        if row["level"] == "county"
    }
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["municipality_code", "municipality_name", "county_code", "county_name",
                         "area_km2", "population_1jan2024", "source"])  # fmt: skip
        for row in rows:
            county = row["id"][:2]
            writer.writerow([row["id"], row["name_no"], county, counties[county],
                             row["area_km2"], row["population"], AREA_SOURCE])  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for path in generate(args.shared, args.output, args.seed):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    if args.output == OUTPUT_DIR:
        print(f"wrote {write_area_seed(args.shared)}")


if __name__ == "__main__":
    main()
