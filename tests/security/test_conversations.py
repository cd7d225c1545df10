"""A conversation only its owner can reach, attacked over the channels as `make run` starts them.

Each probe is one an attacker would try with another person's conversation id, or with input made
to get past the checks; each must be refused with nothing leaked to the log and nothing lost for the
owner. The servers run with Rasa's debug logging on, so the log test reads everything a library
could write. Every test comes from an address of its own (X-Real-IP from a trusted proxy, as nginx
sets it under `make cluster`), so one test's flood never limits another.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import urllib.error
import urllib.request
import uuid

import pytest
from servers import Servers, SocketChat, free_port, text_of

from coach.content import input_wording, practice

pytestmark = pytest.mark.model

ADDRESS_LIMIT, SESSION_LIMIT = 12, 5
_addresses = (f"10.20.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("security"), free_port(), free_port(), free_port())
    running.env.update({
        "LOG_LEVEL": "DEBUG",  # Rasa's and rasa_sdk's most talkative level
        "TRUST_COACH_TRUSTED_PROXIES": "127.0.0.1",
        "TRUST_COACH_ADDRESS_LIMIT": f"{ADDRESS_LIMIT}/60",
        "TRUST_COACH_SESSION_LIMIT": f"{SESSION_LIMIT}/600",
    })
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture()
def address() -> str:
    return next(_addresses)


def rest(servers: Servers, sender: str, message: str, address: str) -> tuple[int, object]:
    """(status, replies or error) of one REST message."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    return send_raw(servers, body, address)


def send_raw(servers: Servers, body: bytes, address: str) -> tuple[int, object]:
    request = urllib.request.Request(f"{servers.rasa_url}/webhooks/rest/webhook", body,
                                     {"Content-Type": "application/json", "X-Real-IP": address})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(errors="replace")


def chat(servers: Servers, address: str) -> SocketChat:
    socket = SocketChat(servers.rasa_url, servers.demo_url.rstrip("/"))
    original = socket.client.connect

    async def connect_from_address(url, headers=None, **kwargs):
        return await original(url, headers={**(headers or {}), "X-Real-IP": address}, **kwargs)

    socket.client.connect = connect_from_address
    return socket


def test_another_persons_id_without_their_token_replays_hears_and_deletes_nothing(servers, address):
    async def test() -> None:
        owner = chat(servers, address)
        session = await owner.connect(None)
        await owner.next("bot_uttered")  # the greeting
        await owner.say(session, "i keep promising her nothing is going on, marker-owner-5d1")
        await owner.bot_messages()

        intruder = chat(servers, address)
        assert await intruder.connect(session, None) != session
        assert await intruder.next("conversation_history") == []  # not the owner's history
        await intruder.bot_messages()  # its own greeting
        assert await intruder.forget(session) == {"forgotten": True}  # it deleted its own conversation

        await owner.say(session, "and then she asks again")
        assert await owner.bot_messages()
        assert await intruder.bot_messages(quiet=1) == []  # none of the owner's live replies
        await intruder.close()
        await owner.close()
        return session

    session = asyncio.run(test())
    assert "i keep promising her nothing is going on, marker-owner-5d1" in servers.user_texts(session)


def test_a_rest_conversation_cannot_be_opened_over_the_socket(servers, address):
    sender = f"me-{uuid.uuid4().hex[:6]}"
    assert rest(servers, sender, "i yell at him when he checks my phone", address)[0] == 200

    async def test() -> str:
        socket = chat(servers, address)
        opened = await socket.connect(sender, None)
        history = await socket.next("conversation_history")
        await socket.close()
        return opened, history

    opened, history = asyncio.run(test())
    assert opened != sender and history == []


@pytest.mark.parametrize("sender", ["web:" + "0" * 32, "a\nforged log line", "x" * 65, "", "me me"])
def test_a_rest_sender_that_is_not_a_plain_id_gets_a_400(servers, address, sender):
    status, error = rest(servers, sender, "hello", address)
    assert status == 400 and "sender" in error


def test_a_slash_does_not_get_a_long_message_past_the_length_check(servers, address):
    sender = f"slash-{uuid.uuid4().hex[:6]}"
    status, replies = rest(servers, sender, "/" + "marker-long-9c2 " * 1300, address)
    assert status == 200 and "10,000 characters" in text_of(replies)
    assert servers.user_texts(sender) == []  # nothing was stored


def test_a_slash_that_names_no_intent_is_read_as_what_it_says(servers, address):
    sender = f"slash-{uuid.uuid4().hex[:6]}"
    status, replies = rest(servers, sender, "/i lose my temper and yell at him", address)
    assert status == 200
    assert "lose my temper" in servers.user_texts(sender)[-1]
    assert text_of(replies)


