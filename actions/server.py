"""The action server as rasa_sdk runs it, answering only the Rasa server once a shared token is set.

rasa-sdk 3.6 has no option for this, so `python -m actions.server` builds rasa_sdk's own app and adds a
check before every request. With TRUST_COACH_ACTION_TOKEN set (production), a call to the webhook
must carry `Authorization: Bearer <token>`, which Rasa sends from `action_endpoint.headers`
(deploy/endpoints.production.yml); a header rather than Rasa's `token:` query parameter, because query
strings end up in access logs. Without a token (a local `make run`), the server listens on
127.0.0.1 only, so nothing outside this machine can reach it.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Sequence

from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

TOKEN_VARIABLE = "TRUST_COACH_ACTION_TOKEN"
# Where the server listens when a token protects it; a load balancer in front reaches it there.
HOST_VARIABLE = "TRUST_COACH_ACTION_HOST"
# Load balancers and `make cluster` check that the server is up without holding the token.
OPEN_PATHS = frozenset({"/health"})

logger = logging.getLogger(__name__)


def authorised(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries this bearer token (compared in constant time)."""
    scheme, _, given = (authorization or "").strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def listening_host(token: str | None) -> str:
    """Everywhere (or TRUST_COACH_ACTION_HOST) behind a token; this machine only without one."""
    if not token:
        return "127.0.0.1"
    return os.environ.get(HOST_VARIABLE, "0.0.0.0")


def create_app(actions_package: str, token: str | None, cors_origins: Sequence[str] | None = None) -> Sanic:
    """rasa_sdk's action server app, with the token check in front of it when a token is given."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    # The action server is called by Rasa, never by a browser: no CORS unless asked for.
    app = create_sdk_app(actions_package, cors_origins=list(cors_origins or []))
    if token:

        @app.middleware("request")
        async def require_token(request: Request):
            if request.path in OPEN_PATHS or authorised(request.headers.get("authorization"), token):
                return None
            # Who called and where, never what the request carried: it holds the conversation.
            logger.warning("Refused a call to %s from %s without the action token.", request.path, request.ip)
            return response.json({"error": "This action server answers the Trust Coach Rasa server only."},
                                 status=401)


    @app.middleware("request")
    async def refuse_malformed_calls(request: Request):
        # rasa_sdk answers a body that is not what Rasa sends with a 500; say what is wrong instead.
        if request.path != "/webhook" or request.method != "POST":
            return None
        try:
            problem = problem_with_call(request.json)
        except InvalidUsage:
            problem = "The body must be JSON."
        return response.json({"error": problem}, status=400) if problem else None

    return app


def problem_with_call(call: object) -> str | None:
    """What is wrong with a webhook call's body, if anything: Rasa always sends these fields."""
    if not isinstance(call, dict):
        return "The body must be a JSON object."
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        return '"next_action" must be the name of an action.'
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        return '"tracker" must be an object with a "sender_id".'
    if not isinstance(call.get("domain") or {}, dict):
        return '"domain" must be an object.'
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m actions.server --port 5055`: the same options as `rasa run actions`."""
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser
    from rasa_sdk.plugin import plugin_manager

    args = create_argument_parser().parse_args(argv)
    # The same logging set-up as rasa_sdk's own entry point.
    utils.configure_colored_logging(args.loglevel)
    root_logger = logging.getLogger(APPLICATION_ROOT_LOGGER_NAME)
    utils.configure_file_logging(root_logger, args.log_file, args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()

    token = os.environ.get(TOKEN_VARIABLE) or None
    app = create_app(args.actions or "actions", token, args.cors)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    host = listening_host(token)
    logger.info(
        "Action server on http://%s:%s (%s).", host, args.port,
        "calls need the action token" if token else "no token set: this machine only",
    )
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
