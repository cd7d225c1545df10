"""Guided exercises: each form's validation (fitting and unexpected answers, stop, going back), the
results and plans they leave, starting them, and showing the plan with its download."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import make_tracker, payloads, said, slots_set, texts
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching import ActionRespondToPattern, step_replies
from actions.exercises import (
    FORM_VALIDATORS,
    READERS,
    ActionStartExercise,
    ActionStopExercise,
)
from actions.plans import PLAN_FILENAME, ActionFinishExercise, ActionShowPlan, plan_lines, truth_script
from coach.content import coaching, exercise_names, exercise_questions, exercises, safety, step

# Each exercise and its questions, in order, as content/exercises.yml lists them.
EXERCISES = {name: exercise_questions(name) for name in exercise_names()}

# What a user might really type, question by question, and what the coach should keep of it.
WALKTHROUGHS: dict[str, list[tuple[str, Any]]] = {
    "motivations": [("Yes", "yes"), ("not always tbh", "unsure"), ("no, nothing", "no")],
    "partners_past": [
        ("her dad left when she was nine", "her dad left when she was nine"),
        ("her ex cheated on her for a year", "her ex cheated on her for a year"),
        ("she goes quiet then checks my phone", "she goes quiet then checks my phone"),
        ("2", "Has anyone made you feel you couldn't count on them?"),
    ],
    "not_about_you": [
        ("who were you really with tonight", "who were you really with tonight"),
        ("That I'll leave", "that I'll leave"),
        ("you're scared i'll leave, and i'm staying. i was at the gym",
         "you're scared i'll leave, and i'm staying. i was at the gym"),
    ],
    "tell_truth": [
        ("I didn't tell her that I had lunch with my ex Sam",) * 2,
        ("it was friday, at the cafe near work", "it was friday, at the cafe near work"),
        ("This weekend", "This weekend"),
    ],
    "love_well": [
        ("gratitude", "gratitude"),
        ("the first one", "Thank them for one specific thing they did this week"),
        ("Tomorrow", "Tomorrow"),
    ],
    "boundaries": [
        ("friends and my phone", "friends,phone_privacy"),
        ("one night out a fortnight without texting all night",) * 2,
        ("i'll say who i'm with and be home when i say", "i'll say who i'm with and be home when i say"),
        ("1", "Can we find a calm time to talk about what feels fair to both of us?"),
        ("Hard, but possible", "hard"),
    ],
}


def form_tracker(name: str, slot: str, text: str, answers: dict[str, Any] | None = None,
                 intent: str = "inform", sender_id: str = "test-user") -> Tracker:
    """A tracker inside the exercise's form, just after the user answered this question."""
    return Tracker(
        sender_id=sender_id,
        slots={**(answers or {}), slot: text, "requested_slot": slot, "exercise": name},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events=[{"event": "slot", "name": slot, "value": text}],
        paused=False,
        followup_action=None,
        active_loop={"name": f"{name}_form"},
        latest_action_name="action_listen",
    )


def validate(name: str, slot: str, text: str, domain, answers=None, intent="inform"):
    dispatcher = CollectingDispatcher()
    tracker = form_tracker(name, slot, text, answers, intent)
    events = asyncio.run(FORM_VALIDATORS[name]().run(dispatcher, tracker, domain))
    return slots_set(events), dispatcher


def hint(name: str, key: str) -> str:
    return exercises()["exercises"][name]["hints"][key]


def words(key: str) -> str:
    return exercises()["words"][key]


# --- The forms and their content agree --------------------------------------------------------

def test_every_exercise_has_a_form_with_its_questions_in_order_and_a_question_text(domain):
    assert domain["slots"]["exercise"]["values"] == list(EXERCISES)
    for name, slots in EXERCISES.items():
        assert domain["forms"][f"{name}_form"]["required_slots"] == list(slots)
        for slot in slots:
            assert exercises()["exercises"][name]["questions"][slot]["text"]
            assert exercises()["exercises"][name]["questions"][slot]["reader"] in READERS
            assert f"action_ask_{slot}" in domain["actions"]
            mapping = domain["slots"][slot]["mappings"][0]
            assert mapping["type"] == "from_text"
            assert {"stop_practice", "restart", "safety_danger"} <= set(mapping["not_intent"])
        assert f"validate_{name}_form" in domain["actions"]
        assert FORM_VALIDATORS[name]().name() == f"validate_{name}_form"


