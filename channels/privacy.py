"""Forgetting a person: their conversation in Rasa's tracker store and the coach's own records."""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from sqlalchemy import delete, func, select

from actions.store import CoachStore, open_store

if TYPE_CHECKING:
    from rasa.core.agent import Agent

logger = logging.getLogger(__name__)


class CannotForget(RuntimeError):
    """The tracker store is of a kind whose conversations we do not know how to delete."""


async def forget_conversation(agent: Agent, sender_id: str, coach_store: CoachStore | None = None) -> int:
    """Deletes everything kept about this sender; returns how many tracker events and coach rows went.

    The lock is the one Rasa holds while it handles a message, so a reply being worked out for this
    sender cannot write its events back after the deletion. The coach's records come from the
    database the action server uses (TRUST_COACH_DB_URL) unless another store is given.
    """
    async with agent.lock_store.lock(sender_id):
        removed = delete_tracker(agent.tracker_store, sender_id)
        removed += (coach_store or open_store()).forget(sender_id)
    logger.info("Forgot a conversation at its owner's request (%d records).", removed)
    return removed


def delete_tracker(tracker_store: TrackerStore, sender_id: str) -> int:
    """Deletes every event of one sender from Rasa's tracker store; returns how many went."""
    # Rasa wraps the configured store (to fail safe, or to make it async); the wrapped one holds
    # the data. A fail-safe store may also have kept events in memory while the database was down.
    if isinstance(tracker_store, FailSafeTrackerStore):
        fallback = tracker_store._fallback_tracker_store
        removed_meanwhile = delete_tracker(fallback, sender_id) if fallback is not None else 0
        return removed_meanwhile + delete_tracker(tracker_store._tracker_store, sender_id)
    if isinstance(tracker_store, AwaitableTrackerStore):
        return delete_tracker(tracker_store._tracker_store, sender_id)
    if isinstance(tracker_store, SQLTrackerStore):
        events = tracker_store.SQLEvent
        with tracker_store.session_scope() as session:
            removed = session.execute(delete(events).where(events.sender_id == sender_id)).rowcount
            session.commit()
        return removed
    if isinstance(tracker_store, InMemoryTrackerStore):
        serialised = tracker_store.store.pop(sender_id, None)
        return 0 if serialised is None else len(json.loads(serialised)["events"])
    raise CannotForget(
        f"Deleting a conversation is not supported for {type(tracker_store).__name__}; "
        "use the SQL or in-memory tracker store."
    )


def unwrap(tracker_store: TrackerStore) -> TrackerStore:
    """The tracker store that holds the data: Rasa wraps stores without async methods."""
    return tracker_store._tracker_store if isinstance(tracker_store, AwaitableTrackerStore) else tracker_store


def purge_older_than(tracker_store: TrackerStore, coach_store: CoachStore, days: float) -> list[str]:
    """Deletes every conversation whose latest event is older than `days`, with the coach's records
    for it; returns the senders whose conversations went."""
    store = unwrap(tracker_store)
    if not isinstance(store, SQLTrackerStore):
        raise CannotForget(f"Purging is supported for the SQL tracker store, not {type(store).__name__}.")
    events = store.SQLEvent
    cutoff = time.time() - days * 86400
    idle = select(events.sender_id).group_by(events.sender_id).having(func.max(events.timestamp) < cutoff)
    with store.session_scope() as session:
        senders = list(session.scalars(idle))
    for sender_id in senders:
        delete_tracker(store, sender_id)
        coach_store.forget(sender_id)
    return senders
