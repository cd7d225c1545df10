"""The socket.io channel the website chat widget talks to: Rasa's own, with three fixes and two additions.

Fixes to Rasa 3.6's `SocketIOInput`:
- python-socketio 5.10 made `enter_room` a coroutine, and Rasa calls it without `await`, so with
  session persistence on a browser never joins its conversation's room and never gets a reply
  (RasaHQ/rasa issue 13027). We await it when it needs awaiting, so either version works.
- `send_custom_json` passed the payload as keyword arguments to `emit`; here a custom payload
  reaches the browser as `bot_uttered` with `{"custom": {...}}`, like every other message.
- A conversation starts (and its greeting is said) when the browser asks for its session, not
  after the person's first message; a returning browser gets the conversation so far.

Security, which Rasa's channel leaves out:
- a conversation is reached with its token, not its id alone (channels/sessions.py): the server issues
  each new browser an id and a token, sent in `session_confirm` as `{"session_id", "token"}` (Rasa
  clients read the id from either form); a `session_request` with an id and the token signed for it
  resumes that conversation, anything else starts a new one. The socket is bound to its conversation
  then: messages, replies and `forget_conversation` go to that one, whatever the data names;
- a socket must come from an allowed web origin (TRUST_COACH_ORIGINS, space- or comma-separated);
  one with no Origin header at all is refused too;
- new conversations count against a limit per address (channels/guard.py), as messages do;
- data of the wrong shape gets a friendly answer and an acknowledgement, never silence.

Additions, as socket.io events beside Rasa's protocol, so any Rasa socket.io client still works:
- each user message may carry a `message_id`; one already in the conversation is not handled
  again, so a widget that resends after a lost connection never says anything twice;
- `forget_conversation` deletes the conversation and the coach's records (channels/privacy.py).

Every message passes the coach's checks first (channels/guard.py), as on the REST channel.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, Restarted, UserUttered
from sanic import Blueprint, Sanic
from socketio import AsyncServer

from channels.guard import MAX_BODY_BYTES, address_of, client_address, guarded, limit_request_size
from channels.limits import limits
from channels.privacy import CannotForget, forget_conversation
from channels.retention import drop_practice_answer
from channels.sessions import is_valid, new_session
from coach.content import input_wording
from coach.logs import hidden, who

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
        origins = allowed_origins()
        sio.eio.cors_allowed_origins = origins
        sio.eio._cors_headers = lambda environ: []
        sio.eio.max_http_buffer_size = MAX_BODY_BYTES
        namespace = self.namespace
        self.server: Sanic | None = None
        flood = limits()

        @socketio_webhook.listener("before_server_start")
        async def remember_server(server: Sanic, _: Any) -> None:
            self.server = server  # the agent, and so the tracker store, hangs off it
            limit_request_size(server)

        def address(sid: str) -> str | None:
            request = sio.get_environ(sid, namespace=namespace).get("sanic.request")
            return address_of(request.ip, request.headers.get("x-real-ip")) if request else None

        async def say_to(sid: str, wording: str) -> None:
            reply = {"text": input_wording()[wording]}
            await sio.emit(self.bot_message_evt, reply, room=sid, namespace=namespace)

        async def bound_session(sid: str) -> str | None:
            """The conversation this socket was given or resumed, if any."""
            if not self.session_persistence:
                return sid
            return (await sio.get_session(sid, namespace=namespace)).get("session_id")

        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            # A browser always sends its page's origin; no Origin at all is a script, not the widget.
            if environ.get("HTTP_ORIGIN", "").rstrip("/") not in origins:
                logger.warning("Refused a socket.io connection from an origin not allowed.")
                return False
            return True

        def ready_agent() -> Any:
            agent = getattr(self.server.ctx, "agent", None) if self.server else None
            return agent if agent is not None and agent.is_ready() else None

        async def forget_after_reply(sender_id: str) -> None:
            # The person asked the assistant itself to delete everything (actions/privacy.py).
            if ready_agent() is not None:
                await forget_conversation(ready_agent(), sender_id)

        async def tidy_after_reply(sender_id: str) -> None:
            if ready_agent() is not None:
                await drop_practice_answer(ready_agent(), sender_id)

        checked = guarded(on_new_message, forget_after_reply, flood, tidy_after_reply)

        async def session_request(sid: str, data: Any = None, *_: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id, token = data.get("session_id"), data.get("token")
            where = address(sid)
            if not is_valid(session_id, token):
                if not flood.allow_new_session(where):
                    logger.info("Refused a new conversation: too many from one address.")
                    await sio.emit(HISTORY_EVENT, [], room=sid, namespace=namespace)
                    await say_to(sid, "too_many_conversations")
                    return
                session_id, token = new_session()
            with hidden(sender=session_id):
                await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
                if self.session_persistence:
                    await _maybe_await(sio.enter_room(sid, session_id, namespace=namespace))
                await sio.emit("session_confirm", {"session_id": session_id, "token": token},
                               room=sid, namespace=namespace)
                agent = ready_agent()
                if self.session_persistence and agent is not None:
                    await self._open_session(agent, sid, session_id)
                else:
                    # Nothing to replay, but the widget waits for this before it sends anything.
                    await sio.emit(HISTORY_EVENT, [], room=sid, namespace=namespace)

        async def handle_message(sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
            sender_id = await bound_session(sid)
            if not sender_id:
                return {"handled": False, "error": "Send session_request first: no conversation is open."}
            text = data.get("message") if isinstance(data, dict) else None
            if not isinstance(text, str):
                await say_to(sid, "not_text")
                return {"handled": False, "error": 'A message is an object with a text "message".'}
            agent = ready_agent()
            message_id = data.get("message_id")
            message_id = message_id if isinstance(message_id, str) and len(message_id) <= 64 else None
            metadata = data.get(self.metadata_key)
            message = UserMessage(
                text,
                TrustCoachSocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
                message_id=message_id,
            )
            client_address.set(address(sid))  # this event's own task: it reaches no other message
            if message_id and agent is not None:
                # The browser resends what it has no acknowledgement for; the first copy may have
                # been handled. (Checked under the conversation's lock, which handling a message
                # holds too, so a copy still being handled is seen once it is done.)
                with hidden(sender=sender_id):
                    async with agent.lock_store.lock(sender_id):
                        if await self._already_handled(agent, sender_id, message_id):
                            return {"handled": True}
            await checked(message)
            return {"handled": True}

        async def forget(sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
            session_id = await bound_session(sid)
            agent = ready_agent()
            if not session_id or agent is None:
                return {"forgotten": False}
            with hidden(sender=session_id):
                try:
                    await forget_conversation(agent, session_id)
                except CannotForget:
                    logger.exception("Could not forget the conversation %s.", who(session_id))
                    return {"forgotten": False}
            return {"forgotten": True}

        # Registering an event again replaces Rasa's handler for it.
        sio.on("connect", handler=connect, namespace=namespace)
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