def test_the_exercises_are_the_articles_first_six_steps():
    steps = coaching()["steps"]
    assert sorted(steps[name]["number"] for name in EXERCISES) == [1, 2, 3, 4, 5, 6]


# --- Each form, answered as a user would --------------------------------------------------------

@pytest.mark.parametrize("name", list(EXERCISES))
def test_each_exercise_keeps_fitting_answers_and_completes(name, domain):
    answers: dict[str, Any] = {}
    for slot, (text, kept) in zip(EXERCISES[name], WALKTHROUGHS[name], strict=True):
        values, dispatcher = validate(name, slot, text, domain, answers)
        assert values[slot] == kept, (slot, text)
        assert "requested_slot" not in values  # the form goes on to the next question
        answers[slot] = values[slot]
    assert all(answers[slot] is not None for slot in EXERCISES[name])


@pytest.mark.parametrize("name,slot,text,expected_hint", [
    ("motivations", "values_check", "banana", hint("motivations", "yes_no")),
    ("partners_past", "past_question", "hm", words("pick_or_own")),
    ("not_about_you", "accusation_words", "ugh", hint("not_about_you", "too_short")),
    ("not_about_you", "fear_answer", "you always do this, stop being paranoid",
     hint("not_about_you", "defensive")),
    ("tell_truth", "truth_left_out", "nothing really", hint("tell_truth", "nothing")),
    ("love_well", "love_area", "pizza", hint("love_well", "area")),
    ("boundaries", "boundary_areas", "whatever", hint("boundaries", "areas")),
    ("boundaries", "boundary_feeling", "purple", hint("boundaries", "feeling")),
    ("love_well", "love_area", "/ask_summary", words("busy")),
])
def test_an_unexpected_answer_gets_a_hint_and_the_question_again(name, slot, text, expected_hint, domain):
    values, dispatcher = validate(name, slot, text, domain)
    assert values[slot] is None and "requested_slot" not in values
    assert texts(dispatcher) == [expected_hint]


@pytest.mark.parametrize("name", list(EXERCISES))
@pytest.mark.parametrize("text", ["stop", "cancel", "I want to stop", "never mind"])
def test_stop_in_any_words_ends_the_exercise(name, text, domain):
    values, _ = validate(name, EXERCISES[name][1], text, domain, {EXERCISES[name][0]: "x"})
    assert values["requested_slot"] is None


def test_an_answer_that_mentions_stopping_is_still_an_answer(domain):
    text = "I need her to stop reading my messages"
    values, _ = validate("boundaries", "boundary_needs", text, domain, {"boundary_areas": "phone_privacy"})
    assert values["boundary_needs"] == text and "requested_slot" not in values


@pytest.mark.parametrize("name", list(EXERCISES))
@pytest.mark.parametrize("text", ["go back", "actually, change that", "I changed my mind"])
def test_going_back_clears_the_last_answer_so_it_is_asked_again(name, text, domain):
    first, second = EXERCISES[name][:2]
    values, dispatcher = validate(name, second, text, domain, {first: "kept before"})
    assert values[first] is None and values[second] is None
    assert texts(dispatcher) == [words("go_back")]


def test_going_back_on_the_first_question_says_so(domain):
    values, dispatcher = validate("love_well", "love_area", "go back", domain)
    assert values["love_area"] is None and texts(dispatcher) == [words("first_question")]


def test_yes_and_no_buttons_and_the_nlu_reading_are_understood(domain):
    assert validate("motivations", "hiding_check", "Yes, some things", domain)[0]["hiding_check"] == "yes"
    not_hiding = validate("motivations", "hiding_check", "I'm not hiding anything", domain)[0]
    assert not_hiding["hiding_check"] == "no"
    assert validate("motivations", "honesty_check", "i'm not sure", domain)[0]["honesty_check"] == "unsure"
    assert validate("motivations", "values_check", "mhm", domain, intent="affirm")[0]["values_check"] == "yes"


