"""The checks on every incoming message: what a person sees for empty, unreadable, long or rapid messages,
and when the assistant cannot answer at all."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.guard import MAX_CHARS, clean, client_address, guarded
from channels.limits import Limits, RateLimit, limits
from coach.content import DELETED


class Assistant:
    """Stands in for Rasa: records what reached it and answers as told."""

    def __init__(self, reply: dict | None = None, fail: bool = False) -> None:
        self.heard: list[str] = []
        self.reply = {"text": "I hear you."} if reply is None else reply
        self.fail = fail
        self.forgotten: list[str] = []
        self.fail_to_forget = False

    async def on_new_message(self, message: UserMessage) -> None:
        self.heard.append(message.text)
        if self.fail:
            raise ConnectionError("action server unreachable")
        if self.reply:
            await message.output_channel.send_response(message.sender_id, dict(self.reply))

    async def forget(self, sender: str) -> None:
        if self.fail_to_forget:
            raise RuntimeError("tracker store unreachable")
        self.forgotten.append(sender)


def unlimited() -> Limits:
    return Limits(RateLimit("0/60"), RateLimit("0/60"), RateLimit("0/60"))


def send(assistant: Assistant, text: str, limit: Limits | None = None, sender: str = "ana",
         address: str | None = None) -> str:
    output = CollectingOutputChannel()
    handle = guarded(assistant.on_new_message, assistant.forget, limit or unlimited())

    async def from_address() -> None:
        client_address.set(address)
        await handle(UserMessage(text, output, sender))

    asyncio.run(from_address())
    return "\n".join(str(message["text"]) for message in output.messages if "text" in message)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_message_gets_a_gentle_prompt_and_never_reaches_the_model(text):
    assistant = Assistant()
    assert "didn't get any words" in send(assistant, text)
    assert assistant.heard == []


def test_control_characters_alone_are_unreadable():
    assistant = Assistant()
    assert "couldn't read that message" in send(assistant, "\x00\x01\x02\x7f\u200b")
    assert assistant.heard == []


def test_mostly_undecodable_bytes_are_unreadable():
    assert "couldn't read that message" in send(Assistant(), "\ufffd\ufffd\ufffdab\ufffd")


@pytest.mark.parametrize("text", ["😡😡😡", "❤️", "?!...", "🙄 🙄"])
def test_emoji_or_symbols_alone_get_asked_for_words(text):
    assistant = Assistant()
    assert "only read words" in send(assistant, text)
    assert assistant.heard == []


def test_control_characters_inside_a_message_are_removed_before_the_model_reads_it():
    assistant = Assistant()
    send(assistant, " I\x00 yell\x07 at him\u200b \n")
    assert assistant.heard == ["I yell at him"]
    assert clean("line one\nline\ttwo") == "line one\nline\ttwo"


def test_a_message_at_the_limit_is_read_and_one_over_it_is_answered_with_the_crisis_numbers():
    assistant = Assistant()
    assert send(assistant, "a" * MAX_CHARS) == "I hear you."
    too_long = send(assistant, "a" * (MAX_CHARS + 1))
    assert "10,000 characters" in too_long and "988" in too_long and "Nothing you've told me" in too_long
    assert len(assistant.heard) == 1


def test_button_payloads_pass_untouched():
    assistant = Assistant()
    send(assistant, '/choose_scenario{"scenario": "late"}')
    assert assistant.heard == ['/choose_scenario{"scenario": "late"}']


def test_a_slash_does_not_let_a_long_message_past_the_length_check():
    assistant = Assistant()
    assert "10,000 characters" in send(assistant, "/" + "a" * (MAX_CHARS + 1))
    assert assistant.heard == []


@pytest.mark.parametrize("payload", ["/affirm", '/choose_step{"step": "tell_truth"}', "/restart"])
def test_a_button_payload_of_the_domain_reaches_rasa_as_it_is(payload):
    assistant = Assistant()
    send(assistant, payload)
    assert assistant.heard == [payload]


@pytest.mark.parametrize("typed, read", [
    ("/no_such_intent hello", "no_such_intent hello"),
    ('/affirm{"step": ', 'affirm{"step":'),
    ('/affirm{"not_an_entity": "x"}', 'affirm{"not_an_entity": "x"}'),
    ('/choose_step{"step": ["a", "list"]}', 'choose_step{"step": ["a", "list"]}'),
    ("/affirm please and more words", "affirm please and more words"),
    ("//// i yell at her", "i yell at her"),
])
def test_a_slash_that_starts_no_payload_is_read_as_text(typed, read):
    assistant = Assistant()
    send(assistant, typed)
    assert assistant.heard == [read]


def test_nothing_a_person_typed_or_their_id_reaches_the_log(caplog):
    from coach import logs

    logs.install()

    class Chatty(Assistant):
        async def on_new_message(self, message: UserMessage) -> None:
            logging.getLogger("rasa.core.processor").debug("Received user message '%s' from %s",
                                                           message.text, message.sender_id)
            raise ValueError(f"could not parse {message.text!r}")

    caplog.set_level(logging.DEBUG)
    text, sender = "my husband reads my texts at night, zebracorn", "web:0123456789abcdef"
    reply = send(Chatty(), text, sender=sender)
    assert "trouble on my side" in reply
    logged = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert "Received user message" in logged and "could not parse" in logged
    assert "zebracorn" not in logged and sender not in logged
    assert logs.who(sender) in logged  # the same conversation can still be followed


def test_a_sender_flooding_messages_is_asked_to_slow_down_and_others_are_not():
    assistant = Assistant()
    limit = Limits(RateLimit("3/60"), RateLimit("0/60"), RateLimit("0/60"))
    replies = [send(assistant, f"message {n}", limit) for n in range(5)]
    assert replies[:3] == ["I hear you."] * 3
    assert all("faster than I can read" in reply for reply in replies[3:])
    assert send(assistant, "hello", limit, sender="ben") == "I hear you."
    assert len(assistant.heard) == 4


def test_rotating_sender_ids_from_one_address_is_still_a_flood():
    assistant = Assistant()
    limit = Limits(RateLimit("30/60"), RateLimit("4/60"), RateLimit("0/60"))
    replies = [send(assistant, "hello there", limit, sender=f"s{n}", address="10.0.0.7") for n in range(6)]
    assert replies[:4] == ["I hear you."] * 4
    assert all("faster than I can read" in reply for reply in replies[4:])
    assert send(assistant, "hello there", limit, sender="s9", address="10.0.0.8") == "I hear you."


def test_one_set_of_limits_serves_every_channel_of_the_server():
    assert limits() is limits()


def test_new_conversations_from_one_address_are_limited():
    limit = Limits(RateLimit("0/60"), RateLimit("0/60"), RateLimit("2/60"))
    assert [limit.allow_new_session("10.0.0.7") for _ in range(4)] == [True, True, False, False]
    assert limit.allow_new_session("10.0.0.8")


def test_the_limit_lifts_once_the_window_has_passed():
    limit = RateLimit("2/60")
    assert limit.allows("ana", now=0) and limit.allows("ana", now=1)
    assert not limit.allows("ana", now=2)
    assert limit.allows("ana", now=61)


def test_the_limit_can_be_turned_off():
    limit = RateLimit("0/60")
    assert all(limit.allows("ana", now=0) for _ in range(1000))


def test_no_answer_from_the_assistant_becomes_an_apology_with_crisis_numbers():
    reply = send(Assistant(reply={}), "I yell at him")
    assert "trouble on my side" in reply
    assert "988" in reply and "1-800-799-7233" in reply and "911" in reply


def test_a_failure_inside_rasa_still_gets_the_apology():
    assistant = Assistant(fail=True)
    assert "trouble on my side" in send(assistant, "I yell at him")
    assert assistant.heard == ["I yell at him"]


def test_a_confirmed_deletion_forgets_the_conversation_after_the_reply_and_nothing_else_does():
    assistant = Assistant(reply={"text": "Deleted.", "custom": {DELETED: True}})
    assert send(assistant, "/affirm", sender="ana") == "Deleted."
    assert assistant.forgotten == ["ana"]
    other = Assistant()
    send(other, "delete nothing, I'm just talking", sender="ben")
    assert other.forgotten == []


def test_a_deletion_that_fails_is_owned_up_to():
    assistant = Assistant(reply={"text": "Deleted.", "custom": {DELETED: True}})
    assistant.fail_to_forget = True
    assert "could not be deleted" in send(assistant, "/affirm")
