#!/usr/bin/env bash
# Starts the action server (:5055) and the Rasa server (:5005) together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
MODEL=models/trust-coach.tar.gz
mkdir -p var

for port in 5005 5055; do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: port $port is already in use (is Trust Coach already running?)." >&2
        exit 1
    fi
done

"$BIN/python" -m actions.server --port 5055 &
actions=$!

# Tell the person where to talk to the assistant once Rasa answers.
(
    for _ in $(seq 1 300); do
        if curl -fs http://127.0.0.1:5005/ >/dev/null 2>&1; then
            cat <<'BANNER'

  Trust Coach is running.
    Talk to it in this terminal:  make chat   (in a second terminal)
    Or over HTTP:                 curl -s -XPOST http://localhost:5005/webhooks/rest/webhook \
                                    -d '{"sender": "me", "message": "hi"}'
  Press Ctrl-C to stop both servers.

BANNER
            exit 0
        fi
        sleep 1
    done
) &
banner=$!
trap 'kill "$actions" "$banner" 2>/dev/null || true; wait' EXIT

"$BIN/rasa" run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml --port 5005
