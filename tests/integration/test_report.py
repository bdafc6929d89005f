"""The published report: every page well-formed and true to the marts, the PDF, the downloads,
the manifest, and a failed render that leaves the last publication as it was."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from flows.publish.formatting import Formatter
from flows.publish.marts import MARTS
from flows.settings import REPO_ROOT, Settings

NBSP = "\u00a0"
VOID = {"meta", "link", "br", "img", "hr", "input", "source", "col", "wbr", "area", "base"}


@pytest.fixture(scope="module")
def built_home(published_sample) -> Path:
    """The session's published sample (read only; copied where a test changes it)."""
    return published_sample


@pytest.fixture(scope="module")
def publication(built_home) -> Path:
    return Settings(home=built_home).publication_dir(2026)


class Balanced(HTMLParser):
    """Fails on a closing tag that does not match the open one (a broken page)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> at {self.getpos()} but open {self.stack[-3:]}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Balanced:
    parser = Balanced()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_every_html_page_is_well_formed(publication):
    pages = sorted(publication.rglob("*.html"))
    names = {p.name for p in pages}
    assert {"index.html", "region.html", "methods.html", "bodo.html", "mo-i-rana.html",
            "svolvaer.html", "bronnoysund.html", "sandnessjoen.html"} <= names  # fmt: skip
    for page in pages:
        parser = parse(page)
        assert not parser.problems, (page.name, parser.problems[:3])
        assert parser.stack == [], (page.name, parser.stack)


def test_each_town_page_shows_its_own_figures_from_the_marts(built_home, publication):
    con = duckdb.connect(str(built_home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select t.town_id, t.town_name, t.municipality_name, f.value "
            "from marts.fct_indicator_values f "
            "join marts.dim_town t on f.geo_code = t.town_id where f.geo_level = 'town' "
            "and f.year = 2026 and f.indicator_id = 'population'"
        ).fetchall()
    finally:
        con.close()
    for town_id, name, municipality, population in rows:
        text = " ".join(parse(publication / f"{town_id}.html").text)
        figure = f"{int(population):,}".replace(",", NBSP)
        # the figure is the municipality's, and the sentence says so
        place = (
            f"{municipality} kommune"
            if municipality == name
            else f"{name} ({municipality} kommune)"
        )
        assert f"Folketallet i {place} var {figure} 1. januar 2026." in text, town_id
        assert (
            f'<h1 id="town-{town_id}">{name}</h1>' in (publication / f"{town_id}.html").read_text()
        )


def test_the_pdf_is_a4_with_a_chapter_per_town(publication):
    reader = PdfReader(publication / "report.pdf")
    assert len(reader.pages) >= 20
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("Bodø", "Narvik", "Mo i Rana", "Mosjøen", "Sandnessjøen", "Brønnøysund",
                 "Fauske", "Svolvær", "Leknes", "Sortland"):  # fmt: skip
        assert name in text, name
    contents = reader.pages[1].extract_text()
    assert "Innhold" in contents and re.search(r"Bodø \.+ \d+", contents)


def test_the_downloads_hold_every_mart(publication):
    for name in MARTS:
        assert (publication / "data" / f"{name}.csv").is_file(), name
        assert (publication / "data" / "machine" / f"{name}.csv").is_file(), name
    assert (publication / "data" / "machine" / "README.txt").is_file()
    index = (publication / "index.html").read_text(encoding="utf-8")
    assert all(f'href="data/{name}.csv"' in index for name in MARTS)
    workbook = load_workbook(publication / "data" / "bymonitor.xlsx", read_only=True)
    from flows.publish.downloads import sheet_names  # bokmål names; «innhold» maps them

    assert set(workbook.sheetnames) == {"innhold", "definisjoner",
                                        *sheet_names(list(MARTS)).values()}  # fmt: skip
    con = duckdb.connect(str(publication / "bymonitor.duckdb"), read_only=True)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        types = {r[0] for r in con.execute(
            "select distinct data_type from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()}  # fmt: skip
        population = con.execute(
            "select value from marts.fct_indicator_values where geo_code = 'bodo' "
            "and year = 2022 and indicator_id = 'population'"
        ).fetchone()[0]
    finally:
        con.close()
    assert tables == set(MARTS)
    assert not {t for t in types if t.startswith(("DECIMAL", "HUGEINT", "U"))}
    assert population == 52803


def test_every_file_has_the_checksum_the_manifest_lists(publication):
    manifest = json.loads((publication / "manifest.json").read_text(encoding="utf-8"))
    listed = set(manifest["files"])
    on_disk = {str(p.relative_to(publication)) for p in publication.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.json"} == listed
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((publication / name).read_bytes()).hexdigest() == digest, name
    assert manifest["gate"]["passed"] is True and manifest["code_version"]


def test_english_uses_english_words_and_number_formats(published_sample_en):
    publication = Settings(home=published_sample_en).publication_dir(2026)
    page = (publication / "bodo.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "Bodø municipality had 53,638 inhabitants on 1 January 2026." in page  # SSB


# ---- what a planner asks next: peers, early warnings, gaps (issue 18)
def _rows(home: Path, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _population_07459(home: Path) -> dict[str, dict[int, dict[str, float]]]:
    """Every municipality's 07459 cells summed here from the raw table: region code → year →
    population and its parts (SSB's 0 for a code before its borders is no figure)."""
    parts = {
        "population": "true",
        "young": "dims->>'Alder' in ('F311', 'F312', 'F313', 'F314', 'F315')",
        "working": "dims->>'Alder' in ('F316', 'F317')",
        "old": "dims->>'Alder' in ('F318', 'F319', 'F320')",
        "women": "dims->>'Alder' = 'F316' and dims->>'Kjonn' = '2'",
        "men": "dims->>'Alder' = 'F316' and dims->>'Kjonn' = '1'",
    }
    sums = ", ".join(f"sum(value) filter (where {c})" for c in parts.values())
    rows = _rows(
        home,
        f"select substr(region_code, 3), time_code::integer, count(value) = count(*), {sums} "
        "from raw.statbank_cells where table_id = '07459' and region_code like 'K-%' group by all",
    )
    out: dict[str, dict[int, dict[str, float]]] = {}
    for code, year, complete, *values in rows:
        if complete and values[0]:
            out.setdefault(code, {})[year] = dict(zip(parts, values, strict=True))
    return out


def test_each_towns_peers_are_the_nearest_outside_nordland_as_computed_here(built_home):
    """Bodø's ten peers in 2026, recomputed from the raw 07459 cells and the area seed: seven
    variables standardised over every municipality, Euclidean distance, Nordland left out."""
    import numpy as np

    cells = _population_07459(built_home)
    seed = REPO_ROOT / "dbt" / "seeds" / "municipality_area.csv"
    with seed.open(encoding="utf-8") as handle:
        areas = {r["municipality_code"]: float(r["area_km2"]) for r in csv.DictReader(handle)}
    variables: dict[str, dict[str, float]] = {}
    for code, years in cells.items():
        now, before = years.get(2026), years.get(2016)
        if not now:
            continue
        found = {
            "population": np.log(now["population"]),
            "young": 100 * now["young"] / now["population"],
            "working": 100 * now["working"] / now["population"],
            "old": 100 * now["old"] / now["population"],
            "women": 100 * now["women"] / now["men"],
            "density": np.log(now["population"] / areas[code]),
        }
        if before:
            found["growth"] = 100 * (now["population"] / before["population"] - 1)
        variables[code] = found
    z: dict[str, dict[str, float]] = {}
    for name in ("population", "young", "working", "old", "women", "density", "growth"):
        values = {c: v[name] for c, v in variables.items() if name in v}
        mean, sd = np.mean(list(values.values())), np.std(list(values.values()), ddof=1)
        for code, value in values.items():
            z.setdefault(code, {})[name] = (value - mean) / sd
    bodo = z["1804"]
    distances = sorted(
        (round(float(np.sqrt(sum((z[c][k] - bodo[k]) ** 2 for k in bodo))), 4), c)
        for c in z
        if not c.startswith("18") and len(z[c]) == len(bodo)
    )[:10]
    peers = _rows(
        built_home,
        "select distance, peer_municipality_code from marts.town_peers "
        "where town_id = 'bodo' and year = 2026 order by rank",
    )
    assert [(round(d, 4), c) for d, c in peers] == distances
    counts = _rows(
        built_home,
        "select town_id, count(*), min(distance), count(*) filter (where peer_municipality_code "
        "like '18%') from marts.town_peers where year = 2026 group by town_id",
    )
    assert len(counts) == 10 and all(n == 10 and d >= 0 and nordland == 0
                                     for _, n, d, nordland in counts)  # fmt: skip


def test_the_economic_peers_are_the_nearest_by_jobs_and_industry_mix_as_computed_here(
    built_home, publication
):
    """Bodø's economic peers in 2025, recomputed from the raw 13470 and 07459 cells: jobs (log),
    jobs per 100 aged 20–66 and four industry groups' shares of jobs, standardised over every
    municipality with jobs; listed on Bodø's page, marked as sample values."""
    import numpy as np

    groups = [("01-03", "05-09"), ("10-33", "35-39", "41-43"), ("58-63", "64-66", "68-75"),
              ("84", "85", "86-88")]  # primary, secondary, knowledge, public  # fmt: skip
    shares = ", ".join(
        "sum(value) filter (where dims->>'NACE2007' in ({}))".format(
            ", ".join(f"'{n}'" for n in naces)
        )
        for naces in groups
    )
    jobs = _rows(
        built_home,
        f"select substr(region_code, 3), sum(value), {shares} from raw.statbank_cells "
        "where table_id = '13470' and time_code = '2025' and region_code like 'K-%' group by all",
    )
    working = {c: y[2025]["working"] for c, y in _population_07459(built_home).items() if 2025 in y}
    variables = {
        code: [np.log(total), 100 * total / working[code], *(100 * g / total for g in parts)]
        for code, total, *parts in jobs
        if total and working.get(code)
    }
    matrix = np.array(list(variables.values()))
    z = dict(zip(variables, (matrix - matrix.mean(0)) / matrix.std(0, ddof=1), strict=True))
    expected = sorted(
        (round(float(np.sqrt(((z[c] - z["1804"]) ** 2).sum())), 4), c)
        for c in z
        if not c.startswith("18")
    )[:10]
    peers = _rows(
        built_home,
        "select distance, peer_municipality_code, peer_municipality_name, origin "
        "from marts.town_peers where town_id = 'bodo' and model = 'economic' and year = 2025 "
        "order by rank",
    )
    assert [(round(d, 4), c) for d, c, *_ in peers] == expected
    assert {origin for *_, origin in peers} == {"sample"}  # the sample's 13470 is not SSB's
    page = " ".join(parse(publication / "bodo.html").text)
    section = page[page.index("Lignende etter arbeidsplasser og næringsstruktur") :]
    assert "i 2025, av 316 mulige" in section and "eksempeldata" in section
    for *_, name, _ in peers:
        assert name in section


def test_the_back_test_of_a_rule_is_what_the_real_series_give(built_home, publication):
    """population_decline (three years of decline running) against the population five years
    later, counted here for every municipality from the raw 07459 cells."""
    cells = _population_07459(built_home)
    evaluated = signals = hits = 0
    for years in cells.values():
        population = {y: v["population"] for y, v in years.items()}
        for year in population:
            falling = [population.get(y - 1) is not None and population.get(y) is not None
                       and population[y] < population[y - 1]
                       for y in (year, year - 1, year - 2)]  # fmt: skip
            if population.get(year - 1) is None or population.get(year + 5) is None:
                continue
            evaluated += 1
            if all(falling):
                signals += 1
                hits += population[year + 5] < population[year]
    [(mart_evaluated, mart_signals, mart_hits, hit_rate, false_alarms)] = _rows(
        built_home,
        "select evaluated, signals, hits, hit_rate_pct, false_alarm_rate_pct "
        "from marts.signal_backtest where rule_id = 'population_decline'",
    )
    assert (mart_evaluated, mart_signals, mart_hits) == (evaluated, signals, hits)
    assert hit_rate == round(100 * hits / signals, 1)
    assert false_alarms == round(100 * (signals - hits) / signals, 1)
    methods = " ".join(parse(publication / "methods.html").text)
    shown = f"{hit_rate:.1f}".replace(".", ",") + f"{NBSP}%"
    assert shown in methods  # the pipeline's number, on the methods page


def test_location_quotients_are_the_towns_share_over_norways_from_the_raw_table(built_home):
    [(town, norway)] = _rows(
        built_home,
        "select sum(value) filter (where region_code = 'K-1804' and dims->>'NACE2007' = '10-33')"
        " / sum(value) filter (where region_code = 'K-1804'), "
        "sum(value) filter (where region_code = '0' and dims->>'NACE2007' = '10-33')"
        " / sum(value) filter (where region_code = '0') "
        "from raw.statbank_cells where table_id = '13470' and time_code = '2025'",
    )
    [(quotient, origin)] = _rows(
        built_home,
        "select quotient_norway, origin from marts.town_industry_quotients "
        "where town_id = 'bodo' and year = 2025 and nace_code = '10-33'",
    )
    assert quotient == round(town / norway, 4) and origin == "sample"
    assert _rows(built_home, "select min(quotient_norway) >= 0 from marts.town_industry_quotients")


def test_town_pages_show_their_warning_lights_peers_and_gaps(built_home, publication):
    raised = _rows(
        built_home,
        "select town_id, sentence_nb, origin from marts.town_signals "
        "where is_raised and year = 2026 and source_tables = '07459'",
    )
    assert raised and all(origin == "official" for *_, origin in raised)
    pages = {t: " ".join(parse(publication / f"{t}.html").text) for t, *_ in raised}
    for town_id, sentence, _ in raised:
        assert sentence in pages[town_id], (town_id, sentence)
    lit = {t for t, *_ in _rows(built_home, "select town_id from marts.town_signals where "
                                "is_raised and year >= 2025")}  # fmt: skip
    for town_id, name in _rows(built_home, "select town_id, town_name from marts.dim_town"):
        text = " ".join(parse(publication / f"{town_id}.html").text)
        assert "Varsellamper" in text and "Lignende kommuner i landet" in text
        if town_id not in lit:
            assert f"Ingen varsler for {name} i 2026" in text
        for (peer,) in _rows(built_home, "select peer_municipality_name from marts.town_peers "
                             "where town_id = ? and year = 2026", town_id):  # fmt: skip
            assert peer in text, (town_id, peer)
        assert "Lokaliseringskvotient for arbeidsplasser etter næring, 2025" in text
        assert "næringsspekteret" in text  # the gap sentence in the summary
    region = " ".join(parse(publication / "region.html").text)
    assert "Varsellamper i byene" in region


def test_a_missing_figure_is_named_in_the_words_of_dim_value_status(built_home, publication):
    """Each town's population table says why a figure is missing, and the downloads say so, in
    the words of the mart dim_value_status (the value_statuses seed's)."""
    words = dict(_rows(built_home, "select status, meaning_nb from marts.dim_value_status"))
    seed = REPO_ROOT / "dbt" / "seeds" / "value_statuses.csv"
    with seed.open(encoding="utf-8", newline="") as handle:
        assert words == {r["status"]: r["meaning_nb"] for r in csv.DictReader(handle)}
    start = 2026 - Settings(home=built_home).history_years
    missing = _rows(
        built_home,
        "select town_id, year, status from marts.town_population "
        "where status is not null and year between ? and 2026",
        start,
    )
    assert missing  # the sample has series breaks
    for town_id, year, status in missing:
        page = (publication / f"{town_id}.html").read_text(encoding="utf-8")
        row = re.search(rf'<th scope="row">{year}</th>(.*?)</tr>', page, re.S)
        assert row and f'<td class="note">{words[status]}</td>' in row.group(1), (town_id, year)
    csv_file = publication / "data" / "town_population.csv"
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        shown = {r["Status"] for r in csv.DictReader(handle, delimiter=";")} - {""}
    assert shown and shown <= set(words.values())


def test_the_front_pages_population_is_ssbs(publication, shared_ssb):
    """Read as a county officer would: the overview's 1 January 2026 figures are SSB's."""
    totals: dict[str, int] = {}
    with gzip.open(shared_ssb / "population_by_sex_agegroup_2005-2026.csv.gz", "rt") as handle:
        for row in csv.DictReader(handle):
            if row["year"] == "2026" and row["code"] in ("1804", "1841", "1833", "18", "0"):
                totals[row["code"]] = totals.get(row["code"], 0) + int(row["population"])
    page = (publication / "index.html").read_text(encoding="utf-8")
    cells = [
        " ".join(cell.split())
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page, flags=re.S)
    ]
    text = [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
    fmt = Formatter("nb")
    for name, code in (("Bodø", "1804"), ("Fauske", "1841"), ("Mo i Rana", "1833"),
                       ("Nordland", "18"), ("Norge", "0")):  # fmt: skip
        # a town's cell names its municipality too where the names differ: "Mo i Rana (Rana)"
        row = next(i for i, cell in enumerate(text) if cell.split(" (")[0] == name)
        shown = " ".join(fmt.number(totals[code]).split())  # cells are compared space-normalised
        assert shown in text[row : row + 4], (name, totals[code])


def test_the_pages_render_from_the_marts_with_the_seeds_and_catalogue_unreadable(
    built_home, publication, monkeypatch
):
    """publish reads the marts only: with every file under dbt/seeds, the StatBank catalogue and
    the register's, the survey's and the interviews' codebooks unreadable, the pages render as
    they were published, and the notices for tables StatBank could not deliver still know the
    catalogue's tables."""
    import builtins
    import io
    from datetime import date

    from flows.gate import load_result
    from flows.ingest.codebook import INTERVIEW_CODEBOOK, SURVEY_CODEBOOK
    from flows.ingest.measures import CODEBOOK as MEASURES_CODEBOOK
    from flows.ingest.statbank_catalogue import CATALOGUE_PATH
    from flows.publish.marts import read_report_data
    from flows.publish.render import build_pages, load_messages, stale_notices

    settings = Settings(home=built_home, pdf=True)  # as the session's publication was made
    data = read_report_data(settings.warehouse_path)
    gate = load_result(settings, 2026)
    assert data.source_tables() and data.verdicts() and data.index_weights()
    assert data.value_statuses() and data.codes("plan", "themes") and data.codes("survey", "items")
    assert data.codes("interviews", "themes")
    blocked = [(settings.dbt_project_dir / "seeds").resolve(), CATALOGUE_PATH.resolve(),
               MEASURES_CODEBOOK.resolve(), SURVEY_CODEBOOK.resolve(),
               INTERVIEW_CODEBOOK.resolve()]  # fmt: skip
    tried: list[str] = []

    def guarded(opener):
        def open_(file, *args, **kwargs):
            if isinstance(file, str | Path):
                path = Path(file).resolve()
                if any(path == b or b in path.parents for b in blocked):
                    tried.append(str(path))
                    raise PermissionError(f"publish may not read {path}")
            return opener(file, *args, **kwargs)

        return open_

    monkeypatch.setattr(builtins, "open", guarded(builtins.open))
    monkeypatch.setattr(io, "open", guarded(io.open))
    pages = build_pages(data, gate, 2026, settings, "nb")
    t = load_messages(settings, "nb")
    fmt = Formatter("nb", t["units_after"])
    every = stale_notices(
        dict.fromkeys(data.source_tables(), "2026-01-02"), data.source_tables(), fmt, t
    )
    one = stale_notices({"07459": "2026-01-02"}, data.source_tables(), fmt, t)
    monkeypatch.undo()
    assert not tried, f"publish read {tried}"
    for name in ("index.html", "methods.html", "region.html", "bodo.html"):
        assert pages[name] == (publication / name).read_text(encoding="utf-8"), name
    assert every == [t("stale_statbank", date=fmt.day(date(2026, 1, 2)))]
    assert one == [t("stale_tables", tables="07459", date=fmt.day(date(2026, 1, 2)))]
