"""Forgetting a person: their conversation in Rasa's tracker store and the coach's own records."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING

import aiohttp
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import delete, func, select

if TYPE_CHECKING:
    from rasa.core.agent import Agent

    from coach.store import CoachStore

logger = logging.getLogger(__name__)


class CannotForget(RuntimeError):
    """The conversation cannot be deleted: a tracker store we cannot clear, or no action server."""


async def forget_conversation(agent: Agent, sender_id: str, coach_store: CoachStore | None = None) -> int:
    """Deletes everything kept about this sender; returns how many tracker events and coach rows went.

    The lock is the one Rasa holds while it handles a message, so a reply being worked out for this
    sender cannot write its events back after the deletion. The coach's records are deleted by the
    action server (its `/forget`), the one process sure to know where they are: a Rasa replica need
    not be given the coach's database (README, "Production"). A test may give a store instead.
    Nothing is deleted unless both can be: the records go first, and the conversation only after.
    """
    async with agent.lock_store.lock(sender_id):
        stores = holding_stores(agent.tracker_store)
        if coach_store is not None:
            removed = coach_store.forget(sender_id)
        else:
            removed = await forget_coach_records(agent.action_endpoint, sender_id)
        removed += sum(delete_events(store, sender_id) for store in stores)
    logger.info("Forgot a conversation at its owner's request (%d records).", removed)
    return removed


def forget_url(webhook_url: str) -> str:
    """The action server's /forget beside its /webhook (also behind a load balancer's path)."""
    base, _, last = webhook_url.rstrip("/").rpartition("/")
    if last != "webhook":
        raise CannotForget(f"The action endpoint's url should end in /webhook, not {webhook_url!r}.")
    return f"{base}/forget"


async def forget_coach_records(action_endpoint: EndpointConfig | None, sender_id: str) -> int:
    """Asks the action server, with the action endpoint's own headers (its token), to delete the records."""
    if action_endpoint is None or not action_endpoint.url:
        raise CannotForget("No action server is configured (endpoints.yml, action_endpoint) to delete "
                           "the coach's records.")
    endpoint = action_endpoint.copy()
    endpoint.url, endpoint.cafile = forget_url(action_endpoint.url), action_endpoint.cafile
    try:
        answer = await endpoint.request(method="post", json={"sender_id": sender_id})
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        # Named, not chained: Rasa's error carries the answer's body.
        problem = type(error).__name__
        raise CannotForget(f"The action server did not delete the coach's records ({problem}).") from None
    return int(answer["forgotten"])


def delete_tracker(tracker_store: TrackerStore, sender_id: str) -> int:
    """Deletes every event of one sender from Rasa's tracker store; returns how many went."""
    return sum(delete_events(store, sender_id) for store in holding_stores(tracker_store))


def holding_stores(tracker_store: TrackerStore) -> list[TrackerStore]:
    """The stores that hold the data of the configured one, or CannotForget before anything is deleted."""
    # Rasa wraps the configured store (to fail safe, or to make it async); the wrapped one holds
    # the data. A fail-safe store may also have kept events in memory while the database was down.
    if isinstance(tracker_store, FailSafeTrackerStore):
        fallback = tracker_store._fallback_tracker_store
        return [*(holding_stores(fallback) if fallback is not None else []),
                *holding_stores(tracker_store._tracker_store)]
    if isinstance(tracker_store, AwaitableTrackerStore):
        return holding_stores(tracker_store._tracker_store)
    if isinstance(tracker_store, SQLTrackerStore | InMemoryTrackerStore):
        return [tracker_store]
    raise CannotForget(
        f"Deleting a conversation is not supported for {type(tracker_store).__name__}; "
        "use the SQL or in-memory tracker store."
    )


def delete_events(store: SQLTrackerStore | InMemoryTrackerStore, sender_id: str) -> int:
    """Deletes one sender's events from a store that holds them (see holding_stores)."""
    if isinstance(store, SQLTrackerStore):
        events = store.SQLEvent
        with store.session_scope() as session:
            removed = session.execute(delete(events).where(events.sender_id == sender_id)).rowcount
            session.commit()
        return removed
    serialised = store.store.pop(sender_id, None)
    return 0 if serialised is None else len(json.loads(serialised)["events"])


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
