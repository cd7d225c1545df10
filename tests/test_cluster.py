"""The production topology (`make cluster`): conversations whose turns move between Rasa replicas.

The cluster runs as `make cluster` starts it (scripts/cluster.sh), on test ports, with throwaway
PostgreSQL databases and a Redis key prefix of its own, so a running cluster is not disturbed. What a
user would notice is checked over HTTP; that no turn was lost or handled twice is checked in the
tracker store, which is what every replica reads the conversation from.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers import REDIS_DB, User, payloads_of, text_of, wait_for
from sqlalchemy import create_engine, text

from actions.content import input_wording, pattern, step, step_names
from actions.store import PROJECT_DIR

pytestmark = pytest.mark.model

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
PUBLIC_PORT = int(os.environ.get("TRUST_COACH_TEST_CLUSTER_PORT", "8305"))
REPLICA_PORTS = os.environ.get("TRUST_COACH_TEST_REPLICA_PORTS", "5305 5306").split()
ACTION_PORTS = os.environ.get("TRUST_COACH_TEST_CLUSTER_ACTION_PORTS", "5355 5356").split()

FLOOD_LIMIT = 12  # messages a minute from one sender, above any conversation here

# A scripted conversation: greeting, then getting angry, two more steps, then practice.
ANGRY = "when she accuses me of cheating i lose my temper and yell at her"
CONVERSATION = ["hi", ANGRY, "another step", "what else can i try", "i want to practise"]


@dataclass
class Cluster:
    public: str  # nginx, the address people use
    replicas: list[str]  # each Rasa replica directly
    run_dir: Path
    tracker_db: str

    def pid(self, name: str) -> int | None:
        try:
            return int((self.run_dir / f"{name}.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def stored_turns(self, sender: str) -> list[tuple[str, list[str]]]:
        """The conversation as the tracker store holds it: each user message with the bot's replies."""
        engine = create_engine(self.tracker_db, future=True)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT type_name, data FROM events WHERE sender_id = :sender ORDER BY id"),
                    {"sender": sender},
                ).all()
        finally:
            engine.dispose()
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


def run_sql(statement: str) -> None:
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`make cluster` on test ports: two Rasa replicas, two action servers, nginx in front."""
    run_dir = tmp_path_factory.mktemp("cluster")
    suffix = uuid.uuid4().hex[:8]
    tracker_name, coach_name = f"tracker_test_{suffix}", f"coach_test_{suffix}"
    env = {
        **os.environ,
        "TRUST_COACH_CLUSTER_DIR": str(run_dir),
        "TRUST_COACH_CLUSTER_PORT": str(PUBLIC_PORT),
        "TRUST_COACH_RASA_PORTS": " ".join(REPLICA_PORTS),
        "TRUST_COACH_ACTION_PORTS": " ".join(ACTION_PORTS),
        "TRUST_COACH_TRACKER_DB_NAME": tracker_name,
        "TRUST_COACH_DB_URL": f"{POSTGRES}/{coach_name}",
        "TRUST_COACH_REDIS_DB": str(REDIS_DB),
        "TRUST_COACH_REDIS_KEY_PREFIX": f"trustcoachtest{suffix}",
        # Lower than the default 30 a minute, so that the flood test sends fewer messages.
        "TRUST_COACH_RATE_LIMIT": f"{FLOOD_LIMIT}/60",
    }
    env.pop("TRUST_COACH_ACTION_TOKEN", None)  # the script makes one, as it does for a person
    log = open(run_dir / "cluster.log", "w")
    # A session of its own, so that stopping it is Ctrl-C for the whole group, as for a person.
    process = subprocess.Popen(
        ["bash", "scripts/cluster.sh"], cwd=PROJECT_DIR, env=env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    public = f"http://127.0.0.1:{PUBLIC_PORT}"
    replicas = [f"http://127.0.0.1:{port}" for port in REPLICA_PORTS]
    try:
        for url in [*replicas, public]:
            wait_for(f"{url}/", process, seconds=600)
        yield Cluster(public, replicas, run_dir, f"{POSTGRES}/{tracker_name}")
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


def steps_in(said: str) -> set[str]:
    """The article's steps whose titles appear in what the coach said."""
    return {name for name in step_names() if step(name)["title"] in said}


