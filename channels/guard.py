"""The checks every incoming message passes before Rasa reads it, whichever channel it came by.

Over-long, empty and unreadable messages, and a sender or an address flooding the coach, get a short,
kind answer without troubling the model (the length first, whatever the message); a `/intent` payload
reaches Rasa as one only when it names an intent of the domain with well-formed entities, otherwise it
is read as the text it is; a message Rasa could not answer at all (the action server down, its
database unreachable) gets an apology with the crisis numbers, so nobody is met with silence.
A conversation the person asked to delete is deleted once its last reply has gone.
While a message is handled its text and sender are hidden from every log line (coach/logs.py).
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import os
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from channels.limits import Limits
from coach.content import DELETED, input_wording, privacy
from coach.crisis import crisis_summary
from coach.logs import hidden, who

logger = logging.getLogger(__name__)

MAX_CHARS = 10_000
# Sanic refuses a larger request body before reading it (a message of MAX_CHARS emoji is 40 KB).
MAX_BODY_BYTES = 64 * 1024
DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"
# Proxies (nginx under `make cluster`) whose X-Real-IP header names the client; anyone else could forge it.
TRUSTED_PROXIES = set(os.environ.get("TRUST_COACH_TRUSTED_PROXIES", "").replace(",", " ").split())
# The address the message came from, set by the channel that received it.
client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)
# Control characters and the like: never meaningful in a chat message. Newlines and tabs stay.
UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn"}

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
Forget = Callable[[str], Awaitable[Any]]


def clean(text: str) -> str:
    """The message without control characters, zero-width marks or surrounding space."""
    return "".join(
        character for character in text
        if character in "\n\t" or unicodedata.category(character) not in UNPRINTABLE
    ).strip()


def address_of(peer: str | None, real_ip: str | None) -> str | None:
    """The client's address: the peer's, or the one a trusted proxy says it forwarded for."""
    if peer in TRUSTED_PROXIES and real_ip:
        return real_ip.strip()
    return peer


def limit_request_size(server: Any) -> None:
    """Sanic refuses a request body over MAX_BODY_BYTES from its headers, before reading it (413)."""
    server.config.REQUEST_MAX_SIZE = min(server.config.REQUEST_MAX_SIZE, MAX_BODY_BYTES)


@functools.cache
def _domain() -> tuple[frozenset[str], frozenset[str]]:
    domain = yaml.safe_load(DOMAIN_FILE.read_text())
    names = lambda items: frozenset(next(iter(item)) if isinstance(item, dict) else item for item in items)  # noqa: E731
    return names(domain.get("intents") or []), names(domain.get("entities") or [])


def is_payload(text: str) -> bool:
    """Whether a `/...` message is a button's payload: an intent of the domain with well-formed entities."""
    match = YAMLStoryReader._regex_message_pattern().match(text)  # Rasa's own reading of `/intent{...}`
    if not match or match.group("rest") or match.group("confidence"):
        return False
    intents, entities = _domain()
    if match.group("name").strip() not in intents:
        return False
    if match.group("entities") is None:
        return True
    try:
        values = json.loads(match.group("entities"))
    except ValueError:
        return False
    return isinstance(values, dict) and all(
        name in entities and isinstance(value, str) and len(value) <= 200 for name, value in values.items()
    )


def as_text(text: str) -> str:
    """A message as Rasa will read it: a `/` that starts no payload is only punctuation."""
    if len(text) > MAX_CHARS or not text.startswith("/") or is_payload(text):
        return text
    return text.lstrip("/").strip()


def problem_with(original: str, text: str) -> str | None:
    """Which of input.yml's answers this message needs instead of the model, if any."""
    if len(text) > MAX_CHARS:
        return "too_long"
    if not text:
        return "unreadable" if original.strip() else "empty"
    replaced = text.count("\ufffd")  # what undecodable bytes become
    if replaced and replaced * 4 >= len(text):
        return "unreadable"
    if not any(character.isalnum() for character in text):
        return "no_words"
    return None


def answer(problem: str) -> str:
    wording = input_wording()[problem].format(limit=f"{MAX_CHARS:,}")
    return f"{wording}\n\n{crisis_summary()}" if problem in ("too_long", "trouble") else wording


def _count_replies(output: OutputChannel) -> dict[str, Any]:
    """Watches what the assistant sends back for this message: how much, and whether it said to delete."""
    seen = {"replies": 0, "delete": False}
    send = output.send_response

    async def counted(recipient_id: str, message: dict[str, Any]) -> None:
        seen["replies"] += 1
        seen["delete"] |= bool((message.get("custom") or {}).get(DELETED))
        await send(recipient_id, message)

    # Per message, on this output channel instance only: Rasa sends every reply through send_response.
    output.send_response = counted  # type: ignore[method-assign]
    return seen


def guarded(on_new_message: MessageHandler, forget: Forget, flood: Limits,
            after_reply: Forget | None = None) -> MessageHandler:
    """`on_new_message` with the checks above around it; `after_reply(sender)` runs once a message
    has been answered (channels/retention.py removes a practice answer there)."""

    async def handle(message: UserMessage) -> None:
        output, sender = message.output_channel, message.sender_id
        original = message.text if isinstance(message.text, str) else ""
        text = as_text(clean(original))
        with hidden(original, text, sender=sender):
            problem = problem_with(original, text) or (
                None if flood.allow_message(sender, client_address.get()) else "flood"
            )
            if problem:
                logger.info("Answered a message from %s without the model: %s.", who(sender), problem)
                await output.send_text_message(sender, answer(problem))
                return
            message.text = text
            await _answer(message, on_new_message, forget, after_reply)

    return handle


async def _answer(message: UserMessage, on_new_message: MessageHandler, forget: Forget,
                  after_reply: Forget | None) -> None:
    output, sender = message.output_channel, message.sender_id
    seen = _count_replies(output)
    try:
        await on_new_message(message)
    except Exception:  # the person must still get an answer; the log gets the cause, not their words
        logger.exception("Handling a message from %s failed.", who(sender))
    if not seen["replies"]:
        logger.warning("No reply for a message from %s: answered with the trouble message.", who(sender))
        await output.send_text_message(sender, answer("trouble"))
    if seen["delete"]:
        try:
            await forget(sender)
        except Exception:  # they were told it is deleted: they must hear that it is not
            logger.exception("Deleting the conversation of %s failed.", who(sender))
            await output.send_text_message(sender, privacy()["failed"])
    elif after_reply is not None:
        try:
            await after_reply(sender)
        except Exception:  # the answer has gone; what is kept is put right on the next turn
            logger.exception("Tidying the stored conversation of %s failed.", who(sender))
