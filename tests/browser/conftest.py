"""Debian's chromium, driven by Playwright, on the published sample in bokmål and English.

Every published page is opened once per language and window width; what the browser saw (the
page's width, console errors, failed requests, the charts' accessible names as Chromium computes
them, the links) is kept for the session and checked by the tests in this folder.

Without chromium the tests skip and say why, unless the environment variable CI is set or
BYMONITOR_REQUIRE_BROWSER=1: then they fail, so that CI never skips them silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_visits import (
    CHROMIUM,
    CHROMIUM_ARGS,
    YEAR,
    PageVisit,
    browser_required,
    visit_all,
)

from flows.settings import Settings


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; a skip that says why without it (a failure under CI)."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        why = (
            f"the browser tests need Debian's chromium at {CHROMIUM}, which is not installed: "
            "`make test` installs it with apt as root, or run "
            "`apt-get install --no-install-recommends chromium`"
        )
        if browser_required():
            pytest.fail(f"{why} (CI or BYMONITOR_REQUIRE_BROWSER=1: not skipped)", pytrace=False)
        pytest.skip(why)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless chromium for the session (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def publication(request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """The published 2026 sample's folder in a language (published on first use)."""
    homes = {"nb": "published_sample", "en": "published_sample_en"}

    def folder(lang: str) -> Path:
        home = request.getfixturevalue(homes[lang])
        return Settings(home=home).publication_dir(YEAR)

    return folder


@pytest.fixture(scope="session")
def visits(
    browser: Any, publication: Callable[[str], Path]
) -> Callable[[str, int], list[PageVisit]]:
    """Every published page of a language opened at a width, once per session."""
    seen: dict[tuple[str, int], list[PageVisit]] = {}

    def visit(lang: str, width: int) -> list[PageVisit]:
        if (lang, width) not in seen:
            seen[lang, width] = visit_all(browser, publication(lang), lang, width)
        return seen[lang, width]

    return visit
