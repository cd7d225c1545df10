"""Whole conversations over the REST channel, against a real Rasa server and action server.

The servers run from the trained model with their own tracker and coach databases in a temporary
folder, on ports of their own, so a running `make run` is not disturbed.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from servers import ACTIONS_PORT, BIN, RASA_PORT, User, payloads_of, text_of, wait_for
from sqlalchemy import update
from sqlalchemy.orm import Session

from actions.content import pattern, step
from actions.store import PROJECT_DIR, ChosenStep, CoachStore, open_store, utcnow

pytestmark = pytest.mark.model


@dataclass
class Servers:
    store: CoachStore  # the coach's database the action server writes to
    tracker_db: Path  # Rasa's tracker store

    def move_back(self, sender: str, days: int) -> None:
        """Makes this user's conversation and choices look days old, as if they had been away."""
        with Session(self.store.engine) as session, session.begin():
            session.execute(
                update(ChosenStep).where(ChosenStep.sender_id == sender)
                .values(chosen_at=utcnow() - timedelta(days=days))
            )
        with sqlite3.connect(self.tracker_db) as connection:
            # Rasa reads each event's time from its JSON, so both places move.
            connection.execute(
                "UPDATE events SET timestamp = timestamp - :s, data = json_set(data, '$.timestamp',"
                " json_extract(data, '$.timestamp') - :s) WHERE sender_id = :sender",
                {"s": days * 86400, "sender": sender},
            )


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The action server and the Rasa server, as `make run` starts them, on test ports."""
    folder = tmp_path_factory.mktemp("servers")
    coach_url = f"sqlite:///{folder / 'coach.db'}"
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{ACTIONS_PORT}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{folder / "tracker.db"}"\n'
    )
    env = {**os.environ, "TRUST_COACH_DB_URL": coach_url, "TF_CPP_MIN_LOG_LEVEL": "2"}
    log = open(folder / "servers.log", "w")
    actions = subprocess.Popen(
        [BIN / "python", "-m", "actions.server", "--port", str(ACTIONS_PORT)],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [BIN / "rasa", "run", "--model", "models/trust-coach.tar.gz", "--endpoints", str(endpoints),
         "--credentials", "credentials.yml", "--port", str(RASA_PORT)],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{ACTIONS_PORT}/health", actions)
        wait_for(f"http://127.0.0.1:{RASA_PORT}/", rasa)
        yield Servers(open_store(coach_url), folder / "tracker.db")
    finally:
        for process in (rasa, actions):
            process.terminate()
            process.wait(timeout=30)
        log.close()
        print((folder / "servers.log").read_text()[-3000:])


def test_a_new_user_is_told_it_is_an_automated_coach_then_greeted(servers):
    replies = User().says("hi")
    assert "automated coach" in replies[0]["text"] and "not a therapist" in replies[0]["text"]
    assert "/describe_getting_angry" in payloads_of(replies)


def test_describing_anger_gets_the_insight_and_a_step_to_try(servers):
    user = User()
    user.says("hey")
    replies = user.says("when he accuses me of cheating i lose my temper and start yelling at him")
    said = text_of(replies)
    assert pattern("angry")["insight"][0].split("{partner}")[0] in said
    assert step("not_about_you")["title"] in said
    assert '/choose_step{"step": "not_about_you"}' in payloads_of(replies)


def test_two_responses_in_one_message_are_both_answered(servers):
    replies = User().says("I reassure her all the time and sometimes I just snap")
    said = text_of(replies)
    assert pattern("reassuring")["insight"][0] in said
    assert pattern("angry")["insight"][0].split("{partner}")[0] in said


def test_a_chosen_step_is_followed_up_when_the_user_returns(servers):
    user = User()
    user.says("i keep leaving out who was at work lunches because she gets upset")
    chosen = user.says('/choose_step{"step": "tell_truth"}')
    assert step("tell_truth")["title"] in text_of(chosen)
    assert servers.store.chosen_steps(user.sender) == ["tell_truth"]

    summary = text_of(user.says("bye"))
    assert pattern("withholding")["label"] in summary and step("tell_truth")["title"] in summary

    # Two days later: the session has expired, and the coach asks how the step went.
    servers.move_back(user.sender, days=2)
    returning = user.says("hi again")
    assert "How did it go?" in text_of(returning)
    assert step("tell_truth")["title"] in text_of(returning)
    assert "step_went_well" in payloads_of(returning)[0]
    assert "/more_steps" in payloads_of(user.says("it went pretty well actually"))


def test_danger_gets_real_help_in_the_first_reply_and_no_couples_therapy_after(servers):
    user = User()
    replies = user.says("he hit me when I didn't show him my phone")
    # The session's opening line comes first; the help is the very next thing said.
    assert "automated coach" in replies[0]["text"]
    assert "1-800-799-7233" in replies[1]["text"] and "911" in replies[1]["text"]
    therapy = text_of(user.says("should we try couples therapy?"))
    assert step("couples_therapy")["summary"] not in therapy
    assert "1-800-799-7233" in therapy


def test_three_practice_rounds_in_a_row_with_feedback_and_progress(servers):
    from actions.content import practice

    user = User()
    menu = user.says("can we practise what i should say")
    assert '/choose_scenario{"scenario": "texting"}' in payloads_of(menu)
    replies_and_leans = [
        ("texting", "you always accuse me, stop being so paranoid!", "angry"),
        ("spending", "it was eighty dollars for the ticket and dinner. i get that money feels tense, "
                     "can we talk about a budget this weekend?", "calm"),
        ("password", "fine, take my phone, here's the code", "giving_in"),
    ]
    for scenario, reply, lean in replies_and_leans:
        started = user.says(f'/choose_scenario{{"scenario": "{scenario}"}}')
        assert practice()["scenarios"][scenario]["opening"] in text_of(started)
        feedback = text_of(user.says(reply))
        assert practice()["feedback"]["patterns"][lean]["name"] in feedback
        assert practice()["scenarios"][scenario]["model_answer"] in feedback

    progress = text_of(user.says("how am i doing"))
    assert "(3)" in progress and practice()["scenarios"]["password"]["title"] in progress
    # The replies themselves were not kept: the user never allowed it.
    assert "paranoid" not in progress


def test_stopping_and_safety_end_the_role_play(servers):
    user = User()
    user.says('/choose_scenario{"scenario": "late_home"}')
    stopped = text_of(user.says("stop practising"))
    assert "Good work today" in stopped

    user.says('/choose_scenario{"scenario": "password"}')
    help_now = text_of(user.says("if i said no he would hit me again"))
    assert "1-800-799-7233" in help_now
    # The role-play is over: the next message is not taken as a reply to the partner.
    assert "sounds like" not in text_of(user.says("hello"))


def test_therapy_questions_get_real_options_that_fit_and_the_uk_is_answered(servers):
    from actions.content import therapy

    user = User()
    cheap = text_of(user.says("i really can't afford therapy right now"))
    assert "openpathcollective.org" in cheap
    couple = text_of(user.says("should we try couples therapy?"))
    assert therapy()["needs"]["couple"]["intro"] in couple
    uk = text_of(user.says("i'm in the uk btw"))
    assert therapy()["needs"]["couple"]["intro"] in uk
    assert therapy()["ask_country"] not in uk
