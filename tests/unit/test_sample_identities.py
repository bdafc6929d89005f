"""The embedded snapshot obeys what a reader would check: the accounting identity per
municipality and year, Norway's domestic moves, county sums, 09588 against 06913, and SSB's
07459 where ../shared/data has it."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from helpers import SAMPLE_DIR

from flows.ingest import jsonstat
from flows.settings import REPO_ROOT

MUNICIPALITIES = [
    row["municipality_code"]
    for row in csv.DictReader(
        (REPO_ROOT / "dbt" / "seeds" / "nordland_municipalities.csv").open(encoding="utf-8")
    )
]
SPLIT_AREA = {"1806", "1875"}  # no SSB series before the 2020 reform
OLD_CODES = {"1805", "1854", "1850", "1849"}  # plain codes valid until 2019 for that area
ADDITIVE = {  # table: its counts that add up from municipalities to Nordland
    "06913": ["Folkemengde", "Levende", "Dode", "Fodselsoverskudd", "Nettoinnflytting",
              "Folketilvekst"],
    "09588": ["NettoInnland", "Nettoinnvandring"],
    "13470": ["SysselsatteArb"],
    "13472": ["SysselEtterArbste"],
    "09429": ["Personer"],
    "09817": ["Personer1"],
}  # fmt: skip


@cache
def cells(table: str) -> dict[tuple, float | None]:
    """(region, time, contents, *other codes in order) → value."""
    dataset = jsonstat.read_file(SAMPLE_DIR / f"{table}.json")
    out = {}
    for cell in dataset.cells():
        codes = dict(cell.codes)
        key = (codes.pop("Region"), codes.pop("Tid"), codes.pop("ContentsCode"))
        out[(*key, *codes.values())] = cell.value
    return out


def value(table: str, region: str, year: int, contents: str) -> float | None:
    """The sum over the table's other dimensions (None if any part is missing)."""
    return totals(table)[(region, str(year), contents)]


@cache
def totals(table: str) -> dict[tuple[str, str, str], float | None]:
    out: dict[tuple[str, str, str], float | None] = {}
    for (region, year, contents, *_), v in cells(table).items():
        key = (region, year, contents)
        out[key] = None if v is None or (key in out and out[key] is None) else out.get(key, 0) + v
    return out


def years(table: str) -> list[int]:
    return sorted({int(k[1]) for k in cells(table)})


def population(region: str, year: int) -> int:
    """SSB's population on 1 January, as 06913 delivers it (summed codes: K_1804, F_18, 0)."""
    return value("06913", region, year, "Folkemengde")


def test_tables_end_where_their_lag_allows_for_a_2026_report():
    ends = {t: years(t)[-1] for t in ["07459", *ADDITIVE, "11616", "10309", "08316"]}
    assert ends == {
        "07459": 2026, "06913": 2025, "09588": 2025, "13470": 2025, "13472": 2025,
        "09429": 2025, "09817": 2026, "11616": 2025, "10309": 2026, "08316": 2024,
    }  # fmt: skip


def test_births_minus_deaths_plus_net_migration_is_the_change_in_ssbs_population():
    checked = 0
    for region in [*(f"K_{m}" for m in MUNICIPALITIES), "F_18", "0"]:
        for year in years("06913"):
            if region[2:] in SPLIT_AREA and year < 2020:
                continue  # SSB's summed series has no figure before the new borders
            now = population(region, year)
            if year + 1 in years("06913"):
                later = population(region, year + 1)
            else:  # 06913 ends a year before 07459
                later = _population_07459(region, year + 1)
            births = value("06913", region, year, "Levende")
            deaths = value("06913", region, year, "Dode")
            net = value("06913", region, year, "Nettoinnflytting")
            growth = value("06913", region, year, "Folketilvekst")
            assert growth == births - deaths + net, (region, year)
            assert value("06913", region, year, "Fodselsoverskudd") == births - deaths
            residual = (later - now) - growth
            limit = max(1, int(0.0001 * now))
            if region == "F_18":  # the sum of its municipalities' residuals
                limit = sum(max(1, int(0.0001 * population(f"K_{m}", year))) for m in
                            MUNICIPALITIES)  # fmt: skip
            assert abs(residual) <= limit, (region, year, residual, limit)
            checked += 1
    assert checked > 41 * 6 * 2


