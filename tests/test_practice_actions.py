"""Practice mode: the partner's lines, feedback that matches what was typed, stored attempts, progress."""

from __future__ import annotations

from conftest import make_tracker, payloads, said, slots_set, texts
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.practice import (
    ActionAllowSavingReplies,
    ActionGiveFeedback,
    ActionNextRound,
    ActionPracticeMenu,
    ActionShowProgress,
    ActionStartScenario,
    ActionStopPractice,
    partner_line,
    pick_scenario,
)
from coach.content import practice
from coach.store import PracticeAttempt


def scenario(name: str) -> dict:
    return practice()["scenarios"][name]


def test_the_menu_offers_every_situation_surprise_and_saving(dispatcher, domain):
    ActionPracticeMenu().run(dispatcher, make_tracker("start_practice"), domain)
    offered = payloads(dispatcher)
    assert all(f'/choose_scenario{{"scenario": "{name}"}}' in offered for name in practice()["scenarios"])
    assert "/choose_scenario" in offered and "/allow_saving_replies" in offered
    assert "don't keep what you type" in said(dispatcher)


def test_there_are_at_least_eight_situations_each_with_lines_and_a_calmer_answer():
    assert len(practice()["scenarios"]) >= 8
    for name, details in practice()["scenarios"].items():
        assert details["opening"] and len(details["follow_ups"]) >= 1 and details["model_answer"], name


def test_a_chosen_situation_sets_the_scene(dispatcher, domain):
    tracker = make_tracker("choose_scenario", entities=[("scenario", "spending")])
    events = ActionStartScenario().run(dispatcher, tracker, domain)
    assert texts(dispatcher) == [scenario("spending")["setting"]]
    assert slots_set(events)["practice_scenario"] == "spending"
    assert slots_set(events)["practice_round"] == 0


def test_surprise_me_picks_a_different_situation_than_last_time():
    picks = {pick_scenario(None, last="texting") for _ in range(50)}
    assert "texting" not in picks and len(picks) > 1


def test_the_partner_opens_then_follows_up(dispatcher, domain):
    tracker = make_tracker("choose_scenario", entities=[("scenario", "late_home")])
    events = ActionStartScenario().run(dispatcher, tracker, domain)
    assert scenario("late_home")["opening"] in slots_set(events)["partner_line"]
    assert partner_line("late_home", 1) == scenario("late_home")["follow_ups"][0]


def test_another_round_moves_to_the_next_line(dispatcher, domain):
    slots = {"practice_scenario": "late_home", "practice_round": 0}
    events = ActionNextRound().run(dispatcher, make_tracker("practice_again", slots=slots), domain)
    assert slots_set(events)["practice_round"] == 1
    assert scenario("late_home")["follow_ups"][0] in slots_set(events)["partner_line"]


def test_the_form_asks_with_the_partners_line(domain):
    assert domain["responses"]["utter_ask_practice_reply"] == [{"text": "{partner_line}"}]
    assert "partner_line" in domain["slots"]


def feedback_for(reply: str, scenario_name: str, dispatcher, domain, sender="pat", keep=False):
    slots = {"practice_scenario": scenario_name, "practice_reply": reply, "keep_replies": keep}
    tracker = make_tracker(slots=slots, sender_id=sender)
    return ActionGiveFeedback().run(dispatcher, tracker, domain)


def test_an_angry_reply_is_named_kindly_with_a_calmer_answer(dispatcher, domain, coach_db):
    feedback_for("you always do this, stop being so paranoid!", "texting", dispatcher, domain)
    words = practice()["feedback"]
    assert words["patterns"]["angry"]["name"] in said(dispatcher)
    assert scenario("texting")["model_answer"] in said(dispatcher)
    assert "/practice_again" in payloads(dispatcher) and "/stop_practice" in payloads(dispatcher)


def test_feedback_quotes_what_was_noticed(dispatcher, domain, coach_db):
    feedback_for("i swear it's nobody, you're the only one for me", "texting", dispatcher, domain)
    assert practice()["feedback"]["patterns"]["reassuring"]["name"] in said(dispatcher)
    assert '"' in texts(dispatcher)[1] and "I noticed" in texts(dispatcher)[1]


def test_a_calm_concrete_reply_is_recognised_with_what_worked(dispatcher, domain, coach_db):
    reply = "I can see you're worried. It was my sister Jo, she sent a video of her dog. Want to see it?"
    feedback_for(reply, "texting", dispatcher, domain)
    assert practice()["feedback"]["patterns"]["calm"]["name"] in said(dispatcher)
    assert "What worked" in said(dispatcher)


def test_an_attempt_is_stored_without_its_text_unless_allowed(dispatcher, domain, coach_db):
    feedback_for("whatever", "late_home", dispatcher, domain, sender="quin")
    feedback_for("it was 60 dollars for the ticket", "spending", dispatcher, domain, sender="quin", keep=True)
    with Session(coach_db.engine) as session:
        rows = session.scalars(select(PracticeAttempt).order_by(PracticeAttempt.id)).all()
        assert [(row.scenario, row.reply_text) for row in rows] == [
            ("late_home", None),
            ("spending", "it was 60 dollars for the ticket"),
        ]


def test_progress_shows_the_last_attempts(dispatcher, domain, coach_db):
    ActionShowProgress().run(dispatcher, make_tracker("ask_progress", sender_id="rae"), domain)
    assert practice()["menu"]["progress_none"] in said(dispatcher)

    feedback_for("whatever", "late_home", type(dispatcher)(), domain, sender="rae")
    later = type(dispatcher)()
    ActionShowProgress().run(later, make_tracker("ask_progress", sender_id="rae"), domain)
    assert scenario("late_home")["title"] in said(later)
    assert "latest practice rounds (1)" in said(later)


def test_stopping_ends_the_role_play(dispatcher, domain):
    events = ActionStopPractice().run(dispatcher, make_tracker("stop_practice"), domain)
    assert texts(dispatcher) == [practice()["menu"]["stopped"]]
    assert slots_set(events)["practice_scenario"] is None


def test_allowing_saved_replies_is_remembered(dispatcher, domain):
    events = ActionAllowSavingReplies().run(dispatcher, make_tracker("allow_saving_replies"), domain)
    assert slots_set(events)["keep_replies"] is True


def test_a_warning_sign_in_a_practice_reply_comes_after_the_feedback(dispatcher, domain, coach_db):
    reply = "fine, read my texts like you do every night, you always do"
    slots = {"practice_scenario": "texting", "practice_reply": reply}
    tracker = make_tracker("describe_getting_angry", text=reply, slots=slots, sender_id="pat",
                           entities=[("safety_warning", "read my texts like you do every night")])
    events = ActionGiveFeedback().run(dispatcher, tracker, domain)
    assert scenario("texting")["model_answer"] in said(dispatcher)
    assert "warning signs of control" in texts(dispatcher)[-2] and "1-800-799-7233" in texts(dispatcher)[-2]
    assert slots_set(events)["offer"] == "afraid"
