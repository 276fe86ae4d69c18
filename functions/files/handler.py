"""The files gc function: every hour, removes stored files that no attachment cell names any more
(once older than the grace period, so an upload in flight is never taken)."""

# ruff: noqa: E402  (the imports follow gc.disable(), which must run before them)
from __future__ import annotations

import gc

gc.disable()

import asyncio
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from polarbase.config import Settings
from polarbase.files import collect_garbage
from polarbase.runtime import build_runtime

logger = Logger()
runtime = build_runtime(Settings(mode="aws"))
copy_config_to_registered_loggers(source_logger=logger, include={"polarbase"})
loop = asyncio.new_event_loop()
gc.freeze()
gc.enable()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    loop.run_until_complete(runtime.start())
    result = loop.run_until_complete(collect_garbage(runtime))
    logger.info("files gc", **result)
    return result
