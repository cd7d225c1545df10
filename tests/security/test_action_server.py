"""The action server attacked as `make run` and `make cluster` start it: forged calls, unknown paths,
other machines.

Knowing another person's conversation id must not be enough to read their practice history, write
to their records or delete them by calling the action server directly; and nothing but this machine
may reach the servers unless TRUST_COACH_HOST says so.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
from servers import BIN, Servers, free_port, records_of, wait_for

from coach.content import practice, privacy
from coach.store import PROJECT_DIR

# A practice answer the victim allowed the coach to keep: what a forged call would be after.
VICTIM_REPLY = "i was texting my sister about her birthday, marker-reply-3b7e"

# Calls an attacker would make for someone else's conversation: (path, action, slots, intent, entities).
FORGED = {
    "read their practice history": ("/webhook", "action_show_progress", {}, "show_progress", []),
    "write a chosen step": ("/webhook", "action_choose_step", {}, "choose_step", [("step", "not_about_you")]),
    "delete their records": ("/webhook", "action_answer_offer", {"offer": "delete"}, "affirm", []),
    "delete through /forget": ("/forget", None, {}, None, []),
}
# Headers that are not the Rasa server's, given the real token.
NOT_THE_TOKEN = {
    "no token": lambda token: {},
    "a guessed token": lambda token: {"Authorization": "Bearer guessed-token"},
    "a longer token": lambda token: {"Authorization": f"Bearer {token}x"},
    "the token without its scheme": lambda token: {"Authorization": token},
    "another scheme": lambda token: {"Authorization": f"Basic {token}"},
}


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    """The action server alone, started as `make run` starts it (it needs no trained model)."""
    servers = Servers(tmp_path_factory.mktemp("actions"), free_port(), free_port(), free_port())
    servers.start_actions()
    try:
        wait_for(f"{servers.actions_url}/health", servers.actions, seconds=120)
        yield servers
    finally:
        servers.stop()


@pytest.fixture()
def victim(action_server) -> str:
    """Someone with a chosen step and a practice round whose text they allowed the coach to keep."""
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    action_server.store.save_choice(sender, "tell_truth", "withholding")
    action_server.store.save_attempt(sender, "texting", "calm", reply_text=VICTIM_REPLY)
    return sender


def request(url: str, method: str = "GET", body: dict | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, body as text) of one HTTP request, errors included."""
    data = None if body is None else json.dumps(body).encode()
    call = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})},
                                  method=method)
    try:
        with urllib.request.urlopen(call, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def forged(servers: Servers, case: str, sender: str, headers: dict[str, str],
           text: str = "") -> tuple[int, str]:
    """One of FORGED for this sender, with these headers, as Rasa would send it."""
    path, action, slots, intent, entities = FORGED[case]
    if action is None:
        return request(f"{servers.actions_url}{path}", "POST", {"sender_id": sender}, headers)
    tracker = {
        "sender_id": sender, "slots": slots, "events": [], "paused": False, "followup_action": None,
        "active_loop": {}, "latest_action_name": "action_listen",
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99},
                           "entities": [{"entity": name, "value": value} for name, value in entities]},
    }
    call = {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {}, "version": "3.6.21"}
    return request(f"{servers.actions_url}{path}", "POST", call, headers)


def log_once_written(servers: Servers, pattern: str, seconds: float = 10) -> str:
    """The servers' log, once a line matching this pattern is in it (logs are written as they come)."""
    deadline = time.monotonic() + seconds
    while not re.search(pattern, log := servers.log.read_text()):
        assert time.monotonic() < deadline, f"nothing like {pattern!r} in the log"
        time.sleep(0.2)
    return log


@pytest.mark.parametrize("credentials", NOT_THE_TOKEN)
@pytest.mark.parametrize("case", FORGED)
def test_a_forged_call_for_someone_else_is_refused_and_changes_nothing(action_server, victim, case,
                                                                       credentials):
    status, body = forged(action_server, case, victim, NOT_THE_TOKEN[credentials](action_server.token))

    assert status == 401
    assert VICTIM_REPLY not in body and practice()["scenarios"]["texting"]["title"] not in body
    assert records_of(action_server.coach_url, victim) == 2  # nothing written, nothing deleted


