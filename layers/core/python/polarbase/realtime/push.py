"""Frames sent to API Gateway WebSocket connections through its management API, many at once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["ManagementApiPoster"]

_log = logging.getLogger("polarbase.realtime")

# botocore's apigatewaymanagementapi client; nothing of botocore is imported at module level.
ManagementApiClient = Any

_GONE_CODE = "GoneException"
_GONE_STATUS = 410


class ManagementApiPoster:
    """Posts frames to connections with ``PostToConnection``, in parallel threads.

    One call is one HTTPS round trip, so a batch of frames goes out through a thread pool kept
    for the life of the poster (botocore clients are thread-safe); a single frame is posted on
    the calling thread. The client needs ``endpoint_url=https://{domain}/{stage}``, and as many
    pooled HTTP connections as there are workers (``Config(max_pool_connections=...)``; the
    default of 10 makes the other workers wait, or open connections that are thrown away).

    A connection that API Gateway reports gone (``GoneException``, 410: the client left and
    no ``$disconnect`` told us yet) is returned, for the caller to forget. Any other failure
    (throttling, a frame over the limit, the network) is logged as a warning with the
    connection id and the error code, never the frame, and the other frames still go out.

    Example:
        >>> client = session.create_client(
        ...     "apigatewaymanagementapi",
        ...     endpoint_url="https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
        ...     config=Config(max_pool_connections=32),
        ... )
        >>> poster = ManagementApiPoster(client)
        >>> gone = poster.post([("c1", b'{"type":"heartbeat"}'), ("c2", frame)])
    """

    max_frame_bytes = 128 * 1024

    def __init__(self, client: ManagementApiClient, *, max_workers: int = 32) -> None:
        self.client = client
        # Threads start on first use, and only as many as the batches need.
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="polarbase-post")

    def post(self, frames: Sequence[tuple[str, bytes]]) -> list[str]:
        # One connection's frames go out one after another, in order; connections in parallel.
        queues: dict[str, list[bytes]] = {}
        for connection_id, data in frames:
            queues.setdefault(connection_id, []).append(data)
        batches = list(queues.items())
        if len(batches) == 1:
            outcomes = [self._post_all(batches[0])]
        else:
            outcomes = list(self._executor.map(self._post_all, batches))
        return [
            connection_id
            for (connection_id, _), gone in zip(batches, outcomes, strict=True)
            if gone
        ]

    def disconnect(self, connection_ids: Sequence[str]) -> None:
        """Close connections (``DeleteConnection``); ones already gone are fine."""
        from botocore.exceptions import BotoCoreError, ClientError  # the aws mode only

        for connection_id in connection_ids:
            try:
                self.client.delete_connection(ConnectionId=connection_id)
            except (ClientError, BotoCoreError) as error:
                _log.info("realtime: cannot close connection %s (%s)", connection_id, error)

    def _post_all(self, batch: tuple[str, list[bytes]]) -> bool:
        connection_id, frames = batch
        return any(self._post_one((connection_id, data)) for data in frames)

    def close(self) -> None:
        """Stop the worker threads (after the frames being posted have gone out)."""
        self._executor.shutdown(wait=True)

    def _post_one(self, frame: tuple[str, bytes]) -> bool:
        """Post one frame; True when the connection is gone."""
        from botocore.exceptions import BotoCoreError, ClientError  # the aws mode only

        connection_id, data = frame
        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == _GONE_CODE or status == _GONE_STATUS:
                return True
            _log.warning("realtime: cannot post to connection %s (%s)", connection_id, code)
        except BotoCoreError as error:
            _log.warning(
                "realtime: cannot post to connection %s (%s)", connection_id, type(error).__name__
            )
        return False
