"""The PDF as a reader gets it, in bokmål and in English: every character on the printed area,
no HTML escape printed, no nearly empty page, a tagged PDF (structure, language, title, figures
with text alternatives), a bookmark per chapter, and no link that leads out of the document.

The PDFs are the session's published samples (`published_sample`, `published_sample_en`); each is
read once per module with pdfplumber (positions) and pypdf (structure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject

from flows.publish.render import Messages, load_messages
from flows.settings import Settings

MM = 72 / 25.4
#: print.css: A4 with margins 18 mm (top), 16 mm (sides), 20 mm (bottom); the regional
#: chapter's pages are A4 landscape.
A4 = (595, 842)
SIDE, TOP, BOTTOM = 16 * MM, 18 * MM, 20 * MM
#: A page whose content ends within the top fifth of the text area (about 52 mm: a heading and
#: four table rows, or a caption alone) is nearly empty, even as a chapter's last page.
NEARLY_EMPTY = 0.2
#: A page inside a chapter (one more page of the same chapter follows) is filled to at least
#: 45 % of the text area (about 117 mm). What ends a page there early is a block kept whole that
#: did not fit below it, so a page under that holds one small block alone: a ten-row list of
#: similar municipalities cut off from its heading (about 28 %), the components-of-change chart
#: alone (about 40 %), a section's heading and introduction whose chart went on. A chapter's
#: last page may be shorter (a heading and an eleven-row table fill about 40 %).
HALF_EMPTY = 0.45
ESCAPE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
TOWNS = ("Bodø", "Narvik", "Mo i Rana", "Mosjøen", "Sandnessjøen", "Brønnøysund", "Fauske",
         "Svolvær", "Leknes", "Sortland")  # fmt: skip


def chapters(t: Messages) -> tuple[str, ...]:
    """The chapters in order, as the bookmarks' top level should name them."""
    return (t.toc, t.subtitle, t.region_title, *TOWNS, t.methods, t.data_quality)


@dataclass
class PageLook:
    """What one page shows: its text, where its characters lie and how far down it is filled."""

    number: int
    text: str
    outside: list[str]
    filled: float


@dataclass
class Printed:
    lang: str
    path: Path
    pages: list[PageLook]
    t: Messages
    reader: PdfReader


def squeeze(text: str) -> str:
    """Text without white space (a title may wrap over two lines)."""
    return "".join(text.split())


def look_at(path: Path) -> list[PageLook]:
    """Each page's characters outside the printed area (side margins, page edges) and the share
    of the text area its content (text, lines, shapes, images; not the footer) reaches down to."""
    looks = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            size = (round(page.width), round(page.height))
            assert size in (A4, A4[::-1]), number  # A4, upright or landscape
            page_width, page_height = page.width, page.height
            body_bottom = page_height - BOTTOM
            chars = page.chars
            outside = [
                c["text"]
                for c in chars
                if c["x0"] < SIDE - 1
                or c["x1"] > page_width - SIDE + 1
                or c["top"] < 0
                or c["bottom"] > page_height
            ]
            drawn = [*chars, *page.rects, *page.lines, *page.curves, *page.images]
            lowest = max((o["bottom"] for o in drawn if o["bottom"] < body_bottom), default=TOP)
            text = "".join(c["text"] for c in chars)
            filled = (lowest - TOP) / (body_bottom - TOP)
            looks.append(PageLook(number, text, outside, filled))
    return looks


@pytest.fixture(scope="module", params=["nb", "en"])
def printed(request: pytest.FixtureRequest) -> Printed:
    """The published sample's PDF in one language, looked at once."""
    home = request.getfixturevalue(
        {"nb": "published_sample", "en": "published_sample_en"}[request.param]
    )
    settings = Settings(home=home)
    path = settings.publication_dir(2026) / "report.pdf"
    messages = load_messages(settings, request.param)
    return Printed(request.param, path, look_at(path), messages, PdfReader(path))