def test_a_love_idea_is_picked_from_the_chosen_area_or_written_in_own_words(domain):
    ideas = exercises()["exercises"]["love_well"]["areas"]["fun"]["ideas"]
    picked = validate("love_well", "love_idea", "3", domain, {"love_area": "fun"})[0]
    assert picked["love_idea"] == ideas[2]
    own = validate("love_well", "love_idea", "go bowling on friday", domain, {"love_area": "fun"})[0]
    assert own["love_idea"] == "go bowling on friday"


def test_saying_the_boundaries_talk_feels_impossible_ends_the_planner_early(domain):
    values, _ = validate("boundaries", "boundary_needs", "honestly that talk feels impossible with him",
                         domain, {"boundary_areas": "friends"})
    assert values["boundary_feeling"] == "impossible" and values["requested_slot"] is None


# --- Starting ---------------------------------------------------------------------------------

def test_the_step_answer_offers_its_exercise_as_a_button():
    replies = step_replies(["not_about_you"], None)
    assert '/start_exercise{"step": "not_about_you"}' in [b["payload"] for b in replies[-1].buttons]
    therapy_buttons = step_replies(["couples_therapy"], None)[-1].buttons
    assert not any("start_exercise" in b["payload"] for b in therapy_buttons)


def test_the_angry_answer_offers_the_grounding_exercise(dispatcher, domain):
    tracker = make_tracker("describe_getting_angry", "I get angry when she accuses me")
    ActionRespondToPattern().run(dispatcher, tracker, domain)
    assert '/start_exercise{"step": "not_about_you"}' in payloads(dispatcher)


def test_a_named_exercise_starts_fresh_with_its_intro(dispatcher, domain):
    tracker = make_tracker("start_exercise", entities=[("step", "love_well")], slots={"love_area": "fun"})
    events = slots_set(ActionStartExercise().run(dispatcher, tracker, domain))
    assert events["exercise"] == "love_well" and events["love_area"] is None
    assert exercises()["exercises"]["love_well"]["intro"] in said(dispatcher)
    assert '"stop"' in said(dispatcher)


def test_without_a_name_the_step_last_discussed_is_used(dispatcher, domain):
    tracker = make_tracker("start_exercise", slots={"last_step": "tell_truth"})
    assert slots_set(ActionStartExercise().run(dispatcher, tracker, domain))["exercise"] == "tell_truth"


def test_without_any_step_the_six_exercises_are_offered(dispatcher, domain):
    events = slots_set(ActionStartExercise().run(dispatcher, make_tracker("start_exercise"), domain))
    assert events["exercise"] is None
    assert len([p for p in payloads(dispatcher) if p.startswith("/start_exercise")]) == 6


def test_after_a_disclosure_the_grounding_exercise_is_withheld(dispatcher, domain):
    tracker = make_tracker("start_exercise", entities=[("step", "not_about_you")],
                           slots={"abuse_disclosed": True})
    events = slots_set(ActionStartExercise().run(dispatcher, tracker, domain))
    assert events["exercise"] is None and words("withheld") in said(dispatcher)
    assert '/start_exercise{"step": "not_about_you"}' not in payloads(dispatcher)
    assert '/start_exercise{"step": "love_well"}' in payloads(dispatcher)


# --- Finishing: what the answers mean, the saved plan and its download -----------------------------

def finish(name: str, answers: dict[str, Any], domain, sender_id="pat", **slots) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={**answers, "exercise": name, **slots}, sender_id=sender_id)
    finish.events = ActionFinishExercise().run(dispatcher, tracker, domain)
    return dispatcher


def walked(name: str) -> dict[str, Any]:
    return dict(zip(EXERCISES[name], [kept for _, kept in WALKTHROUGHS[name]], strict=True))


def download_of(dispatcher: CollectingDispatcher) -> dict[str, str]:
    return next(m["custom"]["download"] for m in dispatcher.messages if m.get("custom"))


@pytest.mark.parametrize("name", list(EXERCISES))
def test_a_finished_exercise_saves_and_shows_a_plan_with_a_download(name, domain, coach_db):
    dispatcher = finish(name, walked(name), domain)
    assert [plan.exercise for plan in coach_db.plans("pat")] == [name]
    lines = plan_lines(name, walked(name))
    assert all(line in said(dispatcher) for line in lines)
    assert words("saved") in said(dispatcher)
    download = download_of(dispatcher)
    assert download["filename"] == PLAN_FILENAME and all(line in download["text"] for line in lines)
    assert "/show_plan" in payloads(dispatcher)
    cleared = slots_set(finish.events)
    assert cleared["exercise"] is None and all(cleared[slot] is None for slot in EXERCISES[name])


