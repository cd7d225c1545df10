"""Rasa's REST channel with the coach's checks (channels/guard.py) and strict reading of each request."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from channels.guard import MessageHandler, guarded, rate_limit
from channels.privacy import forget_conversation

MAX_SENDER_CHARS = 128


def read_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what a message must look like."""
    body = request.json  # Sanic answers 400 itself when this is not JSON at all
    if not isinstance(body, dict):
        raise InvalidUsage('Send a JSON object: {"sender": "<your id>", "message": "<text>"}.')
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise InvalidUsage(f'"sender" must be a non-empty string of at most {MAX_SENDER_CHARS} characters.')
    if not isinstance(message, str):
        raise InvalidUsage('"message" must be a string.')
    if not isinstance(body.get("metadata") or {}, dict):
        raise InvalidUsage('"metadata", when given, must be a JSON object.')
    return body


class TrustCoachRest(RestInput):
    """POST {"sender": "...", "message": "..."} to /webhooks/rest/webhook, as with Rasa's own channel."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, request: Request) -> str:
        return read_body(request)["sender"]

    def _extract_message(self, request: Request) -> str:
        return read_body(request)["message"]

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return read_body(request).get("metadata")

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        async def forget(sender_id: str) -> None:
            await forget_conversation(self.server.ctx.agent, sender_id)

        blueprint = super().blueprint(guarded(on_new_message, forget, rate_limit()))

        @blueprint.listener("before_server_start")
        async def remember_server(server: Sanic, _: Any) -> None:
            self.server = server  # the agent, and so the tracker store, hangs off it

        return blueprint
