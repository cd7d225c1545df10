"""The action server as rasa_sdk runs it, answering only the Rasa server, which holds a shared token.

rasa-sdk 3.6 has no option for this, so `python -m actions.server` builds rasa_sdk's own app and adds a
check before every request: a call must carry `Authorization: Bearer <TRUST_COACH_ACTION_TOKEN>`,
which Rasa sends from `action_endpoint.headers` (endpoints.yml); a header rather than Rasa's `token:`
query parameter, because query strings end up in access logs. Without a token the server does not
start at all, so it can never be left open by mistake; `make run` makes one (scripts/run.sh).

Besides rasa_sdk's routes it has `POST /forget`, through which the Rasa server deletes a person's
records (channels/privacy.py): only the action server is sure to know where the coach's database is.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable, Sequence
from urllib.parse import quote

from sanic import Sanic, response
from sanic.exceptions import InvalidUsage, SanicException
from sanic.request import Request

from coach import logs
from coach.store import open_store

TOKEN_VARIABLE = "TRUST_COACH_ACTION_TOKEN"
# The one setting that opens the servers to other machines (scripts/run.sh passes it to all three).
HOST_VARIABLE = "TRUST_COACH_HOST"
# Load balancers and `make cluster` check that the server is up without holding the token.
OPEN_PATHS = frozenset({"/health"})
NO_TOKEN = (
    f"error: {TOKEN_VARIABLE} is not set. The action server answers only calls that carry this token,\n"
    "and the Rasa server sends it from endpoints.yml; give both the same value, for example\n"
    f"  export {TOKEN_VARIABLE}=$(openssl rand -base64 32)\n"
    "(`make run` makes one for you in var/action_token)."
)

logger = logging.getLogger(__name__)


def authorised(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries this bearer token (compared in constant time)."""
    scheme, _, given = (authorization or "").strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def listening_host() -> str:
    """This machine only, unless TRUST_COACH_HOST deliberately says otherwise."""
    return os.environ.get(HOST_VARIABLE) or "127.0.0.1"


def log_refusal(request: Request, status: int, reason: str) -> None:
    """Who called, how and where, never what the request carried: it holds a person's conversation."""
    # The path is the caller's to choose: quoted, so that it cannot forge a line of the log.
    logger.warning("Refused %s %s from %s (%d): %s.", request.method, quote(request.path[:200], safe="/%"),
                   request.ip, status, reason)


def create_app(actions_package: str, token: str, cors_origins: Sequence[str] | None = None) -> Sanic:
    """rasa_sdk's action server app, with the token check in front of it and the /forget route."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    if not token:
        raise ValueError(NO_TOKEN)
    logs.install()  # no log line of this process carries a person's words or id (coach/logs.py)
    # The action server is called by Rasa, never by a browser: no CORS unless asked for.
    app = create_sdk_app(actions_package, cors_origins=list(cors_origins or []))
    checks: dict[str, Callable[[object], str | None]] = {
        "/webhook": problem_with_call, "/forget": problem_with_forget,
    }

    @app.middleware("request")
    async def require_token(request: Request):
        # Sanic runs this for paths it has no route for too (request.route unset); those get a 404.
        if request.route is None or request.path in OPEN_PATHS:
            return None
        if authorised(request.headers.get("authorization"), token):
            return None
        log_refusal(request, 401, "no valid action token")
        return response.json({"error": "This action server answers the Trust Coach Rasa server only."},
                             status=401)

    @app.middleware("request")
    async def refuse_malformed_calls(request: Request):
        # rasa_sdk answers a body that is not what Rasa sends with a 500; say what is wrong instead.
        check = checks.get(request.path)
        if check is None or request.method != "POST":
            return None
        try:
            problem = check(request.json)
        except InvalidUsage:
            problem = "The body must be JSON."
        if problem is None:
            hide_the_person(request.json)
            return None
        log_refusal(request, 400, "malformed body")
        return response.json({"error": problem}, status=400)

    @app.post("/forget")
    async def forget(request: Request):
        removed = open_store().forget(request.json["sender_id"])
        logger.info("Deleted a person's records at the Rasa server's request (%d rows).", removed)
        return response.json({"forgotten": removed})

    # rasa_sdk's own handler turns every error into a 500 with a traceback in the log and the request's
    # body in the answer; an unknown path or a wrong method is the caller's mistake, not ours.
    @app.exception(SanicException)
    async def refuse(request: Request, exception: SanicException):
        log_refusal(request, exception.status_code, type(exception).__name__)
        return response.json({"error": str(exception)}, status=exception.status_code)

    @app.exception(Exception)
    async def fail(request: Request, exception: Exception):
        logger.error("%s %s failed.", request.method, request.path, exc_info=exception)
        return response.json({"error": "The action server failed; see its log."}, status=500)

    return app


def hide_the_person(call: dict) -> None:
    """Whatever handles this call logs neither the conversation's id nor what the person wrote."""
    tracker = call.get("tracker") or {}
    said = [event.get("text") for event in tracker.get("events") or [] if isinstance(event, dict)]
    said.append((tracker.get("latest_message") or {}).get("text"))
    logs.hide(*said, sender=tracker.get("sender_id") or call.get("sender_id"))


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


def problem_with_forget(call: object) -> str | None:
    """What is wrong with a /forget body, if anything: {"sender_id": "<whose records>"}."""
    if not isinstance(call, dict) or not isinstance(call.get("sender_id"), str) or not call["sender_id"]:
        return 'Send a JSON object: {"sender_id": "<the conversation to forget>"}.'
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m actions.server --port 5055`: the same options as `rasa run actions`."""
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser
    from rasa_sdk.plugin import plugin_manager

    args = create_argument_parser().parse_args(argv)
    token = os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise SystemExit(NO_TOKEN)
    # The same logging set-up as rasa_sdk's own entry point.
    utils.configure_colored_logging(args.loglevel)
    root_logger = logging.getLogger(APPLICATION_ROOT_LOGGER_NAME)
    utils.configure_file_logging(root_logger, args.log_file, args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()

    app = create_app(args.actions or "actions", token, args.cors)
    # The first practice answer would otherwise wait about 4 s for spaCy and the learned reading.
    from actions.assessment import assess_reply

    assess_reply("I was at work, I can show you my calendar if that helps.")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    host = listening_host()
    logger.info("Action server on http://%s:%s; every call needs the action token.", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
