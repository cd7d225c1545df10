#!/usr/bin/env bash
# Installs the Debian packages `make test` and `make cluster` need when they are missing:
#   bash scripts/system_packages.sh chromium nginx
# chromium drives the browser tests (Playwright's own browser download does not work here); nginx
# balances the Rasa replicas in `make cluster` and its test.
set -euo pipefail

declare -A PROGRAM=([chromium]=/usr/bin/chromium [nginx]=/usr/sbin/nginx)
missing=()
for package in "$@"; do
    [ -x "${PROGRAM[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]} from Debian's packages..."
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "error: ${missing[*]} missing; install them as root: apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
