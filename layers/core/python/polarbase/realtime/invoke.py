"""Realtime's hops between functions on AWS: frames to the poster, writes to the drain."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson

from ..aws_clients import AwsClients
from ..changes import Change, ChangeAction

__all__ = ["RECORD_ACTIONS", "ChangesTrigger", "InvokedPoster"]

_log = logging.getLogger("polarbase.realtime")
RECORD_ACTIONS = frozenset({ChangeAction.INSERT, ChangeAction.UPDATE, ChangeAction.DELETE})
_MAX_PAYLOAD_BYTES = 5 * 1024 * 1024  # a synchronous invoke carries at most 6 MB


class InvokedPoster:
    """A ``ConnectionPoster`` for functions in the VPC: the management API is public and the VPC
    has no NAT, so frames go to the poster function (outside the VPC) by a synchronous invoke
    through the VPC's Lambda endpoint, which answers with the connections that are gone.

    Batches are cut below the invoke's 6 MB and sent one after another, so one connection's
    frames keep their order.
    """

    max_frame_bytes = 128 * 1024

    def __init__(self, client: Any, function_name: str) -> None:
        self.client = client
        self.function_name = function_name

    def post(self, frames: Sequence[tuple[str, bytes]]) -> list[str]:
        gone: list[str] = []
        batch: list[tuple[str, str]] = []
        size = 0
        for connection_id, data in frames:
            text = data.decode()
            if batch and size + len(data) + 64 > _MAX_PAYLOAD_BYTES:
                gone += self._invoke({"frames": batch}).get("gone", [])
                batch, size = [], 0
            batch.append((connection_id, text))
            size += len(data) + 64
        if batch:
            gone += self._invoke({"frames": batch}).get("gone", [])
        return gone

    def disconnect(self, connection_ids: Sequence[str]) -> None:
        if connection_ids:
            self._invoke({"disconnect": list(connection_ids)})

    def _invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError  # the aws mode only

        try:
            response = self.client.invoke(
                FunctionName=self.function_name, Payload=orjson.dumps(payload)
            )
            answer = orjson.loads(response["Payload"].read() or b"{}")
        except (ClientError, BotoCoreError, orjson.JSONDecodeError) as error:
            _log.warning("realtime: the poster function failed: %s", error)
            return {}
        if response.get("FunctionError"):
            _log.warning("realtime: the poster function failed: %s", answer)
            return {}
        return answer if isinstance(answer, dict) else {}


class ChangesTrigger:
    """Listens to committed record writes and wakes the changes function (an asynchronous
    invoke: the write's response does not wait for the fan-out). Writes made outside the API
    are drained by the changes function's schedule."""

    def __init__(self, clients: AwsClients, function_name: str) -> None:
        self.clients = clients  # the Lambda client is made on the first write, not at import
        self.function_name = function_name

    def __call__(self, change: Change) -> None:
        from botocore.exceptions import BotoCoreError, ClientError  # the aws mode only

        try:
            self.clients.lambda_().invoke(
                FunctionName=self.function_name,
                InvocationType="Event",
                Payload=b'{"source":"write"}',
            )
        except (ClientError, BotoCoreError) as error:
            # The change is committed and stays in the slot; the schedule drains it.
            _log.warning("realtime: cannot wake the changes function: %s", error)
