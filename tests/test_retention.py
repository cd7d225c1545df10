"""Practice answers are not kept: once feedback is given, the stored conversation no longer holds them."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.retention import drop_practice_answer
from coach.content import practice

ANSWER = "ugh fine, whatever, check my phone if it makes you happy"
NOT_KEPT = practice()["menu"]["reply_removed"]


def practice_turn(keep: bool | None = None, feedback: bool = True) -> list:
    events = [SlotSet("keep_replies", keep)] if keep is not None else []
    events += [
        ActionExecuted("action_listen"),
        UserUttered(ANSWER, {"name": "inform", "confidence": 0.9},
                    [{"entity": "pattern_cue", "value": "whatever", "start": 9, "end": 17}]),
        SlotSet("practice_reply", ANSWER),
    ]
    if feedback:
        events += [ActionExecuted("action_give_feedback"),
                   BotUttered('That leaned towards giving in. I noticed: "fine, whatever".')]
    return events + [ActionExecuted("action_listen")]


def stored(store, sender: str) -> DialogueStateTracker:
    return asyncio.run(store.retrieve(sender))


def stored_texts(store, sender: str) -> str:
    return str([event.as_dict() for event in stored(store, sender).events])


@pytest.fixture(params=["sql", "memory"])
def store(request, tmp_path):
    if request.param == "sql":
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    return InMemoryTrackerStore(Domain.empty())


def run(store, events: list, sender: str = "ana") -> bool:
    async def save_and_drop() -> bool:
        await store.save(DialogueStateTracker.from_events(sender, events))
        agent = SimpleNamespace(tracker_store=store, lock_store=InMemoryLockStore())
        return await drop_practice_answer(agent, sender)

    return asyncio.run(save_and_drop())


def test_an_answer_given_feedback_leaves_the_stored_conversation_with_its_quotes(store):
    assert run(store, practice_turn())
    kept = stored_texts(store, "ana")
    assert ANSWER not in kept and "whatever" not in kept
    assert NOT_KEPT in kept and "That leaned towards giving in" in kept
    assert stored(store, "ana").latest_message.intent["name"] == "inform"  # the turn still reads right


def test_an_answer_the_person_asked_to_keep_stays(store):
    assert not run(store, practice_turn(keep=True))
    assert ANSWER in stored_texts(store, "ana")


def test_a_message_that_was_no_practice_answer_stays(store):
    assert not run(store, practice_turn(feedback=False))
    assert ANSWER in stored_texts(store, "ana")


def test_only_that_persons_conversation_is_touched(store):
    run(store, practice_turn(), sender="ben")
    assert run(store, practice_turn(), sender="ana")
    assert ANSWER not in stored_texts(store, "ben")
