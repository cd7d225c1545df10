"""The production topology (`make cluster`): conversations whose turns move between Rasa replicas.

The cluster runs as `make cluster` starts it (scripts/cluster.sh), on test ports, with throwaway
PostgreSQL databases and a Redis key prefix of its own, so a running cluster is not disturbed
(`running_cluster` in tests/servers.py). What a user would notice is checked over HTTP; that no
turn was lost or handled twice is checked in the tracker store, which is what every replica reads
the conversation from.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from servers import CLUSTER_FLOOD_LIMIT, Cluster, SocketChat, User, payloads_of, text_of

from coach.content import input_wording, pattern, step, step_names

pytestmark = pytest.mark.model

# A scripted conversation: greeting, then getting angry, two more steps, then practice.
ANGRY = "when she accuses me of cheating i lose my temper and yell at her"
CONVERSATION = ["hi", ANGRY, "another step", "what else can i try", "i want to practise"]


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
    users = [cluster.user() for _ in routes]
    with ThreadPoolExecutor(len(users)) as pool:
        conversations = list(pool.map(converse, users, routes))
    for user, replies in zip(users, conversations, strict=True):
        assert_coherent(replies)
        assert_each_turn_stored_once(cluster, user, CONVERSATION, replies)


def test_two_messages_at_once_on_two_replicas_are_answered_one_after_the_other(cluster):
    first, second = cluster.replicas
    user = cluster.user()
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
    user = cluster.user()
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
    addresses = [f"{server}/webhook" for server in cluster.action_servers]
    for url in [*addresses, f"{cluster.public}/action-server/webhook"]:
        request = urllib.request.Request(url, call, {"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401


def test_a_sender_flooding_both_replicas_is_held_to_one_limit(cluster):
    first, second = cluster.replicas
    user = cluster.user()
    replies = [text_of(user.says("thanks", via=(first, second)[n % 2]))
               for n in range(CLUSTER_FLOOD_LIMIT + 2)]
    slow_down = input_wording()["flood"]
    assert not any(slow_down in reply for reply in replies[:CLUSTER_FLOOD_LIMIT])
    assert all(slow_down in reply for reply in replies[CLUSTER_FLOOD_LIMIT:])
    assert slow_down not in text_of(cluster.user().says("thanks", via=second))  # others are not held back


def test_a_widget_conversation_survives_a_reconnect_to_another_replica_with_its_token(cluster):
    # Each replica checks the token with the same server secret: the browser's id and token open its
    # conversation on whichever replica the socket lands on, and nothing opens it without the token.
    async def test() -> None:
        first = SocketChat(cluster.replicas[0])
        session = await first.connect(None)
        await first.say(session, "i keep telling her nothing is going on")
        said = [message.get("text") for message in await first.bot_messages()]  # greeting and answer
        await first.close()

        other = SocketChat(cluster.replicas[1])
        assert await other.connect(session, first.token) == session
        history = await other.next("conversation_history")
        assert [item["text"] for item in history if item["sender"] == "user"] == [
            "i keep telling her nothing is going on"]
        assert [item.get("text") for item in history if item["sender"] == "bot"] == said
        await other.say(session, "and she still checks my phone")
        assert await other.bot_messages()
        await other.close()

        stranger = SocketChat(cluster.replicas[1])
        assert await stranger.connect(session, None) != session
        assert await stranger.next("conversation_history") == []
        await stranger.close()

    asyncio.run(test())
