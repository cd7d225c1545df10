"""Running real servers in tests, and talking to them over the REST channel as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

# Other checkouts on this machine may run these tests at once: each can choose its own ports.
RASA_PORT = int(os.environ.get("TRUST_COACH_TEST_RASA_PORT", "5105"))
ACTIONS_PORT = int(os.environ.get("TRUST_COACH_TEST_ACTIONS_PORT", "5155"))
BIN = Path(sys.executable).parent


def wait_for(url: str, process: subprocess.Popen, seconds: int = 240) -> None:
    """Waits until the url answers; fails early if the server that should answer it has stopped."""
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


class User:
    """Someone chatting through the REST channel, as the terminal chat and any website do."""

    def __init__(self, server: str | None = None) -> None:
        self.sender = f"test-{uuid.uuid4().hex[:10]}"
        self.server = server or f"http://127.0.0.1:{RASA_PORT}"

    def says(self, message: str, via: str | None = None) -> list[dict]:
        """The replies to one message, sent to this user's server or to another one (`via`)."""
        body = json.dumps({"sender": self.sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{via or self.server}/webhooks/rest/webhook", body, {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def payloads_of(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]
