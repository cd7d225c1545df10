"""Pointing toward therapy, for the partner and the couple; never couples therapy after abuse is disclosed."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content import fill, hotline, resources, safety, step
from actions.replies import Reply, phrase, send, step_button


def directory_lines(kind: str | None = None) -> str:
    """Therapist directories, only those serving this kind of therapy when one is given."""
    lines = [
        f"- {t['name']} ({t['reach']}): {t['good_for']}"
        for t in resources()["therapists"]
        if kind is None or kind in t["kinds"]
    ]
    return "\n".join([phrase("therapy_directories"), *lines])


def therapy_replies(partner_term: str | None, abuse_disclosed: bool) -> list[Reply]:
    """The article's two therapy steps and where to find a therapist.

    Where abuse or danger was disclosed, neither couples therapy nor "get your partner into therapy"
    is the answer: specialists advise individual and specialist support instead.
    """
    if abuse_disclosed:
        return [
            Reply(f"{safety()['individual_support']} {hotline()}."),
            Reply(directory_lines("individual")),
        ]
    steps = ["partner_therapy", "couples_therapy"]
    replies = [Reply(phrase("therapy_intro"))]
    replies += [Reply(fill(step(name)["summary"], partner_term)) for name in steps]
    replies.append(Reply(directory_lines()))
    replies[-1].buttons = [step_button("explore_step", name) for name in steps]
    return replies


class ActionSuggestTherapy(Action):
    """Answers questions about therapy with the article's two therapy steps and real directories."""

    def name(self) -> str:
        return "action_suggest_therapy"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        abuse_disclosed = bool(tracker.get_slot("abuse_disclosed"))
        send(dispatcher, therapy_replies(tracker.get_slot("partner_term"), abuse_disclosed))
        return []