def test_every_character_lies_on_the_printed_area(printed):
    """A table wider than the page loses its right-hand columns past the edge: its characters
    are still in the file, beyond the page's right margin."""
    spilled = {p.number: "".join(p.outside)[:60] for p in printed.pages if p.outside}
    assert not spilled, f"text outside the printed area (page: text): {spilled}"


def test_no_html_escape_is_printed(printed):
    """Text set by the print stylesheet (the running footer and header) is a CSS string, where an
    HTML escape such as &#39; would be printed as it is."""
    escaped = {p.number: m.group(0) for p in printed.pages if (m := ESCAPE.search(squeeze(p.text)))}
    assert not escaped, f"HTML escapes printed (page: escape): {escaped}"


def test_no_page_is_nearly_empty(printed):
    empty = {p.number: p.text[:60] for p in printed.pages if p.filled < NEARLY_EMPTY}
    assert not empty, f"nearly empty pages (page: its text): {empty}"


def test_no_page_inside_a_chapter_is_left_half_empty(printed):
    """Only a chapter's last page (before the next chapter's first, or the document's end) may
    end in its upper half; the cover and the contents are pages of their own."""
    reader = printed.reader
    starts = {
        reader.get_destination_page_number(entry) + 1
        for entry in reader.outline
        if not isinstance(entry, list)
    }
    inside = [
        p
        for p in printed.pages
        if p.number > 1 and p.number + 1 not in starts and p.number < len(printed.pages)
    ]
    half = {p.number: (round(p.filled, 2), p.text[:60]) for p in inside if p.filled < HALF_EMPTY}
    assert not half, f"pages inside a chapter left half empty (page: filled, text): {half}"


def test_the_pdf_is_tagged_with_language_and_title(printed):
    reader = printed.reader
    root = reader.trailer["/Root"]
    assert "/MarkInfo" in root and "/StructTreeRoot" in root, "the PDF is not tagged"
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/Lang"] == printed.lang
    assert reader.metadata.title == printed.t("cover_title", year=2026)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    kinds: dict[str, int] = {}
    figures: list[DictionaryObject] = []
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if isinstance(node, DictionaryObject):
            if "/S" in node:
                kind = str(node["/S"])
                kinds[kind] = kinds.get(kind, 0) + 1
                if kind == "/Figure":
                    figures.append(node)
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                stack.extend(k.get_object() for k in (kids if isinstance(kids, list) else [kids]))
    for kind in ("/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure", "/Link"):
        assert kinds.get(kind), f"no {kind} in the structure tree: {sorted(kinds)}"
    assert kinds["/H1"] >= len(TOWNS) + 3
    untold = [i for i, f in enumerate(figures) if not str(f.get("/Alt", "")).strip()]
    assert not untold, f"{len(untold)} of {len(figures)} figures have no text alternative"


def test_a_bookmark_per_chapter_that_opens_the_chapter(printed):
    reader = printed.reader
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    assert tuple(e.title for e in top) == chapters(printed.t)
    for entry in top:
        page = printed.pages[reader.get_destination_page_number(entry)]
        assert squeeze(entry.title) in squeeze(page.text), (entry.title, page.number)
    assert any(isinstance(entry, list) for entry in reader.outline)  # sections below chapters


def test_no_link_leads_out_of_the_document(printed):
    """Internal links go to a named place in the PDF; a web address is allowed; nothing points
    into a folder (the build's temporary one, or any file on the machine that made it)."""
    reader = printed.reader
    names = set(reader.named_destinations)
    internal, outward = 0, []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annotation:
                assert str(annotation["/Dest"]) in names, (number, annotation["/Dest"])
                internal += 1
                continue
            uri = str(annotation.get("/A", {}).get("/URI", ""))
            if urlsplit(uri).scheme not in ("https", "http", "mailto"):
                outward.append((number, uri))
    assert not outward, f"links out of the document (page, address): {outward[:5]}"
    assert internal >= len(TOWNS)  # the contents page at least
