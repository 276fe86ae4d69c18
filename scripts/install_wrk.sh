#!/bin/sh
# wrk is the benchmark's load generator; install it from the system's packages when missing.
set -eu
if command -v wrk >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
else
    echo "install wrk (https://github.com/wg/wrk) to run the benchmark" >&2
    exit 1
fi
