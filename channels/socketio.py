"""The socket.io channel the website chat widget talks to: Rasa's own, with three fixes and two additions.

Fixes to Rasa 3.6's `SocketIOInput`:
- python-socketio 5.10 made `enter_room` a coroutine, and Rasa calls it without `await`, so with
  session persistence on a browser never joins its conversation's room and never gets a reply
  (RasaHQ/rasa issue 13027). We await it when it needs awaiting, so either version works.
- `send_custom_json` passed the payload as keyword arguments to `emit`; here a custom payload
  reaches the browser as `bot_uttered` with `{"custom": {...}}`, like every other message.
- A conversation starts (and its greeting is said) when the browser asks for its session, not
  after the person's first message; a returning browser gets the conversation so far.

Additions, as socket.io events beside Rasa's protocol, so any Rasa socket.io client still works:
- each user message may carry a `message_id`; one already in the conversation is not handled
  again, so a widget that resends after a lost connection never says anything twice;
- `forget_conversation` deletes the conversation and the coach's records (channels/privacy.py).

Every message passes the coach's checks first (channels/guard.py), as on the REST channel.

Only the origins in TRUST_COACH_ORIGINS (space- or comma-separated) may connect.
"""

from __future__ import annotations

import inspect
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, Restarted, UserUttered
from sanic import Blueprint, Sanic
from socketio import AsyncServer

from channels.guard import guarded, rate_limit
from channels.privacy import CannotForget, forget_conversation

logger = logging.getLogger(__name__)

# The demo page that `make run` serves; a real site sets TRUST_COACH_ORIGINS to its own address.
DEFAULT_ORIGINS = "http://localhost:8080 http://127.0.0.1:8080"

HISTORY_EVENT = "conversation_history"
FORGET_EVENT = "forget_conversation"


def allowed_origins() -> list[str]:
    """The web origins allowed to open the chat, from TRUST_COACH_ORIGINS."""
    configured = os.environ.get("TRUST_COACH_ORIGINS") or DEFAULT_ORIGINS
    return [origin.rstrip("/") for origin in configured.replace(",", " ").split()]


