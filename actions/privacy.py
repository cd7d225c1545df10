"""Deleting what the coach keeps about a person, when they ask: the conversation and their records."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from coach.content import DELETED, privacy
from coach.store import open_store

# The channel (channels/guard.py) deletes the conversation itself once this reply has gone out.


class ActionAskDelete(Action):
    """Asks the person to confirm before anything is deleted."""

    def name(self) -> str:
        return "action_ask_delete"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        words = privacy()
        dispatcher.utter_message(text=words["ask"], buttons=[
            {"title": words["buttons"]["confirm"], "payload": "/affirm"},
            {"title": words["buttons"]["keep"], "payload": "/deny"},
        ])
        return [SlotSet("offer", "delete")]


def delete_everything(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The confirmed deletion: the coach's records now, the conversation by the channel after this reply."""
    open_store().forget(tracker.sender_id)
    dispatcher.utter_message(text=privacy()["done"], json_message={DELETED: True})
    return [SlotSet("offer", None)]
