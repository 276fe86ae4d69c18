"""The changes function: drains the replication slot and fans the events out to connections.

Invoked asynchronously by the REST function after each committed write, and every minute by a
schedule (which also drains writes made outside the API, sends heartbeats, tells connections to
reconnect before API Gateway's 2-hour limit and closes revoked keys' connections).
"""

# ruff: noqa: E402  (the imports follow gc.disable(), which must run before them)
from __future__ import annotations

import gc

gc.disable()

import asyncio
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from polarbase.config import Settings
from polarbase.realtime.aws import build_aws_realtime
from polarbase.runtime import build_runtime

logger = Logger()
runtime = build_runtime(Settings(mode="aws"))
realtime = build_aws_realtime(runtime)
copy_config_to_registered_loggers(source_logger=logger, include={"polarbase"})
loop = asyncio.new_event_loop()
gc.freeze()
gc.enable()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    scheduled = event.get("source") == "aws.events"
    loop.run_until_complete(runtime.start())
    result = loop.run_until_complete(realtime.drain(scheduled=scheduled))
    logger.info("drained", scheduled=scheduled, **result)
    return result
