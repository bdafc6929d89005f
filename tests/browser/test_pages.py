"""The published report in a real browser (Debian's chromium), in bokmål and English, at a
desktop's 1280 px and a phone's 390 px: no page scrolls sideways, no console error or failed
request, every chart has an accessible name, every link resolves inside the publication."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_visits import LANGUAGES, WIDTHS, PageVisit, visit_all

pytestmark = pytest.mark.browser

Visits = Callable[[str, int], list[PageVisit]]
TOWNS = {
    "bodo", "bronnoysund", "fauske", "leknes", "mo-i-rana",
    "mosjoen", "narvik", "sandnessjoen", "sortland", "svolvaer",
}  # fmt: skip
PAGES = {"index.html", "region.html", "methods.html", "quality/index.html"} | {
    f"{town}.html" for town in TOWNS
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_opened_in_its_language(visits: Visits, lang: str) -> None:
    opened = visits(lang, WIDTHS[0])
    assert {v.name for v in opened} == PAGES
    assert [v.name for v in opened if v.lang != lang] == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways(visits: Visits, lang: str, width: int) -> None:
    wide = [
        f"{v.name}: {v.scroll_width} px" for v in visits(lang, width) if v.scroll_width > width + 1
    ]
    assert wide == [], f"pages wider than the {width} px window"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_table_wider_than_its_column_scrolls_in_a_box_keyboards_reach(
    visits: Visits, lang: str, width: int
) -> None:
    """A table wider than its column scrolls inside its own box, which a keyboard can focus
    (tabindex=0) and a screen reader names (role=region, aria-label)."""
    problems = [
        f"{v.name}: {t['what']} ({what})"
        for v in visits(lang, width)
        for t in v.overflowing_tables
        for what, bad in (
            ("its box does not scroll", not t["scrolls"]),
            ("its box is no region", t["role"] != "region"),
            ("its box takes no focus", t["tabindex"] != "0"),
            ("its box has no name", not t["label"]),
        )
        if bad
    ]
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_console_error_or_failed_request(visits: Visits, lang: str, width: int) -> None:
    opened = visits(lang, width)
    assert [(v.name, e) for v in opened for e in v.console_errors] == []
    assert [(v.name, r) for v in opened for r in v.failed_requests] == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chart_has_an_accessible_name(visits: Visits, lang: str, width: int) -> None:
    """The name Chromium gives the chart or its role=img wrapper (aria-label, aria-labelledby,
    alt, an svg title): what a screen reader says when it reaches the image."""
    opened = visits(lang, width)
    charts = {v.name: len(v.charts) for v in opened}
    assert charts["index.html"] > 0 and all(charts[f"{town}.html"] > 0 for town in TOWNS)
    unnamed = [f"{v.name}: {what}" for v in opened for what, name in v.charts if not name]
    assert unnamed == [], "charts without an accessible name"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_link_resolves_inside_the_publication(
    visits: Visits, publication: Callable[[str], Path], lang: str
) -> None:
    folder = publication(lang).resolve()
    opened = visits(lang, WIDTHS[0])
    assert sum(len(v.links) for v in opened) > 100
    problems = [
        f"{v.name}: {link['attr']} ({problem})"
        for v in opened
        for link in v.links
        if (problem := link_problem(link["url"], folder))
    ]
    assert problems == []


def link_problem(url: str, folder: Path) -> str | None:
    """Why a link (as the browser resolved it) does not lead to a file of the publication, or
    None. Web addresses of other sites are allowed; no address on this machine is."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        host = parts.hostname or ""
        local = host in ("localhost", "") or host.startswith("127.") or "." not in host
        return "an address on this machine" if local else None
    if parts.scheme in ("mailto", "data"):
        return None
    if parts.scheme != "file":
        return f"a {parts.scheme or 'schemeless'} link"
    target = Path(unquote(parts.path)).resolve()
    if not target.is_relative_to(folder):
        return f"outside the publication: {target}"
    if not target.is_file():
        return "no such file" if not target.exists() else "a folder, not a file"
    if parts.fragment and target.suffix == ".html":
        anchor = re.escape(unquote(parts.fragment))
        if not re.search(rf'\s(id|name)="{anchor}"', target.read_text(encoding="utf-8")):
            return f"no #{unquote(parts.fragment)} on {target.name}"
    return None


