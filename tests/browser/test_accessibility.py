"""The chat widget checked by axe-core, the accessibility engine the field uses, on a desktop and a phone.

axe-core comes from npm (web/package.json, a devDependency: it is never bundled into the widget) and is
injected into the demo page; it checks open shadow roots, where the widget lives.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.widget_page import DESKTOP, PHONE, WORDING, Chat, screenshot
from coach.content import pattern
from coach.store import PROJECT_DIR

pytestmark = pytest.mark.browser

AXE = PROJECT_DIR / "web" / "node_modules" / "axe-core" / "axe.min.js"
WIDGET = "#trust-coach-widget"


def run_axe(page: Page) -> dict:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/setup.sh (npm ci in web/)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("() => axe.run(document)")


def in_widget(node: dict) -> bool:
    """A node axe found inside the widget's shadow root: its target is a path through that root."""
    target = node["target"][0]
    return isinstance(target, list) and target[0] == WIDGET


def described(violations: list[dict]) -> str:
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {json.dumps(node['target'])} {node['html'][:160]}" for node in violation["nodes"])
        for violation in violations)


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violation_with_the_chat_open_after_an_answer(browser: Browser, servers, device):
    context = browser.new_context(**device)
    page = context.new_page()
    try:
        chat = Chat(page).open()
        chat.say("i keep promising him nothing is going on")
        chat.expect_said(pattern("reassuring")["insight"][0])
        chat.suggestions()
        results = run_axe(page)
        # axe really looked inside the widget (its log, its buttons), not only at the host page.
        checked = {rule["id"] for rule in results["passes"] if any(map(in_widget, rule["nodes"]))}
        assert {"button-name", "aria-allowed-attr"} <= checked, sorted(checked)
        assert results["violations"] == [], described(results["violations"])
    finally:
        context.close()


def test_the_conversation_scrolls_from_the_keyboard_with_a_visible_focus_ring(page: Page, servers):
    chat = Chat(page).open()
    chat.say("i keep promising him nothing is going on")
    chat.expect_said(pattern("reassuring")["insight"][0])
    chat.suggestions()
    greeting = chat.log.locator(".message.bot").first
    latest = chat.log.locator(".message").last
    expect(greeting).not_to_be_in_viewport()  # the answer pushed it up, out of sight
    expect(latest).to_be_in_viewport()

    # Tab from the header's last button lands on the conversation itself.
    page.get_by_role("button", name=WORDING["close"]).focus()
    page.keyboard.press("Tab")
    expect(chat.log).to_be_focused()
    focused = "document.querySelector('#trust-coach-widget').shadowRoot.activeElement"
    ring = page.evaluate(f"(style => [style.outlineStyle, style.outlineWidth, style.outlineOffset])"
                         f"(getComputedStyle({focused}))")
    assert ring[:2] == ["solid", "3px"]
    # All of the ring shows: the panel clips what sticks out of it, and the log spans the panel.
    reach = max(0.0, float(ring[1].removesuffix("px")) + float(ring[2].removesuffix("px")))
    log = chat.log.bounding_box()
    panel = page.locator("#trust-coach-widget .panel").bounding_box()
    assert log["x"] - reach >= panel["x"] and log["x"] + log["width"] + reach <= panel["x"] + panel["width"]
    screenshot(page, "11-log-keyboard-focus")

    page.keyboard.press("Home")
    expect(greeting).to_be_in_viewport()
    expect(latest).not_to_be_in_viewport()
    page.keyboard.press("End")
    expect(latest).to_be_in_viewport()
    expect(greeting).not_to_be_in_viewport()