def test_the_plan_keeps_the_users_own_words(domain, coach_db):
    dispatcher = finish("not_about_you", walked("not_about_you"), domain)
    text = download_of(dispatcher)["text"]
    assert "who were you really with tonight" in text and "that I'll leave" in text
    assert "i was at the gym" in text


def test_a_stopped_exercise_saves_nothing(domain, coach_db):
    dispatcher = finish("boundaries", {"boundary_areas": "friends"}, domain)
    assert texts(dispatcher) == [words("stopped")] and coach_db.plans("pat") == []


def test_stop_from_the_rule_clears_the_exercise(dispatcher, domain):
    events = slots_set(ActionStopExercise().run(
        dispatcher,
        make_tracker("stop_practice", slots={"exercise": "tell_truth", "truth_left_out": "x"}),
        domain,
    ))
    assert events["exercise"] is None and events["truth_left_out"] is None
    assert texts(dispatcher) == [words("stopped")]


def test_an_honest_yes_i_hide_things_leads_kindly_to_the_caveat(domain, coach_db):
    said_ = said(finish("motivations", {"values_check": "yes", "honesty_check": "unsure",
                                        "hiding_check": "yes"}, domain))
    result = exercises()["exercises"]["motivations"]["result"]
    assert result["hiding"] in said_ and coaching()["caveat"][1] in said_
    assert result["steady"] not in said_


def test_a_clear_self_check_says_what_it_means_for_the_next_steps(domain, coach_db):
    said_ = said(finish("motivations", {"values_check": "yes", "honesty_check": "yes",
                                        "hiding_check": "no"}, domain))
    steady = exercises()["exercises"]["motivations"]["result"]["steady"]
    assert steady.replace("{partner}", "your partner") in said_
    assert coaching()["caveat"][1] not in said_


def test_listening_without_defending_comes_with_the_partners_past(domain, coach_db):
    said_ = said(finish("partners_past", walked("partners_past"), domain))
    assert all(tip in said_ for tip in exercises()["exercises"]["partners_past"]["listening"])


def test_the_truth_becomes_a_calm_complete_way_to_say_it(domain, coach_db):
    said_ = said(finish("tell_truth", walked("tell_truth"), domain))
    assert "I had lunch with my ex Sam." in said_ and "It was friday, at the cafe near work." in said_
    assert "I didn't tell her that" not in said_
    assert truth_script("money", "").startswith(exercises()["exercises"]["tell_truth"]["script"]["opening"])


def test_an_impossible_boundaries_talk_leads_to_the_therapy_step(domain, coach_db):
    answers = {"boundary_areas": "friends", "boundary_feeling": "impossible"}
    said_ = said(finish("boundaries", answers, domain))
    assert step("couples_therapy")["title"] in said_
    assert coach_db.plans("pat")[0].choices["boundary_feeling"] == "impossible"


def test_after_a_disclosure_an_impossible_talk_leads_to_support_for_the_user_alone(domain, coach_db):
    said_ = said(finish("boundaries", {"boundary_feeling": "impossible"}, domain, abuse_disclosed=True))
    assert safety()["individual_support"] in said_ and step("couples_therapy")["title"] not in said_


# --- Showing the plan -------------------------------------------------------------------------

def test_show_my_plan_without_one_offers_the_exercises(dispatcher, domain, coach_db):
    ActionShowPlan().run(dispatcher, make_tracker("show_plan", sender_id="new"), domain)
    assert texts(dispatcher) == [words("plan_none")]
    assert not any(m.get("custom") for m in dispatcher.messages)


def test_show_my_plan_lists_every_exercise_done_with_a_download(dispatcher, domain, coach_db):
    finish("love_well", walked("love_well"), domain, sender_id="kim")
    finish("tell_truth", walked("tell_truth"), domain, sender_id="kim")
    ActionShowPlan().run(dispatcher, make_tracker("show_plan", sender_id="kim"), domain)
    shown = said(dispatcher)
    assert "Thank them for one specific thing they did this week" in shown
    assert "I had lunch with my ex Sam" in shown
    download = download_of(dispatcher)
    assert download["label"] == words("download") and "I had lunch with my ex Sam" in download["text"]


