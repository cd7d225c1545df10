"""The widget's socket.io channel on a real Sanic server, with a stand-in for the assistant.

These run without the trained model, so they catch quickly what would silently break the widget:
python-socketio's `enter_room` turning async (RasaHQ/rasa issue 13027), custom payloads, origins.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import urllib.error
import urllib.request
import uuid

import pytest
import socketio
from rasa.server import configure_cors
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SessionStarted, UserUttered
from sanic import Sanic
from servers import SocketChat

from channels.socketio import TrustCoachSocketIO, allowed_origins, conversation_history

ORIGIN = "http://127.0.0.1:8999"
PLAN = {"download": {"filename": "trust-coach-plan.txt", "label": "Download your plan", "text": "Step 1"}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def echo(message) -> None:
    """Stands in for the assistant: answers in text, then with the custom payload of a plan."""
    await message.output_channel.send_text_message(message.sender_id, f"You said: {message.text}")
    await message.output_channel.send_custom_json(message.sender_id, dict(PLAN))


@pytest.fixture(scope="module")
def channel_url():
    """A Sanic app serving only the channel, as `rasa run` mounts it, in a thread of its own.

    One per module: Sanic 21.12 cannot set up a second app in the same process.
    """
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def serve() -> None:
        app = Sanic(f"channel_test_{uuid.uuid4().hex[:8]}")
        configure_cors(app, [ORIGIN])  # as `rasa run --cors ORIGIN` does
        channel = TrustCoachSocketIO.from_credentials({"session_persistence": True})
        app.blueprint(channel.blueprint(echo), url_prefix="/webhooks/socketio")
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await server.startup()
        await server.before_start()  # Sanic-CORS sets itself up here
        await server.after_start()
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve())
        loop.run_forever()

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRUST_COACH_ORIGINS", f"http://elsewhere.example, {ORIGIN}")
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        assert started.wait(30)
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_replies_reach_a_browser_whose_conversation_persists(channel_url):
    # With the stock channel and python-socketio >= 5.10 the reply never comes: the browser was
    # never put in its conversation's room.
    async def test() -> None:
        chat = SocketChat(channel_url, ORIGIN)
        session_id = await chat.connect(None)
        await chat.say(session_id, "hello")
        assert await chat.next("bot_uttered", seconds=5) == {"text": "You said: hello"}
        await chat.close()

        again = SocketChat(channel_url, ORIGIN)  # the same browser, after a reload
        assert await again.connect(session_id, chat.token) == session_id
        await again.say(session_id, "still me")
        assert await again.next("bot_uttered", seconds=5) == {"text": "You said: still me"}
        await again.close()

    asyncio.run(test())


def test_knowing_a_conversations_id_without_its_token_reaches_nothing_of_it(channel_url):
    async def test() -> None:
        owner = SocketChat(channel_url, ORIGIN)
        session_id = await owner.connect(None)
        for token in (None, "", "0" * 64, owner.token[:-1] + "x"):
            intruder = SocketChat(channel_url, ORIGIN)
            assert await intruder.connect(session_id, token) != session_id  # a conversation of its own
            await owner.say(session_id, "private words")
            assert {"text": "You said: private words"} in await owner.bot_messages(quiet=0.5)
            assert await intruder.bot_messages(quiet=0.5) == []  # nothing of the owner's live replies
            # Naming the owner's id in a message speaks in the intruder's own conversation.
            await intruder.say(session_id, "hello")
            assert {"text": "You said: hello"} in await intruder.bot_messages(quiet=0.5)
            assert await owner.bot_messages(quiet=0.5) == []
            await intruder.close()
        await owner.close()

    asyncio.run(test())


def test_a_client_chosen_id_is_never_taken(channel_url):
    async def test() -> None:
        chat = SocketChat(channel_url, ORIGIN)
        assert await chat.connect("me") != "me"  # the README's REST example id
        await chat.close()

    asyncio.run(test())


@pytest.mark.parametrize("data", [{"message": 42}, {"message": None}, {"message": ["a"]}, "text", 7, None])
def test_data_of_the_wrong_shape_gets_a_friendly_answer_and_an_ack(channel_url, data):
    async def test() -> None:
        chat = SocketChat(channel_url, ORIGIN)
        await chat.connect(None)
        ack = await chat.client.call("user_uttered", data, timeout=10)
        assert ack["handled"] is False and ack["error"]
        assert "only read messages sent as text" in (await chat.next("bot_uttered", seconds=5))["text"]
        await chat.close()

    asyncio.run(test())


def test_a_message_before_any_session_is_acknowledged_with_what_to_do(channel_url):
    async def test() -> None:
        chat = SocketChat(channel_url, ORIGIN)
        await chat.client.connect(channel_url, headers={"Origin": ORIGIN}, transports=["polling"])
        ack = await chat.client.call("user_uttered", {"message": "hi", "session_id": "web:x"}, timeout=10)
        assert ack == {"handled": False, "error": "Send session_request first: no conversation is open."}
        await chat.close()

    asyncio.run(test())


def test_a_connection_without_an_origin_is_refused(channel_url):
    async def test() -> None:
        client = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(channel_url, transports=["polling"])

    asyncio.run(test())


def test_a_custom_payload_reaches_the_browser_as_custom(channel_url):
    async def test() -> None:
        chat = SocketChat(channel_url, ORIGIN)
        session_id = await chat.connect(None)
        assert session_id.startswith("web:") and len(session_id) == 36  # an id of its own
        await chat.say(session_id, "my plan please")
        await chat.next("bot_uttered", seconds=5)
        assert await chat.next("bot_uttered", seconds=5) == {"custom": PLAN}
        await chat.close()

    asyncio.run(test())


def test_only_the_configured_origins_may_connect(channel_url):
    async def test() -> None:
        with pytest.raises(Exception, match="400"):
            await SocketChat(channel_url, "http://evil.example").connect(None)

    asyncio.run(test())


def test_the_allowed_origin_gets_one_set_of_cors_headers_for_polling(channel_url):
    # Browsers refuse a response with two Access-Control-Allow-Origin headers.
    def allow_origin_headers(origin: str) -> list[str]:
        request = urllib.request.Request(f"{channel_url}/socket.io/?EIO=4&transport=polling",
                                         headers={"Origin": origin})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.headers.get_all("Access-Control-Allow-Origin") or []
        except urllib.error.HTTPError as refused:
            assert refused.code == 400
            return refused.headers.get_all("Access-Control-Allow-Origin") or []

    assert allow_origin_headers(ORIGIN) == [ORIGIN]
    assert allow_origin_headers("http://evil.example") == []


def test_origins_come_from_the_environment_with_the_demo_page_by_default(monkeypatch):
    monkeypatch.setenv("TRUST_COACH_ORIGINS", "https://counselling.example/ https://blog.example")
    assert allowed_origins() == ["https://counselling.example", "https://blog.example"]
    monkeypatch.delenv("TRUST_COACH_ORIGINS")
    assert "http://localhost:8080" in allowed_origins()


def bot(text: str, buttons: list[dict] | None = None) -> BotUttered:
    return BotUttered(text, {"buttons": buttons} if buttons else {})


def test_history_shows_the_conversation_since_the_last_restart_as_the_browser_did():
    choose = {"title": "I'll try that", "payload": '/choose_step{"step": "tell_truth"}'}
    events = [
        SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("forgotten after the restart", message_id="m0"), bot("Let's start fresh."), Restarted(),
        bot("Hi, I'm Trust Coach.\n\nWhat happens when your partner doubts you?"),
        UserUttered("i don't mention who was at lunch", message_id="m1"),
        bot("Leaving things out backfires.", [choose]),
        UserUttered(choose["payload"], message_id="m2"),
        UserUttered("/restart_typed_by_hand", message_id="m3"),
        BotUttered(data={"custom": PLAN}),
    ]
    history = asyncio.run(conversation_history(events))
    assert history == [
        {"sender": "bot", "text": "Hi, I'm Trust Coach."},
        {"sender": "bot", "text": "What happens when your partner doubts you?"},
        {"sender": "user", "text": "i don't mention who was at lunch", "message_id": "m1"},
        {"sender": "bot", "text": "Leaving things out backfires.", "quick_replies": [
            {"content_type": "text", "title": "I'll try that", "payload": choose["payload"]}]},
        {"sender": "user", "text": "I'll try that", "message_id": "m2"},
        {"sender": "bot", "custom": PLAN},
    ]