def test_the_same_calls_with_the_rasa_servers_token_do_what_the_attacker_wanted(action_server, victim):
    # What the refusals above kept from an attacker: these calls are well formed, and only the token differs.
    token = {"Authorization": f"Bearer {action_server.token}"}
    status, body = forged(action_server, "read their practice history", victim, token)
    assert status == 200 and practice()["scenarios"]["texting"]["title"] in body
    assert forged(action_server, "write a chosen step", victim, token)[0] == 200
    assert records_of(action_server.coach_url, victim) == 3
    status, body = forged(action_server, "delete their records", victim, token)
    assert status == 200 and privacy()["done"] in body
    assert records_of(action_server.coach_url, victim) == 0


def test_forget_deletes_that_persons_records_only(action_server, victim):
    someone_else = f"other-{uuid.uuid4().hex[:10]}"
    action_server.store.save_choice(someone_else, "tell_truth")
    status, body = forged(action_server, "delete through /forget", victim,
                          {"Authorization": f"Bearer {action_server.token}"})
    assert status == 200 and json.loads(body) == {"forgotten": 2}
    assert records_of(action_server.coach_url, victim) == 0
    assert records_of(action_server.coach_url, someone_else) == 1


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/nothing-here", 404),
    ("POST", "/webhook/admin", 404),
    ("GET", "/.env", 404),
    ("GET", "/webhook", 405),
    ("GET", "/actions", 401),  # rasa_sdk's list of actions is for the Rasa server only too
])
def test_other_paths_get_a_plain_refusal_without_a_traceback(action_server, method, path, status):
    answer = request(f"{action_server.actions_url}{path}", method)
    assert answer[0] == status and "Traceback" not in answer[1]
    refusal = rf"Refused {method} {re.escape(path)} from 127\.0\.0\.1 \({status}\)"
    log = log_once_written(action_server, refusal)
    assert "Traceback" not in log
    # The server carries on.
    assert request(f"{action_server.actions_url}/health")[0] == 200


def test_each_refusal_is_logged_with_method_path_and_address_but_nothing_of_the_person(action_server, victim):
    text = f"what my partner must never see, marker-{uuid.uuid4().hex[:8]}"
    for case in FORGED:
        assert forged(action_server, case, victim, {}, text=text)[0] == 401

    log = log_once_written(action_server, r"Refused POST /forget from 127\.0\.0\.1 \(401\)")
    assert re.search(r"Refused POST /webhook from 127\.0\.0\.1 \(401\)", log)
    assert victim not in log and text not in log and VICTIM_REPLY not in log


@pytest.mark.parametrize("token", [None, ""], ids=["unset", "empty"])
def test_without_a_token_the_action_server_refuses_to_start(tmp_path, token):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "TRUST_COACH_ACTION_TOKEN"}
    env["TRUST_COACH_DB_URL"] = f"sqlite:///{tmp_path / 'coach.db'}"
    if token is not None:
        env["TRUST_COACH_ACTION_TOKEN"] = token
    # A server that started anyway would still be running when the timeout strikes.
    result = subprocess.run([BIN / "python", "-m", "actions.server", "--port", str(port)], cwd=PROJECT_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "TRUST_COACH_ACTION_TOKEN is not set" in result.stderr
    assert not reachable("127.0.0.1", port)


def non_loopback_addresses() -> list[str]:
    """This machine's own addresses other than loopback (`hostname -I`)."""
    try:
        output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [address for address in output.split() if not ipaddress.ip_address(address).is_loopback]


def reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=3).close()
        return True
    except OSError:
        return False


def assert_loopback_only(ports: dict[str, int]) -> None:
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no address but loopback (hostname -I), so nothing to try from")
    for name, port in ports.items():
        assert reachable("127.0.0.1", port), f"{name} is not up, so this test would prove nothing"
        for address in addresses:
            assert not reachable(address, port), f"{name} (:{port}) answers on {address}"


@pytest.mark.model
def test_make_runs_servers_answer_on_this_machine_only(servers):
    assert_loopback_only({"Rasa": servers.rasa_port, "the action server": servers.actions_port,
                          "the demo page": servers.demo_port})


@pytest.mark.model
def test_make_clusters_servers_answer_on_this_machine_only(cluster):
    ports = {"nginx": cluster.public, **{f"replica {url}": url for url in cluster.replicas},
             **{f"action server {url}": url for url in cluster.action_servers}}
    assert_loopback_only({name: int(url.rsplit(":", 1)[1]) for name, url in ports.items()})
