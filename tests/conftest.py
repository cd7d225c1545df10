"""Shared fixtures: a fresh coach database per test, and trackers and dispatchers like Rasa's."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from types import ModuleType
from typing import Any

import pytest
import redis
import spacy
import yaml
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from servers import REDIS_DB, Cluster, Servers, running_cluster
from sqlalchemy import create_engine, text

from coach import store
from coach.store import PROJECT_DIR


@pytest.fixture()
def coach_db(tmp_path, monkeypatch) -> store.CoachStore:
    """A fresh SQLite database for the coach's records, used by every action in the test."""
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    monkeypatch.setenv("TRUST_COACH_DB_URL", url)
    store.open_store.cache_clear()
    yield store.open_store(url)
    store.open_store.cache_clear()


@pytest.fixture()
def key_prefix():
    """A Redis key prefix of this test's own in the tests' Redis database; its keys are removed afterwards."""
    prefix = f"test{uuid.uuid4().hex[:8]}"
    yield prefix
    connection = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)
    connection.close()


POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path) -> store.CoachStore:
    """A fresh, migrated coach database of each kind: SQLite, and PostgreSQL on 127.0.0.1:5432."""
    if request.param == "sqlite":
        coach_store = store.open_store.__wrapped__(f"sqlite:///{tmp_path / 'coach.db'}")
        yield coach_store
        coach_store.engine.dispose()
        return
    name = f"coach_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    coach_store = store.open_store.__wrapped__(f"{POSTGRES}/{name}")
    yield coach_store
    coach_store.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    """Rasa, the action server and the demo page on test ports, shared by every end-to-end test."""
    running = Servers(tmp_path_factory.mktemp("servers"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> Cluster:
    """`make cluster` on test ports, shared by the cluster and security tests (it takes minutes to start)."""
    with running_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


@pytest.fixture(scope="session")
def nlp() -> spacy.language.Language:
    """The full spaCy pipeline, parser included."""
    return spacy.load("en_core_web_md")


@pytest.fixture(scope="session")
def spacy_nlp_model() -> SpacyModel:
    """The model as Rasa's SpacyNLP loads it: without the parser."""
    return SpacyNLP.load_model("en_core_web_md")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())


@pytest.fixture()
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def load_script(name: str) -> ModuleType:
    """A script of scripts/ as a module, for tests of its functions."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_DIR / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def make_tracker(
    intent: str = "greet",
    text: str = "",
    entities: list[tuple[str, str]] = (),
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-user",
) -> Tracker:
    """A tracker whose latest message has this intent and these (entity, value) pairs."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": [{"entity": entity, "value": value} for entity, value in entities],
    }
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message.get("text") or "" for message in dispatcher.messages]


def said(dispatcher: CollectingDispatcher) -> str:
    """Everything the assistant said, as one string."""
    return "\n".join(texts(dispatcher))


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [button["payload"] for message in dispatcher.messages for button in message.get("buttons", [])]


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
