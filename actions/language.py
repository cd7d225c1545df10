"""The answer to a message in another language: English only for now, with the crisis numbers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from coach.content import input_wording
from coach.crisis import crisis_summary


class ActionOtherLanguage(Action):
    """Says the coach only speaks English for now; the numbers come too, as the message may be urgent."""

    def name(self) -> str:
        return "action_other_language"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=f"{input_wording()['other_language']}\n\n{crisis_summary()}")
        return []
