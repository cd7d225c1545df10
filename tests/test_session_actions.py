"""Session start, the returning user's follow-up, summaries, goodbye, and yes/no answers."""

from __future__ import annotations

from datetime import timedelta

from conftest import make_tracker, payloads, said, slots_set, texts
from sqlalchemy import update
from sqlalchemy.orm import Session

from actions.replies import phrase
from actions.session import (
    ActionAnswerOffer,
    ActionGoodbye,
    ActionRecordStepOutcome,
    ActionRestart,
    ActionSessionStart,
    ActionSummarise,
    summary_lines,
)
from coach.content import coaching, pattern, safety, step
from coach.store import ChosenStep, ExercisePlan, utcnow


def age_choices(coach_db, sender_id: str, days: int) -> None:
    """Makes this person's chosen steps and plans look as if they were made days ago."""
    with Session(coach_db.engine) as session, session.begin():
        session.execute(
            update(ChosenStep)
            .where(ChosenStep.sender_id == sender_id)
            .values(chosen_at=utcnow() - timedelta(days=days))
        )
        session.execute(
            update(ExercisePlan)
            .where(ExercisePlan.sender_id == sender_id)
            .values(created_at=utcnow() - timedelta(days=days))
        )


def test_a_new_user_hears_first_that_this_is_an_automated_coach(dispatcher, domain, coach_db):
    events = ActionSessionStart().run(dispatcher, make_tracker(sender_id="new"), domain)
    assert "automated coach" in texts(dispatcher)[0] and "not a therapist" in texts(dispatcher)[0]
    assert len(dispatcher.messages) == 1
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"


def test_a_returning_user_is_asked_how_their_step_went(dispatcher, domain, coach_db):
    coach_db.save_choice("eve", "tell_truth", "withholding")
    age_choices(coach_db, "eve", days=3)

    ActionSessionStart().run(dispatcher, make_tracker(sender_id="eve"), domain)
    assert step("tell_truth")["title"] in said(dispatcher)
    assert payloads(dispatcher) == ["/step_went_well", "/step_went_badly"]


def test_the_follow_up_is_asked_once_and_not_minutes_after_choosing(dispatcher, domain, coach_db):
    coach_db.save_choice("fay", "love_well")
    ActionSessionStart().run(dispatcher, make_tracker(sender_id="fay"), domain)
    assert step("love_well")["title"] not in said(dispatcher)

    age_choices(coach_db, "fay", days=2)
    ActionSessionStart().run(dispatcher, make_tracker(sender_id="fay"), domain)
    later = type(dispatcher)()
    ActionSessionStart().run(later, make_tracker(sender_id="fay"), domain)
    assert step("love_well")["title"] in said(dispatcher)
    assert step("love_well")["title"] not in said(later)


def test_slots_carry_over_into_a_new_session(dispatcher, domain, coach_db):
    tracker = make_tracker(sender_id="gus", slots={"steps_chosen": ["boundaries"]})
    events = ActionSessionStart().run(dispatcher, tracker, domain)
    assert slots_set(events)["steps_chosen"] == ["boundaries"]


def test_a_new_session_carries_over_only_slots_with_a_value(dispatcher, domain, coach_db):
    tracker = make_tracker(sender_id="gil", slots={"partner_term": "wife", "last_step": None, "offer": None})
    events = ActionSessionStart().run(dispatcher, tracker, domain)
    assert slots_set(events) == {"partner_term": "wife"}


def test_how_the_step_went_is_saved_and_answered_kindly(dispatcher, domain, coach_db):
    coach_db.save_choice("hal", "boundaries")
    age_choices(coach_db, "hal", days=1)
    ActionSessionStart().run(type(dispatcher)(), make_tracker(sender_id="hal"), domain)

    ActionRecordStepOutcome().run(dispatcher, make_tracker("step_went_badly", sender_id="hal"), domain)
    assert step("boundaries")["title"] in said(dispatcher)
    assert '/choose_step{"step": "boundaries"}' in payloads(dispatcher)
    with Session(coach_db.engine) as session:
        assert session.query(ChosenStep.outcome).filter_by(sender_id="hal").scalar() == "went_badly"


def test_an_outcome_with_no_step_asked_about_still_gets_an_answer(dispatcher, domain, coach_db):
    ActionRecordStepOutcome().run(dispatcher, make_tracker("step_went_well", sender_id="ivy"), domain)
    assert texts(dispatcher) and "/more_steps" in payloads(dispatcher)


def test_summary_lists_what_was_discussed_and_chosen():
    lines = summary_lines(["angry", "reassuring", "angry"], ["not_about_you"], ["not_about_you"])
    text = "\n".join(lines)
    assert pattern("angry")["label"] in text and pattern("reassuring")["label"] in text
    assert text.count(pattern("angry")["label"]) == 1
    assert "chose to try: " + step("not_about_you")["title"] in text


