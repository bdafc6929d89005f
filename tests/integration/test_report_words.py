"""The words and numbers of the published bokmål pages, as a reader sees them: no internal id,
no English, one minus sign, no doubled word, and on every page the date the figures describe
beside the publication date.

Only visible text is read: the text of <script>, <style> and <svg> (the charts' own markup)
and every attribute are left out, and file names ("town_population.csv") are names, not words.
"""

from __future__ import annotations

import csv
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
import yaml

from flows.settings import REPO_ROOT, Settings

SEED = REPO_ROOT / "dbt" / "seeds" / "indicators.csv"
STATUSES = REPO_ROOT / "dbt" / "seeds" / "value_statuses.csv"
MESSAGES = REPO_ROOT / "reports" / "messages"
HIDDEN = {"script", "style", "svg", "template"}
# Text inside these runs on with its neighbours; every other tag ends a stretch of text (a
# table cell, a paragraph), so that two cells are never read as one sentence.
INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "kbd", "q", "small", "span", "strong",
          "sub", "sup", "time", "mark", "bdi", "bdo", "data", "dfn", "s", "u", "var", "br",
          "wbr"}  # fmt: skip
FILE_NAME = re.compile(r"\b[\w.-]+\.(?:csv|xlsx|json|txt|pdf|duckdb|html)\b")
# Words of the pipeline's own English that once reached the pages
ENGLISH_WORDS = re.compile(r"\b(?:survey|interviews?|unexpected|observed|rows|see|weights)\b")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
HYPHEN_MINUS_NUMBER = re.compile(r"(?<![\w./-])-(?=\d)")
YEAR_RANGE_WITH_HYPHEN = re.compile(r"\b(?:19|20)\d\d-(?:19|20)\d\d\b")
DOUBLED_WORD = re.compile(r"\b([^\W\d_]{2,})\s+\1\b", re.IGNORECASE)


class VisibleText(HTMLParser):
    """A page's visible text, as stretches that end at each block or cell boundary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.stretches: list[str] = [""]

    def _break(self) -> None:
        if self.stretches[-1].strip():
            self.stretches.append("")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag not in INLINE:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag not in INLINE:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.stretches[-1] += data


def visible_stretches(path: Path) -> list[str]:
    """The page's visible text, whitespace collapsed and file names taken out."""
    parser = VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    stretches = (FILE_NAME.sub(" ", " ".join(s.split())) for s in parser.stretches)
    return [s for s in stretches if s.strip()]


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _flat(catalogue: dict) -> dict[str, str]:
    flat = {}
    for key, value in catalogue.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in _flat(value).items()})
        elif isinstance(value, str):
            flat[key] = value
    return flat


def english_fragments() -> set[str]:
    """The English catalogue's wording that bokmål does not share: each value that differs from
    the bokmål one, cut at its placeholders, the pieces of at least 8 letters and spaces; and
    the missing values' English words."""
    en = _flat(yaml.safe_load((MESSAGES / "en.yml").read_text(encoding="utf-8")))
    nb = _flat(yaml.safe_load((MESSAGES / "nb.yml").read_text(encoding="utf-8")))
    fragments = set()
    for key, value in en.items():
        if nb.get(key) == value:
            continue
        for literal, *_ in string.Formatter().parse(value):
            piece = literal.strip(" .,:;()«»\"'–-")
            if len(piece) >= 8 and piece not in nb.values():
                fragments.add(piece)
    with STATUSES.open(encoding="utf-8", newline="") as f:  # dim_value_status's words
        english = [r["meaning_en"] for r in csv.DictReader(f) if r["meaning_en"] != r["meaning_nb"]]
    fragments |= {word for word in english if len(word) >= 8}
    return fragments


def seed_rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def publication(published_sample) -> Path:
    return Settings(home=published_sample).publication_dir(2026)


@pytest.fixture(scope="module")
def pages(publication) -> dict[str, list[str]]:
    """Every published HTML page (the sample is published in bokmål), by its path."""
    found = {
        str(p.relative_to(publication)): visible_stretches(p)
        for p in sorted(publication.rglob("*.html"))
    }
    assert "index.html" in found and "quality/index.html" in found and len(found) >= 14
    return found


def _hits(pages: dict[str, list[str]], pattern: re.Pattern) -> list[str]:
    return [
        f"{name}: …{s[max(0, m.start() - 40) : m.end() + 40]}…"
        for name, stretches in pages.items()
        for s in stretches
        for m in pattern.finditer(s)
    ]


def test_the_pages_are_in_bokmal(pages):
    stretches = [s for page in pages.values() for s in page]
    assert "Folketallet over tid" in " ".join(stretches)
    assert any("Publisert" in s for s in stretches)


def test_no_indicator_id_or_unit_code_is_shown(pages):
    units = {r["unit"] for r in seed_rows()}
    units |= set(yaml.safe_load((MESSAGES / "nb.yml").read_text(encoding="utf-8"))["units"])
    ids = {r["indicator_id"] for r in seed_rows()}
    assert "percentage_points" in units and "population" in ids
    codes = sorted(ids | units, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, codes)) + r")(?!\w)")
    assert _hits(pages, pattern) == []


def test_no_internal_name_is_shown(pages):
    """Nothing in snake_case (column, table, unit or indicator names) outside a file name."""
    assert _hits(pages, SNAKE_CASE) == []


def test_no_english_from_the_message_catalogue_or_the_pipeline(pages):
    fragments = english_fragments()
    assert "Population" in " ".join(fragments) or len(fragments) > 50  # the check has teeth
    found = [
        f"{name}: {fragment!r}"
        for name, stretches in pages.items()
        for fragment in fragments
        if any(fragment in s for s in stretches)
    ]
    assert found == []
    assert _hits(pages, ENGLISH_WORDS) == []


def test_every_negative_number_has_the_minus_sign(pages):
    assert _hits(pages, HYPHEN_MINUS_NUMBER) == []
    assert _hits(pages, YEAR_RANGE_WITH_HYPHEN) == []
    assert any("\u2212" in s for page in pages.values() for s in page)


def test_no_word_is_doubled(pages):
    assert _hits(pages, DOUBLED_WORD) == []


def test_every_page_says_what_date_the_figures_describe(pages, published_sample):
    """Beside the publication date, in the header and the footer of every page: the 1 January
    the population figures are for and the years of the other figures, as the marts hold them."""
    warehouse = Settings(home=published_sample).warehouse_path
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (year,) = con.execute(
            "select max(year) from marts.fct_indicator_values where indicator_id = 'population'"
            " and geo_level = 'town' and value is not null and year <= 2026"
        ).fetchone()
        # the latest year of every other statistic the towns have (not a composite index)
        others = [
            y
            for (y,) in con.execute(
                "select max(f.year) from marts.fct_indicator_values f"
                " join marts.dim_indicator d using (indicator_id)"
                " where f.geo_level = 'town' and f.value is not null and f.year <= 2026"
                " and d.unit <> 'index' and d.source_tables not in ('07459', 'survey')"
                " group by f.indicator_id"
            ).fetchall()
        ]
    first, last = min(others), max(others)
    assert sorted(set(others)) == list(range(first, last + 1))  # else the text lists them
    years = f"{first}\u2013{last}" if first != last else str(first)
    stated = f"Tall per 1. januar {year} (befolkning); andre tall for {years}"
    missing = {
        name: [s for s in stretches if "Publisert" in s]
        for name, stretches in pages.items()
        if sum(stated in s and "Publisert " in s for s in stretches) < 2  # header and footer
    }
    assert missing == {}
