"""The printable report: one HTML document (cover, contents, chapters) to an A4 PDF."""

from __future__ import annotations

import logging
from pathlib import Path


def write_pdf(html: str, base: Path, target: Path) -> None:
    """WeasyPrint lays out the print stylesheet: A4, page numbers, a chapter per town."""
    from weasyprint import HTML  # imported here: it takes a second to load

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(base)).write_pdf(target)
