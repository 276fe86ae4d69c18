"""The Lambda platform every PolarBase function and layer is built for, named in one place.

``scripts/build_layers.sh`` builds the dependencies layer for this target (it runs this file to read
it) and the CDK constructs give the functions and layers the same runtime and architecture, so
compiled wheels (psycopg, pydantic-core, orjson) always match the machine that loads them.
This module imports nothing, so the build script can read it without loading the CDK.
"""

from __future__ import annotations

__all__ = ["ARCHITECTURE", "PIP_PLATFORM", "PYTHON_VERSION"]

PYTHON_VERSION = "3.13"
"""The Lambda Python runtime (``python3.13``) and the interpreter the wheels and bytecode are for.

Lambda supports python3.13 until June 2029 (3.11 was deprecated in June 2026, 3.12 goes in October
2028), and on this repository's machine it starts the REST function about 6% faster than 3.12
(bench/RESULTS.md, 2026-12-06). ``scripts/build_layers.sh`` compiles both layers with an
interpreter of this version, so the build machine needs one (on the PATH, from pyenv or uv).
"""
ARCHITECTURE = "x86_64"
"""The Lambda architecture (``x86_64`` or ``arm64``)."""
PIP_PLATFORM = f"manylinux2014_{'aarch64' if ARCHITECTURE == 'arm64' else 'x86_64'}"
"""The wheel platform tag ``pip install --platform`` asks for."""


if __name__ == "__main__":
    # Shell assignments: scripts/build_layers.sh evals this file's output.
    print(f"PYTHON_VERSION={PYTHON_VERSION}")
    print(f"ARCHITECTURE={ARCHITECTURE}")
    print(f"PIP_PLATFORM={PIP_PLATFORM}")
