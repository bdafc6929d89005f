"""The printable report: one HTML document (cover, contents, chapters) to an A4 PDF.

WeasyPrint's layout is the slowest part of publishing and pure Python, so `start_pdf` runs it in
a process of its own, beside the rest of the publication's writing (a second core's work).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from flows import signals
from flows.errors import BymonitorError


def write_pdf(html: str, base: Path, target: Path) -> None:
    """WeasyPrint lays out the print stylesheet: A4, page numbers, a chapter per town."""
    from weasyprint import HTML  # imported here: it takes a second to load

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(base)).write_pdf(target)


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