class TrustCoachSocketIOOutput(SocketIOOutput):
    """Sends replies to the browser; custom payloads as `{"custom": ...}`."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class _Transcript(TrustCoachSocketIOOutput):
    """Collects what the output channel would send, to replay a past conversation the same way."""

    def __init__(self) -> None:
        super().__init__(sio=None, bot_message_evt="")
        self.messages: list[dict[str, Any]] = []

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.messages.append({"sender": "bot", **response})


async def conversation_history(events: list[Any]) -> list[dict[str, Any]]:
    """The conversation since the last restart, as the browser showed it.

    Bot messages come out exactly as the channel sends them live. A button press shows as the
    button's title, as the widget shows it when pressed; other `/intent` messages are left out.
    """
    since_restart = events
    for index, event in enumerate(events):
        if isinstance(event, Restarted):
            since_restart = events[index + 1 :]
    transcript = _Transcript()
    buttons: dict[str, str] = {}
    for event in since_restart:
        if isinstance(event, BotUttered):
            message = event.message()
            buttons = {button["payload"]: button["title"] for button in message.get("buttons") or []}
            await transcript.send_response("", message)
        elif isinstance(event, UserUttered) and event.text:
            shown = buttons.get(event.text) if event.text.startswith("/") else event.text
            if shown:
                transcript.messages.append({"sender": "user", "text": shown, "message_id": event.message_id})
    return transcript.messages


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class TrustCoachSocketIO(SocketIOInput):
    """Rasa's socket.io channel, fixed for current python-socketio and made safe to retry."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> TrustCoachSocketIOOutput | None:
        if self.sio is None:
            return super().get_output_channel()
        return TrustCoachSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio: AsyncServer = self.sio
        # Rasa leaves origin checks off; python-engineio refuses other origins once it has a list.
        # Its CORS headers stay off: `rasa run --cors` (Sanic-CORS) already sends them, and a
        # browser rejects a response that has them twice.
        sio.eio.cors_allowed_origins = allowed_origins()
        sio.eio._cors_headers = lambda environ: []
        namespace = self.namespace
        self.server: Sanic | None = None

        @socketio_webhook.listener("before_server_start")
        async def remember_server(server: Sanic, _: Any) -> None:
            self.server = server  # the agent, and so the tracker store, hangs off it

        def ready_agent() -> Any:
            agent = getattr(self.server.ctx, "agent", None) if self.server else None
            return agent if agent is not None and agent.is_ready() else None

        async def forget_after_reply(sender_id: str) -> None:
            # The person asked the assistant itself to delete everything (actions/privacy.py).
            if ready_agent() is not None:
                await forget_conversation(ready_agent(), sender_id)

        checked = guarded(on_new_message, forget_after_reply, rate_limit())

        async def session_request(sid: str, data: dict | None) -> None:
            data = data or {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                await _maybe_await(sio.enter_room(sid, session_id, namespace=namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            agent = ready_agent()
            if self.session_persistence and agent is not None:
                await self._open_session(agent, sid, session_id)
            else:
                # Nothing to replay, but the widget waits for this before it sends anything.
                await sio.emit(HISTORY_EVENT, [], room=sid, namespace=namespace)

        async def handle_message(sid: str, data: dict) -> dict[str, Any]:
            sender_id = data.get("session_id") if self.session_persistence else sid
            if not sender_id:
                logger.warning("A message without a session_id was ignored (session persistence is on).")
                return {"handled": False}
            agent = ready_agent()
            message_id = data.get("message_id")
            message = UserMessage(
                data.get("message", ""),
                TrustCoachSocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=data.get(self.metadata_key) or {},
                message_id=message_id,
            )
            if message_id and agent is not None:
                # The browser resends what it has no acknowledgement for; the first copy may have
                # been handled. (Checked under the conversation's lock, which handling a message
                # holds too, so a copy still being handled is seen once it is done.)
                async with agent.lock_store.lock(sender_id):
                    if await self._already_handled(agent, sender_id, message_id):
                        return {"handled": True}
            await checked(message)
            return {"handled": True}

        async def forget(sid: str, data: dict | None) -> dict[str, Any]:
            session_id = (data or {}).get("session_id")
            agent = ready_agent()
            if not session_id or agent is None:
                return {"forgotten": False}
            try:
                await forget_conversation(agent, session_id)
            except CannotForget:
                logger.exception("Could not forget a conversation.")
                return {"forgotten": False}
            return {"forgotten": True}

        # Registering an event again replaces Rasa's handler for it.
        sio.on("session_request", handler=session_request, namespace=namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=namespace)
        sio.on(FORGET_EVENT, handler=forget, namespace=namespace)
        return socketio_webhook

    async def _open_session(self, agent: Any, sid: str, session_id: str) -> None:
        """Sends this browser the conversation so far, then starts a new session if one is due."""
        output = TrustCoachSocketIOOutput(self.sio, self.bot_message_evt)
        async with agent.lock_store.lock(session_id):
            # Every session: a tracker holds only the latest, and its greeting comes just before it.
            tracker = await agent.tracker_store.retrieve_full_tracker(session_id)
            history = await conversation_history(list(tracker.events) if tracker else [])
            await self.sio.emit(HISTORY_EVENT, history, room=sid, namespace=self.namespace)
            # A new conversation, one after a restart, or one idle past the session expiry: this
            # runs action_session_start, whose greeting says the coach is automated.
            tracker = await agent.processor.fetch_tracker_and_update_session(session_id, output)
            await agent.processor.save_tracker(tracker)

    @staticmethod
    async def _already_handled(agent: Any, sender_id: str, message_id: str) -> bool:
        tracker = await agent.processor.get_tracker(sender_id)
        return any(
            isinstance(event, UserUttered) and event.message_id == message_id
            for event in tracker.events
        )
