"""Rasa's REST channel with the coach's checks (channels/guard.py) and strict reading of each request.

POST {"sender": "...", "message": "..."} to /webhooks/rest/webhook, as with Rasa's own channel. A sender
is 1 to 64 letters, digits and `_ . @ -`: no web conversation's id (those start with `web:`) can be
named here. With TRUST_COACH_REST_TOKEN set a request must carry `Authorization: Bearer <token>`: the
REST channel is then for the operator's own services, not the public. Replicas (TRUST_COACH_REDIS_HOST
set, as in production) refuse every REST request until a token is set; `make run` leaves it open on
this machine only.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import MessageHandler, address_of, client_address, guarded, limit_request_size
from channels.limits import limits
from channels.privacy import forget_conversation
from channels.retention import drop_practice_answer

TOKEN_VARIABLE = "TRUST_COACH_REST_TOKEN"
SENDER = re.compile(r"[A-Za-z0-9_.@-]{1,64}")

logger = logging.getLogger(__name__)


def read_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what a message must look like."""
    body = request.json  # Sanic answers 400 itself when this is not JSON at all
    if not isinstance(body, dict):
        raise InvalidUsage('Send a JSON object: {"sender": "<your id>", "message": "<text>"}.')
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        raise InvalidUsage('"sender" must be 1 to 64 letters, digits or the characters _ . @ -')
    if not isinstance(message, str):
        raise InvalidUsage('"message" must be a string.')
    if not isinstance(body.get("metadata") or {}, dict):
        raise InvalidUsage('"metadata", when given, must be a JSON object.')
    return body


def authorised(request: Request) -> bool:
    """Whether the request carries the REST token, when one is set (compared in constant time)."""
    token = os.environ.get(TOKEN_VARIABLE)
    if not token:
        return not os.environ.get("TRUST_COACH_REDIS_HOST")
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class TrustCoachRest(InputChannel):
    """The REST channel: one POST, the replies as a JSON list, as Rasa's RestInput answers."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        async def forget(sender_id: str) -> None:
            await forget_conversation(self.server.ctx.agent, sender_id)

        async def tidy(sender_id: str) -> None:
            await drop_practice_answer(self.server.ctx.agent, sender_id)

        handle = guarded(on_new_message, forget, limits(), tidy)
        blueprint = Blueprint("trust_coach_rest", __name__)

        @blueprint.listener("before_server_start")
        async def remember_server(server: Sanic, _: Any) -> None:
            self.server = server  # the agent, and so the tracker store, hangs off it
            limit_request_size(server)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not authorised(request):
                logger.warning("Refused a REST request from %s without the REST token.", request.ip)
                return response.json({"error": "This channel needs the REST token."}, status=401)
            body = read_body(request)
            client_address.set(address_of(request.ip, request.headers.get("x-real-ip")))
            replies = CollectingOutputChannel()
            await handle(UserMessage(
                body["message"], replies, body["sender"], input_channel=self.name(),
                metadata=body.get("metadata"),
            ))
            return response.json(replies.messages)

        return blueprint
