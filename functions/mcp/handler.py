"""The MCP endpoint on AWS Lambda: ``/mcp/database`` behind the HTTP API, one request per
invocation (the endpoint is stateless), in a function of its own so that the MCP SDK never
loads in the REST function. The same ASGI app as locally; no response exceeds what Lambda may
return (``polarbase.http.lambda_response``).
"""

# ruff: noqa: E402  (the imports follow gc.disable(), which must run before them)
from __future__ import annotations

import gc

gc.disable()

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from mangum import Mangum

from polarbase.config import Settings
from polarbase.http import create_app
from polarbase.http.lambda_response import fit_response
from polarbase.mcp.endpoint import McpEndpoint  # noqa: F401  (built at import: the cold start pays)
from polarbase.runtime import build_runtime

logger = Logger()
runtime = build_runtime(Settings(mode="aws"))
copy_config_to_registered_loggers(source_logger=logger, include={"polarbase"})
asgi_handler = Mangum(create_app(runtime, start="first-request"), lifespan="off")
gc.freeze()
gc.enable()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    http = event["requestContext"]["http"]
    response = fit_response(asgi_handler(event, context), http["method"])
    # Which tool was called is in the audit log; the log line says only that a request came.
    logger.info(
        "request",
        method=http["method"],
        path=http["path"],
        status=response["statusCode"],
        ms=round((time.perf_counter() - started) * 1e3, 3),
    )
    return response
