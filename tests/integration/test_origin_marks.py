"""Whose each figure is, wherever it is shown: the sample report marks every chart, table and
sentence built on sample values ("eksempeldata") on every HTML page and in the PDF, its source
lines name the tables actually behind each chart with their origin, and a report whose inputs are
all official shows no mark at all."""

from __future__ import annotations

import copy
import csv
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from helpers import SAMPLE_DIR, pdf_pages

from flows import pipeline
from flows.settings import Settings

YEAR = 2026
MARK = "eksempeldata"
SAMPLE_PHRASE = re.compile(r"i stedet for SSB-tabell ([\d, ]+)")
OFFICIAL_PHRASE = re.compile(r"SSB\)?, tabell ([\d, ]+)")
FOOTER = "Bymonitor Nordland · utgave med eksempeldata (ikke SSBs tall)"


@pytest.fixture(scope="module")
def sample_home(published_sample) -> Path:
    """The embedded sample (07459 SSB's, the rest sample values), built, checked, published
    (the session's, read only)."""
    return published_sample


@pytest.fixture(scope="module")
def official_home(sample_home, tmp_path_factory) -> Path:
    """The same inputs as if every file were the publisher's own (SSB's tables, the county's
    survey and interviews), with 07459 loaded a second time as a revised file: built again from
    raw, checked and published."""
    home = tmp_path_factory.mktemp("official-report") / "home"
    shutil.copytree(sample_home, home)
    settings = Settings(home=home, pdf=True)  # its PDF is read
    shutil.rmtree(settings.publication_dir(YEAR))
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("update raw._loads set value_origin = 'official'")
    document = json.loads((SAMPLE_DIR / "07459.json").read_text(encoding="utf-8"))
    revised = copy.deepcopy(document)
    revised["updated"] = "2026-03-01T07:00:00Z"
    revised["value"][-1] = (revised["value"][-1] or 0) + 1
    path = home.parent / "07459_revised.json"
    path.write_text(json.dumps(revised, ensure_ascii=False), encoding="utf-8")
    pipeline.ingest_statbank(settings, [path])
    pipeline.build(settings)
    pipeline.check(settings, YEAR)
    pipeline.publish_year(settings, YEAR)
    return home


def publication(home: Path) -> Path:
    return Settings(home=home).publication_dir(YEAR)


