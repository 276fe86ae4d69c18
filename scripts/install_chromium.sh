#!/bin/sh
# The studio's end-to-end tests drive Chromium through Playwright, which cannot download its own
# browsers here: install the system's chromium when it is missing (POLARBASE_CHROMIUM names
# another binary).
set -eu
CHROMIUM=${POLARBASE_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
else
    echo "install Chromium (or set POLARBASE_CHROMIUM to its binary) for the studio's tests" >&2
    exit 1
fi
