"""The flood limit shared by every Rasa replica, kept in Redis beside Rasa's lock store.

channels/guard.py's RateLimit counts a sender's messages in the server's memory; with several replicas
behind a load balancer each would count only its own share. This one keeps the same sliding window in
a Redis sorted set per sender (the times of the messages let through), changed atomically by a Lua
script, so the limit holds whichever replica a message reaches. It reads the same variables as the
lock store in deploy/endpoints.production.yml. If Redis cannot be reached it lets the message through
(and logs why): a slower flood limit is better than a person in trouble getting no answer.
"""

from __future__ import annotations

import logging
import os
import time
import uuid

import redis

from channels.guard import RateLimit

logger = logging.getLogger(__name__)

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
