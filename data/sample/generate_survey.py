"""Write the embedded survey and interview samples: two waves each, seeded, with fake people.

- survey/survey_2025.csv (semicolon, UTF-8 with BOM, as Norwegian survey tools export) and
  survey/survey_2026.xlsx: about 450 business leaders a wave, more in Bodø than in Brønnøysund,
  town names typed in several ways, some "vet ikke", a contact e-mail and a comment column that
  bymonitor must never ingest, and a few invalid rows on purpose (unknown town, an answer out of
  range, a duplicated respondent, a founding year in the future);
- interviews/interviews_2025.csv and interviews/interviews_2026.xlsx: five informants per town
  and eight regional actors, fake names, e-mails and organisations, a notes column (free text,
  never ingested) and one interview a wave without consent.

The later wave is the sample report's year (2026, the latest 1 January in the StatBank snapshot).
Every name, e-mail and answer here is invented. Run: `python data/sample/generate_survey.py`.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 2024
WAVES = (2025, 2026)  # the sample report is for 2026
TOWNS = {  # town as people type it → (respondents per wave, optimism)
    "Bodø": (110, 0.5),
    "Narvik": (55, 0.0),
    "Mo i Rana": (60, 0.3),
    "Mosjøen": (40, 0.1),
    "Sandnessjøen": (30, 0.2),
    "Brønnøysund": (25, -0.1),
    "Fauske": (30, -0.2),
    "Svolvær": (35, 0.4),
    "Leknes": (35, 0.2),
    "Sortland": (35, 0.1),
}
SPELLINGS = {
    "Bodø": ["Bodø", "Bodo", "BODØ", " bodø "],
    "Mo i Rana": ["Mo i Rana", "Rana", "mo i rana"],
    "Svolvær": ["Svolvær", "Svolvaer"],
    "Brønnøysund": ["Brønnøysund", "Bronnoysund"],
    "Mosjøen": ["Mosjøen", "Vefsn"],
    "Leknes": ["Leknes", "Vestvågøy"],
}
FIRST = [
    "Kari",
    "Ola",
    "Ingrid",
    "Lars",
    "Silje",
    "Morten",
    "Hanne",
    "Eirik",
    "Marte",
    "Jon",
    "Sigrid",
    "Anders",
    "Tone",
    "Bjørn",
    "Line",
    "Håkon",
    "Ragnhild",
    "Per",
    "Aslak",
    "Elle",
]
LAST = [
    "Johansen",
    "Nilsen",
    "Pedersen",
    "Karlsen",
    "Eriksen",
    "Hansen",
    "Olsen",
    "Berg",
    "Solbakk",
    "Vik",
    "Strand",
    "Hætta",
    "Mikkelsen",
    "Aas",
    "Lund",
    "Kristiansen",
]
ORGS = [
    "kommune",
    "Næringsforening",
    "Utviklingsselskap",
    "Kulturhus",
    "Nord universitet",
    "Havbruk AS",
    "Sparebank",
    "Hotell",
    "Innovasjonssenter",
    "Frivilligsentral",
]
ITEMS_YESNO = [
    "innov_product",
    "innov_process",
    "innov_market",
    "innov_organisational",
    "innov_strategic",
    "innov_systemic",
]
ITEMS_LIKERT = [
    "arena_public_private",
    "arena_cross_sector",
    "arena_founder_support",
    "arena_enthusiasts",
    "arena_meeting_places",
    "arena_knowledge_links",
    "arena_creative_development",
    "creativity_critical_mass",
    "creativity_diversity",
    "creativity_environment",
]
HEADER = [
    "respondent_id",
    "town",
    "industry",
    "size_class",
    "sector",
    "founded",
    *ITEMS_YESNO,
    "innov_basis",
    *ITEMS_LIKERT,
    "kontakt_epost",
    "kommentar",
]
ROLES = ["public_sector", "business", "knowledge_institution", "culture_voluntary", "business"]
THEMES = [
    "strengths",
    "weaknesses",
    "conditions",
    "barriers",
    "arena_public_private",
    "arena_cross_sector",
    "arena_founder_support",
    "arena_enthusiasts",
    "arena_meeting_places",
    "arena_knowledge_links",
    "arena_creative_development",
]


def person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    mail = f"{first}.{last}".lower().translate(str.maketrans("øåæ", "oaa")) + "@example.no"
    return f"{first} {last}", mail


def survey_rows(wave: int) -> list[list[str]]:
    rng = random.Random(f"{SEED}:survey:{wave}")
    rows = []
    number = 0
    for town, (count, optimism) in TOWNS.items():
        for _ in range(count + rng.randint(-4, 4)):
            number += 1
            likert = []
            for _item in ITEMS_LIKERT:
                if rng.random() < 0.07:
                    likert.append("vet ikke")
                else:
                    score = round(3 + optimism + rng.gauss(0, 1.1))
                    likert.append(str(min(5, max(1, score))))
            innovative = rng.random() < 0.55 + optimism / 5
            yesno = ["ja" if innovative and rng.random() < 0.6 else "nei" for _ in ITEMS_YESNO]
            name, mail = person(rng)
            rows.append(
                [
                    f"R{wave}-{number:04d}",
                    rng.choice(SPELLINGS.get(town, [town])),
                    rng.choice("ACCFGGHIJMNPQQRS"),
                    rng.choice(["0-4", "5-19", "5-19", "20-99", "100+"]),
                    rng.choice(["privat", "privat", "privat", "offentlig", "frivillig"]),
                    str(rng.randint(1950, wave)),
                    *yesno,
                    rng.choice(["erfaring", "kunnskap", "begge"]) if innovative else "ingen",
                    *likert,
                    mail,
                    f"Hilsen {name}",
                ]
            )
    # invalid on purpose
    bad = [list(r) for r in rng.sample(rows, 4)]
    bad[0][1] = "Tromsø"  # not one of the ten towns
    bad[1][HEADER.index("arena_cross_sector")] = "7"  # out of range
    bad[2][HEADER.index("founded")] = str(wave + 6)  # in the future
    bad[3][HEADER.index("innov_product")] = "kanskje"  # not yes/no
    for i, row in enumerate(bad):
        row[0] = f"R{wave}-9{i:03d}"
    duplicate = list(rows[5])  # the same respondent twice
    return [*rows, *bad, duplicate]


def interview_rows(wave: int) -> list[list[str]]:
    rng = random.Random(f"{SEED}:interviews:{wave}")
    rows = []
    start = date(wave, 3, 1)
    places = [(t, role) for t in TOWNS for role in ROLES] + [("regional", "regional_actor")] * 8
    for number, (town, role) in enumerate(places, start=1):
        name, mail = person(rng)
        org = f"{town if town != 'regional' else 'Nordland'} {rng.choice(ORGS)}"
        themes = rng.sample(THEMES, rng.randint(2, 5))
        rows.append(
            [
                f"I{wave}-{number:03d}",
                (start + timedelta(days=rng.randint(0, 120))).strftime("%d.%m.%Y"),
                town,
                role,
                org,
                name,
                mail,
                rng.choice(["fysisk", "video", "telefon"]),
                str(rng.choice([45, 60, 60, 75, 90])),
                "ja",
                "; ".join(themes),
                f"{name} sa: «Byen trenger flere møteplasser.»",
            ]
        )
    rows[3][9] = "nei"  # no consent: must be rejected
    return rows


INTERVIEW_HEADER = [
    "interview_id",
    "date",
    "town",
    "informant_role",
    "organisation",
    "informant_name",
    "informant_email",
    "mode",
    "duration_min",
    "consent",
    "themes",
    "notes",
]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], delimiter: str, bom: bool
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, header: list[str], rows: list[list[str]], sheet: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(header)
    for row in rows:
        worksheet.append([int(v) if v.isdigit() and len(v) < 6 else v for v in row])
    # fixed document timestamps (the zip entries still carry the time of writing)
    workbook.properties.created = workbook.properties.modified = datetime(2024, 1, 1)
    workbook.save(path)


def main() -> None:
    first, second = WAVES
    write_csv(HERE / "survey" / f"survey_{first}.csv", HEADER, survey_rows(first), ";", bom=True)
    write_xlsx(HERE / "survey" / f"survey_{second}.xlsx", HEADER, survey_rows(second), "Svar")
    write_csv(
        HERE / "interviews" / f"interviews_{first}.csv",
        INTERVIEW_HEADER,
        interview_rows(first),
        ",",
        bom=False,
    )
    write_xlsx(
        HERE / "interviews" / f"interviews_{second}.xlsx",
        INTERVIEW_HEADER,
        interview_rows(second),
        "Intervjuer",
    )
    for path in sorted(HERE.glob("survey/*")) + sorted(HERE.glob("interviews/*")):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
