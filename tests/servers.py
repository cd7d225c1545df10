"""Real servers for the end-to-end tests: Rasa, the action server and the widget's demo page as
`make run` starts them, and the production topology as `make cluster` starts it.

They run from the trained model with their own tracker and coach databases in a temporary folder,
on ports of their own, so a running `make run` is not disturbed. Other checkouts on this machine may
run these tests at once: each can choose its ports, and the cluster takes free ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import socketio
import yaml
from sqlalchemy import create_engine, inspect, text, update
from sqlalchemy.orm import Session

from coach.store import PROJECT_DIR, ChosenStep, ExercisePlan, open_store, utcnow

RASA_PORT = int(os.environ.get("TRUST_COACH_TEST_RASA_PORT", "5105"))
# A Redis database number of the tests' own (127.0.0.1:6379); key prefixes keep test runs apart in it.
REDIS_DB = int(os.environ.get("TRUST_COACH_TEST_REDIS_DB", "12"))
ACTIONS_PORT = int(os.environ.get("TRUST_COACH_TEST_ACTIONS_PORT", "5155"))
DEMO_PORT = int(os.environ.get("TRUST_COACH_TEST_DEMO_PORT", "8105"))
RASA_URL = f"http://127.0.0.1:{RASA_PORT}"
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}/"
BIN = Path(sys.executable).parent
# PostgreSQL as `make cluster` and the store tests use it: trust authentication, on this machine.
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# The cluster's flood limit, messages a minute from one sender: above any conversation of the tests,
# lower than the default 30 so that the flood test sends fewer.
CLUSTER_FLOOD_LIMIT = 12


def free_port() -> int:
    """A port nothing listens on now, for servers of a test's own beside anyone else's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: int = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(1)
    raise TimeoutError(url)


class Servers:
    """The action server, the Rasa server and the demo page, as `make run` (scripts/run.sh) starts them:
    on 127.0.0.1 only, with a fresh action token that Rasa sends from endpoints.yml."""

    def __init__(self, folder: Path, rasa_port: int = RASA_PORT, actions_port: int = ACTIONS_PORT,
                 demo_port: int = DEMO_PORT) -> None:
        self.folder = folder
        self.rasa_port, self.actions_port, self.demo_port = rasa_port, actions_port, demo_port
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.actions_url = f"http://127.0.0.1:{actions_port}"
        self.demo_url = f"http://127.0.0.1:{demo_port}/"
        self.coach_url = f"sqlite:///{folder / 'coach.db'}"
        self.tracker_db = folder / "tracker.db"  # Rasa's tracker store
        self.endpoints = folder / "endpoints.yml"
        endpoints = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text())
        endpoints["action_endpoint"]["url"] = f"{self.actions_url}/webhook"
        endpoints["tracker_store"]["db"] = str(self.tracker_db)
        self.endpoints.write_text(yaml.safe_dump(endpoints))
        self.token = secrets.token_urlsafe(32)
        self.env = {
            **os.environ, "TRUST_COACH_DB_URL": self.coach_url, "TF_CPP_MIN_LOG_LEVEL": "2",
            "OPENBLAS_NUM_THREADS": "1", "TRUST_COACH_ORIGINS": self.demo_url.rstrip("/"),
            "TRUST_COACH_HOST": "127.0.0.1", "TRUST_COACH_ACTION_TOKEN": self.token,
        }
        # The suite talks from one address far faster, and opens far more conversations, than a
        # person does; tests/security sets these limits back before it starts its own servers.
        self.env.update({"TRUST_COACH_ADDRESS_LIMIT": "0/60", "TRUST_COACH_SESSION_LIMIT": "0/60"})
        self.log = folder / "servers.log"  # what the servers printed
        self._log_file = open(self.log, "a")
        self.actions = self.demo = self.rasa = None
        self.store = open_store(self.coach_url)  # the coach's database the action server writes to

    def start(self) -> None:
        self.start_actions()
        self.demo = self._start(
            ["python", "scripts/serve_demo.py", "--host", "127.0.0.1", "--port", str(self.demo_port),
             "--rasa-url", self.rasa_url]
        )
        self.start_rasa()
        wait_for(f"{self.actions_url}/health", self.actions)
        wait_for(self.demo_url, self.demo)

    def start_actions(self) -> None:
        self.actions = self._start(["python", "-m", "actions.server", "--port", str(self.actions_port)])

    def stop_actions(self) -> None:
        self.actions.terminate()
        self.actions.wait(timeout=30)

    def restart_actions(self) -> None:
        self.start_actions()
        wait_for(f"{self.actions_url}/health", self.actions)

    def _start(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [BIN / command[0], *command[1:]], cwd=PROJECT_DIR, env=self.env,
            stdout=self._log_file, stderr=subprocess.STDOUT,
        )

    def start_rasa(self) -> None:
        self.rasa = self._start(
            ["rasa", "run", "--model", "models/trust-coach.tar.gz", "--endpoints", str(self.endpoints),
             "--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(self.rasa_port),
             "--cors", self.demo_url.rstrip("/")]
        )
        wait_for(f"{self.rasa_url}/", self.rasa)

    def stop_rasa(self) -> None:
        self.rasa.terminate()
        self.rasa.wait(timeout=30)

    def stop(self) -> None:
        for process in (self.rasa, self.actions, self.demo):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        self.store.engine.dispose()
        self._log_file.close()
        print(self.log.read_text()[-3000:])

    def user_texts(self, sender: str) -> list[str]:
        """What this sender said, as Rasa's tracker store holds it (every copy)."""
        with sqlite3.connect(self.tracker_db) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
            )
            return [json.loads(data)["text"] for (data,) in rows]

    def events(self, sender: str) -> list[str]:
        """The types of the events Rasa keeps for this sender, oldest first."""
        with sqlite3.connect(self.tracker_db) as connection:
            query = "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id"
            return [row[0] for row in connection.execute(query, (sender,))]

    def event_count(self, sender: str) -> int:
        with sqlite3.connect(self.tracker_db) as connection:
            query = "SELECT count(*) FROM events WHERE sender_id = ?"
            return connection.execute(query, (sender,)).fetchone()[0]

    def move_back(self, sender: str, days: int) -> None:
        """Makes this user's conversation, choices and plans look days old, as if they had been away."""
        with Session(self.store.engine) as session, session.begin():
            session.execute(
                update(ChosenStep).where(ChosenStep.sender_id == sender)
                .values(chosen_at=utcnow() - timedelta(days=days))
            )
            session.execute(
                update(ExercisePlan).where(ExercisePlan.sender_id == sender)
                .values(created_at=utcnow() - timedelta(days=days))
            )
        with sqlite3.connect(self.tracker_db) as connection:
            # Rasa reads each event's time from its JSON, so both places move.
            connection.execute(
                "UPDATE events SET timestamp = timestamp - :s, data = json_set(data, '$.timestamp',"
                " json_extract(data, '$.timestamp') - :s) WHERE sender_id = :sender",
                {"s": days * 86400, "sender": sender},
            )


