"""Keeping less: a practice answer leaves the stored conversation once its feedback has been given.

Practice tells people it does not keep what they type (content/practice.yml). Rasa's tracker store
keeps every message, so after a turn whose answer was the feedback (action_give_feedback) the answer's
text is replaced wherever that turn's events hold it (the message, its parse, the `practice_reply`
slot), unless the person said "save my answers" (the `keep_replies` slot). A reloaded chat then shows
a short note in its place. The action server stores the attempt's situation and lean only.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from sqlalchemy import select

from channels.privacy import holding_stores
from coach.content import practice

if TYPE_CHECKING:
    from rasa.core.agent import Agent

FEEDBACK_ACTION = "action_give_feedback"
CONSENT_SLOT = "keep_replies"
# A turn is the latest user message and what followed it; practice turns are a dozen events or so.
RECENT_EVENTS = 40
QUOTED = re.compile(r'"([^"]+)"')  # how the feedback quotes what it noticed (actions/practice.py)


async def drop_practice_answer(agent: Agent, sender_id: str) -> bool:
    """Removes the latest message's text from the stored conversation if it was a practice answer
    given feedback without consent to keep it; returns whether it did."""
    async with agent.lock_store.lock(sender_id):
        return any([_drop(store, sender_id) for store in holding_stores(agent.tracker_store)])


def _drop(store: SQLTrackerStore | InMemoryTrackerStore, sender_id: str) -> bool:
    if isinstance(store, InMemoryTrackerStore):
        if sender_id not in store.store:
            return False
        tracker = json.loads(store.store[sender_id])
        events = tracker["events"]
        scrubbed = scrubbed_turn(events[::-1], consented(events))
        if scrubbed:
            events[len(events) - len(scrubbed):] = scrubbed[::-1]
            store.store[sender_id] = json.dumps(tracker)
        return bool(scrubbed)
    rows = store.SQLEvent
    mine = select(rows).where(rows.sender_id == sender_id)
    with store.session_scope() as session:
        recent = list(session.scalars(mine.order_by(rows.id.desc()).limit(RECENT_EVENTS)))
        slots = session.scalars(mine.where(rows.type_name == "slot", rows.data.contains(CONSENT_SLOT)))
        scrubbed = scrubbed_turn([json.loads(row.data) for row in recent],
                                 consented([json.loads(row.data) for row in slots]))
        for row, event in zip(recent, scrubbed or [], strict=False):  # the turn is the newest rows
            row.data = json.dumps(event)
        session.commit()
    return bool(scrubbed)


def scrubbed_turn(newest_first: list[dict], consent: bool) -> list[dict] | None:
    """The latest turn's events (newest first, back to its user message) with the answer's text
    replaced, if that message was a practice answer given feedback and not to be kept."""
    turn = next(([*newest_first[:index], event] for index, event in enumerate(newest_first)
                 if event.get("event") == "user"), None)
    if consent or not turn or not turn[-1].get("text"):
        return None
    if not any(event.get("event") == "action" and event.get("name") == FEEDBACK_ACTION for event in turn):
        return None
    return [_scrubbed(event, turn[-1]["text"]) for event in turn]


def consented(events: list[dict]) -> bool:
    """Whether the latest word on keeping practice answers, among these events, was yes."""
    values = [event.get("value") for event in events
              if event.get("event") == "slot" and event.get("name") == CONSENT_SLOT]
    return bool(values and values[-1])


def _scrubbed(value: Any, text: str) -> Any:
    """The event with the answer's text replaced, the feedback's quotes of it too, and no entity
    (their values are pieces of it)."""
    if isinstance(value, str):
        if text in value:
            return practice()["menu"]["reply_removed"]
        return QUOTED.sub(lambda quote: '"…"' if quote[1].lower() in text.lower() else quote[0], value)
    if isinstance(value, list):
        return [_scrubbed(item, text) for item in value]
    if isinstance(value, dict):
        return {key: [] if key == "entities" else _scrubbed(item, text) for key, item in value.items()}
    return value
