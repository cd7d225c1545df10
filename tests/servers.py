"""Real servers for the end-to-end tests: Rasa, the action server and the widget's demo page.

They run from the trained model with their own tracker and coach databases in a temporary folder,
on ports of their own, so a running `make run` is not disturbed. Other checkouts on this machine may
run these tests at once: each can choose its ports.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import socketio
import yaml
from sqlalchemy import update
from sqlalchemy.orm import Session

from actions.store import PROJECT_DIR, ChosenStep, ExercisePlan, open_store, utcnow

RASA_PORT = int(os.environ.get("TRUST_COACH_TEST_RASA_PORT", "5105"))
# A Redis database number of the tests' own (127.0.0.1:6379); key prefixes keep test runs apart in it.
REDIS_DB = int(os.environ.get("TRUST_COACH_TEST_REDIS_DB", "12"))
ACTIONS_PORT = int(os.environ.get("TRUST_COACH_TEST_ACTIONS_PORT", "5155"))
DEMO_PORT = int(os.environ.get("TRUST_COACH_TEST_DEMO_PORT", "8105"))
RASA_URL = f"http://127.0.0.1:{RASA_PORT}"
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}/"
BIN = Path(sys.executable).parent


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
    """The action server, the Rasa server and the demo page, as `make run` starts them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.coach_url = f"sqlite:///{folder / 'coach.db'}"
        self.tracker_db = folder / "tracker.db"  # Rasa's tracker store
        self.endpoints = folder / "endpoints.yml"
        endpoints = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text())
        endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{ACTIONS_PORT}/webhook"
        endpoints["tracker_store"]["db"] = str(self.tracker_db)
        self.endpoints.write_text(yaml.safe_dump(endpoints))
        origin = DEMO_URL.rstrip("/")
        self.env = {
            **os.environ, "TRUST_COACH_DB_URL": self.coach_url, "TF_CPP_MIN_LOG_LEVEL": "2",
            "OPENBLAS_NUM_THREADS": "1", "TRUST_COACH_ORIGINS": origin,
        }
        self.log = folder / "servers.log"  # what the servers printed
        self._log_file = open(self.log, "a")
        self.actions = self.demo = self.rasa = None
        self.store = open_store(self.coach_url)  # the coach's database the action server writes to

    def start(self) -> None:
        self.start_actions()
        self.demo = self._start(
            ["python", "scripts/serve_demo.py", "--port", str(DEMO_PORT), "--rasa-url", RASA_URL]
        )
        self.start_rasa()
        wait_for(f"http://127.0.0.1:{ACTIONS_PORT}/health", self.actions)
        wait_for(DEMO_URL, self.demo)

    def start_actions(self) -> None:
        self.actions = self._start(
            ["python", "-m", "actions.server", "--port", str(ACTIONS_PORT)]
        )

    def stop_actions(self) -> None:
        self.actions.terminate()
        self.actions.wait(timeout=30)

    def restart_actions(self) -> None:
        self.start_actions()
        wait_for(f"http://127.0.0.1:{ACTIONS_PORT}/health", self.actions)

    def _start(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [BIN / command[0], *command[1:]], cwd=PROJECT_DIR, env=self.env,
            stdout=self._log_file, stderr=subprocess.STDOUT,
        )

    def start_rasa(self) -> None:
        self.rasa = self._start(
            ["rasa", "run", "--model", "models/trust-coach.tar.gz", "--endpoints", str(self.endpoints),
             "--credentials", "credentials.yml", "--port", str(RASA_PORT), "--cors", DEMO_URL.rstrip("/")]
        )
        wait_for(f"{RASA_URL}/", self.rasa)

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
    """Someone chatting through the REST channel, as the terminal chat does."""

    def __init__(self, server: str | None = None) -> None:
        self.sender = f"test-{uuid.uuid4().hex[:10]}"
        self.server = server or RASA_URL

    def says(self, message: str, via: str | None = None) -> list[dict]:
        """The replies to one message, sent to this user's server or to another one (`via`)."""
        return post(json.dumps({"sender": self.sender, "message": message}).encode(), via or self.server)


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def payloads_of(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


def post(body: bytes, server: str = RASA_URL) -> list[dict]:
    """Sends a raw request body to the REST channel; raises HTTPError for a 4xx or 5xx."""
    request = urllib.request.Request(
        f"{server}/webhooks/rest/webhook", body, {"Content-Type": "application/json"},
    )
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

    async def connect(self, session_id: str | None) -> str:
        await self.client.connect(self.url, headers={"Origin": self.origin}, transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        return await self.next("session_confirm")

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
