#!/usr/bin/env bash
# Starts the production topology on this machine (`make cluster`): Rasa replicas and action servers
# behind nginx, conversations in PostgreSQL, Rasa's lock store in Redis. Ctrl-C stops everything.
#
# The same code and model as `make run`; only the endpoints file (deploy/endpoints.production.yml)
# and the environment differ. Every setting below can be overridden from the environment; tests
# use that to run a cluster of their own beside this one.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$PWD/.venv/bin
MODEL=${TRUST_COACH_MODEL:-models/trust-coach.tar.gz}
RUN_DIR=$(realpath -m "${TRUST_COACH_CLUSTER_DIR:-var/cluster}")
CLUSTER_PORT=${TRUST_COACH_CLUSTER_PORT:-8000}
read -r -a RASA_PORTS <<<"${TRUST_COACH_RASA_PORTS:-5005 5006}"
read -r -a ACTION_PORTS <<<"${TRUST_COACH_ACTION_PORTS:-5055 5056}"

# What deploy/endpoints.production.yml reads. PostgreSQL and Redis are the ones running here.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"  # as scripts/run.sh says
export TRUST_COACH_TRACKER_DB_HOST=${TRUST_COACH_TRACKER_DB_HOST:-127.0.0.1}
export TRUST_COACH_TRACKER_DB_PORT=${TRUST_COACH_TRACKER_DB_PORT:-5432}
export TRUST_COACH_TRACKER_DB_NAME=${TRUST_COACH_TRACKER_DB_NAME:-trust_coach_tracker}
export TRUST_COACH_TRACKER_DB_USER=${TRUST_COACH_TRACKER_DB_USER:-postgres}
export TRUST_COACH_TRACKER_DB_PASSWORD=${TRUST_COACH_TRACKER_DB_PASSWORD:-}
export TRUST_COACH_REDIS_HOST=${TRUST_COACH_REDIS_HOST:-127.0.0.1}
export TRUST_COACH_REDIS_PORT=${TRUST_COACH_REDIS_PORT:-6379}
export TRUST_COACH_REDIS_DB=${TRUST_COACH_REDIS_DB:-1}
export TRUST_COACH_REDIS_PASSWORD=${TRUST_COACH_REDIS_PASSWORD:-}
export TRUST_COACH_REDIS_KEY_PREFIX=${TRUST_COACH_REDIS_KEY_PREFIX:-trustcoach}
export TRUST_COACH_ACTION_URL=http://127.0.0.1:$CLUSTER_PORT/action-server/webhook
# The coach's own database (coach/store.py), given to the action servers only, as in production:
# a replica deletes a person's records through them (channels/privacy.py), never by itself.
COACH_DB_URL=${TRUST_COACH_DB_URL:-postgresql://postgres@127.0.0.1:5432/trust_coach}
unset TRUST_COACH_DB_URL
# A fresh token each run unless one is given: only these replicas hold it.
TRUST_COACH_ACTION_TOKEN=${TRUST_COACH_ACTION_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export TRUST_COACH_ACTION_TOKEN
# The REST channel is for the operator's own services in production (channels/rest.py): a token too.
TRUST_COACH_REST_TOKEN=${TRUST_COACH_REST_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export TRUST_COACH_REST_TOKEN
# nginx, on this machine, says in X-Real-IP whom it forwards for: the flood limits count that address.
export TRUST_COACH_TRUSTED_PROXIES=${TRUST_COACH_TRUSTED_PROXIES:-127.0.0.1}
# nginx is the one way in, on this machine only unless TRUST_COACH_HOST opens it; the replicas and
# the action servers listen on loopback whatever it says, since only nginx needs to reach them.
PUBLIC_HOST=${TRUST_COACH_HOST:-127.0.0.1}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

for port in "$CLUSTER_PORT" "${RASA_PORTS[@]}" "${ACTION_PORTS[@]}"; do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: port $port is already in use (is a Trust Coach cluster already running?)." >&2
        exit 1
    fi
done
[ -f "$MODEL" ] || { echo "error: no trained model at $MODEL (run 'make train')." >&2; exit 1; }

mkdir -p "$RUN_DIR/nginx-tmp"
rm -f "$RUN_DIR"/*.pid "$RUN_DIR/stopping"

TRUST_COACH_DB_URL=$COACH_DB_URL "$BIN/python" scripts/prepare_cluster.py databases
rasa_addresses=() action_addresses=()
for port in "${RASA_PORTS[@]}"; do rasa_addresses+=("127.0.0.1:$port"); done
for port in "${ACTION_PORTS[@]}"; do action_addresses+=("127.0.0.1:$port"); done
"$BIN/python" scripts/prepare_cluster.py nginx --listen "$PUBLIC_HOST:$CLUSTER_PORT" --run-dir "$RUN_DIR" \
    --rasa "${rasa_addresses[@]}" --actions "${action_addresses[@]}" --action-clients 127.0.0.1 \
    >"$RUN_DIR/nginx.conf"

# Runs a server and starts it again whenever it stops, as a process manager would in production:
# a replica that crashes or is killed comes back and carries on from the tracker store.
# Its current process id is in $RUN_DIR/<name>.pid, its output in $RUN_DIR/<name>.log.
supervise() {
    local name=$1
    shift
    while [ ! -e "$RUN_DIR/stopping" ]; do
        "$@" >>"$RUN_DIR/$name.log" 2>&1 &
        echo $! >"$RUN_DIR/$name.pid"
        wait $! || true
        [ -e "$RUN_DIR/stopping" ] && break
        echo "$name stopped; starting it again." >&2
        sleep 1
    done
}

supervisors=()
stop() {
    touch "$RUN_DIR/stopping"
    for pidfile in "$RUN_DIR"/*.pid; do
        [ -e "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    # Give them time to finish the turn they are on, then make sure.
    for _ in $(seq 1 30); do
        alive=0
        for pidfile in "$RUN_DIR"/*.pid; do
            [ -e "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 1
    done
    for pidfile in "$RUN_DIR"/*.pid; do
        [ -e "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    done
    [ "${#supervisors[@]}" -gt 0 ] && kill "${supervisors[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -f "$RUN_DIR"/*.pid
}
trap stop EXIT
trap 'exit 130' INT TERM

for i in "${!ACTION_PORTS[@]}"; do
    supervise "actions-$((i + 1))" env TRUST_COACH_DB_URL="$COACH_DB_URL" TRUST_COACH_HOST=127.0.0.1 \
        "$BIN/python" -m actions.server --port "${ACTION_PORTS[$i]}" &
    supervisors+=($!)
done
for i in "${!RASA_PORTS[@]}"; do
    supervise "rasa-$((i + 1))" "$BIN/rasa" run --model "$MODEL" --endpoints deploy/endpoints.production.yml \
        --credentials credentials.yml --interface 127.0.0.1 --port "${RASA_PORTS[$i]}" &
    supervisors+=($!)
done
/usr/sbin/nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log" -g 'daemon off;' &
nginx=$!

ready() { curl -fs -o /dev/null "$1"; }
echo "Starting ${#RASA_PORTS[@]} Rasa replicas and ${#ACTION_PORTS[@]} action servers (logs in $RUN_DIR)..."
for _ in $(seq 1 600); do
    up=1
    for port in "${ACTION_PORTS[@]}"; do ready "http://127.0.0.1:$port/health" || up=0; done
    for port in "${RASA_PORTS[@]}"; do ready "http://127.0.0.1:$port/" || up=0; done
    # nginx only once the replicas answer: asked earlier, it would count them as failed for a while.
    [ "$up" = 1 ] && { ready "http://127.0.0.1:$CLUSTER_PORT/" || up=0; }
    [ "$up" = 1 ] && break
    kill -0 "$nginx" 2>/dev/null || { echo "error: nginx stopped; see $RUN_DIR/nginx-error.log" >&2; exit 1; }
    sleep 1
done
[ "$up" = 1 ] || { echo "error: the cluster did not come up in 10 minutes; see $RUN_DIR/*.log" >&2; exit 1; }

cat <<BANNER

  Trust Coach cluster is running at http://$PUBLIC_HOST:$CLUSTER_PORT
    REST:       curl -s -XPOST http://127.0.0.1:$CLUSTER_PORT/webhooks/rest/webhook \\
                  -H "Authorization: Bearer $TRUST_COACH_REST_TOKEN" -d '{"sender": "me", "message": "hi"}'
    Replicas:   ${RASA_PORTS[*]} (Rasa)   ${ACTION_PORTS[*]} (actions, token required)
    Data:       tracker store $TRUST_COACH_TRACKER_DB_NAME, coach ${COACH_DB_URL##*/} (PostgreSQL);
                lock store Redis db $TRUST_COACH_REDIS_DB
  Press Ctrl-C to stop everything.

BANNER
wait "$nginx"