def test_a_withheld_exercises_plan_is_not_shown_after_a_disclosure(dispatcher, domain, coach_db):
    finish("not_about_you", walked("not_about_you"), domain, sender_id="lee")
    ActionShowPlan().run(dispatcher, make_tracker("show_plan", sender_id="lee",
                                                  slots={"abuse_disclosed": True}), domain)
    assert texts(dispatcher) == [words("plan_none")]


def test_each_question_quotes_the_users_earlier_answers(dispatcher, domain):
    from actions.exercises import ASK_ACTIONS

    ask = next(action() for action in ASK_ACTIONS if action().name() == "action_ask_fear_answer")
    slots = {"accusation_words": "who were you with", "fear_behind": "that I'll leave",
             "partner_term": "wife"}
    ask.run(dispatcher, make_tracker(slots=slots), domain)
    assert '"Who were you with?"' in said(dispatcher) and "that you'll leave" in said(dispatcher)
    assert "your wife" in said(dispatcher)


def test_a_plan_speaks_as_the_user():
    clear = {"values_check": "yes", "honesty_check": "yes", "hiding_check": "no"}
    lines = plan_lines("motivations", clear, "wife")
    assert any("my wife" in line for line in lines) and not any("your wife" in line for line in lines)
    truth = plan_lines("tell_truth", {"truth_left_out": "the concert cost 80", "truth_details": "-",
                                      "truth_when": "Tonight"}, "wife")
    assert truth[0].startswith("Tell my wife (tonight)")


def test_the_emptied_answers_at_the_start_are_not_read_as_answers(domain):
    """Starting an exercise empties its slots; the form passes those to validation, with no answer."""
    tracker = form_tracker("not_about_you", "accusation_words", "x")
    tracker.events = [{"event": "slot", "name": slot, "value": None} for slot in EXERCISES["not_about_you"]]
    tracker.slots.update({slot: None for slot in EXERCISES["not_about_you"]})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(FORM_VALIDATORS["not_about_you"]().run(dispatcher, tracker, domain))
    assert dispatcher.messages == [] and all(event["value"] is None for event in events)


def test_a_fear_is_picked_by_its_button_or_said_in_a_few_words(domain):
    assert validate("not_about_you", "fear_behind", "3", domain)[0]["fear_behind"] == "that I'm lying to them"
    own = validate("not_about_you", "fear_behind", "she thinks I'll get bored of her", domain)[0]
    assert own["fear_behind"] == "she thinks I'll get bored of her"
    values, dispatcher = validate("not_about_you", "fear_behind", "ok", domain)
    assert values["fear_behind"] is None and texts(dispatcher) == [words("pick_or_own")]


def test_the_boundaries_planner_asks_about_each_area_the_user_named():
    from actions.exercises import question

    areas = {"boundary_areas": "friends,social_media,check_ins"}
    asked = question("boundaries", "boundary_needs", areas, None)
    assert "friends, social media and check-ins" in asked.text


def test_a_warning_sign_in_an_answer_stops_the_exercise_and_is_answered(domain, coach_db):
    """ "He reads my texts every night" told as an answer (and read as a coaching story, the warning
    found beside it) is not taken as the answer: the exercise stops, and the warning comes last."""
    name, slot = "boundaries", EXERCISES["boundaries"][0]
    tracker = form_tracker(name, slot, "he reads my texts every night", intent="describe_giving_in")
    warning = {"entity": "safety_warning", "value": "he reads my texts every night"}
    tracker.latest_message["entities"] = [warning]
    events = slots_set(asyncio.run(FORM_VALIDATORS[name]().run(CollectingDispatcher(), tracker, domain)))
    assert events[slot] is None and events["requested_slot"] is None

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("describe_giving_in", text="he reads my texts every night",
                           entities=[("safety_warning", "he reads my texts every night")],
                           slots={"exercise": name}, sender_id="pat")
    ended = slots_set(ActionFinishExercise().run(dispatcher, tracker, domain))
    assert texts(dispatcher)[0] == words("stopped")
    assert "warning signs of control" in texts(dispatcher)[-2] and "1-800-799-7233" in texts(dispatcher)[-2]
    assert ended["offer"] == "afraid" and coach_db.plans("pat") == []
