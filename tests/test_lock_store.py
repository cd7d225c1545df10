"""Turns of one conversation reaching several Rasa replicas at once wait for each other (cluster/)."""

from __future__ import annotations

import asyncio
import threading
import time

from rasa.utils.endpoints import EndpointConfig
from servers import REDIS_DB

from cluster.lock_store import AtomicRedisLockStore


def replica_store(key_prefix: str) -> AtomicRedisLockStore:
    """The lock store as a Rasa replica builds it from the endpoints file."""
    config = EndpointConfig(url="127.0.0.1", port="6379", db=str(REDIS_DB), password="",
                            key_prefix=key_prefix, type="cluster.lock_store.AtomicRedisLockStore")
    return AtomicRedisLockStore(endpoint_config=config)


def test_two_replicas_never_handle_one_conversation_at_the_same_time(key_prefix):
    conversation, turns_each = "someone", 15
    inside, most_inside, handled, failures = [0], [0], [], []
    guard = threading.Lock()

    async def take_turns(store: AtomicRedisLockStore, replica: int) -> None:
        for turn in range(turns_each):
            async with store.lock(conversation, wait_time_in_seconds=0.005):
                with guard:
                    inside[0] += 1
                    most_inside[0] = max(most_inside[0], inside[0])
                await asyncio.sleep(0.003)  # a turn being handled
                with guard:
                    inside[0] -= 1
                    handled.append((replica, turn))

    def replica(number: int) -> None:
        try:
            asyncio.run(take_turns(replica_store(key_prefix), number))
        except Exception as error:  # noqa: BLE001 - reported below, with the replica it came from
            failures.append((number, error))

    threads = [threading.Thread(target=replica, args=(number,)) for number in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert most_inside[0] == 1, "two replicas handled the conversation at the same time"
    assert len(handled) == 3 * turns_each
    # Nothing is left behind once every turn is done.
    assert replica_store(key_prefix).get_lock(conversation) is None


def test_a_turn_waits_for_the_one_before_it_in_the_order_they_came(key_prefix):
    first, second = replica_store(key_prefix), replica_store(key_prefix)
    order = []

    async def turn(store: AtomicRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("someone", wait_time_in_seconds=0.01):
            order.append(f"{name} starts")
            await asyncio.sleep(0.2)
            order.append(f"{name} ends")

    async def both() -> None:
        await asyncio.gather(turn(first, "earlier", 0), turn(second, "later", 0.05))

    started = time.monotonic()
    asyncio.run(both())
    assert order == ["earlier starts", "earlier ends", "later starts", "later ends"]
    assert time.monotonic() - started >= 0.4