def _population_07459(region: str, year: int) -> float:
    code = {"F_18": "F-18", "0": "0"}.get(region, region.replace("K_", "K-"))
    return value("07459", code, year, "Personer1")


def test_06913s_population_is_07459s():
    for region in [*(f"K_{m}" for m in MUNICIPALITIES), "F_18", "0"]:
        for year in range(2005, 2026):
            assert population(region, year) == _population_07459(region, year), (region, year)


def test_norways_net_domestic_migration_is_zero_and_09588_adds_up_to_06913():
    for year in years("09588"):
        assert value("09588", "0", year, "NettoInnland") == 0
        for plain, summed in [("0", "0"), ("18", "F_18"), *((m, f"K_{m}") for m in MUNICIPALITIES)]:
            if plain in SPLIT_AREA and year < 2020:
                continue  # plain codes of that year: 1805, 1854, 1850, 1849
            domestic = value("09588", plain, year, "NettoInnland")
            immigration = value("09588", plain, year, "Nettoinnvandring")
            assert domestic + immigration == value("06913", summed, year, "Nettoinnflytting"), (
                plain,
                year,
            )


@pytest.mark.parametrize("table", sorted(ADDITIVE))
def test_nordland_is_the_sum_of_its_municipalities(table):
    data = cells(table)
    county = next(r for r in ("F-18", "F_18", "18") if any(k[0] == r for k in data))
    municipal = defaultdict(float)
    summed_codes = county != "18"
    for (region, year, contents, *rest), v in data.items():
        if region in (county, "0") or contents not in ADDITIVE[table]:
            continue
        if not (region[2:] if summed_codes else region).startswith("18"):
            continue  # a table for every municipality in Norway (13470): Nordland's are 18xx
        if summed_codes and region[2:] in SPLIT_AREA and int(year) < 2020:
            continue  # delivered as 0: the county counts that area, SSB's summed series do not
        municipal[(year, contents, *rest)] += v or 0
    for (region, year, contents, *rest), v in data.items():
        if region != county or contents not in ADDITIVE[table]:
            continue
        if summed_codes and int(year) < 2020:
            continue  # the county includes the split area, delivered as 0
        assert v == municipal[(year, contents, *rest)], (table, year, contents, rest)


def test_norway_is_the_sum_of_every_municipality_where_the_table_covers_them_all():
    data = cells("13470")
    municipal = defaultdict(float)
    for (region, year, contents, *rest), v in data.items():
        if region.startswith("K-"):
            municipal[(year, contents, *rest)] += v or 0
    assert len({k[0] for k in data if k[0].startswith("K-")}) > 350
    for (region, year, contents, *rest), v in data.items():
        if region == "0" and int(year) >= 2020:  # before, K-1806 and K-1875 are 0 (summed series)
            assert v == municipal[(year, contents, *rest)], (year, contents, rest)


def test_plain_code_tables_use_the_codes_valid_in_each_year():
    data = cells("09588")
    for year in (2019, 2020):
        present = {k[0] for k, v in data.items() if k[1] == str(year) and v is not None}
        if year == 2019:
            assert present >= OLD_CODES and not SPLIT_AREA & present
        else:
            assert present >= SPLIT_AREA and not OLD_CODES & present


def test_11616_has_sbbs_age_dimension_and_commuting_adds_up():
    dataset = jsonstat.read_file(SAMPLE_DIR / "11616.json")
    assert [d.id for d in dataset.dimensions] == ["Region", "Alder", "ContentsCode", "Tid"]
    assert dataset.dimensions[1].codes == ["15-74"]
    for municipality in ("1804", "1841", "1865"):
        for year in years("11616"):
            jobs, employed, commuters_in, commuters_out = (
                value("11616", municipality, year, c)
                for c in ("SysselArbsted", "SysselBosted", "Innpendlere", "Utpendlere")
            )
            assert jobs - commuters_in == employed - commuters_out > 0


