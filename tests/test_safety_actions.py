"""What a person who may be unsafe is told: real numbers at once, and never couples therapy after."""

from __future__ import annotations

import pytest
from conftest import make_tracker, payloads, said, slots_set, texts

from actions.safety import ActionSafetyResponse


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
