"""Match town names as people type them ("Rana", "BODO ", "Svolvaer") to the ten towns."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache

from flows.settings import REPO_ROOT

TOWNS_SEED = REPO_ROOT / "dbt" / "seeds" / "towns.csv"
REGIONAL = "regional"


def fold(text: str) -> str:
    """Lower-case ASCII key: NFKC (look-alike forms), æ→ae, ø→o, å→a, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    for letter, plain in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("ö", "o"), ("ä", "a")):
        text = text.replace(letter, plain)
    text = text.replace("oe", "o").replace("aa", "a")
    text = re.sub(r"[\s\-_]+", " ", text)
    return text


@cache
def town_aliases() -> dict[str, str]:
    """Folded name → town_id, for the town name, its slug and its municipality's name."""
    aliases: dict[str, str] = {}
    with TOWNS_SEED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for name in (row["town_name"], row["town_id"], row["municipality_name"]):
                aliases[fold(name)] = row["town_id"]
    return aliases


def match_town(text: str) -> str | None:
    """The town_id for a typed name, or None if it is not one of the ten towns."""
    return town_aliases().get(fold(text))
