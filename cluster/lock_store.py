"""Rasa's Redis lock store, made safe for several Rasa servers: every change to a lock is atomic."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore (the same ticket locks, kept in Redis the same way), changed atomically.

    Rasa 3.6's RedisLockStore reads a conversation's lock, changes it and writes it back in separate
    steps. Two replicas given turns of one conversation at the same moment can then both be issued
    the first ticket and answer at once, each from the same state of the conversation, or one can
    delete the lock the other is waiting on (RasaHQ/rasa#9213; a fix was merged and reverted in
    #11256/#11428). Here each change runs in a Redis transaction (WATCH, MULTI, EXEC), tried again
    when another replica changed the lock in between.

    In the endpoints file: `lock_store: type: cluster.lock_store.AtomicRedisLockStore`, with the
    same settings as Rasa's `redis` lock store (url, port, db, password, key_prefix...).
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            settings = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**settings)

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Result]]
    ) -> Result:
        """Applies `change` to the stored lock atomically; it returns the lock to keep (None: delete it)."""
        key = self.key_prefix + conversation_id
        outcome: list[Result] = []

        def attempt(pipe: Any) -> None:
            outcome.clear()  # a retried attempt starts again from what is stored now
            stored = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if lock is not None:
                pipe.set(key, lock.dumps())
            elif stored:
                pipe.delete(key)
            outcome.append(result)

        self.red.transaction(attempt, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finishes this ticket, and deletes the lock if nobody else is waiting, in one step."""

        def finish_and_tidy(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish_and_tidy)
