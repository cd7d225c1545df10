"""Whole conversations over the REST channel, against a real Rasa server and action server.

The servers (tests/servers.py, the `servers` fixture in conftest.py) run from the trained model with
their own databases, on test ports, so a running `make run` is not disturbed.
"""

from __future__ import annotations

import urllib.error

import pytest
from servers import User, payloads_of, post, text_of

from coach.content import pattern, step

pytestmark = pytest.mark.model


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


def test_a_long_story_is_answered_for_what_the_writer_does_in_the_middle_of_it(servers):
    replies = User().says(
        "me (31f) and my husband have been together nine years. his first wife left him for his best "
        "friend and ever since he gets really quiet when i go out, asks who was there, looks at who "
        "liked my photos. last spring he said my running club was full of guys so i quit it and now "
        "i run alone, and honestly i dont go to my friend's on fridays anymore either. it hasn't helped"
    )
    assert pattern("giving_in")["insight"][0].split("{partner}")[0] in text_of(replies)


def test_warning_signs_of_control_are_named_then_a_yes_to_fear_is_a_disclosure(servers):
    from coach.content import resources

    user = User()
    warned = user.says("she makes me hand over my phone every night and won't let me see my friends")
    assert "warning signs of control" in text_of(warned) and "1-800-799-7233" in text_of(warned)
    assert "afraid of them" in text_of(warned) and payloads_of(warned)[-2:] == ["/affirm", "/deny"]
    disclosed = text_of(user.says("yes"))
    assert "911" in disclosed and "1-800-799-7233" in disclosed
    therapy = text_of(user.says("should we try couples counselling?"))
    couples = [r["name"] for r in resources()["resources"] if "couples" in r["kinds"]]
    assert "1-800-799-7233" in therapy and not any(name in therapy for name in couples)


def test_warning_signs_of_control_then_a_no_and_coaching_goes_on(servers):
    user = User()
    user.says("he won't let me see my sister and checks my phone every night")
    assert "What do you usually do" in text_of(user.says("no it's fine"))
    answer = text_of(user.says("i keep promising him i'm not cheating"))
    assert pattern("reassuring")["insight"][0].split("{partner}")[0] in answer


def test_four_practice_rounds_with_feedback_and_progress(servers):
    from coach.content import practice

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

    # Another round in the same situation: the partner moves on to their next line.
    again = text_of(user.says("/practice_again"))
    assert practice()["scenarios"]["password"]["follow_ups"][0] in again
    user.says("i'd rather keep my phone private, but ask me anything you want to know")

    progress = text_of(user.says("how am i doing"))
    assert "(4)" in progress and practice()["scenarios"]["password"]["title"] in progress
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
    from coach.content import therapy

    user = User()
    cheap = text_of(user.says("i really can't afford therapy right now"))
    assert "openpathcollective.org" in cheap
    couple = text_of(user.says("should we try couples therapy?"))
    assert therapy()["needs"]["couple"]["intro"] in couple
    uk = text_of(user.says("i'm in the uk btw"))
    assert therapy()["needs"]["couple"]["intro"] in uk
    assert therapy()["ask_country"] not in uk


def insight(name: str) -> str:
    """The start of the first insight for this response, as it appears in the answer."""
    return pattern(name)["insight"][0].split("{partner}")[0]


def test_deleting_my_data_leaves_nothing_of_me_and_nothing_of_anyone_else_goes(servers):
    someone_else = User()
    someone_else.says('/choose_step{"step": "tell_truth"}')
    user = User()
    user.says("i get so angry when she checks my phone")
    user.says('/choose_step{"step": "not_about_you"}')
    assert servers.store.chosen_steps(user.sender) and servers.events(user.sender)

    asked = user.says("please delete everything you have on me")
    assert "can't be undone" in text_of(asked) and payloads_of(asked) == ["/affirm", "/deny"]
    done = user.says("/affirm")
    assert "deleted" in text_of(done)
    assert any(reply.get("custom", {}).get("conversation_deleted") for reply in done)

    assert servers.events(user.sender) == []
    assert servers.store.chosen_steps(user.sender) == []
    assert servers.store.chosen_steps(someone_else.sender) == ["tell_truth"]
    assert servers.events(someone_else.sender)
    # Coming back, the person starts afresh.
    assert "automated coach" in user.says("hi")[0]["text"]


def test_changing_ones_mind_about_deleting_keeps_everything(servers):
    user = User()
    user.says('/choose_step{"step": "tell_truth"}')
    user.says("delete my data")
    assert "haven't deleted anything" in text_of(user.says("/deny"))
    assert servers.store.chosen_steps(user.sender) == ["tell_truth"]


@pytest.mark.parametrize("message", [
    "mi novio no confía en mí y no sé qué hacer",
    "mon mari pense que je lui mens tout le temps",
    "Мой муж мне не доверяет",
])
def test_another_language_is_told_english_only_with_the_crisis_numbers(servers, message):
    said = text_of(User().says(message))
    assert "only understand and answer in English" in said
    assert "988" in said and "1-800-799-7233" in said


@pytest.mark.parametrize("message, answer", [
    ("", "didn't get any words"),
    ("   \n ", "didn't get any words"),
    ("\x00\x01\x02", "couldn't read that message"),
    ("😡😡😡", "only read words"),
    ("x" * 10_001, "10,000 characters"),
])
def test_bad_input_gets_a_clear_friendly_answer_and_the_conversation_goes_on(servers, message, answer):
    user = User()
    user.says("hi")
    assert answer in text_of(user.says(message))
    assert insight("angry") in text_of(user.says("I lose it and yell at him"))


