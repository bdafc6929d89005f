"""The report's charts on the sample, read as a county officer and a screen reader would: a title
and a text alternative built from the marts, tooltips in the page's language, every town on the
front page's chart (or a note saying why not), each chart under a heading that names it, and
time charts that reach the years the text beside them quotes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest

from flows.gate import GateResult
from flows.publish import charts
from flows.publish.formatting import Formatter
from flows.publish.marts import ReportData, read_report_data
from flows.publish.render import build_pages, load_messages
from flows.settings import Settings

YEAR = 2026


@dataclass
class Chart:
    """One <figure class="chart"> of a page and the heading it sits under."""

    heading: str
    label: str  # the accessible name: aria-label of the role="img" element
    title: str  # the title drawn in the SVG
    caption: str
    tips: list[str]
    texts: list[str] = field(default_factory=list)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def read_charts(page: str) -> list[Chart]:
    found, heading = [], ""
    for part in re.split(
        r"(<h2[^>]*>.*?</h2>|<figure class=\"chart.*?</figure>)", page, flags=re.S
    ):
        if part.startswith("<h2"):
            heading = text_of(part)
        elif part.startswith("<figure"):
            label = re.search(r'role="img" aria-label="([^"]*)"', part)
            svg = part[part.index("<svg") : part.index("</svg>")]
            drawn = re.findall(r"<(?:text|tspan)[^>]*>([^<]+)</(?:text|tspan)>", svg)
            title = re.search(r"role-title.*?<text[^>]*>(.*?)</text>", svg, flags=re.S)
            found.append(
                Chart(
                    heading=heading,
                    label=html.unescape(label.group(1)) if label else "",
                    title=text_of(title.group(1)) if title else "",
                    caption=text_of(part[part.index("<figcaption") :]),
                    tips=charts.titles_in(svg),
                    texts=[html.unescape(t) for t in drawn],
                )
            )
    return found


@pytest.fixture(scope="module")
def data(built_sample) -> ReportData:
    return read_report_data(Settings(home=built_sample).warehouse_path)


@pytest.fixture(scope="module")
def pages(built_sample, data) -> dict[str, dict[str, str]]:
    """The report's pages in bokmål and English, rendered from the session's built sample."""
    settings = Settings(home=built_sample)
    gate = GateResult(report_year=YEAR, period_start=YEAR - 10, checked_at="2026-03-15", checks=[])
    return {lang: build_pages(data, gate, YEAR, settings, lang) for lang in ("nb", "en")}


def town_pages(data: ReportData, pages: dict[str, str]) -> list[tuple[dict, str]]:
    return [(town, pages[f"{town['town_id']}.html"]) for town in data.towns]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_chart_has_a_visible_title_and_a_text_alternative_that_begins_with_it(pages, lang):
    count = 0
    for name, page in pages[lang].items():
        for chart in read_charts(page):
            count += 1
            assert chart.title, (name, chart.label)
            assert chart.label.startswith(chart.title + "."), (name, chart.title, chart.label)
            assert re.search(r"\d", chart.label[len(chart.title) :]), (name, chart.label)
    assert count > 70  # seven charts on each of ten town pages, and the front and region pages


@pytest.mark.parametrize(
    ("lang", "rose", "fell"),
    [
        ("nb", "Folketallet i {town} steg fra {first} i {y0} til {last} i {y1}.",
         "Folketallet i {town} falt fra {first} i {y0} til {last} i {y1}."),
        ("en", "The population of {town} rose from {first} in {y0} to {last} in {y1}.",
         "The population of {town} fell from {first} in {y0} to {last} in {y1}."),
    ],
)  # fmt: skip
def test_the_population_chart_says_its_first_and_last_year_and_figure(
    data, pages, lang, rose, fell
):
    fmt = Formatter(lang)
    for town, page in town_pages(data, pages[lang]):
        known = [r for r in data.town_series(town["town_id"]) if r["population"] is not None]
        known = [r for r in known if r["year"] <= YEAR]
        first, last = known[0], known[-1]
        assert last["year"] == YEAR
        # the figures are the municipality's: "Bodø kommune", "Leknes (Vestvågøy kommune)"
        word = {"nb": "kommune", "en": "municipality"}[lang]
        municipality = f"{town['municipality_name']} {word}"
        label = (
            municipality
            if town["municipality_name"] == town["town_name"]
            else f"{town['town_name']} ({municipality})"
        )
        sentence = (rose if last["population"] > first["population"] else fell).format(
            town=label,
            first=fmt.number(first["population"]),
            y0=first["year"],
            last=fmt.number(last["population"]),
            y1=last["year"],
        )
        population = read_charts(page)[0]
        assert sentence in population.label, (town["town_id"], population.label)
        assert population.title.endswith(f"{first['year']}–{YEAR}")
        # every year with a figure is a point with its tooltip, the first and the last too
        assert len(population.tips) == len(known)
        shown = fmt.number(first["population"])
        assert population.tips[0] == f"{town['town_name']} {first['year']}: {shown}"


def test_the_front_page_chart_shows_all_ten_towns_and_says_why_one_has_no_bar(data, pages):
    change = read_charts(pages["nb"]["index.html"])[0]
    names = [town["town_name"] for town in data.towns]
    assert len(names) == 10
    assert set(names) <= set(change.texts), set(names) - set(change.texts)
    without = [
        town
        for town in data.towns
        if next(r for r in data.town_series(town["town_id"]) if r["year"] == YEAR)["change_10y_pct"]
        is None
    ]
    assert [t["town_name"] for t in without] == ["Narvik"]  # new borders in 2020
    assert "Narvik har ingen stolpe: kommunen fikk nye grenser i 2020" in change.caption
    assert "Narvik har ingen stolpe" in change.label  # a screen reader hears it too
    assert "ingen sammenlignbar verdi, se merknaden" in change.texts
    bars = {tip.split(":")[0] for tip in change.tips}
    assert bars == set(names) - {"Narvik"} | {"Nordland", "Norge"}


def test_each_town_chart_sits_under_a_heading_that_names_it(data, pages):
    t = load_messages(Settings(), "nb")
    expected = {
        t.population_trend: ["Folketall 1. januar", "Folketall, indeks"],
        t.age_structure: ["Aldersgrupper"],
        t.components: ["Fødte, døde og flytting"],
        t.jobs_by_industry: ["Arbeidsplasser etter næring"],
    }
    for town, page in town_pages(data, pages["nb"]):
        shown = {}
        for chart in read_charts(page):
            shown.setdefault(chart.heading, []).append(chart.title)
        for heading, titles in expected.items():
            assert [s[: len(p)] for s, p in zip(shown[heading], titles, strict=True)] == titles, (
                town["town_id"],
                heading,
                shown[heading],
            )


def test_the_charts_reach_the_years_the_text_beside_them_quotes(data, pages):
    """The components chart has a point for the migration year the town's text quotes, and
    no time chart stops before the report year."""
    facts = data.values()
    for town, page in town_pages(data, pages["nb"]):
        code = town["town_id"]
        narrative = text_of(re.search(r'<div class="narrative">(.*?)</div>', page, re.S).group(1))
        quoted = max(
            year
            for (level, geo, year, indicator), row in facts.items()
            if (level, geo, indicator) == ("town", code, "net_domestic_migration_per_1000")
            and row["value"] is not None
            and year <= YEAR
        )
        assert f"i {quoted}" in narrative, (code, narrative)
        found = read_charts(page)
        components = next(c for c in found if c.title.startswith("Fødte, døde og flytting"))
        assert any(
            tip.startswith(f"Netto innenlandsk flytting {quoted}:") for tip in components.tips
        )
        for chart in [*found[:2], components]:  # population, index, components: years on x
            years = [int(t) for t in chart.texts if re.fullmatch(r"(19|20)\d\d", t)]
            assert max(years) == YEAR, (code, chart.title, years)


def test_narvik_charts_show_the_series_break_as_a_note(data, pages):
    found = read_charts(pages["nb"]["narvik.html"])
    note = "Brudd i serien: Narvik fikk nye grenser i 2020"
    population, index, components = found[0], found[1], found[3]
    assert population.title == "Folketall 1. januar, Narvik kommune 2020–2026"
    for chart in (population, index, components):
        assert note in chart.caption and note in chart.label, chart.title
    assert index.title == "Folketall, indeks (2020 = 100)"
    # before 2020 the components chart has years on its axis but no points: the gap
    assert min(int(tip.split(":")[0][-4:]) for tip in components.tips) == 2020
    region = read_charts(pages["nb"]["region.html"])[0]
    assert "De ti byene har tall først fra 2020: Narvik fikk nye grenser i 2020" in region.caption


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_tooltips_are_written_in_the_pages_language(pages, lang):
    tips = [tip for page in pages[lang].values() for c in read_charts(page) for tip in c.tips]
    assert len(tips) > 1000
    for tip in tips:
        value = tip.rsplit(": ", 1)[1]
        decimal = "," if lang == "nb" else "."
        assert not re.search(rf"\d{re.escape(decimal)}\d{{3,}}", value), tip  # no raw decimals
        assert not re.search(r"-\d", value), tip  # the minus sign U+2212, never a hyphen
        if lang == "nb":
            assert not re.search(r"\d\.\d", value) and not re.search(r"\d,\d{3}\b", value), tip
        else:
            assert not re.search(r"\d,\d{1,2}\b", value), tip
    if lang == "nb":
        assert any("\u2212" in tip for tip in tips) and any("\u00a0%" in tip for tip in tips)


def test_labels_are_wrapped_not_cut(data, pages):
    industries = read_charts(pages["nb"]["bodo.html"])[4]
    assert "…" not in " ".join(industries.texts)
    assert "forsvar, sosialforsikring" in " ".join(industries.texts)
    survey = next(c for c in read_charts(pages["nb"]["bodo.html"]) if "enighet" in c.title)
    assert "…" not in " ".join(survey.texts)
    assert "støtteordninger for gründere" in " ".join(survey.texts)


@pytest.mark.parametrize("page", ["index.html", "region.html"])
def test_every_vekstkraft_bar_has_its_figure_written_and_zero_is_said_not_to_be_missing(
    data, pages, page
):
    fmt = Formatter("nb")
    ranked = [r for r in data.rows("vekstkraft_index", year=YEAR) if r["rank"]]
    assert min(r["index_0_100"] for r in ranked) == 0  # the lowest town scores 0 by construction
    chart = next(c for c in read_charts(pages["nb"][page]) if c.title.startswith("Vekstkraft"))
    for r in ranked:
        assert r["town_name"] in chart.texts
        assert fmt.number(r["index_0_100"]) in chart.texts, r
    note = "0 = lavest av de ti byene, 100 = høyest; ikke manglende tall."
    assert note in chart.caption and note in chart.label
    assert "Indeks (0 = lavest av de ti byene, 100 = høyest)" in chart.texts
    assert {"0", "100"} <= set(chart.texts)  # the axis covers 0–100 whatever the scores


def test_survey_agreement_charts_share_one_1_to_5_axis_on_every_town_page(data, pages):
    axes = {}
    for town, page in town_pages(data, pages["nb"]):
        survey = [c for c in read_charts(page) if "enighet" in c.title]
        if survey:
            ticks = [t for t in survey[0].texts if re.fullmatch(r"[\d,]+", t)]
            axes[town["town_name"]] = ticks
    assert len(axes) >= 2
    assert all(ticks == ["1", "2", "3", "4", "5"] for ticks in axes.values()), axes


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_chart_has_labels_of_12_px_and_scrolls_in_a_named_box(pages, lang):
    for name, page in pages[lang].items():
        if not name.endswith(".html"):
            continue
        for part in re.findall(r'<figure class="chart.*?</figure>', page, flags=re.S):
            sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', part)]
            assert sizes and min(sizes) >= 12, (name, sizes)
            box = re.search(r'<div class="chart-scroll" role="region" aria-label="([^"]+)"', part)
            assert box and 'tabindex="0"' in part, name
            assert "--chart-least:" in part, name
