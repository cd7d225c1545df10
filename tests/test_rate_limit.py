"""The flood limit holds across Rasa replicas when they share Redis (channels/limits.py)."""

from __future__ import annotations

import redis
from servers import REDIS_DB

from channels.limits import RateLimit, RedisRateLimit, rate_limit


def replica(key_prefix: str, spec: str = "3/60", port: int = 6379) -> RedisRateLimit:
    """The limit as one Rasa replica builds it: its own connection to the shared Redis."""
    connection = redis.Redis(host="127.0.0.1", port=port, db=REDIS_DB, socket_connect_timeout=1)
    return RedisRateLimit(connection, key_prefix, spec)


def test_messages_reaching_two_replicas_count_against_one_limit(key_prefix):
    first, second = replica(key_prefix), replica(key_prefix)
    answers = [(first if n % 2 == 0 else second).allows("ana", now=1000.0 + n) for n in range(5)]
    assert answers == [True, True, True, False, False]
    assert second.allows("ben", now=1005.0)  # someone else is not held back


def test_the_shared_limit_lifts_once_the_window_has_passed(key_prefix):
    first, second = replica(key_prefix, "2/60"), replica(key_prefix, "2/60")
    assert first.allows("ana", now=1000.0) and second.allows("ana", now=1001.0)
    assert not first.allows("ana", now=1030.0)
    assert second.allows("ana", now=1060.5)  # the first message has left the window


def test_it_behaves_like_the_single_server_limit(key_prefix):
    shared, alone = replica(key_prefix, "4/10"), RateLimit("4/10")
    times = [0, 1, 2, 3, 4, 9, 10.5, 11, 12, 20, 21, 22, 23, 24]
    assert [shared.allows("ana", now=1000.0 + t) for t in times] == [
        alone.allows("ana", now=1000.0 + t) for t in times
    ]


def test_the_key_expires_so_nothing_about_a_sender_stays(key_prefix):
    replica(key_prefix, "3/60").allows("ana")
    ttl = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).ttl(f"{key_prefix}:rate:ana")
    assert 0 < ttl <= 60


def test_redis_unreachable_lets_messages_through(key_prefix, caplog):
    closed = replica(key_prefix, "1/60", port=1)  # nothing listens on port 1
    assert all(closed.allows("ana") for _ in range(3))
    assert "Redis unreachable" in caplog.text


def test_replicas_with_redis_share_the_limit_and_a_single_server_keeps_its_own(monkeypatch):
    monkeypatch.delenv("TRUST_COACH_REDIS_HOST", raising=False)
    assert type(rate_limit("3/60")) is RateLimit
    monkeypatch.setenv("TRUST_COACH_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("TRUST_COACH_REDIS_DB", str(REDIS_DB))
    assert isinstance(rate_limit("3/60"), RedisRateLimit)
