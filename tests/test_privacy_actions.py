"""Asking to delete everything: confirmation first, then the coach's records go and the channel is told."""

from __future__ import annotations

from conftest import make_tracker, payloads, said, slots_set

from actions.language import ActionOtherLanguage
from actions.privacy import ActionAskDelete
from actions.session import ActionAnswerOffer
from coach.content import DELETED, input_wording, privacy


def test_asking_to_delete_is_confirmed_before_anything_goes(dispatcher, domain, coach_db):
    coach_db.save_choice("ana", "tell_truth")
    events = ActionAskDelete().run(dispatcher, make_tracker("delete_my_data", sender_id="ana"), domain)
    assert "can't be undone" in said(dispatcher)
    assert payloads(dispatcher) == ["/affirm", "/deny"]
    assert slots_set(events) == {"offer": "delete"}
    assert coach_db.chosen_steps("ana") == ["tell_truth"]


def test_yes_deletes_the_coach_records_of_this_person_only_and_tells_the_channel(
    dispatcher, domain, coach_db
):
    for sender in ("ana", "ben"):
        coach_db.save_choice(sender, "tell_truth")
        coach_db.save_attempt(sender, "texting", "calm", "it was my sister")
    tracker = make_tracker("affirm", slots={"offer": "delete"}, sender_id="ana")
    events = ActionAnswerOffer().run(dispatcher, tracker, domain)
    assert privacy()["done"] in said(dispatcher)
    assert any(message.get("custom", {}).get(DELETED) for message in dispatcher.messages)
    assert coach_db.chosen_steps("ana") == [] and coach_db.recent_attempts("ana") == []
    assert coach_db.chosen_steps("ben") == ["tell_truth"] and len(coach_db.recent_attempts("ben")) == 1
    assert slots_set(events) == {"offer": None}


def test_no_keeps_everything(dispatcher, domain, coach_db):
    coach_db.save_choice("ana", "tell_truth")
    ActionAnswerOffer().run(dispatcher, make_tracker("deny", slots={"offer": "delete"}, sender_id="ana"),
                            domain)
    assert privacy()["kept"] in said(dispatcher)
    assert not any(message.get("custom") for message in dispatcher.messages)
    assert coach_db.chosen_steps("ana") == ["tell_truth"]


def test_another_language_is_answered_in_english_with_the_crisis_numbers(dispatcher, domain):
    ActionOtherLanguage().run(dispatcher, make_tracker("other_language", "quiero morir"), domain)
    assert said(dispatcher).startswith(input_wording()["other_language"])
    assert "988" in said(dispatcher) and "1-800-799-7233" in said(dispatcher) and "911" in said(dispatcher)