def table_origins(home: Path) -> dict[str, str]:
    """The origin of each StatBank table the marts use, from the published marts."""
    con = duckdb.connect(str(publication(home) / "bymonitor.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select table_id, string_agg(distinct origin, ',') from marts.source_loads "
            "where is_used and table_id is not null group by table_id"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


# --------------------------------------------------------------------------- reading the pages
class Page(HTMLParser):
    """Text of a page by element: figures (tags and caption), narrative sentences, the footer,
    the front box, the sources table."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.figures: list[dict] = []
        self.sentences: list[dict] = []
        self.footer = ""
        self.ttk = ""
        self.source_rows: list[list[str]] = []
        self.tags = 0
        self.text: list[str] = []

    def _inside(self, tag: str, cls: str = "") -> bool:
        return (
            any(t == tag and cls in c.split() for t, c in self.stack)
            if cls
            else any(t == tag for t, _ in self.stack)
        )

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in ("meta", "link", "br", "img", "hr", "input"):
            return
        self.stack.append((tag, cls))
        if tag == "figure":
            self.figures.append({"tags": 0, "caption": ""})
        if tag == "p" and self._inside("div", "narrative"):
            self.sentences.append({"text": "", "tags": 0})
        if tag == "tr" and self._inside("section", "sources") and self._inside("tbody"):
            self.source_rows.append([])
        if tag == "td" and self.source_rows and self._inside("section", "sources"):
            self.source_rows[-1].append("")
        if "origin-tag" in cls.split() or "origin-mark" in cls.split():
            self.tags += 1
            if self._inside("figure"):
                self.figures[-1]["tags"] += 1
            if self.sentences and self._inside("div", "narrative"):
                self.sentences[-1]["tags"] += 1

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        if self._inside("figcaption"):
            self.figures[-1]["caption"] += data
        if self._inside("div", "narrative") and self.sentences:
            self.sentences[-1]["text"] += data
        if self._inside("footer"):
            self.footer += data
        if self._inside("aside", "ttk"):
            self.ttk += data
        if self._inside("td") and self._inside("section", "sources") and self.source_rows:
            self.source_rows[-1][-1] += data


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def tables_in(phrase: re.Pattern, text: str) -> set[str]:
    return {t.strip() for m in phrase.finditer(text) for t in m.group(1).split(",") if t.strip()}


def squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the sample report
def test_every_chart_built_on_sample_values_carries_the_tag_and_names_its_tables(sample_home):
    origins = table_origins(sample_home)
    assert origins["07459"] == "official" and origins["09588"] == "sample"
    marked = 0
    for path in sorted(publication(sample_home).glob("*.html")):
        for figure in read(path).figures:
            caption = figure["caption"]
            official, sample = (
                tables_in(OFFICIAL_PHRASE, caption),
                tables_in(SAMPLE_PHRASE, caption),
            )
            assert official or sample or "spørreundersøkelse" in caption, (path.name, caption)
            # the source line names each table with its true origin
            assert all(origins[t] == "official" for t in official), (path.name, caption)
            assert all(origins[t] == "sample" for t in sample), (path.name, caption)
            made_up = bool(sample) or MARK in caption
            assert (figure["tags"] > 0) == made_up, (path.name, caption)
            marked += made_up
    assert marked >= 10 * 3 + 2  # each town's components, industry and survey; vekstkraft


def test_every_page_with_sample_values_says_so_and_only_those_sentences_are_marked(sample_home):
    folder = publication(sample_home)
    pages = {p.name: read(p) for p in folder.glob("*.html")}
    for name in ("index.html", "region.html", "bodo.html", "narvik.html"):
        assert pages[name].tags > 0, name
    # the methods page shows definitions, not values: it says which tables are sample values
    assert "Eksempeldata, ikke SSBs tall" in " ".join(pages["methods.html"].text)
    towns = [name for name, page in pages.items() if page.sentences]
    assert len(towns) == 10
    for name in towns:
        sentences = {
            squash(s["text"]).split(MARK)[0].strip(): s["tags"] for s in pages[name].sentences
        }
        population = next(s for s in sentences if s.startswith("Folketallet i "))
        assert sentences[population] == 0, name  # SSB's population: no mark
        for start in ("Netto innenlandsk flytting var", "På vekstkraftindeksen er"):
            sentence = next(s for s in sentences if s.startswith(start))
            assert sentences[sentence] == 1, (name, sentence)
        text = " ".join(pages[name].text)
        assert "Forutsetninger og barrierer" in text and MARK in text  # the invented survey


def test_the_front_box_and_the_footer_say_which_tables_are_ssbs_and_which_are_sample(
    sample_home,
):
    origins = table_origins(sample_home)
    official = {t for t, o in origins.items() if o == "official"}
    sample = {t for t, o in origins.items() if o == "sample"}
    index = read(publication(sample_home) / "index.html")
    box = squash(index.ttk)
    assert "Alle tall" not in box and "Ingen tall er anslått" not in box
    assert "SSBs offisielle tall: tabell 07459 (" in box
    assert "Eksempeldata, ikke SSBs tall" in box and all(t in box for t in sample)
    assert "Spørreundersøkelsen og intervjuene er eksempeldata" in box
    for path in publication(sample_home).glob("*.html"):
        footer = squash(read(path).footer)
        assert tables_in(OFFICIAL_PHRASE, footer) == official, path.name
        assert tables_in(SAMPLE_PHRASE, footer) == sample, path.name
        assert "eksempeldata i stedet for spørreundersøkelsen" in footer, path.name


def test_the_pdf_says_eksempeldata_wherever_sample_values_are(sample_home):
    folder = publication(sample_home)
    marked_captions, marked_sentences = set(), set()
    for path in folder.glob("*.html"):
        page = read(path)
        marked_captions |= {squash(f["caption"]) for f in page.figures if f["tags"]}
        marked_sentences |= {
            squash(s["text"]).split(MARK)[0].strip() for s in page.sentences if s["tags"]
        }
    marked_sentences.discard("")  # a tag line of its own (above a table) is no sentence
    pages = pdf_pages(folder / "report.pdf")
    assert MARK in squash(pages[0])  # the cover
    checked = 0
    for number, text in enumerate(pages[1:], start=2):
        text = squash(text)
        assert FOOTER in text, number  # every page after the cover
        text = text.replace(FOOTER, "")
        captions = [c for c in marked_captions if c in text]
        # one town's caption can be the end of another's (Narvik's adds a break note): count the
        # longest only
        captions = [c for c in captions if not any(c != o and c in o for o in captions)]
        shown = captions + [s for s in marked_sentences if s in text]
        for caption in marked_captions:
            text = text.replace(caption, "")
        # a tag for every chart and a marker for every sentence built on sample values
        assert text.count(MARK) >= len(shown), (number, shown)
        checked += bool(shown)
    assert checked >= 10 * 2


def test_the_downloads_carry_each_values_origin(sample_home):
    folder = publication(sample_home) / "data"
    with (folder / "machine" / "fct_indicator_values.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    origins = {(r["indicator_id"], r["origin"]) for r in rows if r["value"]}
    assert ("population", "official") in origins and ("births_per_1000", "sample") in origins
    assert not {o for _, o in origins} - {"official", "estimate", "sample"}
    from openpyxl import load_workbook

    from flows.publish.downloads import sheet_names
    from flows.publish.marts import MARTS

    workbook = load_workbook(folder / "bymonitor.xlsx", read_only=True)
    sheets = sheet_names(list(MARTS))
    for sheet in ("fct_indicator_values", "town_population", "survey_town_summary",
                  "vekstkraft_index", "source_loads"):  # fmt: skip
        header = [c.value for c in next(workbook[sheets[sheet]].iter_rows(max_row=1))]
        assert "Opphav" in header, sheet  # the origin column, headed in bokmål


# --------------------------------------------------------------------------- all official
def test_a_report_on_official_inputs_shows_no_mark(official_home):
    folder = publication(official_home)
    assert set(table_origins(official_home).values()) == {"official"}
    # the quality gate's check descriptions are about checks, not figures: they may name the word
    gate = json.loads((folder / "quality" / "quality.json").read_text(encoding="utf-8"))
    descriptions = {squash(c["description"]["nb"]) for c in gate["checks"]}

    def unmarked(text: str) -> bool:
        text = squash(text)
        for description in descriptions:
            text = text.replace(description, "")
        return MARK not in text.lower()

    for path in sorted(folder.rglob("*.html")):
        page = read(path)
        assert page.tags == 0, path.name
        assert unmarked(" ".join(page.text)), path.name
    for number, text in enumerate(pdf_pages(folder / "report.pdf"), start=1):
        assert unmarked(text), number
    index = read(folder / "index.html")
    assert "Alle tall" not in index.ttk and "SSBs offisielle tall: tabell 06913" in squash(
        index.ttk
    )
    with (folder / "data" / "machine" / "fct_indicator_values.csv").open(
        encoding="utf-8"
    ) as handle:
        assert {r["origin"] for r in csv.DictReader(handle) if r["value"]} == {"official"}


def test_the_sources_list_shows_each_table_once_with_the_load_used(official_home):
    rows = read(publication(official_home) / "index.html").source_rows
    labels = [row[0].strip() for row in rows]
    assert labels.count("07459") == 1, labels
    shown = [(row[0].strip(), row[1].strip()) for row in rows]  # survey and interviews by wave
    assert len(shown) == len(set(shown)), shown
    population = next(row for row in rows if row[0].strip() == "07459")
    assert "07459_revised.json" in population[3]
