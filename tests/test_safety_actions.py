"""What a person who may be unsafe is told: real numbers at once, and never couples therapy after."""

from __future__ import annotations

import pytest
from conftest import make_tracker, payloads, said, slots_set, texts

from actions.content import step
from actions.safety import ActionSafetyResponse
from actions.therapy import ActionSuggestTherapy


def test_thoughts_of_self_harm_get_crisis_lines_in_the_first_reply(dispatcher, domain):
    events = ActionSafetyResponse().run(dispatcher, make_tracker("safety_self_harm"), domain)
    first = texts(dispatcher)[0]
    assert "988" in first and "741741" in first and "911" in first and "findahelpline.com" in first
    assert "step" not in said(dispatcher).lower()
    assert payloads(dispatcher) == ["/affirm"]
    assert "abuse_disclosed" not in slots_set(events)


@pytest.mark.parametrize("intent", ["safety_danger", "safety_coercive_control"])
def test_danger_and_control_get_the_hotline_at_once(intent, dispatcher, domain):
    events = ActionSafetyResponse().run(dispatcher, make_tracker(intent), domain)
    first = texts(dispatcher)[0]
    assert "1-800-799-7233" in first and "START to 88788" in first and "911" in first
    assert "loveisrespect.org" in first
    assert "isn't a trust problem" in said(dispatcher)
    assert "close this chat" in said(dispatcher)
    assert slots_set(events)["abuse_disclosed"] is True


def test_therapy_suggests_both_kinds_with_real_directories(dispatcher, domain):
    ActionSuggestTherapy().run(dispatcher, make_tracker("ask_therapy"), domain)
    assert step("partner_therapy")["summary"] in said(dispatcher)
    assert step("couples_therapy")["summary"] in said(dispatcher)
    assert "therapistlocator.net" in said(dispatcher) and "openpathcollective.org" in said(dispatcher)


def test_couples_therapy_is_never_suggested_after_abuse_is_disclosed(dispatcher, domain):
    tracker = make_tracker("ask_therapy", slots={"abuse_disclosed": True})
    ActionSuggestTherapy().run(dispatcher, tracker, domain)
    text = said(dispatcher)
    assert step("couples_therapy")["summary"] not in text
    assert step("couples_therapy")["title"] not in text
    assert "couples" not in text.replace("won't suggest couples therapy", "")
    assert "1-800-799-7233" in text
    assert not any("couples_therapy" in payload for payload in payloads(dispatcher))