def test_a_huge_body_is_refused_before_it_is_read(servers, address):
    # Only the headers are sent: the refusal comes without the server waiting for 10 MB.
    connection = http.client.HTTPConnection("127.0.0.1", servers.rasa_port, timeout=30)
    connection.putrequest("POST", "/webhooks/rest/webhook")
    for name, value in (("Content-Type", "application/json"), ("Content-Length", "10000000"),
                        ("X-Real-IP", address)):
        connection.putheader(name, value)
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
    assert rest(servers, "after-huge", "hello", address)[0] == 200  # the server answers on


def test_socket_data_of_the_wrong_shape_gets_a_friendly_answer_and_an_ack(servers, address):
    async def test() -> None:
        socket = chat(servers, address)
        await socket.connect(None)
        await socket.bot_messages()
        for data in ({"message": 42}, ["not", "an", "object"], None):
            ack = await socket.client.call("user_uttered", data, timeout=30)
            assert ack["handled"] is False
            said = await socket.next("bot_uttered")
            assert said["text"] == input_wording()["not_text"]
        await socket.close()

    asyncio.run(test())


def test_new_conversations_from_one_address_are_limited(servers, address):
    async def open_one() -> str:
        socket = chat(servers, address)
        await socket.client.connect(socket.url, headers={"Origin": socket.origin}, transports=["polling"])
        await socket.client.emit("session_request", {"session_id": None})
        said = await socket.bot_messages(quiet=3)
        await socket.close()
        return text_of(said)

    async def test() -> list[str]:
        return [await open_one() for _ in range(SESSION_LIMIT + 2)]

    greetings = asyncio.run(test())
    assert all("automated coach" in said for said in greetings[:SESSION_LIMIT])
    assert all(input_wording()["too_many_conversations"] in said for said in greetings[SESSION_LIMIT:])


def test_rotating_sender_ids_and_channels_from_one_address_is_still_a_flood(servers, address):
    answers = [text_of(rest(servers, f"rotating-{n}", "hello there", address)[1])
               for n in range(ADDRESS_LIMIT)]
    assert not any("faster than I can read" in said for said in answers)
    assert "faster than I can read" in text_of(rest(servers, "rotating-new", "hello there", address)[1])

    async def over_the_socket() -> str:
        socket = chat(servers, address)  # the same address, the other channel
        session = await socket.connect(None)
        await socket.bot_messages()
        await socket.say(session, "hello there")
        said = text_of(await socket.bot_messages())
        await socket.close()
        return said

    assert "faster than I can read" in asyncio.run(over_the_socket())


def test_a_practice_answer_is_not_kept_after_its_feedback_unless_asked(servers, address):
    sender = f"practice-{uuid.uuid4().hex[:6]}"
    answer = "ugh fine whatever, go through my phone then, marker-practice-7f3"
    for message in ("/start_practice", '/choose_scenario{"scenario": "texting"}'):
        rest(servers, sender, message, address)
    feedback = text_of(rest(servers, sender, answer, address)[1])
    assert feedback  # the person got their feedback
    assert not any("marker-practice-7f3" in text for text in servers.user_texts(sender))
    assert practice()["menu"]["reply_removed"] in servers.user_texts(sender)


def test_the_log_of_a_whole_conversation_holds_none_of_its_words_or_ids(servers, address):
    sender = f"logged-{uuid.uuid4().hex[:8]}"
    said = [
        "hi there, marker-greeting-1a1",
        "my wife reads my messages at night and i keep swearing nothing is going on, marker-story-2b2",
        "/choose_step{\"step\": \"tell_truth\"}",
        "/no_such_intent{\"oops\": marker-payload-3c3",
        "<b>marker-html-4d4</b> \x00\x01",
        "je suis désolé, marker-french-5e5",
    ]
    for message in said:
        rest(servers, sender, message, address)

    async def over_the_socket() -> tuple[str, str]:
        socket = chat(servers, address)
        session = await socket.connect(None)
        await socket.say(session, "he checks my phone and i lose it, marker-socket-6f6")
        await socket.bot_messages()
        await socket.client.call("user_uttered", {"message": 7}, timeout=30)
        await socket.forget(session)
        await socket.close()
        return session, socket.token

    session, token = asyncio.run(over_the_socket())
    log = servers.log.read_text(errors="replace")
    assert "Received user message" in log or "DEBUG" in log  # the debug level was on
    for secret in ("marker-", sender, session, session.removeprefix("web:"), token):
        assert secret not in log, f"{secret!r} is in the servers' log"
