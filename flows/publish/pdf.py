"""The printable report: one HTML document (cover, contents, chapters) to an A4 PDF.

WeasyPrint's layout is the slowest part of publishing and pure Python, so `start_pdf` runs it in
a process of its own, beside the rest of the publication's writing (a second core's work).
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from flows import signals
from flows.errors import BymonitorError

#: The web pages that are a chapter of the PDF under another id than their own name.
PAGE_CHAPTERS = {"index.html": "overview", "quality/index.html": "datakvalitet"}
LINK = re.compile(r'(<a\b[^>]*?)\s+href="([^"]*)"')
ID = re.compile(r'\sid="([^"]+)"')


def print_links(html: str) -> str:
    """The links of the print page as the PDF can keep them: a link to a page of the report, or
    to a place on one, becomes a link to its chapter in the PDF; web addresses stay; any other
    link (a download, a page the PDF does not hold) becomes plain text, since it would otherwise
    point into the folder the PDF was made in. Only ids the document holds once are targets
    (a section id repeated in every town chapter is not)."""
    seen = Counter(ID.findall(html))
    ids = {i for i, n in seen.items() if n == 1}

    def anchor(href: str) -> str | None:
        if href.startswith("#"):
            return href if href[1:] in ids else None
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto"):
            return href
        if parts.scheme or parts.netloc:
            return None
        page = parts.path.removeprefix("./")
        stem = page.removesuffix(".html")
        candidates = [parts.fragment, PAGE_CHAPTERS.get(page), stem, f"town-{stem}"]
        return next((f"#{c}" for c in candidates if c and c in ids), None)

    def rewrite(match: re.Match[str]) -> str:
        target = anchor(match.group(2))
        return match.group(1) if target is None else f'{match.group(1)} href="{target}"'

    return LINK.sub(rewrite, html)


SVG = re.compile(r"(<(?:div|span|figure)\b[^>]*>)?\s*(<svg\b[^>]*>)(?!\s*<title)")
LABEL = re.compile(r'\baria-label="([^"]*)"')


def chart_titles(html: str) -> str:
    """Give each chart without an SVG <title> its text alternative (the aria-label on the chart
    or on the element around it) as one: the tagged PDF takes a figure's alternative text from
    there."""

    def add_title(match: re.Match[str]) -> str:
        wrapper, svg = match.group(1) or "", match.group(2)
        label = LABEL.search(svg) or LABEL.search(wrapper)
        if label is None or not label.group(1).strip():
            return match.group(0)
        return f"{match.group(0)}<title>{label.group(1)}</title>"

    return SVG.sub(add_title, html)


def write_pdf(html: str, base: Path, target: Path) -> None:
    """WeasyPrint lays out the print stylesheet: A4, page numbers, a chapter per town; a tagged
    PDF (structure for screen readers, the document's language and title) with every link
    inside the document."""
    from weasyprint import HTML  # imported here: it takes a second to load

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=chart_titles(print_links(html)), base_url=str(base))
    document.write_pdf(target, pdf_tags=True)


class PdfJob:
    """A PDF being written by a child process; `wait()` raises what went wrong there."""

    def __init__(self, html: str, base: Path, target: Path) -> None:
        self.source = target.with_name(f".{target.stem}.html")
        self.source.write_text(html, encoding="utf-8")
        self.target = target
        self.process: subprocess.Popen[str] | None = None
        try:
            with signals.deferred():  # an interruption lands once the child is ours to stop
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "flows.publish.pdf", str(self.source), str(base),
                     str(target)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
        except BaseException:
            self.cancel()
            raise

    def wait(self) -> None:
        _, errors = self.process.communicate()
        self.source.unlink(missing_ok=True)
        if self.process.returncode == 0:
            return
        last = (errors or "").strip().splitlines()[-1:] or ["no message"]
        if last[0].startswith("oserror:"):
            _, number, reason = last[0].split(":", 2)
            raise OSError(int(number), reason, str(self.target))
        raise BymonitorError(f"the PDF could not be made: {last[0]}")

    def cancel(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        self.source.unlink(missing_ok=True)


def start_pdf(html: str, base: Path, target: Path) -> PdfJob:
    return PdfJob(html, base, target)


if __name__ == "__main__":
    source, base, target = (Path(a) for a in sys.argv[1:4])
    try:
        write_pdf(source.read_text(encoding="utf-8"), base, target)
    except OSError as exc:
        print(f"oserror:{exc.errno}:{exc.strerror}", file=sys.stderr)
        sys.exit(3)
