"""Logs that carry no one's words: no message text at any level, from any library; senders as a keyed hash.

Our own code never puts a message or a sender id into a log line; it writes `who(sender)`, a short
hash keyed with the server secret, so an operator can follow one conversation through the logs without
being able to find it. Libraries are not so careful (Rasa's debug lines and warnings quote the text,
its lock store names the conversation), so while a message is handled its text and sender id are
`hidden()`, and every log record made in that time, by any logger, is written with them replaced.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
from collections.abc import Iterator

from coach.secret import sign

HIDDEN_TEXT = "[message]"
# Shorter strings ("hi", "ok") would blank out parts of ordinary words, and say nothing about anyone.
SHORTEST_HIDDEN = 4

_hidden: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("trust_coach_hidden", default={})
_make_record = logging.getLogRecordFactory()


def who(sender: str | None) -> str:
    """The sender as logs name it: the same hash for the same conversation, useless without the secret."""
    return f"#{sign('log', sender or '')[:10]}"


@contextlib.contextmanager
def hidden(*texts: object, sender: str | None = None) -> Iterator[None]:
    """Log records made inside this block (in this task and the tasks it starts) omit these."""
    token = _hidden.set(_with(_hidden.get(), texts, sender))
    try:
        yield
    finally:
        _hidden.reset(token)


def hide(*texts: object, sender: str | None = None) -> None:
    """What hidden() does, for the rest of this task: a request's middleware, whose handler follows."""
    _hidden.set(_with({}, texts, sender))


def _with(replacements: dict[str, str], texts: tuple[object, ...], sender: str | None) -> dict[str, str]:
    replacements = dict(replacements)
    for text in texts:
        if isinstance(text, str) and len(text.strip()) >= SHORTEST_HIDDEN:
            replacements[text.strip()] = HIDDEN_TEXT
    if sender:
        replacements[sender] = who(sender)
    return replacements


def redact(line: str, replacements: dict[str, str]) -> str:
    # Longest first, so a text that contains the sender id is hidden whole. Each as typed, as JSON
    # writes it (Rasa's JSON logs) and as Python's repr writes it.
    for secret in sorted(replacements, key=len, reverse=True):
        for form in {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1]}:
            line = line.replace(form, replacements[secret])
    return line


def _redacting_record(*args, **kwargs) -> logging.LogRecord:
    record = _make_record(*args, **kwargs)
    replacements = _hidden.get()
    if not replacements:
        return record
    try:
        record.msg, record.args = redact(record.getMessage(), replacements), None
    except Exception:  # a record whose arguments do not format: keep nothing of it
        record.msg, record.args = "(a log line that could not be checked for private text)", None
    if record.exc_info:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info), replacements)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, replacements)
    return record


def install() -> None:
    """Every log record of this process goes through the redaction; warnings become log records too."""
    if logging.getLogRecordFactory() is not _redacting_record:
        logging.setLogRecordFactory(_redacting_record)
    logging.captureWarnings(True)
