"""The flood limits, one set for every channel of a Rasa server: per sender, per address, new conversations.

RateLimit counts in this server's memory. With several replicas behind a load balancer each would
count only its own share, so with TRUST_COACH_REDIS_HOST set (make cluster, deploy/) RedisRateLimit
keeps the same sliding window in a Redis sorted set per key (the times of the messages let through),
changed atomically by a Lua script, and the limit holds whichever replica a message reaches. It reads
the same variables as the lock store in deploy/endpoints.production.yml. If Redis cannot be reached it
lets the message through (and logs why): a slower flood limit is better than a person in trouble
getting no answer. Keys are hashes (coach/logs.py `who`): no limit holds a conversation's id or an
address.
"""

from __future__ import annotations

import functools
import logging
import os
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass

import redis

from coach.logs import who

logger = logging.getLogger(__name__)

# The flood limits, "count/seconds" ("0/60" turns one off), from these variables or these defaults.
LIMITS = {
    # A person types well under one message every two seconds; a script or a stuck key does not.
    "TRUST_COACH_RATE_LIMIT": "30/60",
    # One address may be several people (a household, an office behind one router); a script
    # rotating sender ids is one address.
    "TRUST_COACH_ADDRESS_LIMIT": "120/60",
    # New conversations from one address: a person starts a few, a script hundreds.
    "TRUST_COACH_SESSION_LIMIT": "20/600",
}

class RateLimit:
    """At most `count` messages under one key (a sender, an address) in any `seconds`; it remembers the
    latest keys only."""

    def __init__(self, spec: str, senders: int = 10_000) -> None:
        count, _, seconds = spec.partition("/")
        self.count, self.seconds, self.senders = int(count), float(seconds or 60), senders
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()

    def allows(self, sender: str, now: float | None = None) -> bool:
        if self.count <= 0:  # "0/60" turns it off (the benchmark plays users who type very fast)
            return True
        now = time.monotonic() if now is None else now
        times = self._recent.pop(sender, None) or deque()
        while times and times[0] <= now - self.seconds:
            times.popleft()
        self._recent[sender] = times
        if len(self._recent) > self.senders:
            self._recent.popitem(last=False)
        if len(times) >= self.count:
            return False
        times.append(now)
        return True


# KEYS[1]: the sender's key. ARGV: now, the window in seconds, the limit, a unique member for now.
ALLOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return 1
"""


class RedisRateLimit(RateLimit):
    """RateLimit's rule (at most `count` messages from one sender in any `seconds`), for all replicas."""

    def __init__(self, connection: redis.Redis, key_prefix: str, spec: str) -> None:
        super().__init__(spec)
        self.key_prefix = key_prefix
        self._allow = connection.register_script(ALLOW)

    @classmethod
    def from_environment(cls, spec: str) -> RedisRateLimit:
        """This limit in the Redis of deploy/endpoints.production.yml's lock store (TRUST_COACH_REDIS_*)."""
        connection = redis.Redis(
            host=os.environ["TRUST_COACH_REDIS_HOST"],
            port=int(os.environ.get("TRUST_COACH_REDIS_PORT") or 6379),
            db=int(os.environ.get("TRUST_COACH_REDIS_DB") or 0),
            password=os.environ.get("TRUST_COACH_REDIS_PASSWORD") or None,
            socket_timeout=1, socket_connect_timeout=1,
        )
        return cls(connection, os.environ.get("TRUST_COACH_REDIS_KEY_PREFIX") or "trustcoach", spec)

    def allows(self, key: str, now: float | None = None) -> bool:
        if self.count <= 0:
            return True
        now = time.time() if now is None else now  # one clock for every replica
        key = f"{self.key_prefix}:rate:{key}"
        try:
            member = f"{now}:{uuid.uuid4().hex}"  # two messages in the same instant are two messages
            return bool(self._allow(keys=[key], args=[now, self.seconds, self.count, member]))
        except redis.RedisError as error:
            logger.warning("Flood limit not checked, Redis unreachable: %s", type(error).__name__)
            return True


def rate_limit(spec: str) -> RateLimit:
    """A flood limit: shared through Redis when the replicas have one (make cluster, deploy/),
    otherwise this server's own."""
    if os.environ.get("TRUST_COACH_REDIS_HOST"):
        return RedisRateLimit.from_environment(spec)
    return RateLimit(spec)


@dataclass
class Limits:
    """The flood limits, one set for every channel: per sender, per address, and on new conversations."""

    sender: RateLimit
    address: RateLimit
    sessions: RateLimit

    def allow_message(self, sender: str, address: str | None) -> bool:
        # Keys are hashes: the limit's memory (or Redis) never holds a conversation's id.
        return self.sender.allows(f"sender:{who(sender)}") and (
            address is None or self.address.allows(f"address:{who(address)}")
        )

    def allow_new_session(self, address: str | None) -> bool:
        return address is None or self.sessions.allows(f"session:{who(address)}")


@functools.cache
def limits() -> Limits:
    """The limits of this process, which its REST and socket.io channels share."""
    spec = {name: os.environ.get(name) or default for name, default in LIMITS.items()}
    return Limits(*(rate_limit(spec[name]) for name in LIMITS))
