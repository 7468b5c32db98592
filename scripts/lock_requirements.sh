#!/usr/bin/env bash
# Pin every version: requirements.in -> requirements.txt (what the app installs: Community Cloud,
# the Dockerfile), requirements-dev.txt -> requirements-dev.lock (what CI installs), resolved
# from PyPI by uv for the Python and platform we test and host on (3.11, Linux).
#
#   scripts/lock_requirements.sh            after editing a loose file: add what is new, keep
#                                           every other pin as it is
#   scripts/lock_requirements.sh --upgrade  move every pin to the newest release (test first:
#                                           README, "Pinned versions")
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-.venv/bin/uv}
options=(--python-version 3.11 --python-platform linux --quiet
         --custom-compile-command "scripts/lock_requirements.sh" "$@")
"$uv" pip compile "${options[@]}" requirements.in -o requirements.txt
# The development set keeps the app's pins exactly: CI tests what Community Cloud installs.
"$uv" pip compile "${options[@]}" requirements-dev.txt -c requirements.txt -o requirements-dev.lock
