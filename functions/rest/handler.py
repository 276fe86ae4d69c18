"""The REST API on AWS Lambda: API Gateway HTTP API (payload v2) events in, responses out.

Built at import, opened on the first request (a bad secret answers 503, it does not crash the
import); one runtime and one database connection per execution environment, reused. No response
exceeds what Lambda may return (``polarbase.http.lambda_response``).
"""

# ruff: noqa: E402  (the imports follow gc.disable(), which must run before them)
from __future__ import annotations

import gc

# The import allocates a few hundred thousand objects and frees almost none: collecting while it
# runs is wasted cold start (6-7% of it, bench/RESULTS.md). Frozen afterwards, never scanned.
gc.disable()

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from mangum import Mangum

from polarbase.config import Settings
from polarbase.http import create_app
from polarbase.http.lambda_response import fit_response
from polarbase.runtime import build_runtime

logger = Logger()
metrics = Metrics()
runtime = build_runtime(Settings(mode="aws"))
# PolarBase's own loggers write through Powertools too: JSON, with the request's correlation id.
copy_config_to_registered_loggers(source_logger=logger, include={"polarbase"})
asgi_handler = Mangum(create_app(runtime, start="first-request"), lifespan="off")
gc.freeze()
gc.enable()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    http = event["requestContext"]["http"]
    response = fit_response(asgi_handler(event, context), http["method"])
    elapsed_ms = (time.perf_counter() - started) * 1e3
    metrics.add_metric("Latency", MetricUnit.Milliseconds, elapsed_ms)
    # The path, never the query string: it may carry filter values a user considers private.
    logger.info(
        "request",
        method=http["method"],
        path=http["path"],
        status=response["statusCode"],
        ms=round(elapsed_ms, 3),
    )
    return response