def test_link_problem_tells_a_good_link_from_a_bad_one(tmp_path: Path) -> None:
    """The link check itself: the links the report must not have are caught."""
    folder = tmp_path / "published" / "2026"
    (folder / "data").mkdir(parents=True)
    (folder / "index.html").write_text('<h2 id="kilder">Kilder</h2>', encoding="utf-8")
    (folder / "data" / "a.csv").write_text("x\n", encoding="utf-8")
    staging = tmp_path / "published" / ".2026-abc" / "data" / "a.csv"
    staging.parent.mkdir(parents=True)
    staging.write_text("x\n", encoding="utf-8")
    uri = (folder / "index.html").as_uri()
    assert link_problem(uri, folder) is None
    assert link_problem(uri + "#kilder", folder) is None
    assert link_problem((folder / "data" / "a.csv").as_uri(), folder) is None
    assert link_problem("https://www.ssb.no/statbank/table/07459", folder) is None
    assert "outside" in link_problem(staging.as_uri(), folder)
    assert link_problem((folder / "data" / "b.csv").as_uri(), folder) == "no such file"
    assert link_problem((folder / "data").as_uri(), folder) == "a folder, not a file"
    assert link_problem(uri + "#nowhere", folder) == "no #nowhere on index.html"
    assert link_problem("http://localhost:4200/index.html", folder) is not None
    assert link_problem("javascript:void(0)", folder) is not None


BROKEN_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="static/missing.css"></head><body>
<h2>Tabell</h2><div><table><tr><td style="min-width: 900px">bred</td></tr></table></div>
<h2>Figurer</h2>
<figure class="chart"><svg width="100" height="50"></svg>
<figcaption>Kilde: SSB</figcaption></figure>
<figure class="chart"><div role="img" aria-label="Folketallet steg"><svg width="100" height="50">
</svg></div></figure>
<a href="../.2026-staging/data/a.csv">a.csv</a> <a href="https://www.ssb.no/">SSB</a>
<img src="https://example.org/pixel.png" alt="piksel">
<script>console.error("noe gikk galt")</script>
</body></html>"""


def test_the_checks_catch_a_broken_page(browser: object, tmp_path: Path) -> None:
    """The browser checks themselves, on a page with every fault they look for."""
    folder = tmp_path / "published" / "2026"
    folder.mkdir(parents=True)
    (folder / "page.html").write_text(BROKEN_PAGE, encoding="utf-8")
    (folder / "manifest.json").write_text('{"files": ["page.html"]}', encoding="utf-8")
    [page] = visit_all(browser, folder, "nb", 390)
    assert page.scroll_width > 390 + 1
    assert [t["what"] for t in page.overflowing_tables] == ['table under "Tabell"']
    assert page.overflowing_tables[0]["role"] is None
    assert "noe gikk galt" in page.console_errors
    assert any("missing.css" in r for r in page.failed_requests)
    assert any("example.org" in r and "network" in r for r in page.failed_requests)
    assert page.charts == [
        ('svg 1 under "Figurer"', ""),
        ('svg 2 under "Figurer"', "Folketallet steg"),
        ('img 3 under "Figurer"', "piksel"),
    ]
    problems = [link_problem(link["url"], folder.resolve()) for link in page.links]
    assert problems[0] == "no such file"  # the stylesheet
    assert problems[1].startswith("outside the publication")  # the staging folder's CSV
    assert problems[2:] == [None, None]  # ssb.no, and an image on the web (refused above)
