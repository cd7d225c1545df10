"""The widget's socket.io channel against the real assistant: greeting, history, retries, forgetting."""

from __future__ import annotations

import asyncio

import pytest
from servers import SocketChat

from coach.content import pattern

pytestmark = pytest.mark.model


def test_a_new_browser_is_greeted_as_an_automated_coach_before_it_says_anything(servers):
    async def test() -> None:
        chat = SocketChat()
        await chat.connect(None)
        assert await chat.next("conversation_history") == []
        greeting = await chat.next("bot_uttered")
        assert "automated coach" in greeting["text"] and "not a therapist" in greeting["text"]
        await chat.close()

    asyncio.run(test())


def test_a_returning_browser_gets_the_conversation_so_far_and_no_second_greeting(servers):
    async def test() -> None:
        first = SocketChat()
        session = await first.connect(None)
        await first.next("bot_uttered")  # the greeting
        await first.say(session, "i keep promising him nothing is going on")
        said = [message.get("text") for message in await first.bot_messages()]
        assert pattern("reassuring")["insight"][0] in said
        await first.close()

        again = SocketChat()
        assert await again.connect(session, first.token) == session
        history = await again.next("conversation_history")
        assert "automated coach" in history[0]["text"]  # the greeting, said once
        users = [item for item in history if item["sender"] == "user"]
        assert [item["text"] for item in users] == ["i keep promising him nothing is going on"]
        assert [item.get("text") for item in history[history.index(users[0]) + 1 :]] == said
        assert await again.bot_messages() == []
        await again.close()

    asyncio.run(test())


def test_a_message_sent_again_after_a_lost_answer_is_handled_once(servers):
    async def test() -> None:
        chat = SocketChat()
        session = await chat.connect(None)
        await chat.say(session, "I lose it and yell", message_id="retry-1")
        assert await chat.bot_messages()
        await chat.say(session, "I lose it and yell", message_id="retry-1")
        assert await chat.bot_messages() == []
        await chat.close()
        return session

    session = asyncio.run(test())
    assert servers.user_texts(session).count("I lose it and yell") == 1


def test_forgetting_removes_the_conversation_and_the_coachs_records_of_that_browser_only(servers):
    async def test() -> tuple[str, str]:
        leaving, staying = SocketChat(), SocketChat()
        leaving_id = await leaving.connect(None)
        staying_id = await staying.connect(None)
        for chat, session in ((leaving, leaving_id), (staying, staying_id)):
            await chat.say(session, '/choose_step{"step": "tell_truth"}')
        assert servers.store.chosen_steps(leaving_id) == ["tell_truth"]
        assert servers.event_count(leaving_id) > 0

        assert await leaving.forget(leaving_id) == {"forgotten": True}
        await leaving.close()
        await staying.close()
        return leaving_id, staying_id

    leaving_id, staying_id = asyncio.run(test())
    assert servers.event_count(leaving_id) == 0
    assert servers.store.chosen_steps(leaving_id) == []
    assert servers.event_count(staying_id) > 0
    assert servers.store.chosen_steps(staying_id) == ["tell_truth"]


def test_asking_the_coach_to_delete_everything_deletes_it_over_the_socket_too(servers):
    async def test() -> str:
        chat = SocketChat()
        session = await chat.connect(None)
        await chat.say(session, '/choose_step{"step": "tell_truth"}')
        await chat.say(session, "please delete everything you have on me")
        await chat.bot_messages()
        await chat.say(session, "/affirm")
        said = await chat.bot_messages()
        # The browser is told, so that it forgets the conversation as well.
        assert any((message.get("custom") or {}).get("conversation_deleted") for message in said)
        await chat.close()
        return session

    session = asyncio.run(test())
    assert servers.event_count(session) == 0
    assert servers.store.chosen_steps(session) == []
