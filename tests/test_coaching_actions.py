"""What the coach says when a user describes what they do, asks for steps, or chooses one."""

from __future__ import annotations

import pytest
from conftest import make_tracker, payloads, said, slots_set, texts

from actions.coaching import (
    ActionAcknowledgeFeeling,
    ActionAddressHiding,
    ActionAskBack,
    ActionChooseStep,
    ActionExplainRootCause,
    ActionExploreStep,
    ActionListSteps,
    ActionNextStep,
    ActionRespondToPattern,
)
from actions.replies import phrase
from coach.content import coaching, intents_of, pattern, step, step_names


@pytest.mark.parametrize("intent,name", sorted(intents_of("pattern").items()))
def test_each_response_gets_its_insight_and_a_matching_step(intent, name, dispatcher, domain, coach_db):
    events = ActionRespondToPattern().run(dispatcher, make_tracker(intent), domain)

    content = pattern(name)
    first_step = content["steps"][0]
    assert content["heard"][0].split("{partner}")[0] in said(dispatcher)
    assert content["insight"][0].split("{partner}")[0] in said(dispatcher)
    assert step(first_step)["title"] in said(dispatcher)
    assert f'/choose_step{{"step": "{first_step}"}}' in payloads(dispatcher)
    what_next = {"/more_steps", "/start_practice", "/ask_why_no_trust", "/ask_therapy"}
    assert what_next <= set(payloads(dispatcher))
    assert slots_set(events)["patterns_discussed"] == [name]
    assert slots_set(events)["steps_offered"] == [first_step]


def test_a_response_described_again_is_not_answered_word_for_word(dispatcher, domain, coach_db):
    first = ActionRespondToPattern().run(dispatcher, make_tracker("describe_getting_angry"), domain)
    first_texts = texts(dispatcher)

    again = make_tracker("describe_getting_angry", slots=slots_set(first))
    second_dispatcher = type(dispatcher)()
    second = ActionRespondToPattern().run(second_dispatcher, again, domain)

    assert not set(first_texts) & set(texts(second_dispatcher))
    assert pattern("angry")["insight"][1] in said(second_dispatcher)
    assert slots_set(second)["steps_offered"] == pattern("angry")["steps"][:2]


def test_two_responses_in_one_message_are_both_answered(dispatcher, domain, coach_db):
    tracker = make_tracker(
        "describe_reassuring",
        text="I reassure her all the time and sometimes I just snap",
        entities=[("pattern_cue", "reassuring"), ("pattern_cue", "angry")],
    )
    events = ActionRespondToPattern().run(dispatcher, tracker, domain)

    assert pattern("reassuring")["insight"][0] in said(dispatcher)
    assert pattern("angry")["insight"][0].split("{partner}")[0] in said(dispatcher)
    assert slots_set(events)["patterns_discussed"] == ["reassuring", "angry"]
    offered = slots_set(events)["steps_offered"]
    assert len(offered) == 2
    assert all(f'/choose_step{{"step": "{name}"}}' in payloads(dispatcher) for name in offered)


def test_the_answer_names_the_partner_as_the_user_does(dispatcher, domain, coach_db):
    tracker = make_tracker("describe_reassuring", slots={"partner_term": "wife"})
    ActionRespondToPattern().run(dispatcher, tracker, domain)
    assert "your wife" in said(dispatcher)
    assert "{partner}" not in said(dispatcher)


@pytest.mark.parametrize("value", ["location", "passwords", "friends", "hobbies"])
def test_giving_in_is_tailored_to_what_was_given_up(value, dispatcher, domain, coach_db):
    tracker = make_tracker("describe_giving_in", entities=[("given_in", value)])
    ActionRespondToPattern().run(dispatcher, tracker, domain)
    assert pattern("giving_in")["given_in"][value].split("{partner}")[0] in said(dispatcher)


def test_giving_in_adds_a_gentle_line_about_control_with_the_hotline(dispatcher, domain, coach_db):
    ActionRespondToPattern().run(dispatcher, make_tracker("describe_giving_in"), domain)
    assert "controlling behaviour" in said(dispatcher)
    assert "1-800-799-7233" in said(dispatcher)


