"""Chromium for the browser tests: one browser for the run, a fresh profile for each test."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from browser.widget_page import CHROMIUM, DESKTOP, EXIT_URL


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (as .ci/run does)")
    with sync_playwright() as playwright:
        # Debian's Chromium; Playwright's own browser download does not work here.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, servers) -> Page:
    """A fresh browser profile (so a fresh conversation) with a desktop-sized window."""
    context = browser.new_context(**DESKTOP, accept_downloads=True)
    context.route(f"{EXIT_URL}**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Google</title><p>A neutral page</p>"))
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