def test_summary_of_an_empty_conversation_invites_a_start(dispatcher, domain, coach_db):
    ActionSummarise().run(dispatcher, make_tracker("ask_summary"), domain)
    assert "haven't covered anything" in said(dispatcher)


def test_goodbye_sums_up_when_something_was_discussed(dispatcher, domain, coach_db):
    slots = {"patterns_discussed": ["giving_in"], "steps_chosen": ["boundaries"]}
    ActionGoodbye().run(dispatcher, make_tracker("goodbye", slots=slots), domain)
    assert pattern("giving_in")["label"] in said(dispatcher)
    assert coaching()["closing_thought"][-1] in said(dispatcher)
    assert texts(dispatcher)[-1] == phrase("goodbye")


def test_goodbye_without_a_conversation_just_says_goodbye(dispatcher, domain, coach_db):
    ActionGoodbye().run(dispatcher, make_tracker("goodbye"), domain)
    assert texts(dispatcher) == [phrase("goodbye")]


def test_yes_after_a_step_gives_another_step(dispatcher, domain, coach_db):
    slots = {"offer": "next_step", "current_pattern": "angry", "steps_offered": ["not_about_you"]}
    events = ActionAnswerOffer().run(dispatcher, make_tracker("affirm", slots=slots), domain)
    assert step("partners_past")["title"] in said(dispatcher)
    assert slots_set(events)["steps_offered"] == ["not_about_you", "partners_past"]


def test_yes_after_a_feeling_asks_which_response_fits(dispatcher, domain):
    ActionAnswerOffer().run(dispatcher, make_tracker("affirm", slots={"offer": "patterns"}), domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_which_pattern"


def test_yes_after_a_safety_answer_resumes_gently(dispatcher, domain):
    ActionAnswerOffer().run(dispatcher, make_tracker("affirm", slots={"offer": "keep_talking"}), domain)
    assert texts(dispatcher) == [safety()["resume"]]


def test_no_is_respected(dispatcher, domain):
    events = ActionAnswerOffer().run(dispatcher, make_tracker("deny", slots={"offer": "next_step"}), domain)
    assert texts(dispatcher) == [phrase("no_problem")]
    assert slots_set(events)["offer"] is None


def test_start_over_says_so_and_clears_the_conversation(dispatcher, domain):
    events = ActionRestart().run(dispatcher, make_tracker("restart"), domain)
    assert texts(dispatcher) == [phrase("restart")]
    assert events[-1]["event"] == "restart"


def test_after_a_disclosure_the_summary_and_follow_up_leave_out_withheld_steps(dispatcher, domain, coach_db):
    slots = {"steps_chosen": ["not_about_you", "boundaries"], "abuse_disclosed": True}
    ActionSummarise().run(dispatcher, make_tracker("ask_summary", slots=slots), domain)
    assert step("not_about_you")["title"] not in said(dispatcher)
    assert step("boundaries")["title"] in said(dispatcher)

    coach_db.save_choice("uma", "not_about_you")
    age_choices(coach_db, "uma", days=2)
    later = type(dispatcher)()
    ActionSessionStart().run(later, make_tracker(sender_id="uma", slots={"abuse_disclosed": True}), domain)
    assert step("not_about_you")["title"] not in said(later)


LOVE_PLAN = {"love_area": "gratitude", "love_idea": "Leave a note saying thanks", "love_when": "Tomorrow"}


def test_a_returning_user_is_asked_about_their_plan_first(dispatcher, domain, coach_db):
    coach_db.save_choice("jo", "tell_truth")
    coach_db.save_plan("jo", "love_well", LOVE_PLAN)
    age_choices(coach_db, "jo", days=2)

    ActionSessionStart().run(dispatcher, make_tracker(sender_id="jo"), domain)
    assert "Leave a note saying thanks" in said(dispatcher) and "How did it go?" in said(dispatcher)
    assert step("tell_truth")["title"] not in said(dispatcher)  # one question a visit
    assert payloads(dispatcher) == ["/step_went_well", "/step_went_badly"]

    answered = type(dispatcher)()
    ActionRecordStepOutcome().run(answered, make_tracker("step_went_badly", sender_id="jo"), domain)
    assert step("love_well")["title"] in said(answered)
    with Session(coach_db.engine) as session:
        assert session.query(ExercisePlan.outcome).filter_by(sender_id="jo").scalar() == "went_badly"

    # The step chosen before waits for the next visit.
    next_visit = type(dispatcher)()
    ActionSessionStart().run(next_visit, make_tracker(sender_id="jo"), domain)
    assert step("tell_truth")["title"] in said(next_visit)


def test_the_summary_includes_the_plan(dispatcher, domain, coach_db):
    coach_db.save_plan("kit", "love_well", LOVE_PLAN)
    ActionSummarise().run(dispatcher, make_tracker("ask_summary", sender_id="kit"), domain)
    assert "Your plan:" in said(dispatcher) and "Leave a note saying thanks" in said(dispatcher)
    assert "haven't covered anything" not in said(dispatcher)
