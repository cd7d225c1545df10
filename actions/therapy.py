"""Pointing toward therapy: for the partner, for the couple, low-cost and online, from the directory.

Couples therapy is never suggested, and no one is coached into getting an abusive partner into
therapy, once abuse or danger was disclosed: the person is pointed to support for themselves.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine

from actions.replies import Reply, bubble, bullets, send
from actions.safety import warn_beside, warning_found
from coach import directory
from coach.content import hotline, intent_for, meaning_of, safety, therapy
from coach.store import open_store

DEFAULT_COUNTRY = "US"


def directory_engine() -> Engine:
    """The coach's database, with the resource directory seeded if it is still empty."""
    engine = open_store().engine
    directory.seed(engine)
    return engine


def need_buttons(shown: str) -> list[dict[str, str]]:
    return [
        {"title": title, "payload": f"/{intent_for('need', need)}"}
        for need, title in therapy()["buttons"].items()
        if need != shown
    ]


def listing(matches: directory.Matches) -> str:
    words = therapy()
    heading = words["listings"] if matches.exact_country else words["listings_elsewhere"]
    return bubble(heading, bullets([f"{r.name} ({r.reach}): {r.good_for}" for r in matches.resources]))


def therapy_replies(
    need: str, country: str | None, partner_term: str | None, abuse_disclosed: bool, engine: Engine
) -> list[Reply]:
    """What this kind of therapy helps with, two or three places that fit, and what else to ask."""
    words = therapy()
    where = country or DEFAULT_COUNTRY
    if abuse_disclosed and need in ("couple", "partner"):
        # Only specialist support: a therapist directory lists couples therapists too (The Hotline
        # advises against couples counselling where there is abuse).
        support = f"{safety()['individual_support']} {hotline()}."
        return [Reply(support), Reply(listing(directory.find(engine, "abuse", where)))]
    replies = [Reply(words["needs"][need]["intro"])]
    if need == "partner":
        replies.append(Reply(bubble(words["script_intro"], words["script"], words["script_tips"])))
    replies.append(Reply(listing(directory.find(engine, need, where))))
    if country is None:
        replies.append(Reply(words["ask_country"]))
    replies[-1].buttons = need_buttons(need)
    return replies


def suggest_therapy(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Answers the therapy question asked now, or else the last one asked (couples therapy if none)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    need = meaning_of(intent, "need") or tracker.get_slot("therapy_need") or "couple"
    # A warning sign of control in the same message: no couples therapy beside its warning either.
    unsafe = bool(tracker.get_slot("abuse_disclosed")) or warning_found(tracker) is not None
    send(dispatcher, therapy_replies(
        need, tracker.get_slot("country"), tracker.get_slot("partner_term"), unsafe, directory_engine()))
    return [SlotSet("therapy_need", need), *warn_beside(dispatcher, tracker)]


class ActionSuggestTherapy(Action):
    """Answers therapy questions (couple, partner, low cost, online) with fitting, real options."""

    def name(self) -> str:
        return "action_suggest_therapy"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return suggest_therapy(dispatcher, tracker)


class ActionNoteCountry(Action):
    """Remembers the user's country, and answers the last therapy question again for it."""

    def name(self) -> str:
        return "action_note_country"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("therapy_need") and tracker.get_slot("country"):
            return suggest_therapy(dispatcher, tracker)
        dispatcher.utter_message(text=therapy()["country_noted"])
        return []
