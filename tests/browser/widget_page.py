"""The chat widget on the demo page, found the way a person (or a screen reader) finds it."""

from __future__ import annotations

import os
import re

from playwright.sync_api import Locator, Page, expect
from servers import DEMO_URL

from coach.store import PROJECT_DIR

SCREENSHOTS = PROJECT_DIR / "results" / "screenshots"
REPLY_TIMEOUT = 60_000
# Quick exit's neutral site: answered by the tests themselves, so they need no internet.
EXIT_URL = "https://www.google.com/"
CHROMIUM = os.environ.get("TRUST_COACH_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def widget_wording() -> dict[str, str]:
    """The widget's own labels, from the one file that holds them."""
    source = (PROJECT_DIR / "web" / "src" / "wording.js").read_text()
    return {key: value for key, value in re.findall(r'(\w+):\s*"((?:[^"\\]|\\.)*)"', source)}


WORDING = widget_wording()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


class Chat:
    """The widget on the demo page, found the way a person (or a screen reader) finds it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.log = page.get_by_role("log")
        self.input = page.get_by_label(WORDING["inputLabel"])
        self.notice = page.locator("#trust-coach-widget .notice")
        self.typing = page.locator("#trust-coach-widget .typing")

    def open(self) -> Chat:
        self.page.goto(DEMO_URL)
        self.page.get_by_role("button", name=WORDING["launcher"]).click()
        expect(self.log).to_contain_text("automated coach", timeout=REPLY_TIMEOUT)
        return self

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def press(self, title: str) -> None:
        self.page.get_by_role("group", name=WORDING["suggestions"]).get_by_role("button", name=title).click()

    def expect_said(self, text: str) -> None:
        expect(self.log).to_contain_text(text, timeout=REPLY_TIMEOUT)

    def suggestions(self) -> Locator:
        """The suggested replies, once shown: they come with an answer's last message, a moment
        after its first ones."""
        buttons = self.page.get_by_role("group", name=WORDING["suggestions"]).get_by_role("button")
        expect(buttons.first).to_be_visible(timeout=REPLY_TIMEOUT)
        return buttons

    def session_id(self) -> str:
        return self.page.evaluate("localStorage.getItem('trust-coach.session')")

    def token(self) -> str:
        return self.page.evaluate("localStorage.getItem('trust-coach.token')")

    def messages(self, sender: str) -> list[str]:
        return self.page.locator(f"#trust-coach-widget .message.{sender} .text").all_inner_texts()
