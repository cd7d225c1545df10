"""Web conversations' credentials: an id the server issues, and a token that proves a browser was given it.

Knowing a conversation's id is not enough to read it: the socket.io channel replays a conversation,
sends its replies live and deletes it only for a browser that shows the token signed for that id.
Web ids start with `web:`, which no REST sender can (channels/rest.py), so the two never meet.
"""

from __future__ import annotations

import secrets

from coach.secret import sign, verify

PREFIX = "web:"
PURPOSE = "web-session"


def new_session() -> tuple[str, str]:
    """A new conversation's id and its token."""
    session_id = PREFIX + secrets.token_hex(16)
    return session_id, sign(PURPOSE, session_id)


def is_valid(session_id: object, token: object) -> bool:
    """Whether this token was issued, by a server with our secret, for this web conversation."""
    return (
        isinstance(session_id, str) and session_id.startswith(PREFIX) and len(session_id) <= 64
        and verify(PURPOSE, session_id, token)
    )
