"""What a person who may be unsafe is told: real numbers at once, and never couples therapy after."""

from __future__ import annotations

import pytest
from conftest import make_tracker, payloads, said, slots_set, texts

from actions.coaching import (
    ActionAcknowledgeFeeling,
    ActionAddressHiding,
    ActionExplainRootCause,
    ActionRespondToPattern,
)
from actions.safety import ActionSafetyResponse
from actions.session import ActionAnswerOffer
from coach.content import fill, pattern


def test_thoughts_of_self_harm_get_crisis_lines_in_the_first_reply(dispatcher, domain):
    events = ActionSafetyResponse().run(dispatcher, make_tracker("safety_self_harm"), domain)
    first = texts(dispatcher)[0]
    assert "988" in first and "741741" in first and "911" in first and "findahelpline.com" in first
    assert "step" not in said(dispatcher).lower()
    assert payloads(dispatcher) == ["/affirm"]
    assert "abuse_disclosed" not in slots_set(events)


def test_danger_gets_the_hotline_at_once(dispatcher, domain):
    events = ActionSafetyResponse().run(dispatcher, make_tracker("safety_danger"), domain)
    first = texts(dispatcher)[0]
    assert "1-800-799-7233" in first and "START to 88788" in first and "911" in first
    assert "loveisrespect.org" in first
    assert "isn't a trust problem" in said(dispatcher)
    assert "close this chat" in said(dispatcher)
    assert slots_set(events)["abuse_disclosed"] is True


def warned(dispatcher, domain, text):
    return ActionSafetyResponse().run(dispatcher, make_tracker("safety_coercive_control", text=text), domain)


def test_warning_signs_of_control_are_named_with_the_hotline_and_the_question(dispatcher, domain):
    events = warned(dispatcher, domain, "he reads my phone every night and needs to know where i am all day")
    first = texts(dispatcher)[0]
    assert first.startswith("Thank you for telling me. Checking your phone or needing to know where you are")
    assert "warning signs of control" in first and "1-800-799-7233" in first
    assert "afraid of them, or unsafe saying no" in texts(dispatcher)[1]
    assert payloads(dispatcher) == ["/affirm", "/deny"]
    # Not yet a disclosure, and not the crisis answer.
    assert "abuse_disclosed" not in slots_set(events)
    assert "isn't a trust problem" not in said(dispatcher)
    assert slots_set(events)["offer"] == "afraid"


def test_each_kind_of_warning_sign_is_named_for_what_it_is(dispatcher, domain):
    warned(dispatcher, domain,
           "she takes my whole paycheck and i have to show her receipts. she won't let me see my sister")
    first = texts(dispatcher)[0]
    assert "Keeping you from your friends or family and controlling the money are" in first


def test_yes_to_feeling_afraid_is_a_disclosure(dispatcher, domain):
    tracker = make_tracker("affirm", slots={"offer": "afraid"})
    events = ActionAnswerOffer().run(dispatcher, tracker, domain)
    assert "1-800-799-7233" in texts(dispatcher)[0] and "911" in texts(dispatcher)[0]
    assert slots_set(events)["abuse_disclosed"] is True


def test_no_to_feeling_afraid_goes_on_coaching(dispatcher, domain):
    events = ActionAnswerOffer().run(dispatcher, make_tracker("deny", slots={"offer": "afraid"}), domain)
    assert "What do you usually do" in said(dispatcher)
    assert "abuse_disclosed" not in slots_set(events)
    assert slots_set(events)["offer"] is None


# A warning sign inside a message read as something the coach answers (components/safety/ sets the
# `safety_warning` entity and keeps the intent): that answer first, then the warning and its question.
STORY = ("every time she asks where i was i swear up and down i love her. she reads my texts at night "
         "and wants my location on all day")


def test_a_warning_sign_beside_a_story_comes_after_its_insight(dispatcher, domain):
    tracker = make_tracker("describe_reassuring", text=STORY,
                           entities=[("safety_warning", "she reads my texts at night and wants my location")])
    events = ActionRespondToPattern().run(dispatcher, tracker, domain)
    replies = texts(dispatcher)
    insight = fill(pattern("reassuring")["insight"][0]).split("{")[0][:40]
    assert any(insight in reply for reply in replies[:-2])  # what they do is answered first
    assert replies[-2].startswith("One more thing, from what you wrote: checking your phone")
    assert "1-800-799-7233" in replies[-2]
    assert "afraid of them, or unsafe saying no" in replies[-1]
    assert payloads(dispatcher)[-2:] == ["/affirm", "/deny"]
    # Nothing that could excuse control beside it: not "it's not about you", not couples therapy.
    assert not {"not_about_you", "couples_therapy"} & set(slots_set(events)["steps_offered"])
    # The question asked last is the one a yes answers: a yes is then a disclosure.
    assert slots_set(events)["offer"] == "afraid"
    assert "abuse_disclosed" not in slots_set(events)


def test_without_a_warning_sign_the_story_gets_its_answer_alone(dispatcher, domain):
    events = ActionRespondToPattern().run(dispatcher, make_tracker("describe_reassuring", text=STORY), domain)
    assert "warning signs" not in said(dispatcher) and "1-800-799-7233" not in said(dispatcher)
    assert slots_set(events)["offer"] == "next_step"


@pytest.mark.parametrize("action,intent", [
    (ActionExplainRootCause, "ask_why_no_trust"),
    (ActionAddressHiding, "admit_hiding"),
    (ActionAcknowledgeFeeling, "feeling_burned_out"),
])
def test_every_coaching_answer_carries_a_warning_sign_found_beside_it(action, intent, dispatcher, domain):
    tracker = make_tracker(intent, text="he checks my phone",
                           entities=[("safety_warning", "he checks my phone")])
    events = action().run(dispatcher, tracker, domain)
    assert "warning signs of control" in texts(dispatcher)[-2] and "1-800-799-7233" in texts(dispatcher)[-2]
    assert slots_set(events)["offer"] == "afraid"