@pytest.mark.parametrize("value", ["who_was_there", "money", "opinions", "run_into", "relationship_feelings"])
def test_withholding_is_tailored_to_what_is_held_back(value, dispatcher, domain, coach_db):
    tracker = make_tracker("describe_withholding", entities=[("held_back", value)])
    ActionRespondToPattern().run(dispatcher, tracker, domain)
    assert pattern("withholding")["held_back"][value].split("{partner}")[0] in said(dispatcher)


def test_after_abuse_is_disclosed_it_is_never_about_not_taking_it_personally(dispatcher, domain, coach_db):
    tracker = make_tracker("describe_getting_angry", slots={"abuse_disclosed": True})
    events = ActionRespondToPattern().run(dispatcher, tracker, domain)
    assert "not_about_you" not in slots_set(events)["steps_offered"]
    assert step("not_about_you")["title"] not in said(dispatcher)


def test_another_step_follows_the_described_response_without_repeating(dispatcher, domain, coach_db):
    slots = {"current_pattern": "withholding", "steps_offered": ["tell_truth"]}
    events = ActionNextStep().run(dispatcher, make_tracker("more_steps", slots=slots), domain)
    assert step("boundaries")["title"] in said(dispatcher)
    assert slots_set(events)["steps_offered"] == ["tell_truth", "boundaries"]


def test_when_every_step_was_seen_the_user_is_asked_to_pick_one(dispatcher, domain, coach_db):
    slots = {"steps_offered": step_names()}
    ActionNextStep().run(dispatcher, make_tracker("more_steps", slots=slots), domain)
    assert "all eight" in said(dispatcher)
    assert len(payloads(dispatcher)) == 8


def test_what_to_do_lists_the_eight_steps_to_explore(dispatcher, domain, coach_db):
    events = ActionListSteps().run(dispatcher, make_tracker("ask_what_to_do"), domain)
    assert coaching()["overview"] in said(dispatcher)
    assert payloads(dispatcher) == [f'/explore_step{{"step": "{name}"}}' for name in step_names()]
    assert slots_set(events)["steps_listed"] is True


def test_the_list_again_is_worded_differently_and_hides_unsafe_steps(dispatcher, domain, coach_db):
    slots = {"steps_listed": True, "abuse_disclosed": True}
    ActionListSteps().run(dispatcher, make_tracker("ask_what_to_do", slots=slots), domain)
    assert coaching()["overview"] not in said(dispatcher)
    assert '/explore_step{"step": "couples_therapy"}' not in payloads(dispatcher)
    assert '/explore_step{"step": "not_about_you"}' not in payloads(dispatcher)
    assert len(payloads(dispatcher)) == 6


def test_exploring_a_step_shows_it_with_a_way_to_choose_it_and_go_on(dispatcher, domain, coach_db):
    tracker = make_tracker("explore_step", entities=[("step", "boundaries")])
    ActionExploreStep().run(dispatcher, tracker, domain)
    assert step("boundaries")["summary"] in said(dispatcher)
    assert '/choose_step{"step": "boundaries"}' in payloads(dispatcher)
    assert '/explore_step{"step": "partner_therapy"}' in payloads(dispatcher)


def test_couples_therapy_is_not_explored_after_a_disclosure(dispatcher, domain, coach_db):
    tracker = make_tracker(
        "explore_step", entities=[("step", "couples_therapy")], slots={"abuse_disclosed": True}
    )
    ActionExploreStep().run(dispatcher, tracker, domain)
    assert step("couples_therapy")["summary"] not in said(dispatcher)
    assert "won't suggest couples therapy" in said(dispatcher)


def test_choosing_a_step_is_saved_for_next_time(dispatcher, domain, coach_db):
    tracker = make_tracker("choose_step", entities=[("step", "tell_truth")], sender_id="ana")
    events = ActionChooseStep().run(dispatcher, tracker, domain)
    assert step("tell_truth")["title"] in said(dispatcher)
    assert coach_db.chosen_steps("ana") == ["tell_truth"]
    assert slots_set(events)["steps_chosen"] == ["tell_truth"]


