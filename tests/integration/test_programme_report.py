"""The action programme and the survey and interviews over time as the published sample shows
them: each town's measures with measure_progress's figures and verdicts, "Veien videre" with the
programme's counts and what no measure addresses, a town without measures said so, survey changes
in words only where they exceed their uncertainty, and no respondent, informant or interview key
on any page. The expected figures are read from the published home's warehouse with DuckDB."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
import yaml

from flows import constants
from flows.gate import load_result
from flows.ingest.codebook import interview_scales
from flows.publish.formatting import Formatter
from flows.publish.marts import read_report_data
from flows.publish.render import build_pages
from flows.publish.verify import _Lookup, check_page
from flows.settings import REPO_ROOT, Settings

YEAR = 2026
MESSAGES = constants.fill_all(
    yaml.safe_load((REPO_ROOT / "reports" / "messages" / "nb.yml").read_text("utf-8"))
)  # as the report loads them: a rule's number filled in
FMT = Formatter("nb", MESSAGES["units_after"])
YARDSTICK_WORDS = {"peers": "lignende kommuner (median)", "county": "Nordland",
                   "towns": "de ti byene (median)"}  # fmt: skip


@pytest.fixture(scope="module")
def home(published_sample) -> Path:
    return published_sample


@pytest.fixture(scope="module")
def publication(home) -> Path:
    return Settings(home=home).publication_dir(YEAR)


def query(home: Path, sql: str, *params) -> list[dict]:
    con = duckdb.connect(str(Settings(home=home).warehouse_path), read_only=True)
    try:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


class Tables(HTMLParser):
    """Every table of a piece of HTML: its caption and its rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._caption = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(_squash("".join(self._cell)))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = _squash("".join(self._caption))
            self._caption = None

    def handle_data(self, data):
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def _squash(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip()  # a no-break space stays


def tables(fragment: str) -> list[dict]:
    parser = Tables()
    parser.feed(fragment)
    return parser.tables


def text(fragment: str) -> str:
    """The visible text of some HTML (charts' SVG left out)."""
    fragment = re.sub(r"<svg.*?</svg>", " ", fragment, flags=re.S)
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def section(page: str, labelled_by: str) -> str:
    """The <section> a heading with this id names (the sections here hold no other section)."""
    start = page.index(f'aria-labelledby="{labelled_by}"')
    return page[start : page.index("</section>", start)]


def shown(value: float | None, unit: str, decimals: int | None) -> str:
    return FMT.indicator(value, unit, decimals)


def change_shown(value: float, unit: str, decimals: int | None, basis: str) -> str:
    if basis == "percent":
        return FMT.percent(value)
    return FMT.indicator(value, "percentage_points" if unit == "percent" else unit, decimals, True)


PROGRESS = """
    select p.*, i.name_nb, i.unit, i.decimals, m.title_nb, m.measure_status_nb
    from marts.measure_progress p
    join marts.dim_indicator i using (indicator_id)
    join marts.plan_measures m using (register_year, measure_id)
    where p.register_year = (select max(register_year) from marts.plan_measures
                             where register_year <= ?)
"""


def test_each_town_page_shows_its_measures_with_the_marts_figures(home, publication):
    towns = query(home, "select town_id, town_name from marts.dim_town")
    covered = query(
        home,
        "select t.town_id, m.measure_id, m.title_nb, m.measure_status_nb, m.theme_nb, "
        "m.responsible from marts.plan_measure_towns t join marts.plan_measures m "
        "using (register_year, measure_id) where t.register_year = (select max(register_year) "
        "from marts.plan_measures where register_year <= ?)",
        YEAR,
    )
    progress = query(home, PROGRESS, YEAR)
    assert covered and progress
    checked = 0
    for town in towns:
        page = (publication / f"{town['town_id']}.html").read_text(encoding="utf-8")
        mine = section(page, f"programme-{town['town_id']}")
        words = text(mine)
        measures = [c for c in covered if c["town_id"] == town["town_id"]]
        assert f"er med i {len(measures)} tiltak" in words
        found = {t["caption"].split(" ", 1)[0]: t for t in tables(mine)}
        for measure in measures:
            assert f"{measure['measure_id']} {measure['title_nb']}" in words
            assert f"Status: {measure['measure_status_nb']}" in words
            assert f"Ansvarlig: {measure['responsible']}" in words
            rows = [p for p in progress if p["town_id"] == town["town_id"]
                    and p["measure_id"] == measure["measure_id"]]  # fmt: skip
            table = found[measure["measure_id"]]["rows"][1:]
            assert len(table) == len(rows)
            for p in rows:
                [row] = [r for r in table if r[0] == p["name_nb"]]
                _, baseline, latest, _, target, verdict, yardstick = row
                expected = shown(p["baseline_value"], p["unit"], p["decimals"])
                if p["baseline_value"] is not None:
                    expected += f" ({p['baseline_year']})"
                assert baseline == expected
                expected = shown(p["latest_value"], p["unit"], p["decimals"])
                if p["latest_value"] is not None:
                    expected += f" ({p['latest_year']})"
                assert latest == expected
                assert str(p["target_year"]) in target
                if p["target_value"] is not None:
                    assert shown(p["target_value"], p["unit"], p["decimals"]) in target
                assert verdict.startswith(p["verdict_nb"])
                if p["yardstick"]:
                    change = change_shown(p["yardstick_change"], p["unit"], p["decimals"],
                                          p["comparison_basis"])  # fmt: skip
                    assert yardstick == f"{YARDSTICK_WORDS[p['yardstick']]}: {change}"
                checked += 1
        assert "eksempeldata" in words  # the sample register and values carry the mark
    assert checked == len(progress)  # every row of measure_progress is on its town's page


def test_the_way_ahead_shows_the_programme_and_what_no_measure_addresses(home, publication):
    page = (publication / "region.html").read_text(encoding="utf-8")
    way = section(page, "way-ahead")
    words = text(way)
    [register] = query(home, "select max(register_year) as y from marts.plan_measures "
                             "where register_year <= ?", YEAR)  # fmt: skip
    year = register["y"]
    measures = query(home, "select * from marts.plan_measures where register_year = ?", year)
    statuses = ("planned", "started", "completed", "stopped")
    counts = {s: sum(m["measure_status"] == s for m in measures) for s in statuses}
    assert (
        f"Registeret for {year} har {len(measures)} tiltak: {counts['started']} startet, "
        f"{counts['completed']} fullført, {counts['planned']} planlagt og "
        f"{counts['stopped']} stanset."
    ) in words
    [themes, on_track, wrong_way, gaps, interviews] = tables(way)
    by_theme = {r[0]: r[1:] for r in themes["rows"][1:]}
    for theme in {m["theme_nb"] for m in measures}:
        mine = [m for m in measures if m["theme_nb"] == theme]
        assert by_theme[theme] == [str(len(mine))] + [
            str(sum(m["measure_status"] == s for m in mine)) for s in statuses
        ]
    progress = query(home, PROGRESS, YEAR)
    verdicts = {v: sum(p["verdict"] == v for p in progress)
                for v in ("on_track", "not_yet", "wrong_way", "too_early")}  # fmt: skip
    assert f"{verdicts['on_track']} er i rute" in words
    assert f"{verdicts['wrong_way']} går feil vei" in words
    towns = {r["town_id"]: r["town_name"] for r in query(home, "select * from marts.dim_town")}
    for table, verdict in ((on_track, "on_track"), (wrong_way, "wrong_way")):
        rows = [p for p in progress if p["verdict"] == verdict]
        assert len(table["rows"]) - 1 == len(rows) > 0
        for p in rows:
            baseline = f"{shown(p['baseline_value'], p['unit'], p['decimals'])} "
            baseline += f"({p['baseline_year']})"
            assert [p["name_nb"], towns[p["town_id"]], baseline] in [
                r[1:4] for r in table["rows"]
            ], p
    # a weakness is listed for its town exactly when no measure in force there aims at it
    aimed = {
        (p["town_id"], p["indicator_id"]) for p in progress if p["measure_status"] != "stopped"
    }
    weaknesses = query(
        home,
        "select w.town_id, w.indicator_id, i.name_nb from marts.town_strengths_weaknesses w "
        "join marts.dim_indicator i using (indicator_id) where w.year = ? and kind = 'weakness'",
        YEAR,
    )
    listed = {r[0].removesuffix(" eksempeldata"): r[2].split("; ") for r in gaps["rows"][1:]}
    assert set(listed) == set(towns.values())
    open_found = addressed_found = 0
    for w in weaknesses:
        if (w["town_id"], w["indicator_id"]) in aimed:
            assert w["name_nb"] not in listed[towns[w["town_id"]]], w
            addressed_found += 1
        else:
            assert w["name_nb"] in listed[towns[w["town_id"]]], w
            open_found += 1
    assert open_found and addressed_found  # the sample has both kinds
    # the regional actors' interviews, theme by theme and round by round
    regional = query(
        home,
        "select wave, theme, interviews, share_of_interviews from "
        "marts.interview_themes_over_time where town_id = 'regional' and wave <= ?",
        YEAR,
    )
    assert regional
    labels = {code: v["nb"] for code, v in interview_scales()["themes"].values.items()}
    waves = [int(c.split(" ")[0]) for c in interviews["rows"][0][1:]]
    cells = {
        (row[0], wave): cell
        for row in interviews["rows"][1:]
        for wave, cell in zip(waves, row[1:], strict=True)
    }
    assert len(cells) == len(regional)
    for r in regional:
        share = FMT.percent(r["share_of_interviews"], 0, signed=False)
        assert cells[labels[r["theme"]], r["wave"]] == f"{r['interviews']} ({share})"


def test_survey_changes_are_in_words_only_beyond_their_uncertainty(home, publication):
    changes = query(
        home,
        "select * from marts.survey_town_change where to_wave = "
        "(select max(to_wave) from marts.survey_town_change where to_wave <= ?)",
        YEAR,
    )
    subjects = {"share_agree": "Andelen som er enige i utsagnet",
                "share_yes": "Andelen som svarer ja på",
                "mean_agreement": "Gjennomsnittlig enighet (1–5) i utsagnet"}  # fmt: skip
    beyond = within = 0
    for town_id in {c["town_id"] for c in changes}:
        page = (publication / f"{town_id}.html").read_text(encoding="utf-8")
        part = section(page, f"over-time-{town_id}")
        said = re.search(r'<ul class="survey-changes">(.*?)</ul>', part, re.S)
        sentences = [text(li) for li in re.findall(r"<li>(.*?)</li>", said.group(1), re.S)] \
            if said else []  # fmt: skip
        mine = [c for c in changes if c["town_id"] == town_id]
        for c in mine:
            subject = f"{subjects[c['measure']]} «{c['item_label_nb']}»"
            stated = [s for s in sentences if s.startswith(subject + " ")]
            if c["is_beyond_uncertainty"]:
                [sentence] = stated
                places = 2 if c["measure"] == "mean_agreement" else 1
                assert f"{FMT.signed(c['ci_low'], places)} til " in sentence
                assert f" til {FMT.signed(c['ci_high'], places)})" in sentence
                beyond += 1
            else:
                assert not stated, (town_id, subject)
                within += 1
        assert len(sentences) == sum(bool(c["is_beyond_uncertainty"]) for c in mine)
        if not sentences:
            assert "er større enn usikkerheten." in text(part)
        # every share in the table, wave against wave, with its interval
        [table] = [t for t in tables(part) if t["caption"].startswith("Spørreundersøkelsen i")]
        rows = {r[0]: r[1:] for r in table["rows"][1:]}
        for c in mine:
            if c["measure"] == "mean_agreement":
                continue
            measure = "andel enige" if c["measure"] == "share_agree" else "andel ja"
            label = f"{c['item_label_nb']} ({measure})"
            before, after, _, interval, _ = rows[label]
            assert (before, after) == (FMT.percent(c["value_from"], signed=False),
                                       FMT.percent(c["value_to"], signed=False))  # fmt: skip
            assert interval == f"{FMT.signed(c['ci_low'], 1)} til {FMT.signed(c['ci_high'], 1)}"
    assert beyond and within  # the sample has changes of both kinds


def test_a_town_without_measures_and_a_suppressed_item_are_shown_as_such(home):
    """The pages rendered from the marts as they would be with a register that names no
    measure for Fauske (the whole-region measures left out too) and a survey item in Bodø with
    too few answers in one wave (its values NULL, as survey_town_change suppresses them)."""
    settings = Settings(home=home)
    data = read_report_data(settings.warehouse_path)
    marts = data.marts
    regional = {m["measure_id"] for m in marts["plan_measures"] if m["is_regional"]}
    for name in ("plan_measures", "plan_measure_towns", "measure_progress"):
        marts[name] = [r for r in marts[name] if r["measure_id"] not in regional
                       and r.get("town_id") != "fauske"]  # fmt: skip
    marts["plan_measures"] = [m for m in marts["plan_measures"] if m["towns"] != "fauske"]
    [item] = [r for r in marts["survey_town_change"] if r["town_id"] == "bodo"
              and r["item_id"] == "arena_meeting_places" and r["measure"] == "share_agree"
              and r["to_wave"] == YEAR]  # fmt: skip
    hidden = (item["value_from"], item["value_to"])
    item.update(is_suppressed=True, value_from=None, value_to=None, change=None, ci_low=None,
                ci_high=None, is_beyond_uncertainty=None, n_to=4)  # fmt: skip
    pages = build_pages(data, load_result(settings, YEAR), YEAR, settings, "nb")
    fauske = text(section(pages["fauske.html"], "programme-fauske"))
    assert f"Ingen tiltak i handlingsprogrammet gjelder Fauske i registeret for {YEAR}." in fauske
    assert "Utgangspunkt" not in fauske
    assert "Bodø er med i" in pages["bodo.html"]  # the other towns keep theirs
    bodo = section(pages["bodo.html"], "over-time-bodo")
    [table] = [t for t in tables(bodo) if t["caption"].startswith("Spørreundersøkelsen i")]
    [row] = [r for r in table["rows"] if r[0].startswith(item["item_label_nb"])
             and "andel enige" in r[0]]  # fmt: skip
    assert row[1:3] == [MESSAGES["suppressed"]] * 2 and row[3:5] == ["", ""]
    for value in hidden:
        tip = f"«{item['item_label_nb']}»: {FMT.percent(value, signed=False)}"
        assert tip not in bodo  # not drawn in the chart either
    assert "1 spørsmål er ikke tegnet" in text(bodo)
    # the publication's check of every marked figure against the marts passes on these pages
    lookup = _Lookup(marts)
    assert check_page("bodo.html", pages["bodo.html"], lookup, "nb") == []
    assert check_page("fauske.html", pages["fauske.html"], lookup, "nb") == []


def test_no_page_holds_a_respondent_informant_or_interview_key(home, publication):
    keys = {
        row["k"]
        for sql in (
            "select distinct respondent_key as k from raw.survey_answers",
            "select distinct interview_key as k from raw.interviews",
            "select distinct informant_key as k from raw.interviews",
            "select distinct organisation_key as k from raw.interviews",
        )
        for row in query(home, sql)
        if row["k"]
    }
    assert len(keys) > 100
    pages = [p for p in publication.rglob("*.html")] + list((publication / "data").glob("*.csv"))
    assert len(pages) > 20
    for path in pages:
        content = path.read_text(encoding="utf-8-sig")
        assert not [k for k in keys if k in content], path.name
