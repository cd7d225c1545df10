"""The chat widget in Chromium: what a visitor of a website sees and can do with it.

Each test opens the demo page (scripts/serve_demo.py) in a fresh browser profile and talks to the
real Rasa server and action server. Screenshots of the main states go to results/screenshots/.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect
from servers import DEMO_URL

from browser.widget_page import EXIT_URL, PHONE, REPLY_TIMEOUT, WORDING, Chat, screenshot
from coach.content import coaching, exercises, fill, pattern, practice, privacy, step

pytestmark = pytest.mark.browser


def test_a_whole_conversation_from_greeting_to_practice_feedback(page, servers):
    chat = Chat(page).open()
    greeting = chat.messages("bot")[0]
    assert "automated coach" in greeting and "not a therapist" in greeting
    screenshot(page, "1-greeting")

    # The typing indicator shows while the coach works out its answer.
    page.evaluate("""() => {
        const typing = document.querySelector('#trust-coach-widget').shadowRoot.querySelector('.typing');
        window.typingShown = false;
        new MutationObserver(() => { if (!typing.hidden) window.typingShown = true; })
            .observe(typing, {attributes: true});
    }""")
    chat.say("when he accuses me of cheating i lose my temper and start yelling at him")
    chat.expect_said(pattern("angry")["insight"][0].split("{partner}")[0].strip())
    chat.expect_said(step("not_about_you")["title"])
    assert page.evaluate("window.typingShown")
    expect(chat.typing).to_be_hidden()
    screenshot(page, "2-insight")

    chat.press(coaching()["menu"]["practise"])
    texting = practice()["scenarios"]["texting"]
    chat.press(texting["title"])
    chat.expect_said(texting["opening"])
    chat.say("you always accuse me, stop being so paranoid!")
    chat.expect_said(practice()["feedback"]["patterns"]["angry"]["name"])
    chat.expect_said(texting["model_answer"])
    screenshot(page, "3-practice-feedback")

    # What the person pressed shows as what they said. Their practice answer stays on their screen,
    # and the server did not keep it once the feedback was given.
    assert texting["title"] in chat.messages("user")
    assert "you always accuse me, stop being so paranoid!" in chat.messages("user")
    said = servers.user_texts(chat.session_id())
    assert "you always accuse me, stop being so paranoid!" not in said
    assert said.count(practice()["menu"]["reply_removed"]) == 1


def test_a_reload_keeps_the_conversation_and_start_over_clears_it(page, servers):
    chat = Chat(page).open()
    chat.say("i keep promising him nothing is going on")
    chat.expect_said(pattern("reassuring")["insight"][0])
    before = chat.messages("bot")
    session = chat.session_id()

    page.reload()
    chat.expect_said(pattern("reassuring")["insight"][0])  # the chat reopens as it was left
    assert chat.session_id() == session
    assert chat.messages("bot") == before  # no second greeting, nothing lost
    assert chat.messages("user") == ["i keep promising him nothing is going on"]
    screenshot(page, "4-after-reload")

    # Start over: a new conversation under a new id and token; the old one can't be opened from here.
    token = chat.token()
    page.get_by_role("button", name=WORDING["startOver"]).click()
    expect(chat.notice).to_have_text(WORDING["startedOver"])
    expect(chat.log).to_contain_text("automated coach", timeout=REPLY_TIMEOUT)
    assert chat.session_id() not in (None, session)
    assert chat.token() not in (None, token)
    assert chat.messages("user") == []
    assert pattern("reassuring")["insight"][0] not in chat.log.inner_text()
    page.reload()
    expect(chat.log).to_contain_text("automated coach", timeout=REPLY_TIMEOUT)
    expect(chat.log).not_to_contain_text(pattern("reassuring")["insight"][0])


def test_quick_exit_hides_the_chat_at_once_and_leaves_for_a_neutral_site(page, servers):
    chat = Chat(page).open()
    chat.say("i lose it and yell")
    # What the page looks like the moment it starts to leave.
    shown_when_leaving = []
    page.expose_function("reportLeaving", lambda display: shown_when_leaving.append(display))
    page.evaluate("""() => window.addEventListener('beforeunload', () => reportLeaving(
        getComputedStyle(document.querySelector('#trust-coach-widget')).display))""")
    # Not waiting on the click's own navigation bookkeeping, which stalled under load in one run
    # in three here: the leaving itself is what is waited for, and checked.
    page.get_by_role("button", name=WORDING["quickExit"]).click(no_wait_after=True)
    page.wait_for_url(EXIT_URL)
    assert shown_when_leaving == ["none"]


def test_escape_twice_is_a_quick_exit_too(page, servers):
    chat = Chat(page).open()
    chat.input.press("Escape")
    chat.input.press("Escape", no_wait_after=True)
    page.wait_for_url(EXIT_URL)
    # The page replaced itself: going back does not lead to the chat.
    page.go_back()
    assert page.url != DEMO_URL


def test_delete_my_conversation_removes_it_on_the_server_and_in_the_browser(page, servers):
    chat = Chat(page).open()
    chat.say("i don't mention who was at lunch because she gets upset")
    try_title = coaching()["menu"]["try_step"].format(title=step("tell_truth")["title"])
    chat.expect_said(step("tell_truth")["title"])
    chat.press(try_title)
    chat.expect_said(step("tell_truth")["title"])
    session = chat.session_id()
    deadline = time.monotonic() + 30
    while servers.store.chosen_steps(session) != ["tell_truth"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert servers.store.chosen_steps(session) == ["tell_truth"]
    assert servers.event_count(session) > 0

    page.get_by_role("button", name=WORDING["deleteConversation"]).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(WORDING["confirmDelete"])
    screenshot(page, "5-delete-confirmation")
    dialog.get_by_role("button", name=WORDING["confirmDeleteYes"]).click()

    expect(chat.notice).to_have_text(WORDING["deleted"])
    assert servers.event_count(session) == 0
    assert servers.store.chosen_steps(session) == []
    # A fresh conversation under a new id: greeted again, with nothing of the old one.
    expect(chat.log).to_contain_text("automated coach", timeout=REPLY_TIMEOUT)
    assert chat.session_id() not in (None, session)
    assert chat.messages("user") == []
    page.reload()
    expect(chat.log).to_contain_text("automated coach", timeout=REPLY_TIMEOUT)
    assert "lunch" not in chat.log.inner_text()


def test_asking_the_coach_to_delete_everything_clears_the_browser_too(page, servers):
    chat = Chat(page).open()
    chat.say("i keep promising him nothing is going on")
    chat.expect_said(pattern("reassuring")["insight"][0])
    session = chat.session_id()
    chat.say("please delete everything you have on me")
    chat.expect_said(privacy()["ask"])
    chat.press(privacy()["buttons"]["confirm"])

    expect(chat.notice).to_have_text(WORDING["deleted"])
    expect(chat.log).to_contain_text("automated coach", timeout=REPLY_TIMEOUT)  # a new conversation
    assert chat.session_id() not in (None, session)
    assert "promising" not in chat.log.inner_text()
    deadline = time.monotonic() + 30  # the server deletes once its last reply has gone out
    while servers.event_count(session) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert servers.event_count(session) == 0


def test_markup_from_the_user_or_the_server_is_shown_as_text(page, servers):
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    chat = Chat(page).open()
    attack = "<img src=x onerror=alert(1)>"
    chat.say(attack)
    expect(chat.log.locator(".message.user")).to_have_text(f"{WORDING['youSaid']}{attack}")
    # As if the server sent markup (it never does): through the socket's own message handler.
    page.evaluate("""(text) => TrustCoach.socket.listeners('bot_uttered')[0]({text})""", attack)
    expect(chat.log.locator(".message.bot").last).to_contain_text(attack)
    page.wait_for_timeout(500)
    assert page.locator("#trust-coach-widget img").count() == 0
    assert alerts == []


def test_a_plan_from_the_coach_downloads_as_a_text_file(page, servers, tmp_path):
    chat = Chat(page).open()
    plan = "My plan\n1. Say who was at lunch before she asks.\n<b>not bold</b>\n"
    custom = {"download": {"filename": "trust-coach-plan.txt", "label": "Download your plan", "text": plan}}
    # The guided exercises will send this payload; here it comes in as the socket would deliver it.
    page.evaluate("(custom) => TrustCoach.socket.listeners('bot_uttered')[0]({custom})", custom)
    expect(chat.log.locator(".document")).to_have_text(plan)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download your plan").click()
    download = download_info.value
    assert download.suggested_filename == "trust-coach-plan.txt"
    download.save_as(tmp_path / "plan.txt")
    assert (tmp_path / "plan.txt").read_text() == plan
    screenshot(page, "6-download")


def test_from_anger_through_an_exercise_to_a_downloaded_plan(page, servers, tmp_path):
    grounding = exercises()["exercises"]["not_about_you"]
    chat = Chat(page).open()
    chat.say("I get angry when she accuses me")
    chat.expect_said(step("not_about_you")["title"])
    chat.press(fill(grounding["button"]))
    chat.expect_said(grounding["intro"])
    chat.say("who were you really texting at midnight")
    chat.press("That I'll leave")
    chat.expect_said("that you'll leave")
    chat.say("you're scared i'll leave, and i'm not going anywhere. it was my brother about mum's birthday")
    chat.expect_said("Your plan:")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download your plan").last.click()
    download = download_info.value
    assert download.suggested_filename == "trust-coach-plan.txt"
    download.save_as(tmp_path / "plan.txt")
    plan = (tmp_path / "plan.txt").read_text()
    assert "who were you really texting at midnight" in plan and "it was my brother" in plan
    screenshot(page, "10-exercise-plan")


def test_keyboard_only_with_visible_focus(page, servers):
    page.goto(DEMO_URL)
    widget_focus = "document.querySelector('#trust-coach-widget').shadowRoot.activeElement"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(f"{widget_focus}?.textContent") == WORDING["launcher"]:
            break
    else:
        pytest.fail("the chat's button cannot be reached with Tab")
    ring = page.evaluate(f"getComputedStyle({widget_focus}).outlineStyle + ' ' + "
                         f"getComputedStyle({widget_focus}).outlineWidth")
    assert ring == "solid 3px"
    page.keyboard.press("Enter")
    chat = Chat(page)
    expect(chat.input).to_be_focused()
    chat.expect_said("automated coach")

    page.keyboard.type("I just go quiet and leave the room")
    page.keyboard.press("Enter")
    chat.expect_said(pattern("ignoring")["insight"][0].split("{partner}")[0].strip())
    suggestions = chat.suggestions()
    # From the text box, Shift+Tab reaches the suggested replies; Enter presses one.
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate(f"{widget_focus}.textContent")
    assert focused in suggestions.all_inner_texts()
    assert page.evaluate(f"getComputedStyle({widget_focus}).outlineStyle") == "solid"
    screenshot(page, "7-keyboard-focus")
    answered = chat.log.locator(".message.bot").count()
    page.keyboard.press("Enter")
    expect(chat.log.locator(".message.user").last).to_have_text(f"{WORDING['youSaid']}{focused}")
    expect(chat.log.locator(".message.bot").nth(answered)).to_be_visible(timeout=REPLY_TIMEOUT)


def contrast_ratio(page: Page, selector: str) -> float:
    """The WCAG contrast of an element's text on its own (or nearest) background."""
    return page.evaluate("""(selector) => {
        const root = document.querySelector('#trust-coach-widget').shadowRoot;
        const element = root.querySelector(selector);
        const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
        const luminance = ([r, g, b]) => {
            const channel = (c) => {
                c /= 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            };
            return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
        };
        let node = element, background = null;
        while (node && node.nodeType === 1) {
            const colour = rgb(getComputedStyle(node).backgroundColor);
            if (colour.length < 4 || colour[3] > 0) { background = colour; break; }
            node = node.parentNode;
        }
        background = background || [255, 255, 255];
        const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background)];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""", selector)


