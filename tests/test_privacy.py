"""Delete my conversation: nothing of that person is left in the tracker store or the coach's database."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from servers import free_port

from channels.privacy import CannotForget, forget_conversation, forget_url


def conversation(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [
        SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("i lose my temper when she checks my phone"), BotUttered("That sounds hard."),
    ])


def sql_tracker_store(any_store) -> SQLTrackerStore:
    """Rasa's SQL tracker store in the same database as the coach's records, as a deployment may do."""
    url = any_store.engine.url
    if url.get_backend_name() == "sqlite":
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=url.database)
    return SQLTrackerStore(
        Domain.empty(), dialect="postgresql", host=url.host, port=url.port, db=url.database,
        username=url.username,
    )


async def remembered(agent: Agent, sender: str) -> int:
    tracker = await agent.tracker_store.retrieve(sender)
    return 0 if tracker is None else len(tracker.events)


def test_forgetting_removes_every_event_and_record_of_that_person_only(any_store):
    tracker_store = sql_tracker_store(any_store)
    agent = Agent(tracker_store=tracker_store, lock_store=InMemoryLockStore())
    for sender in ("leaving", "staying"):
        asyncio.run(agent.tracker_store.save(conversation(sender)))
        any_store.save_choice(sender, "tell_truth", "withholding")
        any_store.save_attempt(sender, "texting", "angry", reply_text="stop being paranoid")

    removed = asyncio.run(forget_conversation(agent, "leaving", any_store))

    assert removed == 4 + 2  # four tracker events, a chosen step and a practice round
    assert asyncio.run(remembered(agent, "leaving")) == 0
    assert any_store.chosen_steps("leaving") == [] and any_store.recent_attempts("leaving") == []
    assert asyncio.run(remembered(agent, "staying")) == 4
    assert any_store.chosen_steps("staying") == ["tell_truth"]
    assert len(any_store.recent_attempts("staying")) == 1
    tracker_store.engine.dispose()


def test_forgetting_works_with_the_in_memory_tracker_store(coach_db):
    agent = Agent(tracker_store=InMemoryTrackerStore(Domain.empty()), lock_store=InMemoryLockStore())
    asyncio.run(agent.tracker_store.save(conversation("leaving")))
    coach_db.save_choice("leaving", "tell_truth")

    assert asyncio.run(forget_conversation(agent, "leaving", coach_db)) == 4 + 1
    assert asyncio.run(remembered(agent, "leaving")) == 0
    assert coach_db.chosen_steps("leaving") == []


@pytest.mark.parametrize("action_endpoint", [
    None,  # no action server configured: Rasa's process must not guess where the records are
    EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"),  # configured, but not answering
    EndpointConfig("http://127.0.0.1:5055/actions"),  # not an action server's webhook
], ids=["none", "down", "not-a-webhook"])
def test_without_an_action_server_to_delete_the_records_nothing_is_deleted(coach_db, action_endpoint):
    agent = Agent(tracker_store=InMemoryTrackerStore(Domain.empty()), lock_store=InMemoryLockStore(),
                  action_endpoint=action_endpoint)
    asyncio.run(agent.tracker_store.save(conversation("leaving")))
    coach_db.save_choice("leaving", "tell_truth")

    with pytest.raises(CannotForget):
        asyncio.run(forget_conversation(agent, "leaving"))
    # The person can ask again once it is back: nothing was half-deleted.
    assert asyncio.run(remembered(agent, "leaving")) == 4
    assert coach_db.chosen_steps("leaving") == ["tell_truth"]


def test_the_records_are_deleted_beside_the_action_servers_webhook():
    assert forget_url("http://127.0.0.1:5055/webhook") == "http://127.0.0.1:5055/forget"
    # Behind nginx (deploy/nginx.conf.template), which passes /action-server/... on to the action servers.
    assert forget_url("http://lb/action-server/webhook/") == "http://lb/action-server/forget"


def test_a_tracker_store_we_cannot_clear_is_reported_not_ignored(coach_db):
    # Not connected: the Redis client connects lazily, and we must fail before any I/O.
    store = RedisTrackerStore(Domain.empty(), host="127.0.0.1", port=1)
    agent = Agent(tracker_store=store, lock_store=InMemoryLockStore())
    coach_db.save_choice("leaving", "tell_truth")
    with pytest.raises(CannotForget, match="RedisTrackerStore"):
        asyncio.run(forget_conversation(agent, "leaving", coach_db))
    # Nothing was half-deleted.
    assert coach_db.chosen_steps("leaving") == ["tell_truth"]
