"""Opening the published report in Debian's chromium (Playwright): what the browser saw on
every page, for the tests in tests/browser."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("BYMONITOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = (1280, 390)
LANGUAGES = ("nb", "en")
YEAR = 2026
#: Set to a folder to keep a full-page screenshot of every page the tests open.
SCREENSHOTS = os.environ.get("BYMONITOR_SCREENSHOTS")
NETWORK = re.compile(r"^(https?|wss?|ftp)://")

#: What the page holds, read in the browser: its width, language, tables that overflow their
#: box, links, and the charts: every svg, img and canvas, and a figure.chart without one. A chart
#: is named by itself or by the role=img element around it (which hides the svg inside from
#: screen readers), not by a figure's caption alone: a screen reader reaching the image must have
#: something to say. Elements are marked with data-probe to find their accessibility nodes.
COLLECT = """() => {
  const heading = (el) => {
    let node = el;
    while (node && node !== document.body) {
      let prev = node.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        const inner = prev.querySelectorAll('h1, h2, h3, h4, h5, h6');
        if (inner.length) return inner[inner.length - 1].textContent.trim();
        prev = prev.previousElementSibling;
      }
      node = node.parentElement;
    }
    return '';
  };
  const graphics = [...document.querySelectorAll('svg, img, canvas')]
    .filter((el) => !el.parentElement.closest('svg'));
  const bare = [...document.querySelectorAll('figure.chart')]
    .filter((f) => !f.querySelector('svg, img, canvas'));
  let probe = 0;
  const mark = (el) => {
    if (!el) return null;
    if (!el.dataset.probe) el.dataset.probe = String(probe++);
    return el.dataset.probe;
  };
  const charts = [...graphics, ...bare].map((el, i) => ({
    what: `${el.tagName.toLowerCase()} ${i + 1} under "${heading(el)}"`,
    probes: [mark(el), mark(el.parentElement.closest('[role="img"]'))]
      .filter((p) => p !== null),
  }));
  const overflowing = [...document.querySelectorAll('table')]
    .filter((t) => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1)
    .map((t) => {
      const box = t.parentElement;
      const style = getComputedStyle(box);
      return {
        what: `table under "${heading(t)}"`,
        scrolls: ['auto', 'scroll'].includes(style.overflowX),
        role: box.getAttribute('role'),
        tabindex: box.getAttribute('tabindex'),
        label: (box.getAttribute('aria-label') || '').trim(),
      };
    });
  const links = [...document.querySelectorAll('[href], [src]')]
    .filter((el) => !el.closest('svg'))
    .map((el) => {
      const attr = el.hasAttribute('href') ? 'href' : 'src';
      return {attr: el.getAttribute(attr), url: el[attr] || el.getAttribute(attr)};
    });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    lang: document.documentElement.lang,
    charts, overflowing, links,
  };
}"""


@dataclass
class PageVisit:
    """What Chromium saw on one published page at one window width."""

    name: str
    width: int
    scroll_width: int
    lang: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (which chart, its name)
    overflowing_tables: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)


def browser_required() -> bool:
    """CI (any value but empty, 0 or false) or BYMONITOR_REQUIRE_BROWSER=1."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false")
    return ci or os.environ.get("BYMONITOR_REQUIRE_BROWSER") == "1"


def published_pages(folder: Path) -> list[str]:
    """The web pages the manifest lists; it must list every page in the folder."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(name for name in manifest["files"] if name.endswith(".html"))
    on_disk = sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*.html") if not p.name.startswith(".")
    )
    assert listed == on_disk, "the manifest does not list the pages in the folder"
    return listed


def visit_all(browser: Any, folder: Path, lang: str, width: int) -> list[PageVisit]:
    """Open every published page of the folder in a new window of this width; no page may reach
    the network (such a request is refused and recorded)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    asked: list[str] = []

    def refuse(route: Any) -> None:
        asked.append(route.request.url)
        route.abort()

    context.route(NETWORK, refuse)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    try:
        return [
            _visit(context, folder, name, lang, width, asked) for name in published_pages(folder)
        ]
    finally:
        context.close()


def _visit(
    context: Any, folder: Path, name: str, lang: str, width: int, asked: list[str]
) -> PageVisit:
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    asked.clear()
    try:
        page.goto((folder / name).as_uri(), wait_until="load")
        seen = page.evaluate(COLLECT)
        visit = PageVisit(
            name=name,
            width=width,
            scroll_width=seen["scrollWidth"],
            lang=seen["lang"],
            console_errors=errors,
            failed_requests=failed + [f"{url} (asks the network)" for url in asked],
            overflowing_tables=seen["overflowing"],
            links=seen["links"],
        )
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("Accessibility.enable")
        for chart in seen["charts"]:
            names = (_accessible_name(cdp, probe) for probe in chart["probes"])
            visit.charts.append((chart["what"], next((n for n in names if n), "")))
        cdp.detach()
        if SCREENSHOTS:
            shot = f"{lang}-{width}-{name.removesuffix('.html').replace('/', '-')}.png"
            page.screenshot(path=str(Path(SCREENSHOTS) / shot), full_page=True)
        return visit
    finally:
        page.close()


def _accessible_name(cdp: Any, probe: str) -> str:
    """The accessible name Chromium computes for an element (aria-label, aria-labelledby, alt,
    an svg's <title>; a bare figure's figcaption); empty when it has none or is hidden."""
    found = cdp.send(
        "Runtime.evaluate", {"expression": f"document.querySelector('[data-probe=\"{probe}\"]')"}
    )
    node = cdp.send("DOM.describeNode", {"objectId": found["result"]["objectId"]})
    tree = cdp.send(
        "Accessibility.getPartialAXTree",
        {"backendNodeId": node["node"]["backendNodeId"], "fetchRelatives": False},
    )
    ax = tree["nodes"][0] if tree["nodes"] else {}
    if ax.get("ignored"):
        return ""
    return str(ax.get("name", {}).get("value", "")).strip()
