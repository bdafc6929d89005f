"""Write the embedded sample's action programme registers (measures/measures_<year>.csv|xlsx).

The measures are invented but plausible for the regional plan for town and regional-centre
policy: each with its theme, towns, responsible body, years, a status per yearly register and
the indicators it aims at (a baseline, a target value or direction, a target year). The 2024
register is the first; 2025 adds measures and moves statuses on; 2026 is a workbook, as the
county's staff keep it. Run from the repository: `python data/sample/generate_measures.py`.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).parent / "measures"
HEADER = ["measure_id", "title_nb", "title_en", "theme", "towns", "responsible", "start_year",
          "end_year", "status", "budget_nok", "indicator_id", "baseline_year", "target_value",
          "target_direction", "target_year"]  # fmt: skip
FYLKET = "Nordland fylkeskommune"

# (id, title nb, title en, theme, towns, responsible, start, end, budget,
#  {register year: status}, [(indicator, baseline, target value, direction, target year,
#  first register year with the link)])
MEASURES = [
    ("HP-01", "Tilflyttingsprogram for unge voksne", "Settling programme for young adults",
     "demography_attractiveness", "Narvik; Mo i Rana", FYLKET, 2024, 2027, 4_500_000,
     {2024: "started", 2025: "started", 2026: "started"},
     [("net_domestic_migration_per_1000", 2023, None, "up", 2027, 2024),
      ("women_per_100_men_20_44", 2023, 92, None, 2028, 2024)]),
    ("HP-02", "Nytt torg og møteplass i Mosjøen sentrum", "A new square and meeting place in "
     "Mosjøen town centre", "town_centres_meeting_places", "Mosjøen", "Vefsn kommune", 2025,
     2027, 12_000_000, {2024: "planned", 2025: "started", 2026: "started"},
     [("survey_share_agree__arena_meeting_places", 2025, 50, None, 2027, 2025)]),
    ("HP-03", "Gründerprogram og næringshage i Bodø", "Founder programme and business garden in "
     "Bodø", "innovation_arenas", "Bodø", "Bodø kommune og Kunnskapsparken Bodø", 2024, 2028,
     6_000_000, {2024: "started", 2025: "started", 2026: "started"},
     [("new_enterprises_per_1000", 2023, 6, None, 2028, 2024),
      ("survey_share_agree__arena_founder_support", 2025, None, "up", 2028, 2025)]),
    ("HP-04", "Kompetanseløft for industrien på Helgeland", "Skills for Helgeland's industry",
     "business_competence", "Mo i Rana; Mosjøen; Sandnessjøen", "Nordland fylkeskommune og "
     "Helgeland kompetansesenter", 2024, 2030, 9_000_000,
     {2024: "planned", 2025: "started", 2026: "started"},
     [("share_higher_education", 2023, 30, None, 2030, 2024)]),
    ("HP-05", "Byutviklingsnettverk for de ti byene", "Urban development network of the ten "
     "towns", "regional_cooperation", "region", FYLKET, 2024, 2029, 1_500_000,
     {2024: "started", 2025: "started", 2026: "started"},
     [("survey_share_agree__arena_cross_sector", 2025, None, "up", 2029, 2025)]),
    ("HP-06", "Sjøfronten i Svolvær som møteplass", "Svolvær's waterfront as a meeting place",
     "town_centres_meeting_places", "Svolvær", "Vågan kommune", 2025, 2026, 7_500_000,
     {2024: "planned", 2025: "started", 2026: "completed"},
     [("survey_share_agree__arena_meeting_places", 2025, None, "up", 2027, 2025)]),
    ("HP-07", "Boliger for tilflyttere i Lofoten", "Housing for newcomers in Lofoten",
     "demography_attractiveness", "Leknes; Svolvær", "Vestvågøy og Vågan kommuner", 2024, 2027,
     None, {2024: "started", 2025: "started", 2026: "started"},
     [("population_change_1y_pct", 2023, None, "up", 2027, 2024)]),
    ("HP-08", "Felles bo- og arbeidsmarked Fauske–Bodø", "A shared housing and labour market "
     "Fauske–Bodø", "regional_cooperation", "Fauske; Bodø", "Salten regionråd", 2024, 2028,
     800_000, {2024: "planned", 2025: "planned", 2026: "started"},
     [("job_coverage_ratio", 2023, None, "up", 2028, 2024)]),
    ("HP-09", "Kystnæringsklynge i Brønnøysund", "Coastal industry cluster in Brønnøysund",
     "business_competence", "Brønnøysund", "Brønnøy kommune", 2024, 2027, 2_000_000,
     {2024: "started", 2025: "started", 2026: "started"},
     [("jobs_workplace", 2023, None, "up", 2027, 2024),
      ("new_enterprises_per_1000", 2023, None, "up", 2027, 2024)]),
    ("HP-10", "Sortland som regionsenter for Vesterålen", "Sortland as Vesterålen's regional "
     "centre", "demography_attractiveness", "Sortland", "Sortland kommune", 2025, 2030,
     3_000_000, {2025: "started", 2026: "started"},
     [("old_age_dependency_ratio", 2024, None, "down", 2030, 2025),
      ("women_per_100_men_20_44", 2024, None, "up", 2030, 2025)]),
    ("HP-11", "Kulturbasert byutvikling i Narvik", "Culture-led urban development in Narvik",
     "innovation_arenas", "Narvik", "Narvik kommune", 2024, 2026, 2_500_000,
     {2024: "started", 2025: "started", 2026: "stopped"},
     [("survey_share_agree__arena_creative_development", 2025, None, "up", 2026, 2025)]),
    ("HP-12", "Felles omdømmekampanje for nordlandsbyene", "A joint reputation campaign for "
     "Nordland's towns", "demography_attractiveness", "region", FYLKET, 2026, 2028, 1_200_000,
     {2026: "planned"},
     [("attractiveness_residual", 2025, None, "up", 2028, 2026)]),
    ("HP-13", "Havbruksarena i Sandnessjøen", "Aquaculture arena in Sandnessjøen",
     "innovation_arenas", "Sandnessjøen", "Alstahaug kommune og Nord universitet", 2025, 2028,
     3_500_000, {2025: "started", 2026: "completed"},
     [("jobs_workplace", 2024, 4000, None, 2028, 2025),
      ("survey_share_agree__arena_knowledge_links", 2025, None, "up", 2028, 2025)]),
]  # fmt: skip


def register(year: int) -> list[list[str]]:
    """The register's rows as a person types them (decimal commas, empty cells)."""
    rows = []
    for mid, nb, en, theme, towns, body, start, end, budget, statuses, links in MEASURES:
        if year not in statuses:
            continue
        measure = [mid, nb, en, theme, towns, body, str(start), str(end), statuses[year],
                   "" if budget is None else str(budget)]  # fmt: skip
        mine = [link for link in links if link[5] <= year]
        if not mine:  # a measure that aims at no indicator yet: one row, indicator empty
            rows.append([*measure, "", "", "", "", ""])
        for indicator, baseline, value, direction, target_year, _ in mine:
            target = "" if value is None else f"{value:g}".replace(".", ",")
            rows.append([*measure, indicator, str(baseline), target, direction or "",
                         str(target_year)])  # fmt: skip
    return rows


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for year in (2024, 2025):
        with (HERE / f"measures_{year}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(register(year))
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Handlingsprogram 2026"
    sheet.append(HEADER)
    for row in register(2026):
        sheet.append([int(v) if v.isdigit() else v for v in row])
    workbook.save(HERE / "measures_2026.xlsx")


if __name__ == "__main__":
    main()
