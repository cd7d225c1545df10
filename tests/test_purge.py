"""`make purge DAYS=N`: conversations idle for longer go, with the coach's records; recent ones stay."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.privacy import purge_older_than
from coach.store import PROJECT_DIR

DAY = 86400


@pytest.fixture()
def tracker_store(any_store):
    """Rasa's SQL tracker store in the same fresh database as the coach's records, SQLite or PostgreSQL."""
    url = any_store.engine.url
    if url.get_backend_name() == "sqlite":
        store = SQLTrackerStore(dialect="sqlite", db=url.database)
    else:
        store = SQLTrackerStore(dialect="postgresql", host=url.host, port=url.port, username=url.username,
                                db=url.database)
    yield store
    store.engine.dispose()


def talked(tracker_store: SQLTrackerStore, sender: str, days_ago: float) -> None:
    """A short conversation whose latest message was this many days ago."""
    when = time.time() - days_ago * DAY
    events = [ActionExecuted("action_listen", timestamp=when - 60), UserUttered("hi", timestamp=when)]
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events)))


def senders(tracker_store: SQLTrackerStore) -> set[str]:
    return set(asyncio.run(tracker_store.keys()))


def test_purge_removes_idle_conversations_and_their_records_and_keeps_recent_ones(tracker_store, any_store):
    for sender, days_ago in [("old", 40), ("older", 400), ("recent", 2), ("today", 0)]:
        talked(tracker_store, sender, days_ago)
        any_store.save_choice(sender, "tell_truth")
        any_store.save_attempt(sender, "texting", "calm", None)

    assert sorted(purge_older_than(tracker_store, any_store, days=30)) == ["old", "older"]

    assert senders(tracker_store) == {"recent", "today"}
    for gone in ("old", "older"):
        assert any_store.chosen_steps(gone) == [] and any_store.recent_attempts(gone) == []
    for kept in ("recent", "today"):
        assert any_store.chosen_steps(kept) == ["tell_truth"] and len(any_store.recent_attempts(kept)) == 1


def test_a_conversation_that_started_long_ago_but_goes_on_is_kept(tracker_store, any_store):
    talked(tracker_store, "ongoing", 90)
    tracker = asyncio.run(tracker_store.retrieve("ongoing"))
    tracker.update(UserUttered("still here", timestamp=time.time()))
    asyncio.run(tracker_store.save(tracker))
    assert purge_older_than(tracker_store, any_store, days=30) == []
    assert senders(tracker_store) == {"ongoing"}


def test_make_purge_reads_the_endpoints_file_and_says_what_it_did(tmp_path):
    db = tmp_path / "tracker.db"
    talked(SQLTrackerStore(dialect="sqlite", db=str(db)), "old", 40)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n')
    result = subprocess.run(
        [sys.executable, "scripts/purge.py", "30", "--endpoints", str(endpoints)], cwd=PROJECT_DIR,
        capture_output=True, text=True, timeout=120,
        env={"TRUST_COACH_DB_URL": f"sqlite:///{tmp_path / 'coach.db'}", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Deleted 1 conversation(s) idle for more than 30 days." in result.stdout
    assert senders(SQLTrackerStore(dialect="sqlite", db=str(db))) == set()