def test_births_follow_women_20_44_and_deaths_follow_the_old():
    """Births per woman 20–44 and deaths per person aged 67+ stay within plausible bands."""
    women: dict[tuple[str, str], float] = {}
    old: dict[tuple[str, str], float] = {}
    for key, v in cells("07459").items():  # summed once: (region, year) → persons
        region, year, contents, sex, age = key[:5]
        if contents != "Personer1" or v is None:
            continue
        if (sex, age) == ("2", "F316"):
            women[region, year] = women.get((region, year), 0) + v
        if age in ("F318", "F319", "F320"):
            old[region, year] = old.get((region, year), 0) + v
    for municipality in MUNICIPALITIES:
        for year in range(2020, 2026):
            code = f"K-{municipality}"
            births = value("06913", f"K_{municipality}", year, "Levende")
            deaths = value("06913", f"K_{municipality}", year, "Dode")
            w, o = women.get((code, str(year)), 0), old.get((code, str(year)), 0)
            assert 0.035 * w <= births <= 0.09 * w + 3, (municipality, year)
            assert 0.02 * o <= deaths <= 0.07 * o + 3, (municipality, year)


# --------------------------------------------------------------------------- SSB's 07459
def test_07459_is_ssbs_where_the_reference_data_has_it(shared_ssb: Path):
    """Every cell 2005–2026 equals ../shared's SSB figures, for every municipality in Norway;
    SSB's 0 for the split area before 2020 (and for the other municipalities a reform split,
    where the reference data has estimates); nothing before 2005 (the reference data has no split
    there, and StatBank has: no cell may claim it lacks them); '..' only for Vindafjord and Aure
    in 2005, which the reference data lacks; SSB's totals for Nordland."""
    reference: dict[tuple[str, str, str, str], int] = {}
    estimates = set()
    with gzip.open(shared_ssb / "population_by_sex_agegroup_2005-2026.csv.gz", "rt") as handle:
        for row in csv.DictReader(handle):
            code = {"nation": "0", "county": f"F-{row['code']}"}.get(
                row["level"], f"K-{row['code']}"
            )
            key = (code, row["year"], row["sex"], row["age_group"])
            reference[key] = int(row["population"])
            if row["estimate"] == "True":
                estimates.add(key)
    county_totals = {}
    with (shared_ssb / "population_07459_all_municipalities_2001-2022.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["ssb_id"] == "F-18":
                county_totals[int(row["year"])] = int(row["population"])

    snapshot = cells("07459")
    compared = 0
    for (region, year, _, sex, age), v in snapshot.items():
        key = (region, year, sex, age)
        assert int(year) >= 2005, key
        if region[2:] in SPLIT_AREA and int(year) < 2020:
            assert key in estimates and v == 0, key
        elif key in estimates and region == "F-18":
            assert int(year) < 2020, key
        elif key in estimates:  # split by a reform elsewhere in Norway: SSB's summed series
            assert region[2:] not in MUNICIPALITIES and v == 0, key
        elif key not in reference:
            assert region in ("K-1160", "K-1576") and year == "2005" and v is None, key
        else:
            assert v == reference[key], key
            compared += 1
    nordland = 43 * 20 * 7 + 40 * 20 * 15
    elsewhere = 316 * 20 * 22 - 2 * 20 - 2 * 20 * 19 - 3 * 20 * 15  # less missing and estimates
    assert compared == nordland + elsewhere
    assert {r for r, *_ in snapshot if r.startswith("K-")} == {f"K-{m}" for m in MUNICIPALITIES} | {
        region for region, *_ in reference if region.startswith("K-")
    }
    for year, total in county_totals.items():
        if year >= 2005:
            assert value("07459", "F-18", year, "Personer1") == total, year
    assert value("07459", "F-18", 2017, "Personer1") == 241614


def test_the_ssb_figures_the_issue_quotes():
    def share(region: str, ages: tuple[str, ...], year: int = 2024) -> float:
        part = sum(
            v for k, v in cells("07459").items()
            if k[:3] == (region, str(year), "Personer1") and k[4] in ages
        )  # fmt: skip
        return round(100 * part / value("07459", region, year, "Personer1"), 1)

    old = ("F318", "F319", "F320")
    assert [share(r, old) for r in ("K-1804", "K-1841", "F-18", "0")] == [15.8, 21.3, 19.9, 16.5]
    assert value("07459", "0", 2026, "Personer1") == 5627400
    assert value("07459", "K-1804", 2024, "Personer1") == 53712