def test_text_contrast_passes_wcag_aa_and_the_host_page_styles_stay_out(page, servers):
    chat = Chat(page).open()
    chat.say("i keep promising him nothing is going on")
    chat.expect_said(pattern("reassuring")["insight"][0])
    chat.suggestions()
    for selector in [".message.bot", ".message.user", ".reply", ".send", ".exit", ".subtitle", ".link",
                     "h2", "textarea"]:
        assert contrast_ratio(page, selector) >= 4.5, selector
    # The demo page shouts: uppercase text and hot pink buttons. None of it reaches the chat.
    send = page.locator("#trust-coach-widget .send")
    assert send.evaluate("e => getComputedStyle(e).textTransform") == "none"
    assert send.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(255, 105, 180)"


def test_on_a_360_pixel_phone_the_chat_fills_the_screen_without_sideways_scrolling(browser, servers):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        chat = Chat(page).open()
        chat.say("I gave her my passwords and she still checks my phone")
        chat.expect_said(pattern("giving_in")["insight"][0].split("{partner}")[0].strip())
        chat.suggestions()  # their buttons too must fit
        panel = page.locator("#trust-coach-widget .panel").bounding_box()
        assert (panel["x"], panel["width"]) == (0, 360)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for control in page.locator("#trust-coach-widget button:visible").all():
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, control.inner_text()
        assert page.evaluate("""() => {
            const log = document.querySelector('#trust-coach-widget').shadowRoot.querySelector('.log');
            return log.scrollWidth <= log.clientWidth;
        }""")
        screenshot(page, "8-phone-360")
    finally:
        context.close()


def test_the_server_going_down_and_back_loses_nothing_and_sends_nothing_twice(page, servers):
    chat = Chat(page).open()
    servers.stop_rasa()
    expect(chat.notice).to_have_text(WORDING["connectionLost"], timeout=30_000)
    message = "sometimes i just go silent when he asks where i was"
    chat.say(message)
    expect(chat.log.locator(".message.user").last).to_contain_text(WORDING["notSentYet"])
    screenshot(page, "9-connection-lost")

    servers.start_rasa()
    expect(chat.notice).not_to_have_text(WORDING["connectionLost"], timeout=REPLY_TIMEOUT)
    chat.expect_said(pattern("ignoring")["insight"][0].split("{partner}")[0].strip())
    expect(chat.log.locator(".message.user").last).to_have_text(f"{WORDING['youSaid']}{message}")
    page.wait_for_timeout(2000)  # time for any second copy to arrive
    assert servers.user_texts(chat.session_id()).count(message) == 1
    assert chat.messages("user").count(message) == 1
