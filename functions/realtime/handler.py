"""The websocket function: API Gateway WebSocket events ($connect, $disconnect, $default) in.

``$connect`` checks the key (query ``x-api-key`` or the header) and stores the connection;
``$default`` carries the realtime protocol's messages (subscribe, unsubscribe, ping), answered
through the route response or, when events are replayed, through the poster function.
"""

# ruff: noqa: E402  (the imports follow gc.disable(), which must run before them)
from __future__ import annotations

import gc

gc.disable()  # as in the REST function: nothing to collect while the imports run

import asyncio
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from polarbase.config import Settings
from polarbase.errors import PolarBaseError
from polarbase.realtime.aws import build_aws_realtime
from polarbase.runtime import build_runtime

logger = Logger()
runtime = build_runtime(Settings(mode="aws"))
realtime = build_aws_realtime(runtime)
copy_config_to_registered_loggers(source_logger=logger, include={"polarbase"})
# One loop per execution environment: the database connection belongs to it.
loop = asyncio.new_event_loop()
gc.freeze()
gc.enable()


def _secret(event: dict[str, Any]) -> str | None:
    query = event.get("queryStringParameters") or {}
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    return query.get("x-api-key") or query.get("apiKey") or headers.get("x-api-key")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    route, connection_id = request["routeKey"], request["connectionId"]
    try:
        loop.run_until_complete(runtime.start())
    except PolarBaseError as problem:
        return {"statusCode": problem.status, "body": problem.message}
    if route == "$connect":
        refused = realtime.connect(connection_id, _secret(event))
        logger.info("connect", connection=connection_id, status=refused.status if refused else 200)
        if refused is not None:
            return {"statusCode": refused.status, "body": refused.message}
        return {"statusCode": 200}
    if route == "$disconnect":
        realtime.disconnect(connection_id)
        return {"statusCode": 200}
    reply = loop.run_until_complete(realtime.message(connection_id, event.get("body") or ""))
    if reply is None:
        return {"statusCode": 200}
    return {"statusCode": 200, "body": reply.decode()}
