"""Realtime on AWS, the last hop: the function outside the VPC that posts frames to connections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_logs as logs
from constructs import Construct

from polarbase_cdk.constructs._function import python_function

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from aws_cdk import aws_lambda as lambda_

__all__ = ["ConnectionPoster"]


class ConnectionPoster(Construct):
    """The poster function: sends frames to WebSocket connections, and closes them, for the
    websocket and changes functions.

    The API Gateway management API (``@connections``) of a WebSocket API is public: no VPC
    endpoint reaches it, and the VPC has no NAT gateway. So the functions that sit in the VPC to
    reach the database hand their frames to this one, which runs outside any VPC, by a
    synchronous invoke through the VPC's Lambda endpoint: the caller gets back the connections
    that are gone, and, since it waits, one connection's frames keep their order. An invoke
    carries at most 6 MB; a frame at most 128 KB. With an existing database (no VPC) it is used
    all the same: one way to post, and one function allowed to.

    The function runs ``functions/poster/handler.py`` (``handler.handler``) on the layers given,
    with ``environment`` (the region and the management endpoint are all it reads). It reads no
    table, bucket or secret: the stack grants it the management API of the WebSocket stage and
    nothing else.

    Attributes:
        function: the poster function.
        log_group: its log group.

    Example:
        >>> poster = ConnectionPoster(stack, "Poster", code_path=root / "functions/poster",
        ...                           layers=layers.all, environment={})  # doctest: +SKIP
        >>> poster.function.grant_invoke(changes.function)  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code_path: Path,
        layers: Sequence[lambda_.ILayerVersion],
        environment: Mapping[str, str],
        memory_size: int = 512,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function, self.log_group = python_function(
            self,
            description="PolarBase realtime: posts frames to WebSocket connections",
            code_path=code_path,
            layers=layers,
            environment=environment,
            memory_size=memory_size,
            # Less than the changes function's 60 s, which waits for it.
            timeout=timeout or Duration.seconds(30),
            log_retention=log_retention,
        )