def test_html_and_a_long_message_are_read_like_any_other(servers):
    story = "i keep telling him i love him and that nothing is going on, again and again. " * 125
    assert 9_000 < len(story) <= 10_000
    assert insight("reassuring") in text_of(User().says(story))
    said = text_of(User().says("<img src=x onerror=alert(1)> i keep promising him nothing is going on"))
    assert insight("reassuring") in said


@pytest.mark.parametrize("body", [
    b"{not json",
    b"[1, 2, 3]",
    b'"just a string"',
    b'{"message": "hi"}',
    b'{"sender": 42, "message": "hi"}',
    b'{"sender": "", "message": "hi"}',
    b'{"sender": "ana", "message": 7}',
    b'{"sender": "ana", "message": ["hi"]}',
    b'{"sender": "ana", "message": "hi", "metadata": "x"}',
    b"\xff\xfe\x00binary",
])
def test_malformed_requests_get_a_4xx_and_the_server_carries_on(servers, body):
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(body)
    assert 400 <= refused.value.code < 500
    assert User().says("hi")


def test_a_sender_flooding_messages_is_asked_to_slow_down(servers):
    from concurrent.futures import ThreadPoolExecutor

    user = User()
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda n: text_of(user.says(f"message number {n}")), range(40)))
    slowed = [reply for reply in replies if "faster than I can read" in reply]
    assert slowed and len(slowed) < 40
    assert all(reply.strip() for reply in replies)  # every message got an answer
    assert "faster than I can read" not in text_of(User().says("hi"))  # others are not held back


def test_with_the_action_server_down_the_user_hears_trouble_and_numbers_then_carries_on(servers):
    user = User()
    user.says("hi")
    servers.stop_actions()
    try:
        down = text_of(user.says("I lose it and yell at him"))
        assert "trouble on my side" in down and "988" in down
    finally:
        servers.restart_actions()
    assert insight("angry") in text_of(user.says("I lose it and yell at him"))


def test_the_logs_never_contain_what_people_wrote(servers):
    marker = "zanzibar-parrot-marmalade"
    user = User()
    user.says(f"i keep telling him about {marker} and that i love him")
    user.says(f"{marker} " * 400)  # over the 10,000-character limit, under the 64 KB body limit
    assert marker not in servers.log.read_text()


def download_in(replies: list[dict]) -> dict | None:
    """The plan download the web chat shows as a button: a custom payload over REST."""
    return next((reply["custom"]["download"] for reply in replies if "custom" in reply), None)


def test_from_anger_to_a_saved_downloadable_plan_and_back_to_it_next_time(servers):
    from coach.content import exercises

    grounding = exercises()["exercises"]["not_about_you"]
    user = User()
    answer = user.says("I get angry when she accuses me")
    assert '/start_exercise{"step": "not_about_you"}' in payloads_of(answer)

    started = text_of(user.says('/start_exercise{"step": "not_about_you"}'))
    assert grounding["intro"] in started and "What does your partner say" in started
    fears = user.says("who were you really texting at midnight")
    assert "That I'll leave" in [button["title"] for reply in fears for button in reply.get("buttons", [])]
    rehearsal = text_of(user.says("That I'll leave"))
    assert '"Who were you really texting at midnight?"' in rehearsal and "that you'll leave" in rehearsal

    done = user.says(
        "you're scared i'll leave, and i'm not going anywhere. it was my brother about mum's birthday"
    )
    assert "Your plan:" in text_of(done)
    assert [plan.exercise for plan in servers.store.plans(user.sender)] == ["not_about_you"]
    download = download_in(done)
    assert download["filename"] == "trust-coach-plan.txt" and download["label"] == "Download your plan"
    assert "it was my brother about mum's birthday" in download["text"]
    assert "who were you really texting at midnight" in download["text"]

    shown = user.says("show my plan")
    assert "it was my brother" in text_of(shown) and download_in(shown)["text"] == download["text"]

    # Two days later: the session has expired, and the coach asks how the plan went.
    servers.move_back(user.sender, days=2)
    returning = user.says("hi again")
    assert "Last time you made a plan" in text_of(returning)
    assert "who were you really texting at midnight" in text_of(returning)
    assert "/step_went_well" in payloads_of(returning)
    assert "/more_steps" in payloads_of(user.says("it went well actually"))


def test_an_exercise_can_be_stopped_or_interrupted_and_an_impossible_talk_points_to_therapy(servers):
    user = User()
    user.says('/start_exercise{"step": "love_well"}')
    assert "stopped the exercise" in text_of(user.says("stop"))
    assert not servers.store.plans(user.sender)

    user.says('/start_exercise{"step": "tell_truth"}')
    help_now = text_of(user.says("if i told him he would hit me again"))
    assert "1-800-799-7233" in help_now
    # The exercise is over: the next message is not taken as an answer.
    assert "Is anything missing" not in text_of(user.says("hello"))

    other = User()
    other.says('/start_exercise{"step": "boundaries"}')
    other.says("Friends")
    therapy = text_of(other.says("honestly talking about this with her feels impossible"))
    assert step("couples_therapy")["title"] in therapy
    assert servers.store.plans(other.sender)[0].choices["boundary_feeling"] == "impossible"
