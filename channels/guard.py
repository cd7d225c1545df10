"""The checks every incoming message passes before Rasa reads it, whichever channel it came by.

Empty, unreadable and over-long messages, and a sender flooding the coach, get a short, kind answer
without troubling the model; a message Rasa could not answer at all (the action server down, its
database unreachable) gets an apology with the crisis numbers, so nobody is met with silence.
A conversation the person asked to delete is deleted once its last reply has gone.
"""

from __future__ import annotations

import logging
import os
import time
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from actions.content import input_wording, privacy
from actions.privacy import DELETED
from actions.safety import crisis_summary

logger = logging.getLogger(__name__)

MAX_CHARS = 10_000
# A person types well under one message every two seconds; a script or a stuck key does not.
RATE_LIMIT = os.environ.get("TRUST_COACH_RATE_LIMIT", "30/60")
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


def problem_with(original: str, text: str) -> str | None:
    """Which of input.yml's answers this message needs instead of the model, if any."""
    if text.startswith("/"):  # a button's payload
        return None
    if not text:
        return "unreadable" if original.strip() else "empty"
    if len(text) > MAX_CHARS:
        return "too_long"
    replaced = text.count("\ufffd")  # what undecodable bytes become
    if replaced and replaced * 4 >= len(text):
        return "unreadable"
    if not any(character.isalnum() for character in text):
        return "no_words"
    return None


def answer(problem: str) -> str:
    wording = input_wording()[problem].format(limit=f"{MAX_CHARS:,}")
    return f"{wording}\n\n{crisis_summary()}" if problem in ("too_long", "trouble") else wording


class RateLimit:
    """At most `count` messages from one sender in any `seconds`; it remembers the latest senders only."""

    def __init__(self, spec: str = RATE_LIMIT, senders: int = 10_000) -> None:
        count, _, seconds = spec.partition("/")
        self.count, self.seconds, self.senders = int(count), float(seconds or 60), senders
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()

    def allows(self, sender: str, now: float | None = None) -> bool:
        if self.count <= 0:  # "0/60" turns it off (the benchmark plays users who type very fast)
            return True
        now = time.monotonic() if now is None else now
        times = self._recent.pop(sender, None) or deque()
        while times and times[0] <= now - self.seconds:
            times.popleft()
        self._recent[sender] = times
        if len(self._recent) > self.senders:
            self._recent.popitem(last=False)
        if len(times) >= self.count:
            return False
        times.append(now)
        return True


def rate_limit() -> RateLimit:
    """The flood limit: shared through Redis when the replicas have one (make cluster, deploy/),
    otherwise this server's own."""
    if os.environ.get("TRUST_COACH_REDIS_HOST"):
        from cluster.rate_limit import RedisRateLimit

        return RedisRateLimit.from_environment()
    return RateLimit()


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


def guarded(on_new_message: MessageHandler, forget: Forget, limit: RateLimit) -> MessageHandler:
    """`on_new_message` with the checks above around it."""

    async def handle(message: UserMessage) -> None:
        output, sender = message.output_channel, message.sender_id
        original = message.text if isinstance(message.text, str) else ""
        text = clean(original)
        problem = problem_with(original, text) or (None if limit.allows(sender) else "flood")
        if problem:
            logger.info("Answered a message from %s without the model: %s.", sender, problem)
            await output.send_text_message(sender, answer(problem))
            return
        message.text = text
        seen = _count_replies(output)
        try:
            await on_new_message(message)
        except Exception:  # the person must still get an answer; the log gets the cause, not their words
            logger.exception("Handling a message from %s failed.", sender)
        if not seen["replies"]:
            logger.warning("No reply for a message from %s: answered with the trouble message.", sender)
            await output.send_text_message(sender, answer("trouble"))
        if seen["delete"]:
            try:
                await forget(sender)
            except Exception:  # they were told it is deleted: they must hear that it is not
                logger.exception("Deleting the conversation of %s failed.", sender)
                await output.send_text_message(sender, privacy()["failed"])

    return handle