def assert_coherent(replies: list[list[dict]]) -> None:
    """The replies are the right ones for CONVERSATION, in order, each step new to the user."""
    greeting, angry, another, yet_another, practice = replies
    assert "automated coach" in text_of(greeting)
    assert pattern("angry")["insight"][0].split("{partner}")[0] in text_of(angry)
    offered = steps_in(text_of(angry))
    assert offered, "the anger insight comes with a step to try"
    for reply in (another, yet_another):
        new = steps_in(text_of(reply))
        assert new and not new & offered, "each further step is one the user has not been given"
        offered |= new
    assert any(payload.startswith("/choose_scenario") for payload in payloads_of(practice))


def assert_each_turn_stored_once(cluster: Cluster, user: User, messages: list[str],
                                 replies: list[list[dict]]) -> None:
    """Every message is in the tracker store once, in order, followed by exactly the replies the user got."""
    stored = cluster.stored_turns(user.sender)
    assert [message for message, _ in stored] == messages
    for (_, bot_texts), answer in zip(stored, replies, strict=True):
        assert bot_texts == [reply.get("text") or "" for reply in answer]


def converse(user: User, route: list[str]) -> list[list[dict]]:
    """CONVERSATION, each turn sent to the next server of the route."""
    return [user.says(message, via=route[turn % len(route)]) for turn, message in enumerate(CONVERSATION)]


def test_concurrent_conversations_moving_between_replicas_lose_no_turn(cluster):
    first, second = cluster.replicas
    # Most users alternate between the replicas turn by turn; some go through nginx half the time.
    routes = [[first, second], [second, first]] * 3 + [[cluster.public, first], [second, cluster.public]]
    users = [User() for _ in routes]
    with ThreadPoolExecutor(len(users)) as pool:
        conversations = list(pool.map(converse, users, routes))
    for user, replies in zip(users, conversations, strict=True):
        assert_coherent(replies)
        assert_each_turn_stored_once(cluster, user, CONVERSATION, replies)


def test_two_messages_at_once_on_two_replicas_are_answered_one_after_the_other(cluster):
    first, second = cluster.replicas
    user = User()
    user.says("hi", via=first)
    offered = steps_in(text_of(user.says(ANGRY, via=second)))
    together = ["another step", "what else can i try"]
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(user.says, together, [first, second]))
    # The lock store made one wait for the other: each offers a step, and never the same one twice.
    new = [steps_in(text_of(reply)) for reply in replies]
    assert all(new) and not (new[0] & new[1]) and not (new[0] | new[1]) & offered
    stored = cluster.stored_turns(user.sender)
    assert sorted(message for message, _ in stored[2:]) == sorted(together)
    for message, bot_texts in stored[2:]:
        answer = replies[together.index(message)]
        assert bot_texts == [reply.get("text") or "" for reply in answer]


def test_a_replica_killed_mid_conversation_the_conversation_carries_on(cluster):
    first, second = cluster.replicas
    user = User()
    replies = [user.says("hi", via=second), user.says(ANGRY, via=first)]

    killed = cluster.pid("rasa-2")
    os.kill(killed, signal.SIGKILL)
    # Through the public address nothing shows: nginx passes the turn to the replica still up.
    replies.append(user.says("another step", via=cluster.public))

    # The replica comes back (scripts/cluster.sh restarts it) and picks up from the tracker store.
    deadline = time.monotonic() + 600
    while cluster.pid("rasa-2") in (None, killed) or not answers(second):
        assert time.monotonic() < deadline, "the killed replica did not come back"
        time.sleep(2)
    replies.append(user.says("what else can i try", via=second))
    replies.append(user.says("i want to practise", via=second))

    assert_coherent(replies)
    assert_each_turn_stored_once(cluster, user, CONVERSATION, replies)


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/", timeout=2)
        return True
    except OSError:
        return False


def test_the_action_servers_refuse_anyone_without_the_token(cluster):
    call = json.dumps({"next_action": "action_next_step", "tracker": {"sender_id": "x"}}).encode()
    addresses = [f"http://127.0.0.1:{port}/webhook" for port in ACTION_PORTS]
    for url in [*addresses, f"{cluster.public}/action-server/webhook"]:
        request = urllib.request.Request(url, call, {"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401


def test_a_sender_flooding_both_replicas_is_held_to_one_limit(cluster):
    first, second = cluster.replicas
    user = User()
    replies = [text_of(user.says("thanks", via=(first, second)[n % 2])) for n in range(FLOOD_LIMIT + 2)]
    slow_down = input_wording()["flood"]
    assert not any(slow_down in reply for reply in replies[:FLOOD_LIMIT])
    assert all(slow_down in reply for reply in replies[FLOOD_LIMIT:])
    assert slow_down not in text_of(User().says("thanks", via=second))  # others are not held back