class User:
    """Someone chatting through the REST channel, as the terminal chat does; or, with the REST token
    (production), an operator's service doing so for them."""

    def __init__(self, server: str | None = None, token: str | None = None) -> None:
        self.sender = f"test-{uuid.uuid4().hex[:10]}"
        self.server = server or RASA_URL
        self.token = token

    def says(self, message: str, via: str | None = None) -> list[dict]:
        """The replies to one message, sent to this user's server or to another one (`via`)."""
        body = json.dumps({"sender": self.sender, "message": message}).encode()
        return post(body, via or self.server, self.token)


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def payloads_of(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


def post(body: bytes, server: str = RASA_URL, token: str | None = None) -> list[dict]:
    """Sends a raw request body to the REST channel; raises HTTPError for a 4xx or 5xx."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(f"{server}/webhooks/rest/webhook", body, headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


class SocketChat:
    """A socket.io client speaking Rasa's protocol with session persistence, as the widget does.

    Polling only: python-engineio's websocket client needs a newer aiohttp than Rasa 3.6 allows.
    """

    def __init__(self, url: str = RASA_URL, origin: str | None = None) -> None:
        self.url = url
        self.origin = origin or DEMO_URL.rstrip("/")
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        for event in ("session_confirm", "bot_uttered", "conversation_history"):
            self.client.on(event, self._collector(event))

    def _collector(self, event: str):
        async def collect(data: Any) -> None:
            await self.received.put((event, data))

        return collect

    async def connect(self, session_id: str | None, token: str | None = None) -> str:
        """Opens a conversation: a new one, or the one this id and its token name; returns its id."""
        await self.client.connect(self.url, headers={"Origin": self.origin}, transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id, "token": token})
        confirmed = await self.next("session_confirm")
        self.token = confirmed["token"]  # what the widget keeps beside the id
        return confirmed["session_id"]

    async def next(self, event: str, seconds: float = 20) -> Any:
        """The next message of this kind; others that arrive first are dropped."""
        deadline = time.monotonic() + seconds
        while True:
            name, data = await asyncio.wait_for(self.received.get(), deadline - time.monotonic())
            if name == event:
                return data

    async def bot_messages(self, quiet: float = 1.5) -> list[dict]:
        """Every bot message until none has come for `quiet` seconds."""
        messages = []
        while True:
            try:
                name, data = await asyncio.wait_for(self.received.get(), quiet)
            except asyncio.TimeoutError:
                return messages
            if name == "bot_uttered":
                messages.append(data)

    async def say(self, session_id: str, text: str, message_id: str | None = None) -> Any:
        """Sends a message and waits until the server has handled it (the acknowledgement)."""
        data = {"message": text, "session_id": session_id}
        if message_id:
            data["message_id"] = message_id
        return await self.client.call("user_uttered", data, timeout=60)

    async def forget(self, session_id: str) -> Any:
        return await self.client.call("forget_conversation", {"session_id": session_id}, timeout=60)

    async def close(self) -> None:
        await self.client.eio.disconnect(abort=True)


@dataclass
class Cluster:
    """`make cluster` running: nginx, the Rasa replicas and the action servers, and their databases."""

    public: str  # nginx, the address people use
    replicas: list[str]  # each Rasa replica directly
    action_servers: list[str]  # each action server directly
    run_dir: Path
    tracker_db: str  # PostgreSQL URLs
    coach_db: str
    rest_token: str  # what the operator's services send to the REST channel

    def user(self) -> User:
        """Someone talking to the cluster through nginx's REST channel."""
        return User(self.public, self.rest_token)

    def pid(self, name: str) -> int | None:
        try:
            return int((self.run_dir / f"{name}.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def query(self, database: str, statement: str, **values: Any) -> list[tuple]:
        engine = create_engine(database, future=True)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(statement), values)]
        finally:
            engine.dispose()

    def stored_turns(self, sender: str) -> list[tuple[str, list[str]]]:
        """The conversation as the tracker store holds it: each user message with the bot's replies."""
        rows = self.query(self.tracker_db, "SELECT type_name, data FROM events WHERE sender_id = :sender"
                          " ORDER BY id", sender=sender)
        turns: list[tuple[str, list[str]]] = []
        # What the session start says comes before the first message, and is sent in answer to it.
        opening: list[str] = []
        for type_name, data in rows:
            event = json.loads(data)
            if type_name == "user":
                turns.append((event["text"], opening if not turns else []))
            elif type_name == "bot":
                (turns[-1][1] if turns else opening).append(event.get("text") or "")
        return turns

    def coach_rows(self, sender: str) -> int:
        """How many rows the coach's database (PostgreSQL) holds for this sender."""
        return records_of(self.coach_db, sender)


def records_of(database_url: str, sender: str) -> int:
    """How many rows a coach's database holds for this sender, in every table with a sender_id."""
    engine = create_engine(database_url, future=True)
    try:
        inspector = inspect(engine)
        tables = [table for table in inspector.get_table_names()
                  if any(column["name"] == "sender_id" for column in inspector.get_columns(table))]
        assert tables, "the coach's database has no tables of people's records"
        with engine.connect() as connection:
            return sum(connection.scalar(text(f"SELECT count(*) FROM {table} WHERE sender_id = :sender"),
                                         {"sender": sender}) for table in tables)
    finally:
        engine.dispose()


def run_sql(statement: str) -> None:
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


@contextlib.contextmanager
def running_cluster(run_dir: Path) -> Iterator[Cluster]:
    """`make cluster` (scripts/cluster.sh) on free ports: two Rasa replicas, two action servers and nginx,
    with throwaway PostgreSQL databases and a Redis key prefix of their own. Only the script's settings
    are given, as a person would, so the servers get what the README's production section gives them:
    the coach's database to the action servers only, and the script's own fresh token."""
    suffix = uuid.uuid4().hex[:8]
    tracker_name, coach_name = f"tracker_test_{suffix}", f"coach_test_{suffix}"
    public_port, *ports = (free_port() for _ in range(5))
    rest_token = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "TRUST_COACH_CLUSTER_DIR": str(run_dir),
        "TRUST_COACH_CLUSTER_PORT": str(public_port),
        "TRUST_COACH_RASA_PORTS": " ".join(map(str, ports[:2])),
        "TRUST_COACH_ACTION_PORTS": " ".join(map(str, ports[2:])),
        "TRUST_COACH_TRACKER_DB_NAME": tracker_name,
        "TRUST_COACH_DB_URL": f"{POSTGRES}/{coach_name}",
        "TRUST_COACH_REDIS_DB": str(REDIS_DB),
        "TRUST_COACH_REDIS_KEY_PREFIX": f"trustcoachtest{suffix}",
        "TRUST_COACH_RATE_LIMIT": f"{CLUSTER_FLOOD_LIMIT}/60",
        "TRUST_COACH_ORIGINS": DEMO_URL.rstrip("/"),  # the page SocketChat comes from
        "TRUST_COACH_REST_TOKEN": rest_token,  # the replicas refuse REST calls without one
    }
    for variable in ("TRUST_COACH_ACTION_TOKEN", "TRUST_COACH_HOST"):
        env.pop(variable, None)  # the script makes a token, and keeps to loopback, as for a person
    log = open(run_dir / "cluster.log", "w")
    # A session of its own, so that stopping it is Ctrl-C for the whole group, as for a person.
    process = subprocess.Popen(
        ["bash", "scripts/cluster.sh"], cwd=PROJECT_DIR, env=env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    public = f"http://127.0.0.1:{public_port}"
    replicas = [f"http://127.0.0.1:{port}" for port in ports[:2]]
    try:
        for url in [*replicas, public]:
            wait_for(f"{url}/", process, seconds=600)
        yield Cluster(public, replicas, [f"http://127.0.0.1:{port}" for port in ports[2:]], run_dir,
                      f"{POSTGRES}/{tracker_name}", f"{POSTGRES}/{coach_name}", rest_token)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        print((run_dir / "cluster.log").read_text()[-2000:])
        for name in sorted(run_dir.glob("*.log")):
            print(f"--- {name.name}\n{name.read_text()[-1500:]}")
        for name in (tracker_name, coach_name):
            run_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