def test_i_will_try_that_chooses_the_step_just_suggested(dispatcher, domain, coach_db):
    tracker = make_tracker("choose_step", slots={"last_step": "love_well"}, sender_id="ben")
    ActionChooseStep().run(dispatcher, tracker, domain)
    assert coach_db.chosen_steps("ben") == ["love_well"]


def test_choosing_with_nothing_to_go_on_asks_which_step(dispatcher, domain, coach_db):
    ActionChooseStep().run(dispatcher, make_tracker("choose_step", sender_id="cy"), domain)
    assert len(payloads(dispatcher)) == 8
    assert coach_db.chosen_steps("cy") == []


def test_choosing_the_same_step_twice_saves_it_once(dispatcher, domain, coach_db):
    slots = {"steps_chosen": ["tell_truth"]}
    tracker = make_tracker("choose_step", entities=[("step", "tell_truth")], slots=slots, sender_id="di")
    ActionChooseStep().run(dispatcher, tracker, domain)
    assert "already chosen" in said(dispatcher)
    assert coach_db.chosen_steps("di") == []


def test_why_no_trust_explains_the_partners_past_then_recaps(dispatcher, domain, coach_db):
    events = ActionExplainRootCause().run(dispatcher, make_tracker("ask_why_no_trust"), domain)
    assert texts(dispatcher)[0].startswith(coaching()["root_cause"][0][:40])
    assert '/explore_step{"step": "partners_past"}' in payloads(dispatcher)

    again = type(dispatcher)()
    ActionExplainRootCause().run(again, make_tracker("ask_why_no_trust", slots=slots_set(events)), domain)
    assert len(texts(again)) == 1 and texts(again)[0] not in texts(dispatcher)


def test_admitting_to_hiding_things_is_met_honestly_without_shaming(dispatcher, domain, coach_db):
    ActionAddressHiding().run(dispatcher, make_tracker("admit_hiding"), domain)
    assert texts(dispatcher) == coaching()["caveat"]
    assert '/explore_step{"step": "motivations"}' in payloads(dispatcher)


@pytest.mark.parametrize("intent,feeling", [
    ("feeling_burned_out", "burned_out"),
    ("feeling_frustrated", "frustrated"),
    ("feeling_controlled", "controlled"),
])
def test_feelings_are_acknowledged(intent, feeling, dispatcher, domain, coach_db):
    events = ActionAcknowledgeFeeling().run(dispatcher, make_tracker(intent), domain)
    assert texts(dispatcher)[0].startswith(coaching()["feelings"][feeling])
    assert texts(dispatcher)[-1] == phrase("ask_what_you_do")
    assert slots_set(events)["offer"] == "patterns"
    assert ("1-800-799-7233" in said(dispatcher)) == (feeling == "controlled")


def unsure(*ranking: str, partner: str | None = None):
    """A tracker after an unclear message: nlu_fallback first, then the reading's ranking."""
    tracker = make_tracker("nlu_fallback", slots={"partner_term": partner} if partner else None)
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.5}] + [
        {"name": name, "confidence": 0.4 - 0.05 * i} for i, name in enumerate(ranking)
    ]
    return tracker


def test_an_unclear_message_is_met_with_the_best_reading_not_a_list_of_five(dispatcher, domain):
    tracker = unsure("describe_reassuring", "ask_why_no_trust", "describe_giving_in", "describe_ignoring",
                     partner="wife")
    ActionAskBack().run(dispatcher, tracker, domain)

    assert texts(dispatcher) == [
        "It sounds like you mostly try to reassure your wife: explaining, promising or proving yourself "
        "again and again. Is that right?"
    ]
    # Yes, the two nearest other responses, and a way out: not all five.
    assert payloads(dispatcher) == [
        "/describe_reassuring", "/describe_giving_in", "/describe_ignoring", "/help",
    ]


def test_an_unclear_admission_is_checked_gently(dispatcher, domain):
    ActionAskBack().run(dispatcher, unsure("admit_hiding", "describe_withholding"), domain)
    assert "something you hid" in said(dispatcher)
    assert payloads(dispatcher)[:2] == ["/admit_hiding", "/describe_withholding"]


def test_with_no_reading_to_reflect_the_coach_asks_which_of_the_five(dispatcher, domain):
    ActionAskBack().run(dispatcher, unsure("out_of_scope", "greet"), domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_which_pattern"
