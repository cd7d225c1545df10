#!/usr/bin/env bash
# Starts the action server (:5055), the Rasa server (:5005) and the demo page with the chat widget
# (:8080) together; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
MODEL=models/trust-coach.tar.gz
DEMO_PORT="${TRUST_COACH_DEMO_PORT:-8080}"
# The web pages allowed to embed the chat (space-separated origins); the demo page by default.
export TRUST_COACH_ORIGINS="${TRUST_COACH_ORIGINS:-http://localhost:$DEMO_PORT http://127.0.0.1:$DEMO_PORT}"
# This machine only, unless TRUST_COACH_HOST (e.g. 0.0.0.0) deliberately opens all three servers.
export TRUST_COACH_HOST="${TRUST_COACH_HOST:-127.0.0.1}"
mkdir -p var
# Every call from Rasa to the action server carries this token (endpoints.yml, actions/server.py).
# Unless one is given, one is made once and kept in var/, readable by this user only.
if [ -z "${TRUST_COACH_ACTION_TOKEN:-}" ]; then
    if [ ! -s var/action_token ]; then
        (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))' >var/action_token)
    fi
    chmod 600 var/action_token
    TRUST_COACH_ACTION_TOKEN=$(cat var/action_token)
fi
export TRUST_COACH_ACTION_TOKEN
# One BLAS thread per server: numpy's OpenBLAS otherwise keeps a second thread spinning between the
# small matrix products of each message, a core's worth of CPU for nothing (measured: Rasa's CPU per
# turn under `make bench` fell from 85 to 50 ms with the same throughput).
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

for port in 5005 5055 "$DEMO_PORT"; do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: port $port is already in use (is Trust Coach already running?)." >&2
        exit 1
    fi
done

"$BIN/python" -m actions.server --port 5055 &
actions=$!
"$BIN/python" scripts/serve_demo.py --host "$TRUST_COACH_HOST" --port "$DEMO_PORT" \
    --rasa-url http://localhost:5005 &
demo=$!

# Tell the person where to talk to the assistant once Rasa answers.
(
    for _ in $(seq 1 300); do
        if curl -fs http://127.0.0.1:5005/ >/dev/null 2>&1; then
            cat <<BANNER

  Trust Coach is running.
    In a web browser, the chat on a demo page:  http://localhost:$DEMO_PORT/
    In this terminal:             make chat   (in a second terminal)
    Over HTTP:                    curl -s -XPOST http://localhost:5005/webhooks/rest/webhook \\
                                    -d '{"sender": "me", "message": "hi"}'
  Press Ctrl-C to stop the servers.

BANNER
            exit 0
        fi
        sleep 1
    done
) &
banner=$!
trap 'kill "$actions" "$demo" "$banner" 2>/dev/null || true; wait' EXIT

# shellcheck disable=SC2086 # one origin per word
"$BIN/rasa" run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
    --interface "$TRUST_COACH_HOST" --port 5005 --cors $TRUST_COACH_ORIGINS
