"""The action server answers only the Rasa server, which holds the shared token (actions/server.py)."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest
from servers import BIN, free_port, wait_for

from actions.server import authorised, listening_host
from coach.content import step, step_names
from coach.store import PROJECT_DIR

TOKEN = "a-test-token-nobody-else-holds"
# Not the end-to-end tests' ports: their own action server may be holding them.
PORT = free_port()


def post_to_webhook(body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    """Posts a raw body to the action server's webhook: (status, answer)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/webhook", body, {"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def call_action(name: str, headers: dict[str, str]) -> tuple[int, dict]:
    """Asks the action server to run an action for a new conversation: (status, answer)."""
    call = {
        "next_action": name,
        "sender_id": "token-test",
        "tracker": {
            "sender_id": "token-test", "slots": {}, "latest_message": {"intent": {"name": "more_steps"}},
            "events": [], "paused": False, "followup_action": None, "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }
    return post_to_webhook(json.dumps(call).encode(), headers)


@pytest.fixture(scope="module")
def guarded_action_server(tmp_path_factory):
    """The action server as `make run` and production start it: with the shared token in its environment."""
    folder = tmp_path_factory.mktemp("action-server")
    env = {**os.environ, "TRUST_COACH_ACTION_TOKEN": TOKEN, "TRUST_COACH_HOST": "127.0.0.1",
           "TRUST_COACH_DB_URL": f"sqlite:///{folder / 'coach.db'}"}
    with open(folder / "actions.log", "w") as log:
        server = subprocess.Popen(
            [BIN / "python", "-m", "actions.server", "--port", str(PORT)],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{PORT}/health", server, seconds=120)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


# Calls without the token, and what they leave undone: tests/security/test_action_server.py.


def test_the_rasa_server_holding_the_token_gets_its_action_run(guarded_action_server):
    status, answer = call_action("action_next_step", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    said = "\n".join(reply.get("text") or "" for reply in answer["responses"])
    assert any(step(name)["title"] in said for name in step_names())


def test_health_answers_without_the_token_for_the_load_balancer(guarded_action_server):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize("body", [
    b"{not json", b"[1, 2]", b'"text"', b"{}", b'{"next_action": 5, "tracker": {"sender_id": "a"}}',
    b'{"next_action": "action_next_step", "tracker": []}',
    b'{"next_action": "action_next_step", "tracker": {"sender_id": "a"}, "domain": "x"}',
])
def test_a_malformed_call_gets_a_400_that_says_why_and_the_server_carries_on(guarded_action_server, body):
    status, answer = post_to_webhook(body, {"Authorization": f"Bearer {TOKEN}"})
    assert status == 400 and answer["error"]
    assert call_action("action_next_step", {"Authorization": f"Bearer {TOKEN}"})[0] == 200


def test_only_the_exact_bearer_token_is_authorised():
    assert authorised(f"Bearer {TOKEN}", TOKEN)
    assert authorised(f"bearer {TOKEN}", TOKEN)
    assert not authorised(None, TOKEN)
    assert not authorised("", TOKEN)
    assert not authorised(f"Bearer {TOKEN}x", TOKEN)
    assert not authorised(f"Basic {TOKEN}", TOKEN)


def test_the_server_listens_on_this_machine_only_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("TRUST_COACH_HOST", raising=False)
    assert listening_host() == "127.0.0.1"
    monkeypatch.setenv("TRUST_COACH_HOST", "0.0.0.0")
    assert listening_host() == "0.0.0.0"
